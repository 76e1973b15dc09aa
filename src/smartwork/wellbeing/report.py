"""The evaluation as a PDF (WeasyPrint), in the active language."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from smartwork.insights import charts


def evaluation_chart(data: dict[str, Any]) -> str:
    days = data["adoption"]["days"]
    return mark_safe(charts.bar_chart(  # noqa: S308 -- built by charts with escaping
        title=_("Where people worked"),
        desc=_("Person-days at the head office, in a centre and at home in the period."),
        labels=[_("Head office"), _("Centre"), _("Home")],
        values=[days["head_office"], days["centre"], days["home"]], unit=_("days")))


def evaluation_html(data: dict[str, Any]) -> str:
    return render_to_string("wellbeing/evaluation_report.html", {
        "data": data, "chart": evaluation_chart(data), "generated_at": timezone.localtime()})


def evaluation_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=evaluation_html(data)).write_pdf()
