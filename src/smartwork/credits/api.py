import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from smartwork.accounts.models import Team, User
from smartwork.core.errors import InvalidInput, NotFound
from smartwork.credits import selectors, services
from smartwork.credits.models import (
    Allotment,
    CreditAccount,
    CreditPackage,
    Membership,
    MembershipPlan,
)
from smartwork.credits.schemas import (
    AdjustmentIn,
    AllotmentIn,
    AllotmentOut,
    CreditPolicyOut,
    LedgerEntryOut,
    MembershipIn,
    MembershipOut,
    MyCreditOut,
    PackageIn,
    PackageOut,
    PlanIn,
    PlanOut,
    PolicyIn,
    PurchaseIn,
    PurchaseOut,
    RoamingOut,
    SummaryOut,
)
from smartwork.network.models import Centre
from smartwork.network.selectors import network_get

router = Router(tags=["credits"])


def _unknown(field: str) -> InvalidInput:
    return InvalidInput(_("Unknown %(field)s.") % {"field": field}, fields={field: [_("Unknown.")]})


def _centres(ids: list[int] | None, field: str) -> list[Centre]:
    if not ids:
        return []
    centres = list(Centre.objects.filter(pk__in=set(ids)))
    if len(centres) != len(set(ids)):
        raise _unknown(field)
    return centres


# --- Catalogue --------------------------------------------------------------------------


@router.get("/networks/{network_id}/credit-packages", response=list[PackageOut],
            summary="Credit packages a network sells")
def package_list(request: HttpRequest, network_id: int) -> Any:
    network_get(network_id=network_id)
    return list(selectors.credit_package_list(network_id=network_id))


@router.post("/networks/{network_id}/credit-packages", response={201: PackageOut},
             summary="Add a credit package (operator)")
def package_create(request: HttpRequest, network_id: int, data: PackageIn) -> Any:
    network = network_get(network_id=network_id)
    package = services.credit_package_create(actor=request.user, network=network,  # type: ignore[arg-type]
                                             **data.dict())
    return Status(201, package)


@router.get("/networks/{network_id}/membership-plans", response=list[PlanOut],
            summary="Membership plans of a network")
def plan_list(request: HttpRequest, network_id: int) -> Any:
    network_get(network_id=network_id)
    return list(selectors.membership_plan_list(network_id=network_id))


@router.post("/networks/{network_id}/membership-plans", response={201: PlanOut},
             summary="Add a membership plan (operator)")
def plan_create(request: HttpRequest, network_id: int, data: PlanIn) -> Any:
    network = network_get(network_id=network_id)
    payload = data.dict()
    centre_id = payload.pop("centre_id")
    centre = None
    if centre_id is not None:
        centre = Centre.objects.filter(pk=centre_id).first()
        if centre is None:
            raise _unknown("centre_id")
    plan = services.membership_plan_create(actor=request.user, network=network, centre=centre,  # type: ignore[arg-type]
                                           **payload)
    return Status(201, plan)


@router.get("/networks/{network_id}/roaming-usage", response=list[RoamingOut],
            summary="Credit used across allied networks, for clearing (operator)")
@paginate(LimitOffsetPagination)
def roaming_list(request: HttpRequest, network_id: int) -> Any:
    return selectors.roaming_usage_list(actor=request.user, network_id=network_id)  # type: ignore[arg-type]


# --- A company's credit --------------------------------------------------------------------


@router.get("/companies/{company_id}/credit", response=SummaryOut,
            summary="A company's credit balance")
def credit_summary(request: HttpRequest, company_id: int) -> Any:
    company = selectors.company_for_credit(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    return selectors.company_credit_summary(actor=request.user, company=company)  # type: ignore[arg-type]


@router.get("/companies/{company_id}/credit-purchases", response=list[PurchaseOut])
@paginate(LimitOffsetPagination)
def purchase_list(request: HttpRequest, company_id: int) -> Any:
    company = selectors.company_for_credit(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    return selectors.credit_purchase_list(actor=request.user, company=company)  # type: ignore[arg-type]


@router.post("/companies/{company_id}/credit-purchases", response={201: PurchaseOut},
             summary="Buy credit: a package, or negotiated hours (operator)")
def purchase_create(request: HttpRequest, company_id: int, data: PurchaseIn) -> Any:
    company = selectors.company_for_credit(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    payload = data.dict()
    package_id = payload.pop("package_id")
    package = None
    if package_id is not None:
        package = CreditPackage.objects.filter(pk=package_id).first()
        if package is None:
            raise _unknown("package_id")
    purchase = services.credit_purchase_create(actor=request.user, company=company,  # type: ignore[arg-type]
                                               package=package, **payload)
    purchase.balance_minutes = purchase.minutes  # type: ignore[attr-defined]  # read by the out schema
    return Status(201, purchase)


@router.get("/companies/{company_id}/allotments", response=list[AllotmentOut])
@paginate(LimitOffsetPagination)
def allotment_list(request: HttpRequest, company_id: int, active: bool | None = None) -> Any:
    company = selectors.company_for_credit(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    return selectors.allotment_list(actor=request.user, company=company, active=active)  # type: ignore[arg-type]


@router.post("/companies/{company_id}/allotments", response={201: AllotmentOut},
             summary="Share credit out to a person, a team, centres, or a mix")
def allotment_create(request: HttpRequest, company_id: int, data: AllotmentIn) -> Any:
    company = selectors.company_for_credit(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    pool = member = team = None
    if data.pool_id is not None:
        pool = CreditAccount.objects.filter(pk=data.pool_id).first()
        if pool is None:
            raise _unknown("pool_id")
    if data.member_id is not None:
        member = User.objects.filter(pk=data.member_id).first()
        if member is None:
            raise _unknown("member_id")
    if data.team_id is not None:
        team = Team.objects.filter(pk=data.team_id).first()
        if team is None:
            raise _unknown("team_id")
    allotment = services.allotment_create(
        actor=request.user, company=company, minutes_per_period=data.minutes_per_period,  # type: ignore[arg-type]
        pool=pool, member=member, team=team, centres=_centres(data.centre_ids, "centre_ids"),
        period=data.period, at_period_end=data.at_period_end, starts_on=data.starts_on,
        ends_on=data.ends_on,
    )
    return Status(201, allotment)


@router.post("/allotments/{allotment_id}/end", response=AllotmentOut,
             summary="End an allotment; what is left returns to the pool")
def allotment_end(request: HttpRequest, allotment_id: int) -> Any:
    allotment = Allotment.objects.select_related("company").filter(pk=allotment_id).first()
    if allotment is None:
        raise NotFound(_("No such allotment."))
    selectors.company_for_credit(actor=request.user, company_id=allotment.company_id)  # type: ignore[arg-type]
    return services.allotment_end(actor=request.user, allotment=allotment)  # type: ignore[arg-type]


class LedgerQuery(Schema):
    member: int | None = None
    team: int | None = None
    centre: int | None = None
    reason: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    account: int | None = None


def _filters(q: LedgerQuery) -> selectors.LedgerFilters:
    return selectors.LedgerFilters(**q.dict())


@router.get("/companies/{company_id}/ledger", response=list[LedgerEntryOut],
            summary="The company's ledger: filter by person, team, centre, period")
@paginate(LimitOffsetPagination)
def company_ledger(request: HttpRequest, company_id: int, filters: Query[LedgerQuery]) -> Any:
    company = selectors.company_for_credit(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    return selectors.company_ledger(actor=request.user, company=company, filters=_filters(filters))  # type: ignore[arg-type]


@router.get("/companies/{company_id}/ledger.csv", summary="The same ledger as CSV",
            response={200: None})
def company_ledger_csv(request: HttpRequest, company_id: int,
                       filters: Query[LedgerQuery]) -> HttpResponse:
    company = selectors.company_for_credit(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    entries = selectors.company_ledger(actor=request.user, company=company,  # type: ignore[arg-type]
                                       filters=_filters(filters))
    response = HttpResponse(selectors.ledger_csv(entries.iterator()),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger-{company.pk}.csv"'
    return response


@router.get("/companies/{company_id}/credit-policy", response=CreditPolicyOut)
def policy_get(request: HttpRequest, company_id: int) -> Any:
    company = selectors.company_for_credit(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    return _policy_out(services.credit_policy_get_or_default(company=company))


@router.put("/companies/{company_id}/credit-policy", response=CreditPolicyOut,
            summary="Allowed centres and kinds, pool cap per employee, overage, approval "
                    "beyond the cap")
def policy_set(request: HttpRequest, company_id: int, data: PolicyIn) -> Any:
    company = selectors.company_for_credit(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    payload = data.dict(exclude_unset=True)
    kwargs: dict[str, Any] = {}
    if "allowed_centre_ids" in payload:
        kwargs["allowed_centres"] = _centres(payload.pop("allowed_centre_ids") or [],
                                             "allowed_centre_ids")
    kwargs.update(payload)
    policy = services.credit_policy_set(actor=request.user, company=company, **kwargs)  # type: ignore[arg-type]
    return _policy_out(policy)


def _policy_out(policy: Any) -> dict[str, Any]:
    return {
        "company_id": policy.company_id,
        "allowed_centre_ids": sorted(policy.allowed_centres.values_list("pk", flat=True))
        if policy.pk else [],
        "allowed_resource_kinds": policy.allowed_resource_kinds,
        "pool_open_to_staff": policy.pool_open_to_staff,
        "pool_cap_minutes_per_month": policy.pool_cap_minutes_per_month,
        "allow_overage": policy.allow_overage,
        "approval_beyond_cap": policy.approval_beyond_cap,
        "approval_hold_hours": policy.approval_hold_hours,
        "guests_allowed": policy.guests_allowed,
    }


@router.post("/credit-accounts/{account_id}/adjustments", response={201: LedgerEntryOut},
             summary="Correct a balance, with a reason (operator)")
def adjustment_create(request: HttpRequest, account_id: int, data: AdjustmentIn) -> Any:
    account = CreditAccount.objects.filter(pk=account_id).first()
    if account is None:
        raise NotFound(_("No such credit account."))
    entry = services.credit_adjust(actor=request.user, account=account, minutes=data.minutes,  # type: ignore[arg-type]
                                   note=data.note)
    return Status(201, entry)


# --- A member's own ------------------------------------------------------------------------


@router.get("/me/credit", response=MyCreditOut, summary="What I may spend now")
def my_credit(request: HttpRequest) -> Any:
    return selectors.member_credit(actor=request.user)  # type: ignore[arg-type]


@router.get("/me/ledger", response=list[LedgerEntryOut], summary="My credit history")
@paginate(LimitOffsetPagination)
def my_ledger(request: HttpRequest, filters: Query[LedgerQuery]) -> Any:
    return selectors.member_ledger(actor=request.user, filters=_filters(filters))  # type: ignore[arg-type]


@router.get("/me/membership", response=MembershipOut)
def my_membership(request: HttpRequest) -> Any:
    return selectors.membership_of(actor=request.user)  # type: ignore[arg-type]


@router.post("/me/membership", response={201: MembershipOut}, summary="Subscribe to a plan")
def membership_start(request: HttpRequest, data: MembershipIn) -> Any:
    plan = MembershipPlan.objects.filter(pk=data.plan_id).first()
    if plan is None:
        raise _unknown("plan_id")
    membership = services.membership_start(actor=request.user, member=request.user,  # type: ignore[arg-type]
                                           plan=plan, starts_on=data.starts_on)
    return Status(201, membership)


@router.post("/me/membership/cancel", response=MembershipOut,
             summary="Cancel my membership at the end of the month")
def membership_cancel(request: HttpRequest) -> Membership:
    membership = selectors.membership_of(actor=request.user)  # type: ignore[arg-type]
    return services.membership_cancel(actor=request.user, membership=membership)  # type: ignore[arg-type]
