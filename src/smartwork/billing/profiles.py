"""Billing profiles: how a customer is invoiced and reached.

A member sets their own: an independent who works as a business gives a legal name,
an enterprise number, a VAT number and a postal address, and from the next invoice on
is invoiced as a business (B2B, a Peppol e-invoice to 0208:<enterprise number>). The
operator sets a company's delivery channel (and may set a member's)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, User
from smartwork.accounts.validators import clean_enterprise_number, clean_vat_number
from smartwork.billing.choices import DeliveryChannel
from smartwork.billing.models import BillingProfile
from smartwork.core.audit import audit_log
from smartwork.core.errors import Forbidden, InvalidInput
from smartwork.core.permissions import allowed, require

BUSINESS_FIELDS = ("legal_name", "enterprise_number", "vat_number", "street", "postcode",
                   "city", "country")


def billing_profile_of(*, organisation: Organisation | None = None,
                       member: User | None = None) -> BillingProfile:
    """The customer's profile, or an unsaved default one (channel `auto`)."""
    if organisation is not None:
        found = BillingProfile.objects.filter(organisation=organisation).first()
        return found or BillingProfile(organisation=organisation)
    found = BillingProfile.objects.filter(member=member).first()
    return found or BillingProfile(member=member)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out = {k: (str(v).strip() if v is not None else "") for k, v in data.items()}
    for name, clean in (("enterprise_number", clean_enterprise_number),
                        ("vat_number", clean_vat_number)):
        if out.get(name):
            try:
                out[name] = clean(out[name])
            except ValidationError as exc:
                errors[name] = exc.messages[0]
    if out.get("country"):
        out["country"] = out["country"].upper()
        if len(out["country"]) != 2 or not out["country"].isalpha():
            errors["country"] = _("Two letters, for example BE.")
    if out.get("enterprise_number"):
        # A business invoice names the buyer and its address (EN 16931 BT-44, BT-50..55).
        for name in ("legal_name", "street", "postcode", "city"):
            if not out.get(name):
                errors[name] = _("Required for a business invoice.")
    elif any(out.get(n) for n in ("vat_number",)):
        errors["enterprise_number"] = _("Give the enterprise number with the VAT number.")
    if errors:
        raise InvalidInput(_("Check the invoicing details."), fields=errors)
    return out


def billing_profile_set(*, actor: Any, organisation: Organisation | None = None,
                        member: User | None = None, delivery_channel: str | None = None,
                        **business: Any) -> BillingProfile:
    """Create or change a customer's billing profile.

    A member changes their own (or the operator of their network); a company's channel
    is the operator's to set. Business details exist for members only. Channel `peppol`
    needs a Peppol identifier (a company's, or the member's enterprise number)."""
    if (organisation is None) == (member is None):
        raise InvalidInput(_("A billing profile is a company's or a member's."))
    unknown = set(business) - set(BUSINESS_FIELDS)
    if unknown or (organisation is not None and business):
        raise InvalidInput(_("Unknown field."),
                           fields={k: _("Unknown field.") for k in (unknown or business)})
    if organisation is not None:
        require(actor, "network.billing", network=organisation.network_id)
    elif getattr(actor, "pk", None) != member.pk and not allowed(  # type: ignore[union-attr]
            actor, "network.billing", network=member.network_id):  # type: ignore[union-attr]
        raise Forbidden(_("Only the member or their network's operator may change this."))
    if delivery_channel is not None and delivery_channel not in DeliveryChannel.values:
        raise InvalidInput(_("Unknown delivery channel."),
                           fields={"delivery_channel": _("email, peppol or auto.")})
    with transaction.atomic():
        profile = billing_profile_of(organisation=organisation, member=member)
        if profile.pk is not None:
            profile = BillingProfile.objects.select_for_update().get(pk=profile.pk)
        current = {n: getattr(profile, n) for n in BUSINESS_FIELDS}
        cleaned = _clean({**current, **business}) if member is not None else current
        for name, value in cleaned.items():
            setattr(profile, name, value or ("BE" if name == "country" else ""))
        if delivery_channel is not None:
            profile.delivery_channel = delivery_channel
        has_peppol_id = bool(organisation.peppol_id or organisation.enterprise_number) \
            if organisation is not None else bool(profile.enterprise_number)
        if profile.delivery_channel == DeliveryChannel.PEPPOL and not has_peppol_id:
            raise InvalidInput(
                _("Peppol needs an enterprise number (the Peppol identifier)."),
                code="peppol_id_missing",
                fields={"delivery_channel": _("No Peppol identifier.")})
        profile.save()
        audit_log(actor=actor, action="billing_profile.updated", obj=profile,
                  data={"channel": profile.delivery_channel,
                        "business": bool(profile.enterprise_number)})
    return profile
