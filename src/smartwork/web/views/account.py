"""Log in and out, password reset, the language switcher and the member's profile."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import activate, check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartwork.accounts.services import profile_home_set, profile_update
from smartwork.core.errors import DomainError
from smartwork.web.forms import ProfileForm
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, local_next, page


def _with_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, samesite="Lax",
    )
    return response


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form behind the failed-login limits (accounts/throttle.py): a
    locked account name or client address is refused before the password is checked,
    with the same words whether the account exists or not."""

    def clean(self) -> dict[str, Any]:
        from smartwork.accounts import throttle

        account = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        try:
            # Already locked: refused before the (costly) password check.
            throttle.login_check(account=account, address=address)
            try:
                cleaned = super().clean()
            except ValidationError:
                if account:
                    throttle.login_settle(account=account, address=address, succeeded=False)
                raise
            user = self.get_user()
            if user is None:
                # A field left empty: no password was checked, nothing to settle (a
                # success here would forget the failures counted so far).
                return cleaned
            from smartwork.twofactor.selectors import has_second_factor

            # The lock checked again and the attempt settled in one step: of guesses sent
            # at once, those after the limit are refused even with the right password.
            # With a second factor to come, the failures are forgotten only after it
            # (twofactor/services.py): a right password must not reset the count of
            # wrong codes.
            throttle.login_settle(account=account, address=address, succeeded=True,
                                  forget=not has_second_factor(user=user))
        except throttle.LoginLocked as exc:
            self.user_cache = None
            raise ValidationError(exc.message, code="login_locked") from exc
        return cleaned


def client_address(request: HttpRequest | None) -> str:
    """The client's address as the server sees it (REMOTE_ADDR; a reverse proxy must
    set it to the real client, see docs/operations.md)."""
    return str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""


class LoginView(auth_views.LoginView):
    template_name = "web/account/login.html"
    redirect_authenticated_user = True
    form_class = ThrottledAuthenticationForm

    def form_valid(self, form: Any) -> HttpResponse:
        from smartwork.twofactor import flow

        # A second factor to give, or to set up first: not logged in yet (twofactor/flow.py).
        second_step = flow.start(self.request, user=form.get_user(),
                                 next_url=self.get_success_url())
        if second_step is not None:
            return second_step
        response = super().form_valid(form)
        # The member's saved language wins from then on, on every device.
        language = form.get_user().language
        if language and check_for_language(language):
            _with_language(response, language)
        return response


class LogoutView(auth_views.LogoutView):
    pass


password_reset = auth_views.PasswordResetView.as_view(
    template_name="web/account/password_reset.html",
    email_template_name="web/account/password_reset_email.txt",
    subject_template_name="web/account/password_reset_subject.txt",
    success_url=reverse_lazy("web:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="web/account/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="web/account/password_reset_confirm.html",
    success_url=reverse_lazy("web:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/account/password_reset_complete.html")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the pages' language; a logged-in member keeps it in the profile."""
    language = request.POST.get("language", "")
    next_url = local_next(request, request.POST.get("next"), "/")
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated and request.user.language != language:
        profile_update(user=request.user, language=language)
    return _with_language(response, language)


@login_required
@page
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    fields = ["first_name", "last_name", "phone", "language", "commute_mode"]
    suggestions: list[str] = []
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    profile_update(user=user, **{f: form.cleaned_data[f] for f in fields})
                    if form.cleaned_data["home"] != user.home_town:
                        profile_home_set(user=user, text=form.cleaned_data["home"])
            except DomainError as exc:
                user.refresh_from_db()
                suggestions = list(exc.data.get("suggestions") or [])
                apply_domain_error(form, exc)
            else:
                activate(user.language)
                messages.success(request, _("Your profile is saved."))
                return _with_language(redirect("web:profile"), user.language)
    else:
        form = ProfileForm(initial={**{f: getattr(user, f) for f in fields},
                                    "home": user.home_town})
    return render(request, "web/account/profile.html", {
        "form": form, "suggestions": suggestions, "tile_url": settings.SMARTWORK["TILE_URL"],
        "tile_attribution": settings.SMARTWORK["TILE_ATTRIBUTION"],
    })


def login_unlock(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the mail sent when an account is locked: lifts the lock."""
    from smartwork.accounts.throttle import login_unlock as unlock

    if unlock(token=token):
        messages.success(request, _("Logging in is possible again."))
    else:
        messages.error(request, _("This link is not valid (any more)."))
    return redirect("web:login")
