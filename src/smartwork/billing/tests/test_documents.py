"""What the customer reads: the amount still due (text and QR code agree), credit notes
that say what they credit and how, legal VAT mentions, the issuer's register mention,
and every text and number in the customer's language."""

import base64
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from lxml import etree
from PIL import Image

from smartwork.billing.calc import period_parse
from smartwork.billing.choices import VatCategory
from smartwork.billing.lines import lines_gather
from smartwork.billing.payments import payment_record
from smartwork.billing.pdf import invoice_html
from smartwork.billing.services import credit_note_issue
from smartwork.billing.tests.factories import issued_invoice, line, period_sources
from smartwork.billing.ubl import invoice_ubl
from smartwork.core import testing

pytestmark = pytest.mark.django_db


def qr_payload(html: str) -> list[str]:
    """The EPC QR code of a document, read back from its image as a banking app would."""
    found = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert found, "the document has no QR code"
    image = Image.open(io.BytesIO(base64.b64decode(found.group(1)))).convert("L")
    # A quiet zone, as printed on paper (the image itself has none).
    framed = Image.new("L", (image.width + 40, image.height + 40), 255)
    framed.paste(image, (20, 20))
    codes = zxingcpp.read_barcodes(framed)
    assert len(codes) == 1
    return codes[0].text.split("\n")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def invoice(network, operator, company):
    # 5 × 110.00 + 21 % = 665.50
    return issued_invoice(actor=operator, network=network, customer=company,
                          lines=[line(quantity=Decimal(5), unit_price=Decimal("110.00"))])


def test_after_a_part_payment_the_pdf_and_the_qr_ask_what_is_still_due(operator, invoice):
    payload = qr_payload(invoice_html(invoice))
    assert payload[0] == "BCD" and payload[7] == "EUR665.5"
    payment_record(actor=operator, invoice=invoice, amount="100.00",
                   value_date=dt.date(2026, 11, 10))
    invoice.refresh_from_db()
    html = invoice_html(invoice)
    words = text(html)
    assert "Merci de payer 565,50 €" in words
    assert "Déjà payé − 100,00 €" in words and "Total TVAC 665,50 €" in words
    payload = qr_payload(html)
    assert payload[7] == "EUR565.5"
    assert payload[9] == invoice.structured_communication  # the structured reference


def test_after_a_credit_note_the_pdf_and_the_qr_agree(operator, invoice):
    credit_note_issue(actor=operator, invoice=invoice,
                      lines=[{"line": invoice.lines.get().pk, "quantity": "2"}])
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("399.30")  # 665.50 - 266.20
    html = invoice_html(invoice)
    words = text(html)
    assert "Merci de payer 399,30 €" in words and "Notes de crédit − 266,20 €" in words
    assert qr_payload(html)[7] == "EUR399.3"


def test_a_paid_invoice_asks_nothing(operator, invoice):
    payment_record(actor=operator, invoice=invoice, amount="665.50",
                   value_date=dt.date(2026, 11, 10))
    invoice.refresh_from_db()
    html = invoice_html(invoice)
    assert "data:image/png" not in html and "plus rien à payer" in html


@pytest.mark.parametrize(("lang", "title", "deducted", "refunded"), [
    ("fr", "Total crédité", "Rien à payer : ce montant est déduit", "vous sera remboursé"),
    ("nl", "Totaal gecrediteerd", "Niets te betalen: dit bedrag wordt afgetrokken",
     "wordt teruggestort"),
    ("en", "Total credited", "Nothing to pay: this amount is deducted", "will be refunded"),
])
def test_a_credit_note_says_what_it_credits_and_how(network, operator, company, lang, title,
                                                    deducted, refunded):
    company.language = lang
    company.save()
    open_one = issued_invoice(actor=operator, network=network, customer=company)
    note = credit_note_issue(actor=operator, invoice=open_one)
    assert note.due_date is None and note.amount_due == 0 and note.refund_amount == 0
    html = invoice_html(note)
    assert title in html and deducted in html and refunded not in html
    assert not any(w in html for w in ("Total à payer", "Te betalen", "Total due"))
    assert "data:image/png" not in html
    # A paid invoice credited: the money goes back.
    paid = issued_invoice(actor=operator, network=network, customer=company)
    payment_record(actor=operator, invoice=paid, amount=paid.total_gross,
                   value_date=dt.date(2026, 11, 10))
    note = credit_note_issue(actor=operator, invoice=paid)
    assert note.refund_amount == paid.total_gross
    html = invoice_html(note)
    assert refunded in html and paid.display_number in html and deducted not in html


def test_a_credit_note_on_a_part_paid_invoice_deducts_then_refunds(network, operator, invoice):
    payment_record(actor=operator, invoice=invoice, amount="600.00",
                   value_date=dt.date(2026, 11, 10))
    invoice.refresh_from_db()
    note = credit_note_issue(actor=operator, invoice=invoice,
                             lines=[{"line": invoice.lines.get().pk, "quantity": "1"}])
    assert note.total_gross == Decimal("133.10") and note.refund_amount == Decimal("67.60")
    words = text(invoice_html(note))
    assert "65,50 € est déduit" in words and "67,60 € vous sera remboursé" in words


@pytest.mark.parametrize(("lang", "ae", "e"), [
    ("fr", "Autoliquidation", "Exonération de TVA (art. 44 du Code de la TVA"),
    ("nl", "Verlegging van heffing", "Vrijgesteld van btw (art. 44 van het Btw-Wetboek"),
    ("en", "Reverse charge", "Exempt from VAT (art. 44 of the Belgian VAT Code"),
])
def test_exempt_and_reverse_charge_lines_carry_their_legal_mention(network, operator, company,
                                                                   lang, ae, e):
    company.language = lang
    company.vat_number = "BE" + company.enterprise_number
    company.save()
    invoice = issued_invoice(actor=operator, network=network, customer=company, lines=[
        line(vat_rate=Decimal(0), vat_category=VatCategory.REVERSE_CHARGE),
        line(description="Training", vat_rate=Decimal(0), vat_category=VatCategory.EXEMPT),
    ])
    words = text(invoice_html(invoice))
    assert ae in words and "51, § 2" in words.replace("51 § 2", "51, § 2")
    assert e in words
    assert "0 % (AE)" in words and "0 % (E)" in words


def test_the_issuer_block_names_legal_form_and_register(network, operator, company):
    op = network.operator
    op.legal_form = "SRL"
    op.register_court = "Liège, division Namur"
    op.save()
    words = text(invoice_html(issued_invoice(actor=operator, network=network, customer=company)))
    assert f"{op.legal_name} SRL" in words
    assert "RPM Liège, division Namur" in words
    company.language = "nl"
    company.save()
    words = text(invoice_html(issued_invoice(actor=operator, network=network, customer=company)))
    assert "RPR Liège, division Namur" in words


def test_line_texts_and_numbers_in_the_customer_language(network, operator, company, centre):
    independent = testing.make_user(network=network, language="nl")
    member = testing.make_user(company=company, network=network)
    period_sources(network=network, centre=centre, company=company, member=member,
                   independent=independent)
    company.language = "fr"
    company.save()
    gathered = {c.kind: c for c in lines_gather(network=network, period=period_parse("2026-10"))}
    fr = [ln.description for ln in gathered["org"].lines]
    assert fr[0] == ("Crédit temps 500 h, valable du 05/10/2026 au 04/10/2027 "
                     "(bon de commande PO-77)")
    assert fr[1:] == ["Poste de travail, Journée (dépassement)",
                      "Poste de travail, Matin (dépassement)"]
    nl = [ln.description for ln in gathered["member"].lines]
    assert any(d.startswith("Abonnement Nomad 20 h, van 01/10/2026 tot 31/10/2026") for d in nl)
    assert nl[:2] == ["Werkplek, Namiddag", "Werkplek, Voormiddag"]
    assert not any("overage" in d or "Time credit" in d for d in fr + nl)


def test_quantities_and_the_ubl_payment_note_in_french(network, operator, company):
    invoice = issued_invoice(actor=operator, network=network, customer=company,
                             lines=[line(quantity=Decimal("0.5"))])
    assert ">0,5<" in invoice_html(invoice)
    doc = etree.fromstring(invoice_ubl(invoice))
    note = doc.find(".//{*}PaymentTerms/{*}Note").text
    assert note == f"Paiement dû au plus tard le {invoice.due_date:%d/%m/%Y}"


def _credit_invoice(operator, network, company, hours=100):
    from smartwork.billing.choices import LineSource
    from smartwork.credits.services import credit_purchase_create

    purchase = credit_purchase_create(actor=operator, company=company, hours=hours,
                                      price_net=Decimal("550.00"), vat_rate=Decimal("21.00"))
    invoice = issued_invoice(actor=operator, network=network, customer=company, lines=[line(
        description="Crédit temps 100 h", quantity=Decimal(1), unit_price=Decimal("550.00"),
        source_type=LineSource.CREDIT_PURCHASE, source_id=purchase.pk,
        source_key=f"credit_purchase:{purchase.pk}")])
    return purchase, invoice


def test_a_full_credit_note_on_a_credit_purchase_revokes_its_hours(network, operator, company):
    from smartwork.credits.models import CreditAccount, LedgerEntry

    purchase, invoice = _credit_invoice(operator, network, company)
    pool = CreditAccount.objects.get(purchase=purchase)
    assert pool.balance_minutes == 100 * 60
    note = credit_note_issue(actor=operator, invoice=invoice)
    pool.refresh_from_db()
    assert pool.balance_minutes == 0
    entry = LedgerEntry.objects.filter(account=pool).order_by("id").last()
    assert entry.amount_minutes == -6000 and entry.purchase == purchase
    assert note.display_number in entry.note


def test_a_credit_note_cannot_take_back_hours_already_spent(network, operator, company):
    from smartwork.core.errors import Conflict
    from smartwork.credits.models import CreditAccount
    from smartwork.credits.services import credit_adjust

    purchase, invoice = _credit_invoice(operator, network, company)
    pool = CreditAccount.objects.get(purchase=purchase)
    credit_adjust(actor=operator, account=pool, minutes=-30 * 60, note="30 h used")
    with pytest.raises(Conflict) as exc:
        credit_note_issue(actor=operator, invoice=invoice)
    assert exc.value.code == "credit_already_used"
    assert "70 h" in exc.value.message and "100 h" in exc.value.message
    invoice.refresh_from_db()
    assert invoice.amount_credited == 0 and invoice.credit_notes.count() == 0
    # Half of it (50 h) is unused: that part can be credited.
    credit_note_issue(actor=operator, invoice=invoice,
                      lines=[{"line": invoice.lines.get().pk, "quantity": "0.5"}])
    pool.refresh_from_db()
    assert pool.balance_minutes == 20 * 60
