"""The equipment inventory: items per company, handed out to an employee on a date and
returned on a date, acknowledged by the employee (their typed name, signed in their
session); a leaver's items still out are listed for return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, User
from smartwork.core.audit import audit_log
from smartwork.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from smartwork.core.permissions import allowed, require
from smartwork.workplans.choices import EquipmentKind
from smartwork.workplans.models import EquipmentItem, EquipmentLoan
from smartwork.workplans.policy import ACTION


def _authenticated(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))


def equipment_item_create(*, actor: User, company: Organisation, kind: str, label: str,
                          serial: str = "") -> EquipmentItem:
    _authenticated(actor)
    require(actor, ACTION, company=company)
    errors: dict[str, list[str]] = {}
    if kind not in EquipmentKind.values:
        errors["kind"] = [_("Unknown choice.")]
    if not (label or "").strip():
        errors["label"] = [_("Required.")]
    if errors:
        raise InvalidInput(_("The item is not valid: see the fields."), code="invalid",
                           fields=errors)
    try:
        with transaction.atomic():
            item = EquipmentItem.objects.create(company=company, kind=kind,
                                                label=label.strip()[:150],
                                                serial=(serial or "").strip()[:100])
    except IntegrityError as exc:
        raise Conflict(_("An item with this serial number is in the inventory already."),
                       code="serial_taken", fields={"serial": [_("Already used.")]}) from exc
    audit_log(actor=actor, action="workplans.equipment_added", obj=item,
              data={"kind": kind, "serial": item.serial})
    return item


def equipment_hand_out(*, actor: User, item: EquipmentItem, user: User,
                       on: dt.date | None = None) -> EquipmentLoan:
    _authenticated(actor)
    require(actor, ACTION, company=item.company_id)
    if user.company_id != item.company_id or not user.is_active:
        raise InvalidInput(_("Hand items out to the company's employees only."),
                           code="not_employee", fields={"user_id": [_("Not an employee.")]})
    on = on or timezone.localdate()
    try:
        with transaction.atomic():
            EquipmentItem.objects.select_for_update().filter(pk=item.pk).first()
            if EquipmentLoan.objects.filter(item=item, returned_on__isnull=True).exists():
                raise Conflict(_("This item is out already: record its return first."),
                               code="item_out")
            loan = EquipmentLoan.objects.create(item=item, user=user, handed_out_on=on)
    except IntegrityError as exc:
        raise Conflict(_("This item is out already: record its return first."),
                       code="item_out") from exc
    audit_log(actor=actor, action="workplans.equipment_handed_out", obj=loan,
              data={"item": item.pk, "user": user.pk, "on": on.isoformat()})
    return loan


def equipment_return(*, actor: User, loan: EquipmentLoan, on: dt.date | None = None,
                     ) -> EquipmentLoan:
    _authenticated(actor)
    require(actor, ACTION, company=loan.item.company_id)
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = EquipmentLoan.objects.select_for_update().get(pk=loan.pk)
        if locked.returned_on is not None:
            return locked
        if on < locked.handed_out_on:
            raise InvalidInput(_("An item is returned after it was handed out."),
                               code="invalid", fields={"returned_on": [_("Too early.")]})
        locked.returned_on = on
        locked.save(update_fields=["returned_on"])
        audit_log(actor=actor, action="workplans.equipment_returned", obj=locked,
                  data={"item": locked.item_id, "on": on.isoformat()})
    return locked


def equipment_acknowledge(*, actor: User, loan: EquipmentLoan, name: str) -> EquipmentLoan:
    """The employee signs for an item they hold: their full name, typed; once."""
    _authenticated(actor)
    if loan.user_id != actor.pk:
        raise NotFound(_("No such item."), code="not_found")
    name = (name or "").strip()
    if len(name) < 2:
        raise InvalidInput(_("Type your full name to sign."), code="invalid",
                           fields={"name": [_("Required.")]})
    with transaction.atomic():
        locked = EquipmentLoan.objects.select_for_update().get(pk=loan.pk)
        if locked.acknowledged_at is not None:
            return locked
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_name = name[:200]
        locked.save(update_fields=["acknowledged_at", "acknowledged_name"])
        audit_log(actor=actor, action="workplans.equipment_acknowledged", obj=locked,
                  data={"item": locked.item_id})
    return locked


def equipment_inventory(*, actor: User, company: Organisation) -> list[dict[str, Any]]:
    _authenticated(actor)
    require(actor, ACTION, company=company)
    open_loans = {loan.item_id: loan for loan in EquipmentLoan.objects.filter(
        item__company=company, returned_on__isnull=True).select_related("user")}
    return [{"item": item, "loan": open_loans.get(item.pk)}
            for item in EquipmentItem.objects.filter(company=company)]


def equipment_of_leavers(*, actor: User, company: Organisation) -> list[EquipmentLoan]:
    """Items still out with people marked as leaving (deactivated by
    `accounts.services.staff_deactivate`): what they must return."""
    _authenticated(actor)
    require(actor, ACTION, company=company)
    return list(EquipmentLoan.objects.filter(item__company=company, returned_on__isnull=True,
                                             user__is_active=False)
                .select_related("item", "user").order_by("user__last_name", "item__label"))


def my_equipment(*, actor: User) -> list[EquipmentLoan]:
    _authenticated(actor)
    return list(EquipmentLoan.objects.filter(user=actor).select_related("item")
                .order_by("returned_on", "-handed_out_on"))


def loan_get(*, actor: User, pk: int) -> EquipmentLoan:
    """A loan its holder or the company's equipment managers may see; to anyone else it
    does not exist (the same 404 as a missing id: no one learns which loans exist)."""
    _authenticated(actor)
    loan = EquipmentLoan.objects.select_related("item", "user").filter(pk=pk).first()
    if loan is None or (loan.user_id != actor.pk
                        and not allowed(actor, ACTION, company=loan.item.company_id)):
        raise NotFound(_("No such item."), code="not_found")
    return loan


def item_get(*, actor: User, pk: int) -> EquipmentItem:
    _authenticated(actor)
    item = EquipmentItem.objects.filter(pk=pk).first()
    if item is None:
        raise NotFound(_("No such item."), code="not_found")
    require(actor, ACTION, company=item.company_id)
    return item


def user_of_company(*, company_id: int, pk: int) -> User:
    user = User.objects.filter(pk=pk, company_id=company_id).first()
    if user is None:
        raise NotFound(_("No such employee."), code="not_found")
    return user
