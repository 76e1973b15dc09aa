"""Favourite centres and places (issue #20 §4): writes.

A member marks a centre, or one desk or room of it, as favourite. Favourites are the
member's own: every function takes the member and touches only their rows; nobody else
reads them (no role sees another person's favourites). They are a personal preference,
not a change to anything shared, so no audit entry is written: the audit log is read by
the network's operator, who should not learn one person's habits from it.

Only what the member may book can be marked: a labelled centre of their network or an
allied one open to them, and a place in service there. Anything else is answered as if
it did not exist (404), like a centre they may not see.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.bookings.models import Favourite
from smartwork.core.errors import InvalidInput, NotFound
from smartwork.network.models import Centre, Resource
from smartwork.network.selectors import member_may_book_at


def _target(*, member: User, centre_id: int | None, resource_id: int | None,
            on: dt.date | None = None) -> tuple[Centre, Resource | None]:
    """The centre (and place) `member` may mark, or a 404 for anything they may not book."""
    if (centre_id is None) == (resource_id is None):
        message = _("Give a centre or a desk or room, not both.")
        raise InvalidInput(message, code="favourite_target",
                           fields={"centre_id": [message], "resource_id": [message]})
    on = on or timezone.localdate()
    if resource_id is not None:
        resource = (Resource.objects.select_related("centre__network")
                    .filter(pk=resource_id, is_active=True).first())
        if resource is None or not member_may_book_at(member=member, centre=resource.centre,
                                                       on=on):
            raise NotFound(_("No such desk or room."), code="unknown_resource",
                           fields={"resource_id": [_("Unknown desk or room.")]})
        return resource.centre, resource
    assert centre_id is not None  # one of the two, checked above
    centre = Centre.objects.select_related("network").filter(pk=centre_id).first()
    if centre is None or not member_may_book_at(member=member, centre=centre, on=on):
        raise NotFound(_("No such centre."), code="unknown_centre",
                       fields={"centre_id": [_("Unknown centre.")]})
    return centre, None


def favourite_add(*, member: User, centre_id: int | None = None,
                  resource_id: int | None = None) -> tuple[Favourite, bool]:
    """Mark a centre or a place; marking it twice keeps one row (the database's unique
    constraints decide when two requests race). Returns the row and whether it is new."""
    centre, resource = _target(member=member, centre_id=centre_id, resource_id=resource_id)
    lookup = {"member": member, "centre": centre, "resource": resource}
    existing = Favourite.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Favourite.objects.create(**lookup), True
    except IntegrityError:
        # Another request of the same member marked it first: theirs is the row.
        return Favourite.objects.get(**lookup), False


def favourite_remove(*, member: User, centre_id: int | None = None,
                     resource_id: int | None = None) -> None:
    """Unmark a centre (its places stay marked) or a place. Only the member's own row;
    a centre or place they never marked is 404 `not_favourite`, whoever else marked it.
    Removing works even when the place can no longer be booked."""
    if (centre_id is None) == (resource_id is None):
        message = _("Give a centre or a desk or room, not both.")
        raise InvalidInput(message, code="favourite_target",
                           fields={"centre_id": [message], "resource_id": [message]})
    rows = Favourite.objects.filter(member=member)
    if resource_id is not None:
        rows = rows.filter(resource_id=resource_id)
    else:
        assert centre_id is not None  # one of the two, checked above
        rows = rows.filter(centre_id=centre_id, resource__isnull=True)
    deleted, _rows = rows.delete()
    if not deleted:
        raise NotFound(_("This is not one of your favourites."), code="not_favourite")
