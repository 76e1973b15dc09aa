"""The member's reminder choice (linked from the profile and their bookings)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartwork.bookings import reminders
from smartwork.bookings.choices import ReminderChoice
from smartwork.core.errors import DomainError
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page


class ReminderForm(forms.Form):
    when = forms.ChoiceField(label=gettext_lazy("Remind me of my bookings"),
                             choices=ReminderChoice.choices, widget=forms.RadioSelect)


@login_required
@page
def my_reminders(request: AuthedRequest) -> HttpResponse:
    current = reminders.reminder_preference_get(member=request.user)
    form = ReminderForm(request.POST or None, initial={"when": current})
    if request.method == "POST" and form.is_valid():
        try:
            reminders.reminder_preference_set(member=request.user, when=form.cleaned_data["when"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Your reminder choice is saved."))
            return redirect("web:my_reminders")
    return render(request, "web/account/reminders.html", {"form": form})
