"""The company admin's Approvals page (bookings beyond an employee's cap) and the page
where the admin books a desk or a room for an employee. Thin: the rules are in
bookings.approvals and bookings.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.accounts import selectors as account_selectors
from smartwork.accounts.models import Organisation
from smartwork.bookings import approvals as booking_approvals
from smartwork.bookings import selectors as booking_selectors
from smartwork.bookings import services as booking_services
from smartwork.bookings.choices import BookingState
from smartwork.core.errors import DomainError
from smartwork.core.forms import id_from_text
from smartwork.credits import services as credit_services
from smartwork.network import selectors as network_selectors
from smartwork.network.choices import LabelStatus
from smartwork.network.models import Resource
from smartwork.web.forms import ApprovalPolicyForm, BookForm, RejectForm, StaffBookForm
from smartwork.web.views.bookings import _back, _when, booking_error_text, next_working_day
from smartwork.web.views.centres import _availability
from smartwork.web.views.company import _company, _people, _render
from smartwork.web.views.helpers import (
    AuthedRequest,
    apply_domain_error,
    is_htmx,
    page,
    require_page,
)

# --- Approvals ------------------------------------------------------------------


def _policy_form(company: Organisation, data: Any = None) -> ApprovalPolicyForm:
    policy = credit_services.credit_policy_get_or_default(company=company)
    cap = policy.pool_cap_minutes_per_month
    return ApprovalPolicyForm(data, prefix="policy", initial={
        "cap_hours": cap // 60 if cap else None,
        "approval_beyond_cap": policy.approval_beyond_cap,
        "approval_hold_hours": policy.approval_hold_hours,
        "guests_allowed": policy.guests_allowed})


def _approvals_page(request: AuthedRequest, company: Organisation, *,
                    forms: dict[int, RejectForm] | None = None,
                    errors: dict[int, str] | None = None, notice: str = "",
                    policy_form: ApprovalPolicyForm | None = None) -> HttpResponse:
    forms, errors = forms or {}, errors or {}
    pending = list(booking_selectors.pending_approvals(actor=request.user, company=company))
    rows = [{"booking": b, "when": _when(b), "form": forms.get(b.pk) or RejectForm(
        prefix=f"r{b.pk}"), "error": errors.get(b.pk, "")} for b in pending]
    context = {"rows": rows, "notice": notice,
               "policy_form": policy_form or _policy_form(company)}
    if is_htmx(request):
        return render(request, "web/company/approvals.html#list",
                      {"company": company, **context})
    return _render(request, "web/company/approvals.html", company, **context)


@login_required
@page
def company_approvals(request: AuthedRequest, company_id: int) -> HttpResponse:
    """The requests waiting; POST `policy` sets the cap and the approval step."""
    company = _company(request, company_id)
    if request.method != "POST":
        return _approvals_page(request, company)
    form = _policy_form(company, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            credit_services.credit_policy_set(
                actor=request.user, company=company,
                pool_cap_minutes_per_month=data["cap_hours"] * 60 if data["cap_hours"] else None,
                approval_beyond_cap=data["approval_beyond_cap"],
                approval_hold_hours=data["approval_hold_hours"],
                guests_allowed=data["guests_allowed"])
        except DomainError as exc:
            apply_domain_error(form, exc, {"pool_cap_minutes_per_month": "cap_hours"})
        else:
            messages.success(request, _("The company's rules are saved."))
            return redirect("web:company_approvals", company.pk)
    return _approvals_page(request, company, policy_form=form)


@login_required
@require_POST
@page
def approval_decide(request: AuthedRequest, company_id: int, booking_id: int) -> HttpResponse:
    """Approve (button `approve`) or reject with a reason (button `reject`)."""
    company = _company(request, company_id)
    booking = (booking_selectors.pending_approvals(actor=request.user, company=company)
               .filter(pk=booking_id).first())
    forms: dict[int, RejectForm] = {}
    errors: dict[int, str] = {}
    notice = ""
    if booking is None:
        notice = _("This request was decided already, or has lapsed.")
    elif "reject" in request.POST:
        form = RejectForm(request.POST, prefix=f"r{booking.pk}")
        if form.is_valid():
            try:
                booking_approvals.booking_reject(booking=booking, actor=request.user,
                                                 reason=form.cleaned_data["reason"])
            except DomainError as exc:
                apply_domain_error(form, exc)
                forms[booking.pk] = form
            else:
                notice = _("Rejected: %(member)s, %(when)s. They are told why.") % {
                    "member": booking.member, "when": _when(booking)}
        else:
            forms[booking.pk] = form
    else:
        try:
            booking_approvals.booking_approve(booking=booking, actor=request.user)
        except DomainError as exc:
            errors[booking.pk] = booking_error_text(exc)
        else:
            notice = _("Approved: %(member)s, %(when)s. The booking is confirmed.") % {
                "member": booking.member, "when": _when(booking)}
    if is_htmx(request) or forms or errors:
        return _approvals_page(request, company, forms=forms, errors=errors, notice=notice)
    if booking is None:
        messages.info(request, notice)
    else:
        messages.success(request, notice)
    return redirect("web:company_approvals", company.pk)


# --- Book for an employee ---------------------------------------------------------


def _centres(company: Organisation, viewer: Any = None) -> list[tuple[int, str]]:
    centres = network_selectors.centre_list(filters=network_selectors.CentreFilters(
        network=company.network_id, label_status=LabelStatus.LABELLED, viewer=viewer))
    return [(c.pk, f"{c.name} ({c.city})" if c.city else c.name) for c in centres]


@login_required
@page
def company_book(request: AuthedRequest, company_id: int) -> HttpResponse:
    """Choose the employee, the centre and the date; the centre's availability (the
    member's own booking widget) then books for that employee."""
    company = _company(request, company_id)
    require_page(request, "company.book_for_staff", company=company)
    people, centres = _people(request, company), _centres(company, request.user)
    if request.method == "POST":
        return _book_for(request, company, people)
    initial: dict[str, Any] = {"date": next_working_day()}
    if people:
        initial["member"] = people[0][0]
    if centres:
        initial["centre"] = centres[0][0]
    form = StaffBookForm(request.GET or None, people=people, centres=centres, initial=initial)
    chosen: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data
    elif not form.is_bound and people and centres:
        chosen = initial
    context: dict[str, Any] = {"form": form, "has_choice": bool(chosen)}
    if chosen:
        centre = network_selectors.centre_get(centre_id=chosen["centre"], viewer=request.user)
        on: dt.date = chosen["date"]
        context.update(centre=centre, on=on, availability=_availability(centre, on),
                       member_id=chosen["member"],
                       member_name=dict(people).get(chosen["member"], ""),
                       book_url=reverse("web:company_book", args=[company.pk]))
    if is_htmx(request):
        return render(request, "web/company/book.html#choice", {"company": company, **context})
    return _render(request, "web/company/book.html", company, **context)


def _book_for(request: AuthedRequest, company: Organisation,
              people: list[tuple[int, str]]) -> HttpResponse:
    form = BookForm(request.POST)
    back = _back(request, reverse("web:company_book", args=[company.pk]))
    member_id = id_from_text(request.POST.get("member")) or 0
    member = (account_selectors.staff_list(actor=request.user, company=company, active=True)
              .filter(pk=member_id).first())
    if member is None or not form.is_valid():
        messages.error(request, _("Choose an employee of the company and a slot."))
        return redirect(back)
    data = form.cleaned_data
    centre = network_selectors.centre_get(centre_id=data["centre"], viewer=request.user)
    resource = None
    if data.get("resource"):
        resource = Resource.objects.filter(pk=data["resource"], centre=centre).first()
    try:
        booking = booking_services.booking_create(
            actor=request.user, member=member, slot=data["slot"], on=data["date"],
            centre=centre, resource=resource, start_time=data.get("start_time"),
            end_time=data.get("end_time"))
    except DomainError as exc:
        messages.error(request, booking_error_text(exc))
        return redirect(back)
    what = {"what": booking.resource.name, "centre": centre.name, "when": _when(booking),
            "member": member}
    if booking.state == BookingState.PENDING_APPROVAL:
        messages.success(request, _("Booked for %(member)s: %(what)s at %(centre)s, %(when)s; "
                                    "it waits for approval.") % what)
    else:
        messages.success(request, _("Booked for %(member)s: %(what)s at %(centre)s, %(when)s. "
                                    "They get the confirmation by mail.") % what)
    return redirect("web:company_bookings", company.pk)
