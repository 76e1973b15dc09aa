"""The commute study as a PDF (WeasyPrint), citing every emission factor used."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from smartwork.accounts.choices import CommuteMode
from smartwork.insights import charts


def commute_charts(data: dict[str, Any]) -> dict[str, str]:
    modes = data.get("by_mode") or []
    labels = [str(CommuteMode(m["mode"]).label) if m["mode"] in CommuteMode.values
              else m["label"] for m in modes]
    return {
        "kg_by_mode": charts.bar_chart(
            title=_("kg CO2e avoided per year, by mode"),
            desc=_("One bar per transport mode: kilograms of CO2 equivalent avoided per year."),
            labels=labels, values=[m["kg_per_year"] for m in modes],
            unit="kg"),
        "km_by_mode": charts.bar_chart(
            title=_("Kilometres avoided per year, by mode"),
            desc=_("One bar per transport mode: kilometres of commuting avoided per year."),
            labels=labels, values=[m["km_per_year"] for m in modes],
            unit="km"),
    }


def commute_html(data: dict[str, Any]) -> str:
    svg = {k: mark_safe(v) for k, v in commute_charts(data).items()}  # noqa: S308 -- built by charts with escaping
    return render_to_string("insights/commute_report.html", {
        "data": data, "charts": svg, "generated_at": timezone.localtime(),
    })


def commute_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=commute_html(data)).write_pdf()
