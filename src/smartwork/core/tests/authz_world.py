"""The world of the authorisation matrix: the demo data, plus the few objects it lacks,
and one person per role in scope and out of scope (see authz.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.test import Client

from smartwork.accounts.choices import OrganisationKind, Role
from smartwork.accounts.models import (
    ApiToken,
    Organisation,
    PayoutChange,
    RoleAssignment,
    Team,
    User,
)
from smartwork.core import testing

MISSING = 0  # the id given to a path parameter with no object in the world: 404 for all


@dataclasses.dataclass
class World:
    users: dict[tuple[str, str], Any]  # (role, "in"/"out"/"-") -> User or None
    ids: dict[str, Any]  # object name -> id (or token)


def _first(qs: Any) -> Any:
    return qs.order_by("pk").first()


def _next_monday(days: int) -> dt.date:
    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=days)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_month() -> str:
    from django.utils import timezone

    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"


@contextlib.contextmanager
def world_with_clients(
    django_db_blocker: Any, columns: Iterable[tuple[str, str]], *,
    raise_request_exception: bool,
) -> Iterator[tuple[World, dict[tuple[str, str], Client]]]:
    """The world, built in a transaction rolled back at the end, and a test client per
    column (role, scope), logged in as that column's person (anonymous where there is
    none). For a module-scoped fixture: `with world_with_clients(...) as w: yield w`."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            clients: dict[tuple[str, str], Client] = {}
            for column in columns:
                client = Client(raise_request_exception=raise_request_exception)
                user = built.users[column]
                if user is not None:
                    client.force_login(user)
                clients[column] = client
            yield built, clients
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def build_world() -> World:
    from smartwork.billing.models import (
        ClearingStatement,
        InvoiceRun,
        Payment,
        PayoutBatch,
        Settlement,
    )
    from smartwork.billing.services import LineDraft, invoice_draft_create, invoice_issue
    from smartwork.bookings.models import Booking, BookingSeries, CalendarFeed
    from smartwork.credits.models import Allotment, CreditAccount, CreditPackage, MembershipPlan
    from smartwork.demo import WALLOON_SLUG, demo_load
    from smartwork.demo.load import DEMO_DOMAIN, MOBISPOT_SLUG
    from smartwork.network.models import Alliance, Closure, Network, Resource
    from smartwork.wifi.models import Nas, RadiusRestToken, WifiIdentity

    demo_load()
    walloon = Network.objects.get(slug=WALLOON_SLUG)
    mobispot = Network.objects.get(slug=MOBISPOT_SLUG)
    manager = User.objects.get(email=f"manager.namur@{DEMO_DOMAIN}")
    receptionist = User.objects.get(email=f"reception.namur@{DEMO_DOMAIN}")
    centre = RoleAssignment.objects.get(user=manager, role=Role.CENTRE_MANAGER).centre
    other_centre = _first(walloon.centres.exclude(pk=centre.pk))

    def role_user(role: str, **scope: Any) -> User:
        return _first(User.objects.filter(roles__role=role, **{
            f"roles__{k}": v for k, v in scope.items()}))

    operator = role_user(Role.OPERATOR, network=walloon)
    foreign_operator = role_user(Role.OPERATOR, network=mobispot)
    superuser = _first(User.objects.filter(is_superuser=True))
    # The company that books in the centre, one of its employees with a booking there.
    booking = _first(Booking.objects.filter(centre=centre, member__company__isnull=False,
                                            member__company__network=walloon,
                                            member__roles__isnull=True))
    member = booking.member
    company = member.company
    company_admin = role_user(Role.COMPANY_ADMIN, organisation=company)
    other_company = _first(Organisation.objects.filter(kind=OrganisationKind.COMPANY)
                           .exclude(pk=company.pk).filter(pk__in=RoleAssignment.objects.filter(
                               role=Role.COMPANY_ADMIN).values("organisation_id")))
    other_admin = role_user(Role.COMPANY_ADMIN, organisation=other_company)
    other_member = _first(User.objects.filter(company=other_company, roles__isnull=True))
    independent = _first(User.objects.filter(company__isnull=True, network=walloon,
                                             roles__isnull=True, is_superuser=False))
    other_independent = _first(User.objects.filter(company__isnull=True, network=mobispot,
                                                   roles__isnull=True, is_superuser=False))
    if independent is None:
        independent = testing.make_user(network=walloon)
    if other_independent is None:
        other_independent = testing.make_user(network=mobispot)
    other_manager = testing.make_centre_staff(other_centre)
    other_receptionist = testing.make_centre_staff(other_centre, role=Role.RECEPTIONIST)

    users = {
        ("anonymous", "-"): None,
        ("member", "in"): member, ("member", "out"): other_member,
        ("independent", "in"): independent, ("independent", "out"): other_independent,
        ("company_admin", "in"): company_admin, ("company_admin", "out"): other_admin,
        ("receptionist", "in"): receptionist, ("receptionist", "out"): other_receptionist,
        ("centre_manager", "in"): manager, ("centre_manager", "out"): other_manager,
        ("operator", "in"): operator, ("operator", "out"): foreign_operator,
        ("superuser", "-"): superuser,
    }

    # Objects the demo lacks.
    closure = _first(Closure.objects.filter(centre=centre)) or Closure.objects.create(
        centre=centre, start_date=dt.date(2030, 12, 24), end_date=dt.date(2030, 12, 26),
        reason="Holidays")
    team = _first(Team.objects.filter(company=company)) or Team.objects.create(
        company=company, name="Authz team")
    token = ApiToken.objects.create(user=member, name="authz", prefix="sw_authz00",
                                    key_hash="0" * 64)
    centre.operator.iban = centre.operator.iban or "BE68539007547034"
    centre.operator.save()
    change = PayoutChange.objects.create(organisation=centre.operator, iban="BE71096123456769",
                                         proposed_by=manager)
    invoice = invoice_draft_create(
        actor=operator, network=walloon, customer_organisation=company, lines=[LineDraft(
            description="Desk", quantity=Decimal(1), unit_price=Decimal("25.00"),
            vat_rate=Decimal("21.00"))])
    invoice = invoice_issue(actor=operator, invoice=invoice)
    run = _first(InvoiceRun.objects.filter(network=walloon)) or InvoiceRun.objects.create(
        network=walloon, period_start=dt.date(2020, 1, 1), period_end=dt.date(2020, 1, 31))
    feed, _ = CalendarFeed.objects.get_or_create(member=member)
    ids = {
        "network_id": walloon.pk, "centre_id": centre.pk, "company_id": company.pk,
        "organisation_id": company.pk, "centre_operator_id": centre.operator_id,
        "alliance_id": _first(Alliance.objects.all()).pk, "closure_id": closure.pk,
        "resource_id": _first(Resource.objects.filter(centre=centre)).pk,
        "booking_id": booking.pk,
        "series_id": getattr(_first(BookingSeries.objects.filter(member__company=company)),
                             "pk", MISSING),
        "user_id": member.pk, "team_id": team.pk,
        "assignment_id": RoleAssignment.objects.get(user=receptionist).pk,
        "token_id": token.pk, "change_id": change.pk,
        "account_id": getattr(_first(CreditAccount.objects.filter(company=company)), "pk",
                              MISSING),
        "allotment_id": getattr(_first(Allotment.objects.filter(company=company)), "pk",
                                MISSING),
        "invoice_id": invoice.pk, "run_id": run.pk,
        "payment_id": getattr(_first(Payment.objects.filter(network=walloon)), "pk", MISSING),
        "settlement_id": getattr(_first(Settlement.objects.filter(centre=centre)), "pk",
                                 MISSING),
        "batch_id": getattr(_first(PayoutBatch.objects.filter(network=walloon)), "pk",
                            MISSING),
        "clearing_id": getattr(_first(ClearingStatement.objects.all()), "pk", MISSING),
        "identity_id": getattr(_first(WifiIdentity.objects.filter(member=member)), "pk",
                               MISSING),
        "nas_id": getattr(_first(Nas.objects.filter(centre=centre)), "pk", MISSING),
        "calendar_token": feed.token, "token": "not-a-valid-token",
        # Values for bodies and query strings ("{name}" in a row).
        "other_network_id": mobispot.pk, "member_email": member.email,
        "future_monday": str(_next_monday(14)), "last_month": _last_month(),
        "wifi_token_id": RadiusRestToken.objects.create(
            network=walloon, name="authz", prefix="swr_authz", key_hash="1" * 64).pk,
        # Pages' parameters.
        "slug": centre.slug, "uidb64": "MQ", "plan_id": getattr(
            _first(MembershipPlan.objects.filter(network=walloon)), "pk", MISSING),
        "package_id": getattr(_first(CreditPackage.objects.filter(network=walloon)), "pk",
                              MISSING),
        **_community_ids(centre),
        "floor_plan_id": _floor_plan_id(centre),
    }
    return World(users=users, ids=ids)


def _community_ids(centre: Any) -> dict[str, Any]:
    """The community's objects of the demo (issue 21 §5): an event at the world's centre,
    a registration for it, a message and a member listed in the directory."""
    from smartwork.community.models import Event, MemberProfile, Message, Registration

    event = _first(Event.objects.filter(centre=centre).order_by("pk"))
    return {
        "event_id": getattr(event, "pk", MISSING),
        "registration_id": getattr(_first(Registration.objects.filter(event=event)), "pk",
                                   MISSING),
        "message_id": getattr(_first(Message.objects.order_by("pk")), "pk", MISSING),
        "member_id": getattr(_first(MemberProfile.objects.filter(listed=True)
                                    .order_by("member_id")), "member_id", MISSING),
    }


def _floor_plan_id(centre: Any) -> Any:
    from smartwork.bookings.models import FloorPlan

    return getattr(FloorPlan.objects.filter(centre=centre).order_by("pk").first(), "pk", MISSING)


def add_form_data(world: World) -> None:
    """The objects whose forms a page shows only when they exist, for the hostile-input
    probe (test_hostile_pages.py; the authorisation matrix keeps its world as it is):
    the member in a team with an activity to answer and a team to adopt a plan for, an
    equipment item to hand out and a loan to return or sign, the network's training
    library with a campaign of the company (a checklist and a quiz module), an open
    survey and a policy version of the company. Their ids join `world.ids`."""
    from django.utils import timezone

    from smartwork.accounts.models import TeamMembership
    from smartwork.network.models import Network
    from smartwork.wellbeing import services as wellbeing
    from smartwork.wellbeing import training
    from smartwork.wellbeing.models import Module
    from smartwork.workplans import analysis, equipment
    from smartwork.workplans.models import PolicyVersion
    from smartwork.workplans.policy import policy_version_create

    today = timezone.localdate()
    admin = world.users[("company_admin", "in")]
    member = world.users[("member", "in")]
    operator = world.users[("operator", "in")]
    company = member.company
    team = Team.objects.get(pk=world.ids["team_id"])
    TeamMembership.objects.get_or_create(team=team, user=member)
    activity = analysis.activity_create(actor=admin, company=company, name="Probe activity",
                                        team=team, time_share=30)
    analysis.activity_answer_set(actor=member, activity=activity, time_share=30,
                                 best_place="home")
    item = equipment.equipment_item_create(actor=admin, company=company, kind="laptop",
                                           label="Probe laptop", serial="PROBE-1")
    equipment.equipment_item_create(actor=admin, company=company, kind="screen",
                                    label="Probe screen", serial="PROBE-2")
    loan = equipment.equipment_hand_out(actor=admin, item=item, user=member)
    network = Network.objects.get(pk=world.ids["network_id"])
    training.library_seed(actor=operator, network=network)
    modules = Module.objects.filter(network=network, active=True, language="en")
    checklist = _first(modules.exclude(checklist=[]))
    quiz = _first(modules.exclude(quiz=[]))
    campaign = training.campaign_create(
        actor=admin, company=company, title="Probe campaign", audience="company",
        starts_on=today, due_on=today + dt.timedelta(days=30),
        module_ids=[m.pk for m in (checklist, quiz) if m is not None])
    survey = wellbeing.survey_create(
        actor=admin, company=company, title="Probe survey", opens_on=today,
        closes_on=today + dt.timedelta(days=7),
        indicators=wellbeing.enabled_indicators(company=company))
    version = _first(PolicyVersion.objects.filter(company=company, team__isnull=True))
    if version is None:
        version = policy_version_create(actor=admin, company=company, effective_from=today,
                                        remote_days=2, anchor_days=[1], today=today)
    world.ids.update({
        "activity_id": activity.pk, "item_id": item.pk, "loan_id": loan.pk,
        "campaign_id": campaign.pk, "module_id": (checklist or quiz).pk,
        "survey_id": survey.pk,
        "version_id": version.pk,
    })
