"""Every page of every role, in French, Dutch and German, without a word of the
interface's English (the list is every msgid of the project's catalogues, see
`pages.english_phrases`) and without an English decimal point.

The pages are found by walking the links from each role's home page over the demo data
(`demo_load`, which also loads every app's own demo): a page added to the menu or linked
from another page is checked without touching this test. Pages nothing links to go in
`pages.EXTRA_PAGES`."""

from __future__ import annotations

import pytest
from django.test import Client

from smartwork.accounts.models import User
from smartwork.demo import demo_load
from smartwork.web.tests.pages import EXTRA_PAGES, EnglishFinder, walk

LANGUAGES = ["fr", "nl", "de"]

# URL namespaces of apps whose translation is still under way (merged from parallel
# work), with who owes it. Their pages are walked but not held to the rule; remove an
# entry as soon as its app is translated, and the test checks its pages like the others.
KNOWN_UNTRANSLATED: dict[str, str] = {}


@pytest.fixture
def demo(db) -> dict[str, str]:
    """The demo (2-3 s to load): one login per role."""
    roles: dict[str, str] = {}
    for login in demo_load():
        roles.setdefault(login.role, login.email)
    return roles


def role_pages(email: str | None, language: str) -> list:
    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    client.cookies["django_language"] = language

    def get(path: str) -> tuple[int, str, str]:
        response = client.get(path, follow=True)
        body = response.content.decode() if "text/html" in response.get("Content-Type", "") else ""
        return response.status_code, response.get("Content-Type", ""), body

    starts = ["/", *EXTRA_PAGES.get("anonymous" if email is None else "all", [])]
    return walk(get, starts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_every_role_is_in_the_readers_language(demo, language):
    finder = EnglishFinder(language)
    problems: list[str] = []
    visited = 0
    for role, email in [("anonymous", None), *demo.items()]:
        for page in role_pages(email, language):
            visited += 1
            if page.status >= 500:
                problems.append(f"{role} {page.path}: status {page.status}")
            hits = finder.find(page.html)
            namespace = page.route.split(":", 1)[0]
            if namespace in KNOWN_UNTRANSLATED:
                continue
            problems += [f"{role} {page.path} ({page.route}): {hit!r}" for hit in hits]
    assert visited > 40
    assert not problems, f"{len(problems)} English words on {language} pages:\n" + "\n".join(problems)
