"""The mail that brings a member's message: in the recipient's language, with the
sender's name, the text and a link to reply through smartwork. No address of the
sender appears in it (From is smartwork's, no Reply-To)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from smartwork.community.models import Message


def message_mail_send(*, message_id: int) -> None:
    message = Message.objects.select_related("sender", "recipient").filter(pk=message_id).first()
    if message is None or not message.recipient.email or not message.recipient.is_active:
        return
    recipient = message.recipient
    base = settings.SMARTWORK["BASE_URL"].rstrip("/")
    sender_name = message.sender.get_full_name() or message.sender.get_short_name()
    if "@" in sender_name:  # a member with no name: never their address
        sender_name = _("A member")
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        url = base + reverse("community:message", args=[message.pk])
        body = render_to_string("community/email/message.txt", {
            "recipient": recipient, "sender": sender_name, "body": message.body, "url": url,
            "block_url": url})
        subject = _("%(name)s wrote to you on smartwork") % {"name": sender_name}
    EmailMessage(subject=subject, body=body, to=[recipient.email]).send()
