"""Forms parse what a person typed; the services decide whether it is allowed.

Each form only turns text into typed values (dates, decimals, choices). Every
business rule lives in the service the view calls, whose refusal is put back
on the form field by field (views.helpers.apply_domain_error).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from smartwork.accounts.choices import (
    CommuteMode,
    CompanySize,
    Language,
    OrganisationKind,
    Role,
    Sector,
)
from smartwork.core.forms import DayField, MonthField
from smartwork.network.choices import (
    CentreFormat,
    Equipment,
    HostedVisibility,
    LabelStatus,
    LabelTier,
    ResourceKind,
    Service,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

class LocalDateInput(forms.DateInput):
    """A date typed in the user's language (31/12/2026 in French, 31-12-2026 in Dutch,
    2026-12-31 in English), not the browser's date picker, which follows the browser's
    locale whatever language the page is in. The format is shown as the placeholder and
    in the title; ISO dates are accepted in every language (links, tests)."""

    input_type = "text"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        hint = pgettext("date format hint", "yyyy-mm-dd")
        context["widget"]["attrs"] = {"inputmode": "numeric", "autocomplete": "off",
                                      "size": 10, "placeholder": hint,
                                      "title": gettext("Date as %(format)s") % {"format": hint},
                                      **context["widget"]["attrs"]}
        return context


class LocalTimeInput(forms.TimeInput):
    """A 24-hour time (14:30), the same in the three languages, instead of the browser's
    time picker (12-hour in an English browser)."""

    input_type = "text"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        hint = pgettext("time format hint", "hh:mm")
        context["widget"]["attrs"] = {"inputmode": "numeric", "autocomplete": "off", "size": 5,
                                      "placeholder": hint, "pattern": r"\d{1,2}[:.]\d{2}",
                                      "title": gettext("Time as %(format)s (24 hours)")
                                      % {"format": hint},
                                      **context["widget"]["attrs"]}
        return context


def date_input() -> forms.DateInput:
    # No fixed format: the active language's first DATE_INPUT_FORMATS, at render time.
    return LocalDateInput()


def time_input() -> forms.TimeInput:
    return LocalTimeInput(format="%H:%M")


def amount_input() -> forms.TextInput:
    """An amount in the language's notation (25,00 in French and Dutch); the field is
    localized, so both 25,00 and 25.00 are read there."""
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 10})


def amount_field(label: StrOrPromise, *, required: bool = True, max_digits: int = 10,
                 **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, max_digits=max_digits,
                              decimal_places=2, localize=True, widget=amount_input(), **kwargs)


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """A form's choice field, to fill its choices when the form is built."""
    return cast(forms.ChoiceField, form.fields[name])


WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]


# --- Member ---------------------------------------------------------------------


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    commute_mode = forms.ChoiceField(
        label=_("How you usually commute"), required=False,
        choices=[("", "—"), *CommuteMode.choices],
    )
    home = forms.CharField(
        label=_("Your address, or postcode and town"), max_length=200, required=False,
        help_text=_("E.g. 5000 Namur, or Rue de Fer 25, 5000 Namur. Empty: no home."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}))


DISTANCES = [("", _("Any distance")), ("5", "5 km"), ("10", "10 km"), ("25", "25 km"),
             ("50", "50 km"), ("100", "100 km")]

SLOTS = [
    ("full_day", pgettext_lazy("slot", "Full day")),
    ("morning", pgettext_lazy("slot", "Morning")),
    ("afternoon", pgettext_lazy("slot", "Afternoon")),
]


class CentreFinderForm(forms.Form):
    q = forms.CharField(label=_("Name or town"), required=False, max_length=100)
    date = DayField(label=_("Date"), required=False, widget=date_input())
    slot = forms.ChoiceField(label=_("Slot"), choices=SLOTS, required=False)
    within_km = forms.ChoiceField(label=_("Distance from home"), choices=DISTANCES, required=False)
    service = forms.MultipleChoiceField(
        label=_("Services"), choices=Service.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    format = forms.ChoiceField(label=_("Format"), required=False,
                               choices=[("", _("Every format")), *CentreFormat.choices])
    favourites = forms.BooleanField(label=_("My favourites"), required=False)


# --- Operator: centres and the label --------------------------------------------


class CentreForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    operator = forms.TypedChoiceField(label=_("Operating organisation"), coerce=int)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    street = forms.CharField(label=_("Street"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=10)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.CharField(label=_("Country"), max_length=2, initial="BE")
    lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6,
                             widget=forms.NumberInput(attrs={"step": "0.000001"}))
    lon = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6,
                             widget=forms.NumberInput(attrs={"step": "0.000001"}))
    timezone = forms.CharField(label=_("Time zone"), max_length=64, initial="Europe/Brussels")
    services = forms.MultipleChoiceField(label=_("Services"), choices=Service.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    email = forms.EmailField(label=_("Contact email"), required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    morning_start = forms.TimeField(label=_("Morning starts"), initial=dt.time(8, 30),
                                    widget=time_input())
    morning_end = forms.TimeField(label=_("Morning ends"), initial=dt.time(12, 30),
                                  widget=time_input())
    afternoon_start = forms.TimeField(label=_("Afternoon starts"), initial=dt.time(13, 30),
                                      widget=time_input())
    afternoon_end = forms.TimeField(label=_("Afternoon ends"), initial=dt.time(17, 30),
                                    widget=time_input())
    no_show_grace_minutes = forms.IntegerField(
        label=_("Release a booking not checked in after (minutes)"), min_value=0, initial=30)
    label_tier = forms.ChoiceField(label=_("Label tier"), choices=LabelTier.choices,
                                   initial=LabelTier.FULL, required=False)
    # A company-hosted space (creation only): the customer company opening its desks.
    host_company = forms.TypedChoiceField(
        label=_("Host company (company-hosted space)"), coerce=int, required=False,
        empty_value=None)
    visibility = forms.ChoiceField(label=_("Visible to"), choices=HostedVisibility.choices,
                                   initial=HostedVisibility.EVERYONE, required=False)
    partners = forms.TypedMultipleChoiceField(
        label=_("Partner companies"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple)

    HOSTED_FIELDS = ("host_company", "visibility", "partners")

    def __init__(self, *args: Any, operators: list[tuple[int, str]],
                 companies: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "operator").choices = [("", "—"), *operators]
        if companies is None:  # editing: the host and who sees it are set elsewhere
            for name in self.HOSTED_FIELDS:
                del self.fields[name]
        else:
            choice_field(self, "host_company").choices = [("", "—"), *companies]
            choice_field(self, "partners").choices = companies
            self.fields["operator"].required = False
            self.fields["operator"].help_text = _(
                "For a company-hosted space, the host company operates it: leave empty.")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("operator")
        for name in self.HOSTED_FIELDS:
            data.pop(name, None)
        if not data.get("label_tier"):  # not given: a new centre is full, an edit keeps it
            data.pop("label_tier", None)
        return data


class VisibilityForm(forms.Form):
    """Who sees a company-hosted space."""

    visibility = forms.ChoiceField(label=_("Visible to"), choices=HostedVisibility.choices)
    partners = forms.TypedMultipleChoiceField(
        label=_("Partner companies"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, companies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "partners").choices = companies


class InspectionForm(forms.Form):
    visited_on = DayField(label=_("Visited on"), widget=date_input())
    inspector_name = forms.CharField(label=_("Inspector"), max_length=150)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, checklist: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        for item in checklist:
            self.fields[f"passed_{item['code']}"] = forms.BooleanField(
                label=gettext(item["label"]), required=False)
            self.fields[f"note_{item['code']}"] = forms.CharField(
                label=_("Note"), required=False, max_length=500)

    def items(self) -> dict[str, dict[str, Any]]:
        return {
            item["code"]: {"passed": self.cleaned_data.get(f"passed_{item['code']}", False),
                           "note": self.cleaned_data.get(f"note_{item['code']}", "")}
            for item in self.checklist
        }

    def checklist_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"passed_{i['code']}"], self[f"note_{i['code']}"]) for i in self.checklist]


class LabelChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New label status"), choices=LabelStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required for a suspension or a withdrawal."))

    def __init__(self, *args: Any, moves: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "to_status").choices = [
            (value, label) for value, label in LabelStatus.choices if value in moves
        ]


# --- Operator: organisations and roles ------------------------------------------


class OrganisationForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices,
                             initial=OrganisationKind.COMPANY)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, initial=Sector.PRIVATE)
    size = forms.ChoiceField(label=_("Size"), choices=[("", "—"), *CompanySize.choices],
                             required=False)
    enterprise_number = forms.CharField(label=_("Enterprise number"), max_length=20,
                                        required=False, help_text=_("e.g. 0403.170.701"))
    vat_number = forms.CharField(label=_("VAT number"), max_length=20, required=False)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Invoice language"), choices=Language.choices,
                                 initial=Language.FR)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=40, required=False)
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False)
    head_office_town = forms.CharField(label=_("Head office town"), max_length=100,
                                       required=False)
    head_office_lat = forms.DecimalField(label=_("Head office latitude"), required=False,
                                         max_digits=9, decimal_places=6,
                                         widget=forms.NumberInput(attrs={"step": "0.000001"}))
    head_office_lon = forms.DecimalField(label=_("Head office longitude"), required=False,
                                         max_digits=9, decimal_places=6,
                                         widget=forms.NumberInput(attrs={"step": "0.000001"}))


class RoleAssignForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    centre = forms.TypedChoiceField(label=_("Centre (for a manager or receptionist)"),
                                    coerce=int, required=False, empty_value=None)
    organisation = forms.TypedChoiceField(label=_("Company (for a company admin)"), coerce=int,
                                          required=False, empty_value=None)

    def __init__(self, *args: Any, centres: list[tuple[int, str]],
                 companies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "centre").choices = [("", "—"), *centres]
        choice_field(self, "organisation").choices = [("", "—"), *companies]


# --- Centre manager -------------------------------------------------------------


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    # As the API (1 to 500): a number beyond 64 bits overflowed the database (a 500).
    capacity = forms.IntegerField(label=_("Capacity (people)"), initial=1, min_value=1,
                                  max_value=500)
    equipment = forms.MultipleChoiceField(label=_("Equipment"), choices=Equipment.choices,
                                          required=False, widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("Bookable"), required=False, initial=True)


class PriceForm(forms.Form):
    resource_kind = forms.ChoiceField(label=_("For"), choices=ResourceKind.choices)
    valid_from = DayField(label=_("Valid from"), widget=date_input())
    per_half_day = amount_field(_("Per half-day"), required=False, max_digits=8)
    per_day = amount_field(_("Per day"), required=False, max_digits=8)
    per_hour = amount_field(_("Per hour"), required=False, max_digits=8)
    vat_rate = amount_field(_("VAT rate (%)"), required=False, max_digits=5)


class HoursForm(forms.Form):
    """Two intervals per weekday (e.g. closed at lunch); both empty = closed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, _label in WEEKDAYS:
            for n in (1, 2):
                self.fields[f"d{day}_opens{n}"] = forms.TimeField(
                    label=_("Opens"), required=False, widget=time_input())
                self.fields[f"d{day}_closes{n}"] = forms.TimeField(
                    label=_("Closes"), required=False, widget=time_input())

    @staticmethod
    def initial_from(hours: list[Any]) -> dict[str, dt.time]:
        initial: dict[str, dt.time] = {}
        seen: dict[int, int] = {}
        for row in hours:
            n = seen.get(row.weekday, 0) + 1
            if n > 2:
                continue
            seen[row.weekday] = n
            initial[f"d{row.weekday}_opens{n}"] = row.opens
            initial[f"d{row.weekday}_closes{n}"] = row.closes
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for day, _label in WEEKDAYS:
            for n in (1, 2):
                opens, closes = data.get(f"d{day}_opens{n}"), data.get(f"d{day}_closes{n}")
                if (opens is None) != (closes is None):
                    missing = f"d{day}_closes{n}" if closes is None else f"d{day}_opens{n}"
                    self.add_error(missing, _("Give both the opening and the closing time."))
        return data

    def intervals(self) -> list[tuple[int, dt.time, dt.time]]:
        rows = []
        for day, _label in WEEKDAYS:
            for n in (1, 2):
                opens = self.cleaned_data.get(f"d{day}_opens{n}")
                closes = self.cleaned_data.get(f"d{day}_closes{n}")
                if opens is not None and closes is not None:
                    rows.append((day, opens, closes))
        return rows

    def rows(self) -> list[tuple[StrOrPromise, list[tuple[Any, Any]]]]:
        return [
            (label, [(self[f"d{day}_opens{n}"], self[f"d{day}_closes{n}"]) for n in (1, 2)])
            for day, label in WEEKDAYS
        ]


class ClosureForm(forms.Form):
    start_date = DayField(label=_("From"), widget=date_input())
    end_date = DayField(label=_("To (inclusive)"), widget=date_input())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


# --- Bookings -------------------------------------------------------------------

BOOK_SLOTS = [*SLOTS, ("range", _("Time range"))]


class BookForm(forms.Form):
    """The hidden fields behind a 'Book' button (desk) or a room's time range."""

    centre = forms.IntegerField()
    date = DayField(label=_("Date"), widget=date_input())
    slot = forms.ChoiceField(label=_("Slot"), choices=BOOK_SLOTS)
    resource = forms.IntegerField(required=False)
    start_time = forms.TimeField(label=_("From"), required=False, widget=time_input())
    end_time = forms.TimeField(label=_("To"), required=False, widget=time_input())


class MoveForm(forms.Form):
    date = DayField(label=_("Date"), widget=date_input())
    slot = forms.ChoiceField(label=_("Slot"), choices=SLOTS, required=False)
    start_time = forms.TimeField(label=_("From"), required=False, widget=time_input())
    end_time = forms.TimeField(label=_("To"), required=False, widget=time_input())

    def __init__(self, *args: Any, is_range: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_range:
            del self.fields["slot"]
        else:
            del self.fields["start_time"]
            del self.fields["end_time"]


class WalkInForm(forms.Form):
    email = forms.EmailField(label=_("Member's email"))
    slot = forms.ChoiceField(label=_("Slot"), choices=SLOTS)


class GuestWalkInForm(forms.Form):
    """A walk-in guest who is not a member yet (billing/walkins.py)."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    company = forms.TypedChoiceField(label=_("Company"), coerce=int, required=False,
                                     empty_value=None)
    slot = forms.ChoiceField(label=_("Slot"), choices=SLOTS)
    paid_by = forms.ChoiceField(label=_("Who pays"), widget=forms.RadioSelect, choices=[
        ("desk", _("The guest, now at the desk (pay as you go)")),
        ("company", _("Their company (it allows guests)"))])

    def __init__(self, *args: Any, companies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["company"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("No company"))] + [(c.pk, c.legal_name) for c in companies]


class AvailabilityForm(forms.Form):
    date = DayField(label=_("Date"), widget=date_input())


# --- Credit ---------------------------------------------------------------------


class LedgerFilterForm(forms.Form):
    reason = forms.ChoiceField(label=_("Kind"), required=False)
    date_from = DayField(label=_("From"), required=False, widget=date_input())
    date_to = DayField(label=_("To"), required=False, widget=date_input())
    member = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False,
                                    empty_value=None)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, reasons: Any, people: Any = None, teams: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "reason").choices = [("", _("All")), *reasons]
        if people is None:
            del self.fields["member"]
        else:
            choice_field(self, "member").choices = [("", _("Everyone")), *people]
        if teams is None:
            del self.fields["team"]
        else:
            choice_field(self, "team").choices = [("", _("All teams")), *teams]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    as_admin = forms.BooleanField(label=_("Also a company admin"), required=False)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "team").choices = [("", "—"), *teams]


class StaffImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"),
                           help_text=_("Columns: email, first_name, last_name, team (optional)."))


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)


class TeamMemberForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "user").choices = [("", "—"), *people]


class BuyCreditForm(forms.Form):
    package = forms.TypedChoiceField(label=_("Package"), coerce=int)
    reference = forms.CharField(label=_("Your purchase order reference"), max_length=100,
                                required=False)

    def __init__(self, *args: Any, packages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "package").choices = [("", "—"), *packages]


class AllotmentForm(forms.Form):
    hours = forms.IntegerField(label=_("Hours"), min_value=1)
    member = forms.TypedChoiceField(label=_("For a person"), coerce=int, required=False,
                                    empty_value=None)
    team = forms.TypedChoiceField(label=_("Or for a team"), coerce=int, required=False,
                                  empty_value=None)
    period = forms.ChoiceField(label=_("How often"))
    at_period_end = forms.ChoiceField(label=_("At the end of each period"))
    ends_on = DayField(label=_("Ends on (optional)"), required=False, widget=date_input())

    def __init__(self, *args: Any, people: Any, teams: Any, periods: Any, period_ends: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "member").choices = [("", "—"), *people]
        choice_field(self, "team").choices = [("", "—"), *teams]
        choice_field(self, "period").choices = periods
        choice_field(self, "at_period_end").choices = period_ends


class InvitationAcceptForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    password = forms.CharField(label=_("Choose a password"), required=False,
                               widget=forms.PasswordInput(render_value=True),
                               help_text=_("Not needed if you already have a smartwork account."))


# --- Billing --------------------------------------------------------------------


class PeriodForm(forms.Form):
    # The browser's month picker (core/forms.py), read on the server whatever it sent.
    period = MonthField(label=_("Month"))


class PayoutForm(PeriodForm):
    execution_date = DayField(label=_("Pay on"), widget=date_input())


class CamtForm(forms.Form):
    file = forms.FileField(label=_("Bank statement (CAMT.053 XML)"))


class ReportPeriodForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=30, required=False,
                             help_text=_("2026, 2026-Q2, 2026-03 or 2026-W14"))


# --- Approvals and booking for staff ---------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             help_text=_("The employee reads it in the mail."))


class StaffBookForm(forms.Form):
    """Whom to book for, where and when: the availability below then books."""

    member = forms.TypedChoiceField(label=_("Employee"), coerce=int)
    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int)
    date = DayField(label=_("Date"), widget=date_input())

    def __init__(self, *args: Any, people: list[tuple[int, str]],
                 centres: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "member").choices = people
        choice_field(self, "centre").choices = centres


class ApprovalPolicyForm(forms.Form):
    """The part of the company's credit policy the Approvals page sets."""

    cap_hours = forms.IntegerField(label=_("At most, per employee and month (hours from the pool)"),
                                   min_value=1, required=False,
                                   help_text=_("Empty: no limit."))
    approval_beyond_cap = forms.BooleanField(
        label=_("Beyond it, the booking waits for my approval (instead of being refused)"),
        required=False)
    approval_hold_hours = forms.IntegerField(
        label=_("A waiting booking holds its place for (hours)"), min_value=1, max_value=336,
        help_text=_("Never past the booking's start."))
    guests_allowed = forms.BooleanField(
        label=_("The front desk may book our walk-in guests, billed to us"), required=False)

# --- Membership plans, the credit catalogue, access points, presence (issue #7) --------


class MembershipPlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    centre = forms.TypedChoiceField(label=_("Where"), coerce=int, required=False,
                                    empty_value=None)
    monthly_fee_net = amount_field(_("Monthly fee (excl. VAT)"))
    included_hours = forms.IntegerField(label=_("Hours included each month"), min_value=0)
    vat_rate = amount_field(_("VAT rate (%)"), required=False, max_digits=5,
                            help_text=_("Empty: the network's rate."))
    is_active = forms.BooleanField(label=_("Offered to members"), required=False, initial=True)

    def __init__(self, *args: Any, centres: Sequence[tuple[int, str]],
                 network_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, Any]] = list(centres)
        if network_wide:
            choices.insert(0, ("", gettext("Every centre of the network")))
        choice_field(self, "centre").choices = choices
        # A centre manager's plan is always at one of their centres.
        self.fields["centre"].required = not network_wide


class CreditPackageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    hours = forms.IntegerField(label=_("Hours"), min_value=1)
    price_net = amount_field(_("Price (excl. VAT)"))
    vat_rate = amount_field(_("VAT rate (%)"), required=False, max_digits=5,
                            help_text=_("Empty: the network's rate."))
    validity_months = forms.IntegerField(label=_("Valid for (months)"), min_value=1, initial=12)


class SubscribeForm(forms.Form):
    plan = forms.TypedChoiceField(label=_("Plan"), coerce=int)

    def __init__(self, *args: Any, plans: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "plan").choices = list(plans)


class NasForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("e.g. AP ground floor"))
    address = forms.CharField(label=_("IP address or range"), max_length=64,
                              help_text=_("An address (192.0.2.10) or a CIDR range "
                                          "(192.0.2.0/28)."))
    secret = forms.CharField(label=_("Shared secret (optional)"), required=False,
                             max_length=128, strip=False,
                             widget=forms.PasswordInput(render_value=False,
                                                        attrs={"autocomplete": "off"}),
                             help_text=_("Empty: a strong secret is made for you and shown "
                                         "once."))
    require_message_authenticator = forms.BooleanField(
        label=_("Require Message-Authenticator"), required=False, initial=True,
        help_text=_("Drop Access-Requests without one (BlastRADIUS protection)."))


PRESENCE_KIND_CHOICES = [("", _("Check-ins and WiFi")), ("check_in", _("Check-ins")),
                         ("wifi", _("WiFi sessions"))]


class PresenceFilterForm(forms.Form):
    on = DayField(label=_("Day"), required=False, widget=date_input(),
                         help_text=_("Empty: today."))
    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int, required=False,
                                    empty_value=None)
    kind = forms.ChoiceField(label=_("Show"), required=False, choices=PRESENCE_KIND_CHOICES)

    def __init__(self, *args: Any, centres: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "centre").choices = [("", gettext("Every centre")), *centres]
