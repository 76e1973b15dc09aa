"""The front desk's check-in code: a code whose centre part is not an ASCII id within
the databases' range is refused as invalid (400), not a 500."""

from __future__ import annotations

import pytest

from smartwork.bookings.qr import checkin_token_for, checkin_token_verify
from smartwork.core.errors import InvalidInput


@pytest.mark.parametrize("head", ["\u00b2", "9" * 30, "", "-1"])
def test_a_code_with_a_bad_centre_part_is_invalid(centre, head):
    _centre, day, mac = checkin_token_for(centre=centre).split(".")
    with pytest.raises(InvalidInput):
        checkin_token_verify(token=f"{head}.{day}.{mac}")


def test_todays_code_is_valid(centre):
    assert checkin_token_verify(token=checkin_token_for(centre=centre)).pk == centre.pk
