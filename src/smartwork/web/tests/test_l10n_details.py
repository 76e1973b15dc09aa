"""The details of §1 of issue 20: numbers, weekdays, months, transport modes, tab titles,
the home page's name and the translation checker itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from smartwork.insights import charts
from smartwork.insights.factors import load_emission_factors
from smartwork.web.tests.pages import EnglishFinder, english_phrases, visible_text


@pytest.mark.parametrize(("language", "big", "small"), [
    ("en", "1,793", "67.85"), ("fr", "1\u202f793", "67,85"), ("nl", "1.793", "67,85"),
    ("de", "1.793", "67,85"),
])
def test_chart_numbers_follow_the_language(language, big, small):
    with translation.override(language):
        svg = charts.bar_chart(title="t", desc="d", labels=["a", "b"], values=[1793.2, 67.85],
                               unit="kg")
    assert f"{big} kg" in svg.replace("\xa0", "\u202f") or f"{big} kg" in svg
    assert f"{small} kg" in svg


@pytest.mark.parametrize(("language", "monday"), [("fr", "lun"), ("nl", "ma"), ("de", "Mo")])
def test_heatmap_weekdays_and_description_are_translated(language, monday):
    with translation.override(language):
        svg = charts.attendance_heatmap([[1.0] * 24 for _ in range(7)], title="t")
    assert f">{monday}" in svg
    assert ">Mon<" not in svg and "Presence hours" not in svg


@pytest.mark.parametrize(("language", "june", "july"), [
    ("fr", "1 juin 2026", "1 juil. 2026"), ("nl", "1 jun 2026", "1 jul 2026"),
    ("de", "1 Juni 2026", "1 Juli 2026")])
def test_month_abbreviations_are_unambiguous(language, june, july):
    template = Template('{{ d|date:"j N Y" }}')
    with translation.override(language):
        assert template.render(Context({"d": dt.date(2026, 6, 1)})) == june
        assert template.render(Context({"d": dt.date(2026, 7, 1)})) == july


@pytest.mark.parametrize(("language", "bike"), [("fr", "Vélo"), ("nl", "Fiets"), ("de", "Fahrrad")])
def test_transport_modes_of_the_emission_factors_are_translated(language, bike):
    assert load_emission_factors()["bike"].label_in(language) == bike
    assert load_emission_factors()["bike"].label_in("en") == "Bike"


def test_the_tab_title_is_not_glued_to_the_brand():
    from smartwork.web.templatetags.web import page_title

    assert page_title("Trouver un centre") == "Trouver un centre · smartwork"
    assert page_title("  ") == "smartwork"


@pytest.mark.parametrize(("language", "home", "desk"), [
    ("fr", "Accueil", "Réception"), ("nl", "Startpagina", "Onthaal"),
    ("de", "Startseite", "Empfang")])
def test_home_and_front_desk_are_two_words(language, home, desk):
    with translation.override(language):
        assert translation.pgettext("home page", "Home") == home
        assert translation.gettext("Front desk") == desk
        assert translation.gettext("Home") != home  # the profile's home (where one lives)


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_the_checker_finds_english(language):
    phrases = english_phrases(language)
    assert "Book a desk" in phrases and "Cancel booking" in phrases
    finder = EnglishFinder(language)
    page = ('<html><head><title>x</title><script>var s = "Book a desk";</script></head>'
            '<body><p>Bureau 01</p><button title="Cancel booking">x</button>'
            '<p>Desk 01, 67.85 h</p><form class="inline lang"><button>English</button></form>'
            '</body></html>')
    assert finder.find(page) == ["Cancel booking", "Desk", "number 67.85"]
    assert "Book a desk" not in visible_text(page)
