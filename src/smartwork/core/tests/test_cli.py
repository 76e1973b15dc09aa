"""The `smartwork` command: check, settings safety, deploy checks, worker and scheduler."""

from __future__ import annotations

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.tasks import task
from django.test import override_settings

from smartwork.config.cli import main as cli_main
from smartwork.core import periodic
from smartwork.core.management.commands import smartwork_check
from smartwork.core.management.commands.demo import granian_command, sqlite_files
from smartwork.core.management.commands.worker import import_task_modules, run_due_jobs

STRONG_KEY = "k" + secrets.token_urlsafe(60)
SMTP = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "OPTIONS": {"host": "mail.smartwork.example", "port": 587, "use_tls": True}}}
PRODUCTION = {"DEBUG": False, "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": ["smartwork.example"],
              "MAILERS": SMTP}


@pytest.fixture(autouse=True)
def _no_async_unsafe_override(monkeypatch):
    # The browser tests of the same worker set it; `check --deploy` rightly refuses it.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def run_check() -> tuple[str, Exception | None]:
    out = io.StringIO()
    try:
        call_command("smartwork_check", stdout=out, no_color=True)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def lines_with(output: str, status: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(status)]


@pytest.mark.django_db
class TestSmartworkCheck:
    def test_passes_on_the_migrated_test_database_with_production_settings(self):
        with override_settings(**PRODUCTION):
            output, error = run_check()
        assert error is None, output
        assert lines_with(output, "FAIL") == []
        for name in ("secret key", "allowed hosts", "database", "migrations", "weasyprint",
                     "email"):
            assert any(f"  {name}:" in line for line in lines_with(output, "OK")), (name, output)
        assert "All checks passed." in output

    @pytest.mark.parametrize("key", ["short", "x" * 60, "django-insecure-" + "a1b2c3d4" * 6])
    def test_a_weak_secret_key_fails_when_debug_is_off(self, key):
        with override_settings(**{**PRODUCTION, "SECRET_KEY": key}):
            output, error = run_check()
        assert isinstance(error, CommandError)
        assert any("secret key" in line for line in lines_with(output, "FAIL")), output

    @pytest.mark.parametrize("hosts", [[], ["*"]])
    def test_missing_or_wildcard_allowed_hosts_fail_in_production(self, hosts):
        with override_settings(**{**PRODUCTION, "ALLOWED_HOSTS": hosts}):
            output, error = run_check()
        assert error is not None
        assert any("allowed hosts" in line for line in lines_with(output, "FAIL")), output

    def test_a_development_mail_backend_fails_in_production(self):
        console = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
        with override_settings(**{**PRODUCTION, "MAILERS": console}):
            output, error = run_check()
        assert error is not None
        assert lines_with(output, "FAIL"), output

    def test_debug_accepts_the_demo_key_but_warns(self):
        with override_settings(DEBUG=True, SECRET_KEY="insecure-demo-key", ALLOWED_HOSTS=["*"]):
            output, error = run_check()
        assert error is None, output
        assert any("debug" in line for line in lines_with(output, "WARN"))

    def test_unapplied_migrations_fail(self, monkeypatch):
        class Plan:
            def __init__(self, connection):
                self.loader = type("L", (), {"graph": type("G", (), {
                    "leaf_nodes": staticmethod(lambda: [])})()})()

            def migration_plan(self, targets):
                migration = type("M", (), {"app_label": "bookings", "name": "0099_new"})()
                return [(migration, False)]

        monkeypatch.setattr(smartwork_check, "MigrationExecutor", Plan)
        with override_settings(**PRODUCTION):
            output, error = run_check()
        assert error is not None
        assert any("bookings.0099_new" in line for line in lines_with(output, "FAIL")), output

    def test_an_smtp_mailer_without_host_fails(self):
        mailers = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                               "OPTIONS": {"host": ""}}}
        with override_settings(**{**PRODUCTION, "MAILERS": mailers}):
            output, error = run_check()
        assert error is not None
        assert any("email" in line for line in lines_with(output, "FAIL")), output

    def test_btree_gist_is_checked_on_postgresql_only(self):
        from django.db import connection

        result = smartwork_check.check_btree_gist()
        if connection.vendor == "postgresql":
            assert result is not None and result.status == smartwork_check.OK, result
        else:
            assert result is None


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SMARTWORK_TESTING", "SMARTWORK_DEMO", "DEBUG", "SECRET_KEY",
                        "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "SMARTWORK_SQLITE_TEST_NAME",
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"SMARTWORK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE":
                "smartwork.config.settings"}, **extra)
    return env


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=_env(tmp_path, DEBUG="0"), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_manage_check_deploy_is_clean_with_production_environment(tmp_path):
    key = secrets.token_urlsafe(50)[:50]
    result = subprocess.run(
        [sys.executable, "-m", "smartwork.config.cli", "manage", "check", "--deploy",
         "--fail-level", "WARNING"],
        env=_env(tmp_path, DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="smartwork.example"),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_cli_help_lists_the_commands(capsys):
    cli_main(["--help"])
    out = capsys.readouterr().out
    for command in ("demo", "serve", "check", "manage"):
        assert f"smartwork {command}" in out


def test_granian_serves_the_wsgi_application():
    argv = granian_command(host="127.0.0.1", port=8123, workers=3)
    assert argv[:3] == [sys.executable, "-m", "granian"]
    assert argv[argv.index("--interface") + 1] == "wsgi"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--blocking-threads") + 1] == "2"
    assert "--respawn-failed-workers" in argv  # a killed worker does not stop the server
    assert argv[-1] == "smartwork.config.wsgi:application"


def test_demo_reset_targets_the_sqlite_files():
    from django.db import connection

    files = sqlite_files()
    if connection.vendor == "sqlite":
        assert [f.name for f in files][1:] == [files[0].name + "-wal", files[0].name + "-shm"]
    else:
        assert files == []


@pytest.fixture
def no_exec(monkeypatch):
    """`serve` replaces its process with granian: record the call instead."""
    from smartwork.core.management.commands import serve

    calls: list[list[str]] = []

    def fake_execv(path: str, argv: list[str]) -> None:
        calls.append(argv)

    monkeypatch.setattr(serve.os, "execv", fake_execv)
    return calls


@pytest.mark.django_db
def test_serve_refuses_to_start_when_a_check_fails(no_exec):
    with override_settings(**{**PRODUCTION, "SECRET_KEY": "short"}), \
            pytest.raises(CommandError, match="check"):
        call_command("serve", "--port", "8124", stdout=io.StringIO())
    assert no_exec == []


@pytest.mark.django_db
def test_serve_starts_granian_with_the_workers_asked_for(no_exec):
    out = io.StringIO()
    with override_settings(**PRODUCTION):
        call_command("serve", "--port", "8124", "--workers", "3", stdout=out)
    [argv] = no_exec
    assert argv == granian_command(host="0.0.0.0", port=8124, workers=3)
    assert "FAIL" not in out.getvalue()


@pytest.mark.django_db
def test_serve_passes_the_threads_per_worker_and_refuses_zero(no_exec):
    with override_settings(**PRODUCTION):
        call_command("serve", "--port", "8124", "--threads", "4", stdout=io.StringIO())
        with pytest.raises(CommandError, match="threads"):
            call_command("serve", "--port", "8124", "--threads", "0", stdout=io.StringIO())
    [argv] = no_exec
    assert argv[argv.index("--blocking-threads") + 1] == "4"


# --- periodic jobs ----------------------------------------------------------------


def test_due_jobs_follow_each_interval(clean_registry):
    calls: list[str] = []
    periodic.register(lambda: calls.append("fast"), every_seconds=10, name="t.fast")
    periodic.register(lambda: calls.append("slow"), every_seconds=60, name="t.slow")
    assert [j.name for j in periodic.due_jobs(now=1000.0)] == ["t.fast", "t.slow"]
    assert periodic.due_jobs(now=1000.0) == []
    assert [j.name for j in periodic.due_jobs(now=1009.0)] == []
    assert [j.name for j in periodic.due_jobs(now=1010.0)] == ["t.fast"]
    assert [j.name for j in periodic.due_jobs(now=1060.0)] == ["t.fast", "t.slow"]


def test_registering_again_replaces_and_keeps_the_schedule(clean_registry):
    periodic.register(print, every_seconds=30, name="t.job")
    periodic.due_jobs(now=0.0)
    periodic.register(print, every_seconds=30, name="t.job")
    assert len(periodic.registered()) == 1
    assert periodic.due_jobs(now=10.0) == []


def test_register_validates_and_names_by_module_path(clean_registry):
    with pytest.raises(ValueError):
        periodic.register(print, every_seconds=0, name="t.bad")

    def nightly() -> None:
        pass

    periodic.register(nightly, every_seconds=5)
    assert periodic.registered()[0].name.endswith("test_cli.test_register_validates_and_names_"
                                                  "by_module_path.<locals>.nightly")


TASK_CALLS: list[str] = []


@task()
def recording_task() -> None:
    TASK_CALLS.append("task")


@pytest.mark.django_db
def test_run_due_jobs_calls_functions_enqueues_tasks_and_survives_a_failure(clean_registry):
    calls = TASK_CALLS
    calls.clear()

    def broken() -> None:
        raise RuntimeError("boom")

    periodic.register(lambda: calls.append("plain"), every_seconds=60, name="t.a")
    periodic.register(broken, every_seconds=60, name="t.b")
    periodic.register(recording_task, every_seconds=60, name="t.c")
    # Tests run tasks with the immediate backend: enqueue() runs the task now.
    assert run_due_jobs(now=0.0) == ["t.a", "t.c"]
    assert calls == ["plain", "task"]
    assert run_due_jobs(now=1.0) == []


def test_the_worker_imports_every_apps_tasks_module():
    import importlib.util

    from django.apps import apps

    modules = import_task_modules()
    expected = [f"{c.name}.tasks" for c in apps.get_app_configs()
                if c.name.startswith("smartwork.")
                and importlib.util.find_spec(f"{c.name}.tasks") is not None]
    assert modules == expected
    names = {job.name for job in periodic.registered()}
    if importlib.util.find_spec("smartwork.core.idempotency") is not None:
        assert "core.idempotency_records_purge" in names
