"""sso_login_complete with claims a provider should not send: an email too long for
the users' column or with a NUL, names with NUL characters. Refused or cleaned, the
same on SQLite and PostgreSQL (which refuses NUL and over-long text with an error)."""

from __future__ import annotations

import pytest

from smartwork.accounts.models import User
from smartwork.core.models import AuditEntry
from smartwork.sso.oidc import SsoRefused
from smartwork.sso.services import sso_configure, sso_login_complete


@pytest.fixture
def sso(company, company_admin):
    return sso_configure(actor=company_admin, company=company, issuer="https://idp.example",
                         client_id="cid", client_secret="s3cret", domains="acme.example")


@pytest.mark.parametrize("email", ["a" * 250 + "@acme.example", "a\x00b@acme.example",
                                   "@acme.example", "acme.example", ["x@acme.example"], 5])
def test_an_email_the_users_column_cannot_take_is_refused(sso, email):
    users = User.objects.count()
    with pytest.raises(SsoRefused) as refused:
        sso_login_complete(sso=sso, claims={"email": email, "sub": "s"})
    assert refused.value.code in {"no_email", "other_domain"}
    assert User.objects.count() == users


def test_names_and_subject_lose_their_nul_characters(sso):
    user = sso_login_complete(sso=sso, claims={
        "email": "new@acme.example", "sub": "s\x00" + "u" * 400,
        "given_name": "Jo\x00" + "e" * 200, "family_name": "\x00"})
    assert user.first_name == "Jo" + "e" * 98 and user.last_name == ""
    entry = AuditEntry.objects.get(action="company.sso_member_created")
    assert entry.data["subject"] == "s" + "u" * 254


@pytest.mark.django_db
def test_a_flows_state_is_used_once_within_its_age():
    """The callback claims the flow's state: once; a flow older than FLOW_MAX_AGE, one
    from the future or without its start is refused alike; claims older than
    STATE_KEEP (longer than any flow lasts) are dropped at the next claim."""
    import datetime as dt
    import hashlib

    from django.utils import timezone

    from smartwork.sso import services
    from smartwork.sso.models import SsoStateUse

    now = timezone.now()
    started = now.timestamp() - 60
    services.sso_state_claim(state="s-1", started_at=started, now=now)
    for state, at in (("s-1", started), ("s-2", now.timestamp() - 2 * 3600),
                      ("s-3", now.timestamp() + 60), ("s-4", None), ("", started)):
        with pytest.raises(SsoRefused) as refused:
            services.sso_state_claim(state=state, started_at=at, now=now)
        assert refused.value.code == "state_used" and refused.value.status == 403
    assert SsoStateUse.objects.count() == 1
    # A hash, not the state itself.
    assert SsoStateUse.objects.get().state_hash == hashlib.sha256(b"s-1").hexdigest()
    later = now + services.STATE_KEEP + dt.timedelta(minutes=1)
    services.sso_state_claim(state="s-5", started_at=later.timestamp(), now=later)
    assert SsoStateUse.objects.count() == 1
