"""The member's own credit (balance and history) and WiFi login."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from smartwork.core.errors import NotFound
from smartwork.credits import selectors as credit_selectors
from smartwork.credits.choices import LedgerReason
from smartwork.web.forms import LedgerFilterForm
from smartwork.web.views.helpers import AuthedRequest, page
from smartwork.wifi import selectors as wifi_selectors
from smartwork.wifi import services as wifi_services


@login_required
@page
def my_credit(request: AuthedRequest) -> HttpResponse:
    credit = credit_selectors.member_credit(actor=request.user)
    form = LedgerFilterForm(request.GET or None, reasons=LedgerReason.choices)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = credit_selectors.member_ledger(actor=request.user, filters=(
        credit_selectors.LedgerFilters(reason=data.get("reason") or None,
                                       date_from=data.get("date_from"),
                                       date_to=data.get("date_to"))))[:200]
    total = (sum(a["balance_minutes"] for a in credit["allotments"])
             + (credit["membership"]["balance_minutes"] if credit["membership"] else 0))
    return render(request, "web/member/credit.html", {
        "credit": credit, "entries": entries, "form": form, "total": total,
        "reasons": dict(LedgerReason.choices)})


@login_required
@page
def my_wifi(request: AuthedRequest) -> HttpResponse:
    try:
        identity = wifi_selectors.wifi_identity_for_member(member=request.user)
    except NotFound:
        identity = None
    return render(request, "web/member/wifi.html", {"identity": identity, "password": None})


@login_required
@require_POST
@page
def my_wifi_password(request: AuthedRequest) -> HttpResponse:
    """Create the login or give it a new password, shown on this page once."""
    identity, password = wifi_services.wifi_identity_rotate_password(
        member=request.user, actor=request.user)
    response = render(request, "web/member/wifi.html", {"identity": identity,
                                                        "password": password})
    response["Cache-Control"] = "no-store"
    return response
