"""Tasks of accounts: mails after commit (keys only)."""

from __future__ import annotations

from django.tasks import task


@task()
def payout_change_mail(change_id: int, kind: str) -> None:
    from smartwork.accounts.payout import payout_change_mail_send

    payout_change_mail_send(change_id=change_id, kind=kind)


@task()
def login_unlock_mail(account: str) -> None:
    from smartwork.accounts.throttle import unlock_mail_send

    unlock_mail_send(account=account)
