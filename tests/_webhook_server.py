"""A local HTTP receiver on 127.0.0.1 for the webhook tests (fails, stalls or accepts)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Answers 500 to the first ``fail_first`` POSTs, then 200; each after ``delay`` s."""

    def __init__(self, *, fail_first: int = 0, delay: float = 0.0) -> None:
        self.fail_first = fail_first
        self.delay = delay
        self.requests: list[dict] = []     # every POST: body, headers, answered status
        self.accepted: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(receiver.delay)
                ok = len(receiver.requests) >= receiver.fail_first
                entry = {"body": json.loads(body), "headers": dict(self.headers),
                         "status": 200 if ok else 500}
                receiver.requests.append(entry)
                if ok:
                    receiver.accepted.append(entry)
                try:
                    self.send_response(entry["status"])
                    self.end_headers()
                    self.wfile.write(b"ok" if ok else b"down")
                except OSError:  # the client was killed mid-request: a test does that
                    pass

            def log_message(self, *args):  # silence
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
