import pytest

from smartwork.billing.tests.factories import billing_ready
from smartwork.core import testing


@pytest.fixture
def network(db):
    """The shared fixture's network, with an operator able to issue invoices."""
    return billing_ready(testing.make_network(name="Test network"))


@pytest.fixture(autouse=True)
def every_ubl_document_is_schema_valid(monkeypatch):
    """Every Peppol UBL document a billing test produces (directly, through the API, the
    pages or the mail task) is validated against the OASIS UBL 2.1 schemas: an invalid
    one fails the test that made it."""
    import sys

    from smartwork.billing import ubl

    original = ubl.invoice_ubl

    def validated(invoice):
        xml = original(invoice)
        errors = ubl.ubl_schema_errors(xml)
        assert errors == [], f"UBL of {invoice.display_number} is not schema-valid: {errors}"
        validated.count += 1
        return xml

    validated.count = 0
    for name, module in list(sys.modules.items()):
        if name.startswith("smartwork.") and getattr(module, "invoice_ubl", None) is original:
            monkeypatch.setattr(module, "invoice_ubl", validated)
    return validated
