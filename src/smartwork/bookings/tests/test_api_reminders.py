"""GET/PUT /me/reminders (bookings/api_reminders.py): the caller's own choice, through the
same service as the profile page; a bad choice answers 422 and changes nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from smartwork.bookings import reminders
from smartwork.bookings.models import ReminderPreference

pytestmark = pytest.mark.django_db


def test_none_until_chosen_then_what_was_chosen(api, member):
    assert api(member).get("/me/reminders").json() == {"when": "none"}
    r = api(member).put("/me/reminders", {"when": "both"})
    assert r.status_code == 200 and r.json() == {"when": "both"}
    assert api(member).get("/me/reminders").json() == {"when": "both"}
    assert reminders.reminder_preference_get(member=member) == "both"


def test_the_page_and_the_api_read_and_write_the_same_choice(api, member):
    client = Client()
    client.force_login(member)
    client.post(reverse("web:my_reminders"), {"when": "hour_before"})
    assert api(member).get("/me/reminders").json() == {"when": "hour_before"}
    api(member).put("/me/reminders", {"when": "day_before"})
    page = client.get(reverse("web:my_reminders")).content.decode()
    checked = re.findall(r'<input[^>]*value="(\w+)"[^>]*\bchecked\b', page)
    assert checked == ["day_before"]


def test_each_person_sets_only_their_own(api, member, company_admin):
    api(member).put("/me/reminders", {"when": "both"})
    assert api(company_admin).get("/me/reminders").json() == {"when": "none"}
    api(company_admin).put("/me/reminders", {"when": "hour_before"})
    assert reminders.reminder_preference_get(member=member) == "both"


@pytest.mark.parametrize("body", [{"when": "weekly"}, {"when": ""}, {"when": None}, {"when": 1},
                                  {}, {"when": ["both"]}, {"when": "BOTH"}])
def test_a_choice_that_does_not_exist_changes_nothing(api, member, body):
    api(member).put("/me/reminders", {"when": "day_before"})
    r = api(member).put("/me/reminders", body)
    assert r.status_code == 422
    assert set(r.json()["error"]) >= {"code", "message", "fields"}
    assert ReminderPreference.objects.get(member=member).when == "day_before"


def test_anonymous_gets_401(api):
    assert api().get("/me/reminders").status_code == 401
    r = api().put("/me/reminders", {"when": "both"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(("scope", "status"), [("bookings", 200), ("read", 403), ("full", 200)])
def test_a_tokens_scope_decides_whether_it_may_change_the_choice(api, member, scope, status):
    from smartwork.accounts.services import api_token_create

    _token, raw = api_token_create(user=member, name="phone", scope=scope)
    client = api(None, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/me/reminders").status_code == 200
    assert client.put("/me/reminders", {"when": "both"}).status_code == status
