"""Formatting per language and the navigation each role sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smartwork.core.forms import month_parse
from smartwork.core.l10n import date_time_text, month_text
from smartwork.core.permissions import roles_of
from smartwork.credits import selectors as credit_selectors

register = template.Library()


@register.filter
def money(value: Any, currency: str = "EUR") -> str:
    """25 -> '€25.00' (en), '25,00 €' (fr, de), '€ 25,00' (nl)."""
    if value is None or value == "":
        return "—"
    amount = formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
    symbol = "€" if currency == "EUR" else currency
    lang = (get_language() or "en")[:2]
    if lang in ("fr", "de"):
        return f"{amount}\u00a0{symbol}"
    if lang == "nl":
        return f"{symbol}\u00a0{amount}"
    return f"{symbol}{amount}"


@register.filter
def month(value: Any) -> Any:
    """'2026-07' (as the selectors give months) as the language writes it ('July 2026',
    'juil. 2026'); anything that is no month as it is."""
    parsed = month_parse(str(value or ""))
    if parsed is None:
        return value
    return month_text(dt.date(parsed[0], parsed[1], 1))


@register.filter
def iso_date(value: Any) -> str:
    """'2026-11-03' (as the selectors give dates) in the language's DATE_FORMAT."""
    import datetime as dt

    if not value:
        return "—"
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return formats.date_format(day, "DATE_FORMAT")


@register.filter
def page_title(value: Any) -> str:
    """The tab's title: 'Find a centre · smartwork', or 'smartwork' alone."""
    text = " ".join(str(value or "").split())
    return f"{text} · smartwork" if text else "smartwork"


@register.filter
def hours(minutes: Any) -> str:
    """Credit minutes as hours and minutes: 90 -> '1 h 30'."""
    if minutes is None or minutes == "":
        return "—"
    minutes = int(minutes)
    sign = "−" if minutes < 0 else ""
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h}\u00a0h\u00a0{m:02d}" if m else f"{sign}{h}\u00a0h"


@register.filter
def date_time(value: Any) -> str:
    """A moment as the pages write a booking's: the language's date, then the 24-hour
    time, in the current time zone ('Dec. 3, 2026 21:30', '3 décembre 2026 21:30')."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_time_text(value)  # as the mails write it (core.l10n)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key) if hasattr(mapping, "get") else mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


def _url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@register.simple_tag(takes_context=True)
def main_nav(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The sections this user may open, in one list: one navigation for every role."""
    request: HttpRequest | None = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    roles = roles_of(request.user)
    items: list[tuple[str, str | None]] = [
        (_("Find a centre"), _url("web:centre_finder")),
        (_("My bookings"), _url("web:my_bookings")),
        (_("My credit"), _url("web:my_credit")),
        (_("WiFi"), _url("web:my_wifi")),
    ]
    if request.user.company_id:  # smart working (workplans): the employee's week
        items.append((_("My week"), _url("workplans:my_week")))
    if roles.receptionist_centres or roles.manager_centres or roles.operator_networks:
        items.append((_("Front desk"), _url("web:front_desk")))
    if roles.manager_centres or roles.operator_networks or roles.superuser:
        items.append((_("Centres"), _url("web:staff_centres")))
    if roles.admin_companies:
        items.append((_("Company"), _url("web:company_home")))
        items.append((_("Smart working"), _url("workplans:company_home")))
    elif roles.superuser:  # every company's pages, through the company chooser
        items.append((_("Companies"), _url("web:company_home")))
    if request.user.company_id is not None or roles.operator_networks:
        items.append((_("Well-being"), _url("wellbeing:home")))
    if roles.operator_networks or roles.superuser:
        items.append((_("Network"), _url("web:operator_home")))
    # Issue #7: an independent member's membership; a centre manager's plans (the
    # operator reaches plans, packages and presence through the network's tabs). Those
    # who may not subscribe but hold one still reach it from their credit page.
    if (request.user.network_id is not None
            and credit_selectors.membership_refusal(actor=request.user) is None):
        items.append((_("Membership"), _url("web:my_membership")))
    # Issue #20: an independent member's own invoices (pay-as-you-go, membership fees).
    if (request.user.company_id is None and request.user.network_id is not None
            and not (roles.admin_companies or roles.operator_networks or roles.superuser)):
        items.append((_("Invoices"), _url("web:invoices")))
    # Issue #21 §5: events at centres and the members' directory, for every member.
    items.append((_("Community"), _url("community:home")))
    if roles.manager_centres and not (roles.operator_networks or roles.superuser):
        items.append((_("Plans"), _url("web:plans")))
        items.append((_("Economics"), _url("economics:home")))
    path = request.path
    return [
        {"label": label, "url": url, "current": path == url or (url != "/" and path.startswith(url))}
        for label, url in items if url
    ]



@register.simple_tag(takes_context=True)
def network_tabs(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The operator's network pages, as tabs (the current one marked)."""
    request: HttpRequest | None = context.get("request")
    current = (request.resolver_match.view_name
               if request is not None and request.resolver_match else "")
    tabs = [("web:operator_home", _("Figures")), ("web:presence", _("Presence")),
            ("web:network_commute", _("Commute study")),
            ("web:placement", _("Where to open next")),
            ("web:packages", _("Credit packages")), ("web:plans", _("Membership plans")),
            ("economics:network", _("Economics")), ("economics:alliances", _("Alliances"))]
    return [{"url": reverse(name), "label": label, "current": current == name}
            for name, label in tabs]
