"""A community of members: the opt-in directory, messages between members (never their
email), blocks, and events at centres with registrations (docs/community.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smartwork.community.choices import MESSAGE_MAX_LENGTH, EventKind


class MemberProfile(models.Model):
    """What a member shows in the directory. Private by default: `listed` is False
    until the member opts in, and each part is shown only if they choose so."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="community_profile")
    listed = models.BooleanField(_("show me in the members' directory"), default=False)
    centre = models.ForeignKey("network.Centre", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("my usual centre"))
    show_company = models.BooleanField(_("show my company"), default=False)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    show_skills = models.BooleanField(_("show my skills"), default=True)
    looking_for = models.CharField(_("what I am looking for"), max_length=300, blank=True)
    show_looking_for = models.BooleanField(_("show what I am looking for"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile of {self.member_id}"


class Message(models.Model):
    """One message from a member to another: read by these two only."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["sender", "created_at"], name="community_msg_sender_at")]
        constraints = [
            models.CheckConstraint(condition=~Q(sender=F("recipient")),
                                   name="community_message_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"message {self.pk}"


class Block(models.Model):
    """`blocker` receives no more messages from `blocked`."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="community_block_once"),
        ]

    def __str__(self) -> str:
        return f"block {self.blocker_id} -> {self.blocked_id}"


class Event(models.Model):
    """A talk, lunch or workshop at a centre, with a capacity and registrations; it may
    use a meeting room, then booked through the booking engine (`booking`)."""

    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT,
                               related_name="community_events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices,
                            default=EventKind.TALK)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    language = models.CharField(_("language"), max_length=2)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"))
    room = models.ForeignKey("network.Resource", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("meeting room"))
    booking = models.OneToOneField("bookings.Booking", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")),
                                   name="community_event_starts_before_end"),
            models.CheckConstraint(condition=Q(capacity__gte=1),
                                   name="community_event_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ical_uid(self) -> str:
        return f"event-{self.pk}@smartwork"


class Registration(models.Model):
    """A member's place at an event; unregistering sets `cancelled_at` (one row per
    member and event, so a member holds at most one place)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "member"],
                                    name="community_registration_once"),
        ]

    def __str__(self) -> str:
        return f"registration {self.pk}"
