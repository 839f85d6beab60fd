"""A local stand-in for the router on 127.0.0.1, in a thread of the test process:
API-shaped replies scripted per test, every request recorded. (Calls into the
component release the GIL, so the server thread answers while a call waits.)"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

MODELS_BODY = {
    "object": "list",
    "data": [
        {"id": "Qwen/Qwen3-8B", "object": "model", "owned_by": "Qwen",
         "providers": [{"provider": "groq", "status": "live", "context_length": 32768, "supports_tools": True},
                       {"provider": "novita", "status": "error"}]},
        {"id": "deepseek-ai/DeepSeek-R1", "object": "model", "owned_by": "deepseek-ai",
         "providers": [{"provider": "together", "status": "live"}]},
    ],
}


def sse(pieces):
    events = [{"choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in pieces]
    events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    events.append({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": len(pieces), "total_tokens": 3 + len(pieces)}})
    return [f"data: {json.dumps(e)}\n\n" for e in events] + ["data: [DONE]\n\n"]


def completion(text):
    return {"id": "c1", "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}}


class Router:
    def __init__(self):
        self.replies = {}
        self.requests = []
        router = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def _reply(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                router.requests.append({"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                key = "models"
                if self.path.endswith("/chat/completions"):
                    key = json.loads(body).get("model")
                reply = router.replies.get(key, {"status": 404, "json": {"error": {"message": f"no model {key}"}}})
                time.sleep(reply.get("delay", 0))
                self.send_response(reply.get("status", 200))
                self.send_header("x-request-id", "req-py")
                self.send_header("x-inference-provider", "groq")
                for name, value in reply.get("headers", {}).items():
                    self.send_header(name, value)
                if "chunks" in reply:
                    self.send_header("content-type", "text/event-stream")
                    self.end_headers()
                    for chunk in reply["chunks"]:
                        self.wfile.write(chunk.encode())
                        self.wfile.flush()
                        time.sleep(reply.get("chunk_delay", 0))
                else:
                    self.send_header("content-type", "application/json")
                    self.end_headers()
                    self.wfile.write(json.dumps(reply.get("json", MODELS_BODY)).encode())

            do_GET = do_POST = _reply

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def router():
    r = Router()
    yield r
    r.server.shutdown()
