from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from smartwork.accounts.choices import Role
from smartwork.accounts.selectors import user_roles_summary
from smartwork.core.permissions import roles_of
from smartwork.web.views.helpers import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Each role's starting points; every person is also a member who may book."""
    roles = roles_of(request.user)
    summary = user_roles_summary(user=request.user)
    labels = dict(Role.choices)
    for row in summary:
        row["label"] = labels.get(str(row["role"]), row["role"])
    work = _work(request)
    return render(request, "web/home.html", {
        "roles": summary, "role_set": roles,
        "has_home": request.user.home_lat is not None,
        "work": work, "work_labels": [w["label"] for w in work],
        **_at_a_glance(request.user, roles),
    })


def _work(request: AuthedRequest) -> list[dict[str, str]]:
    """The staff's own sections, first on the page (an operator, a centre's staff or a
    company admin comes to work): the menu's sections (`main_nav` decides who sees
    which) that are staff work, each with a line of what it holds."""
    from smartwork.web.templatetags.web import main_nav

    what = {
        reverse("web:operator_home"): _(
            "Figures, centres, members, invoicing and settlements of your network."),
        reverse("web:staff_centres"): _(
            "Resources, prices, opening hours, floor plans and the label."),
        reverse("web:front_desk"): _("Today's arrivals, walk-in guests and check-in."),
        reverse("web:company_home"): _("Staff, credit, bookings, approvals and invoices."),
        reverse("workplans:company_home"): _(
            "The policy, the weekly plans and the activity analysis."),
    }
    labels = {item["url"]: item["label"] for item in main_nav({"request": request})}
    return [{"label": labels[url], "url": url, "text": text}
            for url, text in what.items() if url in labels]


def _at_a_glance(user: Any, roles: Any) -> dict[str, Any]:
    """What the home page says before any click: the member's next booking and the credit
    left for them; a company admin's requests waiting for approval."""
    from django.utils import timezone

    from smartwork.accounts.models import Organisation
    from smartwork.bookings import selectors as booking_selectors
    from smartwork.bookings.choices import BookingState
    from smartwork.credits import selectors as credit_selectors

    now = timezone.now()
    upcoming = booking_selectors.booking_list(
        actor=user, filters=booking_selectors.BookingFilters(
            member=user.pk, date_from=timezone.localdate()))
    live = (BookingState.CONFIRMED, BookingState.PENDING_APPROVAL, BookingState.CHECKED_IN)
    next_booking = next((b for b in upcoming.select_related("resource", "centre")[:20]
                         if b.end > now and b.state in live), None)
    credit_left = None
    if user.network_id is not None:
        credit = credit_selectors.member_credit(actor=user)
        credit_left = (sum(a["balance_minutes"] for a in credit["allotments"])
                       + (credit["membership"]["balance_minutes"] if credit["membership"]
                          else 0))
    waiting = []
    for company in Organisation.objects.filter(pk__in=roles.admin_companies).order_by("pk"):
        count = booking_selectors.pending_approvals(actor=user, company=company).count()
        if count:
            waiting.append({"company": company, "count": count})
    from smartwork.bookings.reminders import reminders_on_home

    return {"next_booking": next_booking, "credit_left": credit_left, "waiting": waiting,
            "soon": reminders_on_home(member=user, now=now)}
