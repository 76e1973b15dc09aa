"""Reads of company single sign-on."""

from __future__ import annotations

from django.utils.translation import gettext as _

from smartwork.accounts.models import Organisation, User
from smartwork.core.errors import NotFound
from smartwork.core.permissions import require
from smartwork.sso.models import CompanySso


def sso_company(*, actor: User, company_id: int) -> Organisation:
    """The company whose single sign-on the actor manages (its admin)."""
    company = Organisation.objects.filter(pk=company_id).first()
    if company is None:
        raise NotFound(_("No such organisation."))
    require(actor, "company.sso", company=company)
    return company


def sso_of(*, actor: User, company: Organisation) -> CompanySso | None:
    require(actor, "company.sso", company=company)
    return CompanySso.objects.filter(company=company).prefetch_related("domains").first()


def sso_for_email(*, email: str) -> CompanySso | None:
    """The enabled single sign-on whose domain is the email's (the login page's
    routing); None when the domain has none."""
    email = email.strip().lower()
    if "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1]
    return (CompanySso.objects.select_related("company")
            .filter(domains__domain__iexact=domain, enabled=True,
                    company__is_active=True).first())


def sso_get(*, sso_id: int) -> CompanySso | None:
    return CompanySso.objects.select_related("company", "company__network").filter(
        pk=sso_id, enabled=True).first()
