"""Demo formats (issue #21, part 3): a mini centre and Aurelium's hosted desks.

Runs last (after every other loader), so that the figures the other loaders derive
from the Walloon centres (economics' break-even centre, insights) do not move.

- **Smart Work Center mini — Ciney**: the mini tier of the Walloon network; three desks,
  entry by code or QR, inspected against the mini checklist and labelled; its own
  (lower) pay-as-you-go prices; credit at the network's mini rate.
- **Aurelium SA (demo)**: a customer company of the Walloon network opening four desks
  of its Gembloux office; it operates the space; visible to its own staff and to one
  named partner company, the Namur SME (Atelier Numérique); the other companies and
  the independents do not see it.

Adds to ctx:
    formats     {"mini": Centre, "hosted": Centre, "aurelium": Organisation,
                 "aurelium_admin": User, "aurelium_staff": [User]}
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from smartwork.accounts.choices import CompanySize, OrganisationKind, Role, Sector
from smartwork.accounts.models import User
from smartwork.accounts.services import organisation_create, role_assign, user_create
from smartwork.network.choices import (
    DEFAULT_MINI_LABEL_CHECKLIST,
    HostedVisibility,
    LabelStatus,
    LabelTier,
    ResourceKind,
    Service,
)
from smartwork.network.models import Centre
from smartwork.network.services import (
    centre_create,
    centre_label_change,
    inspection_record,
    opening_hours_set,
    price_set,
    resource_create,
)

HOURS = [(d, dt.time(8, 0), dt.time(18, 0)) for d in range(5)]


def _label(*, actor: User, centre: Centre, visited_on: dt.date, checklist: list[dict[str, str]],
           inspector: str) -> None:
    inspection_record(
        actor=actor, centre=centre, visited_on=visited_on, inspector_name=inspector,
        items={item["code"]: {"passed": True, "note": ""} for item in checklist},
        notes="Demo inspection visit.")
    centre_label_change(actor=actor, centre=centre, to_status=LabelStatus.LABELLED,
                        reason="Passed the label inspection.")


def load(ctx: dict[str, Any]) -> None:
    from smartwork.demo.load import DEMO_DOMAIN, belgian_iban, enterprise_number

    network = ctx["networks"]["walloon"]
    op = ctx["operators"]["walloon"]

    # --- The mini centre -------------------------------------------------------------
    runner = organisation_create(
        actor=op, legal_name="Ciney Coworking ASBL (demo)",
        kind=OrganisationKind.CENTRE_OPERATOR, sector=Sector.PUBLIC,
        enterprise_number=enterprise_number(9101 * 37), street="Rue de la Station 3 (demo)",
        postcode="5590", city="Ciney", email=f"contact@cineycoworking.{DEMO_DOMAIN}",
        language="fr", iban=belgian_iban(9101), network=network)
    mini = centre_create(
        actor=op, network=network, operator=runner, name="Smart Work Center mini — Ciney",
        street="Rue de la Station 3", postcode="5590", city="Ciney", address_is_demo=True,
        lat=Decimal("50.294500"), lon=Decimal("5.100400"), label_tier=LabelTier.MINI,
        services=[Service.PUBLIC_TRANSPORT, Service.PRINTER],
        description="Trois postes de travail au-dessus de la bibliothèque : entrée par code "
                    "ou QR, pas d'accueil permanent.",
        email=f"ciney.mini@{DEMO_DOMAIN}")
    for i in range(1, 4):
        resource_create(actor=op, centre=mini, kind=ResourceKind.DESK, name=f"Poste {i}")
    opening_hours_set(actor=op, centre=mini, intervals=HOURS)
    price_set(actor=op, centre=mini, resource_kind=ResourceKind.DESK,
              valid_from=dt.date(2025, 1, 1), per_half_day=Decimal("7.00"),
              per_day=Decimal("12.00"))
    _label(actor=op, centre=mini, visited_on=dt.date(2026, 3, 2),
           checklist=DEFAULT_MINI_LABEL_CHECKLIST, inspector="Euro Green IT label team")

    # --- Aurelium's hosted desks -------------------------------------------------------
    aurelium = organisation_create(
        actor=op, legal_name="Aurelium SA (demo)", kind=OrganisationKind.COMPANY,
        sector=Sector.PRIVATE, size=CompanySize.SME,
        enterprise_number=enterprise_number(9102 * 37),
        vat_number=f"BE{enterprise_number(9102 * 37)}", street="Chaussée de Namur 40 (demo)",
        postcode="5030", city="Gembloux", email=f"contact@aurelium.{DEMO_DOMAIN}",
        language="fr", iban=belgian_iban(9102), network=network,
        head_office_town="Gembloux", head_office_lat=Decimal("50.561300"),
        head_office_lon=Decimal("4.698200"))
    domain = f"aurelium.{DEMO_DOMAIN}"
    home: dict[str, Any] = {"home_town": "Gembloux", "home_lat": Decimal("50.565000"),
            "home_lon": Decimal("4.690000"), "commute_mode": "bike"}
    admin = user_create(email=f"admin@{domain}", actor=op, first_name="RH",
                        last_name="Aurelium", company=aurelium, network=network,
                        language="fr", **home)
    role_assign(actor=op, user=admin, role=Role.COMPANY_ADMIN, organisation=aurelium)
    staff = [admin] + [
        user_create(email=f"{first.lower()}.{last.lower()}@{domain}", actor=op,
                    first_name=first, last_name=last, company=aurelium, network=network,
                    language="fr", **home)
        for first, last in (("Hélène", "Dumont"), ("Yves", "Lecomte"), ("Inès", "Marchal"))
    ]
    hashed = make_password(ctx["password"])  # once: argon2 is slow by design
    for user in staff:
        user.password = hashed
        user.save(update_fields=["password"])
    partner = ctx["companies"]["sme_namur"]
    hosted = centre_create(
        actor=op, network=network, operator=aurelium, host_company=aurelium,
        visibility=HostedVisibility.PARTNERS, partner_ids=[partner.pk],
        name="Aurelium — bureaux partagés (Gembloux)", street="Chaussée de Namur 40",
        postcode="5030", city="Gembloux", address_is_demo=True, lat=Decimal("50.561300"),
        lon=Decimal("4.698200"), label_tier=LabelTier.MINI,
        services=[Service.MEETING_ROOM, Service.PARKING, Service.PRINTER],
        description="Quatre postes du siège d'Aurelium ouverts à ses partenaires.",
        email=f"accueil@{domain}", phone="+32 81 00 00 40")
    for i in range(1, 5):
        resource_create(actor=op, centre=hosted, kind=ResourceKind.DESK,
                        name=f"Aurelium {i}")
    opening_hours_set(actor=op, centre=hosted, intervals=HOURS)
    price_set(actor=op, centre=hosted, resource_kind=ResourceKind.DESK,
              valid_from=dt.date(2025, 1, 1), per_half_day=Decimal("9.00"),
              per_day=Decimal("15.00"))
    _label(actor=op, centre=hosted, visited_on=dt.date(2026, 3, 9),
           checklist=DEFAULT_MINI_LABEL_CHECKLIST, inspector="Euro Green IT label team")
    ctx["formats"] = {"mini": mini, "hosted": hosted, "aurelium": aurelium,
                      "aurelium_admin": admin, "aurelium_staff": staff}
