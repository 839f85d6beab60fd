"""The conformance vectors run by the component in Python, through wasmtime-py.

Calls go through the ``hf_provider`` package's instance layer, which builds every
argument from the export's own parameter types and reads every result back by
its result type, so the vectors' shape (the WIT's, with text for ``list<u8>``)
needs no per-call mapping; the package's snake_case API is not involved. The
component is ``$HF_PROVIDER_COMPONENT`` (scripts/conformance sets it).
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from hf_provider import _component
from wasmtime.component import ResultType

VECTORS = Path(__file__).resolve().parent.parent / "vectors"


def load_vectors():
    vectors = []
    for path in sorted(VECTORS.glob("*.json")):
        doc = json.loads(path.read_text())
        for vector in doc["vectors"]:
            vectors.append(dict(vector, interface=vector.get("interface", doc["interface"]),
                                live=doc["interface"] == "live"))
    return vectors


def plain(value):
    """The vectors' shape from the package's plain one: bytes as text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def same(a, b):
    """Equality in the vectors' shape: numbers as numbers, objects in any key order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def shaped(instance, interface, name, result):
    """A call's result in the vectors' shape: a result as is, anything else as ``{"ok": value}``."""
    _, ty = instance.func(interface, name)
    return plain(result) if isinstance(ty.result, ResultType) else {"ok": plain(result)}


def outcome(instance, interface, name, *args):
    """A call in the vectors' shape."""
    return shaped(instance, interface, name, instance.call(interface, name, *args))


def run(instance, vector):
    if vector["call"] != "stream-decoder":
        return outcome(instance, vector["interface"], vector["call"], *vector["args"])
    settings, model, headers, chunks = vector["args"]
    opened = instance.call("chat", "decode-stream", settings, model, headers)
    if "error" in opened:
        return plain(opened)
    decoder = opened["ok"]
    try:
        method = lambda name, *args: outcome(instance, "chat", f"[method]stream-decoder.{name}", decoder, *args)
        feeds = [method("feed", chunk.encode() if isinstance(chunk, str) else bytes(chunk)) for chunk in chunks]
        finish = method("finish")
        response = method("response")["ok"]
        return {"ok": {"feeds": feeds, "finish": finish, "response": response}}
    finally:
        decoder.drop(instance.store)


class LiveRouter:
    """The live vectors' fake router (vectors/fake_router.py), in its own process."""

    def __init__(self):
        self.process = subprocess.Popen([sys.executable, str(VECTORS / "fake_router.py")],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.origin = self.process.stdout.readline().strip()

    def script(self, replies):
        data = json.dumps({"replies": replies}).encode()
        urllib.request.urlopen(urllib.request.Request(f"{self.origin}/_script", data=data, method="POST")).read()

    def requests(self):
        return json.loads(urllib.request.urlopen(f"{self.origin}/_requests").read())

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


def with_router(value, origin):
    return json.loads(json.dumps(value).replace("$ROUTER", origin))


def drain(instance, stream):
    """An open stream drained: texts joined, other events in order, how it ended, the response."""
    events, end = [], {"ok": None}
    try:
        while True:
            batch = outcome(instance, "chat", "[method]chat-stream.next", stream)
            if "error" in batch:
                end = batch
                break
            if batch["ok"] is None:
                break
            events.extend(batch["ok"])
        joined = lambda tag: "".join(e["val"] for e in events if e["tag"] == tag)
        return {
            "content": joined("content"),
            "reasoning": joined("reasoning"),
            "events": [e for e in events if e["tag"] not in ("content", "reasoning")],
            "end": end,
            "response": outcome(instance, "chat", "[method]chat-stream.response", stream)["ok"],
        }
    finally:
        stream.drop(instance.store)


def cooldowns(items):
    now_ms = time.time() * 1000
    return [{"model": c["model"], "failures": c["failures"], "secs": round((c["until-ms"] - now_ms) / 1000)}
            for c in items]


def live(instance, vector, router):
    router.script(vector.get("router") or {})
    args = with_router(vector["args"], router.origin)
    interface, name = vector["interface"], vector["call"]
    raw = instance.call(interface, name, *args)
    if (interface, name) == ("chat", "open-stream"):
        result = {"ok": drain(instance, raw["ok"])} if "ok" in raw else plain(raw)
    elif interface == "failover":
        first = "completion" if "completion" in raw else "opened"
        head = raw[first]
        if first == "opened" and "ok" in head:
            head = {"ok": drain(instance, head["ok"])}
        result = {"ok": {first: plain(head), "attempts": plain(raw["attempts"]), "cooldowns": cooldowns(raw["cooldowns"])}}
    else:
        result = shaped(instance, interface, name, raw)
    return {"result": result, "requests": router.requests()}


def test_every_vector_passes_in_wasmtime_py():
    loaded = _component.load(os.environ["HF_PROVIDER_COMPONENT"])
    router = LiveRouter()
    passed = failed = 0
    for vector in load_vectors():
        # A fresh instance per vector (~0.1 ms): a failure cannot reach the next one.
        instance = _component.Instance(loaded)
        try:
            actual = live(instance, vector, router) if vector["live"] else run(instance, vector)
            if "expect" not in vector:
                verdict = "the vector has no expectation"
            elif same(vector["expect"], actual):
                verdict = None
            else:
                verdict = f"expected {json.dumps(vector['expect'])}\n     got {json.dumps(actual)}"
        except Exception as error:  # a host-side failure is this vector's failure
            verdict = f"{type(error).__name__}: {error}"
        if verdict is None:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {vector['interface']} {vector['id']}: {verdict}")
    router.stop()
    print(f"python-wasmtime: {passed} passed, {failed} failed")
    assert passed >= 200, f"only {passed} vectors ran"
    assert failed == 0, f"{failed} vectors failed"
