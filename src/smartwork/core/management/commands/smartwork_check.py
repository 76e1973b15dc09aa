"""`smartwork check`: configuration and database checks, one OK/WARN/FAIL line each.

Exits non-zero when any check fails. `smartwork serve` runs the same checks
before it starts. Django's own `check` stays available as `smartwork manage check`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks as django_checks
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string

OK, WARN, FAIL = "OK", "WARN", "FAIL"
DEMO_KEY_PREFIX = "insecure-demo-key"


@dataclass(frozen=True)
class CheckResult:
    status: str
    name: str
    detail: str


def check_debug() -> CheckResult:
    if settings.DEBUG:
        return CheckResult(WARN, "debug", "DEBUG is on: fine for the demo, never in production")
    return CheckResult(OK, "debug", "DEBUG is off")


def check_secret_key() -> CheckResult:
    key = str(settings.SECRET_KEY)
    if settings.DEBUG:
        return CheckResult(OK, "secret key", "DEBUG is on: a throw-away key is accepted")
    problems = []
    if len(key) < 50:
        problems.append(f"only {len(key)} characters (50 or more needed)")
    if len(set(key)) < 5:
        problems.append("fewer than 5 distinct characters")
    if key.startswith(("django-insecure", DEMO_KEY_PREFIX)):
        problems.append("a known insecure key")
    if problems:
        return CheckResult(FAIL, "secret key", "; ".join(problems)
                           + " — set SECRET_KEY to 50+ random characters")
    return CheckResult(OK, "secret key", f"{len(key)} characters")


def check_allowed_hosts() -> CheckResult:
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts:
        return CheckResult(FAIL, "allowed hosts", "ALLOWED_HOSTS is empty: set it to the site's "
                                                  "host names (comma-separated)")
    if "*" in hosts and not settings.DEBUG:
        return CheckResult(FAIL, "allowed hosts", "'*' accepts any Host header: name the hosts")
    return CheckResult(OK, "allowed hosts", ", ".join(hosts))


def check_database() -> CheckResult:
    try:
        connection.ensure_connection()
    except Exception as exc:
        return CheckResult(FAIL, "database", f"cannot connect: {exc}")
    name = connection.settings_dict.get("NAME")
    return CheckResult(OK, "database", f"{connection.vendor} {name}")


def check_migrations() -> CheckResult:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return CheckResult(FAIL, "migrations", f"cannot read the migration state: {exc}")
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        more = f" and {len(plan) - 5} more" if len(plan) > 5 else ""
        return CheckResult(FAIL, "migrations", f"{len(plan)} unapplied ({names}{more}): "
                                               "run `smartwork manage migrate`")
    return CheckResult(OK, "migrations", "all applied")


def check_btree_gist() -> CheckResult | None:
    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT installed_version FROM pg_available_extensions WHERE name = 'btree_gist'"
            )
            row = cursor.fetchone()
    except Exception as exc:
        return CheckResult(FAIL, "btree_gist", f"cannot ask PostgreSQL: {exc}")
    if row is None:
        return CheckResult(FAIL, "btree_gist", "extension not available: install the "
                                               "PostgreSQL contrib package")
    if row[0] is None:
        return CheckResult(OK, "btree_gist", "available (the migrations create it)")
    return CheckResult(OK, "btree_gist", f"installed, version {row[0]}")


def check_weasyprint() -> CheckResult:
    # Importing WeasyPrint parses its default style sheets and logs each step.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    try:
        module = importlib.import_module("weasyprint")
    except Exception as exc:  # OSError when Pango is missing
        return CheckResult(FAIL, "weasyprint", f"cannot import ({exc}): PDF invoices need it "
                                               "(and the Pango library)")
    return CheckResult(OK, "weasyprint", f"version {getattr(module, '__version__', '?')}")


def check_email() -> CheckResult:
    mailers: dict[str, Any] = getattr(settings, "MAILERS", {}) or {}
    default = mailers.get("default")
    if not default:
        return CheckResult(FAIL, "email", "MAILERS has no 'default' mailer")
    backend = str(default.get("BACKEND", ""))
    try:
        import_string(backend)
    except ImportError as exc:
        return CheckResult(FAIL, "email", f"backend {backend!r} cannot be imported: {exc}")
    _name, address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))
    try:
        validate_email(address)
    except ValidationError:
        return CheckResult(FAIL, "email", f"DEFAULT_FROM_EMAIL {settings.DEFAULT_FROM_EMAIL!r} "
                                          "has no valid address")
    if backend.endswith("smtp.EmailBackend"):
        options = default.get("OPTIONS", {})
        if not options.get("host"):
            return CheckResult(FAIL, "email", "SMTP backend without EMAIL_HOST")
        return CheckResult(OK, "email", f"SMTP {options['host']}:{options.get('port')}, "
                                        f"from {address}")
    if backend.endswith("console.EmailBackend") and not settings.DEBUG:
        return CheckResult(WARN, "email", "mails are printed to the console, not sent: set "
                                          "EMAIL_BACKEND / EMAIL_HOST")
    return CheckResult(OK, "email", f"{backend.rsplit('.', 2)[-2]} backend, from {address}")


def check_static_files() -> CheckResult | None:
    from django.contrib.staticfiles.storage import staticfiles_storage

    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest is None:
        return None
    path = Path(settings.STATIC_ROOT) / manifest
    if not path.exists():
        return CheckResult(FAIL, "static files", f"{path} is missing: run "
                                                 "`smartwork manage collectstatic --noinput`")
    return CheckResult(OK, "static files", f"collected in {settings.STATIC_ROOT}")


def check_django_system() -> list[CheckResult]:
    """Django's system checks, with the deployment checks when DEBUG is off."""
    messages = django_checks.run_checks(include_deployment_checks=not settings.DEBUG)
    results = []
    for message in messages:
        if message.is_silenced():
            continue
        status = FAIL if message.level >= django_checks.ERROR else WARN
        if message.level < django_checks.WARNING:
            continue
        results.append(CheckResult(status, f"django {message.id}", str(message.msg)))
    if not results:
        scope = "system checks" + ("" if settings.DEBUG else " with --deploy")
        results.append(CheckResult(OK, "django", f"{scope}: no issues"))
    return results


def check_mail_outbox() -> CheckResult | None:
    """Mails that failed for good (core/mail.py): WARN, with where to look."""
    from smartwork.core.mail import mail_outbox_counts

    try:
        counts = mail_outbox_counts()
    except Exception:
        return None  # no database or no task table yet: reported by the checks above
    detail = f"{counts['failed']} failed for good, {counts['waiting']} waiting"
    if counts["failed"]:
        return CheckResult(WARN, "mail outbox", detail + ": GET /api/v1/mail/outbox, or the "
                                                         "admin's task results")
    return CheckResult(OK, "mail outbox", detail)


CHECKS: list[Callable[[], CheckResult | list[CheckResult] | None]] = [
    check_debug, check_secret_key, check_allowed_hosts, check_database, check_migrations,
    check_btree_gist, check_weasyprint, check_email, check_static_files, check_django_system,
    check_mail_outbox,
]


def run_checks() -> list[CheckResult]:
    results: list[CheckResult] = []
    for check in CHECKS:
        outcome = check()
        if outcome is None:
            continue
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results


def report(command: BaseCommand, results: list[CheckResult]) -> int:
    """Write one line per result; return the number of failures."""
    for result in results:
        style = {OK: command.style.SUCCESS, WARN: command.style.WARNING,
                 FAIL: command.style.ERROR}[result.status]
        command.stdout.write(f"{style(result.status.ljust(4))}  {result.name}: {result.detail}")
    return sum(1 for r in results if r.status == FAIL)


class Command(BaseCommand):
    help = "Check the configuration and the database (OK/WARN/FAIL); non-zero exit on failure."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        failures = report(self, run_checks())
        if failures:
            raise CommandError(f"{failures} check(s) failed.")
        self.stdout.write("All checks passed.")
