"""Demo: the presence summary, built once the bookings and WiFi sessions of the
demo are in, so that the demo companies have attendance figures right away."""

from __future__ import annotations

from typing import Any

from smartwork.insights.summary import presence_summary_refresh


def load(ctx: dict[str, Any]) -> None:
    ctx["insights"] = {"presence_summary": presence_summary_refresh(rebuild=True)}
