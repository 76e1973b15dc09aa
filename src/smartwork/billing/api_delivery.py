"""API of invoice delivery (operator) and billing profiles (members, operator)."""


import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from smartwork.accounts.models import Organisation
from smartwork.billing import selectors
from smartwork.billing.delivery import delivery_retry, invoice_deliver
from smartwork.billing.profiles import billing_profile_of, billing_profile_set
from smartwork.core.errors import NotFound
from smartwork.core.permissions import allowed

router = Router(tags=["billing: delivery"])


class DeliveryOut(Schema):
    id: int
    invoice_id: int
    invoice_number: str
    customer: str
    channel: str
    receiver: str
    state: str
    attempts: int
    next_attempt_at: dt.datetime | None
    reason: str
    message_id: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_invoice_number(obj: Any) -> str:
        return str(obj.invoice.display_number)

    @staticmethod
    def resolve_customer(obj: Any) -> str:
        return str(obj.invoice.customer_name)


class DeliveryQuery(Schema):
    state: str | None = None
    channel: str | None = None
    invoice: int | None = None


class BillingProfileIn(Schema):
    delivery_channel: str | None = None
    legal_name: str | None = None
    enterprise_number: str | None = None
    vat_number: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None


class BillingProfileOut(Schema):
    delivery_channel: str
    legal_name: str
    enterprise_number: str
    vat_number: str
    street: str
    postcode: str
    city: str
    country: str
    peppol_id: str

    @staticmethod
    def resolve_peppol_id(obj: Any) -> str:
        if obj.organisation_id:
            org = obj.organisation
            ident = org.peppol_id or org.enterprise_number
            return f"{org.peppol_scheme or '0208'}:{ident}" if ident else ""
        return f"0208:{obj.enterprise_number}" if obj.enterprise_number else ""


@router.get("/deliveries", response=list[DeliveryOut],
            summary="Deliveries of invoices (operator); ?state=failed lists the failures")
@paginate(LimitOffsetPagination)
def delivery_list(request: HttpRequest, filters: Query[DeliveryQuery]) -> Any:
    selectors.billing_list_allowed(user=request.user)
    qs = selectors.deliveries_for(user=request.user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.invoice:
        qs = qs.filter(invoice_id=filters.invoice)
    return qs


@router.post("/deliveries/{delivery_id}/retry", response=DeliveryOut,
             summary="Retry a failed delivery now (operator)")
def delivery_retry_view(request: HttpRequest, delivery_id: int) -> Any:
    delivery = selectors.delivery_get(user=request.user, delivery_id=delivery_id)
    return delivery_retry(actor=request.user, delivery=delivery)


@router.post("/invoices/{invoice_id}/deliver", response={202: DeliveryOut},
             summary="Queue the delivery of an issued invoice on its customer's channel")
def invoice_deliver_view(request: HttpRequest, invoice_id: int) -> Any:
    invoice = selectors.invoice_get(user=request.user, invoice_id=invoice_id)
    return Status(202, invoice_deliver(actor=request.user, invoice=invoice))


@router.get("/me/billing-profile", response=BillingProfileOut,
            summary="My invoicing details (an independent's business identity)")
def my_billing_profile(request: HttpRequest) -> Any:
    return billing_profile_of(member=request.user)  # type: ignore[arg-type]


@router.put("/me/billing-profile", response=BillingProfileOut,
            summary="Set my invoicing details: enterprise and VAT number, address, channel")
def my_billing_profile_set(request: HttpRequest, data: BillingProfileIn) -> Any:
    return billing_profile_set(actor=request.user, member=request.user,  # type: ignore[arg-type]
                               **data.dict(exclude_unset=True))


@router.put("/organisations/{organisation_id}/billing-profile", response=BillingProfileOut,
            summary="A customer company's delivery channel (operator)")
def organisation_billing_profile_set(request: HttpRequest, organisation_id: int,
                                     data: BillingProfileIn) -> Any:
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None or not allowed(request.user, "network.billing", network=org.network_id):
        raise NotFound(_("No such company."))  # another network's company: not found
    return billing_profile_set(actor=request.user, organisation=org,
                               **data.dict(exclude_unset=True))

