"""Pages of company single sign-on: the login page's routing by email domain, the
provider's answer (callback), and the company admin's settings page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from smartwork.core.errors import DomainError
from smartwork.core.forms import local_path_from_text
from smartwork.sso import oidc, selectors, services
from smartwork.sso.forms import SsoEmailForm, SsoSettingsForm
from smartwork.sso.sealing import secret_open
from smartwork.twofactor import flow as twofactor_flow
from smartwork.web.views.company import company_tabs
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page

FLOW = "sso_flow"
# The company's provider stands for the password: the account's backend.
BACKEND = "django.contrib.auth.backends.ModelBackend"


def redirect_uri(request: HttpRequest) -> str:
    """The one callback address every company registers at its provider."""
    return request.build_absolute_uri(reverse("sso:callback"))


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("web:login")


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The login page's "company account" form: the email's domain names the company,
    whose provider the browser is sent to (state, nonce and PKCE kept in the session)."""
    if request.method != "POST":
        return redirect("web:login")
    # The login page's email field (`username`), or an `email` field (API clients).
    form = SsoEmailForm({"email": request.POST.get("email") or request.POST.get("username")})
    if not form.is_valid():
        return _refused(request, _("Type your work email address."))
    email = form.cleaned_data["email"]
    sso = selectors.sso_for_email(email=email)
    if sso is None:
        return _refused(request, _("No company single sign-on for this email domain: log in "
                                   "with your password."))
    try:
        provider = oidc.discover(sso.issuer)
        url, flow = oidc.authorization_start(provider=provider, client_id=sso.client_id,
                                             redirect_uri=redirect_uri(request),
                                             login_hint=email)
    except DomainError as exc:
        return _refused(request, exc.message)
    next_url = local_path_from_text(request.POST.get("next"), request=request) or ""
    request.session[FLOW] = {**flow, "sso": sso.pk, "next": next_url,
                             "started_at": timezone.now().timestamp()}
    # A page that moves on by itself rather than a 302: the login page's
    # Content-Security-Policy (form-action 'self') forbids a form whose answer redirects
    # to another site, and the provider is not known before the email is typed.
    response = render(request, "sso/redirect.html", {"url": url,
                                                     "company": sso.company.legal_name})
    response["Cache-Control"] = "no-store"
    return response


def callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: checked, then the employee is logged in (or refused with
    the reason on the login page). A flow is used once."""
    flow: dict[str, Any] | None = request.session.pop(FLOW, None)
    if not flow or request.GET.get("state") != flow.get("state"):
        return _refused(request, _("This login was not started here or was already used: "
                                   "please log in again."))
    try:
        # Once, in the database: two requests that read the session before either saved
        # it both found the flow above.
        started_at = flow.get("started_at")
        services.sso_state_claim(
            state=str(flow["state"]),
            started_at=float(started_at) if isinstance(started_at, int | float) else None)
    except DomainError as exc:
        return _refused(request, exc.message)
    if request.GET.get("error"):
        return _refused(request, _("Your company's identity provider refused the login (%(e)s).")
                        % {"e": request.GET.get("error", "")[:60]})
    sso = selectors.sso_get(sso_id=int(flow["sso"]))
    code = request.GET.get("code", "")
    if sso is None or not code:
        return _refused(request, _("This login was not started here or was already used: "
                                   "please log in again."))
    try:
        provider = oidc.discover(sso.issuer)
        id_token = oidc.code_exchange(provider=provider, client_id=sso.client_id,
                                      client_secret=secret_open(sso.client_secret_encrypted),
                                      redirect_uri=redirect_uri(request), code=code,
                                      verifier=flow["verifier"])
        claims = oidc.id_token_validate(provider=provider, id_token=id_token,
                                        client_id=sso.client_id, nonce=flow["nonce"])
        user = services.sso_login_complete(sso=sso, claims=claims)
    except DomainError as exc:
        return _refused(request, exc.message)
    # The company's provider was the first factor: smartwork's second step still holds
    # for whoever has one or whom a policy requires to have one (twofactor/flow.py).
    user.backend = BACKEND
    second = twofactor_flow.start(request, user=user,
                                  next_url=flow.get("next") or settings.LOGIN_REDIRECT_URL)
    if second is not None:
        return second
    return twofactor_flow.complete(request, user=user, backend=BACKEND, go_to=flow.get("next"))


@login_required
@page
def company_sso(request: AuthedRequest, company_id: int) -> HttpResponse:
    company = selectors.sso_company(actor=request.user, company_id=company_id)
    sso = selectors.sso_of(actor=request.user, company=company)
    if request.method == "POST" and request.POST.get("disconnect"):
        services.sso_disconnect(actor=request.user, company=company)
        messages.success(request, _("Single sign-on is disconnected."))
        return redirect("sso:company", company.pk)
    if request.method == "POST":
        form = SsoSettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.sso_configure(actor=request.user, company=company,
                                       issuer=data["issuer"], client_id=data["client_id"],
                                       client_secret=data["client_secret"] or None,
                                       domains=data["domains"],
                                       leaver_claim=data["leaver_claim"].strip(),
                                       enabled=data["enabled"])
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Single sign-on is saved."))
                return redirect("sso:company", company.pk)
    elif sso is not None:
        form = SsoSettingsForm(initial={
            "issuer": sso.issuer, "client_id": sso.client_id, "leaver_claim": sso.leaver_claim,
            "enabled": sso.enabled,
            "domains": ", ".join(d.domain for d in sso.domains.all())})
    else:
        form = SsoSettingsForm()
    return render(request, "sso/company.html", {
        "company": company, "tabs": company_tabs(request, company), "sso": sso, "form": form,
        "redirect_uri": redirect_uri(request), "scopes": oidc.SCOPES})
