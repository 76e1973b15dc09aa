"""The pages changed for issue 20's front desk, home, settlements and company chooser fit
a 390 px phone and a 1366 px desktop (the measure of test_layout.py, on fixtures rather
than the whole demo walk)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from smartwork.accounts.choices import Role
from smartwork.accounts.models import User
from smartwork.billing.models import Settlement
from smartwork.core import testing
from tests.browser.test_booking_journeys import round_the_clock_centre
from tests.browser.test_layout import MEASURE, WIDTHS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .map(e => [e.getBoundingClientRect().right, e.tagName + '#' + e.id + '.' + e.className])
  .sort((a, b) => b[0] - a[0]).slice(0, 5).map(x => x.join(' ')).join(' | ')"""


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_changed_pages_fit_a_phone_and_a_desktop(site, network, lang):
    centre = round_the_clock_centre(network)
    Settlement.objects.create(
        network=network, centre=centre, period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31), reference="SB-1", gross_value=Decimal("100"),
        commission_rate=Decimal("15"), commission=Decimal("15"),
        payout_amount=Decimal("85"), payee_data={"name": "Centre op"})
    testing.make_organisation(network=network, legal_name="Acme Logistique et Transports")
    people = {
        f"/desk/{centre.pk}/": testing.make_centre_staff(centre, role=Role.RECEPTIONIST),
        "/profile/": testing.make_user(network=network),
        "/settlements/": testing.make_operator(network),
        "/company/": User.objects.create_superuser("root@example.org", "pass-1234"),
    }
    problems = []
    for path, person in people.items():
        site.page.context.clear_cookies()
        site.login(person)
        site.switch_language(lang)
        site.page.set_viewport_size({"width": WIDTHS[0], "height": 844})
        site.go(path)
        for width in WIDTHS:
            site.page.set_viewport_size({"width": width, "height": 844})
            site.page.wait_for_timeout(50)
            problems += [f"{path} @{width}: {p}" for p in site.page.evaluate(MEASURE)]
            if "wide" in " ".join(problems):
                problems.append(site.page.evaluate(WIDEST))
    assert not problems, "\n".join(problems)
