import pytest

from smartwork.billing.tests.factories import billing_ready
from smartwork.core import testing


@pytest.fixture
def network(db):
    """The shared fixture's network, with an operator able to issue invoices."""
    return billing_ready(testing.make_network(name="Test network"))


@pytest.fixture(autouse=True)
def every_ubl_document_passes_the_official_rules(monkeypatch):
    """Every Peppol UBL document a billing test produces (directly, through the API, the
    pages or the mail task) is judged by the official validation (UBL 2.1 XSD, CEN EN
    16931 and Peppol BIS 3.0.21 stylesheets): a fatal finding fails the test that made
    it."""
    import sys

    from smartwork.billing import ubl
    from smartwork.billing.validation import ubl_fatal

    original = ubl.invoice_ubl

    def validated(invoice):
        xml = original(invoice)
        errors = [str(f) for f in ubl_fatal(xml=xml)]
        assert errors == [], f"UBL of {invoice.display_number} breaks the rules: {errors}"
        validated.count += 1
        return xml

    validated.count = 0
    for name, module in list(sys.modules.items()):
        if name.startswith("smartwork.") and getattr(module, "invoice_ubl", None) is original:
            monkeypatch.setattr(module, "invoice_ubl", validated)
    return validated
