
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from smartwork.accounts import payout, selectors, services
from smartwork.accounts.models import ApiToken, Organisation, User
from smartwork.accounts.schemas import (
    HomeIn,
    MeOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    PayoutChangeIn,
    PayoutChangeOut,
    PayoutDecisionIn,
    ProfileIn,
    RoleAssignIn,
    RoleAssignmentOut,
    StaffTokenOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from smartwork.core.errors import InvalidInput, NotFound

router = Router(tags=["accounts"])


def _me(user: User) -> dict[str, object]:
    return {
        "id": user.pk, "email": user.email, "first_name": user.first_name,
        "last_name": user.last_name, "language": user.language, "company_id": user.company_id,
        "network_id": user.network_id, "home_town": user.home_town, "home_lat": user.home_lat,
        "home_lon": user.home_lon, "commute_mode": user.commute_mode,
        "roles": selectors.user_roles_summary(user=user),
    }


@router.get("/me", response=MeOut, summary="Who I am, with my roles")
def me(request: HttpRequest) -> dict[str, object]:
    return _me(request.user)  # type: ignore[arg-type]


@router.patch("/me", response=MeOut, summary="Update my profile (home location, language)")
def me_update(request: HttpRequest, data: ProfileIn) -> dict[str, object]:
    user = services.profile_update(user=request.user, **data.dict(exclude_unset=True))  # type: ignore[arg-type]
    return _me(user)


@router.put("/me/home", response=MeOut,
            summary="Set my home from an address or a postcode and town (Belgian gazetteer); "
                    "422 home_not_found with error.data.suggestions when ambiguous or unknown")
def me_home(request: HttpRequest, data: HomeIn) -> dict[str, object]:
    user = services.profile_home_set(user=request.user, text=data.address)  # type: ignore[arg-type]
    return _me(user)


@router.get("/me/tokens", response=list[TokenOut], summary="My API tokens")
def token_list(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=request.user))  # type: ignore[misc]


@router.post("/me/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def token_create(request: HttpRequest, data: TokenIn) -> Any:
    token, raw = services.api_token_create(user=request.user, name=data.name,  # type: ignore[arg-type]
                                           expires_in_days=data.expires_in_days,
                                           scope=data.scope)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/me/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    services.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return Status(204, None)


@router.get("/organisations", response=list[OrganisationOut], summary="Organisations I may see")
@paginate(LimitOffsetPagination)
def organisation_list(request: HttpRequest) -> object:
    return selectors.organisation_list(actor=request.user).order_by("legal_name")  # type: ignore[arg-type]


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_detail(request: HttpRequest, organisation_id: int) -> Organisation:
    return selectors.organisation_get(actor=request.user, organisation_id=organisation_id)  # type: ignore[arg-type]


def _network(network_id: int | None) -> object:
    if network_id is None:
        return None
    from smartwork.network.models import Network

    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        raise InvalidInput(_("No such network."), fields={"network_id": [_("Unknown network.")]})
    return network


@router.post("/organisations", response={201: OrganisationOut}, summary="Onboard an organisation")
def organisation_create(request: HttpRequest, data: OrganisationIn) -> Any:
    payload = data.dict()
    payload["network"] = _network(payload.pop("network_id"))
    org = services.organisation_create(actor=request.user, **payload)  # type: ignore[arg-type]
    return Status(201, org)


@router.patch("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_update(
    request: HttpRequest, organisation_id: int, data: OrganisationPatch
) -> Organisation:
    org = selectors.organisation_get(actor=request.user, organisation_id=organisation_id)  # type: ignore[arg-type]
    return services.organisation_update(
        actor=request.user, organisation=org, **data.dict(exclude_unset=True)  # type: ignore[arg-type]
    )


@router.get("/roles", response=list[RoleAssignmentOut], summary="Role assignments (operator)")
@paginate(LimitOffsetPagination)
def role_list(request: HttpRequest) -> object:
    return selectors.role_list(actor=request.user).order_by("id")  # type: ignore[arg-type]


@router.post("/roles", response={201: RoleAssignmentOut}, summary="Give a user a role")
def role_assign(request: HttpRequest, data: RoleAssignIn) -> Any:
    from smartwork.network.models import Centre

    user = User.objects.filter(email__iexact=data.user_email.strip()).first()
    if user is None:
        raise InvalidInput(_("No user with this email."), fields={"user_email": [_("Unknown.")]})
    centre = None
    if data.centre_id is not None:
        centre = Centre.objects.filter(pk=data.centre_id).first()
        if centre is None:
            raise InvalidInput(_("No such centre."), fields={"centre_id": [_("Unknown centre.")]})
    organisation = None
    if data.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=data.organisation_id).first()
        if organisation is None:
            raise InvalidInput(_("No such organisation."),
                               fields={"organisation_id": [_("Unknown organisation.")]})
    assignment = services.role_assign(
        actor=request.user, user=user, role=data.role, network=_network(data.network_id),  # type: ignore[arg-type]
        centre=centre, organisation=organisation,
    )
    return Status(201, assignment)


@router.delete("/roles/{assignment_id}", response={204: None}, summary="Take a role away")
def role_revoke(request: HttpRequest, assignment_id: int) -> Any:
    assignment = selectors.role_list(actor=request.user).filter(pk=assignment_id).first()  # type: ignore[arg-type]
    if assignment is None:
        raise NotFound(_("No such role assignment."))
    services.role_revoke(actor=request.user, assignment=assignment)  # type: ignore[arg-type]
    return Status(204, None)


# --- Staff: invitations, CSV import, teams, leavers (issue 5) ---------------------------

from ninja import File  # noqa: E402
from ninja.files import UploadedFile  # noqa: E402

from smartwork.accounts.schemas import (  # noqa: E402
    AcceptedOut,
    DeactivatedOut,
    ImportOut,
    InvitationAcceptIn,
    InvitationIn,
    InvitationOut,
    StaffOut,
    TeamIn,
    TeamMemberIn,
    TeamOut,
)


def _team_of(company: Organisation, team_id: int | None, field: str = "team_id") -> object:
    from smartwork.accounts.models import Team

    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id, company=company).first()
    if team is None:
        raise InvalidInput(_("No such team in this company."), fields={field: [_("Unknown.")]})
    return team


def _employee_of(company: Organisation, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, company=company).first()
    if user is None:
        raise NotFound(_("No such employee in this company."))
    return user


@router.get("/companies/{company_id}/staff", response=list[StaffOut], summary="A company's staff")
@paginate(LimitOffsetPagination)
def staff_list(request: HttpRequest, company_id: int, active: bool | None = None,
               team_id: int | None = None) -> object:
    company = selectors.staff_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    return selectors.staff_list(actor=request.user, company=company, active=active,  # type: ignore[arg-type]
                                team_id=team_id)


@router.post("/companies/{company_id}/staff/{user_id}/deactivate", response=DeactivatedOut,
             summary="A leaver: cancel future bookings, return allotments, deactivate")
def staff_deactivate(request: HttpRequest, company_id: int, user_id: int) -> dict[str, int]:
    company = selectors.staff_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    return services.staff_deactivate(actor=request.user, company=company,  # type: ignore[arg-type]
                                     user=_employee_of(company, user_id))


@router.post("/companies/{company_id}/staff/import", response={200: ImportOut},
             summary="Import staff from CSV: email, first_name, last_name[, team]")
def staff_import(request: HttpRequest, company_id: int,
                 file: UploadedFile = File(...)) -> dict[str, int]:  # noqa: B008
    company = selectors.staff_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    raw = file.read(5 * 1024 * 1024 + 1)
    if len(raw) > 5 * 1024 * 1024:
        raise InvalidInput(_("The file is larger than 5 MB."), fields={"file": [_("Too large.")]})
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("Save the file as UTF-8 CSV."), code="csv_invalid",
                           fields={"file": [_("Not UTF-8 text.")]}) from exc
    return services.staff_import(actor=request.user, company=company, content=content)  # type: ignore[arg-type]


@router.get("/companies/{company_id}/invitations", response=list[InvitationOut])
@paginate(LimitOffsetPagination)
def invitation_list(request: HttpRequest, company_id: int, open_only: bool = False) -> object:
    company = selectors.staff_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    return selectors.invitation_list(actor=request.user, company=company, open_only=open_only)  # type: ignore[arg-type]


@router.post("/companies/{company_id}/invitations", response={201: InvitationOut},
             summary="Invite an employee by email (a signed link that expires)")
def invitation_create(request: HttpRequest, company_id: int, data: InvitationIn) -> object:
    company = selectors.staff_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    invitation, _token = services.invitation_create(
        actor=request.user, company=company, email=data.email, first_name=data.first_name,  # type: ignore[arg-type]
        last_name=data.last_name, team=_team_of(company, data.team_id), as_admin=data.as_admin,
    )
    return Status(201, invitation)


@router.post("/companies/{company_id}/invitations/{invitation_id}/resend",
             response=InvitationOut, summary="Mail an open invitation again")
def invitation_resend(request: HttpRequest, company_id: int, invitation_id: int) -> object:
    from smartwork.accounts.models import Invitation

    company = selectors.staff_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    invitation = Invitation.objects.select_related("company").filter(
        company=company, pk=invitation_id).first()
    if invitation is None:
        raise NotFound(_("No such invitation."))
    return services.invitation_resend(actor=request.user, invitation=invitation)  # type: ignore[arg-type]


@router.post("/invitations/accept", response=AcceptedOut, auth=None,
             summary="Accept an invitation: creates or links the account")
def invitation_accept(request: HttpRequest, data: InvitationAcceptIn) -> dict[str, object]:
    user = services.invitation_accept(token=data.token, password=data.password,
                                      first_name=data.first_name, last_name=data.last_name)
    return {"user_id": user.pk, "email": user.email, "company_id": user.company_id}


@router.get("/companies/{company_id}/teams", response=list[TeamOut])
def team_list(request: HttpRequest, company_id: int) -> object:
    company = selectors.staff_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    return list(selectors.team_list(actor=request.user, company=company))  # type: ignore[arg-type]


@router.post("/companies/{company_id}/teams", response={201: TeamOut})
def team_create(request: HttpRequest, company_id: int, data: TeamIn) -> object:
    company = selectors.staff_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    return Status(201, services.team_create(actor=request.user, company=company, name=data.name))  # type: ignore[arg-type]


@router.post("/companies/{company_id}/teams/{team_id}/members", response={204: None})
def team_member_add(request: HttpRequest, company_id: int, team_id: int,
                    data: TeamMemberIn) -> object:
    company = selectors.staff_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    team = _team_of(company, team_id)
    if team is None:  # pragma: no cover - team_id is a path parameter
        raise NotFound(_("No such team."))
    user = User.objects.filter(pk=data.user_id).first()
    if user is None:
        raise InvalidInput(_("No such user."), fields={"user_id": [_("Unknown.")]})
    services.team_member_add(actor=request.user, team=team, user=user)  # type: ignore[arg-type]
    return Status(204, None)


@router.delete("/companies/{company_id}/teams/{team_id}/members/{user_id}", response={204: None})
def team_member_remove(request: HttpRequest, company_id: int, team_id: int,
                       user_id: int) -> object:
    company = selectors.staff_company(actor=request.user, company_id=company_id)  # type: ignore[arg-type]
    team = _team_of(company, team_id)
    services.team_member_remove(actor=request.user, team=team, user=_employee_of(company, user_id))  # type: ignore[arg-type]
    return Status(204, None)


# --- Payout data of centre operators: proposed by its manager, approved by the operator


@router.get("/payout-changes", response=list[PayoutChangeOut],
            summary="Proposed changes of centre operators' bank accounts")
@paginate(LimitOffsetPagination)
def payout_change_list(request: HttpRequest) -> object:
    return payout.payout_change_list(actor=request.user)  # type: ignore[arg-type]


@router.post("/organisations/{organisation_id}/payout-changes",
             response={201: PayoutChangeOut},
             summary="Propose a new bank account for a centre operator (its centre manager)")
def payout_change_propose(request: HttpRequest, organisation_id: int,
                          data: PayoutChangeIn) -> Any:
    org = payout.payout_organisation_get(actor=request.user,  # type: ignore[arg-type]
                                         organisation_id=organisation_id)
    return Status(201, payout.payout_change_propose(
        actor=request.user, organisation=org, iban=data.iban, bic=data.bic))  # type: ignore[arg-type]


@router.post("/payout-changes/{change_id}/approve", response=PayoutChangeOut,
             summary="Approve a proposed bank account (the network's operator)")
def payout_change_approve(request: HttpRequest, change_id: int) -> Any:
    change = payout.payout_change_get(actor=request.user, change_id=change_id)  # type: ignore[arg-type]
    return payout.payout_change_approve(actor=request.user, change=change)  # type: ignore[arg-type]


@router.post("/payout-changes/{change_id}/reject", response=PayoutChangeOut,
             summary="Reject a proposed bank account (the network's operator)")
def payout_change_reject(request: HttpRequest, change_id: int, data: PayoutDecisionIn) -> Any:
    change = payout.payout_change_get(actor=request.user, change_id=change_id)  # type: ignore[arg-type]
    return payout.payout_change_reject(actor=request.user, change=change,  # type: ignore[arg-type]
                                       reason=data.reason)


# --- A company's API tokens: its admin lists and revokes its staff's tokens


def _company(request: HttpRequest, company_id: int) -> Organisation:
    company = Organisation.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFound(_("No such organisation."))
    return company


@router.get("/companies/{company_id}/tokens", response=list[StaffTokenOut],
            summary="The API tokens of the company's staff (company admin)")
@paginate(LimitOffsetPagination)
def company_token_list(request: HttpRequest, company_id: int) -> object:
    return services.api_token_list_for_company(actor=request.user,  # type: ignore[arg-type]
                                               company=_company(request, company_id))


@router.delete("/companies/{company_id}/tokens/{token_id}", response={204: None},
               summary="Revoke a staff member's API token (company admin)")
def company_token_revoke(request: HttpRequest, company_id: int, token_id: int) -> Any:
    services.api_token_revoke_for_company(actor=request.user,  # type: ignore[arg-type]
                                          company=_company(request, company_id),
                                          token_id=token_id)
    return Status(204, None)
