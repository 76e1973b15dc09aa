"""Mails of the wellbeing app, each in its reader's language, sent from tasks that
receive primary keys (after commit)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.core.l10n import date_text
from smartwork.wellbeing.models import Survey


def _language(user: User) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def send_survey_invitations(*, survey_id: int) -> int:
    survey = Survey.objects.filter(pk=survey_id).select_related("company").first()
    if survey is None:
        return 0
    base = settings.SMARTWORK["BASE_URL"].rstrip("/")
    messages = []
    for user in User.objects.filter(company_id=survey.company_id, is_active=True).order_by("pk"):
        with translation.override(_language(user)):
            url = base + reverse("wellbeing:survey_answer", args=[survey.pk])
            body = render_to_string("wellbeing/email/survey_invitation.txt", {
                "user": user, "survey": survey, "url": url,
                "closes": date_text(survey.closes_on), "company": survey.company})
            subject = _("One minute for your pulse survey: %(title)s") % {"title": survey.title}
        messages.append(EmailMessage(subject=subject, body=body, to=[user.email]))
    for message in messages:
        message.send()
    return len(messages)


def send_campaign_mail(*, campaign_id: int, kind: str) -> int:
    from smartwork.wellbeing.models import Campaign
    from smartwork.wellbeing.training import campaign_recipients

    campaign = Campaign.objects.filter(pk=campaign_id).select_related("company").first()
    if campaign is None:
        return 0
    base = settings.SMARTWORK["BASE_URL"].rstrip("/")
    sent = 0
    for user in campaign_recipients(campaign=campaign, kind=kind):
        with translation.override(_language(user)):
            body = render_to_string("wellbeing/email/campaign.txt", {
                "user": user, "campaign": campaign, "kind": kind,
                "url": base + reverse("wellbeing:home"), "due": date_text(campaign.due_on)})
            subject = (_("Reminder: %(title)s is due on %(due)s")
                       if kind == "reminder" else _("New on smartwork: %(title)s, due on %(due)s")
                       ) % {"title": campaign.title, "due": date_text(campaign.due_on)}
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
        sent += 1
    return sent
