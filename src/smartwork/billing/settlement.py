"""What each centre earned in a period, the self-billing statements, and the SEPA payout.

A centre's value for a period, from the facts:
- credit hours used at the centre (the network's members and guests from allied
  networks), at the network's credit-hour value;
- its pay-as-you-go revenue (charges of the period not cancelled);
- membership fees attributed by use: each membership month's fee is shared between
  the centres where its hours were used, in proportion to the minutes (largest
  remainder, so the shares add up to the fee to the cent); an unused membership
  of a one-centre plan goes to that centre, of a network plan to nobody.
Less the network's commission.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from smartwork.billing import labels
from smartwork.billing.calc import Period, target2_next_business_day
from smartwork.billing.choices import (
    MatchedBy,
    PaymentMethod,
    SettlementLineKind,
    SettlementState,
    VatCategory,
)
from smartwork.billing.labels import labels_for, number_text
from smartwork.billing.models import (
    Invoice,
    Payment,
    PayoutBatch,
    SelfBillingSequence,
    Settlement,
    SettlementLine,
)
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput
from smartwork.core.money import ZERO, money_round
from smartwork.core.permissions import require
from smartwork.credits.choices import AccountKind, LedgerReason
from smartwork.credits.models import LedgerEntry, MembershipPeriod, PaygCharge
from smartwork.network.models import Centre, Network

USE_REASONS = (LedgerReason.BOOKING, LedgerReason.CANCELLATION_REFUND, LedgerReason.NO_SHOW)
MINUTES_PER_HOUR = Decimal(60)


def hour_value(minutes: int, rate: Decimal) -> Decimal:
    return money_round(Decimal(minutes) * Decimal(rate) / MINUTES_PER_HOUR)


@dataclass
class CentreValue:
    centre_id: int
    own_minutes: int = 0
    guest_minutes: int = 0
    own_value: Decimal = ZERO
    guest_value: Decimal = ZERO
    payg_count: int = 0
    payg: Decimal = ZERO
    membership: Decimal = ZERO
    membership_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def gross(self) -> Decimal:
        return self.own_value + self.guest_value + self.payg + self.membership


def centre_values(*, network: Network, period: Period) -> dict[int, CentreValue]:
    """Each centre's value for the period, computed from the credits app's facts."""
    values: dict[int, CentreValue] = {}

    def of(centre_id: int) -> CentreValue:
        return values.setdefault(centre_id, CentreValue(centre_id=centre_id))

    credit_use = (
        LedgerEntry.objects.filter(
            centre__network_id=network.pk, reason__in=USE_REASONS,
            service_date__gte=period.start, service_date__lte=period.end,
        ).exclude(account__kind=AccountKind.MEMBERSHIP)
        .values("centre_id", "account__network_id").annotate(m=Sum("amount_minutes"))
    )
    for row in credit_use:
        used = -int(row["m"] or 0)
        value = of(row["centre_id"])
        if row["account__network_id"] == network.pk:
            value.own_minutes += used
        else:
            value.guest_minutes += used
    for value in values.values():
        value.own_value = hour_value(value.own_minutes, network.credit_hour_value)
        value.guest_value = hour_value(value.guest_minutes, network.credit_hour_value)

    for payg_row in (PaygCharge.objects.filter(
        centre__network_id=network.pk, service_date__gte=period.start,
        service_date__lte=period.end, cancelled_at__isnull=True,
    ).values("centre_id").annotate(total=Sum("price_net"), n=Count("id"))):
        value = of(payg_row["centre_id"])
        value.payg = money_round(payg_row["total"] or ZERO)
        value.payg_count = payg_row["n"]

    for centre_id, amount, count in membership_attribution(network=network, period=period):
        value = of(centre_id)
        value.membership += amount
        value.membership_count += count
    return values


def membership_attribution(*, network: Network,
                           period: Period) -> list[tuple[int, Decimal, int]]:
    """(centre, share of fees, memberships) for the membership months starting in the period."""
    shares: dict[int, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[int, int] = defaultdict(int)
    months = list(MembershipPeriod.objects.filter(
        membership__plan__network_id=network.pk, starts_on__gte=period.start,
        starts_on__lte=period.end,
    ).select_related("membership__plan"))
    if not months:
        return []
    use: dict[tuple[int, int], int] = defaultdict(int)
    for mp in months:
        rows = LedgerEntry.objects.filter(
            account_id=mp.membership.account_id, reason__in=USE_REASONS,
            service_date__gte=mp.starts_on, service_date__lte=mp.ends_on,
            centre__isnull=False,
        ).values("centre_id").annotate(m=Sum("amount_minutes"))
        for row in rows:
            if -(row["m"] or 0) > 0:
                use[(mp.pk, row["centre_id"])] += -(row["m"] or 0)
    for mp in months:
        mine = {c: m for (p, c), m in use.items() if p == mp.pk}
        if not mine:
            if mp.membership.plan.centre_id:
                shares[mp.membership.plan.centre_id] += mp.fee_net
                counts[mp.membership.plan.centre_id] += 1
            continue
        for centre_id, amount in split_by_weight(mp.fee_net, mine).items():
            shares[centre_id] += amount
            counts[centre_id] += 1
    return [(c, shares[c], counts[c]) for c in sorted(shares)]


def split_by_weight(total: Decimal, weights: dict[int, int]) -> dict[int, Decimal]:
    """Share an amount in proportion to weights, to the cent, adding up exactly."""
    cents = int((total * 100).to_integral_value())
    whole = sum(weights.values())
    raw = {k: Decimal(cents) * w / whole for k, w in weights.items()}
    floor = {k: int(v) for k, v in raw.items()}
    left = cents - sum(floor.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - floor[k]), k))[:left]:
        floor[k] += 1
    return {k: Decimal(v) / 100 for k, v in floor.items()}


def _payee(centre: Centre) -> dict[str, Any]:
    """The supplier as it is on the self-billing invoice (a snapshot, like an invoice's
    parties), with its bank account for the payout."""
    from smartwork.billing.services import organisation_snapshot

    return organisation_snapshot(centre.operator)


def _next_self_billing_number(*, supplier_id: int, year: int) -> int:
    """The next number of a supplier's self-billing series, its row locked until the
    caller commits (as invoice numbers: gapless, a rollback gives the number back)."""
    seq = SelfBillingSequence.objects.select_for_update().filter(
        supplier_id=supplier_id, year=year).first()
    if seq is None:
        try:
            with transaction.atomic():
                SelfBillingSequence.objects.create(supplier_id=supplier_id, year=year)
        except IntegrityError:
            pass  # made meanwhile by a concurrent transaction: lock theirs
        seq = SelfBillingSequence.objects.select_for_update().get(supplier_id=supplier_id,
                                                                  year=year)
    seq.last_number += 1
    seq.save(update_fields=["last_number"])
    return seq.last_number


def _supplier_vat(network: Network, supplier: Any) -> tuple[str, Decimal, list[str]]:
    """VAT on a centre's supply to the operator: the network's rate when the centre's
    operator is VAT-registered; otherwise none (category O, not subject) and a flag for
    the operator, who must check whether the centre should charge VAT."""
    if supplier.vat_number:
        return VatCategory.STANDARD, network.default_vat_rate, []
    return VatCategory.NOT_SUBJECT, Decimal("0.00"), [FLAG_SUPPLIER_VAT_MISSING]


FLAG_SUPPLIER_VAT_MISSING = "supplier_vat_missing"


CORRECTION_LOOKBACK_MONTHS = 12
FLAG_CORRECTION_WAITS = "correction_waits"


def correction_commission(amount: Decimal, rate: Decimal) -> Decimal:
    """The commission on a correction line: at the rate of the statement it corrects,
    rounded once, as that statement's own commission was (negative when it takes back)."""
    return money_round(amount * rate / 100)


@dataclass
class Correction:
    corrects: Settlement
    amount: Decimal


def settled_for(statement: Settlement) -> Decimal:
    """What the centre's statements carry so far for the period of `statement`: its own
    lines of the period (not the corrections of earlier periods it carries) and the
    corrections of it issued in later statements."""
    own = statement.lines.exclude(kind=SettlementLineKind.CORRECTION).aggregate(
        t=Sum("amount"))["t"] or ZERO
    later = SettlementLine.objects.filter(corrects=statement).aggregate(
        t=Sum("amount"))["t"] or ZERO
    return money_round(own + later)


def commission_for(statement: Settlement) -> Decimal:
    """The commission taken so far for the period of `statement`: its own commission less
    that of the corrections of earlier periods it carries, plus that of the corrections
    of it carried by later statements (each at the rate of the statement corrected)."""
    carried = sum((correction_commission(ln.amount, ln.corrects.commission_rate)
                   for ln in statement.lines.filter(kind=SettlementLineKind.CORRECTION)
                   .select_related("corrects") if ln.corrects is not None), ZERO)
    later = sum((correction_commission(ln.amount, statement.commission_rate)
                 for ln in SettlementLine.objects.filter(corrects=statement)), ZERO)
    return statement.commission - carried + later


def _earlier_statements(*, network: Network, period: Period) -> dict[int, list[Settlement]]:
    """Each centre's statements of the periods before `period`, as far back as the
    corrections look (CORRECTION_LOOKBACK_MONTHS), oldest first."""
    since = dt.date(period.start.year - CORRECTION_LOOKBACK_MONTHS // 12,
                    period.start.month, 1)
    by_centre: dict[int, list[Settlement]] = defaultdict(list)
    for s in Settlement.objects.filter(network=network, period_start__lt=period.start,
                                       period_start__gte=since).order_by("period_start", "pk"):
        by_centre[s.centre_id].append(s)
    return dict(by_centre)


def _facts_then(*, network: Network,
                statements: dict[int, list[Settlement]]) -> dict[tuple[int, dt.date], Decimal]:
    """(centre, period start) -> the value the facts now give that earlier period,
    computed once per period from the facts (never from when they were recorded: a fact
    committed late, in whatever order, is counted all the same)."""
    periods = {(s.period_start, s.period_end) for rows in statements.values() for s in rows}
    facts: dict[tuple[int, dt.date], Decimal] = {}
    for start, end in sorted(periods):
        for centre_id, value in centre_values(network=network, period=Period(start, end)).items():
            facts[(centre_id, start)] = value.gross
    return facts


def _corrections(*, statements: list[Settlement], facts: dict[tuple[int, dt.date], Decimal],
                 supplier_id: int, vat: tuple[str, Decimal]) -> tuple[list[Correction], bool]:
    """The corrections a new statement of the centre carries: for each earlier statement,
    the facts of its period now less what was settled for it so far (read under the
    centre's lock). One whose supplier or VAT differs from the new statement's cannot be
    a line of it: it waits (the second value says whether any waits)."""
    found: list[Correction] = []
    waits = False
    for statement in statements:
        difference = (facts.get((statement.centre_id, statement.period_start), ZERO)
                      - settled_for(statement))
        if not difference:
            continue
        if (statement.supplier_id not in (None, supplier_id)
                or (statement.vat_category, statement.vat_rate) != vat):
            waits = True
            continue
        found.append(Correction(corrects=statement, amount=difference))
    return found, waits


def settlements_create(*, actor: Any, network: Network, period: Period,
                       today: dt.date | None = None,
                       check_permission: bool = True) -> list[Settlement]:
    """One self-billing invoice per centre with value in an ended period (idempotent),
    numbered in its operator's self-billing series, with VAT where the operator is
    VAT-registered, and the operator's commission invoice to it, set off in the payout.

    A statement also corrects the centre's earlier ones: for each period of the last
    CORRECTION_LOOKBACK_MONTHS with a statement, what the facts now say less what was
    settled for it so far becomes a correction line (facts recorded after that statement
    was issued: a refund, a cancelled charge, a late booking), its commission at the
    earlier statement's rate. A centre with corrections alone gets a statement too.
    Issued statements never change. A statement is never negative: corrections that
    would make it so (or its commission) wait, except those adding to it, and it is
    flagged `correction_waits`."""
    if check_permission:
        require(actor, "network.billing", network=network)
    today = today or timezone.localdate()
    if not period.has_ended(today):
        raise InvalidInput(_("The period %(period)s has not ended yet.") % {"period": period.label},
                           code="period_open", fields={"period": _("Not ended yet.")})
    values = centre_values(network=network, period=period)
    earlier = _earlier_statements(network=network, period=period)
    facts = _facts_then(network=network, statements=earlier)
    ids = {c for c, v in values.items() if v.gross != 0} | set(earlier)
    centres = {c.pk: c for c in Centre.objects.filter(pk__in=ids).select_related("operator")}
    created = []
    for centre_id in sorted(ids):
        value = values.get(centre_id) or CentreValue(centre_id=centre_id)
        centre = centres[centre_id]
        try:
            with transaction.atomic():
                # The centre's row, locked: two runs (of this period or of two later
                # ones) issue each correction once, as the later one reads the lines
                # the first committed.
                Centre.objects.select_for_update().filter(pk=centre_id).first()
                if Settlement.objects.filter(centre=centre, period_start=period.start).exists():
                    continue
                supplier = centre.operator
                category, rate, flags = _supplier_vat(network, supplier)
                corrections, waits = _corrections(
                    statements=earlier.get(centre_id, []), facts=facts,
                    supplier_id=supplier.pk, vat=(category, rate))
                gross, commission = _totals(value, corrections, network.commission_rate)
                if gross < 0 or commission < 0:
                    corrections = [c for c in corrections if c.amount > 0]
                    waits = True
                    gross, commission = _totals(value, corrections, network.commission_rate)
                if value.gross == 0 and not corrections:
                    continue
                if waits:
                    flags = [*flags, FLAG_CORRECTION_WAITS]
                vat = money_round(gross * rate / 100)
                number = _next_self_billing_number(supplier_id=supplier.pk, year=today.year)
                settlement = Settlement.objects.create(
                    network=network, centre=centre, period_start=period.start,
                    period_end=period.end,
                    reference=f"SB{supplier.pk}-{today.year}-{number:06d}",
                    gross_value=gross, commission_rate=network.commission_rate,
                    commission=commission, payout_amount=gross + vat,
                    payee_data=_payee(centre), supplier=supplier, year=today.year,
                    number=number, issue_date=today, vat_category=category, vat_rate=rate,
                    vat_amount=vat, total_gross=gross + vat, flags=flags,
                )
                SettlementLine.objects.bulk_create(
                    _lines(settlement, value, network)
                    + [_correction_line(settlement, c) for c in corrections])
                if commission > 0:
                    invoice = _commission_invoice(actor=actor, network=network,
                                                  settlement=settlement, period=period,
                                                  today=today)
                    settlement.commission_invoice = invoice
                    settlement.payout_amount = settlement.total_gross - invoice.total_gross
                    settlement.save(update_fields=["commission_invoice", "payout_amount"])
                if centre.host_company_id is not None and settlement.payout_amount > 0:
                    _offset_host_invoices(actor=actor, network=network, settlement=settlement,
                                          today=today)
                audit_log(actor=actor, action="settlement.created", obj=settlement,
                          network_id=network.pk,
                          data={"number": settlement.display_number,
                                "gross": str(settlement.total_gross),
                                "payout": str(settlement.payout_amount), "flags": flags,
                                "corrections": [
                                    {"period": f"{c.corrects.period_start:%Y-%m}",
                                     "number": c.corrects.display_number,
                                     "amount": str(c.amount)} for c in corrections]})
                created.append(settlement)
        except IntegrityError:
            continue  # made by a concurrent call meanwhile
    return created


def _totals(value: CentreValue, corrections: list[Correction],
            rate: Decimal) -> tuple[Decimal, Decimal]:
    """A statement's value (the period's, with the corrections it carries) and its
    commission: the period's at today's rate, each correction's at its own."""
    gross = value.gross + sum((c.amount for c in corrections), ZERO)
    commission = money_round(value.gross * rate / 100) + sum(
        (correction_commission(c.amount, c.corrects.commission_rate) for c in corrections), ZERO)
    return gross, commission


def _correction_line(settlement: Settlement, correction: Correction) -> SettlementLine:
    """Quantity 1 or -1 at a positive price (an invoice's item price is never negative,
    Peppol BR-27), so that quantity x unit value is the (signed) amount."""
    earlier = correction.corrects
    return SettlementLine(
        settlement=settlement, kind=SettlementLineKind.CORRECTION, corrects=earlier,
        description=_("Correction for %(period)s: facts recorded after its statement "
                      "%(number)s") % {"period": f"{earlier.period_start:%Y-%m}",
                                       "number": earlier.display_number},
        quantity=Decimal(1) if correction.amount > 0 else Decimal(-1),
        unit_value=abs(correction.amount), amount=correction.amount)


def _commission_invoice(*, actor: Any, network: Network, settlement: Settlement,
                        period: Period, today: dt.date) -> Invoice:
    """The operator's invoice for its commission to the centre's operator (a supply of
    the operator, with VAT, in its own invoice series), paid by setting it off against
    the centre's payout (a payment of method `offset`)."""
    from smartwork.billing.payments import _apply
    from smartwork.billing.services import LineDraft, invoice_draft_create, invoice_issue

    supplier = settlement.supplier
    assert supplier is not None  # set just before
    lang = supplier.language if supplier.language in labels.LABELS else "en"
    text = labels_for(lang)["commission_line"].format(
        rate=number_text(settlement.commission_rate, lang), centre=settlement.centre.name,
        period=period.label, number=settlement.display_number)
    draft = invoice_draft_create(
        actor=actor, network=network, customer_organisation=supplier, check_permission=False,
        lines=[LineDraft(description=text, quantity=Decimal(1),
                         unit_price=settlement.commission, vat_rate=network.default_vat_rate,
                         centre_id=settlement.centre_id, centre_name=settlement.centre.name)],
        period_start=period.start, period_end=period.end,
        billing_key=f"{network.pk}:{period.label}:commission:{settlement.centre_id}",
    )
    invoice = invoice_issue(actor=actor, invoice=draft, issue_date=today, check_permission=False)
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    payment = Payment(network=network, amount=locked.total_gross, currency=locked.currency,
                      value_date=today, method=PaymentMethod.OFFSET,
                      counterparty_name=supplier.legal_name[:140],
                      communication=f"{settlement.display_number}"[:140],
                      actor=actor if getattr(actor, "pk", None) else None)
    _apply(payment, locked, MatchedBy.MANUAL)
    payment.save()
    return locked


def _offset_host_invoices(*, actor: Any, network: Network, settlement: Settlement,
                          today: dt.date) -> Decimal:
    """A company-hosted space's payout first pays what its host still owes the network:
    the host's open invoices, oldest first, each paid (in part) by a payment of method
    `offset` naming the settlement, as the commission invoice is. The invoices themselves
    do not change (only their payment progress); the rest is paid out by SEPA."""
    from smartwork.billing.choices import OPEN_STATES, InvoiceKind
    from smartwork.billing.payments import _apply

    left = settlement.payout_amount
    offset = ZERO
    invoices = Invoice.objects.select_for_update().filter(
        network=network, customer_organisation_id=settlement.centre.host_company_id,
        kind=InvoiceKind.INVOICE, state__in=OPEN_STATES,
    ).order_by("issue_date", "pk")
    for invoice in invoices:
        due = invoice.amount_due
        if left <= 0:
            break
        if due <= 0:
            continue
        amount = min(due, left)
        payment = Payment(network=network, amount=amount, currency=invoice.currency,
                          value_date=today, method=PaymentMethod.OFFSET,
                          counterparty_name=(settlement.supplier.legal_name
                                             if settlement.supplier else "")[:140],
                          communication=f"{settlement.display_number}"[:140],
                          actor=actor if getattr(actor, "pk", None) else None)
        _apply(payment, invoice, MatchedBy.MANUAL)
        payment.save()
        left -= amount
        offset += amount
        audit_log(actor=actor, action="settlement.offset", obj=invoice, network_id=network.pk,
                  data={"settlement": settlement.display_number, "amount": str(amount)})
    if offset:
        settlement.invoice_offset = offset
        settlement.payout_amount = settlement.payout_amount - offset
        settlement.save(update_fields=["invoice_offset", "payout_amount"])
    return offset


def _lines(settlement: Settlement, value: CentreValue, network: Network) -> list[SettlementLine]:
    rows = []
    if value.own_minutes:
        rows.append(SettlementLine(
            settlement=settlement, kind=SettlementLineKind.CREDIT,
            description=_("Credit hours used by the network's members"),
            quantity=Decimal(value.own_minutes) / MINUTES_PER_HOUR,
            unit_value=network.credit_hour_value, amount=value.own_value))
    if value.guest_minutes:
        rows.append(SettlementLine(
            settlement=settlement, kind=SettlementLineKind.ROAMING,
            description=_("Credit hours used by guests of allied networks"),
            quantity=Decimal(value.guest_minutes) / MINUTES_PER_HOUR,
            unit_value=network.credit_hour_value, amount=value.guest_value))
    # Pay-as-you-go revenue and membership shares are sums of different prices: one
    # line each (quantity 1 at the sum), the count in the text, so that quantity x unit
    # value is the amount (an average price would not add up: 6 x 16.83 != 101.00).
    if value.payg_count:
        rows.append(SettlementLine(
            settlement=settlement, kind=SettlementLineKind.PAYG,
            description=f"{_('Pay-as-you-go bookings')} ({value.payg_count})",
            quantity=Decimal(1), unit_value=value.payg, amount=value.payg))
    if value.membership:
        rows.append(SettlementLine(
            settlement=settlement, kind=SettlementLineKind.MEMBERSHIP,
            description=f"{_('Memberships, attributed by use')} ({value.membership_count})",
            quantity=Decimal(1), unit_value=value.membership, amount=value.membership))
    return rows


def settlement_approve(*, actor: Any, settlement: Settlement,
                       check_permission: bool = True) -> Settlement:
    if check_permission:
        require(actor, "network.billing", network=settlement.network_id)
    with transaction.atomic():
        locked = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if locked.state != SettlementState.DRAFT:
            raise Conflict(_("Only a draft settlement can be approved."),
                           code="settlement_not_draft")
        locked.state = SettlementState.APPROVED
        locked.save(update_fields=["state"])
        audit_log(actor=actor, action="settlement.approved", obj=locked,
                  network_id=locked.network_id)
    return locked


MAX_APPROVE_AT_ONCE = 500


def settlements_approve(*, actor: Any, settlement_ids: Any) -> list[Settlement]:
    """Approve several settlements together, all or nothing: the rows are locked in id
    order, each is checked (one the actor may approve, still a draft), and either every
    one is approved (each with its own audit entry) or none is, with a report naming
    each one that stopped it (409 `settlements_not_approved`, `data.problems`)."""
    ids = sorted({int(i) for i in settlement_ids or []})
    if not ids:
        raise InvalidInput(_("Choose at least one settlement."), code="nothing_chosen",
                           fields={"ids": [_("Choose at least one settlement.")]})
    if len(ids) > MAX_APPROVE_AT_ONCE:
        raise InvalidInput(_("At most %(n)d settlements at once.") % {"n": MAX_APPROVE_AT_ONCE},
                           fields={"ids": [_("Too many.")]})
    from smartwork.core.errors import NotFound
    from smartwork.core.permissions import allowed

    with transaction.atomic():
        locked = {s.pk: s for s in Settlement.objects.select_for_update()
                  .filter(pk__in=ids).order_by("pk")}
        problems: list[dict[str, Any]] = []
        for pk in ids:
            row = locked.get(pk)
            if row is None or not allowed(actor, "network.billing", network=row.network_id):
                problems.append({"id": pk, "reference": "", "code": "not_found",
                                 "message": str(_("No such settlement."))})
            elif row.state != SettlementState.DRAFT:
                problems.append({"id": pk, "reference": row.display_number,
                                 "code": "settlement_not_draft",
                                 "message": str(_("%(ref)s is not a draft (%(state)s).") % {
                                     "ref": row.display_number,
                                     "state": row.get_state_display()})})
        if problems:
            if all(p["code"] == "not_found" for p in problems) and len(problems) == len(ids):
                # Whether settlements exist elsewhere is not told (as one by one: 404).
                raise NotFound(_("No such settlement."))
            raise Conflict(
                _("No settlement was approved: %(n)d of %(total)d cannot be.")
                % {"n": len(problems), "total": len(ids)},
                code="settlements_not_approved", data={"problems": problems})
        for row in locked.values():
            row.state = SettlementState.APPROVED
            row.save(update_fields=["state"])
            audit_log(actor=actor, action="settlement.approved", obj=row,
                      network_id=row.network_id, data={"together": len(ids)})
    return [locked[pk] for pk in ids]


# --- SEPA payout (pain.001.001.09) ---------------------------------------------------


def iban_check(value: str, *, field_name: str) -> str:
    try:
        return str(IBAN(value).compact)
    except SchwiftyException as exc:
        raise InvalidInput(_("%(iban)s is not a valid IBAN.") % {"iban": value or "''"},
                           code="invalid_iban", fields={field_name: str(exc)}) from exc


def bic_check(value: str, *, field_name: str) -> str:
    try:
        return str(BIC(value).compact)
    except SchwiftyException as exc:
        raise InvalidInput(_("%(bic)s is not a valid BIC.") % {"bic": value or "''"},
                           code="invalid_bic", fields={field_name: str(exc)}) from exc


def payout_message_id(now: dt.datetime | None = None) -> str:
    """A pain.001 message id: local time on a 24-hour clock, then 12 random hex digits
    (sepaxml's own uses a 12-hour clock, so 2 a.m. and 2 p.m. read the same)."""
    import secrets

    now = timezone.localtime(now or timezone.now())
    return f"{now:%Y%m%d%H%M%S}-{secrets.token_hex(6)}"


def _transfer_class() -> Any:
    from sepaxml import SepaTransfer

    class Transfer(SepaTransfer):  # type: ignore[misc]
        def _create_header(self) -> None:
            self.msg_id = payout_message_id()
            super()._create_header()

    return Transfer


def payout_batch_create(*, actor: Any, network: Network, period: Period,
                        execution_date: dt.date | None = None,
                        check_permission: bool = True) -> PayoutBatch:
    """One SEPA credit transfer file paying every approved settlement of the period."""
    _Transfer = _transfer_class()
    if check_permission:
        require(actor, "network.billing", network=network)
    operator = network.operator
    debtor_iban = iban_check(operator.iban, field_name="operator.iban")
    debtor_bic = bic_check(operator.bic, field_name="operator.bic")
    # By default the next TARGET2 business day (never a weekend or a TARGET holiday).
    execution_date = execution_date or target2_next_business_day(timezone.localdate())
    with transaction.atomic():
        settlements = list(Settlement.objects.select_for_update(of=("self",)).filter(
            network=network, period_start=period.start, state=SettlementState.APPROVED,
            payout_batch__isnull=True,
        ).select_related("centre").order_by("pk"))
        settlements = [s for s in settlements if s.payout_amount > 0]
        if not settlements:
            raise Conflict(_("No approved settlement waits for payment in this period."),
                           code="nothing_to_pay")
        payees = []
        for s in settlements:
            payees.append((s, iban_check(s.payee_data.get("iban", ""),
                                         field_name=f"centre.{s.centre_id}.iban"),
                           bic_check(s.payee_data.get("bic", ""),
                                     field_name=f"centre.{s.centre_id}.bic")))
        sepa = _Transfer({
            "name": operator.legal_name[:70], "IBAN": debtor_iban, "BIC": debtor_bic,
            "batch": True, "currency": network.currency,
        }, schema="pain.001.001.09", clean=True)
        message_id = str(sepa.msg_id)
        for s, iban, bic in payees:
            sepa.add_payment({
                "name": s.payee_data.get("name", "")[:70], "IBAN": iban, "BIC": bic,
                "amount": int((s.payout_amount * 100).to_integral_value()),
                "execution_date": execution_date,
                "description": f"{s.reference} {period.label}"[:140],
                "endtoend_id": s.reference.replace("-", "")[:35],
            })
        xml = sepa.export(validate=True, pretty_print=True)
        batch = PayoutBatch.objects.create(
            network=network, period_start=period.start, message_id=message_id,
            execution_date=execution_date, total=sum((s.payout_amount for s in settlements), ZERO),
            transfer_count=len(settlements), xml=xml.decode("utf-8"), actor=actor,
        )
        Settlement.objects.filter(pk__in=[s.pk for s in settlements]).update(
            payout_batch=batch, state=SettlementState.IN_BATCH)
        audit_log(actor=actor, action="payout_batch.created", obj=batch, network_id=network.pk,
                  data={"total": str(batch.total), "transfers": batch.transfer_count})
    return batch
