"""The operator's month from the command line: invoice-run, demo-statement, import-camt,
settle, payout, check-books; each thin over its service, idempotent, and refusing with
one line (exit code 1, no traceback)."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.core.management import CommandError, call_command

from smartwork.billing.choices import InvoiceState, SettlementState
from smartwork.billing.models import BankStatement, Invoice, Payment, PayoutBatch, Settlement
from smartwork.billing.tests import camt
from smartwork.billing.tests.factories import billing_ready, period_sources
from smartwork.config.cli import main as cli_main
from smartwork.core import testing
from smartwork.credits.models import CreditPurchase

pytestmark = pytest.mark.django_db
PAIN_XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"


@pytest.fixture
def month(network, centre, company, member):
    centre.operator.iban, centre.operator.bic = "BE68539007547034", "GKCCBEBB"
    centre.operator.save()
    independent = testing.make_user(network=network, language="nl")
    sources = period_sources(network=network, centre=centre, company=company, member=member,
                             independent=independent)
    # The factory's credit purchase has no ledger entry (check-books would rightly say
    # so): this month is pay-as-you-go, overage and a membership.
    CreditPurchase.objects.all().delete()
    return sources


def run(*args: str, **kwargs: object) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_the_month_end_to_end_and_twice(network, month, tmp_path):
    slug = ("--network", network.slug)
    assert "2 invoices issued" in run("invoice_run", "--period", "2026-10", "--no-mail", *slug)
    invoices = list(Invoice.objects.filter(network=network))
    assert {i.state for i in invoices} == {InvoiceState.ISSUED}

    # The demo's bank statement pays each open invoice with its structured communication.
    statement = tmp_path / "camt.xml"
    out = run("demo_statement", "--period", "2026-10", "--out", str(statement),
              "--date", "2026-11-20", *slug)
    assert "2 payments on 2026-11-20" in out
    out = run("import_camt", str(statement))  # the network is found from the account
    assert "2 matched, 0 unmatched" in out
    for invoice in invoices:
        assert invoice.display_number in out
    assert {i.state for i in Invoice.objects.filter(network=network)} == {InvoiceState.PAID}
    # Importing the same file again pays nothing twice.
    out = run("import_camt", str(statement), *slug)
    assert "already imported: nothing done" in out and "2 matched" in out
    assert Payment.objects.count() == 2 and BankStatement.objects.count() == 1

    out = run("settle", "--period", "2026-10", "--approve", *slug)
    assert "1 statements created, 0 already there, 1 approved." in out
    assert re.search(r"SB-\d{4}-000001 ", out)  # the supplier's self-billing series
    out = run("settle", "--period", "2026-10", *slug)
    assert "0 statements created, 1 already there." in out
    assert Settlement.objects.get().state == SettlementState.APPROVED

    pain = tmp_path / "payout.xml"
    out = run("payout", "--period", "2026-10", "--out", str(pain),
              "--execution-date", "2026-11-25", *slug)
    batch = PayoutBatch.objects.get()
    assert f"batch {batch.message_id} created: 1 transfers" in out
    xmlschema.XMLSchema(str(PAIN_XSD)).validate(pain.read_text())
    assert "BE68539007547034" in pain.read_text()
    first = pain.read_bytes()
    pain.unlink()
    out = run("payout", "--period", "2026-10", "--out", str(pain), *slug)
    assert "already made" in out and pain.read_bytes() == first
    assert PayoutBatch.objects.count() == 1

    err = StringIO()
    try:
        out = run("check_books", "--period", "2026-10", *slug, stderr=err)
    except CommandError:
        raise AssertionError(err.getvalue()) from None
    assert "balanced to the cent" in out


def test_import_refuses_another_account_a_bad_file_and_a_missing_one(network, month, tmp_path):
    run("invoice_run", "--period", "2026-10", "--no-mail", "--network", network.slug)
    other = tmp_path / "other.xml"
    other.write_bytes(camt.statement("BE62510007547061", [camt.entry("10.00", name="X")]))
    with pytest.raises(CommandError, match=r"no network operator's account.*camt_wrong_account"):
        run("import_camt", str(other))
    with pytest.raises(CommandError, match=r"not the operator's account.*camt_wrong_account"):
        run("import_camt", str(other), "--network", network.slug)
    bad = tmp_path / "bad.xml"
    bad.write_text("not xml")
    with pytest.raises(CommandError, match="camt_invalid"):
        run("import_camt", str(bad))
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_camt", str(tmp_path / "missing.xml"))
    assert not BankStatement.objects.exists() and not Payment.objects.exists()


def test_unmatched_payments_are_listed(network, month, tmp_path):
    run("invoice_run", "--period", "2026-10", "--no-mail", "--network", network.slug)
    invoice = Invoice.objects.order_by("number").first()
    path = tmp_path / "camt.xml"
    path.write_bytes(camt.statement(network.operator.iban, [
        camt.entry(invoice.total_gross, name="Someone", structured=invoice.structured_communication,
                   ref="R1"),
        camt.entry("12.34", name="Unknown payer", text="gift", ref="R2"),
    ]))
    out = run("import_camt", str(path))
    assert "1 matched, 1 unmatched" in out and "Unknown payer" in out and "12.34" in out


def test_settle_and_payout_refuse_clearly(network, month, tmp_path):
    with pytest.raises(CommandError, match="not ended"):
        run("settle", "--period", "2099-01")
    with pytest.raises(CommandError):
        run("settle", "--period", "2026-13")
    out = tmp_path / "p.xml"
    with pytest.raises(CommandError, match="nothing_to_pay"):
        run("payout", "--period", "2026-10", "--out", str(out), "--network", network.slug)
    assert not out.exists()
    with pytest.raises(CommandError, match="not a YYYY-MM-DD"):
        run("payout", "--period", "2026-10", "--out", str(out), "--execution-date", "soon",
            "--network", network.slug)
    with pytest.raises(CommandError, match="no folder"):
        run("payout", "--period", "2026-10", "--out", str(tmp_path / "no" / "p.xml"),
            "--network", network.slug)
    # A second network: payout needs to be told which one.
    billing_ready(testing.make_network(name="Second network"))
    with pytest.raises(CommandError, match="Name the network"):
        run("payout", "--period", "2026-10", "--out", str(out))
    # A centre without a valid bank account: nothing written, one clear line.
    run("settle", "--period", "2026-10", "--approve", "--network", network.slug)
    Settlement.objects.update(payee_data={"name": "X", "iban": "BE00", "bic": "GKCCBEBB"})
    with pytest.raises(CommandError, match="invalid_iban"):
        run("payout", "--period", "2026-10", "--out", str(out), "--network", network.slug)
    assert not PayoutBatch.objects.exists() and not out.exists()


def test_the_smartwork_command_exits_1_with_one_line(network, month, tmp_path, capsys,
                                                    monkeypatch):
    # Django closes the connections when a command line ends: not the test's own.
    from django.core.management import base

    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exc:
        cli_main(["import-camt", str(tmp_path / "missing.xml")])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("CommandError: Cannot read") and "\n" not in err
    assert "Traceback" not in err
    with pytest.raises(SystemExit) as exc:
        cli_main(["payout", "--period", "2026-10", "--out", str(tmp_path / "p.xml"),
                  "--network", network.slug])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert "nothing_to_pay" in err and "\n" not in err


@pytest.mark.django_db
def test_invoice_run_without_any_network_says_so():
    with pytest.raises(CommandError, match="No network to invoice yet"):
        call_command("invoice_run", "--period", "2026-10", "--no-mail", stdout=StringIO())
