"""The presence summary's periodic refresh, registered with the periodic runner
(`smartwork worker`). Idempotent: it locks the summary's state row and only
recomputes what changed since the watermark, so running it twice, or two at
once, does no harm."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.tasks import task

from smartwork.core import periodic


@task()
def refresh_presence() -> dict[str, Any]:
    from smartwork.insights.summary import presence_summary_refresh

    return asdict(presence_summary_refresh())


periodic.register(refresh_presence, every_seconds=60, name="insights.refresh_presence")
