"""Mails of the wellbeing app, each in its reader's language, sent from tasks that
receive primary keys (after commit), one outbox mail per reader."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from smartwork.accounts.models import User
from smartwork.core.l10n import date_text
from smartwork.core.mail import mail_later
from smartwork.wellbeing.models import Survey


def _language(user: User) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def send_survey_invitations(*, survey_id: int) -> int:
    """One outbox mail per member of the survey's company (written in one transaction,
    each retried on its own: a mail server down half-way loses and repeats nothing)."""
    survey = Survey.objects.filter(pk=survey_id).only("company_id").first()
    if survey is None:
        return 0
    with transaction.atomic():
        ids = list(User.objects.filter(company_id=survey.company_id, is_active=True)
                   .order_by("pk").values_list("pk", flat=True))
        for user_id in ids:
            mail_later("smartwork.wellbeing.emails.survey_invitation_send",
                       survey_id=survey_id, user_id=user_id, quiet_for=user_id)
    return len(ids)


def survey_invitation_send(*, survey_id: int, user_id: int) -> None:
    survey = Survey.objects.filter(pk=survey_id).select_related("company").first()
    user = User.objects.filter(pk=user_id).first()
    if survey is None or user is None or not user.email:
        return
    base = settings.SMARTWORK["BASE_URL"].rstrip("/")
    with translation.override(_language(user)):
        url = base + reverse("wellbeing:survey_answer", args=[survey.pk])
        body = render_to_string("wellbeing/email/survey_invitation.txt", {
            "user": user, "survey": survey, "url": url,
            "closes": date_text(survey.closes_on), "company": survey.company})
        subject = _("One minute for your pulse survey: %(title)s") % {"title": survey.shown_title}
    EmailMessage(subject=subject, body=body, to=[user.email]).send()


def send_campaign_mail(*, campaign_id: int, kind: str) -> int:
    """One outbox mail per recipient of a campaign's launch or reminder."""
    from smartwork.wellbeing.models import Campaign
    from smartwork.wellbeing.training import campaign_recipients

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    with transaction.atomic():
        ids = [u.pk for u in campaign_recipients(campaign=campaign, kind=kind)]
        for user_id in ids:
            mail_later("smartwork.wellbeing.emails.campaign_mail_send",
                       campaign_id=campaign_id, kind=kind, user_id=user_id,
                       quiet_for=user_id)
    return len(ids)


def campaign_mail_send(*, campaign_id: int, kind: str, user_id: int) -> None:
    from smartwork.wellbeing.models import Campaign

    campaign = Campaign.objects.filter(pk=campaign_id).select_related("company").first()
    user = User.objects.filter(pk=user_id).first()
    if campaign is None or user is None or not user.email:
        return
    base = settings.SMARTWORK["BASE_URL"].rstrip("/")
    with translation.override(_language(user)):
        body = render_to_string("wellbeing/email/campaign.txt", {
            "user": user, "campaign": campaign, "kind": kind,
            "url": base + reverse("wellbeing:home"), "due": date_text(campaign.due_on)})
        subject = (_("Reminder: %(title)s is due on %(due)s")
                   if kind == "reminder" else _("New on smartwork: %(title)s, due on %(due)s")
                   ) % {"title": campaign.title, "due": date_text(campaign.due_on)}
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
