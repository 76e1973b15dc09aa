"""Dates and times in the active language (core.l10n): the pages' `date_time` filter and
the mails write them alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from smartwork.core.l10n import (
    date_text,
    date_time_text,
    month_text,
    time_range_text,
    weekday_date_text,
)

MOMENT = dt.datetime(2026, 12, 3, 21, 30)


@pytest.mark.parametrize("language, day, weekday, moment", [
    ("en", "Dec. 3, 2026", "Thursday, Dec. 3, 2026", "Dec. 3, 2026 21:30"),
    ("fr", "3 décembre 2026", "Jeudi 3 décembre 2026", "3 décembre 2026 21:30"),
    ("nl", "3 december 2026", "Donderdag 3 december 2026", "3 december 2026 21:30"),
])
def test_each_language_writes_its_dates(language, day, weekday, moment):
    with translation.override(language):
        assert date_text(MOMENT.date()) == day
        assert weekday_date_text(MOMENT.date()) == weekday
        assert date_time_text(MOMENT) == moment


@pytest.mark.parametrize("language, text", [
    ("fr", "Libre le jeudi 3 décembre"), ("nl", "Vrij op donderdag 3 december"),
    ("de", "Frei am Donnerstag, 3. Dezember"),
])
def test_within_a_sentence_a_weekday_is_written_as_the_language_writes_it(language, text):
    """French and Dutch write weekdays in lower case within a sentence (the project's
    catalogue once said "Jeudi", which then read "Libre le Jeudi 3 décembre"); a line
    that starts with one capitalises it (weekday_date_text, the pages' |capfirst)."""
    from django.template import Context, Template

    html = Template('{% load i18n %}{% blocktranslate with day=on|date:"l j F" %}'
                    'Free on {{ day }}, full day:{% endblocktranslate %}')
    with translation.override(language):
        assert html.render(Context({"on": MOMENT.date()})).startswith(
            text.split(",")[0] if language == "de" else text)


@pytest.mark.parametrize("language, june, july", [
    ("en", "June 2026", "July 2026"), ("fr", "juin 2026", "juil. 2026"),
    ("nl", "jun 2026", "jul 2026"), ("de", "Juni 2026", "Juli 2026"),
])
def test_months_on_charts_are_told_apart(language, june, july):
    """Three letters ("M") are "jui" for both June and July in French."""
    with translation.override(language):
        assert (month_text(dt.date(2026, 6, 1)), month_text(dt.date(2026, 7, 1))) == (june, july)


def test_a_range_over_midnight_names_both_days():
    start, end = MOMENT, MOMENT + dt.timedelta(hours=4)
    with translation.override("fr"):
        assert time_range_text(start, MOMENT.replace(hour=23)) == (
            "Jeudi 3 décembre 2026 21:30–23:30")
        assert time_range_text(start, end) == (
            "Jeudi 3 décembre 2026 21:30 – Vendredi 4 décembre 2026 01:30")


def test_the_pages_filter_writes_a_moment_the_same_way():
    from django.utils import timezone

    from smartwork.web.templatetags.web import date_time

    aware = timezone.make_aware(MOMENT, timezone.get_fixed_timezone(60))
    with translation.override("nl"), timezone.override("Europe/Brussels"):
        assert date_time(aware) == "3 december 2026 21:30"


def test_the_pages_month_filter_writes_a_selectors_month_in_the_language():
    """Economics gives months as '2026-07': its pages write them as months."""
    from django.template import Context, Template

    html = Template("{% load web %}{{ a|month }} · {{ b|month }}")
    with translation.override("fr"):
        assert html.render(Context({"a": "2026-07", "b": "total"})) == "juil. 2026 · total"
