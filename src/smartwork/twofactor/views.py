"""Pages of the two-factor login: the second step and enrolment at login (for the
session between the two steps, see flow.py), the security settings in the profile,
and the policy pages of an operator (network) and a company admin (company)."""

from __future__ import annotations

import base64
import json
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn import base64url_to_bytes
from webauthn.helpers import bytes_to_base64url

from smartwork.accounts import throttle
from smartwork.accounts.choices import Role
from smartwork.accounts.models import Organisation
from smartwork.core.errors import DomainError
from smartwork.network.models import Network
from smartwork.twofactor import flow, selectors, services
from smartwork.twofactor.forms import CodeForm, ConfirmForm, PolicyForm
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page

CHALLENGE = "twofactor_challenge"


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _qr(device: TOTPDevice) -> dict[str, str]:
    """The QR code (inline SVG) and the secret in base32 for typing it in."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)
    secret = base64.b32encode(bytes(device.bin_key)).decode().rstrip("=")
    return {"qr_svg": svg, "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))}


def _error(exc: DomainError, status: int | None = None) -> JsonResponse:
    return JsonResponse(exc.as_dict(), status=status or exc.status)


def _json(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _challenge(request: HttpRequest) -> bytes | None:
    value = request.session.pop(CHALLENGE, None)
    if not isinstance(value, str):
        return None
    try:
        return base64url_to_bytes(value)
    except ValueError:
        return None


# --- The second step of the login ------------------------------------------------------

def verify(request: HttpRequest) -> HttpResponse:
    """Second step: a code of the authenticator app, a recovery code, or a passkey."""
    user = flow.pending_user(request)
    if user is None:
        return redirect("web:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_verify(user=user, code=form.cleaned_data["code"],
                                          address=_address(request))
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            return flow.finish(request, user=user)
    return render(request, "twofactor/verify.html", {
        "form": form, "has_totp": selectors.totp_device(user=user) is not None,
        "has_passkey": selectors.passkey_list(user=user).exists(),
    })


@require_POST
def verify_passkey_options(request: HttpRequest) -> HttpResponse:
    user = flow.pending_user(request)
    if user is None:
        return JsonResponse({"error": {"code": "not_authenticated", "message": _("Log in first."),
                                       "fields": {}}}, status=401)
    rp_id, _origin = flow.rp(request)
    options, challenge = services.passkey_authentication_options(user=user, rp_id=rp_id)
    request.session[CHALLENGE] = bytes_to_base64url(challenge)
    return HttpResponse(options, content_type="application/json")


@require_POST
def verify_passkey(request: HttpRequest) -> HttpResponse:
    user = flow.pending_user(request)
    if user is None:
        return JsonResponse({"error": {"code": "not_authenticated", "message": _("Log in first."),
                                       "fields": {}}}, status=401)
    challenge = _challenge(request)
    rp_id, origin = flow.rp(request)
    try:
        if challenge is None:
            raise services.SecondFactorInvalid(_("This passkey was not accepted."))
        services.passkey_verify(user=user, credential=_json(request).get("credential"),
                                challenge=challenge, rp_id=rp_id, origin=origin,
                                address=_address(request))
    except DomainError as exc:
        return _error(exc)
    response = flow.finish(request, user=user)
    return flow.with_language(JsonResponse({"redirect": response["Location"]}), user)


def enrol(request: HttpRequest) -> HttpResponse:
    """A user whom a policy requires to use a second factor and who has none: set up
    an authenticator app now (or, during the policy's grace, later)."""
    user = flow.pending_user(request)
    if user is None:
        return redirect("web:login")
    if selectors.has_second_factor(user=user):
        return redirect("twofactor:verify")
    requirement = selectors.two_factor_requirement(user=user)
    device = services.totp_pending(user=user) or services.totp_enrolment_start(user=user)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            throttle.login_check(account=user.email, address=_address(request))
            codes = services.totp_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            response = flow.finish(request, user=user)
            return flow.with_language(render(request, "twofactor/recovery_codes.html", {
                "codes": codes, "continue_url": response["Location"]}), user)
    return render(request, "twofactor/enrol.html", {
        "form": form, "requirement": requirement,
        "may_postpone": requirement.may_postpone(), **_qr(device)})


@require_POST
def enrol_later(request: HttpRequest) -> HttpResponse:
    user = flow.pending_user(request)
    if user is None:
        return redirect("web:login")
    if selectors.has_second_factor(user=user):
        return redirect("twofactor:verify")
    if selectors.two_factor_requirement(user=user).may_postpone():
        return flow.finish(request, user=user)
    messages.error(request, _("Two-factor login is required for your account: set it up "
                              "to continue."))
    return redirect("twofactor:enrol")


# --- Security settings in the profile ----------------------------------------------------

@login_required
@page
def security(request: AuthedRequest) -> HttpResponse:
    user = request.user
    requirement = selectors.two_factor_requirement(user=user)
    companies = Organisation.objects.filter(pk__in=user.roles.filter(
        role=Role.COMPANY_ADMIN).values("organisation_id")).order_by("legal_name")
    networks = Network.objects.filter(pk__in=user.roles.filter(
        role=Role.OPERATOR).values("network_id")).order_by("name")
    return render(request, "twofactor/security.html", {
        "totp": selectors.totp_device(user=user), "passkeys": selectors.passkey_list(user=user),
        "codes_left": selectors.recovery_codes_left(user=user),
        "has_factor": selectors.has_second_factor(user=user), "requirement": requirement,
        "companies": companies, "networks": networks,
    })


@login_required
@require_POST
def totp_start(request: AuthedRequest) -> HttpResponse:
    services.totp_enrolment_start(user=request.user)
    return redirect("twofactor:totp_setup")


@login_required
@page
def totp_setup(request: AuthedRequest) -> HttpResponse:
    device = services.totp_pending(user=request.user)
    if device is None:
        return redirect("twofactor:security")
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrolment_confirm(user=request.user,
                                                    code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, _("Your authenticator app is set up."))
            if codes:
                return render(request, "twofactor/recovery_codes.html", {
                    "codes": codes, "continue_url": "/profile/security/"})
            return redirect("twofactor:security")
    return render(request, "twofactor/totp_setup.html", {"form": form, **_qr(device)})


@login_required
@require_POST
def totp_remove(request: AuthedRequest) -> HttpResponse:
    services.totp_remove(user=request.user)
    messages.success(request, _("The authenticator app is removed."))
    return redirect("twofactor:security")


@login_required
@require_POST
def recovery_codes(request: AuthedRequest) -> HttpResponse:
    if not selectors.has_second_factor(user=request.user):
        messages.error(request, _("Set up an authenticator app or a passkey first."))
        return redirect("twofactor:security")
    codes = services.recovery_codes_generate(user=request.user)
    return render(request, "twofactor/recovery_codes.html", {
        "codes": codes, "continue_url": "/profile/security/"})


@login_required
@require_POST
def passkey_options(request: AuthedRequest) -> HttpResponse:
    rp_id, _origin = flow.rp(request)
    options, challenge = services.passkey_registration_options(user=request.user, rp_id=rp_id)
    request.session[CHALLENGE] = bytes_to_base64url(challenge)
    return HttpResponse(options, content_type="application/json")


@login_required
@require_POST
def passkey_add(request: AuthedRequest) -> HttpResponse:
    data = _json(request)
    challenge = _challenge(request)
    rp_id, origin = flow.rp(request)
    try:
        if challenge is None:
            raise services.InvalidInput(_("The passkey could not be registered."))
        passkey = services.passkey_register(
            user=request.user, name=str(data.get("name") or ""), credential=data.get("credential"),
            challenge=challenge, rp_id=rp_id, origin=origin)
    except DomainError as exc:
        return _error(exc)
    codes = []
    if not selectors.recovery_codes_left(user=request.user):
        codes = services.recovery_codes_generate(user=request.user)
    messages.success(request, _("The passkey “%(name)s” is added.") % {"name": passkey.name})
    if codes:
        request.session["twofactor_new_codes"] = codes
        return JsonResponse({"redirect": "/profile/security/codes/"}, status=201)
    return JsonResponse({"redirect": "/profile/security/"}, status=201)


@login_required
@page
def new_codes(request: AuthedRequest) -> HttpResponse:
    """The recovery codes made with the first passkey, shown once."""
    codes = request.session.pop("twofactor_new_codes", None)
    if not codes:
        return redirect("twofactor:security")
    return render(request, "twofactor/recovery_codes.html", {
        "codes": codes, "continue_url": "/profile/security/"})


@login_required
@require_POST
@page
def passkey_remove(request: AuthedRequest, passkey_id: int) -> HttpResponse:
    services.passkey_remove(user=request.user, passkey_id=passkey_id)
    messages.success(request, _("The passkey is removed."))
    return redirect("twofactor:security")


# --- Policies ------------------------------------------------------------------------------

def _policy_page(request: AuthedRequest, *, policy: Any, save: Any, title: str,
                 who: str) -> HttpResponse:
    form = PolicyForm(request.POST or None, initial={
        "staff_required": policy.staff_required, "grace_until": policy.grace_until})
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The two-factor policy is saved."))
            return redirect(request.path)
    return render(request, "twofactor/policy.html", {"form": form, "title": title, "who": who})


@login_required
@page
def network_policy(request: AuthedRequest, network_id: int) -> HttpResponse:
    network = get_object_or_404(Network, pk=network_id)
    policy = selectors.network_policy_get(actor=request.user, network=network)
    return _policy_page(
        request, policy=policy, title=network.name,
        who=_("Operators, centre managers and company admins of this network"),
        save=lambda **data: services.network_policy_set(actor=request.user, network=network,
                                                        **data))


@login_required
@page
def company_policy(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = get_object_or_404(Organisation, pk=company_id)
    policy = selectors.company_policy_get(actor=request.user, company=company)
    return _policy_page(
        request, policy=policy, title=company.legal_name,
        who=_("Every member of the company's staff"),
        save=lambda **data: services.company_policy_set(actor=request.user, company=company,
                                                        **data))
