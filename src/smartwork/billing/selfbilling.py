"""The Peppol self-billing document of a settlement (Peppol BIS Self-Billing 3.0).

A settlement is a self-billing invoice: the network operator (the customer) draws it
up in the name of the centre's operator (the supplier). Over Peppol it is a UBL 2.1
Invoice with the self-billing customization and profile and type code 389; the seller
is the centre's operator, the buyer the network operator. It exists only where the
centre's operator has a Peppol identifier (`peppol_receiver`), and it is judged by the
UBL XSD, CEN EN 16931 and `PEPPOL-EN16931-UBL-SB.xslt` of the same release
(`billing.validation`, rules "self_billing").
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from lxml import etree

from smartwork.billing.choices import VatCategory
from smartwork.billing.labels import labels_for, settlement_line_name
from smartwork.billing.models import Settlement
from smartwork.billing.services import organisation_snapshot
from smartwork.billing.ubl import (
    CAC,
    CBC,
    NS_INVOICE,
    EInvoiceNotApplicable,
    _Builder,
    _qty,
    _rate,
    peppol_receiver,
)

SB_CUSTOMIZATION_ID = ("urn:cen.eu:en16931:2017#compliant"
                       "#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0")
SB_PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0"
SELF_BILLED_INVOICE = "389"  # UNTDID 1001: self-billed invoice

# Why there is no VAT (BR-O-10): the supplier is not VAT-registered.
NOT_SUBJECT_REASON = ("VATEX-EU-O", "Not subject to VAT")


def settlement_ubl(settlement: Settlement) -> bytes:
    """The Peppol self-billing invoice of a numbered settlement, as UTF-8 XML."""
    supplier = dict(settlement.payee_data)
    if settlement.number is None or settlement.issue_date is None:
        # A statement made before settlements were numbered self-billing invoices.
        raise EInvoiceNotApplicable(
            _("%(number)s is not a numbered self-billing invoice: it has no e-invoice.")
            % {"number": settlement.reference})
    if not peppol_receiver(supplier):
        raise EInvoiceNotApplicable(
            _("%(number)s has no e-invoice: the centre's operator has no Peppol identifier; "
              "the PDF is the self-billing invoice.") % {"number": settlement.display_number})
    buyer = organisation_snapshot(settlement.network.operator)
    not_subject = settlement.vat_category == VatCategory.NOT_SUBJECT
    if not_subject:
        # BR-O-02: neither party's VAT identifier on a document not subject to VAT.
        supplier["vat_number"] = ""
        buyer["vat_number"] = ""
    currency = settlement.network.currency
    root = etree.Element(f"{{{NS_INVOICE}}}Invoice",
                         nsmap={None: NS_INVOICE, "cac": CAC, "cbc": CBC})  # type: ignore[dict-item]
    b = _Builder(currency)
    b.cbc(root, "CustomizationID", SB_CUSTOMIZATION_ID)
    b.cbc(root, "ProfileID", SB_PROFILE_ID)
    b.cbc(root, "ID", settlement.display_number)
    b.cbc(root, "IssueDate", settlement.issue_date.isoformat())
    b.cbc(root, "InvoiceTypeCode", SELF_BILLED_INVOICE)
    lang = settlement.centre.operator.language or "fr"
    b.cbc(root, "Note", labels_for(lang)["self_billing_mention"])
    b.cbc(root, "DocumentCurrencyCode", currency)
    b.cbc(root, "BuyerReference", settlement.reference)
    period = b.cac(root, "InvoicePeriod")
    b.cbc(period, "StartDate", settlement.period_start.isoformat())
    b.cbc(period, "EndDate", settlement.period_end.isoformat())
    b.party(b.cac(root, "AccountingSupplierParty"), supplier, seller=True)
    b.party(b.cac(root, "AccountingCustomerParty"), buyer, seller=False)
    if supplier.get("iban"):
        means = b.cac(root, "PaymentMeans")
        b.cbc(means, "PaymentMeansCode", "30")
        account = b.cac(means, "PayeeFinancialAccount")
        b.cbc(account, "ID", supplier["iban"])
        b.cbc(account, "Name", supplier.get("name") or "-")
        if supplier.get("bic"):
            b.cbc(b.cac(account, "FinancialInstitutionBranch"), "ID", supplier["bic"])

    def category(parent: etree._Element, tag: str) -> None:
        cat = b.cac(parent, tag)
        b.cbc(cat, "ID", settlement.vat_category)
        if not not_subject:
            b.cbc(cat, "Percent", _rate(settlement.vat_rate))
        if not_subject and tag == "TaxCategory":
            b.cbc(cat, "TaxExemptionReasonCode", NOT_SUBJECT_REASON[0])
            b.cbc(cat, "TaxExemptionReason", NOT_SUBJECT_REASON[1])
        b.cbc(b.cac(cat, "TaxScheme"), "ID", "VAT")

    tax_total = b.cac(root, "TaxTotal")
    b.money(tax_total, "TaxAmount", settlement.vat_amount)
    sub = b.cac(tax_total, "TaxSubtotal")
    b.money(sub, "TaxableAmount", settlement.gross_value)
    b.money(sub, "TaxAmount", settlement.vat_amount)
    category(sub, "TaxCategory")
    monetary = b.cac(root, "LegalMonetaryTotal")
    b.money(monetary, "LineExtensionAmount", settlement.gross_value)
    b.money(monetary, "TaxExclusiveAmount", settlement.gross_value)
    b.money(monetary, "TaxInclusiveAmount", settlement.total_gross)
    b.money(monetary, "PayableAmount", settlement.total_gross)
    labels = labels_for(lang)
    for position, ln in enumerate(settlement.lines.select_related("corrects"), start=1):
        line = b.cac(root, "InvoiceLine")
        b.cbc(line, "ID", position)
        hours = ln.kind in ("credit", "roaming")
        quantity = ln.quantity.quantize(Decimal("0.0001")) if hours else ln.quantity
        b.cbc(line, "InvoicedQuantity", _qty(quantity), unitCode="HUR" if hours else "C62")
        b.money(line, "LineExtensionAmount", ln.amount)
        item = b.cac(line, "Item")
        b.cbc(item, "Name", settlement_line_name(ln, labels)[:200])
        category(item, "ClassifiedTaxCategory")
        price = b.cac(line, "Price")
        b.money(price, "PriceAmount", ln.unit_value)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))
