#!/usr/bin/env python3
"""The fake router the live vectors (live.json) run against, in every host.

Standard library only. Prints its base origin (``http://127.0.0.1:PORT``) on
the first line of stdout, then serves until its stdin closes (so it ends with
the runner that started it):

- ``POST /_script`` with ``{"replies": {key: reply}}`` sets what the next calls
  get and forgets the requests seen so far. The key is ``models`` for discovery
  and the request body's ``model`` for a chat completion; a reply is
  ``{"status", "headers": [[name, value]], "json" | "body" | "chunks", "pad-to",
  "chunk-delay-ms", "expose-headers"}`` (``pad-to`` pads a body with trailing
  spaces to that many bytes; ``chunk-delay-ms`` waits before each chunk after
  the first). Anything else gets a 404 with an error body.
- CORS, for pages on other origins: preflights are answered (and not
  recorded), and every response allows any origin and exposes the headers the
  provider reads, unless its reply says ``"expose-headers": false`` (what a
  page gets from a router that does not expose them).
- ``GET /_requests`` returns every request since the script, reduced to what
  the vectors check: method, path, the headers the provider sets, and the body
  (parsed when it is JSON).
"""

import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHECKED_HEADERS = ("authorization", "accept", "content-type", "x-hf-bill-to")
EXPOSED_HEADERS = "x-request-id, x-inference-provider, retry-after, ratelimit"

state = {"replies": {}, "requests": []}
lock = threading.Lock()


def recorded(method, path, headers, body):
    text = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text
    entry = {"method": method, "path": path, "body": parsed}
    for name in CHECKED_HEADERS:
        entry[name] = headers.get(name)
    return entry


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def _send(self, status, headers, payload, expose=True, delay_ms=0):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("access-control-allow-origin", "*")
        if expose:
            self.send_header("access-control-expose-headers", EXPOSED_HEADERS)
        self.end_headers()
        if isinstance(payload, list):
            for i, chunk in enumerate(payload):
                if i and delay_ms:
                    time.sleep(delay_ms / 1000)
                self.wfile.write(chunk.encode())
                self.wfile.flush()
        else:
            self.wfile.write(payload)

    def do_OPTIONS(self):
        self.send_response(204)
        self.send_header("access-control-allow-origin", "*")
        self.send_header("access-control-allow-methods", "GET, POST")
        self.send_header("access-control-allow-headers", ", ".join(CHECKED_HEADERS))
        self.send_header("access-control-max-age", "600")
        self.send_header("content-length", "0")
        self.end_headers()

    def _handle(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        if self.path == "/_script":
            with lock:
                state["replies"] = json.loads(body)["replies"]
                state["requests"] = []
            return self._send(200, [("content-type", "application/json")], b"{}")
        if self.path == "/_requests":
            with lock:
                seen = json.dumps(state["requests"]).encode()
            return self._send(200, [("content-type", "application/json")], seen)
        with lock:
            state["requests"].append(recorded(self.command, self.path, headers, body))
            replies = state["replies"]
        key = "models"
        if self.path.endswith("/chat/completions"):
            try:
                key = json.loads(body).get("model")
            except ValueError:
                key = None
        reply = replies.get(key, {"status": 404, "json": {"error": {"message": f"no such model: {key}"}}})
        out_headers = [tuple(pair) for pair in reply.get("headers", [])]
        expose = reply.get("expose-headers", True)
        if "chunks" in reply:
            out_headers.append(("content-type", "text/event-stream"))
            delay_ms = reply.get("chunk-delay-ms", 0)
            return self._send(reply.get("status", 200), out_headers, reply["chunks"], expose, delay_ms)
        if "json" in reply:
            payload = json.dumps(reply["json"]).encode()
            out_headers.append(("content-type", "application/json"))
        else:
            payload = reply.get("body", "").encode()
        payload += b" " * max(0, reply.get("pad-to", 0) - len(payload))
        out_headers.append(("content-length", str(len(payload))))
        return self._send(reply.get("status", 200), out_headers, payload, expose)

    do_GET = do_POST = _handle


def exit_with_parent():
    """Ends the router when the process that started it closes its stdin (or exits)."""
    sys.stdin.read()
    os._exit(0)


def main():
    threading.Thread(target=exit_with_parent, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
