"""Hostile input to the pages added with two-factor login, single sign-on, the community,
floor plans, reminders, walk-in guests, the network's new formats, the wellbeing
company questions and the month fields: every page and action, as each role in and out
of scope, with ids beyond 64 bits, NUL bytes, over-long strings, malformed dates and
months, missing fields, JSON where a form is expected and files that are not what they
say. None may answer 500 (the test client raises the view's exception, so a failure
shows its traceback), and a refused NUL-filled form changes nothing.

The world is the authorisation matrix's (core/tests/authz_world.py), built once for
the module; each request runs in a savepoint rolled back after it."""

from __future__ import annotations

import dataclasses
import os
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from smartwork.core.models import AuditEntry
from smartwork.core.tests.authz import page_patterns
from smartwork.core.tests.authz_world import MISSING, add_form_data, world_with_clients

pytestmark = pytest.mark.django_db

BIG = 2**63
# The routes of the pages and actions under test (namespace:name).
NAMESPACES = ("twofactor", "sso", "community", "workplans", "wellbeing")
ROUTES = [
    "web:desk_today", "web:desk_guest", "web:desk_receipt", "web:settlements",
    "web:settlements_approve", "web:centre_plan", "web:floor_plan_image", "web:floor_plans",
    "web:floor_plan_edit", "web:my_reminders", "web:profile", "web:centre_finder",
    "web:centre_create", "web:centre_edit", "web:centre_label", "web:company_approvals",
    "web:clearing", "web:invoicing", "web:company_home", "web:company_teams",
    "web:company_staff", "web:company_book", "web:company_bookings", "web:my_bookings",
    "web:series_detail", "web:centre_detail", "web:my_wifi", "web:my_credit",
    "web:access_points", "web:centre_resources", "web:staff_centre", "web:booking_change",
    "wellbeing:questions", "wellbeing:objectives", "wellbeing:module", "wellbeing:company",
    "economics:alliances", "economics:centre", "economics:network", "economics:whatif",
    "workplans:company_policy", "workplans:my_week", "workplans:company_week",
    "web:book", "web:book_again", "web:book_confirm", "web:series_new", "web:series_preview",
    "web:favourite_toggle", "web:centre_prices", "web:company_ledger",
    "web:plans", "web:packages", "web:placement",
]
# Who asks: (role, in or out of the objects' scope), as in the authorisation matrix.
COLUMNS = [("anonymous", "-"), ("member", "in"), ("independent", "in"),
           ("company_admin", "in"), ("company_admin", "out"), ("receptionist", "in"),
           ("centre_manager", "in"), ("centre_manager", "out"), ("operator", "in"),
           ("operator", "out")]
VALUES = {
    "nul": "a\x00b",
    "long": "x" * 20_000,
    "big": str(BIG),
    "huge": "9" * 40,
    "superscript": "\u00b2",  # str.isdigit() says yes, int() says no
    "negative": "-1",
    "month13": "2026-13",
    "month0": "0000-01",
    "date0": "0000-01-01",
    "date_max": "9999-12-31",
    "date_min": "0001-01-01",
    "nan": "NaN",
    "word": "abc",
    "empty": "",
}
# The suite's run: in-scope roles and one outsider, and the values that found the 500s
# (ids as text, NUL, numbers that are no number, far dates). The whole grid
# (10 roles x 14 values, some 40 minutes on a busy 2-core machine) runs with
# SMARTWORK_HOSTILE_FULL=1 (docs/operations.md, "Limits").
if os.environ.get("SMARTWORK_HOSTILE_FULL") != "1":
    COLUMNS = [("member", "in"), ("company_admin", "in"), ("centre_manager", "in"),
               ("operator", "in"), ("operator", "out")]
    VALUES = {k: VALUES[k] for k in ("nul", "big", "superscript", "month13", "date_max",
                                     "nan")}
QUERY_KEYS = ["date", "slot", "plan", "receipt", "q", "centre", "month", "period", "week",
              "date_from", "date_to", "format", "kind", "state", "company", "network",
              "language", "next", "code", "error", "page", "days_per_week", "label_status"]
PNG = b"\x89PNG\r\n\x1a\n"
FILES = {
    "script_as_png": ("plan.png", b"<script>alert(1)</script>", "image/png"),
    "png_magic_only": ("plan.png", PNG + b"garbage" * 10, "image/png"),
    "svg_script": ("plan.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
                               b"<script>alert(1)</script></svg>", "image/svg+xml"),
    "svg_entity": ("plan.svg", b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "b">]>'
                               b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
    "svg_no_size": ("plan.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="1e999" '
                                b'height="NaN"/>', "image/svg+xml"),
    "not_xml": ("plan.svg", b"<svg", "image/svg+xml"),
    "empty": ("plan.png", b"", "image/png"),
    "binary": ("plan.pdf", bytes(range(256)) * 4, "application/pdf"),
    "too_big": ("plan.png", PNG + b"\x00" * (3 * 1024 * 1024), "image/png"),
}


@dataclasses.dataclass
class _Form:
    action: str
    fields: dict[str, str] = dataclasses.field(default_factory=dict)  # name -> a good value
    files: list[str] = dataclasses.field(default_factory=list)
    texts: set[str] = dataclasses.field(default_factory=set)  # fields typed as text


# Fields whose value is text kept as typed: a NUL there must be refused. (A checkbox, a
# button or a hidden switch with a NUL is just "on", or names which form was sent.)
TEXT_KINDS = {"text", "textarea", "email", "search", "url", "tel", "password", "number",
              "date", "time", "month", "datetime-local"}


def _good_value(tag: str, kind: str, value: str) -> str:
    """A value that the field would take, to reach the service with one field bad."""
    if value:
        return value
    return {"date": "2031-03-04", "time": "10:00", "month": "2031-03", "number": "1",
            "email": "probe@example.org", "url": "https://example.org/",
            "checkbox": "on", "radio": "on"}.get(kind, "Probe")


class _Forms(HTMLParser):
    """The POST forms of a page, each field with a value it would take."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self._form = _Form(values.get("action", ""))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = values.get("name", "")
        if tag == "option" and self._select:
            if values.get("value") and (self._select not in form.fields
                                        or "selected" in values):
                form.fields[self._select] = values["value"]
            return
        if not name or name == "csrfmiddlewaretoken":
            return
        kind = values.get("type", "text").lower()
        if tag == "select":
            self._select = name
        elif tag == "input" and kind == "file":
            form.files.append(name)
        elif tag == "input" and kind in ("checkbox", "radio"):
            if name not in form.fields or "checked" in values:
                form.fields[name] = values.get("value") or "on"
        elif tag in ("input", "textarea", "button") and name not in form.fields:
            form.fields[name] = _good_value(tag, kind, values.get("value", ""))
            if (tag == "textarea" or (tag == "input" and kind in TEXT_KINDS)) \
                    and "readonly" not in values:
                form.texts.add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    # The clients raise the view's exception: a failure shows it.
    with world_with_clients(django_db_blocker, COLUMNS, raise_request_exception=True) as w:
        with django_db_blocker.unblock():
            add_form_data(w[0])
        yield w


def _routes() -> list[str]:
    """The routes above and every page of the namespaces; all 170-odd pages with
    SMARTWORK_HOSTILE_ALL_ROUTES=1 (some 12 minutes on a 2-core machine)."""
    pages = page_patterns()
    if os.environ.get("SMARTWORK_HOSTILE_ALL_ROUTES") == "1":
        return sorted(pages)
    names = [n for n in pages if n.split(":", 1)[0] in NAMESPACES] + ROUTES
    missing = [n for n in names if n not in pages]
    assert not missing, f"routes gone: {missing}"
    return sorted(set(names))


PAGES = page_patterns()


def _path(name: str, ids: dict[str, Any], override: Any = None) -> str:
    kwargs = {p: (override if override is not None and p != "slug"
                  else ids.get(p, MISSING)) for p in PAGES[name][1]}
    return reverse(name, kwargs=kwargs or None)


def _send(client: Client, method: str, path: str, **kwargs: Any) -> Any:
    """One request in a savepoint rolled back after it; the answer and whether it wrote
    an audit entry."""
    with transaction.atomic():
        before = AuditEntry.objects.count()
        response = getattr(client, method)(path, **kwargs)
        wrote = AuditEntry.objects.count() != before
        transaction.set_rollback(True)
    return response, wrote


def _ok(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.parametrize("name", _routes())
def test_query_strings_and_ids_never_answer_500(world, name):
    built, clients = world
    has_ids = any(p != "slug" for p in PAGES[name][1])
    for column, client in clients.items():
        path = _path(name, built.ids)
        for label, value in VALUES.items():
            response, _wrote = _send(client, "get", path, data=dict.fromkeys(QUERY_KEYS, value))
            _ok(response, f"{column} GET {path} query={label}")
        if "slug" in PAGES[name][1]:
            response, _wrote = _send(client, "get", reverse(name, kwargs={"slug": "9" * 30}))
            _ok(response, f"{column} GET {name} slug=9*30")
        if has_ids:
            for big in (BIG, BIG * 10, 10**40):
                for method in ("get", "post"):
                    response, wrote = _send(client, method, _path(name, built.ids, big))
                    _ok(response, f"{column} {method.upper()} {name} id={big}")
                    assert response.status_code in (302, 400, 403, 404, 405), (
                        f"{column} {method.upper()} {name} id={big}: {response.status_code}")
                    assert not wrote


def _post_forms(client: Client, path: str) -> list[_Form]:
    response = client.get(path)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    parser = _Forms()
    parser.feed(response.content.decode())
    forms = []
    for form in parser.forms:
        form.action = urlsplit(form.action).path or path
        if not form.action.startswith(("/api/", "/i18n/", "/logout/", "/language/")):
            forms.append(form)
    return forms


@pytest.mark.parametrize("name", _routes())
def test_bad_form_input_never_answers_500_and_nul_changes_nothing(world, name):
    built, clients = world
    path = _path(name, built.ids)
    mutated: set[tuple[str, tuple[str, ...]]] = set()
    for column, client in clients.items():
        forms = _post_forms(client, path) or [_Form(path)]
        # A form repeated per row (a team's member, an item, a loan) with the same action
        # and fields is sent once per person: the rows differ only in their ids.
        sent: set[tuple[str, tuple[str, ...]]] = set()
        for form in forms:
            target, good = form.action, form.fields
            if (target, tuple(sorted(good))) in sent:
                continue
            sent.add((target, tuple(sorted(good))))
            # Every field bad at once, then (once per form, whoever sees it) one field
            # bad in an otherwise good form, so that the bad value reaches the service.
            for label, value in VALUES.items():
                response, _wrote = _send(client, "post", target,
                                         data=dict.fromkeys(good, value))
                _ok(response, f"{column} POST {target} all fields={label}")
            key = (target, tuple(sorted(good)))
            if key not in mutated:
                mutated.add(key)
                for field in good:
                    for label, value in VALUES.items():
                        data = {**good, field: value}
                        response, wrote = _send(client, "post", target, data=data)
                        _ok(response, f"{column} POST {target} {field}={label} in {good}")
                        if label == "nul" and field in form.texts:
                            assert not wrote, f"{column} POST {target} {field}=NUL wrote"
                    response, _wrote = _send(client, "post", target,
                                             data={k: v for k, v in good.items() if k != field})
                    _ok(response, f"{column} POST {target} without {field}")
            # Missing fields, a JSON body, a body that is not even JSON, a double submit.
            for kwargs in ({"data": {}},
                           {"data": '{"a": [1, {"b": null}]}', "content_type": "application/json"},
                           {"data": "\x00\xff{", "content_type": "application/json"},
                           {"data": b"--x\r\n", "content_type": "multipart/form-data"}):
                response, _wrote = _send(client, "post", target, **kwargs)
                _ok(response, f"{column} POST {target} {kwargs.get('content_type', 'empty')}")
            with transaction.atomic():
                for _twice in range(2):
                    _ok(client.post(target, data=good), f"{column} POST {target} twice")
                transaction.set_rollback(True)
            for label, (filename, content, kind) in FILES.items():
                if not form.files:
                    break
                data = dict(good)
                for f in form.files:
                    data[f] = SimpleUploadedFile(filename, content, content_type=kind)
                response, _wrote = _send(client, "post", target, data=data)
                _ok(response, f"{column} POST {target} file={label}")
                assert response.status_code != 302, f"{column} POST {target} took {label}"


def test_an_svg_whose_viewbox_is_infinite_is_refused(centre, manager):
    client = Client()
    client.force_login(manager)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 inf nan"/>'
    response = client.post(reverse("web:floor_plans", args=[centre.pk]), {
        "name": "G", "level": "0",
        "image": SimpleUploadedFile("plan.svg", svg, content_type="image/svg+xml")})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
