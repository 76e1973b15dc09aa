"""The legal library: entries the network's operator curates per language, each with
its official source and a "checked on" date; entries past their review date are
flagged to the operator. Companies and their staff read their network's entries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.core.audit import audit_log
from smartwork.core.errors import InvalidInput, NotFound
from smartwork.core.permissions import require, roles_of
from smartwork.wellbeing.choices import LegalTopic
from smartwork.wellbeing.models import LegalEntry

DATA = Path(__file__).resolve().parent / "data" / "legal.json"
FIELDS = ("language", "topic", "title", "summary", "source_title", "source_issuer",
          "source_date", "source_url", "checked_on", "review_by")


def legal_validate(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, list[str]] = {}
    clean = dict(data)
    for name in ("title", "summary"):
        if not str(data.get(name) or "").strip():
            fields[name] = [_("Required.")]
    for name in ("source_title", "source_issuer"):
        if not str(data.get(name) or "").strip():
            fields[name] = [_("Every entry cites its official source: required.")]
    url = str(data.get("source_url") or "")
    if not url.startswith("https://") and not url.startswith("http://"):
        fields["source_url"] = [_("Give the link to the official source (https://…).")]
    for name in ("source_date", "checked_on", "review_by"):
        value = data.get(name)
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            fields[name] = [_("Give a date.")]
        clean[name] = value
    if data.get("language") not in ("en", "fr", "nl", "de"):
        fields["language"] = [_("Choose English, French, Dutch or German.")]
    if data.get("topic") not in LegalTopic.values:
        fields["topic"] = [_("Unknown topic.")]
    checked, review = clean.get("checked_on"), clean.get("review_by")
    if isinstance(checked, dt.date) and isinstance(review, dt.date) and review < checked:
        fields["review_by"] = [_("The review date comes after the check.")]
    if fields:
        source = [f for f in ("source_title", "source_issuer", "source_url") if f in fields]
        message = (_("A legal entry needs its official source: title, issuer, date and link.")
                   if source else next(iter(fields.values()))[0])
        raise InvalidInput(message, code="invalid_legal_entry", fields=fields)
    return {k: clean.get(k) for k in FIELDS}


def legal_entry_create(*, actor: User, network: Any, **data: Any) -> LegalEntry:
    require(actor, "wellbeing.library", network=network)
    clean = legal_validate(data)
    entry = LegalEntry.objects.create(network=network, **clean)
    audit_log(actor=actor, action="wellbeing.legal_created", obj=entry,
              data={"language": entry.language, "source": entry.source_title},
              network_id=network.pk)
    return entry


def legal_entry_update(*, actor: User, entry: LegalEntry, **data: Any) -> LegalEntry:
    require(actor, "wellbeing.library", network=entry.network_id)
    current = {k: getattr(entry, k) for k in FIELDS}
    clean = legal_validate({**current, **{k: v for k, v in data.items() if k in FIELDS}})
    for k, v in clean.items():
        setattr(entry, k, v)
    entry.save()
    audit_log(actor=actor, action="wellbeing.legal_updated", obj=entry,
              data={"checked_on": str(entry.checked_on), "review_by": str(entry.review_by)},
              network_id=entry.network_id)
    return entry


def legal_entry_get(*, actor: User, entry_id: int) -> LegalEntry:
    entry = LegalEntry.objects.filter(pk=entry_id).first()
    if entry is None or entry.network_id not in _readable_networks(actor):
        raise NotFound(_("No such legal entry."))
    return entry


def _readable_networks(actor: User) -> set[int]:
    roles = roles_of(actor)
    if roles.superuser:
        return set(LegalEntry.objects.values_list("network_id", flat=True))
    ids = set(roles.operator_networks)
    if actor.company_id is not None and actor.company is not None \
            and actor.company.network_id is not None:
        ids.add(actor.company.network_id)
    if getattr(actor, "network_id", None):
        ids.add(actor.network_id)  # type: ignore[arg-type]
    return ids


def legal_list(*, actor: User, language: str | None = None,
               network_id: int | None = None, today: dt.date | None = None,
               ) -> list[dict[str, Any]]:
    """The entries of the networks the actor belongs to (staff of a customer company,
    a member of the network, its operator), in a language; with the review flag."""
    if not getattr(actor, "is_authenticated", False):
        from smartwork.core.errors import NotAuthenticated

        raise NotAuthenticated(_("Log in first."))
    today = today or timezone.localdate()
    networks = _readable_networks(actor)
    if network_id is not None:
        networks &= {network_id}
    qs = LegalEntry.objects.filter(network_id__in=networks)
    if language:
        qs = qs.filter(language=language)
    return [{"entry": e, "overdue": e.review_by < today} for e in qs]


def legal_overdue(*, actor: User, network: Any, today: dt.date | None = None) -> list[LegalEntry]:
    require(actor, "wellbeing.library", network=network)
    today = today or timezone.localdate()
    return list(LegalEntry.objects.filter(network=network, review_by__lt=today))


def legal_seed(*, actor: User, network: Any, today: dt.date | None = None) -> int:
    """Load the verified seed entries (data/legal.json, three languages)."""
    require(actor, "wellbeing.library", network=network)
    today = today or timezone.localdate()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    have = set(LegalEntry.objects.filter(network=network).values_list("title", flat=True))
    created = 0
    with transaction.atomic():
        for spec in data["entries"]:
            checked = today - dt.timedelta(days=30 * spec.get("checked_months_ago", 0))
            for language in ("fr", "nl", "en"):
                if spec["title"][language] in have:
                    continue
                legal_entry_create(
                    actor=actor, network=network, language=language, topic=spec["topic"],
                    title=spec["title"][language], summary=spec["summary"][language],
                    source_title=spec["source_title"][language],
                    source_issuer=spec["source_issuer"],
                    source_date=dt.date.fromisoformat(spec["source_date"]),
                    source_url=spec["source_url"], checked_on=checked,
                    review_by=checked + dt.timedelta(days=30 * spec["review_months"]))
                created += 1
    return created
