"""Pages of invoice delivery: the operator's deliveries (failures first, with a retry),
and a member's invoicing details (an independent's business identity and channel)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smartwork.billing import selectors as billing_selectors
from smartwork.billing.choices import DeliveryChannel, DeliveryState
from smartwork.billing.delivery import delivery_retry
from smartwork.billing.profiles import BUSINESS_FIELDS, billing_profile_of, billing_profile_set
from smartwork.core.errors import DomainError
from smartwork.web.views.helpers import AuthedRequest, apply_domain_error, page, require_page
from smartwork.web.views.staff import operator_network


class BillingProfileForm(forms.Form):
    delivery_channel = forms.ChoiceField(label=gettext_lazy("Delivery channel"),
                                         choices=DeliveryChannel.choices)
    legal_name = forms.CharField(label=gettext_lazy("Business name"), required=False,
                                 max_length=200)
    enterprise_number = forms.CharField(label=gettext_lazy("Enterprise number"),
                                        required=False, max_length=20,
                                        help_text=gettext_lazy("For example 0403.170.701."))
    vat_number = forms.CharField(label=gettext_lazy("VAT number"), required=False,
                                 max_length=20)
    street = forms.CharField(label=gettext_lazy("Street and number"), required=False,
                             max_length=200)
    postcode = forms.CharField(label=gettext_lazy("Postcode"), required=False, max_length=10)
    city = forms.CharField(label=gettext_lazy("City"), required=False, max_length=100)
    country = forms.CharField(label=gettext_lazy("Country"), required=False, max_length=2,
                              initial="BE")


@login_required
@page
def deliveries(request: AuthedRequest) -> HttpResponse:
    network = operator_network(request)
    require_page(request, "network.billing", network=network)
    qs = billing_selectors.deliveries_for(user=request.user).filter(
        invoice__network=network).order_by("-updated_at", "-id")
    state = request.GET.get("state", "")
    shown = qs.filter(state=state) if state in DeliveryState.values else qs
    return render(request, "web/billing/deliveries.html", {
        "failed": qs.filter(state=DeliveryState.FAILED)[:200],
        "deliveries": shown[:200], "state": state, "states": DeliveryState.choices,
    })


@login_required
@page
@require_POST
def delivery_retry_view(request: AuthedRequest, delivery_id: int) -> HttpResponse:
    delivery = billing_selectors.delivery_get(user=request.user, delivery_id=delivery_id)
    try:
        delivery_retry(actor=request.user, delivery=delivery)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Delivery of %(number)s queued again.")
                         % {"number": delivery.invoice.display_number})
    return redirect("web:deliveries")


@login_required
@page
def billing_profile(request: AuthedRequest) -> HttpResponse:
    profile = billing_profile_of(member=request.user)
    if request.method == "POST":
        form = BillingProfileForm(request.POST)
        if form.is_valid():
            try:
                billing_profile_set(actor=request.user, member=request.user,
                                    **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Your invoicing details are saved."))
                return redirect("web:billing_profile")
    else:
        form = BillingProfileForm(initial={
            "delivery_channel": profile.delivery_channel,
            **{n: getattr(profile, n) for n in BUSINESS_FIELDS}})
    return render(request, "web/account/billing_profile.html", {"form": form,
                                                                "profile": profile})
