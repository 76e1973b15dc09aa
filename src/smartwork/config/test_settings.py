"""Settings for the test suite: the same as production but for fast hashes,
immediate tasks, local email and a file SQLite database (race tests use threads)."""

import os
import tempfile

os.environ["SMARTWORK_TESTING"] = "1"
os.environ.setdefault("SMARTWORK_DATA_DIR", tempfile.mkdtemp(prefix="smartwork-test-data-"))

from smartwork.config.settings import *  # noqa: F403
from smartwork.config.settings import DATABASES

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"smartwork-test-{os.getpid()}.sqlite3")
    }
