"""Whatever sequence of purchases, allotments, ends, adjustments and nightly runs
happens, every balance stays >= 0 and equals the sum of its entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartwork.core.errors import DomainError
from smartwork.credits import services
from smartwork.credits.models import CreditAccount
from smartwork.credits.selectors import ledger_check

pytestmark = pytest.mark.django_db

operations = st.lists(
    st.one_of(
        st.tuples(st.just("buy"), st.integers(1, 20)),
        st.tuples(st.just("allot"), st.integers(1, 1500)),
        st.tuples(st.just("end"), st.integers(0, 5)),
        st.tuples(st.just("adjust"), st.integers(-900, 900)),
        st.tuples(st.just("night"), st.integers(0, 400)),
    ),
    min_size=1, max_size=12,
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_any_sequence_keeps_the_ledger_exact(company, operator, company_admin, member, ops):
    with transaction.atomic():
        allotments = []
        for op, value in ops:
            try:
                if op == "buy":
                    services.credit_purchase_create(actor=operator, company=company, hours=value,
                                                    price_net=Decimal(value))
                elif op == "allot":
                    allotments.append(services.allotment_create(
                        actor=company_admin, company=company, minutes_per_period=value,
                        member=member if value % 2 else None,
                        period="monthly" if value % 3 else "whole",
                        at_period_end="keep" if value % 5 == 0 else "return"))
                elif op == "end" and allotments:
                    services.allotment_end(actor=company_admin,
                                           allotment=allotments[value % len(allotments)])
                elif op == "adjust" and value:
                    account = CreditAccount.objects.order_by("pk").first()
                    if account is not None:
                        services.credit_adjust(actor=operator, account=account, minutes=value,
                                               note="property test")
                elif op == "night":
                    services.credit_periodic_run(today=dt.date.today()
                                                 + dt.timedelta(days=value))
            except DomainError:
                pass  # refused (not enough credit, expired...): nothing may have been written
            report = ledger_check()
            assert report.problems == [], (ops, report.problems)
            assert not CreditAccount.objects.filter(balance_minutes__lt=0).exists()
        transaction.set_rollback(True)


def test_refused_operations_write_nothing(company, operator, company_admin):
    services.credit_purchase_create(actor=operator, company=company, hours=1,
                                    price_net=Decimal(1))
    before = (ledger_check().entries, CreditAccount.objects.count())
    with pytest.raises(DomainError):
        services.allotment_create(actor=company_admin, company=company, minutes_per_period=61)
    with pytest.raises(DomainError):
        services.credit_adjust(actor=operator, account=CreditAccount.objects.get(),
                               minutes=-61, note="too much")
    assert (ledger_check().entries, CreditAccount.objects.count()) == before
