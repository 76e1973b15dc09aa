"""The nightly credit job as a django Task, registered with the periodic runner.

Idempotent (every step locks its row and re-checks it), so the runner may
dispatch it every hour: only the first run after midnight has work to do."""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from smartwork.core import periodic


@task()
def credit_periodic_run() -> dict[str, int]:
    from smartwork.credits.services import credit_periodic_run as run

    return asdict(run())


periodic.register(credit_periodic_run, every_seconds=3600, name="credits.periodic_run")
