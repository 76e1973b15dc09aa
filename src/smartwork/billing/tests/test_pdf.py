import os
from decimal import Decimal
from pathlib import Path

import pytest

from smartwork.billing.pdf import invoice_html, invoice_pdf, money_text
from smartwork.billing.tests.factories import issued_invoice, line

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", ["Facture", "Total à payer", "communication structurée", "Tout le réseau"]),
    ("nl", ["Factuur", "Te betalen", "gestructureerde mededeling", "Hele netwerk"]),
    ("en", ["Invoice", "Total due", "structured communication", "Whole network"]),
])
def test_pdf_in_the_customer_language(network, operator, company, centre, lang, words):
    company.language = lang
    company.save()
    invoice = issued_invoice(actor=operator, network=network, customer=company, lines=[
        line(description="Time credit 500 h", quantity=Decimal(1), unit_price=Decimal("2750")),
        line(centre_id=centre.pk, centre_name=centre.name),
    ])
    html = invoice_html(invoice)
    for word in words:
        assert word in html
    assert f"+++{invoice.structured_communication[:3]}/" in html
    assert "BE71 0961 2345 6769" in html
    assert "data:image/png;base64," in html  # the EPC QR code
    assert centre.name in html
    pdf = invoice_pdf(invoice)
    assert pdf[:4] == b"%PDF"
    if lang == "fr" and os.environ.get("SMARTWORK_KEEP_PDF"):
        Path(os.environ["SMARTWORK_KEEP_PDF"]).write_bytes(pdf)


def test_money_text():
    assert money_text(Decimal("1234.5"), "fr") == "1 234,50 €"
    assert money_text(Decimal("1234.5"), "en") == "€ 1,234.50"


def test_every_language_has_every_word():
    from smartwork.billing.labels import LABELS

    assert LABELS["fr"].keys() == LABELS["en"].keys() == LABELS["nl"].keys()


def test_settlement_statement_in_the_centre_operator_language(network, centre):
    import datetime as dt

    from smartwork.billing.models import Settlement, SettlementLine
    from smartwork.billing.pdf import settlement_html

    centre.operator.language = "nl"
    centre.operator.save()
    s = Settlement.objects.create(
        network=network, centre=centre, period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31), reference="SB-1", gross_value=Decimal("24.00"),
        commission_rate=Decimal("15"), commission=Decimal("3.60"),
        payout_amount=Decimal("20.40"), payee_data={"name": "Centre op", "iban": ""})
    SettlementLine.objects.create(settlement=s, kind="credit", description="x",
                                  quantity=Decimal(4), unit_value=Decimal("6"),
                                  amount=Decimal("24.00"))
    html = settlement_html(s)
    assert "Selfbillingfactuur" in html and "Kredieturen gebruikt" in html
    assert "20,40 €" in html
