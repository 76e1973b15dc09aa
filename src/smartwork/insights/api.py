from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from smartwork.core.errors import InvalidInput, NotAuthenticated
from smartwork.insights import exports, selectors
from smartwork.insights.factors import load_emission_factors
from smartwork.insights.periods import Period, parse_period
from smartwork.insights.schemas import (
    CommuteQuery,
    ExportQuery,
    PeriodQuery,
    PlacementIn,
    ScopeQuery,
)

router = Router(tags=["insights"])


def _period(q: PeriodQuery) -> Period:
    if q.period is None and q.date_from is None and q.date_to is None:
        raise InvalidInput(_("Give a period (2025, 2025-Q2, 2025-03, 2025-W14) or from/to."),
                           code="bad_period", fields={"period": [_("Required.")]})
    return parse_period(q.period, date_from=q.date_from, date_to=q.date_to)


def _user(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        raise NotAuthenticated(_("Log in first."))
    return request.user


def _export(name: str, tables: dict[str, Any], ex: ExportQuery) -> HttpResponse:
    return exports.export_response(name=name, tables=tables, fmt=ex.format, table=ex.table)


# --- attendance -------------------------------------------------------------------


@router.get("/insights/attendance", summary="Presence hours of a company, centre or network")
def attendance(request: HttpRequest, q: Query[ScopeQuery]) -> Any:
    return selectors.attendance_report(actor=_user(request), period=_period(q),
                                       company_id=q.company, centre_id=q.centre,
                                       network_id=q.network)


@router.get("/insights/attendance/export", summary="Attendance tables as CSV or XLSX")
def attendance_export(request: HttpRequest, q: Query[ScopeQuery], ex: Query[ExportQuery]) -> Any:
    data = selectors.attendance_report(actor=_user(request), period=_period(q),
                                       company_id=q.company, centre_id=q.centre,
                                       network_id=q.network)
    return _export("attendance", exports.attendance_tables(data), ex)


@router.get("/insights/attendance/me", summary="My own presence, in detail")
def my_attendance(request: HttpRequest, q: Query[PeriodQuery]) -> Any:
    return selectors.my_attendance(actor=_user(request), period=_period(q))


@router.get("/insights/attendance/me/export", summary="My presence as CSV or XLSX")
def my_attendance_export(request: HttpRequest, q: Query[PeriodQuery],
                         ex: Query[ExportQuery]) -> Any:
    data = selectors.my_attendance(actor=_user(request), period=_period(q))
    return _export("my-attendance", exports.attendance_tables(data), ex)


# --- occupancy --------------------------------------------------------------------


@router.get("/insights/occupancy", summary="Occupancy of a centre or of a network's centres")
def occupancy(request: HttpRequest, q: Query[ScopeQuery]) -> Any:
    if q.company is not None:
        raise InvalidInput(_("Occupancy is per centre or network."),
                           fields={"company": [_("Not used here.")]})
    return selectors.occupancy_report(actor=_user(request), period=_period(q),
                                      centre_id=q.centre, network_id=q.network)


@router.get("/insights/occupancy/export", summary="Occupancy tables as CSV or XLSX")
def occupancy_export(request: HttpRequest, q: Query[ScopeQuery], ex: Query[ExportQuery]) -> Any:
    data = selectors.occupancy_report(actor=_user(request), period=_period(q),
                                      centre_id=q.centre, network_id=q.network)
    return _export("occupancy", exports.occupancy_tables(data), ex)


# --- commute ----------------------------------------------------------------------


def _commute(request: HttpRequest, q: CommuteQuery) -> dict[str, Any]:
    return selectors.commute_study(actor=_user(request), period=_period(q), company_id=q.company,
                                   network_id=q.network, days_per_week=q.days_per_week)


@router.get("/insights/commute", summary="Commute study of a company or network")
def commute(request: HttpRequest, q: Query[CommuteQuery]) -> Any:
    return _commute(request, q)


@router.get("/insights/commute/export", summary="Commute study tables as CSV or XLSX")
def commute_export(request: HttpRequest, q: Query[CommuteQuery], ex: Query[ExportQuery]) -> Any:
    return _export("commute", exports.commute_tables(_commute(request, q)), ex)


@router.get("/insights/commute/report.pdf", summary="Commute study as a PDF citing the factors")
def commute_pdf(request: HttpRequest, q: Query[CommuteQuery]) -> Any:
    from smartwork.insights.report import commute_pdf as render

    response = HttpResponse(render(_commute(request, q)), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="commute-study.pdf"'
    return response


@router.get("/insights/commute/me", summary="My own commute savings")
def my_commute(request: HttpRequest, q: Query[CommuteQuery]) -> Any:
    return selectors.my_commute(actor=_user(request), period=_period(q),
                                days_per_week=q.days_per_week)


@router.get("/insights/factors", summary="Emission factors with their sources")
def factors(request: HttpRequest) -> Any:
    return [{"mode": f.mode, "label": f.label, "value": f.value, "unit": f.unit,
             "source": f.source, "url": f.url, "year": f.year}
            for f in load_emission_factors().values()]


# --- placement --------------------------------------------------------------------


@router.post("/insights/placement", summary="Where k new centres would save most commuting")
def placement(request: HttpRequest, data: PlacementIn) -> Any:
    return selectors.placement_run(
        actor=_user(request), network_id=data.network_id, k=data.k, company_id=data.company_id,
        candidates=[c.dict() for c in data.candidates] if data.candidates is not None else None,
        capacity=data.capacity, method=data.method, time_limit_s=data.time_limit_s,
    )


@router.post("/insights/placement/export", summary="Placement answer as CSV or XLSX")
def placement_export(request: HttpRequest, data: PlacementIn, ex: Query[ExportQuery]) -> Any:
    return _export("placement", exports.placement_tables(placement(request, data)), ex)
