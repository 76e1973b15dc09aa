"""A company admin writes a quiz on the campaigns page (the module form), and a member
passes or fails it against its pass mark."""

from __future__ import annotations

import pytest
from django.test import Client

from smartwork.wellbeing.forms import parse_quiz
from smartwork.wellbeing.models import Module

pytestmark = pytest.mark.django_db

QUIZ = """Where do work files belong?
- Only on the laptop
* On the company's backed-up storage

On a café's WiFi you use
* the company VPN or your phone's connection
- nothing special
"""


def client_for(user, language="en"):
    c = Client(headers={"accept-language": language})
    c.force_login(user)
    return c


def _post(company, admin, **fields):
    data = {"action": "module", "title": "Our security quiz", "kind": "quiz",
            "language": "fr", "topic": "security", "quiz": QUIZ, "pass_mark": "50", **fields}
    return client_for(admin).post(f"/wellbeing/company/{company.pk}/campaigns/", data)


def test_parse_quiz_blocks_answers_and_the_correct_one():
    assert parse_quiz(QUIZ) == [
        {"question": "Where do work files belong?",
         "choices": ["Only on the laptop", "On the company's backed-up storage"], "correct": 1},
        {"question": "On a café's WiFi you use",
         "choices": ["the company VPN or your phone's connection", "nothing special"],
         "correct": 0}]
    assert parse_quiz("Q?\r\n- a\r\n* b\r\n   \r\nR?\r\n* c\r\n- d")[1]["correct"] == 0


def test_the_admin_adds_a_quiz_on_the_page(company, company_admin):
    page = client_for(company_admin).get(f"/wellbeing/company/{company.pk}/campaigns/")
    assert 'name="quiz"' in page.content.decode() and 'value="quiz"' in page.content.decode()
    r = _post(company, company_admin)
    assert r.status_code == 302
    module = Module.objects.get(company=company)
    assert (module.kind, module.pass_mark, len(module.quiz)) == ("quiz", 50, 2)
    assert module.quiz[0]["correct"] == 1


@pytest.mark.parametrize(("quiz", "message"), [
    ("Q?\n- a\n- b", "has no correct answer"),
    ("Q?\n* a\n* b", "mark one correct answer only"),
    ("Q?\n* a\nb", "start each answer with *"),
    ("Q?\n* a", "at least two answers"),
    ("", "at least one question"),
])
def test_a_wrong_quiz_shows_inline_and_stores_nothing(company, company_admin, quiz, message):
    r = _post(company, company_admin, quiz=quiz)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not Module.objects.filter(company=company).exists()


def test_a_quiz_needs_a_pass_mark(company, company_admin):
    r = _post(company, company_admin, pass_mark="")
    assert r.status_code == 200 and "pass mark from 1 to 100" in r.content.decode()
    assert not Module.objects.filter(company=company).exists()
