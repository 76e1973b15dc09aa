"""Browser tests: Debian's Chromium, headless, driven by Playwright against the live server.

One browser for the whole session; a fresh context (cookies, viewport) per test.
Requests to anything but the live server are aborted: the pages must work with
no map tiles and no CDN, and a test must never reach the internet.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between steps are synchronous and safe here. It is set for this test process
# only (tests that run `check --deploy` remove it, since that check refuses it).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def _ensure_chromium() -> None:
    """Install Debian's chromium package when missing; never download a browser."""
    if Path(CHROMIUM).exists():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    install = ["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", "chromium"]
    if subprocess.run(install, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=False)
        subprocess.run(install, capture_output=True, check=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _ensure_chromium()
    from playwright.sync_api import expect, sync_playwright

    # Assertions retry until this timeout: on a loaded 2-core CI machine an htmx round
    # trip through the live server can take longer than Playwright's default 5 s.
    expect.set_options(timeout=15_000)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Site:
    """A page on the live server, with the few moves every journey makes."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def go(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def login(self, user: Any, password: str = "pass-1234", *, via_form: bool = False) -> None:
        if not via_form:
            # The login form is exercised once; elsewhere a session cookie is quicker.
            from django.conf import settings
            from django.test import Client

            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            self.page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                            "value": cookie.value, "url": self.base_url}])
            self.go("/")
            return
        self.go("/login/")
        self.page.get_by_label(re.compile("Email|E-mail", re.I)).fill(user.email)
        self.page.get_by_label(re.compile("Password|Mot de passe|Wachtwoord", re.I)).fill(
            password)
        self.page.locator("main form button[type=submit]").first.click()
        self.page.wait_for_url(lambda url: "/login/" not in url)

    def switch_language(self, code: str) -> None:
        self.page.locator(f"form.lang button[value={code}]").click()
        self.page.wait_for_selector(f"html[lang={code}]")

    def width(self) -> int:
        """The page's width once its stylesheets are in: measured earlier (just after a
        click's navigation) the layout may have Pico's rules without the app's own, where
        the menu runs on one line some 1,200 px wide, a width no one ever sees."""
        self.page.wait_for_load_state("load")
        return int(self.page.evaluate("document.documentElement.scrollWidth"))

    def shot(self, name: str, full_page: bool = True) -> None:
        """Keep a screenshot for the docs when SMARTWORK_SCREENSHOTS=1."""
        if os.environ.get("SMARTWORK_SCREENSHOTS") != "1":
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


@contextlib.contextmanager
def local_page(browser: Any, viewport: dict[str, int], allowed: tuple[str, ...], *,
               csp_only_on: str | None = None) -> Iterator[Any]:
    """A page in a fresh context that may reach the `allowed` origins and nothing else.
    A JavaScript error, or a Content-Security-Policy violation (on any page, or only on
    those whose address holds `csp_only_on`), fails the test when the page is closed."""
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(20_000)
    # The first pages of a session compile templates and load catalogues on a busy machine.
    context.set_default_navigation_timeout(60_000)

    def only_local(route: Any) -> None:
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A Content-Security-Policy violation (an inline script, an on* attribute, a
    # resource from elsewhere) fails the test: Chromium reports each in the console.
    page.on("console", lambda msg: errors.append(msg.text)
            if "Content Security Policy" in msg.text
            and (csp_only_on is None or csp_only_on in page.url) else None)
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _new_site(browser: Any, live_server: Any, viewport: dict[str, int]) -> Iterator[Site]:
    with local_page(browser, viewport, (live_server.url,)) as page:
        yield Site(page, live_server.url)


@pytest.fixture
def site(browser: Any, live_server: Any) -> Iterator[Site]:
    yield from _new_site(browser, live_server, DESKTOP)


@pytest.fixture
def phone_site(browser: Any, live_server: Any) -> Iterator[Site]:
    yield from _new_site(browser, live_server, PHONE)

