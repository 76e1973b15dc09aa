"""The official validation of a Peppol e-invoice: UBL 2.1 XSD, then CEN EN 16931 and
Peppol BIS Billing 3.0 rules, as every Peppol access point applies them.

The rules are the compiled Schematron stylesheets of the OpenPeppol May 2026 release
(CEN EN 16931 1.3.16, Peppol BIS 3.0.21), shipped as package data in
`data/validation/` with their licence notices, run with Saxon-HE (`saxonche`). A
document conforms when the XSD reports nothing and neither stylesheet reports a failed
assertion with `flag="fatal"`.

The stylesheets are compiled once per process, on first use (about 0.4 s). SaxonC's
runtime (a GraalVM native image) does not survive a fork: a process that has validated
must start its children with the "spawn" method; a forked child that tries refuses with
a clear error instead of crashing in SaxonC. Processes that fork before their first
validation (servers' and workers' pools) are unaffected. One lock serialises the runs
within a process: a run takes a few milliseconds, and neither SaxonC's Python objects
nor lxml's schema error log are documented as safe to share between threads.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.utils.translation import gettext as _
from lxml import etree

from smartwork.core.errors import InvalidInput

VALIDATION_DIR = Path(__file__).resolve().parent / "data" / "validation"
SCHEMA_DIR = VALIDATION_DIR / "ubl-2.1"
RULES_DIR = VALIDATION_DIR / "peppol-bis-3.0.21"
EXAMPLES_DIR = RULES_DIR / "examples"

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
SVRL = "http://purl.oclc.org/dsdl/svrl"

# Which stylesheets judge which kind of document.
STYLESHEETS: dict[str, tuple[str, ...]] = {
    "billing": ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt"),
    "self_billing": ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL-SB.xslt"),
}
Rules = Literal["billing", "self_billing"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: a failed assertion of a stylesheet, or an XSD error (rule `UBL-XSD`).

    `flag` is the rule's own flag ("fatal" or "warning"); XSD errors and a document
    that cannot be read are "fatal"."""

    rule: str
    flag: str
    text: str
    location: str
    source: str  # "xsd", or the stylesheet's file name

    @property
    def fatal(self) -> bool:
        return self.flag == "fatal"

    def __str__(self) -> str:
        return f"[{self.rule}] {self.text} ({self.location})"


class EInvoiceInvalid(InvalidInput):
    """An e-invoice breaks the official rules; it is never sent (422)."""

    code = "einvoice_invalid"


class _Engine:
    """The compiled stylesheets and schemas of one process."""

    def __init__(self) -> None:
        from saxonche import PySaxonProcessor

        self.pid = os.getpid()
        self.processor = PySaxonProcessor(license=False)
        compiler = self.processor.new_xslt30_processor()
        names = {name for names in STYLESHEETS.values() for name in names}
        self.executables: dict[str, Any] = {
            name: compiler.compile_stylesheet(stylesheet_file=str(RULES_DIR / "xslt" / name))
            for name in sorted(names)
        }
        self.schemas = {
            root: etree.XMLSchema(file=str(SCHEMA_DIR / "maindoc" / f"UBL-{root}-2.1.xsd"))
            for root in ("Invoice", "CreditNote")
        }


_lock = threading.Lock()
_engine: _Engine | None = None


def _engine_get() -> _Engine:
    global _engine
    if _engine is None:
        _engine = _Engine()
    elif _engine.pid != os.getpid():
        raise RuntimeError(
            "SaxonC was started in the parent of this forked process and cannot run here: "
            "start child processes with the 'spawn' method (multiprocessing.get_context).")
    return _engine


def _xsd_findings(engine: _Engine, doc: etree._Element) -> list[Finding]:
    if doc.tag == f"{{{NS_INVOICE}}}Invoice":
        schema = engine.schemas["Invoice"]
    elif doc.tag == f"{{{NS_CREDIT_NOTE}}}CreditNote":
        schema = engine.schemas["CreditNote"]
    else:
        return [Finding("UBL-XSD", "fatal", f"Not a UBL 2.1 Invoice or CreditNote: {doc.tag}",
                        "/", "xsd")]
    if schema.validate(doc):
        return []
    # _ErrorLog is iterable (of _LogEntry) at runtime; lxml-stubs declare it as an empty class.
    return [Finding("UBL-XSD", "fatal", e.message, f"line {e.line}", "xsd")
            for e in schema.error_log]  # type: ignore[attr-defined]


# "/*:Invoice[namespace-uri()='urn:...'][1]" -> "/Invoice[1]": the location, readable.
_LOCATION_NS = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='[^']*'\]")


def _svrl_findings(svrl: str, source: str) -> list[Finding]:
    report = etree.fromstring(svrl.encode("utf-8"))
    findings = []
    for el in report.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        rule = el.get("id") or ""
        text = " ".join((el.findtext(f"{{{SVRL}}}text") or "").split())
        text = text.removeprefix(f"[{rule}]-").removeprefix(f"[{rule}] ")
        findings.append(Finding(
            rule=rule,
            flag=el.get("flag") or "fatal",
            text=text,
            location=_LOCATION_NS.sub(r"\1", el.get("location") or ""),
            source=source,
        ))
    return findings


def ubl_validate(*, xml: bytes, rules: Rules = "billing") -> list[Finding]:
    """Every finding of the UBL XSD and the official rules on `xml` (empty: conforms).

    `rules="self_billing"` judges a Peppol BIS Self-Billing 3.0 document (CEN rules plus
    PEPPOL-EN16931-UBL-SB). The stylesheets only run on a schema-valid document."""
    try:
        doc = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return [Finding("UBL-XSD", "fatal", f"Not well-formed XML: {exc}", "/", "xsd")]
    with _lock:
        engine = _engine_get()
        findings = _xsd_findings(engine, doc)
        if findings:
            return findings
        node = engine.processor.parse_xml(xml_text=xml.decode("utf-8"))
        for name in STYLESHEETS[rules]:
            svrl = engine.executables[name].transform_to_string(xdm_node=node)
            findings.extend(_svrl_findings(svrl, name))
    return findings


def ubl_fatal(*, xml: bytes, rules: Rules = "billing") -> list[Finding]:
    """The fatal findings only: a document with none conforms."""
    return [f for f in ubl_validate(xml=xml, rules=rules) if f.fatal]


def ubl_assert_valid(*, xml: bytes, rules: Rules = "billing", document: str = "") -> None:
    """Raise `EInvoiceInvalid` (422, with the rule ids) when `xml` has a fatal finding."""
    fatal = ubl_fatal(xml=xml, rules=rules)
    if not fatal:
        return
    rule_ids = sorted({f.rule for f in fatal})
    raise EInvoiceInvalid(
        _("The e-invoice %(document)s breaks the Peppol rules %(rules)s; it is not sent.")
        % {"document": document, "rules": ", ".join(rule_ids)},
        data={"rules": rule_ids, "findings": [str(f) for f in fatal[:20]]},
    )
