"""What other pages show of the community: a card on the member's home page, a centre's
events on its page in the finder, and today's events at the front desk."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from smartwork.bookings.slots import zone
from smartwork.community import selectors
from smartwork.core.permissions import allowed

register = template.Library()


@register.inclusion_tag("community/partials/home_card.html", takes_context=True)
def community_card(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    mine = list(selectors.my_registrations(actor=user)[:3])
    # "Events to come" are the ones to discover: those the member is going to are above.
    upcoming = list(selectors.events_upcoming(actor=user)
                    .exclude(pk__in=selectors.registered_event_ids(actor=user))[:3])
    return {"show": True, "mine": mine, "upcoming": upcoming,
            "unread": selectors.unread_count(actor=user)}


@register.inclusion_tag("community/partials/centre_events.html", takes_context=True)
def centre_events(context: dict[str, Any], centre: Any) -> dict[str, Any]:
    return {"events": selectors.centre_events_public(centre=centre),
            "request": context.get("request")}


@register.inclusion_tag("community/partials/desk_card.html", takes_context=True)
def desk_events(context: dict[str, Any], centre: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not allowed(user, "centre.front_desk", centre=centre):
        return {"events": [], "centre": centre}
    today = timezone.now().astimezone(zone(centre.timezone)).date()
    return {"events": selectors.desk_events(actor=user, centre=centre, on=today),
            "centre": centre}
