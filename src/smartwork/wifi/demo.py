"""Demo WiFi: an access point per centre, a WiFi login per member, and presence
sessions for the bookings already checked in or completed.

Deterministic: addresses follow the centres' order, secrets and passwords are
derived from the centre slug and the member's email, sessions from the bookings.
Fills ctx["wifi"] = {"logins": {email: (username, password)},
"access_points": {centre slug: (Nas, secret)}}.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from smartwork.wifi.crypto import PASSWORD_ALPHABET, PASSWORD_LENGTH
from smartwork.wifi.models import PresenceSession
from smartwork.wifi.services import nas_create, wifi_identity_rotate_password


def demo_password(email: str) -> str:
    digest = hashlib.sha256(f"smartwork-demo-wifi:{email}".encode()).digest()
    raw = "".join(PASSWORD_ALPHABET[b % len(PASSWORD_ALPHABET)] for b in digest[:PASSWORD_LENGTH])
    return "-".join(raw[i : i + 4] for i in range(0, PASSWORD_LENGTH, 4))


def demo_secret(slug: str) -> str:
    return "demo-" + hashlib.sha256(f"smartwork-demo-nas:{slug}".encode()).hexdigest()[:24]


def load(ctx: dict[str, Any]) -> None:
    access_points: dict[str, tuple[Any, str]] = {}
    for n, key in enumerate(sorted(ctx["networks"])):
        operator = ctx["operators"][key]
        for i, centre in enumerate(ctx["centres"][key]):
            secret = demo_secret(centre.slug)
            nas, _ = nas_create(actor=operator, centre=centre, name="Borne Wi-Fi accueil",
                                address=f"10.{10 + n}.{i}.0/24", secret=secret)
            access_points[centre.slug] = (nas, secret)
    logins: dict[str, tuple[str, str]] = {}
    for member in ctx["members"]:
        if not member.is_active:
            continue
        identity, password = wifi_identity_rotate_password(
            member=member, actor=member, password=demo_password(member.email))
        logins[member.email] = (identity.username, password)
    ctx["wifi"] = {"logins": logins, "access_points": access_points}
    _presence_from_bookings(access_points)


def _presence_from_bookings(access_points: dict[str, tuple[Any, str]]) -> None:
    """A device joins a few minutes after the start and leaves before the end."""
    try:
        from smartwork.bookings.models import Booking
    except ImportError:
        return
    nas_by_centre = {nas.centre_id: nas for nas, _ in access_points.values()}
    rows = []
    bookings = Booking.objects.filter(state__in=["checked_in", "completed"]).order_by("pk")
    for b in bookings.only("pk", "member_id", "centre_id", "start", "end", "state"):
        nas = nas_by_centre.get(b.centre_id)
        if nas is None:
            continue
        started = b.start + dt.timedelta(minutes=3 + b.pk % 17)
        ended = None if b.state == "checked_in" else max(
            started, b.end - dt.timedelta(minutes=5 + b.pk % 23))
        rows.append(PresenceSession(
            member_id=b.member_id, centre_id=b.centre_id, nas=nas,
            acct_session_id=f"demo-{b.pk:08d}", started_at=started, ended_at=ended,
            last_update_at=ended or started,
            input_octets=(b.pk * 7919) % 900_000_000, output_octets=(b.pk * 104729) % 90_000_000,
            stop_cause="" if ended is None else "User-Request",
        ))
    PresenceSession.objects.bulk_create(rows, batch_size=500)
