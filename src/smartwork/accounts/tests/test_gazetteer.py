"""The home typed as an address or a postcode and town, matched against the Belgian
gazetteer (GeoNames postcodes, accounts/data/README.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smartwork.accounts.gazetteer import HomeNotFound, home_match, places
from smartwork.accounts.services import profile_home_set
from smartwork.core import testing


def test_the_gazetteer_covers_belgium():
    rows = places()
    assert len(rows) > 2700
    assert {p.postcode[0] for p in rows} == set("123456789")
    assert all(Decimal("49.4") < p.lat < Decimal("51.6") for p in rows)
    assert all(Decimal("2.5") < p.lon < Decimal("6.5") for p in rows)


@pytest.mark.parametrize("text, label", [
    ("5000 Namur", "5000 Namur"),
    ("namur 5000", "5000 Namur"),
    ("Rue de Fer 25, 5000 Namur", "5000 Namur"),
    ("Rue de Fer 25, B-5000 Namur, Belgique", "5000 Namur"),
    ("4700", "4700 Eupen"),
    ("Eupen", "4700 Eupen"),
    ("saint josse ten noode", "1210 Saint-Josse-Ten-Noode"),
    ("1500 Halle", "1500 Halle"),
    ("Liège", "4000 Liège"),
    ("liege", "4000 Liège"),
    ("Antwerpen", "2000 Antwerpen"),  # several postcodes, one spot
])
def test_an_address_or_a_postcode_and_town_names_one_place(text, label):
    assert home_match(text=text).label == label


def test_a_town_in_two_provinces_is_ambiguous_with_suggestions():
    with pytest.raises(HomeNotFound) as exc:
        home_match(text="Halle")
    assert exc.value.suggestions == ["1500 Halle", "2980 Halle"]
    assert "home" in exc.value.fields and exc.value.code == "home_not_found"


def test_a_postcode_of_several_places_asks_for_the_town():
    with pytest.raises(HomeNotFound) as exc:
        home_match(text="5030")
    assert "5030 Gembloux" in exc.value.suggestions


def test_unknown_and_mismatched_entries_suggest_what_exists():
    with pytest.raises(HomeNotFound) as exc:
        home_match(text="Gemblou")
    assert "5030 Gembloux" in exc.value.suggestions
    with pytest.raises(HomeNotFound) as exc:
        home_match(text="1000 Namur")
    assert exc.value.suggestions == ["1000 Bruxelles"]
    with pytest.raises(HomeNotFound) as exc:
        home_match(text="0999 Nowhere")  # not a Belgian postcode: the town is read
    with pytest.raises(HomeNotFound):
        home_match(text="9999")
    with pytest.raises(HomeNotFound):
        home_match(text="  ,  ")


@pytest.mark.django_db
def test_profile_home_set_takes_the_coordinates_from_the_gazetteer():
    user = testing.make_user()
    profile_home_set(user=user, text="Rue de Fer 25, 5000 Namur")
    user.refresh_from_db()
    assert (user.home_town, user.home_lat, user.home_lon) == (
        "5000 Namur", Decimal("50.466900"), Decimal("4.867500"))
    with pytest.raises(HomeNotFound):
        profile_home_set(user=user, text="Halle")
    user.refresh_from_db()
    assert user.home_town == "5000 Namur"
    profile_home_set(user=user, text="")
    user.refresh_from_db()
    assert (user.home_town, user.home_lat, user.home_lon) == ("", None, None)


@pytest.mark.django_db
def test_api_sets_the_home_or_answers_suggestions(api):
    user = testing.make_user()
    r = api(user).put("/me/home", {"address": "4700 Eupen"})
    assert r.status_code == 200, r.content
    assert r.json()["home_town"] == "4700 Eupen"
    r = api(user).put("/me/home", {"address": "Halle"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "home_not_found" and "home" in error["fields"]
    assert error["data"]["suggestions"] == ["1500 Halle", "2980 Halle"]
