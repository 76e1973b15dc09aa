"""Emission factor file validation, commute arithmetic and the p-median, by hand."""

from __future__ import annotations

import json
import math

import httpx
import pytest

from smartwork.core.errors import InvalidInput
from smartwork.insights.commute import CommuteInput, compute
from smartwork.insights.factors import (
    EmissionFactorFileError,
    load_emission_factors,
    parse_emission_factors,
)
from smartwork.insights.placement import Site, solve
from smartwork.insights.routing import DistanceService, OsrmClient
from smartwork.insights.towns import load_towns

DEG_KM = 6371.0088 * math.pi / 180  # km per degree of latitude on a meridian


def good_raw():
    return json.loads(
        (__import__("smartwork.insights.conf", fromlist=["x"]).DATA_DIR
         / "emission_factors.json").read_text()
    )


class TestFactors:
    def test_shipped_file_cites_ademe_for_every_mode(self):
        factors = load_emission_factors()
        assert len(factors) == 9
        assert factors["car"].value == 0.2176 and factors["train"].value == 0.0277
        assert factors["bike"].value == 0 and factors["walk"].value == 0
        assert all("ADEME" in f.source and f.year == 2023 for f in factors.values())
        assert all(f.unit == "kg CO2e/passenger-km" for f in factors.values())

    def test_missing_source_is_refused_naming_the_entry(self):
        raw = good_raw()
        del raw["factors"][2]["source"]
        with pytest.raises(EmissionFactorFileError) as exc:
            parse_emission_factors(raw)
        assert "factors[2] (bus).source" in exc.value.fields

    def test_negative_value_is_refused(self):
        raw = good_raw()
        raw["factors"][0]["value"] = -0.1
        with pytest.raises(EmissionFactorFileError) as exc:
            parse_emission_factors(raw)
        assert "factors[0] (car).value" in exc.value.fields

    @pytest.mark.parametrize("change, field", [
        (lambda r: r["factors"].pop(), "factors"),
        (lambda r: r["factors"][1].update(unit="g/km"), "factors[1] (electric_car).unit"),
        (lambda r: r["factors"][1].update(mode="plane"), "factors[1].mode"),
        (lambda r: r["factors"][1].update(value="12"), "factors[1] (electric_car).value"),
        (lambda r: r["factors"][1].update(year=23), "factors[1] (electric_car).year"),
    ])
    def test_other_faults(self, change, field):
        raw = good_raw()
        change(raw)
        with pytest.raises(EmissionFactorFileError) as exc:
            parse_emission_factors(raw)
        assert field in exc.value.fields

    def test_unreadable_file(self, tmp_path):
        bad = tmp_path / "f.json"
        bad.write_text("{not json")
        with pytest.raises(EmissionFactorFileError):
            load_emission_factors(bad)


class TestTowns:
    def test_towns_cover_the_three_regions(self):
        towns = load_towns()
        assert len(towns) >= 150
        regions = {t.region for t in towns}
        assert regions == {"Wallonia", "Flanders", "Brussels"}
        assert len({t.name for t in towns}) == len(towns)
        namur = next(t for t in towns if t.name == "Namur")
        assert abs(namur.lat - 50.47) < 0.05 and abs(namur.lon - 4.87) < 0.05


def member(mode="car", home=(50.0, 4.0), office=(50.9, 4.0), centre=(50.09, 4.0), days=0.0):
    return CommuteInput(member_id=1, name="A", mode=mode, home=home, office=office, centre_id=7,
                        centre_name="C", centre=centre, centre_basis="most_used",
                        days_in_period=days)


class TestCommuteArithmetic:
    def test_car_two_days_a_week(self):
        study = compute(members=[member()], weeks_in_period=4, factors=load_emission_factors(),
                        days_per_week=2)
        line = study.lines[0]
        # One way: office 0.9 deg, centre 0.09 deg along a meridian, x 1.3 for a car.
        km_day = 2 * 1.3 * 0.81 * DEG_KM
        assert line["office_km"] == round(1.3 * 0.9 * DEG_KM, 2)
        assert line["km_per_day"] == round(km_day, 2) == 234.18
        assert line["hours_per_day"] == round(km_day / 40, 3)
        assert line["kg_per_day"] == round(km_day * 0.2176, 3)
        assert line["km_per_week"] == round(2 * km_day, 2)
        assert line["kg_per_year"] == round(2 * km_day * 0.2176 * 46, 1)
        assert study.total["km_per_year"] == round(2 * km_day * 46, 1)
        assert study.by_mode[0]["mode"] == "car" and study.by_mode[0]["members"] == 1
        assert [f["mode"] for f in study.factors if f["used"]] == ["car"]

    def test_real_days_over_the_period_and_a_bike_emits_nothing(self):
        study = compute(members=[member(mode="bike", days=6)], weeks_in_period=3,
                        factors=load_emission_factors())
        line = study.lines[0]
        assert line["days_per_week"] == 2
        assert line["km_per_week"] == round(2 * 2 * 1.25 * 0.81 * DEG_KM, 2)
        assert line["hours_per_week"] == round(2 * 2 * 1.25 * 0.81 * DEG_KM / 15, 2)
        assert line["kg_per_week"] == 0

    def test_members_without_data_are_listed_with_a_reason(self):
        study = compute(members=[member(home=None), member(home=(40.0, 4.0)),
                                 member(office=None), member(centre=None)],
                        weeks_in_period=1, factors=load_emission_factors(), days_per_week=1)
        assert [e["reason"] for e in study.excluded] == [
            "no home location", "home outside the map", "no head office location",
            "no centre to compare with"]
        assert study.total["members"] == 0

    def test_osrm_distances_are_used_when_configured(self):
        seen = []

        def handler(request):
            seen.append(request.url)
            return httpx.Response(200, json={"code": "Ok", "distances": [[50000.0, 5000.0]]})

        client = OsrmClient("http://osrm.test", client=httpx.Client(
            transport=httpx.MockTransport(handler)))
        study = compute(members=[member()], weeks_in_period=1, factors=load_emission_factors(),
                        days_per_week=1, distances=DistanceService(client=client))
        line = study.lines[0]
        assert (line["office_km"], line["centre_km"], line["km_per_day"]) == (50.0, 5.0, 90.0)
        assert line["distance_source"] == "osrm"
        assert "/table/v1/driving/4.000000,50.000000;4.000000,50.900000;4.000000,50.090000" in str(seen[0])
        assert seen[0].params["sources"] == "0" and seen[0].params["destinations"] == "1;2"

    def test_osrm_down_falls_back_to_the_estimate(self):
        def handler(request):
            raise httpx.ConnectError("refused")

        client = OsrmClient("http://osrm.test", client=httpx.Client(
            transport=httpx.MockTransport(handler)))
        service = DistanceService(client=client)
        study = compute(members=[member()], weeks_in_period=1, factors=load_emission_factors(),
                        days_per_week=1, distances=service)
        assert study.lines[0]["distance_source"] == "great_circle"
        assert study.lines[0]["km_per_day"] == 234.18
        assert service.failures == 1

    def test_rail_is_never_sent_to_osrm(self):
        def handler(request):
            raise AssertionError("no OSRM call for trains")

        client = OsrmClient("http://osrm.test", client=httpx.Client(
            transport=httpx.MockTransport(handler)))
        study = compute(members=[member(mode="train")], weeks_in_period=1,
                        factors=load_emission_factors(), days_per_week=1,
                        distances=DistanceService(client=client))
        assert study.lines[0]["distance_source"] == "great_circle"


A, B, C = Site("A", 50.0, 4.0), Site("B", 50.1, 4.0), Site("C", 50.05, 4.0)
HOMES = [(50.0, 4.0)] * 3 + [(50.1, 4.0)]
STEP = 0.1 * DEG_KM * 1.3  # A <-> B by car


class TestPlacement:
    def test_one_site_without_existing_centres(self):
        r = solve(homes=HOMES, existing=[], candidates=[A, B, C], k=1, aggregate=False)
        assert [s.name for s in r.chosen] == ["A"]
        assert r.after_km == round(STEP, 2)  # the one home at B travels to A
        assert r.today_km is None and r.status == "optimal" and r.gap == 0

    def test_saving_against_an_existing_centre(self):
        r = solve(homes=HOMES, existing=[(50.1, 4.0)], candidates=[A, B, C], k=1,
                  aggregate=False)
        assert [s.name for s in r.chosen] == ["A"]
        assert r.today_km == round(3 * STEP, 2)
        assert r.after_km == 0 and r.saving_km == round(3 * STEP, 2) and r.saving_pct == 100
        assert r.chosen[0].homes_served == 3 and r.chosen[0].km_saved == round(3 * STEP, 2)

    def test_capacity_splits_a_town(self):
        r = solve(homes=HOMES, existing=[], candidates=[A, B], k=2, capacity=2,
                  aggregate=False)
        assert sorted(s.name for s in r.chosen) == ["A", "B"]
        assert r.after_km == round(STEP, 2)

    def test_capacity_too_small(self):
        with pytest.raises(InvalidInput) as exc:
            solve(homes=HOMES, existing=[], candidates=[A, B], k=1, capacity=2, aggregate=False)
        assert exc.value.code == "capacity_too_small"

    def test_greedy_reports_its_gap(self):
        r = solve(homes=HOMES, existing=[], candidates=[A, B, C], k=1, method="greedy",
                  aggregate=False)
        # The greedy answer here meets the Lagrangian bound: proven optimal.
        assert r.method == "greedy" and r.status == "optimal"
        assert r.gap == 0 and r.bound_km == r.after_km

    def test_exact_beats_greedy_when_greedy_is_wrong(self):
        # Greedy takes the middle first (best single site), then cannot undo it.
        homes = [(50.0, 4.0)] * 10 + [(50.2, 4.0)] * 10 + [(50.1, 4.0)] * 3
        sites = [Site("S", 50.0, 4.0), Site("M", 50.1, 4.0), Site("N", 50.2, 4.0)]
        exact = solve(homes=homes, existing=[], candidates=sites, k=2, aggregate=False)
        assert sorted(s.name for s in exact.chosen) == ["N", "S"]
        assert exact.after_km == round(3 * STEP, 2) and exact.gap == 0

    def test_homes_are_aggregated_by_town(self):
        r = solve(homes=[(50.47, 4.87), (50.466, 4.866), (50.63, 5.58)], existing=[],
                  candidates=[Site("Namur", 50.4669, 4.8675)], k=1)
        assert r.homes == 3 and r.demand_towns == 2

    @pytest.mark.parametrize("kwargs, code, field", [
        ({"k": 4}, "k_too_large", "k"),
        ({"k": 0}, "invalid", "k"),
        ({"homes": [(50.0, 4.0), (48.85, 2.35)]}, "outside_map", "homes[1]"),
        ({"candidates": [Site("Paris", 48.85, 2.35)]}, "outside_map", "candidates[0]"),
        ({"homes": []}, "no_homes", "homes"),
        ({"capacity": -1}, "invalid", "capacity"),
    ])
    def test_bad_input(self, kwargs, code, field):
        args = {"homes": HOMES, "existing": [], "candidates": [A, B, C], "k": 1,
                "aggregate": False, **kwargs}
        with pytest.raises(InvalidInput) as exc:
            solve(**args)
        assert exc.value.code == code and field in exc.value.fields
