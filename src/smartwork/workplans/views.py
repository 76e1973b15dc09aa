"""The pages of smart working (htmx, phone-sized): the employee's week, policy,
activities and equipment; the team's week and team days (team lead, admin); the
company admin's policy, acknowledgements, company week, analysis and equipment.
Thin: parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, Team, User
from smartwork.bookings.services import booking_create
from smartwork.core.errors import DomainError, NotFound
from smartwork.core.forms import date_from_text, id_from_text
from smartwork.core.permissions import require
from smartwork.network.choices import LabelStatus, ResourceKind
from smartwork.network.models import Centre, Resource
from smartwork.network.selectors import bookable_network_ids, centre_price_on
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, is_htmx, page
from smartwork.workplans import analysis, equipment, plan, policy, teamdays
from smartwork.workplans.choices import Place
from smartwork.workplans.forms import (
    ActivityForm,
    AnswerForm,
    BookDeskForm,
    HandOutForm,
    ItemForm,
    PolicyForm,
    SignForm,
    TeamDayForm,
)
from smartwork.workplans.models import Activity, PolicyAcknowledgement, PolicyVersion

ACTION = policy.ACTION


def _week_param(request: AuthedRequest) -> dt.date | None:
    return date_from_text(request.GET.get("week") or request.POST.get("week"))


def _company(request: AuthedRequest, company_id: int) -> Organisation:
    company = Organisation.objects.filter(pk=company_id, kind="company").first()
    if company is None:
        raise NotFound(_("No such company."))
    require(request.user, ACTION, company=company)
    return company


def admin_tabs(request: AuthedRequest, company: Organisation) -> list[dict[str, Any]]:
    tabs = [("workplans:company_policy", _("Policy")), ("workplans:company_week", _("Company week")),
            ("workplans:company_analysis", _("Activity analysis")),
            ("workplans:company_equipment", _("Equipment"))]
    current = request.resolver_match.view_name if request.resolver_match else ""
    return [{"url": reverse(name, args=[company.pk]), "label": label, "current": current == name}
            for name, label in tabs]


def _admin_render(request: AuthedRequest, template: str, company: Organisation,
                  **context: Any) -> HttpResponse:
    return render(request, template, {"company": company, "tabs": admin_tabs(request, company),
                                      **context})


def _centres_for(user: User, on: dt.date) -> list[Centre]:
    networks = bookable_network_ids(member=user, on=on)
    from smartwork.network.selectors import centre_visible_q

    return list(Centre.objects.filter(network_id__in=networks, label_status=LabelStatus.LABELLED)
                .filter(centre_visible_q(user)).order_by("name"))


def _centre_choices(user: User, on: dt.date) -> list[tuple[int, str]]:
    out = []
    for centre in _centres_for(user, on):
        price = centre_price_on(centre=centre, resource_kind=ResourceKind.DESK, on=on)
        label = centre.name
        if price is not None and price.per_day is not None:
            label += f" — {price.per_day} EUR " + str(_("a day"))
        out.append((centre.pk, label))
    return out


def _payer(user: User, centre_id: int | None, on: dt.date) -> str:
    """How a full day at the centre would be paid, as the booking engine plans it."""
    if centre_id is None:
        return ""
    from smartwork.bookings import payment
    from smartwork.bookings.models import Booking
    from smartwork.bookings.slots import slot_span
    from smartwork.core import fastsql

    centre = Centre.objects.select_related("network").get(pk=centre_id)
    try:
        span = slot_span(centre, on, "full_day", None, None)
        draft = fastsql.new(Booking, member=user, booked_by=user, centre=centre, slot="full_day",
                            start=span.start, end=span.end)
        planned = payment.booking_payment_plan(booking=draft, kind=ResourceKind.DESK)
    except DomainError as exc:
        return exc.message
    labels = {"credit": _("your company's time credit"), "membership": _("your membership"),
              "payg": _("pay as you go")}
    if planned is None:
        return str(_("decided when you book"))
    return str(labels.get(planned.method, planned.method))


# --- The employee ----------------------------------------------------------------------


def _my_week_context(request: AuthedRequest, monday: dt.date | None) -> dict[str, Any]:
    view = plan.my_week(actor=request.user, monday=monday)
    today = timezone.localdate()
    first_day = max(view.monday, today + dt.timedelta(days=1))
    centres = _centre_choices(request.user, first_day)
    settings_row = plan.plan_settings_get(user=request.user)
    rows = []
    for info, cell in zip(view.days, view.rows[0].cells, strict=True):
        rows.append({"info": info, "cell": cell, "weekday": WEEKDAYS[info.day.weekday()],
                     "future": info.day > today})
    return {"view": view, "rows": rows, "places": Place.choices, "centres": centres,
            "payer": _payer(request.user, centres[0][0] if centres else None, first_day),
            "prev": view.monday - dt.timedelta(days=7), "next": view.monday + dt.timedelta(days=7),
            "settings": settings_row,
            "feed_url": request.build_absolute_uri(reverse("workplans:feed",
                                                           args=[settings_row.feed_token]))}


@login_required
@page
def my_week(request: AuthedRequest) -> HttpResponse:
    """My week: plan each day (htmx), book a desk at a centre in one click."""
    monday = _week_param(request)
    error = ""
    if request.method == "POST":
        day = date_from_text(request.POST.get("day"))
        try:
            if "show_centre_name" in request.POST:
                plan.plan_settings_set(actor=request.user,
                                       show_centre_name=request.POST["show_centre_name"] == "1")
            elif day is None:
                error = str(_("Choose a day."))
            elif "book" in request.POST:
                form = BookDeskForm(request.POST, centres=_centre_choices(request.user, day))
                if form.is_valid():
                    centre = Centre.objects.get(pk=form.cleaned_data["centre"])
                    booking = booking_create(actor=request.user, centre=centre, slot="full_day",
                                             on=day)
                    messages.success(request, _("Booked: %(resource)s at %(centre)s.")
                                     % {"resource": booking.resource.name, "centre": centre.name}
                                     if booking.state == "confirmed" else
                                     _("Your booking waits for your company's approval."))
                else:
                    error = str(_("Choose a centre."))
            else:
                plan.day_plan_set(actor=request.user, day=day, place=request.POST.get("place", ""))
        except DomainError as exc:
            error = exc.message
        monday = plan.monday_of(day) if day else monday
    context = _my_week_context(request, monday)
    context["error"] = error
    if is_htmx(request):
        return render(request, "workplans/my_week.html#week", context)
    return render(request, "workplans/my_week.html", context)


@login_required
@page
def my_policy(request: AuthedRequest) -> HttpResponse:
    language = (request.user.language or get_language() or "en")[:2]
    current = policy.policy_for_member(member=request.user)
    if request.method == "POST" and current is not None:
        try:
            policy.policy_acknowledge(actor=request.user, version=current, language=language)
            messages.success(request, _("Thank you: you have acknowledged the policy."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("workplans:my_policy")
    ack = (PolicyAcknowledgement.objects.filter(version=current, user=request.user).first()
           if current else None)
    return render(request, "workplans/my_policy.html", {
        "version": current, "ack": ack,
        "upcoming": policy.policy_upcoming_for_member(member=request.user),
        "confidentiality": current.text("confidentiality", language) if current else "",
        "equipment_rules": current.text("equipment_rules", language) if current else "",
        "weekdays": WEEKDAYS, "team_days": list(current.team_days.select_related("team", "centre"))
        if current else []})


@login_required
@page
def my_activities(request: AuthedRequest) -> HttpResponse:
    forms: dict[int, AnswerForm] = {}
    if request.method == "POST":
        activity = Activity.objects.filter(pk=id_from_text(request.POST.get("activity")) or 0).first()
        if activity is not None:
            form = AnswerForm(request.POST, prefix=f"a{activity.pk}")
            if form.is_valid():
                try:
                    analysis.activity_answer_set(actor=request.user, activity=activity,
                                                 **form.cleaned_data)
                    messages.success(request, _("Saved. Only you see your answers."))
                    return redirect("workplans:my_activities")
                except DomainError as exc:
                    apply_domain_error(form, exc)
            forms[activity.pk] = form
    rows = []
    for activity, answer in analysis.my_activities(actor=request.user):
        form = forms.get(activity.pk) or AnswerForm(prefix=f"a{activity.pk}", initial={
            "time_share": answer.time_share if answer else None,
            "best_place": answer.best_place if answer else None})
        rows.append({"activity": activity, "answer": answer, "form": form})
    return render(request, "workplans/my_activities.html", {"rows": rows})


@login_required
@page
def my_equipment(request: AuthedRequest) -> HttpResponse:
    sign_forms: dict[int, SignForm] = {}
    if request.method == "POST":
        loan = equipment.loan_get(actor=request.user,
                                  pk=id_from_text(request.POST.get("loan")) or 0)
        form = SignForm(request.POST, prefix=f"l{loan.pk}")
        if form.is_valid():
            try:
                equipment.equipment_acknowledge(actor=request.user, loan=loan,
                                                name=form.cleaned_data["name"])
                messages.success(request, _("Signed."))
                return redirect("workplans:my_equipment")
            except DomainError as exc:
                apply_domain_error(form, exc)
        sign_forms[loan.pk] = form
    loans = equipment.my_equipment(actor=request.user)
    rows = [{"loan": x, "form": sign_forms.get(x.pk) or SignForm(prefix=f"l{x.pk}")}
            for x in loans]
    return render(request, "workplans/my_equipment.html", {"rows": rows})


def plan_feed(request: Any, token: str) -> HttpResponse:
    """The private .ics feed of a person's plan (the token is the only key)."""
    try:
        body = plan.plan_feed_ics(token=token)
    except NotFound:
        return HttpResponse(status=404)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- A team ----------------------------------------------------------------------------


@login_required
@page
def teams(request: AuthedRequest) -> HttpResponse:
    found = plan.teams_visible(actor=request.user)
    if len(found) == 1:
        return redirect("workplans:team_week", found[0].pk)
    return render(request, "workplans/teams.html", {"teams": found})


@login_required
@page
def team_week(request: AuthedRequest, team_id: int) -> HttpResponse:
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No such team."))
    monday = _week_param(request)
    may_book = (policy.is_company_admin(request.user, team.company_id)
                or team.pk in policy.led_team_ids(request.user))
    view = plan.team_week(actor=request.user, team=team, monday=monday)
    centres = [(c.pk, c.name) for c in _centres_for(request.user, view.monday)]
    rooms = [(r.pk, f"{r.centre.name} — {r.name} ({r.capacity})") for r in Resource.objects.filter(
        centre_id__in=[c[0] for c in centres], is_active=True,
        kind__in=[ResourceKind.MEETING_ROOM, ResourceKind.TELEPRESENCE_ROOM])
        .select_related("centre").order_by("centre__name", "name")]
    form = None
    event = None
    if may_book:
        form = TeamDayForm(request.POST if request.method == "POST" else None, centres=centres,
                           rooms=rooms, initial={"day": view.monday + dt.timedelta(days=7)})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                room = Resource.objects.filter(pk=d["room"]).first() if d.get("room") else None
                event = teamdays.team_day_book(
                    actor=request.user, team=team, day=d["day"],
                    centre=Centre.objects.get(pk=d["centre"]), kind=d["kind"], resource=room,
                    slot="range" if d["kind"] == "room" else "full_day",
                    start_time=d.get("start_time"), end_time=d.get("end_time"))
            except DomainError as exc:
                apply_domain_error(form, exc, aliases={"resource_id": "room"})
    working = [i for i, d in enumerate(view.days) if d.working]
    return render(request, "workplans/team_week.html", {
        "team": team, "view": view, "form": form, "event": event,
        "columns": [(view.days[i], WEEKDAYS[view.days[i].day.weekday()]) for i in working],
        "table": [{"user": r.user, "exact": r.exact, "cells": [r.cells[i] for i in working]}
                  for r in view.rows],
        "prev": view.monday - dt.timedelta(days=7), "next": view.monday + dt.timedelta(days=7)})


# --- The company admin -----------------------------------------------------------------


def _policy_form(company: Organisation, data: Any = None) -> PolicyForm:
    teams = [(t.pk, t.name) for t in Team.objects.filter(company=company).order_by("name")]
    from smartwork.network.selectors import centre_visible_to_companies_q

    # A hosted space the company may not see is not one its policy can name.
    centres = [(c.pk, c.name) for c in Centre.objects.filter(
        centre_visible_to_companies_q([company.pk]), network_id=company.network_id or 0,
        label_status=LabelStatus.LABELLED).order_by("name")]
    return PolicyForm(data, teams=teams, centres=centres, initial={
        "effective_from": timezone.localdate() + dt.timedelta(days=1), "remote_days": 2,
        "working_days": [0, 1, 2, 3, 4], "allowed_places": ["head_office", "home",
                                                            "network_centres",
                                                            "allied_networks"]})


@login_required
@page
def company_home(request: AuthedRequest) -> HttpResponse:
    from smartwork.core.permissions import roles_of

    companies = sorted(roles_of(request.user).admin_companies)
    if not companies:
        raise NotFound(_("No company."))
    return redirect("workplans:company_policy", companies[0])


@login_required
@page
def company_policy(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    form = _policy_form(company, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        team_id = form.cleaned_data.get("team")
        team = Team.objects.filter(pk=team_id, company=company).first() if team_id else None
        try:
            version = policy.policy_version_create(actor=request.user, company=company,
                                                   team=team, **form.service_kwargs())
            messages.success(request, _("Version %(n)d saved; it takes effect on %(date)s.")
                             % {"n": version.number, "date": version.effective_from})
            return redirect("workplans:company_policy", company.pk)
        except DomainError as exc:
            apply_domain_error(form, exc, aliases={"team_days": "team_day_team"})
    versions = policy.policy_versions(actor=request.user, company=company)
    return _admin_render(request, "workplans/company_policy.html", company, form=form,
                         versions=versions)


@login_required
@page
def policy_acknowledgements(request: AuthedRequest, company_id: int,
                            version_id: int) -> HttpResponse:
    company = _company(request, company_id)
    version = PolicyVersion.objects.filter(pk=version_id, company=company).first()
    if version is None:
        raise NotFound(_("No such policy version."))
    rows = policy.acknowledgement_report(actor=request.user, version=version)
    return _admin_render(request, "workplans/acknowledgements.html", company, version=version,
                         rows=rows, done=sum(1 for r in rows if r["acknowledged_at"]))


@login_required
@page
def company_week(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    view = plan.company_week(actor=request.user, company=company, monday=_week_param(request))
    working = [i for i, d in enumerate(view.days) if d.working]
    return _admin_render(request, "workplans/company_week.html", company, view=view,
                         columns=[(view.days[i], WEEKDAYS[view.days[i].day.weekday()])
                                  for i in working],
                         teams=[{"t": t, "days": [t.days[i] for i in working]}
                                for t in view.teams],
                         prev=view.monday - dt.timedelta(days=7),
                         next=view.monday + dt.timedelta(days=7))


@login_required
@page
def company_analysis(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    teams_ = [(t.pk, t.name) for t in Team.objects.filter(company=company).order_by("name")]
    form = ActivityForm(request.POST if "add" in request.POST else None, teams=teams_)
    if request.method == "POST":
        try:
            if "adopt" in request.POST:
                team = Team.objects.filter(pk=id_from_text(request.POST.get("adopt")) or 0,
                                           company=company).first()
                if team is None:
                    raise NotFound(_("No such team."))
                version = analysis.analysis_adopt(actor=request.user, team=team)
                messages.success(request, _("%(team)s: version %(n)d of its policy, %(days)d "
                                            "remote days a week, from %(date)s.")
                                 % {"team": team.name, "n": version.number,
                                    "days": version.remote_days, "date": version.effective_from})
                return redirect("workplans:company_analysis", company.pk)
            if form.is_valid():
                data = dict(form.cleaned_data)
                team_id = data.pop("team")
                team = Team.objects.filter(pk=team_id, company=company).first() if team_id else None
                analysis.activity_create(actor=request.user, company=company, team=team, **data)
                messages.success(request, _("Activity added."))
                return redirect("workplans:company_analysis", company.pk)
        except DomainError as exc:
            if "adopt" in request.POST:
                messages.error(request, exc.message)
            else:
                apply_domain_error(form, exc)
    return _admin_render(request, "workplans/company_analysis.html", company, form=form,
                         summaries=analysis.team_summaries(actor=request.user, company=company),
                         activities=analysis.activities_for(actor=request.user, company=company))


@login_required
@page
def company_equipment(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = _company(request, company_id)
    people = [(u.pk, f"{u}") for u in User.objects.filter(company=company, is_active=True)
              .order_by("last_name", "first_name")]
    item_form = ItemForm(request.POST if "add" in request.POST else None)
    hand_form = HandOutForm(request.POST if "hand_out" in request.POST else None, people=people,
                            initial={"on": timezone.localdate()})
    if request.method == "POST":
        try:
            if "add" in request.POST and item_form.is_valid():
                equipment.equipment_item_create(actor=request.user, company=company,
                                                **item_form.cleaned_data)
                messages.success(request, _("Item added."))
                return redirect("workplans:company_equipment", company.pk)
            if "hand_out" in request.POST and hand_form.is_valid():
                item = equipment.item_get(actor=request.user,
                                          pk=id_from_text(request.POST["hand_out"]) or 0)
                user = equipment.user_of_company(company_id=company.pk,
                                                 pk=hand_form.cleaned_data["user"])
                equipment.equipment_hand_out(actor=request.user, item=item, user=user,
                                             on=hand_form.cleaned_data["on"])
                messages.success(request, _("Handed out."))
                return redirect("workplans:company_equipment", company.pk)
            if "return" in request.POST:
                loan = equipment.loan_get(actor=request.user,
                                          pk=id_from_text(request.POST["return"]) or 0)
                equipment.equipment_return(actor=request.user, loan=loan)
                messages.success(request, _("Returned."))
                return redirect("workplans:company_equipment", company.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
    return _admin_render(request, "workplans/company_equipment.html", company,
                         item_form=item_form, hand_form=hand_form,
                         rows=equipment.equipment_inventory(actor=request.user, company=company),
                         leavers=equipment.equipment_of_leavers(actor=request.user,
                                                                company=company))
