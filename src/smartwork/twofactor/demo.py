"""Demo two-factor login.

- The Walloon network requires two-factor login of its operators, centre managers and
  company admins, with a grace of 60 days: at login they are offered to set up an
  authenticator app and may choose "Later" (members and receptionists are not asked).
- The Mobispot operator has an authenticator app already, with the fixed secret
  `DEMO_TOTP_SECRET` that `smartwork demo` prints: add it to any authenticator app
  (or `oathtool --totp -b SECRET`) to pass the second step.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from smartwork.twofactor.models import NetworkPolicy

# 20 bytes, fixed so that the printed secret stays the same from one load to the next.
DEMO_TOTP_KEY = "736d617274776f726b2d64656d6f2d3266612121"
DEMO_TOTP_USER = "operator.mobispot@demo.smartwork.example"
GRACE_DAYS = 60


def demo_totp_secret() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def load(ctx: dict[str, Any]) -> None:
    walloon = ctx["networks"]["walloon"]
    NetworkPolicy.objects.create(network=walloon, staff_required=True,
                                 grace_until=ctx["today"] + dt.timedelta(days=GRACE_DAYS))
    mobispot_op = ctx["operators"]["mobispot"]
    TOTPDevice.objects.create(user=mobispot_op, name="Demo authenticator app",
                              key=DEMO_TOTP_KEY, confirmed=True)


def describe() -> list[str]:
    """What `smartwork demo` prints under the logins."""
    return [
        f"Two-factor login: {DEMO_TOTP_USER} has an authenticator app with the secret "
        f"{demo_totp_secret()}",
        "(add it to any authenticator app, or run `oathtool --totp -b SECRET`); Walloon staff "
        "are offered to set one up at login and may choose \"Later\" for 60 days.",
    ]
