"""The community pages: the member's events and directory, messages, the profile's
opt-in, a centre's events for its manager or the operator, and the front desk's list of
today's events with check-in. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.accounts.models import User
from smartwork.bookings.slots import zone
from smartwork.community import selectors, services
from smartwork.community.forms import DirectoryFilterForm, EventForm, MessageForm, ProfileForm
from smartwork.core.errors import DomainError, NotFound
from smartwork.core.permissions import allowed
from smartwork.network.choices import RANGE_KINDS
from smartwork.network.models import Centre, Resource
from smartwork.web.views.helpers import (
    AuthedRequest,
    apply_domain_error,
    is_htmx,
    page,
    require_page,
)


@login_required
@page
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    return render(request, "community/home.html", {
        "events": list(selectors.events_upcoming(actor=user)[:50]),
        "mine": selectors.registered_event_ids(actor=user),
        "registrations": list(selectors.my_registrations(actor=user)),
        "unread": selectors.unread_count(actor=user),
        "staff_centres": selectors.staff_centres(actor=user),
        "listed": services.profile_get_or_create(member=user).listed,
    })


@login_required
@page
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    current = services.profile_get_or_create(member=user)
    centres = selectors.directory_centres(actor=user)
    initial = {"listed": current.listed, "centre": str(current.centre_id or ""),
               "show_company": current.show_company, "skills": current.skills,
               "show_skills": current.show_skills, "looking_for": current.looking_for,
               "show_looking_for": current.show_looking_for}
    form = ProfileForm(request.POST or None, initial=initial, centres=centres)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        centre = Centre.objects.filter(pk=d["centre"]).first() if d["centre"] else None
        try:
            services.profile_update(
                actor=user, listed=d["listed"], centre=centre, show_company=d["show_company"],
                skills=d["skills"], show_skills=d["show_skills"],
                looking_for=d["looking_for"], show_looking_for=d["show_looking_for"])
        except DomainError as exc:
            apply_domain_error(form, exc, aliases={"centre_id": "centre"})
        else:
            messages.success(request, _("Your directory entry is saved."))
            return redirect("community:profile")
    return render(request, "community/profile.html", {"form": form, "profile": current})


@login_required
@page
def directory(request: AuthedRequest) -> HttpResponse:
    user = request.user
    centres = selectors.directory_centres(actor=user)
    form = DirectoryFilterForm(request.GET or None, centres=centres)
    centre_id, q = None, ""
    if form.is_bound and form.is_valid():
        centre_id = int(form.cleaned_data["centre"]) if form.cleaned_data["centre"] else None
        q = form.cleaned_data["q"]
    entries = selectors.directory(actor=user, centre_id=centre_id, q=q)
    template = "community/partials/directory.html" if is_htmx(request) else \
        "community/directory.html"
    return render(request, template, {
        "form": form, "entries": [e for e in entries if e.member_id != user.pk],
        "listed": services.profile_get_or_create(member=user).listed})


@login_required
@page
def member(request: AuthedRequest, member_id: int) -> HttpResponse:
    user = request.user
    entry = selectors.directory_member(actor=user, member_id=member_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recipient = User.objects.get(pk=entry.member_id)
        try:
            services.message_send(actor=user, recipient=recipient,
                                  body=form.cleaned_data["body"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Your message is on its way."))
            return redirect("community:member", member_id=member_id)
    return render(request, "community/member.html", {
        "entry": entry, "form": form, "is_me": entry.member_id == user.pk,
        "blocked": entry.member_id in selectors.blocked_ids(actor=user),
        "listed": services.profile_get_or_create(member=user).listed})


@login_required
@page
def inbox(request: AuthedRequest) -> HttpResponse:
    user = request.user
    return render(request, "community/inbox.html", {
        "messages_list": list(selectors.messages_of(actor=user)[:200]),
        "blocked": list(selectors.blocked_members(actor=user))})


@login_required
@page
def message(request: AuthedRequest, message_id: int) -> HttpResponse:
    user = request.user
    msg = selectors.message_get(actor=user, message_id=message_id)
    services.message_mark_read(actor=user, message=msg)
    received = msg.recipient_id == user.pk
    form = MessageForm(request.POST or None)
    if request.method == "POST" and received and form.is_valid():
        try:
            services.message_send(actor=user, recipient=msg.sender,
                                  body=form.cleaned_data["body"], reply_to=msg)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Your reply is on its way."))
            return redirect("community:inbox")
    other = msg.sender if received else msg.recipient
    return render(request, "community/message.html", {
        "msg": msg, "received": received, "form": form, "other": other,
        "blocked": other.pk in selectors.blocked_ids(actor=user)})


@login_required
@require_POST
@page
def block(request: AuthedRequest, member_id: int) -> HttpResponse:
    user = request.user
    other = selectors.blockable_member(actor=user, member_id=member_id)
    if request.POST.get("unblock"):
        services.block_delete(actor=user, member=other)
        messages.success(request, _("You receive this member's messages again."))
    else:
        services.block_create(actor=user, member=other)
        messages.success(request, _("This member can no longer write to you."))
    nxt = str(request.POST.get("next", ""))
    return redirect(nxt if nxt.startswith("/community/") else "community:inbox")


# --- Events ---------------------------------------------------------------------------


def _event_context(request: AuthedRequest, event_id: int, form_error: str = "") -> dict[str, Any]:
    user = request.user
    event = selectors.event_get(actor=user, event_id=event_id)
    return {"event": event, "registered": event.pk in selectors.registered_event_ids(actor=user),
            "full": getattr(event, "taken", 0) >= event.capacity, "error": form_error,
            "started": event.starts_at <= timezone.now(),
            "may_manage": allowed(user, "centre.events", centre=event.centre)}


@login_required
@page
def event(request: AuthedRequest, event_id: int) -> HttpResponse:
    return render(request, "community/event.html", _event_context(request, event_id))


def _registration_answer(request: AuthedRequest, event_id: int, error: str) -> HttpResponse:
    if is_htmx(request):
        return render(request, "community/partials/registration.html",
                      _event_context(request, event_id, error))
    if error:
        messages.error(request, error)
    return redirect("community:event", event_id=event_id)


@login_required
@require_POST
@page
def event_register(request: AuthedRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get(actor=request.user, event_id=event_id)
    error = ""
    try:
        services.event_register(actor=request.user, event=event)
    except DomainError as exc:
        error = exc.message
    else:
        if not is_htmx(request):
            messages.success(request, _("You are registered."))
    return _registration_answer(request, event_id, error)


@login_required
@require_POST
@page
def event_unregister(request: AuthedRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get(actor=request.user, event_id=event_id)
    error = ""
    try:
        services.event_unregister(actor=request.user, event=event)
    except DomainError as exc:
        error = exc.message
    return _registration_answer(request, event_id, error)


@login_required
@require_POST
@page
def event_cancel(request: AuthedRequest, event_id: int) -> HttpResponse:
    event = selectors.event_get(actor=request.user, event_id=event_id)
    require_page(request, "centre.events", centre=event.centre)
    try:
        services.event_cancel(actor=request.user, event=event)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The event is cancelled."))
    return redirect("community:centre_events", centre_id=event.centre_id)


@login_required
@page
def staff(request: AuthedRequest) -> HttpResponse:
    centres = selectors.staff_centres(actor=request.user)
    if not centres:
        raise PermissionDenied
    if len(centres) == 1:
        return redirect("community:centre_events", centre_id=centres[0].pk)
    return render(request, "community/staff.html", {"centres": centres})


def _centre(centre_id: int) -> Centre:
    centre = Centre.objects.select_related("network").filter(pk=centre_id).first()
    if centre is None:
        raise NotFound(_("No such centre."))
    return centre


@login_required
@page
def centre_events(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = _centre(centre_id)
    require_page(request, "centre.events", centre=centre)
    rooms = list(Resource.objects.filter(centre=centre, kind__in=RANGE_KINDS, is_active=True)
                 .order_by("name"))
    form = EventForm(request.POST or None, rooms=rooms,
                     initial={"language": request.user.language or "fr", "capacity": 20})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        room = next((r for r in rooms if str(r.pk) == d["room"]), None)
        try:
            services.event_create(
                actor=request.user, centre=centre, title=d["title"], kind=d["kind"],
                language=d["language"], description=d["description"], on=d["date"],
                start_time=d["start_time"], end_time=d["end_time"], capacity=d["capacity"],
                room=room)
        except DomainError as exc:
            apply_domain_error(form, exc, aliases={"room_id": "room"})
        else:
            messages.success(request, _("The event is published."))
            return redirect("community:centre_events", centre_id=centre.pk)
    return render(request, "community/centre_events.html", {
        "centre": centre, "form": form,
        "events": list(selectors.staff_events(actor=request.user, centre=centre))})


@login_required
@page
def desk(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = _centre(centre_id)
    require_page(request, "centre.front_desk", centre=centre)
    today = timezone.now().astimezone(zone(centre.timezone)).date()
    rows = [{"event": e, "registrations": list(
        selectors.event_registrations(actor=request.user, event=e))}
        for e in selectors.desk_events(actor=request.user, centre=centre, on=today)]
    context = {"centre": centre, "today": today, "rows": rows}
    if is_htmx(request):
        return render(request, "community/partials/desk.html", context)
    return render(request, "community/desk.html", context)


@login_required
@require_POST
@page
def desk_check_in(request: AuthedRequest, centre_id: int, registration_id: int) -> HttpResponse:
    centre = _centre(centre_id)
    require_page(request, "centre.front_desk", centre=centre)
    reg = selectors.registration_get(actor=request.user, registration_id=registration_id)
    if reg.event.centre_id != centre.pk:
        raise NotFound(_("No such registration."))
    try:
        services.registration_check_in(actor=request.user, registration=reg)
    except DomainError as exc:
        messages.error(request, exc.message)
    if is_htmx(request):
        return desk(request, centre_id)
    return redirect("community:desk", centre_id=centre.pk)
