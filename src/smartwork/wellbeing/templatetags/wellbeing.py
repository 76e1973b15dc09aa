"""`{% pulse_card %}`: the member's open pulse surveys, on the home page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("wellbeing/partials/pulse_card.html", takes_context=True)
def pulse_card(context: dict[str, Any]) -> dict[str, Any]:
    from smartwork.wellbeing.selectors import my_open_surveys

    request = context.get("request")
    user = getattr(request, "user", None)
    surveys = my_open_surveys(actor=user) if user is not None else []
    return {"surveys": surveys}
