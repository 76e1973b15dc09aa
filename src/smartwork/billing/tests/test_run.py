import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from smartwork.billing import run as run_module
from smartwork.billing.calc import period_parse
from smartwork.billing.choices import InvoiceState, RunState
from smartwork.billing.models import Invoice, InvoiceRun
from smartwork.billing.run import invoice_run
from smartwork.billing.tests.factories import period_sources
from smartwork.billing.ubl import EInvoiceNotApplicable, invoice_ubl
from smartwork.billing.validation import ubl_fatal
from smartwork.core import testing
from smartwork.core.errors import Forbidden, InvalidInput

pytestmark = pytest.mark.django_db
OCT = period_parse("2026-10")
NOV_2 = dt.date(2026, 11, 2)


@pytest.fixture
def independent(network):
    return testing.make_user(network=network, language="nl")


@pytest.fixture
def sources(network, centre, company, member, independent):
    return period_sources(network=network, centre=centre, company=company, member=member,
                          independent=independent)


def test_run_bills_each_customer_once_with_lines_by_centre(
    network, operator, company, independent, centre, sources, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        result = invoice_run(actor=operator, network=network, period=OCT, today=NOV_2)
    assert len(result.created) == 2
    company_inv = Invoice.objects.get(customer_organisation=company)
    lines = [(ln.centre_name, ln.description, ln.quantity, ln.line_net)
             for ln in company_inv.lines.all()]
    assert lines[0][0] == "" and lines[0][3] == Decimal("2750.00")  # credit: network-wide
    assert (centre.name, Decimal("2"), Decimal("50.00")) in [(c, q, n) for c, _, q, n in lines]
    assert company_inv.total_net == Decimal("2815.00")
    assert company_inv.state == InvoiceState.SENT  # mailed after commit
    member_inv = Invoice.objects.get(customer_member=independent)
    assert member_inv.language == "nl"
    assert member_inv.total_net == Decimal("129.00")  # 2 half-days + membership, not cancelled
    assert sorted(i.number for i in Invoice.objects.all()) == [1, 2]
    assert ubl_fatal(xml=invoice_ubl(company_inv)) == []
    with pytest.raises(EInvoiceNotApplicable):  # a private person: the PDF only
        invoice_ubl(member_inv)
    assert len(mail.outbox) == 2
    assert mail.outbox[0].attachments[0].filename.endswith(".pdf")
    assert mail.outbox[0].attachments[0].content[:4] == b"%PDF"


def test_second_run_bills_nothing_twice(network, operator, sources):
    invoice_run(actor=operator, network=network, period=OCT, today=NOV_2)
    again = invoice_run(actor=operator, network=network, period=OCT, today=NOV_2)
    assert again.created == [] and again.skipped == 2
    assert Invoice.objects.count() == 2


def test_open_period_is_refused(network, operator, sources):
    with pytest.raises(InvalidInput) as exc:
        invoice_run(actor=operator, network=network, period=OCT, today=dt.date(2026, 10, 31))
    assert exc.value.code == "period_open" and "period" in exc.value.fields
    assert Invoice.objects.count() == 0


def test_only_the_operator_runs_it(network, company_admin, manager, sources):
    for user in (company_admin, manager):
        with pytest.raises(Forbidden):
            invoice_run(actor=user, network=network, period=OCT, today=NOV_2)


def test_crash_leaves_no_gap_and_the_next_run_resumes(network, operator, sources, monkeypatch):
    real = run_module._issue_locked
    calls = {"n": 0}

    def crash_on_second(invoice, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(invoice, **kw)

    monkeypatch.setattr(run_module, "_issue_locked", crash_on_second)
    with pytest.raises(RuntimeError):
        invoice_run(actor=operator, network=network, period=OCT, today=NOV_2)
    assert Invoice.objects.count() == 1  # the invoice in flight left nothing behind
    assert InvoiceRun.objects.get().state == RunState.FAILED
    monkeypatch.setattr(run_module, "_issue_locked", real)
    result = invoice_run(actor=operator, network=network, period=OCT, today=NOV_2)
    assert len(result.created) == 1 and result.skipped == 1
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]


def test_command(network, sources, capsys):
    call_command("invoice_run", "--period", "2026-10", "--network", network.slug)
    out = capsys.readouterr().out
    assert "2 invoices issued" in out and "2/2" in out
    call_command("invoice_run", "--period", "2026-10", "--network", network.slug)
    assert "0 invoices issued, 2 already done" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("invoice_run", "--period", "2026-13")
    with pytest.raises(CommandError, match="not ended"):
        call_command("invoice_run", "--period", "2099-01")


def test_a_killed_run_is_marked_failed_by_the_next_which_resumes(network, operator, sources):
    """A run whose process was killed gets no exception to mark it failed: it stays
    "running" with an old heartbeat. The next run of the period closes it and bills
    what is missing; a run still beating is left alone."""
    import datetime as dt

    from django.utils import timezone

    from smartwork.core.models import AuditEntry

    old = timezone.now() - run_module.RUN_STALE_AFTER - dt.timedelta(minutes=1)
    killed = InvoiceRun.objects.create(network=network, period_start=OCT.start,
                                       period_end=OCT.end, heartbeat_at=old)
    alive = InvoiceRun.objects.create(network=network, period_start=OCT.start,
                                      period_end=OCT.end, heartbeat_at=timezone.now())
    other_month = InvoiceRun.objects.create(network=network, period_start=dt.date(2026, 9, 1),
                                            period_end=dt.date(2026, 9, 30), heartbeat_at=old)
    result = invoice_run(actor=operator, network=network, period=OCT, today=NOV_2)
    assert len(result.created) == 2
    killed.refresh_from_db()
    assert killed.state == RunState.FAILED and f"resumed by run {result.run_id}" in killed.error
    assert InvoiceRun.objects.get(pk=alive.pk).state == RunState.RUNNING
    assert InvoiceRun.objects.get(pk=other_month.pk).state == RunState.RUNNING
    assert InvoiceRun.objects.get(pk=result.run_id).state == RunState.DONE
    assert AuditEntry.objects.filter(action="invoice_run.interrupted",
                                     object_id=str(killed.pk)).count() == 1
