"""The official validation is wired right: the release's own examples pass, known-bad
edits fail with the right rule, the shipped files are the release's, and the product
refuses to issue an e-invoice that breaks a rule."""

import datetime as dt
import hashlib
import threading

import pytest
from lxml import etree

from smartwork.billing import ubl as ubl_module
from smartwork.billing.choices import InvoiceState
from smartwork.billing.models import Invoice, InvoiceSequence
from smartwork.billing.services import invoice_draft_create, invoice_issue
from smartwork.billing.tests.factories import line
from smartwork.billing.validation import (
    EXAMPLES_DIR,
    RULES_DIR,
    EInvoiceInvalid,
    ubl_assert_valid,
    ubl_fatal,
    ubl_validate,
)

NS = {"cac": ubl_module.CAC, "cbc": ubl_module.CBC}
EXAMPLES = sorted(p.name for p in EXAMPLES_DIR.glob("*.xml"))
# The release README's SHA-256 sums: the shipped stylesheets are unchanged.
SHA256 = {
    "CEN-EN16931-UBL.xslt": "a8a54aef3699057a3820cd2ebcac8ea3c364a6ebaf4a237e62064a5bc2877c4a",
    "PEPPOL-EN16931-UBL.xslt": "8c6b935b1bc0bb17d29d949b0aa27ecc62021b613b9fba173cd6bfec6b3f0008",
    "PEPPOL-EN16931-UBL-SB.xslt":
        "84dcf12a1871edc72e4026b1c7cbd79543382728709d2e4c4bcfb4d6f1ca6001",
}


def _example(name: str) -> bytes:
    return (EXAMPLES_DIR / name).read_bytes()


def test_the_release_ships_ten_examples():
    assert len(EXAMPLES) == 10


@pytest.mark.parametrize("name", sorted(SHA256))
def test_stylesheets_are_the_releases(name):
    data = (RULES_DIR / "xslt" / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256[name]


@pytest.mark.parametrize("name", EXAMPLES)
def test_official_examples_pass(name):
    assert [str(f) for f in ubl_fatal(xml=_example(name))] == []


def _edit(name: str, path: str, change) -> bytes:
    doc = etree.fromstring(_example(name))
    el = doc.find(path, NS)
    assert el is not None, path
    change(el)
    return etree.tostring(doc)


@pytest.mark.parametrize("name", ["base-example.xml", "base-creditnote-correction.xml"])
def test_a_changed_payable_amount_fails_br_co_16(name):
    xml = _edit(name, "cac:LegalMonetaryTotal/cbc:PayableAmount",
                lambda el: setattr(el, "text", "1656.26"))
    fatal = ubl_fatal(xml=xml)
    assert {f.rule for f in fatal} == {"BR-CO-16"}
    finding = fatal[0]
    assert finding.flag == "fatal" and finding.source == "CEN-EN16931-UBL.xslt"
    assert finding.location.endswith("/LegalMonetaryTotal[1]")
    assert finding.text.startswith("Amount due for payment")  # the "[BR-CO-16]-" prefix is cut


def test_a_removed_buyer_endpoint_fails_peppol_r010():
    xml = _edit("base-example.xml", "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
                lambda el: el.getparent().remove(el))
    assert "PEPPOL-EN16931-R010" in {f.rule for f in ubl_fatal(xml=xml)}


def test_an_email_endpoint_fails_peppol_cl008():
    def to_email(el):
        el.set("schemeID", "EM")
        el.text = "someone@example.org"
    xml = _edit("base-example.xml", "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
                to_email)
    assert "PEPPOL-EN16931-CL008" in {f.rule for f in ubl_fatal(xml=xml)}


def test_schema_errors_and_garbage_are_fatal():
    xml = _edit("base-example.xml", "cbc:IssueDate", lambda el: setattr(el, "text", "soon"))
    assert [f.rule for f in ubl_fatal(xml=xml)] == ["UBL-XSD"]
    assert [f.rule for f in ubl_fatal(xml=b"<Invoice")] == ["UBL-XSD"]
    assert [f.rule for f in ubl_fatal(xml=b"<Order/>")] == ["UBL-XSD"]


def test_warnings_are_reported_but_not_fatal():
    # PEPPOL-COMMON-R044 (a warning): an Italian IPA code (scheme 0201) of a bad shape.
    def to_ipa(el):
        el.set("schemeID", "0201")
        el.text = "no-such-code"
    xml = _edit("base-example.xml", "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
                to_ipa)
    findings = ubl_validate(xml=xml)
    warning = [f for f in findings if f.rule == "PEPPOL-COMMON-R044"]
    assert warning and warning[0].flag == "warning" and not warning[0].fatal
    assert ubl_fatal(xml=xml) == [f for f in findings if f.fatal]
    assert "PEPPOL-COMMON-R044" not in {f.rule for f in ubl_fatal(xml=xml)}


def test_self_billing_rules_are_a_different_set():
    # A normal invoice is not a self-billing document (type code 389, own customization).
    rules = {f.rule for f in ubl_fatal(xml=_example("base-example.xml"), rules="self_billing")}
    assert rules and all(r.startswith(("PEPPOL-", "BR-")) for r in rules)


def test_assert_valid_names_the_rules():
    xml = _edit("base-example.xml", "cac:LegalMonetaryTotal/cbc:PayableAmount",
                lambda el: setattr(el, "text", "1.00"))
    with pytest.raises(EInvoiceInvalid) as exc:
        ubl_assert_valid(xml=xml, document="INV-X")
    assert exc.value.code == "einvoice_invalid" and exc.value.status == 422
    assert "BR-CO-16" in exc.value.message and "INV-X" in exc.value.message
    assert exc.value.data["rules"] == ["BR-CO-16"]
    ubl_assert_valid(xml=_example("base-example.xml"))  # no error


def test_threads_share_one_engine_safely():
    good, bad = _example("base-example.xml"), _edit(
        "base-example.xml", "cac:LegalMonetaryTotal/cbc:PayableAmount",
        lambda el: setattr(el, "text", "2.00"))
    results: list[tuple[bool, set[str]]] = []
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for _ in range(5):
                xml = good if i % 2 else bad
                results.append((i % 2 == 1, {f.rule for f in ubl_fatal(xml=xml)}))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 20
    for is_good, rules in results:
        assert rules == (set() if is_good else {"BR-CO-16"})


@pytest.mark.django_db
def test_issue_refuses_an_e_invoice_that_breaks_a_rule(network, operator, company,
                                                       monkeypatch):
    """The generator is wrong (here on purpose): the invoice is not issued, the number is
    given back, and the error names the rule."""
    original = ubl_module.invoice_ubl

    def broken(invoice):
        doc = etree.fromstring(original(invoice))
        doc.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS).text = "0.01"
        return etree.tostring(doc)

    from smartwork.billing import services

    monkeypatch.setattr(services, "invoice_ubl", broken)
    draft = invoice_draft_create(actor=operator, network=network,
                                 customer_organisation=company, lines=[line()])
    with pytest.raises(EInvoiceInvalid) as exc:
        invoice_issue(actor=operator, invoice=draft, issue_date=dt.date(2026, 11, 2))
    assert "BR-CO-16" in exc.value.message
    draft.refresh_from_db()
    assert draft.state == InvoiceState.DRAFT and draft.number is None
    assert not InvoiceSequence.objects.filter(last_number__gt=0).exists()
    monkeypatch.setattr(services, "invoice_ubl", original)
    issued = invoice_issue(actor=operator, invoice=draft, issue_date=dt.date(2026, 11, 2))
    assert issued.number == 1
    assert Invoice.objects.get(pk=draft.pk).state == InvoiceState.ISSUED


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_refuses_clearly_instead_of_crashing():
    """SaxonC does not survive a fork: the child gets a clear error (children must be
    spawned), not a crash inside the native runtime."""
    import os

    assert ubl_fatal(xml=_example("base-example.xml")) == []  # the engine runs here
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            ubl_fatal(xml=_example("base-example.xml"))
        except RuntimeError as exc:
            code = 7 if "spawn" in str(exc) else 2
        except BaseException:
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 7
    assert ubl_fatal(xml=_example("base-example.xml")) == []  # the parent still works
