"""Demo billing: what the operators need to invoice and pay out, and nothing issued.

The closed month to walk through is the calendar month before ctx["today"]: the
credits loader dates two companies' top-ups in it, the bookings loader writes its
pay-as-you-go bookings and overage charges. The loader issues no invoice on
purpose: running the month (UI, API or `smartwork invoice-run --period YYYY-MM`)
is the walk-through, and an invoice, once issued, cannot be taken back.

Here: the BIC of every account the demo pays from or into (the networks' operators
collect on them, the centres' operators are paid on them), since the demo IBANs
carry none. They are ING Belgium accounts (bank code 310).
"""

from __future__ import annotations

from typing import Any

from smartwork.accounts.services import organisation_update

DEMO_BIC = "BBRUBEBB"


def load(ctx: dict[str, Any]) -> None:
    superuser = ctx["superuser"]
    networks = list(ctx["networks"].values())
    payees = [n.operator for n in networks] + list(ctx["centre_operators"].values())
    seen: set[int] = set()
    for org in payees:
        if org.pk in seen or not org.iban or org.bic:
            continue
        seen.add(org.pk)
        organisation_update(actor=superuser, organisation=org, bic=DEMO_BIC)
