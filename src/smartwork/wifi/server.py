"""The built-in RADIUS server (`smartwork radius`): PAP authentication on UDP
1812, accounting on UDP 1813.

One thread reads both sockets and hands each datagram to a pool of workers;
each worker has its own database connection. Packets from an address that is
no registered access point are dropped before they are decoded; packets whose
authenticator does not match the access point's secret are dropped silently
(RFC 2865 §3: a wrong secret must get no answer). The access-point table is
kept in memory and reloaded every `nas_refresh` seconds (sooner when an
unknown address knocks), so a request costs one query in the common case.
Decisions are written to the operator's log by a background thread in batches.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import queue
import selectors
import socket
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from django.db import close_old_connections, connection
from pyrad.dictionary import Dictionary

from smartwork.wifi import codec, crypto, services
from smartwork.wifi.choices import ACCT_STATUS_CODES, AuthReason, Via
from smartwork.wifi.models import Nas

log = logging.getLogger("smartwork.wifi.radius")

DICTIONARY_PATH = Path(__file__).with_name("dictionary")
TERMINATE_CAUSES = {
    1: "User-Request", 2: "Lost-Carrier", 3: "Lost-Service", 4: "Idle-Timeout",
    5: "Session-Timeout", 6: "Admin-Reset", 7: "Admin-Reboot", 8: "Port-Error",
    9: "NAS-Error", 10: "NAS-Request", 11: "NAS-Reboot", 12: "Port-Unneeded",
    13: "Port-Preempted", 14: "Port-Suspended", 15: "Service-Unavailable", 16: "Callback",
    17: "User-Error", 18: "Host-Request",
}
# Messages the device may show: the same for unknown user and wrong password,
# so the answer tells nobody which usernames exist.
PUBLIC_MESSAGES: dict[str, str] = {
    AuthReason.UNKNOWN_USER: "Wrong username or password.",
    AuthReason.BAD_PASSWORD: "Wrong username or password.",
    # Only existing usernames are ever locked: saying so would tell which exist.
    AuthReason.RATE_LIMITED: "Wrong username or password.",
}


def load_dictionary() -> Dictionary:
    return Dictionary(str(DICTIONARY_PATH))


def public_message(reason: str) -> str:
    return PUBLIC_MESSAGES.get(reason, str(AuthReason(reason).label))


@dataclass(frozen=True)
class NasEntry:
    nas: Nas
    net: ipaddress.IPv4Network | ipaddress.IPv6Network
    secret: bytes


class NasRegistry:
    """Active access points by address, in memory."""

    def __init__(self, refresh_seconds: float = 30.0) -> None:
        self.refresh_seconds = refresh_seconds
        self._exact: dict[str, NasEntry] = {}
        self._ranges: list[NasEntry] = []
        self._loaded_at = 0.0
        self._miss_reload_at = 0.0
        self._lock = threading.Lock()

    def load(self) -> None:
        exact: dict[str, NasEntry] = {}
        ranges: list[NasEntry] = []
        for nas in Nas.objects.filter(is_active=True).select_related("centre__network"):
            try:
                entry = NasEntry(nas=nas, net=nas.network,
                                 secret=crypto.decrypt_secret(nas.secret_encrypted).encode())
            except ValueError:
                log.error("access point %s: secret unreadable with SECRET_KEY; ignored", nas.pk)
                continue
            if entry.net.num_addresses == 1:
                exact[str(entry.net.network_address)] = entry
            else:
                ranges.append(entry)
        ranges.sort(key=lambda e: e.net.prefixlen, reverse=True)
        with self._lock:
            self._exact, self._ranges = exact, ranges
            self._loaded_at = time.monotonic()

    def touch(self) -> None:
        # A reload is queued: do not queue another until it is due again.
        self._loaded_at = time.monotonic()

    def stale(self) -> bool:
        return time.monotonic() - self._loaded_at > self.refresh_seconds

    def lookup(self, address: str) -> NasEntry | None:
        entry = self._exact.get(address)
        if entry is not None:
            return entry
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return None
        if ip.version == 6 and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
            entry = self._exact.get(str(ip))
            if entry is not None:
                return entry
        for entry in self._ranges:
            if entry.net.version == ip.version and ip in entry.net:
                return entry
        return None

    def want_reload_after_miss(self) -> bool:
        """An unknown address may be a new access point: reload, at most every 5 s."""
        now = time.monotonic()
        if now - self._miss_reload_at > 5.0:
            self._miss_reload_at = now
            return True
        return False


class ReplyCache:
    """Answers of the last seconds by (client, id, authenticator): a retransmitted
    request gets the same answer and is not counted twice (RFC 5080 §2.2.2)."""

    def __init__(self, ttl: float = 5.0, size: int = 20_000) -> None:
        self.ttl, self.size = ttl, size
        self._items: OrderedDict[tuple[object, ...], tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> bytes | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None or time.monotonic() - hit[0] > self.ttl:
                return None
            return hit[1]

    def put(self, key: tuple[object, ...], reply: bytes) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), reply)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class AttemptRecorder(threading.Thread):
    """Writes decisions to the log in batches, off the reply path."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(name="radius-recorder", daemon=True)
        self.interval = interval
        self.queue: queue.SimpleQueue[services.AuthDecision] = queue.SimpleQueue()
        self._halt = threading.Event()
        self._last_cleanup = time.monotonic()

    def add(self, decision: services.AuthDecision) -> None:
        self.queue.put(decision)

    def flush(self) -> None:
        batch: list[services.AuthDecision] = []
        with contextlib.suppress(queue.Empty):
            while len(batch) < 2000:
                batch.append(self.queue.get_nowait())
        if batch:
            try:
                services.auth_attempts_record(decisions=batch, via=Via.RADIUS)
            except Exception:
                log.exception("could not write %d authentication log entries", len(batch))
                close_old_connections()

    def run(self) -> None:
        try:
            while not self._halt.wait(self.interval):
                self.flush()
                if time.monotonic() - self._last_cleanup > 300:
                    self._last_cleanup = time.monotonic()
                    try:
                        services.presence_close_stale()
                    except Exception:
                        log.exception("closing stale sessions failed")
            self.flush()
        finally:
            connection.close()

    def stop(self) -> None:
        self._halt.set()


class RadiusServer:
    def __init__(
        self, *, bind: str = "0.0.0.0", auth_port: int = 1812, acct_port: int = 1813,  # noqa: S104
        workers: int = 8, nas_refresh: float = 30.0,
    ) -> None:
        self.bind, self.auth_port, self.acct_port = bind, auth_port, acct_port
        self.workers = workers
        self.dict = load_dictionary()
        # Attribute codes by name, from the project dictionary.
        self.codes = {name: self.dict.attributes[name].code for name in (
            "User-Name", "User-Password", "Calling-Station-Id", "Session-Timeout",
            "Reply-Message", "Acct-Status-Type", "Acct-Session-Id", "Acct-Session-Time",
            "Acct-Input-Octets", "Acct-Output-Octets", "Acct-Input-Gigawords",
            "Acct-Output-Gigawords", "Acct-Terminate-Cause", "Acct-Delay-Time")}
        self.registry = NasRegistry(nas_refresh)
        self.replies = ReplyCache()
        self.recorder = AttemptRecorder()
        self._stop = threading.Event()
        self._sockets: dict[int, tuple[str, socket.socket]] = {}
        self._queue: queue.SimpleQueue[tuple[object, ...] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._local = threading.local()
        self.ready = threading.Event()
        self.stats = {"auth": 0, "acct": 0, "dropped": 0}
        self._unknown_logged: dict[str, float] = {}

    # --- life cycle ------------------------------------------------------------

    def _open(self, port: int) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.bind else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with contextlib.suppress(OSError):
            # Room for bursts: a full buffer silently loses requests.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        sock.bind((self.bind, port))
        sock.setblocking(False)
        return sock

    def start(self) -> None:
        auth = self._open(self.auth_port)
        acct = self._open(self.acct_port)
        self.auth_port, self.acct_port = auth.getsockname()[1], acct.getsockname()[1]
        self._sockets = {auth.fileno(): ("auth", auth), acct.fileno(): ("acct", acct)}
        self.registry.load()
        connection.close()
        for n in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"radius-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self.recorder.start()

    def _work(self) -> None:
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                if item[0] == "reload":
                    self._reload_registry()
                else:
                    self._handle(*item)  # type: ignore[arg-type]
        finally:
            connection.close()

    def serve_forever(self) -> None:
        sel = selectors.DefaultSelector()
        for _kind, sock in self._sockets.values():
            sel.register(sock, selectors.EVENT_READ)
        self.ready.set()
        try:
            while not self._stop.is_set():
                for key, _mask in sel.select(timeout=0.5):
                    kind, sock = self._sockets[key.fd]
                    self._drain(kind, sock)
                if self.registry.stale():
                    self.registry.touch()
                    self._queue.put(("reload",))
        finally:
            sel.close()
            self._close()

    def _drain(self, kind: str, sock: socket.socket) -> None:
        while True:
            try:
                data, addr = sock.recvfrom(4096)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            entry = self.registry.lookup(addr[0])
            if entry is None:
                self.stats["dropped"] += 1
                self._warn_unknown(kind, addr[0])
                if self.registry.want_reload_after_miss():
                    self._queue.put(("reload",))
                continue
            self._queue.put((kind, sock, data, addr, entry))

    def _warn_unknown(self, kind: str, address: str) -> None:
        # Once a minute per address: a flood must not flood the log too.
        now = time.monotonic()
        if now - self._unknown_logged.get(address, -60.0) >= 60.0:
            if len(self._unknown_logged) > 10_000:
                self._unknown_logged.clear()
            self._unknown_logged[address] = now
            log.warning("RADIUS %s packet from unknown client %s dropped", kind, address)

    def _reload_registry(self) -> None:
        try:
            self.registry.load()
        except Exception:
            log.exception("reloading access points failed")
            connection.close()

    def shutdown(self) -> None:
        self._stop.set()

    def _close(self) -> None:
        for _thread in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=10)
        self.recorder.stop()
        self.recorder.join(timeout=10)
        for _kind, sock in self._sockets.values():
            sock.close()

    # --- one datagram ----------------------------------------------------------

    def _fresh_connection(self) -> None:
        # Once every few seconds per worker: drop connections past their age or broken.
        last = getattr(self._local, "checked", 0.0)
        now = time.monotonic()
        if now - last > 10.0:
            self._local.checked = now
            close_old_connections()

    def _handle(self, kind: str, sock: socket.socket, data: bytes, addr: tuple[str, int],
                entry: NasEntry) -> None:
        try:
            self._fresh_connection()
            if kind == "auth":
                self._handle_auth(sock, data, addr, entry)
            else:
                self._handle_acct(sock, data, addr, entry)
        except codec.MalformedPacket as exc:
            self.stats["dropped"] += 1
            log.info("malformed RADIUS packet from %s dropped: %s", addr[0], exc)
        except Exception:
            # No answer: the access point retries, and the log says why.
            self.stats["dropped"] += 1
            log.exception("RADIUS %s request from %s failed", kind, addr[0])
            with contextlib.suppress(Exception):
                connection.close()

    def _handle_auth(self, sock: socket.socket, data: bytes, addr: tuple[str, int],
                     entry: NasEntry) -> None:
        req = codec.parse(data)
        if req.code != codec.ACCESS_REQUEST:
            self.stats["dropped"] += 1
            return
        ma = codec.check_message_authenticator(req, entry.secret)
        if ma is False:
            self.stats["dropped"] += 1
            log.warning("Access-Request from %s with a bad Message-Authenticator "
                        "(wrong secret?) dropped", addr[0])
            return
        if ma is None and entry.nas.require_message_authenticator:
            self.stats["dropped"] += 1
            log.warning("Access-Request from %s without Message-Authenticator dropped", addr[0])
            return
        key = (addr, req.id, req.authenticator)
        cached = self.replies.get(key)
        if cached is not None:
            sock.sendto(cached, addr)
            return
        a = self.codes
        password: str | None = None
        hidden = req.get(a["User-Password"])
        if hidden is not None:
            try:
                password = codec.decrypt_password(hidden, entry.secret, req.authenticator).decode()
            except (UnicodeDecodeError, codec.MalformedPacket):
                password = "\x00"  # not text: a wrong secret or garbage, never a match
        decision = services.radius_authenticate(
            nas=entry.nas, username=req.get_str(a["User-Name"]), password=password,
            calling_station_id=req.get_str(a["Calling-Station-Id"]),
        )
        if decision.accept:
            code = codec.ACCESS_ACCEPT
            attrs = []
            if decision.session_timeout:
                attrs.append((a["Session-Timeout"], codec.encode_int(decision.session_timeout)))
        else:
            code = codec.ACCESS_REJECT
            attrs = [(a["Reply-Message"], public_message(decision.reason).encode())]
        raw = codec.encode_reply(req, code, entry.secret, attrs)
        self.replies.put(key, raw)
        sock.sendto(raw, addr)
        self.stats["auth"] += 1
        self.recorder.add(decision)

    def _handle_acct(self, sock: socket.socket, data: bytes, addr: tuple[str, int],
                     entry: NasEntry) -> None:
        req = codec.parse(data)
        if req.code != codec.ACCOUNTING_REQUEST or not codec.check_accounting_authenticator(
            req, entry.secret
        ):
            self.stats["dropped"] += 1
            log.warning("Accounting-Request from %s with a bad authenticator dropped", addr[0])
            return
        key = (addr, req.id, req.authenticator)
        cached = self.replies.get(key)
        if cached is not None:
            sock.sendto(cached, addr)
            return
        a = self.codes
        status_code = req.get_int(a["Acct-Status-Type"])
        if status_code in (7, 8):  # Accounting-On / Off: the access point restarted
            services.presence_close_for_nas(nas=entry.nas)
        elif status_code in ACCT_STATUS_CODES:
            record = services.AccountingRecord(
                status=ACCT_STATUS_CODES[status_code],
                username=req.get_str(a["User-Name"]),
                acct_session_id=req.get_str(a["Acct-Session-Id"]),
                session_time=req.get_int(a["Acct-Session-Time"]),
                input_octets=req.get_int(a["Acct-Input-Octets"]),
                output_octets=req.get_int(a["Acct-Output-Octets"]),
                input_gigawords=req.get_int(a["Acct-Input-Gigawords"]),
                output_gigawords=req.get_int(a["Acct-Output-Gigawords"]),
                terminate_cause=TERMINATE_CAUSES.get(req.get_int(a["Acct-Terminate-Cause"]), ""),
                delay_time=req.get_int(a["Acct-Delay-Time"]),
            )
            if record.acct_session_id:
                services.radius_accounting(nas=entry.nas, record=record)
        raw = codec.encode_reply(req, codec.ACCOUNTING_RESPONSE, entry.secret, [],
                                 message_authenticator=False)
        self.replies.put(key, raw)
        sock.sendto(raw, addr)
        self.stats["acct"] += 1
