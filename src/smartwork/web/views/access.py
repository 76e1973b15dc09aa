"""A centre's WiFi access points (NAS), for its manager and the network's operator:
register one, rotate its shared secret (shown once), deactivate or reactivate it; and
the operator's network-wide presence page (who is in now, the day per centre, CSV)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.core.errors import DomainError, InvalidInput
from smartwork.insights import selectors as insight_selectors
from smartwork.network import selectors as network_selectors
from smartwork.network.models import Centre
from smartwork.web.forms import NasForm, PresenceFilterForm
from smartwork.web.views.helpers import (
    AuthedRequest,
    apply_domain_error,
    is_htmx,
    page,
    require_page,
)
from smartwork.web.views.staff import centre_tabs, operator_network, staff_centre
from smartwork.wifi import selectors as wifi_selectors
from smartwork.wifi import services as wifi_services

# --- Access points ---------------------------------------------------------------------


def _wifi_centre(request: AuthedRequest, centre_id: int) -> Centre:
    centre = staff_centre(request, centre_id)
    require_page(request, "centre.wifi", centre=centre)
    return centre


def _points(request: AuthedRequest, centre: Centre, *, form: NasForm | None = None,
            secret: str | None = None, secret_for: Any = None,
            status: int = 200) -> HttpResponse:
    context = {
        "centre": centre, "tabs": centre_tabs(request, centre),
        "points": wifi_selectors.nas_list(actor=request.user, centre=centre.pk),
        "form": form or NasForm(), "secret": secret, "secret_for": secret_for,
    }
    template = ("web/wifi/access_points.html#points" if is_htmx(request) and form is None
                else "web/wifi/access_points.html")
    response = render(request, template, context, status=status)
    if secret:
        # The secret is on this page once: never kept by a cache, never sent again.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@page
def access_points(request: AuthedRequest, centre_id: int) -> HttpResponse:
    centre = _wifi_centre(request, centre_id)
    if request.method != "POST":
        return _points(request, centre)
    form = NasForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            nas, secret = wifi_services.nas_create(
                actor=request.user, centre=centre, name=data["name"], address=data["address"],
                secret=data["secret"] or None,
                require_message_authenticator=data["require_message_authenticator"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Access point %(name)s registered.") % {
                "name": nas.name})
            return _points(request, centre, secret=secret, secret_for=nas)
    return _points(request, centre, form=form)


@login_required
@require_POST
@page
def access_point_secret(request: AuthedRequest, centre_id: int, nas_id: int) -> HttpResponse:
    centre = _wifi_centre(request, centre_id)
    nas = wifi_selectors.nas_list(actor=request.user, centre=centre.pk).filter(pk=nas_id).first()
    if nas is None:
        return redirect("web:access_points", centre.pk)
    nas, secret = wifi_services.nas_rotate_secret(actor=request.user, nas=nas)
    messages.success(request, _("New shared secret for %(name)s: type it into the access "
                                "point now; the old one no longer works.") % {"name": nas.name})
    return _points(request, centre, secret=secret, secret_for=nas)


@login_required
@require_POST
@page
def access_point_active(request: AuthedRequest, centre_id: int, nas_id: int) -> HttpResponse:
    centre = _wifi_centre(request, centre_id)
    nas = wifi_selectors.nas_list(actor=request.user, centre=centre.pk).filter(pk=nas_id).first()
    if nas is not None:
        active = request.POST.get("active") == "1"
        try:
            wifi_services.nas_update(actor=request.user, nas=nas, is_active=active)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, (_("%(name)s is active again.") if active else
                                       _("%(name)s is deactivated: it can no longer log "
                                         "anyone in.")) % {"name": nas.name})
    if is_htmx(request):
        return _points(request, centre)
    return redirect("web:access_points", centre.pk)


# --- Presence across the network -------------------------------------------------------------


@login_required
@page
def presence(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "network.reports", network=network)
    centres = network_selectors.centres_for_staff(actor=request.user).filter(
        network=network).order_by("name")
    form = PresenceFilterForm(request.GET or None, centres=[(c.pk, c.name) for c in centres])
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        report = insight_selectors.network_presence(
            actor=request.user, network_id=network.pk, on=data.get("on"),
            centre_id=data.get("centre"), kind=data.get("kind") or None)
    except InvalidInput as exc:
        apply_domain_error(form, exc)
        report = insight_selectors.network_presence(actor=request.user, network_id=network.pk)
    if request.GET.get("format") == "csv":
        day = data.get("on") or timezone.localdate()
        response = HttpResponse(insight_selectors.network_presence_csv(report),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="presence-{network.pk}-{day:%Y%m%d}.csv"')
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    context = {"network": network, "form": form, "report": report,
               "csv_query": query.urlencode(), "now": timezone.now(),
               "is_today": not data.get("on") or data["on"] == timezone.localdate()}
    if is_htmx(request):
        return render(request, "web/wifi/presence.html#report", context)
    return render(request, "web/wifi/presence.html", context)
