"""Every page of every role, found by walking the pages themselves, and the English
words of the interface, read from the translation catalogues.

Shared by the translation test (`test_translations.py`, through HTTP) and the layout
test (`tests/browser/test_layout.py`, in Chromium). Both are generic: a page added by
any app is checked as soon as some page of the role links to it (the menu, a tab, a
row). To check a page that nothing links to, add its path to `EXTRA_PAGES`; to leave
out a URL that is not a page (a download, an action), add its route name to
`NOT_PAGES`.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve

import smartwork

# Paths visited for a role besides those reached by links ("{role}": [paths]).
EXTRA_PAGES: dict[str, list[str]] = {
    "anonymous": ["/login/", "/password-reset/", "/password-reset/sent/"],
    # The preview of a recurring booking (its form is GET, but weekdays are checkboxes,
    # which the walk leaves unticked): two weeks of Mondays and Thursdays at Namur.
    "all": ["/book/series/preview/?centre=smart-work-center-namur&weekdays=0&weekdays=3"
            "&weeks=2"],
}

# Route names ("namespace:name") that answer something else than a page, or act.
NOT_PAGES: set[str] = {
    "web:logout", "web:set_language", "web:invoice_pdf", "web:invoice_ubl", "web:payout_xml",
    "web:role_revoke", "web:membership_cancel", "web:calendar_feed_reset", "web:booking_cancel",
    "web:my_wifi_password", "web:desk_walk_in",
}
# Paths never followed (downloads and the API).
SKIP_PREFIXES = ("/api/", "/admin/", "/static/", "/media/", "/calendar/")
SKIP_SUFFIXES = (".pdf", ".csv", ".xlsx", ".ics", ".xml", ".png", ".svg", ".json")
# At most this many URLs per route (one page of each kind is enough).
PER_ROUTE = 1
MAX_PAGES = 200


@dataclass
class Page:
    path: str
    route: str
    status: int
    html: str


class _Links(HTMLParser):
    """The links of a page, and the GET forms (filled with their hidden and given values)
    that lead to another page, such as a 'Book' button's confirmation."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.form: tuple[str, list[tuple[str, str]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") and "download" not in values:
            self.hrefs.append(str(values["href"]))
        elif tag == "form" and (values.get("method") or "get").lower() == "get" \
                and values.get("action"):
            self.form = (str(values["action"]), [])
        elif tag == "input" and self.form is not None and values.get("name") \
                and values.get("type") not in ("submit", "checkbox", "radio", "button"):
            self.form[1].append((str(values["name"]), str(values.get("value") or "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form is not None:
            action, fields = self.form
            self.form = None
            self.hrefs.append(f"{action}?{urlencode(fields)}" if fields else action)


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def walk(get: Callable[[str], tuple[int, str, str]], starts: Iterable[str]) -> list[Page]:
    """Breadth-first from `starts`: `get(path)` answers (status, content type, body).
    One URL per route, HTML pages only, never a path in NOT_PAGES or SKIP_*."""
    seen_routes: dict[str, int] = {}
    seen_paths: set[str] = set()
    queue = list(starts)
    pages: list[Page] = []
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        split = urlsplit(path)
        if split.netloc or split.scheme not in ("", "http", "https"):
            continue
        path = split.path + (f"?{split.query}" if split.query else "")
        if path in seen_paths or split.path.startswith(SKIP_PREFIXES) \
                or split.path.endswith(SKIP_SUFFIXES) or "format=" in split.query:
            continue
        seen_paths.add(path)
        route = route_of(split.path)
        if route is None or route in NOT_PAGES:
            continue
        key = route + ("?" if split.query else "")
        if seen_routes.get(key, 0) >= PER_ROUTE:
            continue
        seen_routes[key] = seen_routes.get(key, 0) + 1
        status, content_type, body = get(path)
        if "text/html" not in content_type:
            continue
        pages.append(Page(path=path, route=route, status=status, html=body))
        links = _Links()
        links.feed(body)
        for href in links.hrefs:
            if href.startswith(("#", "mailto:", "tel:", "javascript:")):
                continue
            queue.append(urljoin(path, href))
    return pages


# --- The interface's English -------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\([^)]*\)[sdfr]|%[sdfr]|\{[^}]*\}|%%")
_SPLIT = re.compile(r"[\n:;()\[\]—–\"“”]|\.\s|\.$|,\s|\?|!|·|/")
_WORD = re.compile(r"[A-Za-z]{2,}")
_PHRASE = re.compile(r"[A-Za-z][A-Za-z' -]*[A-Za-z]")
# Words that are English msgids but also ordinary words of the page's language (or
# names) with another translation here; never flagged alone.
# "Place" starts many Belgian addresses (Place de l'Essai), which are data; "Latitude"
# is also a laptop's name in the equipment lists (Dell Latitude 5440).
SAME_IN: dict[str, set[str]] = {
    "fr": {"Plan", "Plans", "Message", "Accepted", "Interim-Update", "Type", "Place", "Version",
           "Question", "Note"},
    "nl": {"Interim-Update", "Start", "Stop", "Place", "Latitude", "Plan"},
    "de": {"Interim-Update", "Start", "Stop", "Team", "Plan", "Name", "Place", "Latitude",
           "Module"},
}


def _catalogue(language: str) -> dict[str, str]:
    """msgid -> msgstr of every django.mo of the project for `language`."""
    merged: dict[str, str] = {}
    root = Path(smartwork.__file__).parent
    for mo in sorted(root.glob(f"**/locale/{language}/LC_MESSAGES/django.mo")):
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for key, value in catalog.items():
            msgid = key[0] if isinstance(key, tuple) else key
            if not msgid:
                continue
            msgid = msgid.split("\x04", 1)[-1]
            merged.setdefault(msgid, value)
    return merged


def _msgids() -> set[str]:
    """Every msgid of every catalogue of the project (the interface's English)."""
    root = Path(smartwork.__file__).parent
    ids: set[str] = set()
    for po in root.glob("**/locale/*/LC_MESSAGES/django.po"):
        text = po.read_text(encoding="utf-8")
        for block in re.findall(r'(?:^|\n)msgid((?: ?"(?:[^"\\]|\\.)*"\n?)+)', text):
            parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
            value = "".join(parts).encode("utf-8").decode("unicode_escape").encode(
                "latin-1").decode("utf-8")
            if value:
                ids.add(value)
    return ids


def english_phrases(language: str) -> list[str]:
    """The pieces of the interface's English that must not appear on a page in
    `language`: every msgid's text between placeholders and punctuation, with two
    words or more, or one capitalised word of four letters or more — unless the
    language's own translation of that msgid is the same text."""
    translated = _catalogue(language)
    same = SAME_IN.get(language, set())
    phrases: set[str] = set()
    for msgid in _msgids():
        target = translated.get(msgid, "")
        if target == msgid:
            continue
        for piece in _SPLIT.split(_PLACEHOLDER.sub("|", msgid)):
            for fragment in piece.split("|"):
                fragment = fragment.strip(" .,'")
                words = _WORD.findall(fragment)
                if not words or fragment in same or not _PHRASE.fullmatch(fragment):
                    continue
                wanted = len(words) >= 2 or (fragment[0].isupper() and len(fragment) >= 4)
                if wanted and fragment not in target:
                    phrases.add(fragment)
    return sorted(phrases, key=len, reverse=True)


class _Text(HTMLParser):
    """The words a reader sees or hears: text, title, alt, placeholder, aria-label,
    button values; not scripts, styles, code, nor the language switcher (which names
    each language in itself), nor an element whose `lang` attribute declares its own
    language (a training module chosen in English, a language named in itself)."""

    SKIP = {"script", "style", "code", "pre", "textarea"}
    ATTRS = ("title", "alt", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)  # the same element nested: wait for its end
            return
        if tag in self.SKIP or (tag == "form" and "lang" in (values.get("class") or "").split()) \
                or (tag != "html" and values.get("lang")):
            self.skipping.append(tag)
            return
        for name in self.ATTRS:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(" ".join(p.split()) for p in parser.parts if p.strip())


class EnglishFinder:
    def __init__(self, language: str) -> None:
        phrases = english_phrases(language)
        self.pattern = re.compile(
            r"(?<![\w@.-])(" + "|".join(re.escape(p) for p in phrases) + r")(?![\w@-])")
        # An English decimal point in running text: '67.85 h' (not '0403.170.701',
        # an IP address or a version).
        self.decimal = re.compile(r"(?<![\w.,/:-])\d+\.\d{1,2}(?![\w.,%/-])")

    def find(self, html: str) -> list[str]:
        text = visible_text(html)
        hits = [m.group(1) for m in self.pattern.finditer(text)]
        hits += [f"number {m.group(0)}" for m in self.decimal.finditer(text)]
        return sorted(set(hits))
