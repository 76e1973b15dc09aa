"""The deterministic demo: the same rows every time it is loaded.

`demo_load()` builds, in one transaction and through the apps' services (so the
audit log, label events and inspections are real; only the ~480 desks are
bulk-created, with the same audit entries as `resource_create` writes):

- the Walloon Smart Work Centers network, operated by Euro Green IT: 8 labelled
  centres in Walloon towns (real town coordinates, invented addresses flagged
  `address_is_demo`), 150 desks in all plus meeting and telepresence rooms, run by
  public and private centre operators, each with a passed inspection, opening
  hours, prices and a Christmas closure (Noël);
- the Mobispot network: 30 sites in the Brussels region (the 19 communes, real
  coordinates), coworking style, most labelled (each >= 8 desks, passed
  inspection), some candidates; one of them is the coworking "Works Center"
  (about ten desks, meeting and telepresence rooms, restaurant, priced per
  half-day and per day);
- an active alliance between the two networks;
- three customer companies (one large account, two SMEs) with valid Belgian
  enterprise numbers and about 200 employees, each with a home in a real
  Belgian town and a commute mode; a few independent members;
- one login per role, all with the password `DEMO_PASSWORD`.

Nothing depends on the clock except `ctx["today"]` and the rows' timestamps;
every "random" choice comes from `random.Random(DEMO_SEED)`.

Then each app's optional loader `smartwork.<app>.demo.load(ctx)` runs, in the
order of `APP_LOADERS`, inside the same transaction. `ctx` is a dict:

    password        str: the demo password of every login
    today           datetime.date: the local date when the demo was loaded
    rng             random.Random: seeded, for loaders that want variety
    superuser       User: the admin login (is_superuser)
    networks        {"walloon": Network, "mobispot": Network}
    alliance        Alliance (active) between the two networks
    centres         {"walloon": [Centre] (8, by name), "mobispot": [Centre]
                     (30, by name, incl. the Works Center), "works_center": Centre}
    operators       {"walloon": User, "mobispot": User}: network operator staff
    centre_staff    {"centre": Centre (Namur), "manager": User, "receptionist": User}
    companies       {"large": Organisation, "sme_namur": Organisation,
                     "sme_brussels": Organisation}
    company_admins  {same keys as companies: User}
    employees       {same keys as companies: [User]} (admins included; by email)
    members         [User]: every employee and independent member, by email
    independents    [User]: members with no company
    member          User: the named member login (an employee of the large account)
    logins          [Login]: the demo logins, one or more per role
    centre_operators {centre slug: Organisation}: who runs each centre
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from smartwork.accounts.choices import CommuteMode, CompanySize, OrganisationKind, Role, Sector
from smartwork.accounts.models import Organisation, User
from smartwork.accounts.services import organisation_create, role_assign, user_create
from smartwork.core.audit import audit_log
from smartwork.core.models import AuditEntry
from smartwork.core.permissions import require
from smartwork.network.choices import (
    DEFAULT_LABEL_CHECKLIST,
    AllianceStatus,
    Equipment,
    LabelStatus,
    ResourceKind,
    Service,
)
from smartwork.network.models import Centre, Network, Resource
from smartwork.network.services import (
    alliance_create,
    alliance_set_status,
    centre_create,
    centre_label_change,
    closure_add,
    inspection_record,
    opening_hours_set,
    price_set,
    resource_create,
)

DEMO_PASSWORD = "demo-smartwork"
DEMO_SEED = 20130513
WALLOON_SLUG = "walloon-smart-work-centers"
MOBISPOT_SLUG = "mobispot"
DEMO_DOMAIN = "demo.smartwork.example"
PRICES_FROM = dt.date(2025, 1, 1)
APP_LOADERS = (
    "bookings", "credits", "billing", "wifi", "economics", "workplans", "wellbeing",
    "community", "network", "twofactor",
    # Last: it builds the presence summary once every loader's bookings are in.
    "insights",
)

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    password: str
    scope: str


def demo_present() -> bool:
    return Network.objects.filter(slug=WALLOON_SLUG).exists()


def _data(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _time(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def enterprise_number(n: int) -> str:
    """A valid Belgian enterprise number: the check digits are 97 - (first eight mod 97)."""
    first8 = f"0{8000000 + n:07d}"
    return f"{first8}{97 - int(first8) % 97:02d}"


def belgian_iban(n: int) -> str:
    """A valid Belgian IBAN (national check: first ten mod 97; then ISO 13616)."""
    account = 3100000000 + n * 7919
    national = account % 97 or 97
    bban = f"{account:010d}{national:02d}"
    check = 98 - int(bban + "111400") % 97  # B=11, E=14, then "00"
    return f"BE{check:02d}{bban}"


class _Builder:
    def __init__(self) -> None:
        self.rng = random.Random(DEMO_SEED)
        self.password_hash = make_password(DEMO_PASSWORD)
        self.org_seq = 0
        self.ctx: dict[str, Any] = {"password": DEMO_PASSWORD, "rng": self.rng}

    # --- people and organisations ----------------------------------------------

    def user(self, email: str, *, actor: User | None, **extra: Any) -> User:
        user = user_create(email=email, password=None, actor=actor, **extra)
        # One argon2 hash for every demo login: hashing is slow by design.
        user.password = self.password_hash
        user.save(update_fields=["password"])
        return user

    def organisation(self, *, actor: User, legal_name: str, kind: str, sector: str = Sector.PRIVATE,
                     city: str, postcode: str, street: str, **extra: Any) -> Organisation:
        self.org_seq += 1
        number = enterprise_number(self.org_seq * 37)
        slug = slugify(legal_name).replace("-", "")[:24]
        data: dict[str, Any] = {
            "legal_name": legal_name, "kind": kind, "sector": sector,
            "enterprise_number": number, "street": f"{street} (demo)", "postcode": postcode,
            "city": city, "email": f"contact@{slug}.{DEMO_DOMAIN}", "language": "fr",
            "iban": belgian_iban(self.org_seq),
        }
        if sector == Sector.PRIVATE:
            data["vat_number"] = f"BE{number}"
        data.update(extra)
        return organisation_create(actor=actor, **data)

    # --- the networks --------------------------------------------------------------

    def network(self, *, superuser: User, slug: str, name: str, operator_name: str,
                city: str, postcode: str, street: str, staff_email: str,
                **rules: Any) -> tuple[Network, User]:
        operator_org = self.organisation(
            actor=superuser, legal_name=operator_name, kind=OrganisationKind.NETWORK_OPERATOR,
            city=city, postcode=postcode, street=street,
        )
        # Networks are created by the platform's administrator; there is no
        # network service (operators edit their network, they do not create one).
        network = Network.objects.create(name=name, slug=slug, operator=operator_org, **rules)
        audit_log(actor=superuser, action="network.created", obj=network,
                  data={"name": name}, network_id=network.pk)
        staff = self.user(staff_email, actor=superuser, first_name="Opérateur",
                          last_name=name.split()[0], network=network, language="fr")
        role_assign(actor=superuser, user=staff, role=Role.OPERATOR, network=network)
        return network, staff

    def centre(self, *, actor: User, network: Network, spec: dict[str, Any],
               services: Sequence[str], sector: str) -> Centre:
        operator = self.organisation(
            actor=actor, legal_name=spec["operator"], kind=OrganisationKind.CENTRE_OPERATOR,
            sector=sector, city=spec["town"], postcode=spec["postcode"], street=spec["street"],
            network=network,
        )
        slug_part = slugify(spec["name"]).replace("-", ".")
        return centre_create(
            actor=actor, network=network, operator=operator, name=spec["name"],
            street=spec["street"], postcode=spec["postcode"], city=spec["town"],
            address_is_demo=True, lat=Decimal(str(spec["lat"])), lon=Decimal(str(spec["lon"])),
            services=list(services), email=f"{slug_part}@{DEMO_DOMAIN}",
            phone=spec.get("phone", ""),
            description=spec.get("description", ""),
        )

    def resources(self, *, actor: User, centre: Centre, desks: int, meeting_rooms: int,
                  telepresence_rooms: int) -> None:
        # Desks come by the hundred: created in bulk, with the permission check and
        # the same audit entry per desk as `resource_create` writes.
        require(actor, "centre.resources", centre=centre)
        created = Resource.objects.bulk_create([
            Resource(centre=centre, kind=ResourceKind.DESK, name=f"Bureau {i:02d}",
                     equipment=sorted([Equipment.SCREEN, Equipment.DOCKING] if i % 3
                                      else [Equipment.SCREEN]))
            for i in range(1, desks + 1)
        ])
        AuditEntry.objects.bulk_create([
            AuditEntry(actor_id=actor.pk, action="resource.created",
                       object_type=Resource._meta.label_lower, object_id=str(desk.pk),
                       object_repr=str(desk)[:200], network_id=centre.network_id,
                       data={"kind": ResourceKind.DESK, "name": desk.name})
            for desk in created
        ])
        for i in range(1, meeting_rooms + 1):
            resource_create(
                actor=actor, centre=centre, kind=ResourceKind.MEETING_ROOM,
                name=f"Salle de réunion {i}", capacity=6 + 2 * i,
                equipment=[Equipment.SCREEN, Equipment.VIDEO_CONFERENCE, Equipment.WHITEBOARD],
            )
        for i in range(1, telepresence_rooms + 1):
            resource_create(
                actor=actor, centre=centre, kind=ResourceKind.TELEPRESENCE_ROOM,
                name=f"Salle de téléprésence {i}", capacity=6,
                equipment=[Equipment.SCREEN, Equipment.VIDEO_CONFERENCE, Equipment.PHONE],
            )

    def hours(self, *, actor: User, centre: Centre, rows: list[list[Any]]) -> None:
        opening_hours_set(actor=actor, centre=centre,
                          intervals=[(int(d), _time(o), _time(c)) for d, o, c in rows])

    def prices(self, *, actor: User, centre: Centre, desk_half_day: str, desk_day: str,
               room_hour: str, telepresence_hour: str | None) -> None:
        price_set(actor=actor, centre=centre, resource_kind=ResourceKind.DESK,
                  valid_from=PRICES_FROM, per_half_day=Decimal(desk_half_day),
                  per_day=Decimal(desk_day))
        price_set(actor=actor, centre=centre, resource_kind=ResourceKind.MEETING_ROOM,
                  valid_from=PRICES_FROM, per_hour=Decimal(room_hour),
                  per_half_day=Decimal(room_hour) * 3, per_day=Decimal(room_hour) * 5)
        if telepresence_hour is not None:
            price_set(actor=actor, centre=centre, resource_kind=ResourceKind.TELEPRESENCE_ROOM,
                      valid_from=PRICES_FROM, per_hour=Decimal(telepresence_hour))

    def inspect(self, *, actor: User, centre: Centre, visited_on: dt.date, inspector: str,
                failed: tuple[str, ...] = ()) -> None:
        items = {
            item["code"]: {
                "passed": item["code"] not in failed,
                "note": "Not met at the visit." if item["code"] in failed else "",
            }
            for item in DEFAULT_LABEL_CHECKLIST
        }
        inspection_record(actor=actor, centre=centre, visited_on=visited_on,
                          inspector_name=inspector, items=items,
                          notes="Demo inspection visit.")

    def label(self, *, actor: User, centre: Centre) -> None:
        centre_label_change(actor=actor, centre=centre, to_status=LabelStatus.LABELLED,
                            reason="Passed the label inspection.")


# --- the parts of the demo ----------------------------------------------------------


def _walloon(b: _Builder, superuser: User) -> tuple[Network, User, list[Centre]]:
    network, op = b.network(
        superuser=superuser, slug=WALLOON_SLUG, name="Walloon Smart Work Centers",
        operator_name="Euro Green IT", city="Namur", postcode="5000",
        street="Avenue de la Démonstration 1", staff_email=f"operator.walloon@{DEMO_DOMAIN}",
        commission_rate=Decimal("15.00"), credit_hour_value=Decimal("6.00"),
        booking_window_days=90, cancellation_deadline_hours=24,
    )
    centres = []
    for i, spec in enumerate(_data("walloon.json")["centres"]):
        centre = b.centre(actor=op, network=network, spec=spec, services=spec["services"],
                          sector=spec["sector"])
        b.resources(actor=op, centre=centre, desks=spec["desks"],
                    meeting_rooms=spec["meeting_rooms"],
                    telepresence_rooms=spec["telepresence_rooms"])
        b.hours(actor=op, centre=centre, rows=spec["hours"])
        b.prices(actor=op, centre=centre, desk_half_day=spec["desk_half_day"],
                 desk_day=spec["desk_day"], room_hour=spec["room_hour"],
                 telepresence_hour=spec["telepresence_hour"])
        closure_add(actor=op, centre=centre, start_date=dt.date(2026, 12, 24),
                    end_date=dt.date(2026, 12, 26), reason="Noël")
        b.inspect(actor=op, centre=centre, visited_on=dt.date(2025, 9, 1) + dt.timedelta(days=7 * i),
                  inspector="Euro Green IT label team")
        b.label(actor=op, centre=centre)
        centres.append(centre)
    return network, op, centres


def _mobispot(b: _Builder, superuser: User) -> tuple[Network, User, list[Centre], Centre]:
    network, op = b.network(
        superuser=superuser, slug=MOBISPOT_SLUG, name="Mobispot",
        operator_name="Mobispot", city="Bruxelles", postcode="1000",
        street="Rue de l'Exemple 30", staff_email=f"operator.mobispot@{DEMO_DOMAIN}",
        commission_rate=Decimal("20.00"), credit_hour_value=Decimal("7.00"),
        booking_window_days=60, cancellation_deadline_hours=12,
    )
    standard = [Service.RECEPTION, Service.MEETING_ROOM, Service.PRINTER, Service.LOCKERS,
                Service.PUBLIC_TRANSPORT]
    centres = []
    for i, spec in enumerate(_data("mobispot.json")["sites"]):
        services = list(standard)
        if spec["telepresence_rooms"]:
            services.append(Service.TELEPRESENCE)
        if i % 4 == 1:
            services.append(Service.BIKE_PARKING)
        if i % 5 == 2:
            services.append(Service.SHOWERS)
        centre = b.centre(actor=op, network=network, spec=spec, services=services,
                          sector=spec["sector"])
        b.resources(actor=op, centre=centre, desks=spec["desks"],
                    meeting_rooms=spec["meeting_rooms"],
                    telepresence_rooms=spec["telepresence_rooms"])
        b.hours(actor=op, centre=centre,
                rows=[[d, "08:00", "19:00"] for d in range(5)]
                + ([[5, "09:00", "17:00"]] if i % 3 == 0 else []))
        half_day = Decimal(12 + i % 5)
        b.prices(actor=op, centre=centre, desk_half_day=str(half_day),
                 desk_day=str(half_day * 2 - 4), room_hour=str(20 + (i % 4) * 5),
                 telepresence_hour="50.00" if spec["telepresence_rooms"] else None)
        visited = dt.date(2025, 10, 1) + dt.timedelta(days=3 * i)
        if spec["labelled"]:
            b.inspect(actor=op, centre=centre, visited_on=visited, inspector="Mobispot quality")
            b.label(actor=op, centre=centre)
        elif spec["desks"] < 8:
            # A candidate still too small: its visit failed on the workstation count.
            b.inspect(actor=op, centre=centre, visited_on=visited, inspector="Mobispot quality",
                      failed=("min_workstations",))
        elif i % 2:
            b.inspect(actor=op, centre=centre, visited_on=visited, inspector="Mobispot quality",
                      failed=("permanent_reception", "lockers"))
        centres.append(centre)

    # The coworking "Works Center": about ten people, meeting and telepresence
    # rooms, a restaurant; billed per half-day or per day.
    spec = {
        "name": "Works Center Etterbeek", "town": "Etterbeek", "postcode": "1040",
        "street": "Rue du Coworking 10", "lat": 50.8361, "lon": 4.3917,
        "operator": "Works Center Coworking SRL (demo)",
        "description": "A coworking Works Center: a shared space for about ten people with "
                       "meeting and telepresence rooms and a restaurant; membership or "
                       "pay per half-day or day.",
    }
    works = b.centre(
        actor=op, network=network, spec=spec, sector=Sector.PRIVATE,
        services=[Service.RECEPTION, Service.MEETING_ROOM, Service.TELEPRESENCE,
                  Service.RESTAURANT, Service.PRINTER, Service.LOCKERS,
                  Service.PUBLIC_TRANSPORT, Service.BIKE_PARKING],
    )
    b.resources(actor=op, centre=works, desks=10, meeting_rooms=1, telepresence_rooms=1)
    b.hours(actor=op, centre=works,
            rows=[[d, "08:00", "20:00"] for d in range(5)] + [[5, "09:00", "13:00"]])
    price_set(actor=op, centre=works, resource_kind=ResourceKind.DESK, valid_from=PRICES_FROM,
              per_half_day=Decimal("15.00"), per_day=Decimal("25.00"))
    price_set(actor=op, centre=works, resource_kind=ResourceKind.MEETING_ROOM,
              valid_from=PRICES_FROM, per_half_day=Decimal("60.00"), per_day=Decimal("100.00"))
    price_set(actor=op, centre=works, resource_kind=ResourceKind.TELEPRESENCE_ROOM,
              valid_from=PRICES_FROM, per_half_day=Decimal("120.00"), per_day=Decimal("200.00"))
    b.inspect(actor=op, centre=works, visited_on=dt.date(2025, 11, 20), inspector="Mobispot quality")
    b.label(actor=op, centre=works)
    centres.append(works)
    centres.sort(key=lambda c: c.name)
    return network, op, centres, works


# Commute modes of the demo members, with weights summing to 100.
COMMUTE_WEIGHTS = [
    (CommuteMode.CAR, 52), (CommuteMode.TRAIN, 16), (CommuteMode.BUS, 9),
    (CommuteMode.ELECTRIC_CAR, 9), (CommuteMode.EBIKE, 5), (CommuteMode.BIKE, 4),
    (CommuteMode.TRAM, 3), (CommuteMode.WALK, 2),
]
FIRST_NAMES = [
    "Amélie", "Thomas", "Sophie", "Maxime", "Julie", "Nicolas", "Laura", "Antoine", "Camille",
    "Pierre", "Emma", "Louis", "Sarah", "Hugo", "Manon", "Lucas", "Charlotte", "Arnaud", "Marie",
    "Bart", "Lien", "Pieter", "Ines", "Mehdi", "Yasmina", "Kevin", "Elise", "Olivier", "Chloé",
    "Simon", "Noor", "Jonas", "Fatima", "Romain", "Aline", "Tom", "Hanne", "David",
]
LAST_NAMES = [
    "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Lejeune", "Renard", "Leroy",
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
    "Dumont", "Lemaire", "Fontaine", "Collard", "Henrard", "Gérard", "Mathieu", "Denis",
    "El Amrani", "Benali", "Wautier", "Thiry", "Pirard", "Hubert", "Michaux", "Noël",
]
COMPANIES: list[dict[str, Any]] = [
    {"key": "large", "legal_name": "Meuse Énergie SA (demo)", "size": CompanySize.LARGE_ACCOUNT,
     "network": "walloon", "city": "Liège", "postcode": "4000", "street": "Boulevard d'Avroy 100",
     "hq": (50.6375, 5.5680), "employees": 140, "domain": "meuse-energie",
     "towns": ["Liège", "Seraing", "Verviers", "Huy", "Spa", "Eupen", "Namur", "Marche-en-Famenne",
               "Andenne", "Ciney", "Arlon", "Bastogne", "Charleroi", "Louvain-la-Neuve",
               "Gembloux", "Dinant"]},
    {"key": "sme_namur", "legal_name": "Atelier Numérique SRL (demo)", "size": CompanySize.SME,
     "network": "walloon", "city": "Namur", "postcode": "5000", "street": "Rue de Fer 22",
     "hq": (50.4657, 4.8660), "employees": 32, "domain": "atelier-numerique",
     "towns": ["Namur", "Gembloux", "Andenne", "Dinant", "Charleroi", "Wavre", "Ciney"]},
    {"key": "sme_brussels", "legal_name": "Brabant Design SRL (demo)", "size": CompanySize.SME,
     "network": "mobispot", "city": "Bruxelles", "postcode": "1000", "street": "Rue Royale 50",
     "hq": (50.8496, 4.3650), "employees": 26, "domain": "brabant-design",
     "towns": ["Bruxelles", "Leuven", "Mechelen", "Halle", "Vilvoorde", "Waterloo", "Wavre",
               "Nivelles", "Ottignies", "Aalst"]},
]


def _home(rng: random.Random, towns: dict[str, tuple[float, float]], town: str
          ) -> tuple[Decimal, Decimal]:
    """A point within about 3 km of the town centre."""
    lat, lon = towns[town]
    distance_km = 3.0 * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    dlat = distance_km / 111.2 * math.cos(bearing)
    dlon = distance_km / (111.2 * math.cos(math.radians(lat))) * math.sin(bearing)
    q = Decimal("0.000001")
    return Decimal(str(lat + dlat)).quantize(q), Decimal(str(lon + dlon)).quantize(q)


def _commute(rng: random.Random) -> str:
    pick = rng.randrange(100)
    for mode, weight in COMMUTE_WEIGHTS:
        if pick < weight:
            return mode
        pick -= weight
    return CommuteMode.CAR


def _people(b: _Builder, networks: dict[str, Network], operators: dict[str, User]) -> None:
    rng = b.rng
    towns = {name: (lat, lon) for name, lat, lon in _data("towns.json")["towns"]}
    companies: dict[str, Organisation] = {}
    admins: dict[str, User] = {}
    employees: dict[str, list[User]] = {}
    used_emails: set[str] = set()
    for spec in COMPANIES:
        network = networks[spec["network"]]
        actor = operators[spec["network"]]
        company = b.organisation(
            actor=actor, legal_name=spec["legal_name"], kind=OrganisationKind.COMPANY,
            sector=Sector.PRIVATE, size=spec["size"], city=spec["city"],
            postcode=spec["postcode"], street=spec["street"], network=network,
            head_office_town=spec["city"], head_office_lat=Decimal(str(spec["hq"][0])),
            head_office_lon=Decimal(str(spec["hq"][1])), default_commute_mode=CommuteMode.CAR,
        )
        companies[spec["key"]] = company
        domain = f"{spec['domain']}.{DEMO_DOMAIN}"
        admin_lat, admin_lon = _home(rng, towns, spec["towns"][0])
        admin = b.user(
            f"admin@{domain}", actor=actor, first_name="RH", last_name=spec["legal_name"].split()[0],
            company=company, network=network, language="fr", home_town=spec["towns"][0],
            home_lat=admin_lat, home_lon=admin_lon, commute_mode=CommuteMode.TRAIN,
        )
        role_assign(actor=actor, user=admin, role=Role.COMPANY_ADMIN, organisation=company)
        admins[spec["key"]] = admin
        staff = [admin]
        named = None
        if spec["key"] == "large":
            lat, lon = _home(rng, towns, "Namur")
            named = b.user(
                f"member@{domain}", actor=actor, first_name="Claire", last_name="Lambert",
                company=company, network=network, language="fr", home_town="Namur",
                home_lat=lat, home_lon=lon, commute_mode=CommuteMode.CAR,
            )
            b.ctx["member"] = named
            staff.append(named)
        rows = []
        for _ in range(spec["employees"] - len(staff)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            local = f"{first}.{last}".lower().replace(" ", "")
            local = local.translate(str.maketrans("éèëêàâçïîôü", "eeeeaaciiou"))
            email, n = f"{local}@{domain}", 2
            while email in used_emails:
                email, n = f"{local}{n}@{domain}", n + 1
            used_emails.add(email)
            # Half of the staff live near the head office's town; the rest spread out.
            town = spec["towns"][0] if rng.random() < 0.3 else rng.choice(spec["towns"])
            lat, lon = _home(rng, towns, town)
            rows.append(User(
                email=email, password=b.password_hash, first_name=first, last_name=last,
                company=company, network=network, language="fr" if rng.random() < 0.8 else "nl",
                home_town=town, home_lat=lat, home_lon=lon, commute_mode=_commute(rng),
            ))
        created = User.objects.bulk_create(rows, batch_size=500)
        audit_log(actor=actor, action="company.staff_imported", obj=company,
                  data={"count": len(created), "source": "demo"}, network_id=network.pk)
        employees[spec["key"]] = sorted([*staff, *created], key=lambda u: u.email)

    independents = []
    for first, last, town, net in (
        ("Léa", "Freelance", "Wavre", "walloon"), ("Marc", "Consultant", "Arlon", "walloon"),
        ("Anouk", "Artiste", "Ixelles", "mobispot"), ("Samir", "Chercheur", "Liège", "walloon"),
        ("Eva", "Student", "Leuven", "mobispot"),
    ):
        key_town = town if town in towns else "Bruxelles"
        lat, lon = _home(rng, towns, key_town)
        user = b.user(
            f"{first.lower().replace('é', 'e')}.{last.lower()}@{DEMO_DOMAIN}", actor=operators[net],
            first_name=first, last_name=last, network=networks[net], language="fr",
            home_town=town, home_lat=lat, home_lon=lon, commute_mode=_commute(rng),
        )
        independents.append(user)
    b.ctx.update(
        companies=companies, company_admins=admins, employees=employees,
        independents=independents,
        members=sorted([u for staff in employees.values() for u in staff] + independents,
                       key=lambda u: u.email),
    )


def demo_load() -> list[Login]:
    """Load the demo into an empty database (one transaction) and return its logins."""
    b = _Builder()
    with transaction.atomic():
        if demo_present():
            raise RuntimeError(f"The demo is loaded already (network slug {WALLOON_SLUG!r}).")
        superuser = b.user(f"admin@{DEMO_DOMAIN}", actor=None, first_name="Admin",
                           last_name="Smartwork", is_staff=True, is_superuser=True)
        b.ctx.update(superuser=superuser, today=timezone.localdate())

        walloon, walloon_op, walloon_centres = _walloon(b, superuser)
        mobispot, mobispot_op, mobispot_centres, works = _mobispot(b, superuser)
        alliance = alliance_create(actor=walloon_op, network=walloon, other=mobispot,
                                   starts_on=dt.date(2025, 6, 1),
                                   clearing_hour_rate=Decimal("5.00"))
        alliance_set_status(actor=mobispot_op, alliance=alliance, status=AllianceStatus.ACTIVE)

        namur = walloon_centres[0]
        manager = b.user(f"manager.namur@{DEMO_DOMAIN}", actor=walloon_op, first_name="Nadia",
                         last_name="Moreau", network=walloon, language="fr")
        role_assign(actor=walloon_op, user=manager, role=Role.CENTRE_MANAGER, centre=namur)
        receptionist = b.user(f"reception.namur@{DEMO_DOMAIN}", actor=walloon_op,
                              first_name="Rémi", last_name="Renard", network=walloon,
                              language="fr")
        role_assign(actor=walloon_op, user=receptionist, role=Role.RECEPTIONIST, centre=namur)

        networks = {"walloon": walloon, "mobispot": mobispot}
        operators = {"walloon": walloon_op, "mobispot": mobispot_op}
        b.ctx.update(
            networks=networks, alliance=alliance, operators=operators,
            centres={"walloon": sorted(walloon_centres, key=lambda c: c.name),
                     "mobispot": mobispot_centres, "works_center": works},
            centre_staff={"centre": namur, "manager": manager, "receptionist": receptionist},
            centre_operators={c.slug: c.operator for c in [*walloon_centres, *mobispot_centres]},
        )
        _people(b, networks, operators)
        b.ctx["logins"] = demo_logins()
        for app in APP_LOADERS:
            module_name = f"smartwork.{app}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            importlib.import_module(module_name).load(b.ctx)
    return demo_logins()


def _login_emails() -> list[tuple[str, str]]:
    companies = [("company admin", f"admin@{c['domain']}.{DEMO_DOMAIN}") for c in COMPANIES]
    return [
        ("superuser (Django admin)", f"admin@{DEMO_DOMAIN}"),
        ("network operator", f"operator.walloon@{DEMO_DOMAIN}"),
        ("network operator", f"operator.mobispot@{DEMO_DOMAIN}"),
        ("centre manager", f"manager.namur@{DEMO_DOMAIN}"),
        ("receptionist", f"reception.namur@{DEMO_DOMAIN}"),
        *companies,
        ("member (employee)", f"member@{COMPANIES[0]['domain']}.{DEMO_DOMAIN}"),
        ("independent member", f"lea.freelance@{DEMO_DOMAIN}"),
    ]


def demo_logins() -> list[Login]:
    """The demo logins present in the database, one or more per role."""
    from smartwork.accounts.models import RoleAssignment

    wanted = _login_emails()
    users = {u.email: u for u in User.objects.select_related("company", "network").filter(
        email__in=[email for _, email in wanted])}
    scopes: dict[int, list[str]] = {}
    for assignment in RoleAssignment.objects.select_related(
        "network", "centre", "organisation"
    ).filter(user__in=users.values()).order_by("id"):
        target = assignment.network or assignment.centre or assignment.organisation
        scopes.setdefault(assignment.user_id, []).append(str(target))
    logins = []
    for role, email in wanted:
        user = users.get(email)
        if user is None:
            continue
        if user.is_superuser:
            scope = "everything"
        elif user.pk in scopes:
            scope = ", ".join(scopes[user.pk])
        elif user.company is not None:
            scope = f"employee of {user.company}"
        else:
            scope = f"independent, {user.network}"
        logins.append(Login(role=role, email=email, password=DEMO_PASSWORD, scope=scope))
    return logins
