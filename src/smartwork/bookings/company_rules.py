"""What a booking asks of the member's company, declared here and implemented by the
apps that decide (docs/architecture.md: the arrows run one way).

- The **payer** (one): who pays for a booking and how (company credit and its policy,
  a membership, pay-as-you-go). `smartwork.credits` implements it
  (`credits.payment.CreditPayer`) and registers it in `CreditsConfig.ready`.
- The **rules** (any number): a company's rules on where and when its employees book,
  checked inside the booking's transaction after the row is written and, for desks
  and offices, under the member's lock (bookings/services.py `_insert`). A rule
  raises a `DomainError` to refuse the booking (the transaction rolls back: nothing
  stays), or returns `payment.ApprovalRequired` to send it to the approval step
  (bookings/approvals.py). `smartwork.workplans` registers the smart-working policy.

`bookings` imports neither app: they import these types and register at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from smartwork.bookings.models import Booking
    from smartwork.bookings.payment import ApprovalRequired


class Payer(Protocol):
    """How bookings are paid for; every method runs inside the booking's transaction."""

    def plan(self, *, booking: Booking, kind: str) -> Any:
        """A payment plan for the unsaved booking (with `apply(booking)`), or None when
        only `take` can tell after the write. Raises for a company rule it enforces."""

    def take_planned(self, *, booking: Booking, plan: Any, actor: Any, rows: list[Any]) -> bool:
        """Write the planned payment with `rows` (audit entry, mail task); False: the
        plan no longer holds and nothing was written."""

    def take(self, *, booking: Booking, actor: Any) -> None:
        """Pay for the just-written booking; may raise `ApprovalRequired`."""

    def take_approved(self, *, booking: Booking, actor: Any) -> None:
        """Pay for a booking the company approved."""

    def release(self, *, booking: Booking, actor: Any, refund: bool) -> None:
        """A cancellation or a move: give back what was taken (when `refund`)."""

    def no_show(self, *, booking: Booking) -> None:
        """A no-show: what was taken stays taken."""

    def lock(self, *, member: Any, centre: Any, days: list[Any],
             bookings: list[Booking] | None = None) -> None:
        """Before a transaction pays for several bookings (a move, a series): lock at
        once every account it may touch, in one order (credits/locks.py)."""


class BookingRule(Protocol):
    """A company rule on the member's bookings."""

    code: str

    def check(self, *, booking: Booking, kind: str, actor: Any) -> ApprovalRequired | None:
        """Inside the booking's transaction, after its row is written (desks and
        offices: under the member's lock). Raise a DomainError to refuse; return an
        ApprovalRequired to send the booking for the company's approval; None: allowed.
        It must cost next to nothing when the member's company has no such rule."""


_payer: list[Payer] = []
_rules: list[BookingRule] = []


def register_payer(payer: Payer) -> None:
    """The one payer (the last registered wins: tests may swap it)."""
    _payer[:] = [payer]


def payer() -> Payer:
    if not _payer:
        raise ImproperlyConfigured("No booking payer is registered (is smartwork.credits "
                                   "in INSTALLED_APPS?)")
    return _payer[0]


def register_rule(rule: BookingRule) -> None:
    """Add a rule once (by its code): `ready()` may run more than once in tests."""
    _rules[:] = [r for r in _rules if r.code != rule.code] + [rule]


def rules() -> list[BookingRule]:
    return _rules


def check_rules(*, booking: Booking, kind: str, actor: Any) -> ApprovalRequired | None:
    """Every registered rule; the first that asks for approval is returned (a refusal
    raises at once)."""
    approval = None
    for rule in _rules:
        wanted = rule.check(booking=booking, kind=kind, actor=actor)
        if wanted is not None and approval is None:
            approval = wanted
    return approval
