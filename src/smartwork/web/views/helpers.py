"""What every page shares: turning domain errors into form errors or error pages,
and the role checks a page needs before it shows anything."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from smartwork.core.errors import DomainError, Forbidden, NotAuthenticated, NotFound
from smartwork.core.forms import local_path_from_text
from smartwork.core.permissions import allowed

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from smartwork.accounts.models import User


class AuthedRequest(HttpRequest):
    """The request of a page behind login_required: the user is a real account,
    and HtmxMiddleware has added the htmx details. Only for annotations."""

    user: User
    htmx: HtmxDetails


def apply_domain_error(
    form: forms.Form, exc: DomainError, aliases: Mapping[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: each named field's reason under its
    input, the general message and reasons for fields the form lacks above it."""
    aliases = aliases or {}
    above: list[str] = []
    for name, messages in exc.fields.items():
        field = aliases.get(name, name)
        if field in form.fields:
            for message in messages:
                form.add_error(field, message)
        else:
            above.extend(messages)
    # The message often says more than the field's short reason; never twice.
    field_messages = [m for messages in exc.fields.values() for m in messages]
    if exc.message not in field_messages and exc.message not in above:
        above.insert(0, exc.message)
    for message in above:
        form.add_error(None, message)


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let a view raise the services' errors: 403, 404, or the login page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotAuthenticated:
            return redirect_to_login(request.get_full_path())
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


def require_page(request: HttpRequest, action: str, **scope: Any) -> None:
    """Refuse a page the role may not see, before reading anything."""
    if not request.user.is_authenticated:
        raise NotAuthenticated(_("Log in first."))
    if not allowed(request.user, action, **scope):
        raise Forbidden(_("Your role does not allow this here."))


def is_htmx(request: HttpRequest) -> bool:
    # Requests built without HtmxMiddleware (tests, error pages) have no details.
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "boosted", False)


def local_next(request: HttpRequest, value: Any, fallback: str) -> str:
    """A return address (`next`) from a form or link when it is a path of this site
    (core.forms.local_path_from_text), else the fallback."""
    return local_path_from_text(value, request=request) or fallback
