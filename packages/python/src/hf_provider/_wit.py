"""Values between wasmtime-py and the WIT's plain shape, directed by the types.

The plain shape is the WIT's own, in Python: records are dicts keyed by the
WIT's kebab-case field names; enums are their case names; variants are
``{"tag": case, "val": payload}`` (no ``"val"`` without a payload); results are
``{"ok": value}`` or ``{"error": value}``; flags are lists of the names set, in
WIT order; ``None`` is none; ``list<u8>`` is ``bytes``. wasmtime-py passes some
variants, options and results "untagged" (the bare payload), so converting
needs the types, which every exported function carries.
"""

from typing import Any, Optional, cast

from wasmtime.component import (
    BorrowType,
    EnumType,
    F32,
    F64,
    FlagsType,
    ListType,
    OptionType,
    OwnType,
    Record,
    RecordType,
    ResultType,
    S8,
    S16,
    S32,
    S64,
    TupleType,
    U8,
    U16,
    U32,
    U64,
    ValType,
    Variant,
    VariantType,
)

_INT_RANGES: dict[type[ValType], tuple[int, int]] = {
    U8: (0, 2**8 - 1),
    U16: (0, 2**16 - 1),
    U32: (0, 2**32 - 1),
    U64: (0, 2**64 - 1),
    S8: (-(2**7), 2**7 - 1),
    S16: (-(2**15), 2**15 - 1),
    S32: (-(2**31), 2**31 - 1),
    S64: (-(2**63), 2**63 - 1),
}


def _cases(ty: ValType) -> list[tuple[str, Optional[ValType]]]:
    """The (name, payload type) cases of a variant, result or option."""
    if isinstance(ty, VariantType):
        return list(ty.cases)
    if isinstance(ty, ResultType):
        return [("ok", ty.ok), ("error", ty.err)]
    return [("none", None), ("some", cast(OptionType, ty).payload)]


def lower(ty: ValType, value: Any) -> Any:
    """A plain value as wasmtime-py takes it for type ``ty``.

    Checks what wasmtime itself would reject while lowering (enum and flag
    names, integer ranges): a rejection there would leave the instance unusable.
    """
    kind = type(ty)
    if kind in _INT_RANGES:
        low, high = _INT_RANGES[kind]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{value!r} is not a {kind.__name__.lower()}")
        return value
    if isinstance(ty, (F32, F64)):
        return float(value)
    if isinstance(ty, EnumType):
        if value not in ty.names:
            raise ValueError(f"{value!r} is not one of {', '.join(ty.names)}")
        return value
    if isinstance(ty, FlagsType):
        if not set(value) <= set(ty.names):
            raise ValueError(f"{value!r} are not all among {', '.join(ty.names)}")
        return set(value)
    if isinstance(ty, ListType):
        if isinstance(ty.element, U8):
            return value.encode() if isinstance(value, str) else bytes(value)
        return [lower(ty.element, item) for item in value]
    if isinstance(ty, TupleType):
        return tuple(lower(t, item) for t, item in zip(ty.elements, value, strict=True))
    if isinstance(ty, RecordType):
        record = Record()
        for name, field in ty.fields:
            setattr(record, name, lower(field, value.get(name)))
        return record
    if isinstance(ty, OptionType):
        if not ty._tagged():
            return None if value is None else lower(ty.payload, value)
        return Variant("none") if value is None else Variant("some", lower(ty.payload, value))
    if isinstance(ty, (VariantType, ResultType)):
        if isinstance(ty, ResultType):
            tag, inner = ("ok", value["ok"]) if "ok" in value else ("err", value["error"])
            payload_ty = ty.ok if tag == "ok" else ty.err
        else:
            tag, inner = value["tag"], value.get("val")
            payload_ty = dict(ty.cases)[tag]
        payload = None if payload_ty is None else lower(payload_ty, inner)
        return Variant(tag, payload) if ty._tagged() else payload
    if isinstance(ty, (OwnType, BorrowType)):
        return value
    return value


def _untagged_case(ty: ValType, value: Any) -> str:
    """The case of an untagged value, found by Python class as wasmtime-py does."""
    by_class: list[tuple[str, set[type]]] = []
    for name, payload_ty in _cases(ty):
        classes: set[type] = {type(None)} if payload_ty is None else set()
        if payload_ty is not None:
            payload_ty.add_classes(classes)
        by_class.append((name, classes))
    # Cases that take any value (no payload, options) are tried last.
    for name, classes in sorted(by_class, key=lambda case: object in case[1]):
        if value is None and (type(None) in classes or object in classes):
            return name
        specific = tuple(classes - {type(None), object})
        if value is not None and specific and isinstance(value, specific):
            return name
    for name, classes in by_class:
        if object in classes:
            return name
    raise ValueError(f"{value!r} matches no case")


def lift(ty: ValType, value: Any) -> Any:
    """A wasmtime-py value of type ``ty`` in the plain shape."""
    if isinstance(ty, RecordType):
        return {name: lift(field, getattr(value, name)) for name, field in ty.fields}
    if isinstance(ty, ListType):
        if isinstance(ty.element, U8):
            return bytes(value)
        return [lift(ty.element, item) for item in value]
    if isinstance(ty, TupleType):
        return [lift(t, item) for t, item in zip(ty.elements, value, strict=True)]
    if isinstance(ty, FlagsType):
        return [name for name in ty.names if name in value]
    if isinstance(ty, (VariantType, ResultType, OptionType)):
        if ty._tagged():
            tag, payload = value.tag, value.payload
        else:
            tag, payload = _untagged_case(ty, value), value
        tag = "error" if tag == "err" else tag
        payload_ty = dict(_cases(ty))[tag]
        if isinstance(ty, OptionType):
            return None if tag == "none" else lift(cast(ValType, payload_ty), payload)
        inner = None if payload_ty is None else lift(payload_ty, payload)
        if isinstance(ty, ResultType):
            return {tag: inner}
        return {"tag": tag} if payload_ty is None else {"tag": tag, "val": inner}
    return value
