"""Demo billing: what the operators need to invoice and pay out, and nothing issued.

The closed month to walk through is the calendar month before ctx["today"]: the
credits loader dates two companies' top-ups in it, the bookings loader writes its
pay-as-you-go bookings and overage charges. The loader issues no invoice on
purpose: running the month (UI, API or `smartwork invoice-run --period YYYY-MM`)
is the walk-through, and an invoice, once issued, cannot be taken back.

Here: the BIC of every account the demo pays from or into (the networks' operators
collect on them, the centres' operators are paid on them), since the demo IBANs
carry none (ING Belgium accounts, bank code 310); and the legal form and register
mention (RPM and court) those organisations print on their invoices.
"""

from __future__ import annotations

from typing import Any

from smartwork.accounts.services import organisation_update

DEMO_BIC = "BBRUBEBB"


# The enterprise court of a registered office, by postcode (the register mention a
# Belgian company prints beside its enterprise number): enough for the demo's towns.
COURTS = [
    (1000, 1299, "Bruxelles"), (1300, 1499, "Brabant wallon"), (1500, 1999, "Leuven"),
    (2000, 2999, "Antwerpen"), (3000, 3499, "Leuven"), (3500, 3999, "Antwerpen, afdeling Hasselt"),
    (4000, 4999, "Liège, division Liège"), (5000, 5999, "Liège, division Namur"),
    (6000, 6599, "Hainaut, division Charleroi"), (6600, 6999, "Liège, division Arlon"),
    (7000, 7999, "Hainaut, division Mons"), (8000, 8999, "Gent, afdeling Brugge"),
    (9000, 9999, "Gent"),
]
LEGAL_FORMS = ("SRL", "SA", "SC", "ASBL", "SCRL", "BV", "NV", "VZW")


def demo_register(org: Any) -> dict[str, str]:
    """The legal form (from the demo name: "… SRL (demo)") and the court of its seat."""
    words = [w.strip("()") for w in org.legal_name.split()]
    form = next((w for w in words if w in LEGAL_FORMS), "")
    code = int(org.postcode) if (org.postcode or "").isdigit() else 0
    court = next((name for low, high, name in COURTS if low <= code <= high), "")
    return {"legal_form": form, "register_court": court if org.enterprise_number else ""}


def load(ctx: dict[str, Any]) -> None:
    superuser = ctx["superuser"]
    networks = list(ctx["networks"].values())
    payees = [n.operator for n in networks] + list(ctx["centre_operators"].values())
    seen: set[int] = set()
    for org in payees:
        if org.pk in seen:
            continue
        seen.add(org.pk)
        changes = demo_register(org)
        if org.iban and not org.bic:
            changes["bic"] = DEMO_BIC
        organisation_update(actor=superuser, organisation=org, **changes)
    # One independent works as a business: invoiced B2B, a Peppol e-invoice to 0208.
    from smartwork.billing.profiles import billing_profile_set

    first8 = "08150001"  # + the check digits: 97 - (first eight mod 97)
    number = f"{first8}{97 - int(first8) % 97:02d}"
    for user in ctx.get("independents", []):
        if user.email.startswith("marc.consultant@"):
            billing_profile_set(
                actor=superuser, member=user, legal_name="Marc Consultant SRL",
                enterprise_number=number, vat_number=f"BE{number}",
                street="Grand-Rue 12", postcode="6700", city="Arlon", country="BE")


# --- A bank statement for the demo month ----------------------------------------------

CAMT_NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
# The account the demo customers pay from (a valid Belgian IBAN, not a real one).
DEMO_PAYER_IBAN = "BE68539007547034"


def demo_camt_statement(*, network: Any, period: Any, booked_on: Any) -> bytes:
    """A CAMT.053.001.08 statement of the network operator's account in which every open
    invoice of the period is paid in full, by bank transfer with its structured
    communication: what the bank would send the operator once the demo customers pay.
    The statement id names the network, the day and what it pays (unique, ≤ 35
    characters), so it is imported once."""
    import datetime as dt
    import hashlib
    from decimal import Decimal

    from lxml import etree

    from smartwork.billing.choices import OPEN_STATES, InvoiceKind
    from smartwork.billing.models import Invoice

    invoices = list(Invoice.objects.filter(
        network=network, kind=InvoiceKind.INVOICE, period_start=period.start,
        state__in=OPEN_STATES,
    ).order_by("number"))
    iban = (network.operator.iban or "").replace(" ", "").upper()
    created = dt.datetime.combine(booked_on, dt.time(18, 0)).isoformat()
    # Max35Text: the network's key and the day, then a digest of what it pays, so that
    # two networks, two days or two different sets of payments never share an id (a
    # slug cut at 35 characters did), and the same statement written twice keeps it.
    paid = ";".join(f"{i.pk}:{i.amount_due}" for i in invoices)
    digest = hashlib.sha256(f"{network.pk}|{booked_on}|{paid}".encode()).hexdigest()[:10]
    statement_id = f"DEMO-N{network.pk}-{booked_on:%Y%m%d}-{digest}"
    root = etree.Element(f"{{{CAMT_NS}}}Document", nsmap={None: CAMT_NS})  # type: ignore[dict-item]

    def sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
        node = etree.SubElement(parent, f"{{{CAMT_NS}}}{tag}", attrib=attrs)
        if text is not None:
            node.text = text
        return node

    def path(parent: Any, tags: str, text: str) -> Any:
        node = parent
        for tag in tags.split("/"):
            node = sub(node, tag)
        node.text = text
        return node

    def balance(parent: Any, code: str, amount: Decimal) -> None:
        bal = sub(parent, "Bal")
        path(bal, "Tp/CdOrPrtry/Cd", code)
        sub(bal, "Amt", f"{amount:.2f}", Ccy=network.currency)
        sub(bal, "CdtDbtInd", "CRDT")
        path(bal, "Dt/Dt", booked_on.isoformat())

    doc = sub(root, "BkToCstmrStmt")
    header = sub(doc, "GrpHdr")
    sub(header, "MsgId", f"MSG-{statement_id}"[:35])
    sub(header, "CreDtTm", created)
    stmt = sub(doc, "Stmt")
    sub(stmt, "Id", statement_id)
    sub(stmt, "CreDtTm", created)
    acct = sub(stmt, "Acct")
    path(acct, "Id/IBAN", iban)
    sub(acct, "Ccy", network.currency)
    total = sum((i.amount_due for i in invoices), Decimal("0.00"))
    balance(stmt, "OPBD", Decimal("0.00"))
    balance(stmt, "CLBD", total)
    for invoice in invoices:
        amount = f"{invoice.amount_due:.2f}"
        ref = f"R{statement_id[5:]}-{invoice.pk}"  # Max35Text
        ntry = sub(stmt, "Ntry")
        sub(ntry, "Amt", amount, Ccy=invoice.currency)
        sub(ntry, "CdtDbtInd", "CRDT")
        path(ntry, "Sts/Cd", "BOOK")
        path(ntry, "BookgDt/Dt", booked_on.isoformat())
        path(ntry, "ValDt/Dt", booked_on.isoformat())
        sub(ntry, "AcctSvcrRef", ref)
        domain = sub(sub(ntry, "BkTxCd"), "Domn")
        sub(domain, "Cd", "PMNT")
        family = sub(domain, "Fmly")
        sub(family, "Cd", "RCDT")
        sub(family, "SubFmlyCd", "ESCT")
        tx = sub(sub(ntry, "NtryDtls"), "TxDtls")
        path(tx, "Refs/AcctSvcrRef", ref)
        path(tx, "AmtDtls/TxAmt/Amt", amount).set("Ccy", invoice.currency)
        parties = sub(tx, "RltdPties")
        path(parties, "Dbtr/Pty/Nm", invoice.customer_name[:140])
        path(parties, "DbtrAcct/Id/IBAN", DEMO_PAYER_IBAN)
        ref_info = sub(sub(sub(tx, "RmtInf"), "Strd"), "CdtrRefInf")
        kind = sub(ref_info, "Tp")
        path(kind, "CdOrPrtry/Cd", "SCOR")
        sub(kind, "Issr", "BBA")
        sub(ref_info, "Ref", invoice.structured_communication)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))
