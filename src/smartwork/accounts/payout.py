"""Who changes the payout data (IBAN, BIC) of a centre operator, deliberately.

Settlements and SEPA payouts pay the centre operator's account, so a change is made
in two steps by two people of two organisations: a manager of one of the operator's
own centres proposes it (`payout_change_propose`), an operator of a network the
centre operator works with approves (`payout_change_approve`) or rejects it. Each step
is audited for every network concerned, and the centre operator is told by mail (at
its address, the one on record before the change) after commit."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.choices import OrganisationKind, PayoutChangeState
from smartwork.accounts.models import Organisation, PayoutChange, User
from smartwork.accounts.scopes import organisation_network_ids
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput, NotFound
from smartwork.core.permissions import require, roles_of, scope


def _centres_of(organisation: Organisation) -> list[int]:
    return list(organisation.operated_centres.values_list("pk", flat=True))


def _clean(iban: str, bic: str) -> tuple[str, str]:
    from schwifty import BIC, IBAN
    from schwifty.exceptions import SchwiftyException

    errors: dict[str, list[str]] = {}
    try:
        iban = IBAN(iban).compact
    except SchwiftyException as exc:
        errors["iban"] = [str(exc)]
    if bic:
        try:
            bic = BIC(bic).compact
        except SchwiftyException as exc:
            errors["bic"] = [str(exc)]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    return iban, bic


def _mail_later(change_id: int, kind: str) -> None:
    from smartwork.accounts.tasks import payout_change_mail

    transaction.on_commit(lambda: payout_change_mail.enqueue(change_id=change_id, kind=kind))


def payout_change_propose(*, actor: User, organisation: Organisation, iban: str,
                          bic: str = "") -> PayoutChange:
    """A manager of one of the centre operator's centres proposes new payout data."""
    if organisation.kind != OrganisationKind.CENTRE_OPERATOR:
        raise InvalidInput(_("Only a centre operator's payout data is changed this way."),
                           code="not_a_centre_operator")
    require(actor, "payout.propose", target=scope(centres=_centres_of(organisation)))
    iban, bic = _clean(iban, bic)
    try:
        with transaction.atomic():
            change = PayoutChange.objects.create(
                organisation=organisation, iban=iban, bic=bic, proposed_by=actor,
                previous_iban=organisation.iban, previous_bic=organisation.bic)
            audit_log(actor=actor, action="payout_change.proposed", obj=organisation,
                      data={"change": change.pk, "iban": iban, "bic": bic},
                      network_ids=organisation_network_ids(organisation))
            _mail_later(change.pk, "proposed")
    except IntegrityError as exc:
        raise Conflict(_("A change of this organisation's bank account is already waiting "
                         "for approval."), code="payout_change_open") from exc
    return change


def _decide(*, actor: User, change: PayoutChange, approve: bool, reason: str) -> PayoutChange:
    require(actor, "payout.approve", target=change.organisation)
    with transaction.atomic():
        locked = PayoutChange.objects.select_for_update().get(pk=change.pk)
        if locked.state != PayoutChangeState.PROPOSED:
            raise Conflict(_("This change was decided already."), code="payout_change_decided")
        if locked.proposed_by_id == actor.pk:
            raise Conflict(_("The person who proposed a change cannot approve it."),
                           code="payout_change_four_eyes")
        org = Organisation.objects.select_for_update().get(pk=locked.organisation_id)
        locked.state = PayoutChangeState.APPROVED if approve else PayoutChangeState.REJECTED
        locked.decided_by, locked.decided_at, locked.reason = actor, timezone.now(), reason
        locked.save()
        if approve:
            org.iban, org.bic = locked.iban, locked.bic
            org.save(update_fields=["iban", "bic", "updated_at"])
        audit_log(actor=actor, action=f"payout_change.{locked.state}", obj=org,
                  data={"change": locked.pk, "iban": locked.iban, "bic": locked.bic,
                        "previous_iban": locked.previous_iban, "reason": reason},
                  network_ids=organisation_network_ids(org))
        _mail_later(locked.pk, str(locked.state))
    return locked


def payout_change_approve(*, actor: User, change: PayoutChange) -> PayoutChange:
    return _decide(actor=actor, change=change, approve=True, reason="")


def payout_change_reject(*, actor: User, change: PayoutChange, reason: str = "") -> PayoutChange:
    return _decide(actor=actor, change=change, approve=False, reason=reason)


def payout_change_list(*, actor: User) -> QuerySet[PayoutChange]:
    """The proposals an operator may decide (their networks' centre operators) and
    those of the centre operators whose centres the actor manages."""
    roles = roles_of(actor)
    qs = PayoutChange.objects.select_related("organisation", "proposed_by", "decided_by")
    if roles.superuser:
        return qs
    if not (roles.operator_networks or roles.manager_centres):
        from smartwork.core.errors import Forbidden

        raise Forbidden(_("Your role does not allow this here."))
    nets = roles.operator_networks
    return qs.filter(
        Q(organisation__networks__id__in=nets)
        | Q(organisation__operated_centres__network_id__in=nets)
        | Q(organisation__operated_centres__id__in=roles.manager_centres)
    ).distinct()


def payout_change_get(*, actor: User, change_id: int) -> PayoutChange:
    change = payout_change_list(actor=actor).filter(pk=change_id).first()
    if change is None:
        raise NotFound(_("No such change."))
    return change


def payout_change_mail_send(*, change_id: int, kind: str) -> None:
    """The mail to the centre operator (its address on record) about a step."""
    from django.core.mail import EmailMessage
    from django.utils import translation

    change = PayoutChange.objects.select_related("organisation").filter(pk=change_id).first()
    if change is None or not change.organisation.email:
        return
    org = change.organisation
    with translation.override(org.language or "fr"):
        subjects: dict[str, Any] = {
            "proposed": _("Change of your bank account proposed"),
            "approved": _("Your bank account was changed"),
            "rejected": _("Change of your bank account rejected"),
        }
        body = _(
            "%(org)s: a change of the account that receives your payouts from the network "
            "(IBAN %(iban)s, BIC %(bic)s) is %(state)s. Previous account: %(previous)s. "
            "If you did not expect this, contact your network's operator at once."
        ) % {"org": org.legal_name, "iban": change.iban, "bic": change.bic or "-",
             "state": change.get_state_display().lower(),
             "previous": change.previous_iban or "-"}
        EmailMessage(subject=str(subjects.get(kind, subjects["proposed"])), body=body,
                     to=[org.email]).send()


def payout_organisation_get(*, actor: User, organisation_id: int) -> Organisation:
    """A centre operator whose payout data the actor may propose or decide on; any
    other organisation answers 404 (out of scope)."""
    roles = roles_of(actor)
    qs = Organisation.objects.filter(pk=organisation_id, kind=OrganisationKind.CENTRE_OPERATOR)
    if not roles.superuser:
        nets = roles.operator_networks
        qs = qs.filter(Q(operated_centres__id__in=roles.manager_centres)
                       | Q(networks__id__in=nets)
                       | Q(operated_centres__network_id__in=nets)).distinct()
    org = qs.first()
    if org is None:
        raise NotFound(_("No such organisation."))
    return org
