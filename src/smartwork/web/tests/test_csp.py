"""Content-Security-Policy: every page carries it, and no template holds what it would
block (an inline script, an on* attribute). The browser side is tests/browser/test_csp.py
(and every browser test fails on a CSP violation in the console: tests/browser/conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

SRC = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")"
                           r"[^>]*>", re.I)
ON_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def templates() -> list[Path]:
    return sorted(p for p in SRC.glob("*/templates/**/*.html"))


def test_no_template_has_an_inline_script_or_an_on_attribute():
    found = []
    for path in templates():
        text = path.read_text(encoding="utf-8")
        for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (ON_ATTRIBUTE, "on* attribute")):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(SRC)}:{line}: {what}")
    assert not found, ("The Content-Security-Policy (script-src 'self') blocks these; move "
                       "the code to a static .js file (web/static/web/app.js shows how):\n  "
                       + "\n  ".join(found))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/centres/", "/api/v1/docs"])
def test_pages_carry_the_policy(path, member):
    client = Client()
    if path != "/login/":
        client.force_login(member)
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split(
        "script-src", 1)[1].split(";", 1)[0]
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
