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
    assert "data:image/svg+xml" in html  # the EPC QR code
    assert centre.name in html
    pdf = invoice_pdf(invoice)
    assert pdf[:4] == b"%PDF"
    if lang == "fr" and os.environ.get("SMARTWORK_KEEP_PDF"):
        Path(os.environ["SMARTWORK_KEEP_PDF"]).write_bytes(pdf)


def test_money_text():
    assert money_text(Decimal("1234.5"), "fr") == "1 234,50 €"
    assert money_text(Decimal("1234.5"), "en") == "€ 1,234.50"
