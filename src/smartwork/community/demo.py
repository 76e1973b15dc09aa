"""Demo community for the Walloon network: members who opted into the directory with their
skills, a message to the named member, and events at Walloon centres (one with a meeting
room booked through the booking engine, one full, one today at Namur for the front desk
when the demo is loaded before 17:00).

Deterministic but for today's event: the members are chosen by email order, the events
placed on the next weekdays after the day the demo is loaded. Everything goes through
the services (the room booking, the registrations, the message through the outbox)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from smartwork.bookings.slots import zone
from smartwork.community import services
from smartwork.community.choices import EventKind
from smartwork.network.choices import ResourceKind
from smartwork.network.models import Resource

SKILLS = [
    ("Comptabilité, fiscalité des indépendants", "Des clients PME en province de Namur"),
    ("Développement web (Django, Vue)", "Un graphiste pour un projet commun"),
    ("Traduction FR-NL-DE", "Des échanges de pratiques"),
    ("Photographie, vidéo d'entreprise", "Des partenaires en communication"),
    ("Gestion de projet, agilité", "Un groupe de lecture le midi"),
    ("Droit social, RH", "Des questions de télétravail à éclaircir"),
    ("Énergie, bâtiments basse consommation", "Des covoitureurs vers Liège"),
    ("Graphisme, identité visuelle", "Un développeur pour des sites vitrines"),
]


def _weekday_after(today: dt.date, days: int, weekday: int) -> dt.date:
    day = today + dt.timedelta(days=days)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def load(ctx: dict[str, Any]) -> None:
    walloon = ctx["networks"]["walloon"]
    today: dt.date = ctx["today"]
    namur = ctx["centre_staff"]["centre"]
    manager = ctx["centre_staff"]["manager"]
    operator = ctx["operators"]["walloon"]
    named = ctx["member"]
    others = [c for c in ctx["centres"]["walloon"] if c.pk != namur.pk]

    # Opted-in members: the named member, the independent login, and some employees.
    pool = sorted((m for m in ctx["members"] if m.network_id == walloon.pk
                   and m.pk != named.pk), key=lambda m: m.email)
    independents = [m for m in ctx["independents"] if m.network_id == walloon.pk]
    chosen = [named, *independents[:1], *pool[3::17]][:len(SKILLS)]
    for i, person in enumerate(chosen):
        skills, looking = SKILLS[i]
        services.profile_update(
            actor=person, listed=True, centre=namur if i % 2 == 0 else others[i % len(others)],
            show_company=i % 3 != 2, skills=skills, show_skills=True, looking_for=looking,
            show_looking_for=i != 4)
    if len(chosen) > 1:
        services.message_send(
            actor=chosen[1], recipient=named,
            body="Bonjour Claire, je vois que vous cherchez des clients à Namur : on prend un "
                 "café au centre jeudi ?")

    # Events at Walloon centres.
    room = (Resource.objects.filter(centre=namur, kind=ResourceKind.MEETING_ROOM,
                                    is_active=True).order_by("name").first())
    tuesday = _weekday_after(today, 2, 1)
    thursday = _weekday_after(today, 2, 3)
    lunch = services.event_create(
        actor=manager, centre=namur, kind=EventKind.LUNCH, language="fr",
        title="Déjeuner des coworkers", on=tuesday, start_time=dt.time(12, 0),
        end_time=dt.time(13, 30), capacity=20,
        description="Apportez votre pique-nique : on se présente et on échange les bons plans.")
    workshop = services.event_create(
        actor=manager, centre=namur, kind=EventKind.WORKSHOP, language="fr",
        title="Atelier : travailler en réseau", on=thursday, start_time=dt.time(14, 0),
        end_time=dt.time(16, 0), capacity=room.capacity if room else 8, room=room,
        description="Deux heures pour apprendre à se présenter et à trouver des partenaires.")
    full = services.event_create(
        actor=operator, centre=others[0], kind=EventKind.TALK, language="fr",
        title="Petit-déjeuner des indépendants", on=thursday, start_time=dt.time(8, 30),
        end_time=dt.time(9, 30), capacity=3,
        description="Un café, trois indépendants, trois projets : complet.")
    services.event_create(
        actor=operator, centre=others[1], kind=EventKind.TALK, language="fr",
        title="Conférence : le télétravail en Wallonie", on=tuesday + dt.timedelta(days=7),
        start_time=dt.time(17, 0), end_time=dt.time(18, 0), capacity=40,
        description="Ce que disent les études sur les centres de travail partagés.")
    attendees = chosen or pool[:4]
    for person in attendees[:5]:
        services.event_register(actor=person, event=lunch)
    for person in attendees[:3]:
        services.event_register(actor=person, event=full)
    for person in attendees[1:3]:
        services.event_register(actor=person, event=workshop)

    # Today at Namur, for the front desk (only if the demo is loaded early enough).
    now_local = timezone.now().astimezone(zone(namur.timezone))
    if now_local.date() == today and now_local.hour < 17:
        afterwork = services.event_create(
            actor=manager, centre=namur, kind=EventKind.OTHER, language="fr",
            title="Afterwork du centre", on=today, start_time=dt.time(17, 30),
            end_time=dt.time(19, 0), capacity=15, description="Un verre entre coworkers.")
        for person in attendees[:4]:
            services.event_register(actor=person, event=afterwork)
