"""`smartwork payout --period YYYY-MM --out FILE.xml [--network slug] [--execution-date D]`.

Writes the SEPA credit transfer file (pain.001.001.09) paying the network's approved
settlements of the month, to upload to the bank. Idempotent: when every approved
settlement is already in a batch, nothing new is created and the period's last
batch is written again (the same file, the same message id).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smartwork.billing.management.commands._common import (
    add_period_file_args,
    date_arg,
    domain_error,
    one_network_arg,
    out_arg,
    period_arg,
    write_out,
)
from smartwork.billing.models import PayoutBatch
from smartwork.billing.settlement import payout_batch_create
from smartwork.core.errors import DomainError


class Command(BaseCommand):
    help = "Write the pain.001.001.09 file paying a month's approved settlements."

    def add_arguments(self, parser: Any) -> None:
        add_period_file_args(parser)
        parser.add_argument("--execution-date", help="YYYY-MM-DD (default: tomorrow).")

    def handle(self, *args: Any, **opts: Any) -> None:
        period = period_arg(opts["period"])
        network = one_network_arg(opts.get("network"))
        execution_date = date_arg(opts.get("execution_date"), "--execution-date")
        out = out_arg(opts["out"])
        try:
            batch = payout_batch_create(actor=None, network=network, period=period,
                                        execution_date=execution_date,
                                        check_permission=False)
            title = "created"
        except DomainError as exc:
            last = PayoutBatch.objects.filter(network=network, period_start=period.start) \
                .order_by("-created_at", "-pk").first()
            if exc.code != "nothing_to_pay" or last is None:
                raise domain_error(exc) from exc
            batch, title = last, "already made: nothing new to pay, file written again"
        write_out(out, batch.xml)
        self.stdout.write(self.style.SUCCESS(
            f"{network.name}, {period.label}: batch {batch.message_id} {title}: "
            f"{batch.transfer_count} transfers, {batch.total} {network.currency}, "
            f"execution {batch.execution_date} -> {out}"))
