"""Every UBL document built here is judged by the official validation (UBL 2.1 XSD, CEN
EN 16931 and Peppol BIS 3.0.21 stylesheets), and broken on purpose, rule by rule, to
show that the rules the documents rely on are the ones that judge them."""

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from smartwork.billing.choices import VatCategory
from smartwork.billing.services import credit_note_issue
from smartwork.billing.tests.factories import issued_invoice, line
from smartwork.billing.ubl import (
    CAC,
    CBC,
    CUSTOMIZATION_ID,
    NS_CREDIT_NOTE,
    NS_INVOICE,
    PROFILE_ID,
    EInvoiceNotApplicable,
    invoice_ubl,
    ubl_schema_errors,
)
from smartwork.billing.validation import ubl_fatal
from smartwork.core import testing

pytestmark = pytest.mark.django_db
NS = {"cac": CAC, "cbc": CBC, "inv": NS_INVOICE, "cn": NS_CREDIT_NOTE}


def assert_valid(xml: bytes) -> None:
    assert ubl_schema_errors(xml) == []
    assert [str(f) for f in ubl_fatal(xml=xml)] == []


def rules_broken(doc: etree._Element) -> set[str]:
    return {f.rule for f in ubl_fatal(xml=etree.tostring(doc))}


@pytest.fixture
def invoice(network, operator, company, centre):
    return issued_invoice(actor=operator, network=network, customer=company, lines=[
        line(centre_id=centre.pk, centre_name=centre.name),
        line(description="Meeting room", quantity=Decimal("1.5"), unit="HUR",
             unit_price=Decimal("20.00"), centre_id=centre.pk, centre_name=centre.name),
        line(description="Parking", quantity=Decimal("3"), unit_price=Decimal("3.33"),
             vat_rate=Decimal("6")),
        line(description="Training (exempt)", quantity=Decimal("1"), unit_price=Decimal("50"),
             vat_rate=Decimal("0"), vat_category=VatCategory.EXEMPT),
    ])


def test_invoice_is_schema_valid_and_follows_the_rules(invoice):
    xml = invoice_ubl(invoice)
    assert_valid(xml)
    doc = etree.fromstring(xml)
    assert doc.findtext("cbc:CustomizationID", namespaces=NS) == CUSTOMIZATION_ID
    assert doc.findtext("cbc:ProfileID", namespaces=NS) == PROFILE_ID
    assert doc.findtext("cbc:ID", namespaces=NS) == invoice.display_number
    endpoint = doc.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert endpoint.get("schemeID") == "0208"
    assert endpoint.text == invoice.customer_organisation.enterprise_number
    assert doc.findtext("cac:PaymentMeans/cbc:PaymentID", namespaces=NS) == \
        invoice.structured_communication
    assert doc.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == \
        str(invoice.total_gross)
    assert len(doc.findall("cac:TaxTotal/cac:TaxSubtotal", NS)) == 3


def test_credit_note_is_schema_valid_and_refers_to_the_invoice(invoice, operator):
    note = credit_note_issue(actor=operator, invoice=invoice,
                             lines=[{"line": invoice.lines.first().pk, "quantity": "1"}])
    xml = invoice_ubl(note)
    assert_valid(xml)
    doc = etree.fromstring(xml)
    assert etree.QName(doc).localname == "CreditNote"
    assert doc.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    assert doc.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
                        namespaces=NS) == invoice.display_number
    full = credit_note_issue(actor=operator, invoice=invoice)
    assert_valid(invoice_ubl(full))


def test_private_member_is_not_a_peppol_recipient(network, operator, member):
    """A private person has no Peppol identifier: no e-invoice at all (an "EM" endpoint
    breaks PEPPOL-EN16931-CL008, none breaks PEPPOL-EN16931-R010); the PDF is the invoice."""
    from smartwork.billing.services import invoice_draft_create, invoice_issue

    draft = invoice_draft_create(actor=operator, network=network, customer_member=member,
                                 lines=[line()])
    invoice = invoice_issue(actor=operator, invoice=draft, issue_date=dt.date(2026, 11, 2))
    assert invoice.customer_data["peppol_id"] == ""
    with pytest.raises(EInvoiceNotApplicable) as exc:
        invoice_ubl(invoice)
    assert exc.value.code == "einvoice_not_applicable" and exc.value.status == 409


def test_independent_business_member_gets_a_b2b_e_invoice(network, operator, member):
    """An independent who gives an enterprise number, VAT number and address is invoiced
    as a business: buyer endpoint 0208 + enterprise number, VAT id, address."""
    from smartwork.billing.models import BillingProfile
    from smartwork.billing.services import invoice_draft_create, invoice_issue

    BillingProfile.objects.create(
        member=member, legal_name="Studio Dupont SRL", enterprise_number="0403170701",
        vat_number="BE0403170701", street="Rue Haute 1", postcode="5000", city="Namur")
    draft = invoice_draft_create(actor=operator, network=network, customer_member=member,
                                 lines=[line()])
    invoice = invoice_issue(actor=operator, invoice=draft, issue_date=dt.date(2026, 11, 2))
    xml = invoice_ubl(invoice)
    assert_valid(xml)
    party = etree.fromstring(xml).find("cac:AccountingCustomerParty/cac:Party", NS)
    endpoint = party.find("cbc:EndpointID", NS)
    assert (endpoint.get("schemeID"), endpoint.text) == ("0208", "0403170701")
    assert party.findtext("cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS) == "BE0403170701"
    assert party.findtext("cac:PostalAddress/cbc:CityName", namespaces=NS) == "Namur"
    assert party.findtext("cac:PartyLegalEntity/cbc:RegistrationName",
                          namespaces=NS) == "Studio Dupont SRL"


def _text(doc, path, value):
    doc.find(path, NS).text = value


def _drop(doc, path):
    el = doc.find(path, NS)
    el.getparent().remove(el)


# Mutations that make the document schema-invalid: the XSD refuses them first (as an
# access point does) and the stylesheets do not run.
SCHEMA_BREAKS = {"BR-02", "BR-03", "BR-15", "BR-16", "BR-21", "BR-22", "BR-24", "BR-26",
                 "BR-CO-11"}

# Each mutation breaks one rule; the official validation must name it.
MUTATIONS = {
    "BR-01": lambda d: _drop(d, "cbc:CustomizationID"),
    "BR-02": lambda d: _drop(d, "cbc:ID"),
    "BR-03": lambda d: _drop(d, "cbc:IssueDate"),
    "BR-04": lambda d: _drop(d, "cbc:InvoiceTypeCode"),
    "BR-05": lambda d: _drop(d, "cbc:DocumentCurrencyCode"),
    "BR-06": lambda d: _drop(d, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/"
                                "cbc:RegistrationName"),
    "BR-07": lambda d: _drop(d, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/"
                                "cbc:RegistrationName"),
    "BR-08": lambda d: _drop(d, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress"),
    "BR-09": lambda d: _drop(d, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/"
                                "cac:Country/cbc:IdentificationCode"),
    "BR-10": lambda d: _drop(d, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress"),
    "BR-11": lambda d: _drop(d, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/"
                                "cac:Country/cbc:IdentificationCode"),
    "BR-12": lambda d: _drop(d, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount"),
    "BR-13": lambda d: _drop(d, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"),
    "BR-14": lambda d: _drop(d, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
    "BR-15": lambda d: _drop(d, "cac:LegalMonetaryTotal/cbc:PayableAmount"),
    "BR-16": lambda d: [x.getparent().remove(x) for x in d.findall("cac:InvoiceLine", NS)],
    "BR-21": lambda d: _drop(d, "cac:InvoiceLine/cbc:ID"),
    "BR-22": lambda d: _text(d, "cac:InvoiceLine/cbc:InvoicedQuantity", "x"),
    "BR-23": lambda d: d.find("cac:InvoiceLine/cbc:InvoicedQuantity", NS).attrib.pop("unitCode"),
    "BR-24": lambda d: _drop(d, "cac:InvoiceLine/cbc:LineExtensionAmount"),
    "BR-25": lambda d: _drop(d, "cac:InvoiceLine/cac:Item/cbc:Name"),
    "BR-26": lambda d: _drop(d, "cac:InvoiceLine/cac:Price/cbc:PriceAmount"),
    "BR-27": lambda d: _text(d, "cac:InvoiceLine/cac:Price/cbc:PriceAmount", "-1.00"),
    "BR-CO-10": lambda d: _text(d, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount", "1.00"),
    "BR-CO-11": lambda d: d.find("cac:LegalMonetaryTotal", NS).insert(
        2, etree.fromstring(f'<cbc:AllowanceTotalAmount xmlns:cbc="{NS["cbc"]}" '
                            'currencyID="EUR">5.00</cbc:AllowanceTotalAmount>')),
    "BR-CO-13": lambda d: _text(d, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", "1.00"),
    "BR-CO-14": lambda d: _text(d, "cac:TaxTotal/cbc:TaxAmount", "1.00"),
    "BR-CO-15": lambda d: _text(d, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "1.00"),
    "BR-CO-16": lambda d: _text(d, "cac:LegalMonetaryTotal/cbc:PayableAmount", "1.00"),
    "BR-CO-17": lambda d: _text(d, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", "0.01"),
    "BR-CO-18": lambda d: [s.getparent().remove(s)
                           for s in d.findall("cac:TaxTotal/cac:TaxSubtotal", NS)],
    "BR-CO-26": lambda d: (_drop(d, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"),
                           _drop(d, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/"
                                    "cbc:CompanyID")),
    "BR-S-01": lambda d: [s.getparent().remove(s) for s in d.xpath(
        "cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory/cbc:ID='S']", namespaces=NS)],
    "BR-S-02": lambda d: _drop(d, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"),
    "BR-S-05": lambda d: _text(d, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/"
                                  "cbc:Percent", "0"),
    "BR-S-08": lambda d: _text(d, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", "1.00"),
    "BR-S-10": lambda d: d.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS).insert(
        2, etree.fromstring(f'<cbc:TaxExemptionReason xmlns:cbc="{NS["cbc"]}">no'
                            '</cbc:TaxExemptionReason>')),
    "BR-E-10": lambda d: [e.getparent().remove(e) for e in d.findall(
        "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason", NS)
        + d.findall("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode",
                    NS)],
    "BR-E-09": lambda d: setattr(d.xpath("cac:TaxTotal/cac:TaxSubtotal[cac:TaxCategory/cbc:ID='E']/"
                                         "cbc:TaxAmount", namespaces=NS)[0], "text", "1.00"),
    "BR-DEC-23": lambda d: _text(d, "cac:InvoiceLine/cbc:LineExtensionAmount", "25.001"),
    "PEPPOL-EN16931-R001": lambda d: _drop(d, "cbc:ProfileID"),
    "PEPPOL-EN16931-R007": lambda d: _text(d, "cbc:ProfileID", "urn:example:billing"),
    "PEPPOL-EN16931-R004": lambda d: _text(d, "cbc:CustomizationID", "urn:cen.eu:en16931:2017"),
    "PEPPOL-EN16931-R003": lambda d: _drop(d, "cbc:BuyerReference"),
    "PEPPOL-EN16931-R008": lambda d: _text(d, "cbc:Note" if d.find("cbc:Note", NS) is not None
                                           else "cbc:BuyerReference", ""),
    "PEPPOL-EN16931-R010": lambda d: _drop(d, "cac:AccountingCustomerParty/cac:Party/"
                                              "cbc:EndpointID"),
    "PEPPOL-EN16931-R020": lambda d: _drop(d, "cac:AccountingSupplierParty/cac:Party/"
                                              "cbc:EndpointID"),
    "PEPPOL-EN16931-CL008": lambda d: d.find("cac:AccountingSupplierParty/cac:Party/"
                                             "cbc:EndpointID", NS).set("schemeID", "XXXX"),
    "PEPPOL-EN16931-R051": lambda d: d.find("cac:InvoiceLine/cbc:LineExtensionAmount",
                                            NS).set("currencyID", "USD"),
    "PEPPOL-EN16931-R053": lambda d: d.find("cac:TaxTotal", NS).addnext(
        etree.fromstring(etree.tostring(d.find("cac:TaxTotal", NS)))),
    "PEPPOL-EN16931-R120": lambda d: _text(d, "cac:InvoiceLine/cac:Price/cbc:PriceAmount",
                                           "26.00"),
    "PEPPOL-EN16931-P0100": lambda d: _text(d, "cbc:InvoiceTypeCode", "999"),
    "PEPPOL-COMMON-R043": lambda d: _text(d, "cac:AccountingCustomerParty/cac:Party/"
                                             "cbc:EndpointID", "0123456789"),
}


@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_each_rule_is_enforced(invoice, rule):
    doc = etree.fromstring(invoice_ubl(invoice))
    assert rules_broken(doc) == set()
    MUTATIONS[rule](doc)
    assert ("UBL-XSD" if rule in SCHEMA_BREAKS else rule) in rules_broken(doc)


def test_credit_note_rules(invoice, operator):
    note = credit_note_issue(actor=operator, invoice=invoice)
    doc = etree.fromstring(invoice_ubl(note))
    _text(doc, "cbc:CreditNoteTypeCode", "380")
    assert "PEPPOL-EN16931-P0101" in rules_broken(doc)
    doc = etree.fromstring(invoice_ubl(note))
    _text(doc, "cac:LegalMonetaryTotal/cbc:PayableAmount", "1.00")
    assert "BR-CO-16" in rules_broken(doc)


def test_issuer_without_vat_number_cannot_issue(db, company):
    from smartwork.billing.services import invoice_draft_create, invoice_issue
    from smartwork.core.errors import InvalidInput

    bare = testing.make_network()
    op = testing.make_operator(bare)
    company.network = bare
    company.save()
    draft = invoice_draft_create(actor=op, network=bare, customer_organisation=company,
                                 lines=[line()])
    with pytest.raises(InvalidInput) as exc:
        invoice_issue(actor=op, invoice=draft)
    assert exc.value.code == "issuer_vat_missing"


def test_the_ubl_documents_of_the_tests_are_checked_against_the_schemas(
        network, operator, company, every_ubl_document_passes_the_official_rules):
    """The autouse fixture really validates: it counts each document and refuses a broken one."""
    from smartwork.billing import ubl as ubl_module

    invoice = issued_invoice(actor=operator, network=network, customer=company)
    issued = every_ubl_document_passes_the_official_rules.count
    assert issued == 1  # issuing validated it
    ubl_module.invoice_ubl(invoice)
    assert every_ubl_document_passes_the_official_rules.count == 2

    class NoDate(dt.date):
        def isoformat(self) -> str:
            return "2026-11-31"  # no such day: not an xsd:date

    invoice.issue_date = NoDate(2026, 11, 2)  # in memory only
    with pytest.raises(AssertionError, match=r"breaks the rules.*UBL-XSD"):
        ubl_module.invoice_ubl(invoice)
    assert every_ubl_document_passes_the_official_rules.count == 2


@pytest.mark.parametrize("category", [VatCategory.STANDARD, VatCategory.ZERO,
                                      VatCategory.EXEMPT, VatCategory.REVERSE_CHARGE])
def test_each_vat_category_passes_the_official_rules(network, operator, company, centre,
                                                     category):
    """Every VAT category the product can put on a line (S, Z, E, AE) makes an invoice
    and a credit note that pass the official rules, alone and beside a standard line."""
    rate = Decimal("21") if category == VatCategory.STANDARD else Decimal("0")
    invoice = issued_invoice(actor=operator, network=network, customer=company, lines=[
        line(description=f"Service {category}", quantity=Decimal("2"),
             unit_price=Decimal("40.00"), vat_rate=rate, vat_category=category,
             centre_id=centre.pk, centre_name=centre.name),
        line(description="Coffee", quantity=Decimal("3"), unit_price=Decimal("2.50")),
    ])
    xml = invoice_ubl(invoice)
    assert_valid(xml)
    categories = {c.text for c in etree.fromstring(xml).findall(
        "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID", NS)}
    assert category in categories
    note = credit_note_issue(actor=operator, invoice=invoice,
                             lines=[{"line": invoice.lines.first().pk, "quantity": "1"}])
    assert_valid(invoice_ubl(note))
