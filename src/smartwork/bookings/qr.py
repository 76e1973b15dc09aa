"""The centre's check-in QR code: a signed per-centre token that changes every day.

The token is `<centre id>.<local date YYYYMMDD>.<HMAC>`; it is valid only on
that local date at that centre, so yesterday's photo of the code is useless.
"""

from __future__ import annotations

import datetime as dt
import hmac

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from smartwork.bookings.slots import zone
from smartwork.core.errors import InvalidInput
from smartwork.core.forms import id_from_text
from smartwork.network.models import Centre

SALT = "smartwork.bookings.checkin-qr"


def _mac(centre_id: int, day: str) -> str:
    return salted_hmac(SALT, f"{centre_id}.{day}", algorithm="sha256").hexdigest()[:20]


def checkin_token_for(*, centre: Centre, now: dt.datetime | None = None) -> str:
    day = (now or timezone.now()).astimezone(zone(centre.timezone)).strftime("%Y%m%d")
    return f"{centre.pk}.{day}.{_mac(centre.pk, day)}"


def checkin_url(*, token: str) -> str:
    """What the code holds: the member's check-in page (one button), or, without the
    pages, the API route a client app can POST to."""
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse("web:check_in", kwargs={"token": token})
    except NoReverseMatch:
        path = f"/api/v1/check-in/qr/{token}"
    return f"{str(settings.SMARTWORK['BASE_URL']).rstrip('/')}{path}"


def checkin_qr_svg(*, centre: Centre, now: dt.datetime | None = None) -> str:
    import segno

    qr = segno.make(checkin_url(token=checkin_token_for(centre=centre, now=now)), error="m")
    from django.utils.translation import gettext as _

    return qr.svg_inline(scale=6, title=_("Check in at %(centre)s") % {"centre": centre.name})


def checkin_token_verify(*, token: str, now: dt.datetime | None = None) -> Centre:
    bad = InvalidInput(_("This check-in code is not valid (today's code is at reception)."),
                       code="invalid_checkin_code", fields={"token": [_("Invalid or expired.")]})
    parts = token.split(".")
    centre_id = id_from_text(parts[0]) if len(parts) == 3 else None
    if centre_id is None:
        raise bad
    day, mac = parts[1], parts[2]
    if not hmac.compare_digest(mac, _mac(centre_id, day)):
        raise bad
    centre = Centre.objects.select_related("network").filter(pk=centre_id).first()
    if centre is None:
        raise bad
    today = (now or timezone.now()).astimezone(zone(centre.timezone)).strftime("%Y%m%d")
    if day != today:
        raise bad
    return centre
