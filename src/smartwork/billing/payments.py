"""Payments: recorded by hand or read from an ISO 20022 CAMT.053 bank statement.

Matching, in order: the Belgian structured communication in the remittance
information; else one open invoice of exactly that amount whose customer name
matches the payer's. What does not match stays unmatched (listed for the
operator, who can assign it by hand).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from smartwork.billing.calc import communication_find, communication_format
from smartwork.billing.choices import (
    OPEN_STATES,
    InvoiceKind,
    InvoiceState,
    MatchedBy,
    PaymentFlag,
    PaymentMethod,
)
from smartwork.billing.labels import labels_for
from smartwork.billing.models import BankStatement, Invoice, Payment
from smartwork.billing.services import _refresh_payment_state
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput
from smartwork.core.mail import mail_later
from smartwork.core.money import money_round
from smartwork.core.permissions import require
from smartwork.network.models import Network

CAMT053_NS = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.\d{2}$")
MAX_CAMT_BYTES = 20 * 1024 * 1024


def _apply(payment: Payment, invoice: Invoice, matched_by: str) -> None:
    """Attach a payment to an invoice, the invoice row locked by the caller."""
    payment.invoice = invoice
    payment.matched_by = matched_by
    invoice.amount_paid = invoice.amount_paid + payment.amount
    _refresh_payment_state(invoice)
    invoice.save(update_fields=["amount_paid", "state", "paid_at", "updated_at"])


def payment_record(*, actor: Any, invoice: Invoice, amount: Any, value_date: dt.date,
                   payer: str = "", communication: str = "") -> Payment:
    """A payment received otherwise than through an imported statement."""
    require(actor, "network.billing", network=invoice.network_id)
    try:
        amount = money_round(Decimal(str(amount)))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Not an amount."), fields={"amount": _("Not an amount.")}) from exc
    if amount <= 0:
        raise InvalidInput(_("A payment is above zero."), fields={"amount": _("Above zero.")})
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.kind != InvoiceKind.INVOICE or locked.state == InvoiceState.DRAFT:
            raise Conflict(_("Only an issued invoice can be paid."), code="invoice_not_payable")
        payment = Payment(network_id=locked.network_id, amount=amount, currency=locked.currency,
                          value_date=value_date, method=PaymentMethod.MANUAL,
                          counterparty_name=payer[:140], communication=communication[:140],
                          actor=actor)
        _apply(payment, locked, MatchedBy.MANUAL)
        payment.save()
        audit_log(actor=actor, action="payment.recorded", obj=locked,
                  data={"amount": str(amount), "state": locked.state})
    return payment


def payment_assign(*, actor: Any, payment: Payment, invoice: Invoice) -> Payment:
    """Assign an unmatched payment from a statement to an invoice, by hand."""
    require(actor, "network.billing", network=payment.network_id)
    if invoice.network_id != payment.network_id:
        raise InvalidInput(_("This invoice belongs to another network."),
                           fields={"invoice": _("Another network.")})
    with transaction.atomic():
        locked_payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked_payment.invoice_id is not None:
            raise Conflict(_("This payment is already matched."), code="payment_matched")
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.kind != InvoiceKind.INVOICE or locked.state == InvoiceState.DRAFT:
            raise Conflict(_("Only an issued invoice can be paid."), code="invoice_not_payable")
        if locked.amount_due <= 0:
            raise Conflict(_("This invoice is paid in full: refund the payment instead."),
                           code="invoice_paid", fields={"invoice": _("Paid in full.")})
        if locked.currency != locked_payment.currency:
            raise Conflict(_("This payment is in another currency than the invoice."),
                           code="currency_mismatch", fields={"invoice": _("Other currency.")})
        _apply(locked_payment, locked, MatchedBy.MANUAL)
        locked_payment.save(update_fields=["invoice", "matched_by"])
        audit_log(actor=actor, action="payment.assigned", obj=locked,
                  data={"payment": locked_payment.pk})
    return locked_payment


# --- CAMT.053 ----------------------------------------------------------------------


@dataclass
class CamtEntry:
    amount: Decimal
    currency: str
    value_date: dt.date
    name: str
    iban: str
    text: str
    # The bank's own reference of the entry (shown), and the key it is deduplicated on
    # ("" when the bank gave none: then it cannot be recognised when repeated).
    reference: str
    key: str = ""


@dataclass
class CamtStatement:
    message_id: str
    statement_id: str
    iban: str
    created_on: dt.datetime | None
    opening: Decimal | None
    closing: Decimal | None
    entries: list[CamtEntry]


@dataclass
class CamtImport:
    """What one file did: the statements imported now, those of the file imported before
    (skipped), the entries already read from an earlier statement (not counted again) and
    the payments left for a human (overpayments)."""

    statements: list[BankStatement]
    already_imported: list[BankStatement]
    duplicates: int
    flagged: int

    @property
    def first(self) -> BankStatement:
        return self.statements[0]


def _bad_file(message: str) -> InvalidInput:
    return InvalidInput(message, code="camt_invalid", fields={"file": message})


def camt_parse(data: bytes) -> list[CamtStatement]:
    """Every statement of a CAMT.053 file with its credits; a clear error when the file is
    not one. A file may hold several statements (several days, or several accounts)."""
    if len(data) > MAX_CAMT_BYTES:
        raise _bad_file(_("The file is too large for a bank statement."))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _bad_file(_("This file is not XML, so not a CAMT.053 statement.")) from exc
    ns = etree.QName(root).namespace or ""
    if not CAMT053_NS.match(ns) or etree.QName(root).localname != "Document":
        raise _bad_file(_("This XML file is not a CAMT.053 bank statement (%(ns)s).")
                        % {"ns": ns or _("no namespace")})
    n = {"c": ns}

    def t(node: Any, path: str) -> str:
        found = node.find(path, n)
        return (found.text or "").strip() if found is not None else ""

    stmts = root.findall("c:BkToCstmrStmt/c:Stmt", n)
    if not stmts:
        raise _bad_file(_("The statement has no Stmt element."))
    message_id = t(root, "c:BkToCstmrStmt/c:GrpHdr/c:MsgId")
    created = _parse_dt(t(root, "c:BkToCstmrStmt/c:GrpHdr/c:CreDtTm"))
    return [_parse_statement(stmt, t, n, message_id, created) for stmt in stmts]


def _parse_statement(stmt: Any, t: Any, n: dict[str, str], message_id: str,
                     created: dt.datetime | None) -> CamtStatement:
    iban = t(stmt, "c:Acct/c:Id/c:IBAN").replace(" ", "").upper()
    if not iban:
        raise _bad_file(_("The statement names no IBAN account."))

    def balance(code: str) -> Decimal | None:
        for bal in stmt.findall("c:Bal", n):
            if t(bal, "c:Tp/c:CdOrPrtry/c:Cd") == code:
                value = Decimal(t(bal, "c:Amt") or "0")
                return -value if t(bal, "c:CdtDbtInd") == "DBIT" else value
        return None

    entries = []
    for i, ntry in enumerate(stmt.findall("c:Ntry", n)):
        if t(ntry, "c:CdtDbtInd") != "CRDT" or t(ntry, "c:RvslInd") == "true":
            continue
        if t(ntry, "c:Sts/c:Cd") not in ("", "BOOK") and t(ntry, "c:Sts") not in ("", "BOOK"):
            continue
        try:
            amount = Decimal(t(ntry, "c:Amt"))
            value_date = dt.date.fromisoformat(
                (t(ntry, "c:ValDt/c:Dt") or t(ntry, "c:BookgDt/c:Dt") or t(ntry, "c:ValDt/c:DtTm")
                 or t(ntry, "c:BookgDt/c:DtTm"))[:10])
        except (InvalidOperation, ValueError) as exc:
            raise _bad_file(_("Entry %(n)s has no readable amount or date.") % {"n": i + 1}) from exc
        currency = ntry.find("c:Amt", n).get("Ccy", "")
        txs = ntry.findall("c:NtryDtls/c:TxDtls", n) or [ntry]
        entry_ref = t(ntry, "c:AcctSvcrRef")
        for j, tx in enumerate(txs):
            tx_amount = t(tx, "c:AmtDtls/c:TxAmt/c:Amt") or t(tx, "c:Amt")
            structured = t(tx, "c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref")
            text = " ".join(e.text or "" for e in tx.findall("c:RmtInf/c:Ustrd", n))
            reference = t(tx, "c:Refs/c:AcctSvcrRef") or entry_ref or t(ntry, "c:NtryRef")
            entries.append(CamtEntry(
                amount=Decimal(tx_amount) if tx is not ntry and tx_amount else amount,
                currency=currency, value_date=value_date,
                name=t(tx, "c:RltdPties/c:Dbtr/c:Nm") or t(tx, "c:RltdPties/c:Dbtr/c:Pty/c:Nm"),
                iban=t(tx, "c:RltdPties/c:DbtrAcct/c:Id/c:IBAN"),
                text=f"{structured} {text}".strip(),
                reference=reference,
                key=_entry_key(iban, tx, t, entry_ref, j, len(txs)),
            ))
    return CamtStatement(
        message_id=message_id, statement_id=t(stmt, "c:Id"), iban=iban,
        created_on=_parse_dt(t(stmt, "c:CreDtTm")) or created, opening=balance("OPBD"),
        closing=balance("CLBD"), entries=entries,
    )


def _entry_key(iban: str, tx: Any, t: Any, entry_ref: str, index: int, count: int) -> str:
    """The entry's own identity at its bank: the account servicer reference of the
    transaction; else that of the entry (with the transaction's place when the entry
    batches several); else the payer's end-to-end id or the UETR. Never the amount or
    the payer: two real payments may look alike."""
    ref = t(tx, "c:Refs/c:AcctSvcrRef")
    if not ref and entry_ref:
        ref = entry_ref if count == 1 else f"{entry_ref}#{index + 1}"
    if not ref:
        e2e = t(tx, "c:Refs/c:EndToEndId")
        if e2e and e2e.upper() != "NOTPROVIDED":
            ref = f"e2e:{e2e}"
    if not ref and t(tx, "c:Refs/c:UETR"):
        ref = f"uetr:{t(tx, 'c:Refs/c:UETR')}"
    return f"{iban}:{ref}"[:180] if ref else ""


def _parse_dt(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


def _normalise(name: str) -> set[str]:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    stop = {"sa", "sprl", "srl", "nv", "bv", "bvba", "asbl", "vzw", "sc", "scrl", "the", "de",
            "la", "le", "mr", "mrs", "m", "mme"}
    return {w for w in re.findall(r"[a-z0-9]+", text) if w not in stop and len(w) > 1}


def _names_match(payer: str, customer: str) -> bool:
    a, b = _normalise(payer), _normalise(customer)
    return bool(a and b and (a <= b or b <= a or len(a & b) >= 2))


def _account(iban: str) -> str:
    try:
        return str(IBAN(iban).compact)
    except SchwiftyException as exc:
        raise _bad_file(_("The statement's account %(iban)s is not a valid IBAN.")
                        % {"iban": iban}) from exc


def _already_imported_message(known: list[BankStatement]) -> str:
    return "; ".join(
        _("statement %(id)s of %(iban)s, imported on %(date)s (%(n)s credits)")
        % {"id": s.statement_id, "iban": s.account_iban,
           "date": timezone.localtime(s.imported_at).strftime("%Y-%m-%d %H:%M"),
           "n": s.entry_count}
        for s in known)


def camt_import(*, actor: Any, network: Network, data: bytes,
                check_permission: bool = True) -> CamtImport:
    """Import every statement of a CAMT.053 file of the operator's account and match
    their credits to invoices, in one transaction (all or nothing).

    A statement imported before is skipped (and named); a file with nothing new is
    refused with `camt_already_imported`, naming the statements it matched. An entry
    already read from an earlier statement (same bank reference) is not counted again.
    An entry is never matched to an invoice paid in full nor beyond what is due: it
    stays unmatched, flagged as an overpayment, for a human.
    `check_permission=False` is for the operator's command line (no user)."""
    if check_permission:
        require(actor, "network.billing", network=network)
    statements = camt_parse(data)
    own = (network.operator.iban or "").replace(" ", "").upper()
    for statement in statements:
        account = _account(statement.iban)
        if not own or account != own:
            raise InvalidInput(
                _("This statement is for account %(iban)s, not the operator's account.")
                % {"iban": account}, code="camt_wrong_account",
                fields={"file": _("Another bank account.")},
            )
    digest = hashlib.sha256(data).hexdigest()
    try:
        with transaction.atomic():
            result = _import_statements(actor=actor, network=network, account=own,
                                        statements=statements, digest=digest)
    except IntegrityError as exc:
        # Another import of the same statement or entry committed meanwhile.
        raise Conflict(_("This statement is being imported by someone else; try again."),
                       code="camt_already_imported",
                       fields={"file": _("Already imported.")}) from exc
    return result


def _import_statements(*, actor: Any, network: Network, account: str,
                       statements: list[CamtStatement], digest: str) -> CamtImport:
    known: list[BankStatement] = []
    new: list[CamtStatement] = []
    seen_ids: set[str] = set()
    for statement in statements:
        found = BankStatement.objects.filter(account_iban=account,
                                             statement_id=statement.statement_id).first()
        if found is not None:
            known.append(found)
        elif statement.statement_id not in seen_ids:
            seen_ids.add(statement.statement_id)
            new.append(statement)
    if not new:
        message = _("Nothing new in this file: %(which)s.") % {
            "which": _already_imported_message(known)}
        raise Conflict(message, code="camt_already_imported", fields={"file": message})
    records: list[BankStatement] = []
    duplicates = flagged = 0
    for statement in new:
        record = BankStatement.objects.create(
            network=network, account_iban=account, statement_id=statement.statement_id,
            message_id=statement.message_id, created_on=statement.created_on,
            opening_balance=statement.opening, closing_balance=statement.closing,
            entry_count=len(statement.entries), sha256=digest, actor=actor,
        )
        matched = 0
        repeated = []
        for entry in statement.entries:
            earlier = (Payment.objects.filter(network=network, bank_key=entry.key)
                       .select_related("statement").first() if entry.key else None)
            if earlier is not None:
                repeated.append({
                    "reference": entry.reference, "amount": str(money_round(entry.amount)),
                    "value_date": entry.value_date.isoformat(),
                    "statement_id": earlier.statement.statement_id if earlier.statement else "",
                })
                continue
            payment = Payment(
                network=network, amount=money_round(entry.amount), currency=entry.currency,
                value_date=entry.value_date, method=PaymentMethod.BANK,
                counterparty_name=entry.name[:140], counterparty_iban=entry.iban[:34],
                communication=entry.text[:140], bank_reference=entry.reference[:100],
                bank_key=entry.key, statement=record, actor=actor,
            )
            invoice, how, named = _find_invoice(network=network, entry=entry)
            if invoice is not None:
                _apply(payment, invoice, how)
                matched += 1
            elif named is not None:
                payment.flag = (PaymentFlag.CURRENCY if named.currency != entry.currency
                                else PaymentFlag.OVERPAYMENT)
                payment.flag_invoice = named
                flagged += 1
            payment.save()
        if repeated:
            record.duplicates = repeated
            record.save(update_fields=["duplicates"])
            duplicates += len(repeated)
        audit_log(actor=actor, action="bank_statement.imported", obj=record,
                  network_id=network.pk,
                  data={"entries": len(statement.entries), "matched": matched,
                        "duplicates": len(repeated)})
        records.append(record)
    return CamtImport(statements=records, already_imported=known, duplicates=duplicates,
                      flagged=flagged)


def camt_network(*, data: bytes) -> Network:
    """The network whose operator holds the statements' account (the command line finds
    it from the file); a clear error when no operator, or more than one, holds it."""
    accounts = {_account(s.iban) for s in camt_parse(data)}
    if len(accounts) > 1:
        raise InvalidInput(
            _("This file holds statements of several accounts (%(ibans)s): import each "
              "account's file apart.") % {"ibans": ", ".join(sorted(accounts))},
            code="camt_wrong_account", fields={"file": _("Several bank accounts.")})
    account = accounts.pop()
    found = [n for n in Network.objects.select_related("operator").order_by("pk")
             if (n.operator.iban or "").replace(" ", "").upper() == account]
    if not found:
        raise InvalidInput(
            _("This statement is for account %(iban)s, which is no network operator's account.")
            % {"iban": account}, code="camt_wrong_account",
            fields={"file": _("Another bank account.")})
    if len(found) > 1:
        raise InvalidInput(
            _("Several networks are collected on account %(iban)s: name the network.")
            % {"iban": account}, code="camt_network_ambiguous",
            fields={"network": _("Required.")})
    return found[0]


def _find_invoice(*, network: Network, entry: CamtEntry
                  ) -> tuple[Invoice | None, str, Invoice | None]:
    """(invoice to match, how, invoice named but not matched). An invoice named by its
    structured communication is matched only while the amount fits in what is still due;
    otherwise the payment is an overpayment for a human (the third element)."""
    issued = Invoice.objects.select_for_update().filter(
        network=network, issuer_id=network.operator_id, kind=InvoiceKind.INVOICE,
    ).exclude(state=InvoiceState.DRAFT)
    amount = money_round(entry.amount)
    digits = communication_find(entry.text)
    if digits:
        invoice = issued.filter(structured_communication=digits).first()
        if invoice is not None:
            if (invoice.currency == entry.currency and invoice.state in OPEN_STATES
                    and 0 < amount <= invoice.amount_due):
                return invoice, MatchedBy.COMMUNICATION, None
            return None, MatchedBy.NONE, invoice
    candidates = [
        inv for inv in issued.filter(state__in=OPEN_STATES, currency=entry.currency)
        .order_by("due_date", "id")
        if inv.amount_due == amount and _names_match(entry.name, inv.customer_name)
    ]
    if len(candidates) == 1:
        return candidates[0], MatchedBy.AMOUNT_NAME, None
    return None, MatchedBy.NONE, None


# --- Overdue reminders ---------------------------------------------------------------

REMINDER_EVERY = dt.timedelta(days=14)


def invoices_remind_overdue(*, today: dt.date | None = None) -> int:
    """Mark invoices past due as overdue and mail a reminder, at most every 14 days.

    Idempotent: each invoice is locked and re-checked before it is touched.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    ids = list(Invoice.objects.filter(
        kind=InvoiceKind.INVOICE, state__in=OPEN_STATES, due_date__lt=today,
    ).values_list("pk", flat=True))
    reminded = 0
    for pk in ids:
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update().filter(
                pk=pk, state__in=OPEN_STATES, due_date__lt=today).first()
            if invoice is None or invoice.amount_due <= 0:
                continue
            if invoice.last_reminder_at and now - invoice.last_reminder_at < REMINDER_EVERY:
                continue
            invoice.state = InvoiceState.OVERDUE
            invoice.reminder_count += 1
            invoice.last_reminder_at = now
            invoice.save(update_fields=["state", "reminder_count", "last_reminder_at",
                                        "updated_at"])
            audit_log(actor=None, action="invoice.reminded", obj=invoice,
                      data={"count": invoice.reminder_count})
            mail_later("smartwork.billing.payments.reminder_mail_send", invoice_id=invoice.pk)
            reminded += 1
    return reminded


def reminder_mail_send(*, invoice_id: int) -> None:
    """The overdue reminder of one invoice (run by the outbox, core/mail.py)."""
    from django.conf import settings

    invoice = Invoice.objects.get(pk=invoice_id)
    to = invoice.customer_data.get("email")
    if not to:
        return
    labels = labels_for(invoice.language)
    EmailMessage(
        subject=f"{labels['due_date']}: {labels['invoice']} {invoice.display_number}",
        body=(f"{labels['invoice']} {invoice.display_number} — {labels['due_date']} "
              f"{invoice.due_date:%d/%m/%Y}\n{labels['total_gross']}: {invoice.amount_due} "
              f"{invoice.currency}\n{labels['with_communication']} "
              f"{communication_format(invoice.structured_communication)}"),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
    ).send()
