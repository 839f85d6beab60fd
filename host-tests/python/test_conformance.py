"""The conformance vectors run by the component in Python, through wasmtime-py.

Every argument is built from the export's own parameter types and every result
read back by its result type (wasmtime-py's component types), so the vectors'
shape (the WIT's: kebab-case keys, ``{"tag", "val"}`` variants, flags as lists,
``None`` for none, text for ``list<u8>``) needs no per-call mapping. The
component path is ``$HF_PROVIDER_COMPONENT`` (scripts/conformance sets it).
"""

import json
import os
from pathlib import Path

from wasmtime import Engine, Store, WasiConfig
from wasmtime.component import (
    BorrowType, Component, EnumType, F32, F64, FlagsType, Linker, ListType, OptionType, OwnType,
    Record, RecordType, ResultType, TupleType, U8, Variant, VariantType,
)

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
PACKAGE = "huggingface:provider"


def load_vectors():
    vectors = []
    for path in sorted(VECTORS.glob("*.json")):
        doc = json.loads(path.read_text())
        for vector in doc["vectors"]:
            vectors.append(dict(vector, interface=doc["interface"]))
    return vectors


def cases(ty):
    """The (name, payload type) cases of a variant-like type."""
    if isinstance(ty, VariantType):
        return list(ty.cases)
    if isinstance(ty, ResultType):
        return [("ok", ty.ok), ("error", ty.err)]
    return [("none", None), ("some", ty.payload)]


def to_wasm(ty, value):
    """A vector value as wasmtime-py takes it for type ``ty``."""
    if isinstance(ty, (F32, F64)):
        return float(value)
    if isinstance(ty, EnumType):
        if value not in ty.names:  # an unknown name would poison the instance
            raise ValueError(f"{value!r} is not one of {ty.names}")
        return value
    if isinstance(ty, FlagsType):
        if not set(value) <= set(ty.names):
            raise ValueError(f"{value!r} are not all of {ty.names}")
        return set(value)
    if isinstance(ty, ListType):
        if isinstance(ty.element, U8):
            return value.encode() if isinstance(value, str) else bytes(value)
        return [to_wasm(ty.element, item) for item in value]
    if isinstance(ty, TupleType):
        return tuple(to_wasm(t, item) for t, item in zip(ty.elements, value))
    if isinstance(ty, RecordType):
        record = Record()
        for name, field in ty.fields:
            setattr(record, name, to_wasm(field, value[name]))
        return record
    if isinstance(ty, OptionType) and not ty._tagged():
        return None if value is None else to_wasm(ty.payload, value)
    if isinstance(ty, (VariantType, OptionType)):
        tag = value["tag"] if isinstance(ty, VariantType) else ("none" if value is None else "some")
        payload_ty = dict(cases(ty))[tag]
        inner = value.get("val") if isinstance(ty, VariantType) else value
        payload = None if payload_ty is None else to_wasm(payload_ty, inner)
        return Variant(tag, payload) if ty._tagged() else payload
    if isinstance(ty, (OwnType, BorrowType)):
        return value
    return value


def which_case(ty, value):
    """The case of an untagged variant-like value: wasmtime-py's own rule, by Python class."""
    by_class = []
    for name, payload_ty in cases(ty):
        classes = {type(None)} if payload_ty is None else set()
        if payload_ty is not None:
            payload_ty.add_classes(classes)
        by_class.append((name, classes))
    # Cases that accept anything (no payload, options) are tried last.
    for name, classes in sorted(by_class, key=lambda case: object in case[1]):
        if value is None and (type(None) in classes or object in classes):
            return name
        if value is not None and isinstance(value, tuple(classes - {type(None), object})):
            return name
    for name, classes in by_class:
        if object in classes:
            return name
    raise ValueError(f"{value!r} matches no case of {ty}")


def from_wasm(ty, value):
    """A wasmtime-py value of type ``ty`` in the vectors' shape."""
    if isinstance(ty, RecordType):
        return {name: from_wasm(field, getattr(value, name)) for name, field in ty.fields}
    if isinstance(ty, ListType):
        if isinstance(ty.element, U8):
            return bytes(value).decode("utf-8", "replace")
        return [from_wasm(ty.element, item) for item in value]
    if isinstance(ty, TupleType):
        return [from_wasm(t, item) for t, item in zip(ty.elements, value)]
    if isinstance(ty, FlagsType):
        return [name for name in ty.names if name in value]
    if isinstance(ty, (VariantType, ResultType, OptionType)):
        if ty._tagged():
            tag, payload = value.tag, value.payload
        else:
            tag, payload = which_case(ty, value), value
        payload_ty = dict(cases(ty))[tag if tag != "err" else "error"]
        if isinstance(ty, OptionType):
            return None if tag == "none" else from_wasm(payload_ty, payload)
        inner = None if payload_ty is None else from_wasm(payload_ty, payload)
        if isinstance(ty, ResultType):
            return {"ok" if tag == "ok" else "error": inner}
        return {"tag": tag} if payload_ty is None else {"tag": tag, "val": inner}
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


class Provider:
    """One instance of the component, its exports found by interface and name."""

    def __init__(self, engine, component, linker):
        self.component = component
        self.store = Store(engine)
        self.store.set_wasi(WasiConfig())
        self.store.set_wasi_http()
        self.instance = linker.instantiate(self.store, component)
        self.version = component_version(component, engine)

    def func(self, interface, name):
        parent = self.component.get_export_index(f"{PACKAGE}/{interface}@{self.version}")
        index = self.component.get_export_index(name, parent) if parent else None
        func = self.instance.get_func(self.store, index) if index else None
        if func is None:
            raise LookupError(f"the component exports no {interface}#{name}")
        return func

    def call(self, interface, name, args):
        """The call's outcome: a result as is, anything else as ``{"ok": value}``."""
        func = self.func(interface, name)
        ty = func.type(self.store)
        if len(ty.params) != len(args):
            raise TypeError(f"{name} takes {len(ty.params)} arguments, the vector gives {len(args)}")
        result = func(self.store, *[to_wasm(t, a) for (_, t), a in zip(ty.params, args)])
        return self.outcome(ty.result, result)

    @staticmethod
    def outcome(ty, result):
        if isinstance(ty, ResultType):
            return from_wasm(ty, result)
        return {"ok": None if ty is None else from_wasm(ty, result)}


def component_version(component, engine):
    for name in component.type.exports(engine):
        if name.startswith(f"{PACKAGE}/model-refs@"):
            return name.rsplit("@", 1)[1]
    raise LookupError("not the provider component")


def run(provider, vector):
    if vector["call"] != "stream-decoder":
        return provider.call(vector["interface"], vector["call"], vector["args"])
    settings, model, headers, chunks = vector["args"]
    decode = provider.func("chat", "decode-stream")
    ty = decode.type(provider.store)
    opened = decode(provider.store, *[to_wasm(t, a) for (_, t), a in zip(ty.params, [settings, model, headers])])
    opened_json = Provider.outcome(ty.result, opened)
    if "error" in opened_json:
        return opened_json
    decoder = opened.payload if isinstance(opened, Variant) else opened
    try:
        def method(name, *args):
            func = provider.func("chat", f"[method]stream-decoder.{name}")
            return Provider.outcome(func.type(provider.store).result, func(provider.store, decoder, *args))

        feeds = [method("feed", chunk.encode() if isinstance(chunk, str) else bytes(chunk)) for chunk in chunks]
        finish = method("finish")
        response = method("response")["ok"]
        return {"ok": {"feeds": feeds, "finish": finish, "response": response}}
    finally:
        decoder.drop(provider.store)


def test_every_vector_passes_in_wasmtime_py():
    engine = Engine()
    component = Component.from_file(engine, os.environ["HF_PROVIDER_COMPONENT"])
    linker = Linker(engine)
    linker.add_wasip2()
    linker.add_wasi_http()
    passed = failed = 0
    for vector in load_vectors():
        # A fresh instance per vector (~0.1 ms): a failure cannot reach the next one.
        provider = Provider(engine, component, linker)
        try:
            actual = run(provider, vector)
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
    print(f"python-wasmtime: {passed} passed, {failed} failed")
    assert passed >= 200, f"only {passed} vectors ran"
    assert failed == 0, f"{failed} vectors failed"
