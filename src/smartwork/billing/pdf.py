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
from segno import helpers as segno_helpers

from smartwork.accounts.validators import format_enterprise_number
from smartwork.billing.calc import communication_format, totals_compute
from smartwork.billing.choices import InvoiceKind
from smartwork.billing.labels import labels_for
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


def epc_qr_image(*, name: str, iban: str, amount: Decimal, communication: str,
               bic: str = "") -> str:
    """An EPC (SEPA) payment QR code as an inline PNG data URI (WeasyPrint draws a PNG
    faster than the equivalent SVG path; 5 px per module prints sharp at 30 mm)."""
    qr: segno.QRCode = segno_helpers.make_epc_qr(
        name=name[:70], iban=iban, amount=amount, reference=communication or None,
        text=None if communication else "Invoice", bic=bic or None,
    )
    return qr.png_data_uri(scale=5, border=0)


def _party(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "enterprise_text": _enterprise_text(data.get("enterprise_number", ""))}


def _credited_number(credit_note: Invoice) -> str:
    original = credit_note.credited_invoice
    # The invoice_credit_note_refers constraint: a credit note always names its invoice.
    assert original is not None, "a credit note refers to the invoice it corrects"
    return original.display_number


def invoice_html(invoice: Invoice) -> str:
    lang = invoice.language
    labels = labels_for(lang)
    lines = list(invoice.lines.all())
    totals = totals_compute((ln.vat_category, ln.vat_rate, ln.line_net) for ln in lines)
    groups = []
    for centre_name, centre_lines in groupby(lines, key=lambda ln: ln.centre_name):
        items = list(centre_lines)
        groups.append({
            "centre": centre_name or labels["network_wide"],
            "subtotal": money_text(sum((i.line_net for i in items), Decimal(0)), lang,
                                   invoice.currency),
            "lines": [{
                "description": i.description, "quantity": _number(i.quantity),
                "unit_price": money_text(i.unit_price, lang, invoice.currency),
                "vat_rate": f"{_number(i.vat_rate)} %",
                "amount": money_text(i.line_net, lang, invoice.currency),
            } for i in items],
        })
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    iban = invoice.issuer_data.get("iban", "")
    qr = ""
    if iban and not credit and invoice.amount_due > 0 and invoice.currency == "EUR":
        qr = epc_qr_image(name=invoice.issuer_data.get("name", ""), iban=iban,
                        amount=invoice.total_gross - invoice.amount_credited,
                        communication=invoice.structured_communication,
                        bic=invoice.issuer_data.get("bic", ""))
    context = {
        "l": labels, "invoice": invoice, "credit": credit, "groups": groups,
        "title": labels["credit_note" if credit else "invoice"],
        "issuer": _party(invoice.issuer_data), "customer": _party(invoice.customer_data),
        "vat_groups": [{
            "rate": f"{_number(g.rate)} %", "category": g.category,
            "taxable": money_text(g.taxable, lang, invoice.currency),
            "tax": money_text(g.tax, lang, invoice.currency),
        } for g in totals.groups],
        "total_net": money_text(totals.net, lang, invoice.currency),
        "total_vat": money_text(totals.vat, lang, invoice.currency),
        "total_gross": money_text(totals.gross, lang, invoice.currency),
        "communication": communication_format(invoice.structured_communication),
        "iban": _iban_text(iban), "qr": qr,
        "issue_date": f"{invoice.issue_date:%d/%m/%Y}" if invoice.issue_date else "",
        "due_date": f"{invoice.due_date:%d/%m/%Y}" if invoice.due_date else "",
        "period": (f"{invoice.period_start:%d/%m/%Y} – {invoice.period_end:%d/%m/%Y}"
                   if invoice.period_start and invoice.period_end else ""),
        "credited": _credited_number(invoice) if credit else "",
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
    network = settlement.network
    lang = settlement.centre.operator.language or "fr"
    labels = labels_for(lang)
    return render_to_string("billing/settlement.html", {
        "l": labels, "s": settlement,
        "issuer": {"name": network.operator.legal_name, "street": network.operator.street,
                   "postcode": network.operator.postcode, "city": network.operator.city,
                   "vat_number": network.operator.vat_number},
        "payee": settlement.payee_data,
        "lines": [{"description": labels.get(f"line_{ln.kind}", ln.description),
                   "quantity": _number(ln.quantity),
                   "unit_value": money_text(ln.unit_value, lang),
                   "amount": money_text(ln.amount, lang)} for ln in settlement.lines.all()],
        "gross": money_text(settlement.gross_value, lang),
        "commission_rate": f"{_number(settlement.commission_rate)} %",
        "commission": money_text(settlement.commission, lang),
        "payout": money_text(settlement.payout_amount, lang),
        "period": f"{settlement.period_start:%d/%m/%Y} – {settlement.period_end:%d/%m/%Y}",
        "iban": _iban_text(settlement.payee_data.get("iban", "")),
    })


def settlement_pdf(settlement: Settlement) -> bytes:
    return _pdf(settlement_html(settlement), settlement.centre.operator.language or "fr")
