"""The login's second step and enrolment pages in French, Dutch and German without a
word of the interface's English (the finder of the translation walk, web/tests/pages.py,
whose walk cannot reach them: they need a password step first)."""

from __future__ import annotations

import pytest
from django.test import Client

from smartwork.twofactor.tests.helpers import enrol_totp
from smartwork.twofactor.tests.test_policy import require_for_network
from smartwork.web.tests.pages import EnglishFinder


def _after_password(user, language):
    client = Client()
    client.cookies["django_language"] = language
    client.post("/login/", {"username": user.email, "password": "pass-1234"})
    return client


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_the_second_step_and_enrolment_are_translated(network, member, operator, language):
    finder = EnglishFinder(language)
    enrol_totp(member)
    client = _after_password(member, language)
    verify = client.get("/login/verify/")
    assert verify.status_code == 200 and finder.find(verify.content.decode()) == []
    wrong = client.post("/login/verify/", {"code": "000000"})
    assert wrong.status_code == 200 and finder.find(wrong.content.decode()) == []
    require_for_network(network)
    client = _after_password(operator, language)
    enrol = client.get("/login/enrol/")
    assert enrol.status_code == 200 and finder.find(enrol.content.decode()) == []
