"""Take the screenshots of the key pages into docs/screenshots/ (desktop, and the
finder on a phone): runs the browser journeys with SMARTWORK_SCREENSHOTS=1.

    .venv/bin/python tests/browser/screenshots.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    os.environ["SMARTWORK_SCREENSHOTS"] = "1"
    os.chdir(ROOT)
    sys.exit(pytest.main(["-q", "-m", "browser", str(ROOT / "tests" / "browser")]))
