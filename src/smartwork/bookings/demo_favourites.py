"""Demo favourites (issue #20 §4): the demo's member and independent have marked the
centre they book most and their usual desk there, so the home page's Favourites and
'Book again' and the finder's 'my favourites' show something at first login."""

from __future__ import annotations

from collections import Counter
from typing import Any

from smartwork.accounts.models import User
from smartwork.bookings.favourites import favourite_add
from smartwork.core.errors import DomainError

DEMO_ROLES = ("member (employee)", "independent member")


def load(ctx: dict[str, Any]) -> None:
    emails = [login.email for login in ctx.get("logins", []) if login.role in DEMO_ROLES]
    for member in User.objects.filter(email__in=emails).order_by("pk"):
        past = [b for b in ctx.get("bookings", []) if b.member_id == member.pk]
        if not past:
            continue
        centre_id, _count = Counter(b.centre_id for b in past).most_common(1)[0]
        desk_id, _count = Counter(b.resource_id for b in past
                                  if b.centre_id == centre_id).most_common(1)[0]
        try:
            favourite_add(member=member, centre_id=centre_id)
            favourite_add(member=member, resource_id=desk_id)
        except DomainError:
            continue  # not bookable for them any more: nothing to mark
