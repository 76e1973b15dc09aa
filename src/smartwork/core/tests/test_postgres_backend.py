"""The PostgreSQL backend's health check (core/postgres/base.py): skipped on a
connection that ended a request cleanly less than a second ago, done otherwise."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.db import connection, connections

from smartwork.core.postgres import base

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend"),
]


@pytest.fixture
def db_conn():
    return connections["default"]  # the wrapper itself, not the thread-local proxy


@pytest.fixture
def checks(db_conn):
    connection = db_conn
    connection.ensure_connection()
    saved = (connection.health_check_enabled, connection.health_check_done,
             connection._clean_at)
    connection.health_check_enabled, connection.health_check_done = True, False
    with mock.patch.object(type(connection), "is_usable", autospec=True,
                           return_value=True) as is_usable:
        yield is_usable
    (connection.health_check_enabled, connection.health_check_done,
     connection._clean_at) = saved


def test_the_settings_use_this_backend(db_conn):
    assert isinstance(db_conn, base.DatabaseWrapper)


def test_a_connection_just_used_cleanly_is_not_checked(checks, db_conn):
    connection = db_conn
    connection._clean_at = time.monotonic()
    connection.close_if_health_check_failed()
    assert checks.call_count == 0 and connection.health_check_done


def test_an_idle_connection_is_checked(checks, db_conn):
    connection = db_conn
    connection._clean_at = time.monotonic() - base.HEALTH_CHECK_AFTER_IDLE - 1
    connection.close_if_health_check_failed()
    assert checks.call_count == 1


def test_a_connection_whose_last_request_failed_is_checked(checks, db_conn):
    connection = db_conn
    connection._clean_at = None  # what close_if_unusable_or_obsolete leaves after an error
    connection.close_if_health_check_failed()
    assert checks.call_count == 1


def test_the_end_of_a_request_records_a_clean_end_only_without_errors(db_conn):
    connection = db_conn
    connection.ensure_connection()
    # Django's own end-of-request step is left out: inside a test's transaction it would
    # close the connection (autocommit is off).
    with mock.patch.object(base.base.DatabaseWrapper, "close_if_unusable_or_obsolete"):
        connection.errors_occurred = True
        connection.close_if_unusable_or_obsolete()
        assert connection._clean_at is None
        connection.errors_occurred = False
        connection.close_if_unusable_or_obsolete()
        assert connection._clean_at is not None
    connection._clean_at = None
