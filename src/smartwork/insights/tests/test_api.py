"""The insights API through HTTP: roles, privacy, bad input, exports, PDF."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from smartwork.core import testing
from smartwork.core.tests.errors import assert_error
from smartwork.insights.tests.helpers import at, booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(company, network, centre):
    """Six members present at Namur, five at Liège, two at Arlon (March 2025)."""
    liege = testing.make_centre(network=network, name="Liège Centre", desks=8)
    arlon = testing.make_centre(network=network, name="Arlon Centre", desks=8)
    people = []
    for centre_, count, hours in ((centre, 6, 4), (liege, 5, 3), (arlon, 2, 2)):
        desks = list(centre_.resources.filter(kind="desk").order_by("pk"))
        for i in range(count):
            m = testing.make_user(company=company, network=network)
            booking(m, centre_, at(2025, 3, 4, 9), at(2025, 3, 4, 9 + hours), resource=desks[i])
            people.append(m)
    return {"people": people, "liege": liege, "arlon": arlon}


class TestAttendanceApi:
    def test_company_admin_sees_aggregates_with_small_groups_folded(self, api, company_admin,
                                                                    company, staff):
        r = api(company_admin).get("/insights/attendance", {"company": company.pk,
                                                            "period": "2025-03"})
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["total"] == {"hours": 6 * 4 + 5 * 3 + 2 * 2, "people": 13, "visits": 13,
                                 "person_days": 13}
        rows = {row["name"]: (row["hours"], row["people"]) for row in body["by_centre"]}
        # Arlon (2 people) is folded; "other" would then reveal Arlon by subtraction
        # with 2 < 5 people, so the smallest visible group (Liège) joins it.
        assert rows["Namur Centre"] == (24, 6)
        assert rows["Other (groups under 5 people)"] == (19, 7)
        assert len(rows) == 2
        assert body["privacy"] == {"aggregate_only": True, "min_group": 5, "folded_groups": 2,
                                   "suppressed": False}
        weeks = {w["week"]: w for w in body["by_week"]}
        assert weeks["2025-W10"]["hours"] == 43 and weeks["2025-W10"]["people"] == 13
        assert "intervals" not in body and "by_member" not in body
        assert body["most_used_centres"][0]["name"] == "Namur Centre"

    def test_small_company_is_suppressed(self, api, company_admin, company, centre):
        m = testing.make_user(company=company)
        booking(m, centre, at(2025, 3, 4, 9), at(2025, 3, 4, 13))
        body = api(company_admin).get("/insights/attendance", {"company": company.pk,
                                                               "period": "2025-03"}).json()
        assert body["privacy"]["suppressed"] is True
        assert body["total"] is None and body["by_centre"] == [] and body["weekday_hour"] == []

    def test_member_sees_own_detail(self, api, staff):
        me = staff["people"][0]
        body = api(me).get("/insights/attendance/me", {"period": "2025-03"}).json()
        assert body["total"]["hours"] == 4
        assert [(i["centre"], i["hours"]) for i in body["intervals"]] == [("Namur Centre", 4.0)]

    def test_roles_and_scopes(self, api, company, centre, staff, operator, manager, outsider,
                              member):
        q = {"period": "2025-03"}
        assert api(operator).get("/insights/attendance", {**q, "company": company.pk}).status_code == 200
        assert api(operator).get("/insights/attendance",
                                 {**q, "network": centre.network_id}).status_code == 200
        assert api(manager).get("/insights/attendance", {**q, "centre": centre.pk}).status_code == 200
        assert_error(api(manager).get("/insights/attendance", {**q, "centre": staff["liege"].pk}),
                     403, code="forbidden")
        assert_error(api(manager).get("/insights/attendance", {**q, "company": company.pk}), 403)
        assert_error(api(member).get("/insights/attendance", {**q, "company": company.pk}), 403)
        assert_error(api(outsider).get("/insights/attendance",
                                       {**q, "network": centre.network_id}), 403)
        other_admin = testing.make_company_admin(testing.make_organisation(
            network=centre.network))
        assert_error(api(other_admin).get("/insights/attendance", {**q, "company": company.pk}), 403)
        assert_error(api().get("/insights/attendance", {**q, "company": company.pk}), 401)

    def test_centre_manager_sees_companies_at_the_centre(self, api, manager, centre, company,
                                                         staff):
        body = api(manager).get("/insights/attendance", {"centre": centre.pk,
                                                         "period": "2025-03"}).json()
        assert body["by_company"] == [{"id": company.pk, "name": "Acme SA", "hours": 24.0,
                                       "people": 6, "visits": 6}]

    @pytest.mark.parametrize("params, status, field, code", [
        ({"company": 999999, "period": "2025"}, 404, "company", "unknown_company"),
        ({"centre": 999999, "period": "2025"}, 404, "centre", "unknown_centre"),
        ({"company": "COMPANY", "period": "2025-13"}, 422, "period", "bad_period"),
        ({"company": "COMPANY", "period": "last year"}, 422, "period", "bad_period"),
        ({"company": "COMPANY"}, 422, "period", "bad_period"),
        ({"company": "COMPANY", "from": "2025-03-01"}, 422, "to", "bad_period"),
        ({"company": "COMPANY", "from": "2025-03-01", "to": "2025-02-01"}, 422, "to", "bad_period"),
        ({"period": "2025"}, 422, "scope", "scope_required"),
    ])
    def test_bad_input(self, api, operator, company, params, status, field, code):
        params = {k: (company.pk if v == "COMPANY" else v) for k, v in params.items()}
        assert_error(api(operator).get("/insights/attendance", params), status, field, code)

    def test_exports_csv_and_xlsx(self, api, company_admin, company, staff):
        q = {"company": company.pk, "period": "2025-03"}
        r = api(company_admin).get("/insights/attendance/export", {**q, "table": "by_centre"})
        assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows[0] == ["name", "hours", "people", "visits"]
        assert rows[1] == ["Namur Centre", "24.0", "6", "6"]
        r = api(company_admin).get("/insights/attendance/export", {**q, "format": "xlsx"})
        wb = load_workbook(io.BytesIO(r.content))
        assert {"by_centre", "by_team", "by_week", "by_month", "weekday_hour"} <= set(wb.sheetnames)
        assert wb["by_centre"]["B2"].value == 24.0
        assert_error(api(company_admin).get("/insights/attendance/export", q), 422, "table")
        assert_error(api(company_admin).get("/insights/attendance/export",
                                            {**q, "table": "nope"}), 422, "table")
        assert_error(api(company_admin).get("/insights/attendance/export",
                                            {**q, "format": "pdf", "table": "by_week"}),
                     422, "format")


class TestOccupancyApi:
    def test_numbers_by_hand(self, api, manager, centre, member):
        from smartwork.network.models import Closure

        desks = list(centre.resources.filter(kind="desk").order_by("pk"))
        room = centre.resources.get(kind="meeting_room")
        mon = (2025, 3, 3)
        booking(member, centre, at(*mon, 8, 30), at(*mon, 12, 30), resource=desks[0],
                slot="morning")
        booking(member, centre, at(*mon, 8, 30), at(*mon, 12, 30), resource=desks[1],
                slot="morning", state="no_show")
        booking(member, centre, at(*mon, 8, 30), at(*mon, 17, 30), resource=desks[2],
                slot="full_day", state="checked_in")
        booking(member, centre, at(2025, 3, 4, 13, 30), at(2025, 3, 4, 17, 30),
                resource=desks[3], slot="afternoon", state="cancelled")
        booking(member, centre, at(*mon, 10), at(*mon, 11), resource=room, state="confirmed")
        Closure.objects.create(centre=centre, start_date=at(2025, 3, 5, 0).date(),
                               end_date=at(2025, 3, 5, 0).date(), reason="Works")
        r = api(manager).get("/insights/occupancy", {"centre": centre.pk, "period": "2025-W10"})
        assert r.status_code == 200, r.content
        body = r.json()
        desk = next(s for s in body["summary"] if s["kind"] == "desk")
        # 8 desks x 4 h x 2 slots x 4 open days (Wednesday closed) = 256 h.
        assert desk["capacity_hours"] == 256
        assert desk["booked_hours"] == 16 and desk["checked_in_hours"] == 12
        assert desk["booked_share"] == 0.0625 and desk["free_share"] == 0.9375
        assert desk["no_shows"] == 1 and desk["no_show_rate"] == round(1 / 3, 4)
        mon_morning = next(s for s in body["by_slot"] if s["date"] == "2025-03-03"
                           and s["slot"] == "morning" and s["kind"] == "desk")
        assert mon_morning["booked_share"] == 0.375 and mon_morning["checked_in_share"] == 0.25
        room_row = next(s for s in body["summary"] if s["kind"] == "meeting_room")
        assert room_row["booked_hours"] == 1 and room_row["capacity_hours"] == 32
        heat = {(h["weekday"], h["slot"]): h["booked_share"] for h in body["heatmap"]}
        assert heat[(0, "morning")] == round(13 / 36, 4)  # desks 12 h + room 1 h of 36 h
        assert (2, "morning") not in heat  # closed
        assert body["busiest_days"][0]["date"] == "2025-03-03"
        assert len(body["series"]) == 4

    def test_scope_rules(self, api, manager, operator, company_admin, centre, network):
        q = {"period": "2025-03"}
        assert api(operator).get("/insights/occupancy", {**q, "network": network.pk}).status_code == 200
        assert_error(api(manager).get("/insights/occupancy", {**q, "network": network.pk}), 403)
        assert_error(api(company_admin).get("/insights/occupancy", {**q, "centre": centre.pk}), 403)
        assert_error(api(operator).get("/insights/occupancy", q), 422, "scope")
        r = api(manager).get("/insights/occupancy/export",
                             {**q, "centre": centre.pk, "table": "summary"})
        assert r.status_code == 200 and b"booked_share" in r.content


@pytest.fixture
def commuters(company, network, centre):
    company.head_office_lat, company.head_office_lon = "50.8467", "4.3525"  # Brussels
    company.default_commute_mode = "train"
    company.save()
    people = []
    for i in range(5):
        m = testing.make_user(company=company, network=network, home_lat="50.4669",
                              home_lon="4.8675", commute_mode="car" if i < 3 else "")
        people.append(m)
    testing.make_user(company=company, network=network)  # no home
    return people


class TestCommuteApi:
    def test_company_study_aggregates_only(self, api, company_admin, company, commuters):
        r = api(company_admin).get("/insights/commute", {"company": company.pk,
                                                         "period": "2025-03", "days_per_week": 2})
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["lines"] == []
        # 3 car + 2 train (company default) + the admin without home, 1 more without home
        assert body["total"]["members"] == 5
        modes = {m["mode"]: m["members"] for m in body["by_mode"]}
        assert modes == {"other": 5}  # car (3) and train (2) are both under 5 members
        assert {"reason": "no home location", "members": 2} in body["excluded"]
        assert any("ADEME" in f["source"] for f in body["factors"])
        assert body["total"]["kg_per_year"] > 0

    def test_member_sees_own_line_with_nearest_centre(self, api, commuters, centre):
        me = commuters[0]
        body = api(me).get("/insights/commute/me", {"period": "2025-03",
                                                    "days_per_week": 1}).json()
        (line,) = body["lines"]
        assert line["centre"] == "Namur Centre" and line["centre_basis"] == "nearest"
        assert line["mode"] == "car" and line["centre_km"] < 1
        assert line["office_km"] == pytest.approx(1.3 * 55.7, rel=0.01)  # Namur -> Brussels

    def test_most_used_centre_and_real_days(self, api, commuters, centre, network):
        far = testing.make_centre(network=network, name="Liège Centre", lat=50.6326, lon=5.5797)
        me = commuters[0]
        for day in (3, 4):
            booking(me, far, at(2025, 3, day, 9), at(2025, 3, day, 17))
        body = api(me).get("/insights/commute/me", {"period": "2025-W10"}).json()
        (line,) = body["lines"]
        assert line["centre"] == "Liège Centre" and line["centre_basis"] == "most_used"
        assert line["days_per_week"] == 2
        # Namur -> Liège is 53.6 km, Namur -> Brussels 55.7 km (great circle, x 1.3 by car).
        assert line["km_per_day"] == pytest.approx(2 * 1.3 * (55.7 - 53.6), abs=0.1)
        assert line["km_per_week"] == pytest.approx(2 * line["km_per_day"], abs=0.02)

    def test_pdf_cites_the_factors(self, api, company_admin, company, commuters, tmp_path):
        r = api(company_admin).get("/insights/commute/report.pdf",
                                   {"company": company.pk, "period": "2025", "days_per_week": 2})
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        assert r["Content-Type"] == "application/pdf"

    def test_bad_input(self, api, company_admin, company, operator, settings, tmp_path):
        assert_error(api(company_admin).get("/insights/commute", {
            "company": company.pk, "period": "2025", "days_per_week": 9}), 422, "days_per_week")
        assert_error(api(operator).get("/insights/commute", {"company": 424242,
                                                             "period": "2025"}), 404, "company")
        bad = tmp_path / "factors.json"
        raw = json.loads((__import__("smartwork.insights.conf", fromlist=["x"]).DATA_DIR
                          / "emission_factors.json").read_text())
        raw["factors"][3]["source"] = ""
        bad.write_text(json.dumps(raw))
        settings.SMARTWORK = {**settings.SMARTWORK, "EMISSION_FACTORS_FILE": str(bad)}
        assert_error(api(company_admin).get("/insights/factors"), 422,
                     "factors[3] (train).source", "emission_factors_invalid")
        assert_error(api(company_admin).get("/insights/commute", {"company": company.pk,
                                                                  "period": "2025"}),
                     422, code="emission_factors_invalid")


class TestPlacementApi:
    def test_operator_gets_sites_and_gap(self, api, operator, network, centre, commuters):
        for lat, lon in (("50.6326", "5.5797"), ("50.64", "5.57")):
            testing.make_user(network=network, home_lat=lat, home_lon=lon)
        r = api(operator).post("/insights/placement", {"network_id": network.pk, "k": 1})
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["chosen"][0]["name"] == "Liège"
        assert body["status"] == "optimal" and body["gap"] == 0
        assert body["homes"] == 7 and body["existing_centres"] == 1
        assert body["saving_km"] > 0 and body["candidate_source"] == "towns"

    def test_uploaded_candidates_and_bad_input(self, api, operator, network, commuters,
                                               company_admin, company):
        url = "/insights/placement"
        cands = [{"name": "Here", "lat": 50.47, "lon": 4.87}, {"name": "There", "lat": 50.6, "lon": 5.5}]
        body = api(operator).post(url, {"network_id": network.pk, "k": 1, "candidates": cands}).json()
        assert body["chosen"][0]["name"] == "Here" and body["candidate_source"] == "uploaded"
        assert_error(api(operator).post(url, {"network_id": network.pk, "k": 3,
                                              "candidates": cands}), 422, "k", "k_too_large")
        assert_error(api(operator).post(url, {"network_id": network.pk, "k": 1, "candidates": [
            {"name": "Paris", "lat": 48.85, "lon": 2.35}]}), 422, "candidates[0]", "outside_map")
        assert_error(api(operator).post(url, {"network_id": 98765, "k": 1}), 404, "network")
        assert_error(api(company_admin).post(url, {"network_id": network.pk, "k": 1}), 403)
        r = api(company_admin).post(url, {"network_id": network.pk, "k": 1,
                                          "company_id": company.pk, "method": "greedy"})
        assert r.status_code == 200 and r.json()["method"] == "greedy"
        r = api(operator).post(url + "/export?format=csv&table=chosen",
                               {"network_id": network.pk, "k": 1, "candidates": cands})
        assert r.status_code == 200 and r.content.decode("utf-8-sig").splitlines()[1].startswith("Here")


def test_operator_sees_the_most_used_centres_of_each_company(api, operator, company, staff,
                                                             network):
    q = {"network": network.pk, "period": "2025-03"}
    body = api(operator).get("/insights/attendance", q).json()
    [acme] = body["centres_by_company"]
    assert (acme["company_id"], acme["company"]) == (company.pk, "Acme SA")
    # Namur (6 people) is shown; Arlon (2) is folded and takes Liège (5) with it.
    assert [(r["name"], r["hours"], r["people"]) for r in acme["centres"]] == [
        ("Namur Centre", 24.0, 6), ("Other (groups under 5 people)", 19.0, 7)]
    r = api(operator).get("/insights/attendance/export", {**q, "table": "centres_by_company"})
    assert r.status_code == 200, r.content
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["company", "centre", "hours", "people", "visits"]
    assert rows[1][:4] == ["Acme SA", "Namur Centre", "24.0", "6"]


def test_occupancy_slots_are_local_to_a_centre_in_another_zone(api, operator, network, member):
    import datetime as dt
    import zoneinfo

    ny = zoneinfo.ZoneInfo("America/New_York")
    centre = testing.make_centre(network=network, name="New York desk", desks=8, rooms=0,
                                 timezone="America/New_York")
    desk = centre.resources.filter(kind="desk").order_by("pk").first()
    day = dt.date(2025, 3, 10)  # Monday, the day after the US switch to summer time
    booking(member, centre, dt.datetime.combine(day, centre.morning_start, tzinfo=ny),
            dt.datetime.combine(day, centre.morning_end, tzinfo=ny), resource=desk, slot="morning")
    body = api(operator).get("/insights/occupancy", {"centre": centre.pk,
                                                     "period": "2025-W11"}).json()
    rows = {(r["date"], r["slot"]): r["booked_share"] for r in body["by_slot"]}
    assert rows[("2025-03-10", "morning")] == 0.125  # 1 desk of 8, the whole morning
    assert rows[("2025-03-10", "afternoon")] == 0
