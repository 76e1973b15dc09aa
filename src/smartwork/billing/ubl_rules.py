"""A small checker of the EN 16931 and Peppol BIS 3.0 business rules we rely on.

The official rules are Schematron files (CEN's EN16931-UBL and OpenPEPPOL's
PEPPOL-EN16931-UBL); this module re-states, by rule ID, those that apply to the
documents smartwork produces, so every UBL file the tests build is checked
without a Schematron processor. `check(xml)` returns the broken rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

from smartwork.billing.ubl import CAC, CBC, CUSTOMIZATION_ID, NS_CREDIT_NOTE, NS_INVOICE

NS = {"cac": CAC, "cbc": CBC, "inv": NS_INVOICE, "cn": NS_CREDIT_NOTE}
CENT = Decimal("0.01")
# UNTDID 1001 codes Peppol accepts for invoices and credit notes (PEPPOL-EN16931-P0100/P0101).
INVOICE_TYPE_CODES = {"71", "80", "82", "84", "102", "218", "219", "331", "380", "382", "383",
                      "386", "388", "393", "395", "553", "575", "623", "780", "817", "870",
                      "875", "876", "877"}
CREDIT_NOTE_TYPE_CODES = {"81", "83", "381", "396", "532"}
# EAS code list, the part relevant here (PEPPOL-EN16931-CL008 accepts the whole list).
EAS_CODES = {"0002", "0007", "0009", "0037", "0060", "0088", "0096", "0097", "0106", "0130",
             "0135", "0142", "0151", "0183", "0184", "0188", "0190", "0191", "0192", "0193",
             "0195", "0196", "0198", "0199", "0200", "0201", "0202", "0204", "0208", "0209",
             "0210", "0211", "0212", "0213", "9901", "9910", "9913", "9914", "9915", "9918",
             "9919", "9920", "9922", "9923", "9924", "9925", "9926", "9927", "9928", "9929",
             "9930", "9931", "9932", "9933", "9934", "9935", "9936", "9937", "9938", "9939",
             "9940", "9941", "9942", "9943", "9944", "9945", "9946", "9947", "9948", "9949",
             "9950", "9951", "9952", "9953", "9957", "9959", "AN", "AQ", "AS", "AU", "EM"}
VAT_CATEGORIES = {"S", "Z", "E", "AE", "K", "G", "O", "L", "M"}


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def _dec(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def check(xml: bytes) -> list[Violation]:
    """The rules this document breaks (empty when it follows all checked rules)."""
    doc = etree.fromstring(xml)
    credit = doc.tag == f"{{{NS_CREDIT_NOTE}}}CreditNote"
    out: list[Violation] = []

    def fail(rule: str, message: str) -> None:
        out.append(Violation(rule, message))

    def text(path: str, node: etree._Element = doc) -> str | None:
        found = node.find(path, NS)
        return found.text.strip() if found is not None and found.text else None

    def amount(path: str, node: etree._Element = doc) -> Decimal | None:
        return _dec(text(path, node))

    line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    qty_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    lines = doc.findall(line_tag, NS)
    currency = text("cbc:DocumentCurrencyCode")

    # --- EN 16931 core: mandatory content ---------------------------------------
    if not text("cbc:CustomizationID"):
        fail("BR-01", "An Invoice shall have a Specification identifier (BT-24).")
    if not text("cbc:ID"):
        fail("BR-02", "An Invoice shall have an Invoice number (BT-1).")
    if not text("cbc:IssueDate"):
        fail("BR-03", "An Invoice shall have an Invoice issue date (BT-2).")
    type_code = text("cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode")
    if not type_code:
        fail("BR-04", "An Invoice shall have an Invoice type code (BT-3).")
    if not currency:
        fail("BR-05", "An Invoice shall have an Invoice currency code (BT-5).")
    seller = doc.find("cac:AccountingSupplierParty/cac:Party", NS)
    buyer = doc.find("cac:AccountingCustomerParty/cac:Party", NS)
    if seller is None or not text("cac:PartyLegalEntity/cbc:RegistrationName", seller):
        fail("BR-06", "An Invoice shall contain the Seller name (BT-27).")
    if buyer is None or not text("cac:PartyLegalEntity/cbc:RegistrationName", buyer):
        fail("BR-07", "An Invoice shall contain the Buyer name (BT-44).")
    if seller is None or seller.find("cac:PostalAddress", NS) is None:
        fail("BR-08", "An Invoice shall contain the Seller postal address (BG-5).")
    elif not text("cac:PostalAddress/cac:Country/cbc:IdentificationCode", seller):
        fail("BR-09", "The Seller postal address shall contain a Seller country code (BT-40).")
    if buyer is None or buyer.find("cac:PostalAddress", NS) is None:
        fail("BR-10", "An Invoice shall contain the Buyer postal address (BG-8).")
    elif not text("cac:PostalAddress/cac:Country/cbc:IdentificationCode", buyer):
        fail("BR-11", "The Buyer postal address shall contain a Buyer country code (BT-55).")
    line_ext = amount("cac:LegalMonetaryTotal/cbc:LineExtensionAmount")
    tax_excl = amount("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")
    tax_incl = amount("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")
    payable = amount("cac:LegalMonetaryTotal/cbc:PayableAmount")
    if line_ext is None:
        fail("BR-12", "An Invoice shall have the Sum of Invoice line net amount (BT-106).")
    if tax_excl is None:
        fail("BR-13", "An Invoice shall have the Invoice total amount without VAT (BT-109).")
    if tax_incl is None:
        fail("BR-14", "An Invoice shall have the Invoice total amount with VAT (BT-112).")
    if payable is None:
        fail("BR-15", "An Invoice shall have the Amount due for payment (BT-115).")
    if not lines:
        fail("BR-16", "An Invoice shall have at least one Invoice line (BG-25).")
    if credit:
        for ref in doc.findall("cac:BillingReference/cac:InvoiceDocumentReference", NS):
            if not text("cbc:ID", ref):
                fail("BR-55", "Each Preceding Invoice reference shall contain its number (BT-25).")

    # --- Lines -------------------------------------------------------------------
    line_sum = Decimal("0")
    by_category: dict[tuple[str, Decimal], Decimal] = {}
    for ln in lines:
        ident = text("cbc:ID", ln) or "?"
        if not text("cbc:ID", ln):
            fail("BR-21", "Each Invoice line shall have an Invoice line identifier (BT-126).")
        qty_el = ln.find(qty_tag, NS)
        qty = _dec(qty_el.text) if qty_el is not None else None
        if qty is None:
            fail("BR-22", f"Line {ident}: no invoiced quantity (BT-129).")
        if qty_el is None or not qty_el.get("unitCode"):
            fail("BR-23", f"Line {ident}: no unit of measure code (BT-130).")
        net = amount("cbc:LineExtensionAmount", ln)
        if net is None:
            fail("BR-24", f"Line {ident}: no Invoice line net amount (BT-131).")
        else:
            line_sum += net
        if not text("cac:Item/cbc:Name", ln):
            fail("BR-25", f"Line {ident}: no Item name (BT-153).")
        price = amount("cac:Price/cbc:PriceAmount", ln)
        if price is None:
            fail("BR-26", f"Line {ident}: no Item net price (BT-146).")
        elif price < 0:
            fail("BR-27", f"Line {ident}: the Item net price shall not be negative.")
        base_qty = amount("cac:Price/cbc:BaseQuantity", ln) or Decimal("1")
        if base_qty <= 0:
            fail("PEPPOL-EN16931-R121", f"Line {ident}: base quantity must be positive.")
        if qty is not None and price is not None and net is not None and \
                abs(_round(qty * price / base_qty) - net) > CENT:
            fail("PEPPOL-EN16931-R120", f"Line {ident}: net amount {net} is not quantity × price.")
        cat = text("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", ln)
        rate = amount("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", ln)
        if not cat:
            fail("BR-CO-04", f"Line {ident}: no Invoiced item VAT category code (BT-151).")
            continue
        if cat == "S" and (rate is None or rate <= 0):
            fail("BR-S-05", f"Line {ident}: a standard rated line has a rate above zero.")
        if cat == "Z" and rate != 0:
            fail("BR-Z-05", f"Line {ident}: a zero rated line has a rate of 0.")
        if cat == "E" and rate != 0:
            fail("BR-E-05", f"Line {ident}: an exempt line has a rate of 0.")
        if cat == "AE" and rate != 0:
            fail("BR-AE-05", f"Line {ident}: a reverse charge line has a rate of 0.")
        if cat == "S" and rate is None:
            fail("PEPPOL-EN16931-R006", f"Line {ident}: the VAT rate is missing.")
        key = (cat, rate or Decimal("0"))
        by_category[key] = by_category.get(key, Decimal("0")) + (net or Decimal("0"))

    # --- Totals (BR-CO-10 .. BR-CO-17) --------------------------------------------
    allowances = amount("cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount") or Decimal("0")
    charges = amount("cac:LegalMonetaryTotal/cbc:ChargeTotalAmount") or Decimal("0")
    doc_allowances = sum((_dec(e.text) or Decimal("0")) for e in doc.findall(
        "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:Amount", NS))
    doc_charges = sum((_dec(e.text) or Decimal("0")) for e in doc.findall(
        "cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:Amount", NS))
    prepaid = amount("cac:LegalMonetaryTotal/cbc:PrepaidAmount") or Decimal("0")
    rounding = amount("cac:LegalMonetaryTotal/cbc:PayableRoundingAmount") or Decimal("0")
    if line_ext is not None and line_ext != line_sum:
        fail("BR-CO-10", f"Sum of line net amounts {line_sum} differs from BT-106 {line_ext}.")
    if allowances != doc_allowances:
        fail("BR-CO-11", "Sum of allowances on document level differs from BT-107.")
    if charges != doc_charges:
        fail("BR-CO-12", "Sum of charges on document level differs from BT-108.")
    if tax_excl is not None and line_ext is not None and \
            tax_excl != line_ext - allowances + charges:
        fail("BR-CO-13", "Total without VAT is not line total - allowances + charges.")
    tax_totals = doc.findall("cac:TaxTotal", NS)
    with_subtotals = [t for t in tax_totals if t.find("cac:TaxSubtotal", NS) is not None]
    if len(with_subtotals) != 1:
        fail("PEPPOL-EN16931-R053",
             "Only one tax total with tax subtotals must be provided.")
    vat_total = amount("cbc:TaxAmount", with_subtotals[0]) if with_subtotals else None
    subtotals = with_subtotals[0].findall("cac:TaxSubtotal", NS) if with_subtotals else []
    if not subtotals:
        fail("BR-CO-18", "An Invoice shall at least have one VAT breakdown group (BG-23).")
    sub_sum = Decimal("0")
    seen_categories: set[str] = set()
    for sub in subtotals:
        taxable = amount("cbc:TaxableAmount", sub) or Decimal("0")
        tax = amount("cbc:TaxAmount", sub) or Decimal("0")
        cat = text("cac:TaxCategory/cbc:ID", sub) or ""
        rate = amount("cac:TaxCategory/cbc:Percent", sub) or Decimal("0")
        reason = text("cac:TaxCategory/cbc:TaxExemptionReason", sub) or text(
            "cac:TaxCategory/cbc:TaxExemptionReasonCode", sub)
        seen_categories.add(cat)
        sub_sum += tax
        if cat not in VAT_CATEGORIES:
            fail("BR-CL-17", f"Unknown VAT category code {cat!r}.")
        if _round(taxable * rate / 100) != tax:
            fail("BR-CO-17", f"VAT of category {cat} {rate} % is not taxable × rate, rounded.")
        expected_taxable = by_category.get((cat, rate), Decimal("0"))
        if cat == "S":
            if taxable != expected_taxable:
                fail("BR-S-08", f"Taxable amount at {rate} % differs from its lines.")
            if tax != _round(taxable * rate / 100):
                fail("BR-S-09", f"VAT amount at {rate} % is not taxable × rate.")
            if reason:
                fail("BR-S-10", "A standard rated breakdown has no exemption reason.")
        elif cat == "Z":
            if taxable != expected_taxable:
                fail("BR-Z-08", "Zero rated taxable amount differs from its lines.")
            if tax != 0:
                fail("BR-Z-09", "Zero rated VAT amount must be 0.")
            if reason:
                fail("BR-Z-10", "A zero rated breakdown has no exemption reason.")
        elif cat == "E":
            if taxable != expected_taxable:
                fail("BR-E-08", "Exempt taxable amount differs from its lines.")
            if tax != 0:
                fail("BR-E-09", "Exempt VAT amount must be 0.")
            if not reason:
                fail("BR-E-10", "An exempt breakdown needs an exemption reason.")
        elif cat == "AE":
            if taxable != expected_taxable:
                fail("BR-AE-08", "Reverse charge taxable amount differs from its lines.")
            if tax != 0:
                fail("BR-AE-09", "Reverse charge VAT amount must be 0.")
            if not reason:
                fail("BR-AE-10", "A reverse charge breakdown needs an exemption reason.")
    line_categories = {cat for cat, _ in by_category}
    for cat, rule in (("S", "BR-S-01"), ("Z", "BR-Z-01"), ("E", "BR-E-01"), ("AE", "BR-AE-01")):
        if cat in line_categories and cat not in seen_categories:
            fail(rule, f"Lines of category {cat} need a VAT breakdown of category {cat}.")
    for cat, rate in by_category:
        if not any((text("cac:TaxCategory/cbc:ID", s), amount("cac:TaxCategory/cbc:Percent", s))
                   == (cat, rate) for s in subtotals):
            fail(f"BR-{cat}-08", f"No VAT breakdown for the lines of {cat} {rate} %.")
    if vat_total is not None and vat_total != sub_sum:
        fail("BR-CO-14", f"VAT total {vat_total} is not the sum of the breakdown {sub_sum}.")
    if tax_incl is not None and tax_excl is not None and \
            tax_incl != tax_excl + (vat_total or Decimal("0")):
        fail("BR-CO-15", "Total with VAT is not total without VAT + VAT total.")
    if payable is not None and tax_incl is not None and payable != tax_incl - prepaid + rounding:
        fail("BR-CO-16", "Amount due is not total with VAT - paid amount + rounding.")
    if "S" in seen_categories and seller is not None and not (
        text("cac:PartyTaxScheme/cbc:CompanyID", seller)
    ):
        fail("BR-S-02", "A standard rated invoice shows the Seller VAT identifier (BT-31).")
    if seller is not None and not (
        text("cac:PartyTaxScheme/cbc:CompanyID", seller)
        or text("cac:PartyLegalEntity/cbc:CompanyID", seller)
        or text("cac:PartyIdentification/cbc:ID", seller)
    ):
        fail("BR-CO-26", "The Seller needs an identifier, a legal registration or a VAT id.")
    if not credit and payable is not None and payable > 0 and not (
        text("cbc:DueDate") or text("cac:PaymentTerms/cbc:Note")
    ):
        fail("BR-CO-25", "A positive amount due needs a due date or payment terms.")

    # --- Decimals (BR-DEC) -----------------------------------------------------------
    for el in doc.iter():
        if el.get("currencyID") is not None:
            value = _dec(el.text)
            if value is None or value.as_tuple().exponent < -2:  # type: ignore[operator]
                fail("BR-DEC", f"{etree.QName(el).localname} has more than two decimals.")

    # --- Peppol BIS 3.0 ------------------------------------------------------------
    if text("cbc:CustomizationID") != CUSTOMIZATION_ID:
        fail("PEPPOL-EN16931-R004", "Specification identifier must be the Peppol BIS 3.0 one.")
    profile = text("cbc:ProfileID")
    if not profile:
        fail("PEPPOL-EN16931-R001", "Business process (ProfileID) must be provided.")
    elif not re.fullmatch(r"urn:fdc:peppol\.eu:2017:poacc:billing:\d{2}:1\.0", profile):
        fail("PEPPOL-EN16931-R007", "Business process must be in the format "
             "'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0'.")
    if not (text("cbc:BuyerReference") or text("cac:OrderReference/cbc:ID")):
        fail("PEPPOL-EN16931-R003", "A buyer reference or purchase order reference must be given.")
    for party, rule, who in ((buyer, "PEPPOL-EN16931-R010", "Buyer"),
                             (seller, "PEPPOL-EN16931-R020", "Seller")):
        endpoint = party.find("cbc:EndpointID", NS) if party is not None else None
        if endpoint is None or not (endpoint.text or "").strip():
            fail(rule, f"{who} electronic address must be provided.")
        elif endpoint.get("schemeID") not in EAS_CODES:
            fail("PEPPOL-EN16931-CL008", f"{who} endpoint scheme {endpoint.get('schemeID')!r} "
                 "is not in the EAS code list.")
    for el in doc.iter():
        cur = el.get("currencyID")
        if cur is not None and cur != currency:
            fail("PEPPOL-EN16931-R051", f"{etree.QName(el).localname} is in {cur}, "
                 f"not in the document currency {currency}.")
        if isinstance(el.tag, str) and len(el) == 0 and not (el.text or "").strip():
            fail("PEPPOL-EN16931-R008", f"Empty element {etree.QName(el).localname}.")
        if el.get("schemeID") == "0208" and not _belgian_enterprise_ok(el.text or ""):
            fail("PEPPOL-COMMON-R043", f"{el.text!r} is not a valid Belgian enterprise number.")
    if credit:
        if type_code and type_code not in CREDIT_NOTE_TYPE_CODES:
            fail("PEPPOL-EN16931-P0101", f"Credit note type code {type_code} is not allowed.")
    elif type_code and type_code not in INVOICE_TYPE_CODES:
        fail("PEPPOL-EN16931-P0100", f"Invoice type code {type_code} is not allowed.")
    return out


def _belgian_enterprise_ok(value: str) -> bool:
    """PEPPOL-COMMON-R043: ten digits starting 0 or 1, last two = 97 - (first eight mod 97)."""
    value = value.strip()
    if not re.fullmatch(r"[01]\d{9}", value):
        return False
    return 97 - int(value[:8]) % 97 == int(value[8:])
