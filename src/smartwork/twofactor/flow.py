"""The login in two steps. The password step does not log the user in: it keeps
"who, with which backend, going where, since when" in the session and sends the
browser to the second step (or to enrolment, when a policy requires a second factor
the user does not have yet). Only the second step calls `login()`: until then the
session is anonymous, so no page, no API call and no token creation is open to it."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import check_for_language

from smartwork.accounts.models import User
from smartwork.core.forms import local_path_from_text
from smartwork.twofactor.selectors import has_second_factor, two_factor_requirement

PENDING = "twofactor_pending"


def start(request: HttpRequest, *, user: User, next_url: str) -> HttpResponse | None:
    """After a right password: the redirect to the second step or to enrolment, or
    None when the user logs in with the password alone."""
    if has_second_factor(user=user):
        step = "twofactor:verify"
    elif two_factor_requirement(user=user).required:
        step = "twofactor:enrol"
    else:
        return None
    request.session[PENDING] = {
        "user": user.pk, "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "next": next_url, "since": time.time(),
    }
    return redirect(step)


def pending_user(request: HttpRequest) -> User | None:
    """The user between the two steps (None when nobody is, or it took too long)."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("since", 0)) > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        user.backend = str(data.get("backend") or settings.AUTHENTICATION_BACKENDS[0])
    return user


def finish(request: HttpRequest, *, user: User) -> HttpResponse:
    """After the second step: log the user in and go where the login was headed."""
    data = request.session.get(PENDING) or {}
    return complete(request, user=user, backend=data.get("backend"), go_to=data.get("next"))


def complete(request: HttpRequest, *, user: User, backend: str | None,
             go_to: Any) -> HttpResponse:
    """The end of every login (the second step's, or a first factor that needs no
    second, as the company's provider): log the user in (the session key changes; a
    second step still pending in this session, anyone's, is dropped) and go to `go_to`
    if it is a local address, else the default page, in the user's language."""
    request.session.pop(PENDING, None)
    auth_login(request, user, backend=backend or settings.AUTHENTICATION_BACKENDS[0])
    return with_language(redirect(next_url(request, go_to)), user)


def next_url(request: HttpRequest, url: Any) -> str:
    return local_path_from_text(url, request=request) or str(
        resolve_url(settings.LOGIN_REDIRECT_URL))


def with_language(response: HttpResponse, user: User) -> HttpResponse:
    """The member's saved language wins from the login on (as the password login does)."""
    language = user.language
    if language and check_for_language(language):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                            max_age=settings.LANGUAGE_COOKIE_AGE,
                            path=settings.LANGUAGE_COOKIE_PATH, samesite="Lax")
    return response


def rp(request: HttpRequest) -> tuple[str, str]:
    """The WebAuthn relying party id (the host name) and the origin of this request
    (the host is one of ALLOWED_HOSTS, checked by Django)."""
    host = request.get_host()
    rp_id = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    scheme = "https" if request.is_secure() else "http"
    return rp_id, f"{scheme}://{host}"
