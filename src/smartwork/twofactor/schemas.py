from __future__ import annotations

import datetime as dt

from ninja import Schema


class TwoFactorStatusOut(Schema):
    totp: bool
    passkeys: int
    recovery_codes_left: int
    required: bool
    grace_until: dt.date | None = None


class PolicyIn(Schema):
    staff_required: bool
    grace_until: dt.date | None = None


class PolicyOut(Schema):
    staff_required: bool
    grace_until: dt.date | None = None
