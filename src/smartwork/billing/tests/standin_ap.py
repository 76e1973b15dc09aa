"""A stand-in Peppol access point: a real HTTP server on 127.0.0.1 (a free port) that
speaks the protocol of billing/peppol.py's HttpAccessPoint, records what it receives and
can be told to fail. Only the Peppol network behind an access point is stood in for."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "test-ap-token"


class StandInAccessPoint:
    """A local HTTP server speaking the access point protocol of billing/peppol.py."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.polls: list[str] = []
        self.fail_next: list[tuple[int, str]] = []  # (status, body) answered before success
        self.status_of: dict[str, dict] = {}
        self.answer_status = "accepted"
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict | str) -> None:
                data = body if isinstance(body, str) else json.dumps(body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data.encode())

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._answer(401, {"error": "bad token"})
                if self.path != "/ap/documents":
                    return self._answer(404, {"error": "no such path"})
                if stand_in.fail_next:
                    status, text = stand_in.fail_next.pop(0)
                    return self._answer(status, {"error": text})
                message_id = f"msg-{len(stand_in.received) + 1}"
                stand_in.received.append({"id": message_id, "body": body,
                                          "headers": dict(self.headers.items())})
                stand_in.status_of[message_id] = {"status": stand_in.answer_status}
                return self._answer(201, {"id": message_id, "status": stand_in.answer_status})

            def do_GET(self):
                message_id = self.path.rsplit("/", 1)[-1]
                stand_in.polls.append(message_id)
                if message_id not in stand_in.status_of:
                    return self._answer(404, {"error": "unknown"})
                return self._answer(200, stand_in.status_of[message_id])

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ap"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def configure(self, settings) -> None:
        """Point the product at this access point (pytest-django's `settings`)."""
        settings.SMARTWORK = {**settings.SMARTWORK, "PEPPOL_AP_URL": self.url,
                              "PEPPOL_AP_TOKEN": TOKEN, "PEPPOL_AP_TIMEOUT": 5}


