"""Reads, scoped to the acting user: a company sees its own invoices, a member their own,
a centre its own settlements, an operator everything of their network."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation
from smartwork.billing.choices import InvoiceKind, InvoiceState, SettlementLineKind
from smartwork.billing.models import (
    ClearingStatement,
    Invoice,
    InvoiceDelivery,
    InvoiceLine,
    InvoiceRun,
    Payment,
    PayoutBatch,
    Settlement,
)
from smartwork.core.errors import NotAuthenticated, NotFound
from smartwork.core.permissions import roles_of


def _roles(user: Any) -> Any:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))
    return roles_of(user)


def network_for_billing(*, user: Any, network_id: int) -> Any:
    """The network a billing route acts on. Someone with no part in it (another network's
    operator, a stranger) gets 404, as for any object outside their scope (its existence
    is not disclosed); someone of that network whose role does not allow billing (a
    company admin, a centre manager, a member) gets 403."""
    from smartwork.core.errors import Forbidden
    from smartwork.core.permissions import allowed
    from smartwork.network.selectors import network_get

    roles = _roles(user)
    network = network_get(network_id=network_id)
    if allowed(user, "network.billing", network=network):
        return network
    theirs = (getattr(user, "network_id", None) == network.pk
              or network.pk in roles.operator_networks
              or network.pk in set(roles.centre_networks.values())
              or (roles.admin_companies and network.pk in set(
                  Organisation.objects.filter(pk__in=roles.admin_companies)
                  .values_list("network_id", flat=True))))
    if not theirs:
        raise NotFound(_("No such network."))
    raise Forbidden(_("Your role does not allow this here."), code="forbidden")


def invoices_for(*, user: Any) -> QuerySet[Invoice]:
    roles = _roles(user)
    qs = Invoice.objects.select_related("credited_invoice")
    if roles.superuser:
        return qs
    return qs.filter(
        Q(network_id__in=roles.operator_networks)
        | (Q(customer_organisation_id__in=roles.admin_companies) & ~Q(state="draft"))
        | (Q(customer_member_id=user.pk) & ~Q(state="draft"))
    )


def invoice_get(*, user: Any, invoice_id: int) -> Invoice:
    invoice = invoices_for(user=user).filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(_("No such invoice."))
    return invoice


def settlements_for(*, user: Any) -> QuerySet[Settlement]:
    roles = _roles(user)
    qs = Settlement.objects.select_related("centre", "network__operator", "centre__operator")
    if roles.superuser:
        return qs
    return qs.filter(Q(network_id__in=roles.operator_networks)
                     | Q(centre_id__in=roles.manager_centres))


def settlements_listed(*, user: Any) -> QuerySet[Settlement]:
    """The settlements page's list, newest period first, each with `corrected`: the sum of
    its correction lines (facts of earlier statements recorded after them), or None."""
    return settlements_for(user=user).order_by("-period_start", "centre__name").annotate(
        corrected=Sum("lines__amount", filter=Q(lines__kind=SettlementLineKind.CORRECTION)))


def settlement_get(*, user: Any, settlement_id: int) -> Settlement:
    settlement = settlements_for(user=user).filter(pk=settlement_id).first()
    if settlement is None:
        raise NotFound(_("No such settlement."))
    return settlement


def _operator_scope(user: Any, qs: QuerySet, field: str = "network_id") -> QuerySet:
    roles = _roles(user)
    if roles.superuser:
        return qs
    return qs.filter(**{f"{field}__in": roles.operator_networks})


def payments_for(*, user: Any) -> QuerySet[Payment]:
    return _operator_scope(user, Payment.objects.select_related("invoice"))


def runs_for(*, user: Any) -> QuerySet[InvoiceRun]:
    return _operator_scope(user, InvoiceRun.objects.all())


def payout_batches_for(*, user: Any) -> QuerySet[PayoutBatch]:
    return _operator_scope(user, PayoutBatch.objects.all())


def clearings_for(*, user: Any) -> QuerySet[ClearingStatement]:
    roles = _roles(user)
    qs = ClearingStatement.objects.select_related("alliance")
    if roles.superuser:
        return qs
    return qs.filter(Q(alliance__network_a_id__in=roles.operator_networks)
                     | Q(alliance__network_b_id__in=roles.operator_networks))


def billing_list_allowed(*, user: Any, managers: bool = False) -> None:
    """A list of the network's money (payments, deliveries, clearings; settlements also
    for centre managers) is for those who have a scope for it: anyone else gets 403, not
    an empty list (docs/architecture.md, "Permissions and tenancy")."""
    from smartwork.core.errors import Forbidden

    roles = _roles(user)
    if roles.superuser or roles.operator_networks or (managers and roles.manager_centres):
        return
    raise Forbidden(_("Your role does not allow this here."), code="forbidden")


def get_or_404(qs: QuerySet, pk: int, what: str) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("No such %(what)s.") % {"what": what})
    return obj


def invoices_of_sources(*, user: Any, source_type: str, source_ids: list[int]
                        ) -> dict[int, Invoice]:
    """The issued invoice (never a draft, never a credit note) that bills each source
    (e.g. a credit purchase), among the invoices the user may see."""
    lines = (InvoiceLine.objects.filter(source_type=source_type, source_id__in=source_ids,
                                        invoice__in=invoices_for(user=user).exclude(
                                            state=InvoiceState.DRAFT).exclude(
                                            kind=InvoiceKind.CREDIT_NOTE))
             .select_related("invoice").order_by("invoice_id"))
    return {line.source_id: line.invoice for line in lines if line.source_id is not None}


def deliveries_for(*, user: Any) -> QuerySet[InvoiceDelivery]:
    """Deliveries of the invoices of the operator's networks (operators only)."""
    return _operator_scope(
        user, InvoiceDelivery.objects.select_related("invoice"), field="invoice__network_id")


def delivery_get(*, user: Any, delivery_id: int) -> InvoiceDelivery:
    return get_or_404(deliveries_for(user=user), delivery_id, "delivery")
