"""The package is self-contained (issue #15 §1): nothing the product or its tests run
reads a folder beside the repository. The UBL schemas and the Peppol rules are package
data of smartwork.billing; a clone, a wheel or a container has no sibling folder to read."""

import re
from pathlib import Path

from smartwork.billing.validation import SCHEMA_DIR, VALIDATION_DIR

ROOT = Path(__file__).resolve().parents[4]
# Assembled so that this file does not match itself.
SHARED = "sha" + "red"
FORBIDDEN = re.compile(
    r"\.\./" + SHARED + r"\b"  # the parent folder's one
    + r"|\b" + SHARED + r"/validation"  # its validation folder, from anywhere
    + r"|[\"']" + SHARED + r"[\"']\s*/\s*[\"']validation"  # built with pathlib
    + r"|parents\[\d+\]\s*/\s*[\"']" + SHARED + r"[\"']"  # from __file__ upwards
)
SCANNED = ["src", "tests", "bench", ".ci", "conftest.py", "run.py", "pyproject.toml"]
TEXT_SUFFIXES = {".py", ".html", ".txt", ".md", ".toml", ".cfg", ".ini", ".json", ".sh",
                 ".po", ".yml", ".yaml", ".js", ".css", ""}


def _files():
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for f in path.rglob("*"):
                if (f.is_file() and f.suffix in TEXT_SUFFIXES
                        and "__pycache__" not in f.parts):
                    yield f


def test_no_file_reads_a_folder_beside_the_repository():
    offenders = []
    scanned = 0
    for f in _files():
        scanned += 1
        text = f.read_text(encoding="utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            if FORBIDDEN.search(line):
                offenders.append(f"{f.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert scanned > 300  # the scan did see the project
    assert offenders == []


def test_the_pattern_catches_what_it_must():
    for bad in ["../" + SHARED + "/validation", f'parents[4] / "{SHARED}" / "validation"',
                f"'{SHARED}' / 'validation'", f"/work/{SHARED}/validation/ubl-2.1"]:
        assert FORBIDDEN.search(bad), bad
    assert not FORBIDDEN.search("a shared secret")


def test_validation_files_are_package_data():
    billing = ROOT / "src" / "smartwork" / "billing"
    assert billing / "data" / "validation" == VALIDATION_DIR
    assert SCHEMA_DIR.is_relative_to(billing)
    assert (SCHEMA_DIR / "maindoc" / "UBL-Invoice-2.1.xsd").is_file()
    assert (VALIDATION_DIR / "peppol-bis-3.0.21" / "xslt" / "PEPPOL-EN16931-UBL.xslt").is_file()
    # pyproject ships nested data folders (setuptools' "**" glob).
    assert '"data/**/*"' in (ROOT / "pyproject.toml").read_text()
