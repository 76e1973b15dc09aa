"""Policy versions, team days and acknowledgements are append-only, in the model
and in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from smartwork.core import testing
from smartwork.workplans.models import AppendOnlyError, PolicyAcknowledgement, PolicyVersion

pytestmark = pytest.mark.django_db


def _version() -> PolicyVersion:
    company = testing.make_organisation()
    return PolicyVersion.objects.create(company=company, number=1,
                                        effective_from=dt.date(2026, 1, 5), remote_days=2,
                                        working_days=[0, 1, 2, 3, 4], anchor_days=[1])


def test_version_refuses_edit_and_delete_in_the_model() -> None:
    version = _version()
    version.remote_days = 3
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        version.delete()
    with pytest.raises(AppendOnlyError):
        PolicyVersion.objects.filter(pk=version.pk).update(remote_days=4)


def test_database_refuses_an_update_of_a_version_and_an_acknowledgement() -> None:
    version = _version()
    user = testing.make_user(company=version.company)
    ack = PolicyAcknowledgement.objects.create(version=version, user=user, language="fr")
    for table, pk in (("workplans_policyversion", version.pk),
                      ("workplans_policyacknowledgement", ack.pk)):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [pk])
    version.refresh_from_db()
    assert version.remote_days == 2
