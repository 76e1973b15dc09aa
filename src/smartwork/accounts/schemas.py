from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class RoleOut(Schema):
    role: str
    network_id: int | None
    centre_id: int | None
    organisation_id: int | None
    scope_name: str


class MeOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    language: str
    company_id: int | None
    network_id: int | None
    home_town: str
    home_lat: Decimal | None
    home_lon: Decimal | None
    commute_mode: str
    roles: list[RoleOut]


class ProfileIn(Schema):
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    phone: str | None = None
    home_town: str | None = None
    home_lat: Decimal | None = Field(None, ge=-90, le=90)
    home_lon: Decimal | None = Field(None, ge=-180, le=180)
    commute_mode: str | None = None


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    expires_in_days: int | None = Field(None, ge=1, description="Default and most: settings")
    scope: str = Field("full", pattern="^(full|read|bookings)$")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class StaffTokenOut(TokenOut):
    user_id: int
    user_email: str = Field(..., alias="user.email")


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="Shown once: store it now.")


class OrganisationIn(Schema):
    legal_name: str = Field(..., min_length=1, max_length=200)
    kind: str
    sector: str = "private"
    size: str = ""
    enterprise_number: str = ""
    vat_number: str = ""
    legal_form: str = ""
    register_court: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "BE"
    language: str = "fr"
    email: str = ""
    phone: str = ""
    peppol_scheme: str = "0208"
    peppol_id: str = ""
    iban: str = ""
    bic: str = ""
    network_id: int | None = None
    head_office_town: str = ""
    head_office_lat: Decimal | None = Field(None, ge=-90, le=90)
    head_office_lon: Decimal | None = Field(None, ge=-180, le=180)
    default_commute_mode: str = "car"


class OrganisationPatch(Schema):
    legal_name: str | None = None
    sector: str | None = None
    size: str | None = None
    enterprise_number: str | None = None
    vat_number: str | None = None
    legal_form: str | None = None
    register_court: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    language: str | None = None
    email: str | None = None
    phone: str | None = None
    peppol_scheme: str | None = None
    peppol_id: str | None = None
    iban: str | None = None
    bic: str | None = None
    head_office_town: str | None = None
    head_office_lat: Decimal | None = Field(None, ge=-90, le=90)
    head_office_lon: Decimal | None = Field(None, ge=-180, le=180)
    default_commute_mode: str | None = None
    is_active: bool | None = None


class OrganisationOut(Schema):
    id: int
    legal_name: str
    kind: str
    sector: str
    size: str
    enterprise_number: str
    vat_number: str
    legal_form: str
    register_court: str
    street: str
    postcode: str
    city: str
    country: str
    language: str
    email: str
    peppol_endpoint: str
    network_id: int | None
    head_office_town: str
    head_office_lat: Decimal | None
    head_office_lon: Decimal | None
    is_active: bool


class RoleAssignIn(Schema):
    user_email: str
    role: str
    network_id: int | None = None
    centre_id: int | None = None
    organisation_id: int | None = None


class RoleAssignmentOut(Schema):
    id: int
    user_id: int
    user_email: str = Field(..., alias="user.email")
    role: str
    network_id: int | None
    centre_id: int | None
    organisation_id: int | None


# --- Staff (issue 5) ------------------------------------------------------------------


class StaffOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    is_active: bool
    deactivated_at: datetime | None
    team_ids: list[int]

    @staticmethod
    def resolve_team_ids(obj: object) -> list[int]:
        return [m.team_id for m in obj.team_memberships.all()]  # type: ignore[attr-defined]


class InvitationIn(Schema):
    email: str = Field(..., min_length=3, max_length=254)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    team_id: int | None = None
    as_admin: bool = Field(False, description="Operator only: the person becomes a company admin")


class InvitationOut(Schema):
    id: int
    company_id: int
    email: str
    first_name: str
    last_name: str
    team_id: int | None
    as_admin: bool
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class InvitationAcceptIn(Schema):
    token: str = Field(..., min_length=10, max_length=1000)
    password: str | None = Field(None, max_length=200)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)


class AcceptedOut(Schema):
    user_id: int
    email: str
    company_id: int | None


class ImportOut(Schema):
    created: int
    invited: int
    already_staff: int


class TeamIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class TeamOut(Schema):
    id: int
    company_id: int
    name: str
    member_count: int = 0


class TeamMemberIn(Schema):
    user_id: int


class DeactivatedOut(Schema):
    bookings_cancelled: int
    minutes_returned: int


# --- Payout data of centre operators (issue 16) ---------------------------------------


class PayoutChangeIn(Schema):
    iban: str = Field(..., min_length=5, max_length=40)
    bic: str = Field("", max_length=11)


class PayoutDecisionIn(Schema):
    reason: str = Field("", max_length=500)


class PayoutChangeOut(Schema):
    id: int
    organisation_id: int
    iban: str
    bic: str
    previous_iban: str
    state: str
    proposed_by_id: int
    proposed_at: datetime
    decided_by_id: int | None
    decided_at: datetime | None
    reason: str


class HomeIn(Schema):
    address: str = Field("", max_length=200, description="An address or a postcode and town "
                         "(\"5000 Namur\", \"Rue de Fer 25, 5000 Namur\"); empty: no home")
