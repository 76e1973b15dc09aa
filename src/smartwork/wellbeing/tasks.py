"""Tasks: mails after commit, and the periodic jobs (idempotent: a unique constraint or
a conditional UPDATE decides which run acts, so two runs at once do no harm)."""

from __future__ import annotations

from django.tasks import task

from smartwork.core import periodic


@task()
def survey_invitation_mail(survey_id: int) -> int:
    from smartwork.wellbeing.emails import send_survey_invitations

    return send_survey_invitations(survey_id=survey_id)


@task()
def campaign_mail(campaign_id: int, kind: str) -> int:
    from smartwork.wellbeing.emails import send_campaign_mail

    return send_campaign_mail(campaign_id=campaign_id, kind=kind)


@task()
def campaign_mails() -> dict[str, int]:
    from smartwork.wellbeing.training import campaigns_send_mails

    return campaigns_send_mails()


@task()
def open_and_mail_surveys() -> dict[str, int]:
    from smartwork.wellbeing import services

    opened = services.surveys_open_scheduled()
    mailed = services.surveys_send_invitations()
    return {"opened": opened, "mailed": mailed}


periodic.register(open_and_mail_surveys, every_seconds=600, name="wellbeing.surveys")
periodic.register(campaign_mails, every_seconds=900, name="wellbeing.campaigns")
