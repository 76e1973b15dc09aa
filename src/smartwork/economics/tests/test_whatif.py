"""What-ifs against hand-computed fixtures.

The fixture (network: credit hour 6.00, commission 15 %; Namur: desks at 15.00 a
half-day): four pay-as-you-go half-days (60.00) and two credit half-days (480 min,
48.00) in one month. Baseline: revenue 108.00, commission 16.20, payouts 91.80,
customers' cost 60.00, 6 bookings.
"""

import datetime as dt
from decimal import Decimal

import pytest

from smartwork.core import testing
from smartwork.core.errors import InvalidInput
from smartwork.core.models import AuditEntry
from smartwork.credits.tests.factories import book, buy, employee, workday
from smartwork.economics import services, whatif

pytestmark = pytest.mark.django_db
D = Decimal


def next_month_after(day):
    return (day.replace(day=28) + dt.timedelta(days=5)).replace(day=1)


@pytest.fixture
def bookings(network, centre, company, operator):
    day = workday(3)
    for _i in range(4):
        book(testing.make_user(network=network), centre, on=day)           # payg 15.00
    buy(company, hours=20, actor=operator)
    for _i in range(2):
        book(employee(company), centre, on=day, slot="afternoon")         # credit 240 min
    return next_month_after(day)  # "today": the bookings' month has ended


def run(operator, network, today, **kw):
    return whatif.whatif_pricing(actor=operator, network=network, today=today,
                                 months=kw.pop("months", 3), **kw)


def test_baseline(operator, network, centre, bookings):
    r = run(operator, network, bookings, change="commission", new_value="15")
    assert r["baseline"] == {"revenue": D("108.00"), "credit_value": D("48.00"),
                             "customer_cost": D("60.00"), "commission": D("16.20"),
                             "payouts": D("91.80"), "bookings": D("6.0"),
                             "credit_hours": D("8.00")}


def test_desk_price_up_20_percent(operator, network, centre, bookings):
    r = run(operator, network, bookings, change="kind_price", centre_id=centre.pk,
            resource_kind="desk", change_pct="20", elasticity="-0.5")
    same = r["demand_unchanged"]
    assert (same["revenue"], same["customer_cost"], same["commission"], same["payouts"]) == (
        D("120.00"), D("72.00"), D("18.00"), D("102.00"))
    assert same["delta"]["revenue"] == D("12.00") and same["delta"]["payouts"] == D("10.20")
    # e = -0.5: bookings x 1.2^-0.5; pay-as-you-go 60 x 1.2^0.5 = 65.7267 -> revenue
    # 48 + 65.7267 = 113.73, commission 17.06, payouts 96.67; 2 + 4 / 1.0954 = 5.7 bookings.
    el = r["with_elasticity"]
    assert (el["revenue"], el["customer_cost"], el["commission"], el["payouts"],
            el["bookings"]) == (D("113.73"), D("65.73"), D("17.06"), D("96.67"), D("5.7"))
    assert r["assumption"]["is_assumption"] and r["assumption"]["elasticity"] == D("-0.5")
    (row,) = r["by_centre"]
    assert (row["revenue"], row["revenue_same_demand"], row["revenue_with_elasticity"]) == (
        D("108.00"), D("120.00"), D("113.73"))
    assert AuditEntry.objects.filter(action="whatif.pricing").count() == 1


def test_unit_elasticity_keeps_the_revenue(operator, network, centre, bookings):
    r = run(operator, network, bookings, change="kind_price", centre_id=centre.pk,
            resource_kind="desk", change_pct="25", elasticity="-1")
    # 60 x 1.25 / 1.25 = 60: revenue unchanged, 4 / 1.25 = 3.2 pay-as-you-go bookings.
    assert r["with_elasticity"]["revenue"] == D("108.00")
    assert r["with_elasticity"]["bookings"] == D("5.2")


def test_another_kind_or_centre_changes_nothing(operator, network, centre, bookings):
    r = run(operator, network, bookings, change="kind_price", centre_id=centre.pk,
            resource_kind="meeting_room", change_pct="50")
    assert r["demand_unchanged"]["delta"]["revenue"] == 0


def test_credit_hour_value_and_commission(operator, network, centre, bookings):
    r = run(operator, network, bookings, change="credit_hour_value", new_value="7.50",
            elasticity="-1")
    same = r["demand_unchanged"]
    # 480 min x 7.50 / 60 = 60.00; customers pay the same; no elasticity for them.
    assert (same["revenue"], same["customer_cost"], same["payouts"]) == (
        D("120.00"), D("60.00"), D("102.00"))
    assert r["with_elasticity"] is None
    r = run(operator, network, bookings, change="commission", new_value="20")
    assert (r["demand_unchanged"]["commission"], r["demand_unchanged"]["payouts"]) == (
        D("21.60"), D("86.40"))
    assert r["demand_unchanged"]["delta"]["revenue"] == 0


def test_a_window_without_the_bookings_is_empty(operator, network, centre, bookings):
    later = next_month_after(next_month_after(next_month_after(next_month_after(bookings))))
    r = run(operator, network, later, change="commission", new_value="20")
    assert r["baseline"]["revenue"] == 0


@pytest.mark.parametrize(("kw", "field", "code"), [
    ({"change": "kind_price", "resource_kind": "desk", "change_pct": "400"}, "change_pct",
     "price_out_of_bounds"),
    ({"change": "kind_price", "resource_kind": "desk", "change_pct": "-95"}, "change_pct",
     "price_out_of_bounds"),
    ({"change": "kind_price", "resource_kind": "desk", "change_pct": "10", "elasticity": "0.4"},
     "elasticity", "elasticity_wrong_sign"),
    ({"change": "kind_price", "resource_kind": "desk", "change_pct": "10", "elasticity": "-9"},
     "elasticity", "elasticity_out_of_bounds"),
    ({"change": "kind_price", "resource_kind": "sofa", "change_pct": "10"}, "resource_kind",
     "invalid"),
    ({"change": "credit_hour_value", "new_value": "100"}, "new_value", "price_out_of_bounds"),
    ({"change": "credit_hour_value", "new_value": "abc"}, "new_value", "invalid"),
    ({"change": "commission", "new_value": "80"}, "new_value", "price_out_of_bounds"),
    ({"change": "commission", "new_value": "10", "months": 5}, "months", "bad_window"),
    ({"change": "nothing"}, "change", "invalid"),
])
def test_bad_input_is_refused_and_not_audited(operator, network, centre, kw, field, code):
    if kw["change"] == "kind_price":
        kw["centre_id"] = centre.pk
    with pytest.raises(InvalidInput) as exc:
        whatif.whatif_pricing(actor=operator, network=network, **{"months": 3, **kw})
    assert exc.value.code == code and field in exc.value.fields
    assert not AuditEntry.objects.filter(action="whatif.pricing").exists()


def test_a_centre_of_another_network_is_refused(operator, network):
    elsewhere = testing.make_centre()
    with pytest.raises(InvalidInput) as exc:
        whatif.whatif_pricing(actor=operator, network=network, change="kind_price",
                              centre_id=elsewhere.pk, resource_kind="desk", change_pct="10")
    assert exc.value.code == "unknown_centre"


# --- opening a site ------------------------------------------------------------------


def test_opening_a_site_by_hand(network, operator, company, monkeypatch):
    """On one meridian (a degree = 111.195 km): the labelled centre at 51.0 N, the site at
    50.0 N, a home at 50.1 N: 11.12 km from the site instead of 100.08 from the centre,
    177.91 km saved per visit there and back, 52/12 visits a month at one day a week:
    771.0 km a month. Demand: 1 person x 4.333 days x 8 h = 34.7 h; capacity of 2 desks:
    2 x 8 h x 5 days x 4.333 weeks = 346.7 h, 10 % expected. At 2.50 paid per booked
    hour, 1,000.00 of costs break even at 100 x 1000 / (2.5 x 346.7) = 115.4 %."""
    testing.make_centre(network=network, lat=51.0, lon=5.0)
    employee(company, home_lat="50.1", home_lon="5.0")
    employee(company, home_lat="50.95", home_lon="5.0")    # nearer the centre
    employee(company, home_lat="49.5", home_lon="5.0")     # beyond the 15 km radius
    monkeypatch.setattr(whatif, "_payout_per_hour", lambda **kw: D("2.50"))
    r = whatif.whatif_site(actor=operator, network=network, lat=50.0, lon=5.0, desks=2,
                           monthly_costs="1000", days_per_week="1")
    assert r["people"] == 1
    assert r["commute_saved_km_per_month"] == D("771.0")
    assert (r["demand_hours_per_month"], r["capacity_hours_per_month"]) == (D("34.7"), D("346.7"))
    assert r["expected_occupancy"] == D("10.0")
    assert r["break_even_occupancy"] == D("115.4")
    assert r["expected_margin_per_month"] == D("-913.25")     # 34.7 x 2.50 - 1000


def test_opening_refuses_negative_costs(network, operator):
    with pytest.raises(InvalidInput) as exc:
        whatif.whatif_site(actor=operator, network=network, lat=50.0, lon=5.0, desks=2,
                           monthly_costs="-1")
    assert exc.value.code == "negative_cost"


# --- closing a centre ----------------------------------------------------------------


def test_closing_a_centre_by_hand(network, operator, company):
    """Closing A (costs 500 a month); B is 0.36 degree (40 km) north. X lives at B and
    booked two credit half-days at A (48.00): X moves to B. Y, with no home known, booked
    one pay-as-you-go half-day (15.00): from A, B is beyond 25 km: lost. Over 3 months the
    network saves 1,500.00 of costs and loses 15.00 (2.25 of commission)."""
    a = testing.make_centre(network=network, name="A", lat=50.0, lon=5.0)
    testing.make_centre(network=network, name="B", lat=50.36, lon=5.0)
    day = workday(3)
    services.cost_item_create(actor=operator, centre=a, kind="rent", label="Rent",
                              basis="fixed", amount="500",
                              starts_on=day.replace(day=1) - dt.timedelta(days=100))
    buy(company, hours=20, actor=operator)
    x = employee(company, home_lat="50.36", home_lon="5.0")
    book(x, a, on=day)
    book(x, a, on=day, slot="afternoon")
    book(testing.make_user(network=network), a, on=day)
    today = next_month_after(day)
    r = whatif.whatif_closing(actor=operator, network=network, centre_id=a.pk, months=3,
                              today=today)
    moving, lost = r["destinations"]
    assert (moving["centre"], moving["members"], moving["value"]) == ("B", 1, D("48.00"))
    assert moving["average_km"] == D("0.0")
    assert (lost["centre_id"], lost["members"], lost["value"]) == (None, 1, D("15.00"))
    assert (r["revenue_moving"], r["revenue_lost"], r["commission_lost"]) == (
        D("48.00"), D("15.00"), D("2.25"))
    assert r["costs"] == D("1500.00") and r["network_change"] == D("1485.00")
    assert r["revenue"] == D("63.00")


def test_payout_per_booked_hour_for_a_site(operator, network, centre, bookings):
    """The fixture's 91.80 paid to centres for six half-days of 4 h: 91.80 / 24 = 3.825."""
    r = whatif.whatif_site(actor=operator, network=network, lat=50.0, lon=5.0, desks=2,
                           monthly_costs="100", today=bookings)
    assert r["payout_per_booked_hour"] == D("3.83")
