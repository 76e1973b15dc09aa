"""The `smartwork` command.

    smartwork demo [--reset] [--port 8000] [--no-serve]   the demo on embedded SQLite
    smartwork serve [--workers N] [--host H] [--port P]   the production server (granian)
    smartwork check                                       configuration and database checks
    smartwork manage <django command> ...                 any Django management command
    smartwork <command> ...                               a smartwork management command,
                                                          e.g. invoice-run, check-ledgers
"""

from __future__ import annotations

import os
import sys


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command, rest = args[0], args[1:]
    if {"-h", "--help"} & set(rest) and not os.environ.get("SECRET_KEY"):
        # Help needs the settings loaded but no secret: a throw-away key for this process,
        # which prints and exits (`smartwork radius --help` on a fresh machine).
        os.environ["SECRET_KEY"] = "help-only-" + os.urandom(24).hex()
    if command == "demo":
        os.environ["SMARTWORK_DEMO"] = "1"
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
    if command == "manage":
        execute_from_command_line(["smartwork manage", *rest])
        return
    # `smartwork check` is ours (configuration + database); Django's stays `manage check`.
    name = {"check": "smartwork_check"}.get(command, command.replace("-", "_"))
    execute_from_command_line([f"smartwork {command}", name, *rest])


if __name__ == "__main__":
    main()
