"""Costs of a centre, kept as an append-only history.

A `CostItem` is one cost of a centre (its rent, its receptionist, a regional
subsidy); its amounts are `CostVersion` rows, never edited nor deleted: a change
of amount, basis or end date is a new version, effective from a month. The
version in force in a month is the latest one (by effective month, then by id)
starting on or before it; it counts for the month unless it ended before.
The model refuses updates and deletes, and so does a database trigger
(migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartwork.core.errors import Conflict
from smartwork.economics.choices import CostBasis, CostKind


class CostItem(models.Model):
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT,
                               related_name="cost_items")
    kind = models.CharField(_("kind"), max_length=12, choices=CostKind.choices)
    label = models.CharField(_("label"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["centre_id", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.kind})"


class CostVersion(models.Model):
    item = models.ForeignKey(CostItem, on_delete=models.PROTECT, related_name="versions")
    basis = models.CharField(_("basis"), max_length=10, choices=CostBasis.choices)
    # Per month (fixed) or per desk and month; a subsidy's amount is positive too and
    # is subtracted.
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # The first day of the first month it applies to.
    starts_on = models.DateField(_("from"))
    # The last day of the last month it applies to (a subsidy's end), or open.
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="cost_amount_not_negative"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="cost_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.amount} {self.basis} from {self.starts_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise Conflict(str(_("A cost version is never changed: add a new version.")),
                           code="cost_version_immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise Conflict(str(_("A cost version is never deleted: add a new version.")),
                       code="cost_version_immutable")
