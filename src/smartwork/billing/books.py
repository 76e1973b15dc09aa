"""The books of a network for a period, reconciled to the cent.

Every figure is read from its own table and compared with what the facts say it
should be; then the identity

    invoiced = settled to centres + commission + change in unused credit liability
               + clearing (payable - receivable) + operator's margin

is checked exactly (all terms are sums of amounts rounded once, half up, at the
same grain as the documents that carry them). Any difference is a failure.

Terms (h = the network's credit-hour value, r = an alliance's clearing rate):
- invoiced: the net of the period's invoices, by source (from invoice lines);
- settled, commission: from the settlement statements of the period;
- liability change: h x (credit sold - credit used by the network's members here and
  abroad - expired + adjustments), in minutes from the ledger;
- clearing: what the network owes allied networks for its members' use there,
  less what they owe it for their members' use here (at r);
- operator's margin: credit sold above or below h, membership fees not attributed
  to any centre, expired credit, and the difference between h and r on roaming.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from smartwork.billing.calc import Period
from smartwork.billing.choices import (
    InvoiceKind,
    InvoiceState,
    LineSource,
    PaymentMethod,
    SettlementLineKind,
)
from smartwork.billing.clearing import (
    TakenRow,
    clearing_compute,
    clearing_next_period,
    clearing_of_rows,
    roaming_to_clear,
)
from smartwork.billing.models import (
    ClearingStatement,
    InvoiceLine,
    Payment,
    PayoutBatch,
    Settlement,
)
from smartwork.billing.settlement import (
    USE_REASONS,
    centre_values,
    commission_for,
    hour_value,
    settled_for,
)
from smartwork.bookings.choices import BookingState
from smartwork.bookings.models import Booking
from smartwork.core.money import ZERO, money_round
from smartwork.credits.choices import AccountKind, LedgerReason, PaygBillTo
from smartwork.credits.models import (
    CreditPurchase,
    LedgerEntry,
    MembershipPeriod,
    PaygCharge,
    RoamingUsage,
)
from smartwork.network.models import Alliance, Network


@dataclass
class Books:
    network: Network
    period: Period
    figures: dict[str, Decimal] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.failures

    def expect(self, what: str, found: Decimal, expected: Decimal) -> None:
        if found != expected:
            self.failures.append(f"{what}: found {found}, expected {expected} "
                                 f"(difference {found - expected})")


def books_check(*, network: Network, period: Period) -> Books:
    books = Books(network=network, period=period)
    h = network.credit_hour_value
    in_period = {"service_date__gte": period.start, "service_date__lte": period.end}

    # --- Invoiced, by source, against the facts ---------------------------------------
    lines = InvoiceLine.objects.filter(
        invoice__network=network, invoice__kind=InvoiceKind.INVOICE,
        invoice__billing_key__isnull=False, invoice__period_start=period.start,
    ).exclude(invoice__state=InvoiceState.DRAFT)
    by_source = dict(lines.values_list("source_type").annotate(s=Sum("line_net")).values_list(
        "source_type", "s"))
    inv_credit = by_source.get(LineSource.CREDIT_PURCHASE) or ZERO
    inv_payg = (by_source.get(LineSource.BOOKING) or ZERO) + (by_source.get(LineSource.OVERAGE)
                                                              or ZERO)
    inv_membership = by_source.get(LineSource.MEMBERSHIP) or ZERO
    invoiced = inv_credit + inv_payg + inv_membership
    purchases = CreditPurchase.objects.filter(
        network=network, purchased_on__gte=period.start, purchased_on__lte=period.end)
    sold_price = purchases.aggregate(s=Sum("price_net"))["s"] or ZERO
    sold_minutes = purchases.aggregate(m=Sum("minutes"))["m"] or 0
    payg_facts = PaygCharge.objects.filter(centre__network=network, cancelled_at__isnull=True,
                                           **in_period).aggregate(s=Sum("price_net"))["s"] or ZERO
    months = MembershipPeriod.objects.filter(
        membership__plan__network=network, starts_on__gte=period.start, starts_on__lte=period.end)
    membership_fees = months.aggregate(s=Sum("fee_net"))["s"] or ZERO
    books.expect("invoiced credit purchases", inv_credit, sold_price)
    books.expect("invoiced pay-as-you-go", inv_payg, payg_facts)
    books.expect("invoiced memberships", inv_membership, membership_fees)
    credit_lines = InvoiceLine.objects.filter(
        invoice__kind=InvoiceKind.CREDIT_NOTE, invoice__credited_invoice__network=network,
        invoice__credited_invoice__period_start=period.start,
        invoice__credited_invoice__billing_key__isnull=False,
    ).exclude(invoice__state=InvoiceState.DRAFT)
    credited = credit_lines.aggregate(s=Sum("line_net"))["s"] or ZERO
    _check_credited_purchases(books, credit_lines)
    _check_bookings_paid(books, network=network, period=period, lines=lines)

    # --- Settlements, against the facts ----------------------------------------------
    values = centre_values(network=network, period=period)
    settlements = {s.centre_id: s for s in Settlement.objects.filter(
        network=network, period_start=period.start).select_related("commission_invoice",
                                                                   "centre")}
    settled = commission = ZERO
    # What the statements carry for the period: each one's own lines, and the corrections
    # of it in later statements (facts recorded after it was issued). A statement's
    # corrections of earlier periods belong to those periods' books.
    carried = {centre_id: settled_for(s) for centre_id, s in settlements.items()}
    for centre_id, value in sorted(values.items()):
        s = settlements.get(centre_id)
        if s is None:
            if value.gross:
                books.failures.append(f"centre {centre_id}: no settlement for {value.gross}")
            continue
        books.expect(f"settlement {s.reference} value (with later corrections)",
                     carried[centre_id], value.gross)
        # The self-billing invoice with its VAT; the payout is its total less the
        # commission invoice (with its VAT) set off against it.
        books.expect(f"settlement {s.reference} total with VAT", s.total_gross,
                     s.gross_value + s.vat_amount)
        offset = ZERO
        if s.commission_invoice is not None:
            books.expect(f"commission invoice {s.commission_invoice.display_number}",
                         s.commission_invoice.total_net, s.commission)
            offset = s.commission_invoice.total_gross
        elif s.commission:
            books.failures.append(f"settlement {s.reference}: no commission invoice")
        # A company-hosted space's payout less what paid its host's own invoices.
        books.expect(f"settlement {s.reference} payout", s.payout_amount,
                     s.total_gross - offset - s.invoice_offset)
        if s.invoice_offset:
            paid = Payment.objects.filter(
                method=PaymentMethod.OFFSET, communication=s.display_number,
                invoice__customer_organisation_id=s.centre.host_company_id,
            ).exclude(invoice_id=s.commission_invoice_id or 0).aggregate(t=Sum("amount"))["t"]
            books.expect(f"settlement {s.reference} set off against the host's invoices",
                         paid or ZERO, s.invoice_offset)
        line_sum = s.lines.aggregate(t=Sum("amount"))["t"] or ZERO
        books.expect(f"settlement {s.reference} lines", line_sum, s.gross_value)
    for centre_id, s in settlements.items():
        corrections_only = not s.lines.exclude(kind=SettlementLineKind.CORRECTION).exists()
        if centre_id not in values and not corrections_only:
            books.failures.append(f"settlement {s.reference}: no usage behind it")
        # Net of VAT, as the invoices: what the centres earn less the commission.
        period_commission = commission_for(s)
        settled += carried[centre_id] - period_commission
        commission += period_commission
    for batch in PayoutBatch.objects.filter(network=network, period_start=period.start):
        total = batch.settlements.aggregate(t=Sum("payout_amount"))["t"] or ZERO
        books.expect(f"payout batch {batch.message_id}", batch.total, total)

    # --- Credit liability, from the ledger ----------------------------------------------
    own_accounts = LedgerEntry.objects.filter(account__network=network).exclude(
        account__kind=AccountKind.MEMBERSHIP)
    used_here = {c: v.own_minutes for c, v in values.items()}
    abroad: defaultdict[int, int] = defaultdict(int)
    for row in own_accounts.filter(reason__in=USE_REASONS, **in_period).exclude(
        centre__network=network).values("centre__network_id").annotate(m=Sum("amount_minutes")):
        abroad[row["centre__network_id"]] += -int(row["m"] or 0)
    purchase_minutes = own_accounts.filter(
        reason=LedgerReason.PURCHASE, purchase__in=purchases).aggregate(
        m=Sum("amount_minutes"))["m"] or 0
    if purchase_minutes != sold_minutes:
        books.failures.append(f"ledger purchases: {purchase_minutes} min, credit sold: "
                              f"{sold_minutes} min")
    expired = -(own_accounts.filter(reason=LedgerReason.EXPIRY, created_at__date__gte=period.start,
                                    created_at__date__lte=period.end)
                .aggregate(m=Sum("amount_minutes"))["m"] or 0)
    adjusted = own_accounts.filter(reason=LedgerReason.ADJUSTMENT,
                                   created_at__date__gte=period.start,
                                   created_at__date__lte=period.end).aggregate(
        m=Sum("amount_minutes"))["m"] or 0
    liability = (hour_value(sold_minutes, h) - sum((hour_value(m, h) for m in used_here.values()),
                                                   ZERO)
                 - sum((hour_value(m, h) for m in abroad.values()), ZERO)
                 - hour_value(expired, h) + hour_value(adjusted, h))

    # --- Clearing, against the roaming records ------------------------------------------
    payable = receivable = ZERO
    alliances = Alliance.objects.filter(Q(network_a=network) | Q(network_b=network))
    roaming_abroad_minutes: dict[int, int] = defaultdict(int)
    for alliance in alliances:
        data = clearing_compute(alliance=alliance, period=period)
        we_are_a = alliance.network_a_id == network.pk
        other = alliance.network_b_id if we_are_a else alliance.network_a_id
        owe = data["a_owes_b"] if we_are_a else data["b_owes_a"]
        owed = data["b_owes_a"] if we_are_a else data["a_owes_b"]
        roaming_abroad_minutes[other] += data["a_in_b_minutes" if we_are_a else "b_in_a_minutes"]
        payable += owe
        receivable += owed
        _check_clearing_statements(books, alliance=alliance, period=period)
    for other, minutes in abroad.items():
        if minutes != roaming_abroad_minutes.get(other, 0):
            books.failures.append(f"roaming to network {other}: ledger {minutes} min, "
                                  f"roaming records {roaming_abroad_minutes.get(other, 0)} min")
    guest_value = sum((v.guest_value for v in values.values()), ZERO)
    attributed = sum((v.membership for v in values.values()), ZERO)

    margin = ((inv_credit - hour_value(sold_minutes, h))
              + (inv_membership - attributed)
              + hour_value(expired, h) - hour_value(adjusted, h)
              + (sum((hour_value(m, h) for m in abroad.values()), ZERO) - payable)
              - (guest_value - receivable)
              + (inv_payg - sum((v.payg for v in values.values()), ZERO)))
    clearing = payable - receivable
    # Credit notes on the period's invoices take part: the revenue is what was invoiced
    # less what was credited, and the operator bears the credit (the centres are settled
    # on the use, and a credited purchase's hours leave the liability through the
    # ledger's revocation entries, counted with the adjustments).
    margin -= credited
    net_invoiced = invoiced - credited
    right = settled + commission + liability + clearing + margin
    # SQLite sums Decimals without their scale (1049, not 1049.00): show cents.
    books.figures = {k: money_round(v) for k, v in {
        "invoiced": invoiced, "credit_notes": credited, "net_invoiced": net_invoiced,
        "settled_to_centres": settled,
        "commission": commission, "credit_liability_change": liability,
        "clearing_payable_less_receivable": clearing, "operator_margin": margin,
        "right_hand_side": right,
    }.items()}
    books.expect("invoiced - credit notes = settled + commission + liability change "
                 "+ clearing + margin", net_invoiced, right)
    return books


def _check_clearing_statements(books: Books, *, alliance: Alliance, period: Period) -> None:
    """The alliance's statements follow one another day after day (no overlap: a day
    cleared twice; no gap with roaming in it: days never cleared); every roaming row
    dated in the month, up to the last statement's end, was taken by a statement, once
    (the unique ClearedRoaming.usage), unless it was recorded after the last statement
    (it waits for the next); the one ending with the month clears exactly the rows it
    took; and one is there when the alliance's terms make it due and there is something
    to clear."""
    one_day = dt.timedelta(days=1)
    statements = list(ClearingStatement.objects.filter(alliance=alliance).order_by(
        "period_start", "pk"))
    for before, after in pairwise(statements):
        if after.period_start <= before.period_end:
            first, last = after.period_start, min(before.period_end, after.period_end)
            if first <= period.end and last >= period.start:
                books.failures.append(
                    f"alliance {alliance.pk}: clearing statements overlap from {first} to "
                    f"{last} (cleared twice)")
        elif after.period_start > before.period_end + one_day:
            first, last = before.period_end + one_day, after.period_start - one_day
            # Before contiguous statements, a month without roaming had none: a gap
            # without roaming loses nothing.
            if first <= period.end and last >= period.start and RoamingUsage.objects.filter(
                    alliance=alliance, service_date__gte=first, service_date__lte=last).exists():
                books.failures.append(
                    f"alliance {alliance.pk}: no clearing statement from {first} to {last} "
                    f"(roaming never cleared)")
    if statements:
        _check_roaming_taken_once(books, alliance=alliance, period=period,
                                  last=max(statements, key=lambda s: s.period_end))
    ending = [s for s in statements if s.period_end == period.end]
    for statement in ending:
        taken = [TakenRow(*row) for row in RoamingUsage.objects.filter(
            cleared__statement=statement).values_list(
            "pk", "home_network_id", "minutes", "service_date")]
        data = clearing_of_rows(alliance=alliance, rows=taken, rate=statement.rate,
                                period=Period(statement.period_start, statement.period_end))
        for key in ("a_in_b_minutes", "b_in_a_minutes", "a_in_b_late_minutes",
                    "b_in_a_late_minutes"):
            if getattr(statement, key) != data[key]:
                books.failures.append(
                    f"alliance {alliance.pk}: clearing {statement.period_start} to "
                    f"{statement.period_end} {key.replace('_', ' ')}: "
                    f"{getattr(statement, key)}, its roaming rows {data[key]}")
        books.expect(f"clearing {alliance.pk} net", statement.net_amount, data["net_amount"])
    if ending or any(s.period_start <= period.end < s.period_end for s in statements):
        return
    due = clearing_next_period(alliance=alliance, month=period)
    if due is not None:
        data = clearing_of_rows(alliance=alliance, period=due, rate=alliance.clearing_hour_rate,
                                rows=roaming_to_clear(alliance=alliance, upto=due.end))
        if data["a_owes_b"] or data["b_owes_a"]:
            books.failures.append(f"alliance {alliance.pk}: no clearing statement")


def _check_roaming_taken_once(books: Books, *, alliance: Alliance, period: Period,
                              last: ClearingStatement) -> None:
    """Every roaming row dated in the month up to the last statement's end was taken by
    one statement whose period ends on or after its date; a row not taken is missing only
    if it was there when the last statement was drawn up (not above its ledger mark)."""
    upto = min(period.end, last.period_end)
    if upto < period.start:
        return
    rows = RoamingUsage.objects.filter(alliance=alliance, service_date__gte=period.start,
                                       service_date__lte=upto)
    wrong = rows.filter(cleared__isnull=False).exclude(
        cleared__statement__alliance=alliance,
        cleared__statement__period_end__gte=F("service_date")).count()
    if wrong:
        books.failures.append(f"alliance {alliance.pk}: {wrong} roaming rows of "
                              f"{period.label} cleared by a statement ending before their "
                              "date or of another alliance")
    if last.usage_upto_id is None:
        return  # drawn up before statements recorded the ledger's mark: none is missing
    missing = list(rows.filter(cleared__isnull=True, pk__lte=last.usage_upto_id)
                   .order_by("pk").values_list("pk", flat=True))
    if missing:
        books.failures.append(
            f"alliance {alliance.pk}: {len(missing)} roaming rows of {period.label} never "
            f"cleared (recorded before the statement ending {last.period_end}): "
            + ", ".join(str(pk) for pk in missing[:10]) + (" ..." if len(missing) > 10 else ""))


def _check_bookings_paid(books: Books, *, network: Network, period: Period,
                         lines: QuerySet[InvoiceLine]) -> None:
    """From the bookings: every completed or no-show booking of the period at the
    network's centres is paid by credit or membership hours (its ledger entries take
    minutes, net of refunds) or by a pay-as-you-go charge; and every customer's
    charges at each centre reach that customer's invoice of the period."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    bookings = Booking.objects.filter(centre__network=network, start__gte=start, start__lt=end,
                                      state__in=[BookingState.COMPLETED, BookingState.NO_SHOW])
    by_ledger = set(LedgerEntry.objects.filter(booking__in=bookings).values("booking_id")
                    .annotate(m=Sum("amount_minutes")).filter(m__lt=0)
                    .values_list("booking_id", flat=True))
    by_charge = set(PaygCharge.objects.filter(booking__in=bookings, cancelled_at__isnull=True)
                    .values_list("booking_id", flat=True))
    unpaid = list(bookings.exclude(pk__in=by_ledger | by_charge)
                  .values_list("pk", "state").order_by("pk"))
    books.counts["bookings_completed_or_no_show"] = bookings.count()
    books.counts["bookings_unpaid"] = len(unpaid)
    if unpaid:
        shown = ", ".join(f"{pk} ({state})" for pk, state in unpaid[:10])
        books.failures.append(
            f"{len(unpaid)} completed or no-show bookings paid by nobody (no credit, no "
            f"membership hours, no pay-as-you-go charge): {shown}"
            + (" ..." if len(unpaid) > 10 else ""))
    charged: defaultdict[tuple[str, int, int], int] = defaultdict(int)
    for row in PaygCharge.objects.filter(
            centre__network=network, cancelled_at__isnull=True,
            service_date__gte=period.start, service_date__lte=period.end).values(
            "bill_to", "company_id", "member_id", "centre_id").annotate(n=Count("id")):
        who = (("org", row["company_id"]) if row["bill_to"] == PaygBillTo.COMPANY
               else ("member", row["member_id"]))
        charged[(who[0], who[1], row["centre_id"])] += row["n"]
    billed: defaultdict[tuple[str, int, int], int] = defaultdict(int)
    for org, member, centre, n in lines.filter(
            source_type__in=[LineSource.BOOKING, LineSource.OVERAGE]).values(
            "invoice__customer_organisation_id", "invoice__customer_member_id",
            "centre_id").annotate(n=Sum("source_count")).values_list(
            "invoice__customer_organisation_id", "invoice__customer_member_id", "centre_id", "n"):
        who = ("org", org) if org else ("member", member)
        billed[(who[0], who[1], centre)] += int(n or 0)
    for key in sorted(set(charged) | set(billed), key=str):
        if charged.get(key, 0) != billed.get(key, 0):
            kind, customer, centre = key
            books.failures.append(
                f"pay-as-you-go of {'company' if kind == 'org' else 'member'} {customer} at "
                f"centre {centre}: {charged.get(key, 0)} charges, {billed.get(key, 0)} on "
                "the period's invoice")


def _check_credited_purchases(books: Books, credit_lines: QuerySet[InvoiceLine]) -> None:
    """A credit note on a time-credit purchase took the same share of its hours back
    (credits' revocation entries, noted with the credit note's number)."""
    from decimal import ROUND_HALF_UP

    for ln in credit_lines.filter(credited_line__source_type=LineSource.CREDIT_PURCHASE) \
            .select_related("invoice", "credited_line"):
        original = ln.credited_line
        assert original is not None  # the filter above: a credited purchase line
        purchase = (CreditPurchase.objects.filter(pk=original.source_id).first()
                    if original.source_id is not None else None)
        if purchase is None:
            continue
        wanted = int((Decimal(purchase.minutes) * ln.quantity / original.quantity)
                     .quantize(Decimal(1), rounding=ROUND_HALF_UP))
        taken = -(LedgerEntry.objects.filter(
            purchase=purchase, reason=LedgerReason.ADJUSTMENT,
            note__startswith=f"{ln.invoice.display_number}:").aggregate(
            m=Sum("amount_minutes"))["m"] or 0)
        if taken != wanted:
            books.failures.append(
                f"credit note {ln.invoice.display_number}: {wanted} min of purchase "
                f"{purchase.pk} to take back, the ledger took {taken} min")

