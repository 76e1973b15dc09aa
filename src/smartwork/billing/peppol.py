"""The operator's Peppol access point, behind one small interface.

smartwork does not speak AS4 itself: a certified Peppol access point (a service the
operator contracts) does, and takes documents over its own HTTP API. An adapter turns
"send this UBL to that Peppol participant" into that API's call:

    class AccessPoint(Protocol):
        def send(self, *, document: bytes, receiver: str, sender: str,
                 document_type: str) -> Receipt: ...
        def status(self, *, message_id: str) -> Receipt: ...

`HttpAccessPoint` is the one shipped: a plain REST shape (below) that a small gateway
in front of any access point can offer. For a provider with another API, write a
class with these two methods and name it in `SMARTWORK_PEPPOL_AP_ADAPTER`
(docs/billing.md, "Plugging a real access point").

HttpAccessPoint's protocol, against `SMARTWORK_PEPPOL_AP_URL`:
- `POST {url}/documents`, body the UBL (application/xml), headers
  `Authorization: Bearer {SMARTWORK_PEPPOL_AP_TOKEN}`, `X-Peppol-Receiver` and
  `X-Peppol-Sender` ("0208:0403170701"), `X-Peppol-Document-Type` (the UBL root and
  customization), `Idempotency-Key` (the invoice's number: a resent document is not
  delivered twice). Answer 2xx JSON `{"id": "...", "status": "accepted"|"delivered"}`.
- `GET {url}/documents/{id}`: `{"status": "accepted"|"delivered"|"failed", "reason": ""}`.
- 4xx (other than 408/429): refused for good (unknown receiver, invalid document);
  5xx, 408, 429, a timeout or no connection: try again later.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

# Peppol document type identifiers (the UBL root element and the BIS 3.0 customization).
DOCUMENT_TYPES = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##"
               "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##"
                  "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
                  "::2.1",
}


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the access point says of a transmission: its id and where it stands
    ("accepted": taken, on its way; "delivered": the receiver's access point has it;
    "failed": it will not arrive, `reason` says why)."""

    message_id: str
    status: str
    reason: str = ""


class AccessPointError(Exception):
    """The access point did not take the document. `retryable`: try again later."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class AccessPointNotConfigured(AccessPointError):
    def __init__(self) -> None:
        super().__init__("No Peppol access point is configured (SMARTWORK_PEPPOL_AP_URL).",
                         retryable=True)


class AccessPoint(Protocol):
    def send(self, *, document: bytes, receiver: str, sender: str, document_type: str,
             idempotency_key: str) -> Receipt: ...

    def status(self, *, message_id: str) -> Receipt: ...


class HttpAccessPoint:
    """The REST shape described in the module's docstring, with the standard library."""

    def __init__(self, *, url: str, token: str, timeout: float = 20.0) -> None:
        if not url:
            raise AccessPointNotConfigured()
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, request: urllib.request.Request) -> dict[str, Any]:
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        try:
            # The URL is the operator's configuration, never user input.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:500].decode("utf-8", "replace")
            retryable = exc.code >= 500 or exc.code in (408, 429)
            raise AccessPointError(f"HTTP {exc.code}: {detail}", retryable=retryable) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise AccessPointError(f"Access point unreachable: {reason}", retryable=True) from exc
        try:
            data = json.loads(body or b"{}")
        except ValueError as exc:
            raise AccessPointError("The access point answered no JSON.", retryable=True) from exc
        if not isinstance(data, dict):
            raise AccessPointError("The access point answered no JSON object.", retryable=True)
        return data

    def send(self, *, document: bytes, receiver: str, sender: str, document_type: str,
             idempotency_key: str) -> Receipt:
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}/documents", data=document, method="POST",
            headers={"Content-Type": "application/xml", "X-Peppol-Receiver": receiver,
                     "X-Peppol-Sender": sender, "X-Peppol-Document-Type": document_type,
                     "Idempotency-Key": idempotency_key})
        data = self._call(request)
        message_id = str(data.get("id") or "")
        if not message_id:
            raise AccessPointError("The access point gave no transmission id.", retryable=True)
        return Receipt(message_id=message_id, status=str(data.get("status") or "accepted"),
                       reason=str(data.get("reason") or ""))

    def status(self, *, message_id: str) -> Receipt:
        request = urllib.request.Request(  # noqa: S310
            f"{self.url}/documents/{urllib.parse.quote(message_id, safe='')}", method="GET")
        data = self._call(request)
        return Receipt(message_id=message_id, status=str(data.get("status") or "accepted"),
                       reason=str(data.get("reason") or ""))


def access_point_get() -> AccessPoint:
    """The configured adapter (raises AccessPointNotConfigured without a URL)."""
    conf = settings.SMARTWORK
    adapter = import_string(conf.get("PEPPOL_AP_ADAPTER")
                            or "smartwork.billing.peppol.HttpAccessPoint")
    ap: AccessPoint = adapter(url=conf.get("PEPPOL_AP_URL", ""),
                              token=conf.get("PEPPOL_AP_TOKEN", ""),
                              timeout=float(conf.get("PEPPOL_AP_TIMEOUT", 20)))
    return ap


def access_point_configured() -> bool:
    return bool(settings.SMARTWORK.get("PEPPOL_AP_URL"))
