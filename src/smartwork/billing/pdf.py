"""PDF documents with WeasyPrint: invoices, credit notes and self-billing statements.

Rendered from the issued (frozen) invoice, so the same invoice always gives the
same document; the words come from labels.py in the customer's language.
"""

from __future__ import annotations

import functools
import logging
import ssl
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Any

import segno
from django.template.loader import render_to_string

from smartwork.accounts.validators import format_enterprise_number
from smartwork.billing.calc import communication_format, totals_compute
from smartwork.billing.choices import InvoiceKind, VatCategory
from smartwork.billing.labels import labels_for, number_text, settlement_line_name, vat_mention
from smartwork.billing.models import Invoice, Settlement

# WeasyPrint logs each layout step at INFO: noise in a run of a thousand invoices.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


def money_text(amount: Decimal, language: str, currency: str = "EUR") -> str:
    text = f"{Decimal(amount):,.2f}"
    sign = "€" if currency == "EUR" else currency
    if language in ("fr", "nl"):
        text = text.replace(",", " ").replace(".", ",")
        return f"{text} {sign}"
    if language == "de":
        text = text.replace(",", "\u00a0").replace(".", ",").replace("\u00a0", ".")
        return f"{text} {sign}"
    return f"{sign} {text}"


def _number(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _iban_text(iban: str) -> str:
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def _enterprise_text(value: str) -> str:
    return format_enterprise_number(value or "")


def epc_qr_payload(*, name: str, iban: str, amount: Decimal, communication: str,
                   bic: str = "") -> str:
    """The EPC069-12 (version 002) text of the SEPA payment QR code: what a banking app
    reads. The structured communication goes in the creditor reference field."""
    value = f"{Decimal(amount).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return "\n".join([
        "BCD", "002", "1", "SCT", bic, name[:70], iban.replace(" ", ""), f"EUR{value}", "",
        communication, "" if communication else "Invoice",
    ]).rstrip("\n")  # nothing after the last element (EPC069-12)


def epc_qr_image(*, name: str, iban: str, amount: Decimal, communication: str,
                 bic: str = "") -> str:
    """An EPC (SEPA) payment QR code as an inline PNG data URI (WeasyPrint draws a PNG
    faster than the equivalent SVG path; 5 px per module prints sharp at 30 mm)."""
    qr: segno.QRCode = segno.make_qr(
        epc_qr_payload(name=name, iban=iban, amount=amount, communication=communication,
                       bic=bic), error="m", encoding="utf-8")
    return qr.png_data_uri(scale=5, border=0)


def _party(data: dict[str, Any], language: str = "fr") -> dict[str, Any]:
    """A party as printed: its enterprise number, and beside it the register mention a
    Belgian company carries (legal form, RPM/RPR and the court of its seat)."""
    register = ""
    if data.get("enterprise_number") and data.get("register_court"):
        register = f"{labels_for(language)['legal_register']} {data['register_court']}"
    return {**data, "enterprise_text": _enterprise_text(data.get("enterprise_number", "")),
            "register_text": register}


def _credited_number(credit_note: Invoice) -> str:
    original = credit_note.credited_invoice
    # The invoice_credit_note_refers constraint: a credit note always names its invoice.
    assert original is not None, "a credit note refers to the invoice it corrects"
    return original.display_number


def invoice_html(invoice: Invoice) -> str:
    """The document of an issued invoice or credit note. Its lines and totals are frozen
    at issue; an invoice's amount to pay (text and QR code) is what is still due now,
    after payments and credit notes, so a copy printed later asks the right amount."""
    lang = invoice.language
    labels = labels_for(lang)
    lines = list(invoice.lines.all())
    totals = totals_compute((ln.vat_category, ln.vat_rate, ln.line_net) for ln in lines)

    def money(amount: Decimal) -> str:
        return money_text(amount, lang, invoice.currency)

    def rate(category: str, value: Decimal) -> str:
        text = f"{number_text(value, lang)} %"
        return text if category == VatCategory.STANDARD else f"{text} ({category})"

    groups = []
    for centre_name, centre_lines in groupby(lines, key=lambda ln: ln.centre_name):
        items = list(centre_lines)
        groups.append({
            "centre": centre_name or labels["network_wide"],
            "subtotal": money(sum((i.line_net for i in items), Decimal(0))),
            "lines": [{
                "description": i.description, "quantity": number_text(i.quantity, lang),
                "unit_price": money(i.unit_price),
                "vat_rate": rate(i.vat_category, i.vat_rate),
                "amount": money(i.line_net),
            } for i in items],
        })
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    iban = invoice.issuer_data.get("iban", "")
    due = max(invoice.amount_due, Decimal("0.00")) if not credit else Decimal("0.00")
    qr = ""
    if iban and not credit and due > 0 and invoice.currency == "EUR":
        qr = epc_qr_image(name=invoice.issuer_data.get("name", ""), iban=iban, amount=due,
                          communication=invoice.structured_communication,
                          bic=invoice.issuer_data.get("bic", ""))
    credited_no = _credited_number(invoice) if credit else ""
    credit_text = ""
    if credit:
        refunded = invoice.refund_amount or Decimal("0.00")
        deducted = invoice.total_gross - refunded
        key = ("cn_refunded" if deducted <= 0 else "cn_mixed" if refunded > 0
               else "cn_deducted")
        credit_text = labels[key].format(invoice=credited_no, refunded=money(refunded),
                                         deducted=money(deducted))
    mentions = []
    for g in totals.groups:
        mention = vat_mention(g.category, lang)
        if mention and mention not in mentions:
            mentions.append(mention)
    context = {
        "l": labels, "invoice": invoice, "credit": credit, "groups": groups,
        "title": labels["credit_note" if credit else "invoice"],
        "issuer": _party(invoice.issuer_data, lang), "customer": _party(invoice.customer_data, lang),
        "vat_groups": [{
            "rate": rate(g.category, g.rate), "category": g.category,
            "taxable": money(g.taxable), "tax": money(g.tax),
            "mention": vat_mention(g.category, lang),
        } for g in totals.groups],
        "vat_mentions": mentions,
        "total_net": money(totals.net), "total_vat": money(totals.vat),
        "total_gross": money(totals.gross),
        "amount_credited": money(invoice.amount_credited) if invoice.amount_credited else "",
        "amount_paid": money(invoice.amount_paid) if invoice.amount_paid and not credit else "",
        "amount_due": money(due), "due": due, "credit_text": credit_text,
        "communication": communication_format(invoice.structured_communication),
        "iban": _iban_text(iban), "qr": qr,
        "issue_date": f"{invoice.issue_date:%d/%m/%Y}" if invoice.issue_date else "",
        "due_date": f"{invoice.due_date:%d/%m/%Y}" if invoice.due_date else "",
        "period": (f"{invoice.period_start:%d/%m/%Y} – {invoice.period_end:%d/%m/%Y}"
                   if invoice.period_start and invoice.period_end else ""),
        "credited": credited_no,
    }
    return render_to_string("billing/invoice.html", context)


_SSL_CONTEXT = ssl.create_default_context()
_STYLESHEET = Path(__file__).resolve().parent / "templates" / "billing" / "document.css"


@functools.cache
def _font_config() -> Any:
    """One font configuration per process: fontconfig is set up once, not per document."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def _stylesheets(language: str) -> list[Any]:
    """The documents' stylesheet, parsed once per process, and the page footer in the
    document's language (the only word the stylesheet needs)."""
    from weasyprint import CSS

    word = labels_for(language)["page"].replace("\\", "").replace('"', "")
    footer = (f'@page {{ @bottom-right {{ content: "{word} " counter(page); font-size: 7.5pt; '
              'color: #888; font-family: "DejaVu Sans", sans-serif; } }')
    return [CSS(string=_STYLESHEET.read_text(encoding="utf-8"), font_config=_font_config()),
            CSS(string=footer, font_config=_font_config())]


def _pdf(html: str, language: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Only inline data (the QR code): a document never fetches a file or a URL. The SSL
    # context is made once: building one per document costs more than laying it out.
    fetcher = URLFetcher(allowed_protocols={"data"}, ssl_context=_SSL_CONTEXT)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=_stylesheets(language), font_config=_font_config())


def invoice_pdf(invoice: Invoice) -> bytes:
    return _pdf(invoice_html(invoice), invoice.language)


def settlement_html(settlement: Settlement) -> str:
    """The self-billing invoice of a settlement: drawn up by the network operator (the
    customer) in the name of the centre's operator (the supplier), in the supplier's
    language, with VAT, the legal mention, and the commission invoice set off."""
    import re

    network = settlement.network
    lang = settlement.centre.operator.language or "fr"
    labels = labels_for(lang)

    def money(amount: Decimal) -> str:
        return money_text(amount, lang)

    lines = []
    for ln in settlement.lines.select_related("corrects"):
        text = settlement_line_name(ln, labels)
        count = re.search(r"\((\d+)\)$", ln.description)
        if count:
            text = f"{text} ({count.group(1)})"
        quantity = number_text(ln.quantity, lang)
        if ln.kind in ("credit", "roaming"):
            quantity = f"{quantity} {labels['hours']}"
        lines.append({"description": text, "quantity": quantity,
                      "unit_value": money(ln.unit_value), "amount": money(ln.amount)})
    commission_invoice = settlement.commission_invoice
    rate = f"{number_text(settlement.vat_rate, lang)} %"
    if settlement.vat_category != VatCategory.STANDARD:
        rate = f"{rate} ({settlement.vat_category})"
    return render_to_string("billing/settlement.html", {
        "l": labels, "s": settlement,
        "supplier": _party(settlement.payee_data, lang),
        "customer": _party(organisation_party(network.operator), lang),
        "lines": lines,
        "gross": money(settlement.gross_value), "vat_rate": rate,
        "vat": money(settlement.vat_amount), "total": money(settlement.total_gross),
        "vat_mention": vat_mention(settlement.vat_category, lang),
        "commission_invoice": commission_invoice.display_number if commission_invoice else "",
        "commission_gross": money(commission_invoice.total_gross) if commission_invoice else "",
        "commission_rate": f"{number_text(settlement.commission_rate, lang)} %",
        "payout": money(settlement.payout_amount),
        "issue_date": f"{settlement.issue_date:%d/%m/%Y}" if settlement.issue_date else "",
        "period": f"{settlement.period_start:%d/%m/%Y} – {settlement.period_end:%d/%m/%Y}",
        "iban": _iban_text(settlement.payee_data.get("iban", "")),
    })


def organisation_party(org: Any) -> dict[str, Any]:
    from smartwork.billing.services import organisation_snapshot

    return organisation_snapshot(org)


def settlement_pdf(settlement: Settlement) -> bytes:
    return _pdf(settlement_html(settlement), settlement.centre.operator.language or "fr")
