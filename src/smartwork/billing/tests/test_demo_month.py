"""The demo's closed month, end to end: invoiced, paid from a CAMT.053 file, settled,
paid out by a pain.001 file, and the books balance (issue 6's "done when")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import sepaxml
import xmlschema
from django.test import TestCase
from django.utils import timezone

from smartwork.accounts.choices import Role
from smartwork.accounts.models import RoleAssignment
from smartwork.billing.books import books_check
from smartwork.billing.calc import period_parse
from smartwork.billing.choices import InvoiceState, LineSource, SettlementState
from smartwork.billing.clearing import clearings_create
from smartwork.billing.models import Invoice, PayoutBatch, Settlement
from smartwork.billing.payments import camt_import
from smartwork.billing.run import invoice_run
from smartwork.billing.settlement import payout_batch_create, settlement_approve, settlements_create
from smartwork.billing.tests import camt
from smartwork.billing.ubl import invoice_ubl
from smartwork.billing.validation import ubl_fatal
from smartwork.credits.models import CreditPurchase, MembershipPeriod, PaygCharge
from smartwork.demo import demo_load
from smartwork.network.models import Network

PAIN_XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"


def contiguous(names: list[str]) -> bool:
    """Each centre's lines in one block, network-wide lines (no centre) first."""
    blocks = [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]
    return len(blocks) == len(set(blocks)) and ("" not in blocks or blocks[0] == "")


class TestDemoMonth(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        demo_load()
        cls.today = timezone.localdate()
        end = cls.today.replace(day=1) - dt.timedelta(days=1)
        cls.period = period_parse(f"{end:%Y-%m}")
        cls.networks = list(Network.objects.order_by("slug"))
        cls.operators = {n.pk: RoleAssignment.objects.filter(
            role=Role.OPERATOR, network=n).order_by("user__email").first().user
            for n in cls.networks}

    def test_the_loader_leaves_last_month_with_facts_and_nothing_invoiced(self):
        p = self.period
        assert CreditPurchase.objects.filter(purchased_on__range=(p.start, p.end)).count() == 2
        charges = PaygCharge.objects.filter(service_date__range=(p.start, p.end))
        assert charges.filter(bill_to="member").exists()
        assert charges.filter(bill_to="company").exists()
        months = MembershipPeriod.objects.filter(starts_on=p.start, ends_on=p.end)
        assert months.count() == 2
        # ... and renewed on the first of this month, as the daily job does.
        # (Other demo memberships start today, which may be the first of the month too.)
        assert MembershipPeriod.objects.filter(
            starts_on=p.end + dt.timedelta(days=1),
            membership__in=months.values("membership")).count() == 2
        assert not Invoice.objects.exists()

    def test_last_month_is_invoiced_paid_settled_paid_out_and_balanced(self):
        p, today = self.period, self.today
        for network in self.networks:
            result = invoice_run(actor=self.operators[network.pk], network=network, period=p,
                                 today=today, send=False)
            assert result.created and result.skipped == 0
            again = invoice_run(actor=self.operators[network.pk], network=network, period=p,
                                today=today, send=False)
            assert again.created == [] and again.skipped == result.customers

        # Every demo company, and every member who paid as they went, has one invoice.
        companies = set(CreditPurchase.objects.filter(
            purchased_on__range=(p.start, p.end)).values_list("company_id", flat=True))
        charges = PaygCharge.objects.filter(service_date__range=(p.start, p.end))
        companies |= set(charges.filter(bill_to="company").values_list("company_id", flat=True))
        members = set(charges.filter(bill_to="member").values_list("member_id", flat=True))
        members |= set(MembershipPeriod.objects.filter(starts_on__range=(p.start, p.end))
                       .values_list("membership__member_id", flat=True))
        assert len(members) == 5
        assert len(companies) == 3
        invoices = list(Invoice.objects.filter(period_start=p.start).prefetch_related("lines"))
        by_company = sorted(i.customer_organisation_id for i in invoices
                            if i.customer_organisation_id)
        assert by_company == sorted(companies)
        assert sorted(i.customer_member_id for i in invoices if i.customer_member_id) == \
            sorted(members)
        centred = 0
        for invoice in invoices:
            assert invoice.state == InvoiceState.ISSUED and invoice.total_gross > 0
            lines = list(invoice.lines.all())
            assert contiguous([ln.centre_name for ln in lines]), invoice
            for ln in lines:
                if ln.source_type in (LineSource.BOOKING, LineSource.OVERAGE):
                    assert ln.centre_name
                    centred += 1
                if ln.source_type == LineSource.CREDIT_PURCHASE:
                    assert ln.centre_name == ""
        assert centred > len(members)  # pay-as-you-go at more than one centre somewhere
        # Every e-invoice of the month passes the official Peppol rules; the customers
        # without a Peppol identifier (private members) have none (PDF only).
        einvoices = [i for i in invoices if i.has_einvoice]
        assert {i.customer_organisation_id for i in einvoices
                if i.customer_organisation_id} == companies
        for invoice in einvoices:
            assert [str(f) for f in ubl_fatal(xml=invoice_ubl(invoice))] == [], invoice
        assert all(not i.has_einvoice for i in invoices if i.customer_member_id
                   and not i.customer_data.get("enterprise_number"))
        # The demo's business independent, if billed this month, is billed B2B.
        for invoice in invoices:
            if invoice.customer_member_id and invoice.customer_member.email.startswith(
                    "marc.consultant@"):
                assert invoice.has_einvoice
                assert invoice.customer_data["name"] == "Marc Consultant SRL"
        sources = {ln.source_type for i in invoices for ln in i.lines.all()}
        assert sources == {LineSource.CREDIT_PURCHASE, LineSource.BOOKING, LineSource.OVERAGE,
                           LineSource.MEMBERSHIP}

        # The customers pay by bank transfer with the structured communication.
        paid_on = today.isoformat()
        for network in self.networks:
            entries = [
                camt.entry(i.total_gross, name=i.customer_name, structured=i.structured_communication,
                           ref=f"REF-{i.pk}", date=paid_on)
                for i in invoices if i.network_id == network.pk]
            statement = camt_import(
                actor=self.operators[network.pk], network=network,
                data=camt.statement(network.operator.iban, entries,
                                    statement_id=f"STMT-{network.slug}-{paid_on}")).first
            assert statement.entry_count == len(entries)
        assert set(Invoice.objects.filter(period_start=p.start).values_list(
            "state", flat=True)) == {InvoiceState.PAID}
        assert all(i.amount_due == 0 for i in Invoice.objects.filter(period_start=p.start))

        # Each centre is settled and paid by one valid pain.001 file per network.
        schema = xmlschema.XMLSchema(str(PAIN_XSD))
        for network in self.networks:
            op = self.operators[network.pk]
            created = settlements_create(actor=op, network=network, period=p, today=today)
            assert created
            for s in Settlement.objects.filter(network=network, period_start=p.start,
                                               state=SettlementState.DRAFT):
                settlement_approve(actor=op, settlement=s)
            # The staff of one network booked at the other's centres too: cleared.
            clearings_create(actor=op, network=network, period=p, today=today)
            batch = payout_batch_create(actor=op, network=network, period=p,
                                        execution_date=today + dt.timedelta(days=1))
            schema.validate(batch.xml)
            settled = Settlement.objects.filter(network=network, period_start=p.start)
            assert batch.transfer_count == settled.count()
            assert batch.total == sum((s.payout_amount for s in settled), Decimal("0.00"))
            assert batch.total > 0

            books = books_check(network=network, period=p)
            assert books.failures == [], (network.slug, books.failures)
            assert books.figures["invoiced"] > 0
            # Reconciled from the bookings: every completed or no-show booking is paid.
            assert books.counts["bookings_completed_or_no_show"] > 50
            assert books.counts["bookings_unpaid"] == 0
        assert PayoutBatch.objects.filter(period_start=p.start).count() == len(self.networks)

    def test_the_month_from_the_command_line(self):
        """docs/billing.md's walk-through: invoice-run, demo-statement + import-camt,
        settle --approve, payout, check-books, on the loaded demo."""
        import tempfile
        from io import StringIO

        from django.core.management import call_command

        def run(*args: str) -> str:
            out = StringIO()
            call_command(*args, stdout=out)
            return out.getvalue()

        p = self.period.label
        out = run("invoice_run", "--period", p, "--no-mail")
        assert out.count("invoices issued") == len(self.networks)
        schema = xmlschema.XMLSchema(str(PAIN_XSD))
        with tempfile.TemporaryDirectory() as folder:
            for network in self.networks:
                issued = Invoice.objects.filter(network=network, period_start=self.period.start)
                assert issued.exists()
                camt_file = f"{folder}/{network.slug}-camt.xml"
                run("demo_statement", "--period", p, "--network", network.slug,
                    "--out", camt_file)
                out = run("import_camt", camt_file)
                assert f"{issued.count()} matched, 0 unmatched" in out
                assert set(issued.values_list("state", flat=True)) == {InvoiceState.PAID}
                run("settle", "--period", p, "--network", network.slug, "--approve")
                run("clearing", "--period", p, "--network", network.slug)
                pain = f"{folder}/{network.slug}-pain.xml"
                out = run("payout", "--period", p, "--network", network.slug, "--out", pain)
                assert "created" in out
                schema.validate(Path(pain).read_text())
            out = run("check_books", "--period", p)
        assert out.count("balanced to the cent") == len(self.networks)
