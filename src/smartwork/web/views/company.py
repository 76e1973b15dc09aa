"""The company admin's pages: staff (invite, CSV import, teams, leavers), the time
credit (balance, buying, allotments, the ledger and its CSV), staff bookings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.accounts import selectors as account_selectors
from smartwork.accounts import services as account_services
from smartwork.accounts.models import Organisation
from smartwork.billing import selectors as billing_selectors
from smartwork.billing.choices import LineSource
from smartwork.bookings import selectors as booking_selectors
from smartwork.core.errors import DomainError, InvalidInput
from smartwork.core.forms import id_from_text
from smartwork.core.permissions import allowed
from smartwork.credits import selectors as credit_selectors
from smartwork.credits import services as credit_services
from smartwork.credits.choices import AllotmentPeriodKind, LedgerReason, PeriodEnd
from smartwork.credits.models import CreditPackage
from smartwork.web.forms import (
    AllotmentForm,
    BuyCreditForm,
    InvitationAcceptForm,
    InviteForm,
    LedgerFilterForm,
    StaffImportForm,
    TeamForm,
    TeamMemberForm,
)
from smartwork.web.templatetags.web import money
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page

MAX_CSV_BYTES = 5 * 1024 * 1024


@login_required
@page
def company_home(request: AuthedRequest) -> HttpResponse:
    """One company: its pages; several (an admin of several, the superuser, who may open
    every company's pages): a chooser."""
    companies = account_selectors.companies_for_admin_pages(actor=request.user)
    if not companies:
        raise PermissionDenied
    if len(companies) == 1 and not request.user.is_superuser:
        return redirect("web:company_staff", companies[0].pk)
    q = request.GET.get("q", "").strip()[:100]
    shown = [c for c in companies if q.casefold() in c.legal_name.casefold()]
    return render(request, "web/company/choose.html", {"shown": shown, "q": q})


def _company(request: AuthedRequest, company_id: int) -> Organisation:
    return account_selectors.staff_company(actor=request.user, company_id=company_id)


def company_tabs(request: AuthedRequest, company: Organisation) -> list[dict[str, Any]]:
    tabs = [("web:company_staff", _("Staff")), ("web:company_teams", _("Teams")),
            ("web:company_credit", _("Credit")), ("web:company_ledger", _("Ledger")),
            ("web:company_bookings", _("Bookings")),
            ("web:company_approvals", _("Approvals")),
            ("web:company_attendance", _("Attendance")),
            ("web:company_commute", _("Commute study"))]
    if allowed(request.user, "company.book_for_staff", company=company):
        tabs.insert(6, ("web:company_book", _("Book for staff")))
    current = request.resolver_match.view_name if request.resolver_match else ""
    out = [{"url": reverse(name, args=[company.pk]), "label": label, "current": current == name}
           for name, label in tabs]
    out.append({"url": f"{reverse('web:invoices')}?company={company.pk}", "label": _("Invoices"),
                "current": False})
    out.append({"url": reverse("wellbeing:company", args=[company.pk]),
                "label": _("Well-being"), "current": current == "wellbeing:company"})
    if allowed(request.user, "company.sso", company=company):
        out.append({"url": reverse("sso:company", args=[company.pk]),
                    "label": _("Single sign-on"), "current": current == "sso:company"})
    return out


def _render(request: AuthedRequest, template: str, company: Organisation,
            **context: Any) -> HttpResponse:
    return render(request, template, {"company": company, "tabs": company_tabs(request, company),
                                      **context})


def _teams(request: AuthedRequest, company: Organisation) -> list[tuple[int, str]]:
    return [(t.pk, t.name) for t in account_selectors.team_list(actor=request.user,
                                                                company=company)]


def _people(request: AuthedRequest, company: Organisation) -> list[tuple[int, str]]:
    return [(u.pk, f"{u} <{u.email}>") for u in account_selectors.staff_list(
        actor=request.user, company=company, active=True)]


# --- Staff ----------------------------------------------------------------------


@login_required
@page
def company_staff(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    teams = _teams(request, company)
    invite = InviteForm(teams=teams, prefix="inv")
    upload = StaffImportForm(prefix="csv")
    report: list[dict[str, Any]] = []
    if request.method == "POST" and "invite" in request.POST:
        invite = InviteForm(request.POST, teams=teams, prefix="inv")
        if invite.is_valid():
            data = invite.cleaned_data
            team = next((t for t in account_selectors.team_list(actor=request.user,
                                                                 company=company)
                         if t.pk == data["team"]), None)
            try:
                account_services.invitation_create(
                    actor=request.user, company=company, email=data["email"],
                    first_name=data["first_name"], last_name=data["last_name"], team=team,
                    as_admin=data["as_admin"])
            except DomainError as exc:
                apply_domain_error(invite, exc, {"team_id": "team"})
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {
                    "email": data["email"]})
                return redirect("web:company_staff", company.pk)
    elif request.method == "POST" and "import" in request.POST:
        upload = StaffImportForm(request.POST, request.FILES, prefix="csv")
        if upload.is_valid():
            raw = upload.cleaned_data["file"]
            if raw.size > MAX_CSV_BYTES:
                upload.add_error("file", _("The file is larger than 5 MB."))
            else:
                try:
                    content = raw.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    upload.add_error("file", _("Save the file as UTF-8 CSV."))
                else:
                    try:
                        counts = account_services.staff_import(
                            actor=request.user, company=company, content=content)
                    except InvalidInput as exc:
                        upload.add_error(None, exc.message)
                        report = list(exc.data.get("rows", []))
                    except DomainError as exc:
                        apply_domain_error(upload, exc)
                    else:
                        messages.success(request, _(
                            "Imported: %(created)s new accounts, %(invited)s invitations sent, "
                            "%(already)s already on the staff.") % {
                            "created": counts["created"], "invited": counts["invited"],
                            "already": counts["already_staff"]})
                        return redirect("web:company_staff", company.pk)
    staff = account_selectors.staff_list(actor=request.user, company=company)
    return _render(request, "web/company/staff.html", company, invite=invite, upload=upload,
                   report=report, staff=staff,
                   invitations=account_selectors.invitation_list(
                       actor=request.user, company=company, open_only=True),
                   may_invite_admin=allowed(request.user, "role.assign",
                                            network=company.network_id))


@login_required
@require_POST
@page
def staff_deactivate(request: AuthedRequest, company_id: int, user_id: int) -> HttpResponse:
    company = _company(request, company_id)
    user = account_selectors.staff_list(actor=request.user, company=company).filter(
        pk=user_id).first()
    if user is None:
        raise PermissionDenied
    try:
        result = account_services.staff_deactivate(actor=request.user, company=company, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _(
            "%(name)s has left: %(bookings)s bookings cancelled, %(hours)s min returned to "
            "the pool.") % {"name": user, "bookings": result["bookings_cancelled"],
                             "hours": result["minutes_returned"]})
    return redirect("web:company_staff", company.pk)


@login_required
@page
def company_teams(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    people = _people(request, company)
    form = TeamForm(prefix="team")
    if request.method == "POST" and "create_team" in request.POST:
        form = TeamForm(request.POST, prefix="team")
        if form.is_valid():
            try:
                account_services.team_create(actor=request.user, company=company,
                                             name=form.cleaned_data["name"])
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Team created."))
                return redirect("web:company_teams", company.pk)
    elif request.method == "POST" and ("add_member" in request.POST
                                       or "remove_member" in request.POST):
        team = account_selectors.team_list(actor=request.user, company=company).filter(
            pk=id_from_text(request.POST.get("team")) or 0).first()
        member_form = TeamMemberForm(request.POST, people=people)
        if team is not None and member_form.is_valid():
            user = account_selectors.staff_list(actor=request.user, company=company).get(
                pk=member_form.cleaned_data["user"])
            try:
                if "add_member" in request.POST:
                    account_services.team_member_add(actor=request.user, team=team, user=user)
                else:
                    account_services.team_member_remove(actor=request.user, team=team,
                                                        user=user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Team %(team)s updated.") % {"team": team.name})
        return redirect("web:company_teams", company.pk)
    teams = list(account_selectors.team_list(actor=request.user, company=company)
                 .prefetch_related("memberships__user"))
    return _render(request, "web/company/teams.html", company, form=form, teams=teams,
                   member_form=TeamMemberForm(people=people))


# --- Credit ---------------------------------------------------------------------


def _package_label(package: CreditPackage) -> str:
    """What the buyer chooses from: name, hours, price and validity."""
    return _("%(name)s — %(hours)s h, %(price)s excl. VAT, valid %(months)s months") % {
        "name": package.name, "hours": package.hours, "price": money(package.price_net),
        "months": package.validity_months}


@login_required
@page
def company_credit(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    # A company outside any network has no packages to buy from.
    packages = (list(credit_selectors.credit_package_list(network_id=company.network_id))
                if company.network_id is not None else [])
    people, teams = _people(request, company), _teams(request, company)
    choices = [(p.pk, _package_label(p)) for p in packages]
    buy = BuyCreditForm(packages=choices, prefix="buy")
    allot_kwargs = {"people": people, "teams": teams,
                    "periods": AllotmentPeriodKind.choices, "period_ends": PeriodEnd.choices}
    allot = AllotmentForm(prefix="allot", initial={"period": AllotmentPeriodKind.WHOLE},
                          **allot_kwargs)
    if request.method == "POST" and "buy" in request.POST:
        buy = BuyCreditForm(request.POST, packages=choices, prefix="buy")
        if buy.is_valid():
            package = next(p for p in packages if p.pk == buy.cleaned_data["package"])
            try:
                credit_services.credit_purchase_create(
                    actor=request.user, company=company, package=package,
                    reference=buy.cleaned_data["reference"])
            except DomainError as exc:
                apply_domain_error(buy, exc, {"package_id": "package"})
            else:
                messages.success(request, _(
                    "%(hours)s hours bought for %(price)s excl. VAT; they are in the pool, "
                    "and the purchase is on the next consolidated invoice.") % {
                    "hours": package.hours, "price": money(package.price_net)})
                return redirect("web:company_credit", company.pk)
    elif request.method == "POST" and "allot" in request.POST:
        allot = AllotmentForm(request.POST, prefix="allot", **allot_kwargs)
        if allot.is_valid():
            data = allot.cleaned_data
            staff = account_selectors.staff_list(actor=request.user, company=company)
            member = staff.filter(pk=data["member"]).first() if data["member"] else None
            team = (account_selectors.team_list(actor=request.user, company=company)
                    .filter(pk=data["team"]).first() if data["team"] else None)
            try:
                credit_services.allotment_create(
                    actor=request.user, company=company, minutes_per_period=data["hours"] * 60,
                    member=member, team=team, period=data["period"],
                    at_period_end=data["at_period_end"], ends_on=data["ends_on"])
            except DomainError as exc:
                apply_domain_error(allot, exc, {"minutes_per_period": "hours",
                                                "member_id": "member", "team_id": "team"})
            else:
                messages.success(request, _("Allotment given: %(hours)s h.") % {
                    "hours": data["hours"]})
                return redirect("web:company_credit", company.pk)
    purchases = list(credit_selectors.credit_purchase_list(actor=request.user,
                                                           company=company)[:100])
    invoiced = billing_selectors.invoices_of_sources(
        user=request.user, source_type=LineSource.CREDIT_PURCHASE,
        source_ids=[p.pk for p in purchases])
    return _render(
        request, "web/company/credit.html", company, buy=buy, allot=allot, packages=packages,
        summary=credit_selectors.company_credit_summary(actor=request.user, company=company),
        purchases=[{"purchase": p, "invoice": invoiced.get(p.pk)} for p in purchases],
        allotments=credit_selectors.allotment_list(actor=request.user, company=company,
                                                   active=True))


@login_required
@require_POST
@page
def allotment_end(request: AuthedRequest, company_id: int, allotment_id: int) -> HttpResponse:
    company = _company(request, company_id)
    allotment = credit_selectors.allotment_list(actor=request.user, company=company).filter(
        pk=allotment_id).first()
    if allotment is None:
        raise PermissionDenied
    try:
        credit_services.allotment_end(actor=request.user, allotment=allotment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Allotment ended; what was left is back in the pool."))
    return redirect("web:company_credit", company.pk)


@login_required
@page
def company_ledger(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    form = LedgerFilterForm(request.GET or None, reasons=LedgerReason.choices,
                            people=_people(request, company), teams=_teams(request, company))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = credit_selectors.LedgerFilters(
        member=data.get("member"), team=data.get("team"), reason=data.get("reason") or None,
        date_from=data.get("date_from"), date_to=data.get("date_to"))
    try:
        entries = credit_selectors.company_ledger(actor=request.user, company=company,
                                                  filters=filters)
    except InvalidInput as exc:
        apply_domain_error(form, exc)
        entries = credit_selectors.company_ledger(
            actor=request.user, company=company, filters=credit_selectors.LedgerFilters())
    if request.GET.get("format") == "csv":
        response = HttpResponse(credit_selectors.ledger_csv(entries),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="ledger-{company.pk}-{timezone.localdate():%Y%m%d}.csv"')
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    return _render(request, "web/company/ledger.html", company, form=form,
                   entries=entries[:300], csv_query=query.urlencode(),
                   reasons=dict(LedgerReason.choices))


@login_required
@page
def company_bookings(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    today = timezone.localdate()
    bookings = booking_selectors.booking_list(actor=request.user, filters=(
        booking_selectors.BookingFilters(date_from=today,
                                         date_to=today + dt.timedelta(days=30)))
    ).filter(member__company=company)[:300]
    return _render(request, "web/company/bookings.html", company, bookings=bookings)


# --- Invitations (public) -------------------------------------------------------


def invitation_accept(request: HttpRequest) -> HttpResponse:
    """The page an invitation mail opens: choose a password (new account) and join."""
    token = request.GET.get("token") or request.POST.get("token") or ""
    form = InvitationAcceptForm(request.POST or None, initial={"token": token})
    if request.method == "POST" and form.is_valid():
        try:
            user = account_services.invitation_accept(
                token=form.cleaned_data["token"], password=form.cleaned_data["password"] or None,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                language=get_language() or "")
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            from smartwork.twofactor import flow

            # An account with a second factor (or required to have one) logs in through
            # the second step, as after a password (twofactor/flow.py).
            backend = "django.contrib.auth.backends.ModelBackend"
            user.backend = backend
            second_step = flow.start(request, user=user, next_url="/")
            if second_step is not None:
                return second_step
            messages.success(request, _("Welcome to %(company)s on smartwork.") % {
                "company": user.company})
            return flow.complete(request, user=user, backend=backend,
                                 go_to=reverse("web:home"))
    return render(request, "web/company/invitation_accept.html", {"form": form})
