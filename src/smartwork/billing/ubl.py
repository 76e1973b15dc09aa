"""Peppol BIS Billing 3.0 e-invoices: UBL 2.1 Invoice and CreditNote, built with lxml.

Element order follows the UBL 2.1 schemas and the Peppol BIS 3.0 syntax binding.
`billing.validation` judges every document with the official rules (UBL XSD, CEN EN
16931 and Peppol BIS 3.0.21 stylesheets): at issue, before sending, and in the tests.

Only a Peppol recipient gets a document: a customer with a Peppol identifier (a
company's, or an independent member's enterprise number, scheme 0208). Peppol requires
the buyer's electronic address (PEPPOL-EN16931-R010) from the EAS code list
(PEPPOL-EN16931-CL008), which has no scheme for a private person; such a customer gets
the PDF only (docs/billing.md, "Peppol recipients").
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from smartwork.billing.calc import totals_compute
from smartwork.billing.choices import InvoiceKind, VatCategory
from smartwork.billing.labels import labels_for
from smartwork.billing.models import Invoice
from smartwork.billing.validation import SCHEMA_DIR
from smartwork.core.errors import Conflict

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

# Why a rate is zero, for the exempt and reverse-charge categories (BR-E-10, BR-AE-10).
EXEMPTION_REASONS: dict[str, tuple[str, str]] = {
    VatCategory.EXEMPT: ("VATEX-EU-132", "Exempt under Article 132 of Directive 2006/112/EC"),
    VatCategory.REVERSE_CHARGE: ("VATEX-EU-AE", "Reverse charge"),
}


class EInvoiceNotApplicable(Conflict):
    """The customer is not a Peppol recipient: the invoice exists as a PDF only."""

    code = "einvoice_not_applicable"


def peppol_receiver(data: Mapping[str, Any]) -> str:
    """The Peppol participant id ("0208:0403170701") of a party snapshot, or ""."""
    scheme, ident = data.get("peppol_scheme") or "", data.get("peppol_id") or ""
    return f"{scheme}:{ident}" if scheme and ident else ""


def _amount(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _qty(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    return text


def _rate(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


class _Builder:
    def __init__(self, currency: str) -> None:
        self.currency = currency

    def cbc(self, parent: etree._Element, name: str, text: Any = None, **attrs: str) -> Any:
        el = etree.SubElement(parent, f"{{{CBC}}}{name}", attrib=attrs)
        if text is not None:
            el.text = str(text)
        return el

    def cac(self, parent: etree._Element, name: str) -> Any:
        return etree.SubElement(parent, f"{{{CAC}}}{name}")

    def money(self, parent: etree._Element, name: str, value: Decimal) -> Any:
        return self.cbc(parent, name, _amount(value), currencyID=self.currency)

    def party(self, parent: etree._Element, data: dict[str, Any], *, seller: bool) -> None:
        party = self.cac(parent, "Party")
        scheme, ident = data.get("peppol_scheme") or "", data.get("peppol_id") or ""
        if scheme and ident:
            self.cbc(party, "EndpointID", ident, schemeID=scheme)
        if data.get("enterprise_number") and not seller:
            ident_el = self.cac(party, "PartyIdentification")
            self.cbc(ident_el, "ID", data["enterprise_number"], schemeID="0208")
        name = self.cac(party, "PartyName")
        self.cbc(name, "Name", data.get("name") or "-")
        address = self.cac(party, "PostalAddress")
        if data.get("street"):
            self.cbc(address, "StreetName", data["street"])
        if data.get("city"):
            self.cbc(address, "CityName", data["city"])
        if data.get("postcode"):
            self.cbc(address, "PostalZone", data["postcode"])
        country = self.cac(address, "Country")
        self.cbc(country, "IdentificationCode", data.get("country") or "BE")
        if data.get("vat_number"):
            tax = self.cac(party, "PartyTaxScheme")
            self.cbc(tax, "CompanyID", data["vat_number"])
            self.cbc(self.cac(tax, "TaxScheme"), "ID", "VAT")
        legal = self.cac(party, "PartyLegalEntity")
        self.cbc(legal, "RegistrationName", data.get("name") or "-")
        if data.get("enterprise_number"):
            self.cbc(legal, "CompanyID", data["enterprise_number"], schemeID="0208")
        if data.get("email"):
            contact = self.cac(party, "Contact")
            self.cbc(contact, "ElectronicMail", data["email"])


def invoice_ubl(invoice: Invoice) -> bytes:
    """The Peppol BIS 3.0 document of an issued invoice or credit note, as UTF-8 XML."""
    if invoice.number is None or invoice.issue_date is None:
        raise ValueError("Only an issued invoice has an e-invoice.")
    if not peppol_receiver(invoice.customer_data):
        raise EInvoiceNotApplicable(
            _("%(number)s has no e-invoice: the customer has no Peppol identifier "
              "(an enterprise number); the PDF is the invoice.")
            % {"number": invoice.display_number})
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    root_ns = NS_CREDIT_NOTE if credit else NS_INVOICE
    root = etree.Element(f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}",
                         # None keys the default namespace, as lxml documents; the stubs
                         # type nsmap as Mapping[str, str] and so refuse it.
                         nsmap={None: root_ns, "cac": CAC, "cbc": CBC})  # type: ignore[dict-item]
    b = _Builder(invoice.currency)
    lines = list(invoice.lines.all())
    b.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    b.cbc(root, "ProfileID", PROFILE_ID)
    b.cbc(root, "ID", invoice.display_number)
    b.cbc(root, "IssueDate", invoice.issue_date.isoformat())
    if not credit and invoice.due_date:
        b.cbc(root, "DueDate", invoice.due_date.isoformat())
    b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    if invoice.note:
        b.cbc(root, "Note", invoice.note[:1000])
    b.cbc(root, "DocumentCurrencyCode", invoice.currency)
    b.cbc(root, "BuyerReference", invoice.customer_data.get("reference") or invoice.display_number)
    if invoice.period_start and invoice.period_end:
        period = b.cac(root, "InvoicePeriod")
        b.cbc(period, "StartDate", invoice.period_start.isoformat())
        b.cbc(period, "EndDate", invoice.period_end.isoformat())
    if credit:
        original = invoice.credited_invoice
        # The invoice_credit_note_refers and invoice_number_iff_issued constraints: a credit
        # note names an invoice, and only an issued invoice can be credited.
        if original is None or original.issue_date is None:
            raise ValueError("A credit note refers to the issued invoice it corrects.")
        ref = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(ref, "ID", original.display_number)
        b.cbc(ref, "IssueDate", original.issue_date.isoformat())
    b.party(b.cac(root, "AccountingSupplierParty"), invoice.issuer_data, seller=True)
    b.party(b.cac(root, "AccountingCustomerParty"), invoice.customer_data, seller=False)
    iban = invoice.issuer_data.get("iban")
    if iban and not credit:
        means = b.cac(root, "PaymentMeans")
        b.cbc(means, "PaymentMeansCode", "30")
        if invoice.structured_communication:
            b.cbc(means, "PaymentID", invoice.structured_communication)
        account = b.cac(means, "PayeeFinancialAccount")
        b.cbc(account, "ID", iban)
        b.cbc(account, "Name", invoice.issuer_data.get("name") or "-")
        if invoice.issuer_data.get("bic"):
            b.cbc(b.cac(account, "FinancialInstitutionBranch"), "ID", invoice.issuer_data["bic"])
    if not credit and invoice.due_date:
        terms = b.cac(root, "PaymentTerms")
        # In the customer's language, like the PDF (labels.py).
        b.cbc(terms, "Note", labels_for(invoice.language)["payment_terms"].format(
            date=f"{invoice.due_date:%d/%m/%Y}"))

    totals = totals_compute((ln.vat_category, ln.vat_rate, ln.line_net) for ln in lines)
    tax_total = b.cac(root, "TaxTotal")
    b.money(tax_total, "TaxAmount", totals.vat)
    for group in totals.groups:
        sub = b.cac(tax_total, "TaxSubtotal")
        b.money(sub, "TaxableAmount", group.taxable)
        b.money(sub, "TaxAmount", group.tax)
        category = b.cac(sub, "TaxCategory")
        b.cbc(category, "ID", group.category)
        b.cbc(category, "Percent", _rate(group.rate))
        if group.category in EXEMPTION_REASONS:
            code, reason = EXEMPTION_REASONS[group.category]
            b.cbc(category, "TaxExemptionReasonCode", code)
            b.cbc(category, "TaxExemptionReason", reason)
        b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")
    monetary = b.cac(root, "LegalMonetaryTotal")
    b.money(monetary, "LineExtensionAmount", totals.net)
    b.money(monetary, "TaxExclusiveAmount", totals.net)
    b.money(monetary, "TaxInclusiveAmount", totals.gross)
    b.money(monetary, "PayableAmount", totals.gross)

    for ln in lines:
        line = b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        b.cbc(line, "ID", ln.position)
        b.cbc(line, "CreditedQuantity" if credit else "InvoicedQuantity", _qty(ln.quantity),
              unitCode=ln.unit)
        b.money(line, "LineExtensionAmount", ln.line_net)
        item = b.cac(line, "Item")
        b.cbc(item, "Name", ln.description[:200])
        tax = b.cac(item, "ClassifiedTaxCategory")
        b.cbc(tax, "ID", ln.vat_category)
        b.cbc(tax, "Percent", _rate(ln.vat_rate))
        b.cbc(b.cac(tax, "TaxScheme"), "ID", "VAT")
        if ln.centre_name:
            prop = b.cac(item, "AdditionalItemProperty")
            b.cbc(prop, "Name", "Centre")
            b.cbc(prop, "Value", ln.centre_name)
        price = b.cac(line, "Price")
        b.money(price, "PriceAmount", ln.unit_price)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


_SCHEMAS: dict[str, etree.XMLSchema] = {}


def ubl_schema_errors(xml: bytes) -> list[str]:
    """Errors of the document against the OASIS UBL 2.1 schema (empty when valid)."""
    doc = etree.fromstring(xml)
    name = "CreditNote" if doc.tag == f"{{{NS_CREDIT_NOTE}}}CreditNote" else "Invoice"
    if name not in _SCHEMAS:
        _SCHEMAS[name] = etree.XMLSchema(
            file=str(SCHEMA_DIR / "maindoc" / f"UBL-{name}-2.1.xsd"))
    schema = _SCHEMAS[name]
    if schema.validate(doc):
        return []
    # _ErrorLog is iterable (of _LogEntry) at runtime; lxml-stubs declare it as an empty class.
    return [f"{e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]
