"""The component: compiled once per machine, instantiated per Provider.

wasmtime-py compiles a component anew in every process (~0.35 s here for this
one). The compiled artifact is cached on disk, keyed by the component's SHA-256
and the wasmtime version, so later processes only map it (~1 ms). The cache is
``$HF_PROVIDER_CACHE_DIR``, else ``$XDG_CACHE_HOME/hf-provider``, else
``~/.cache/hf-provider``; an unwritable cache only costs the compile.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Optional, Union

from wasmtime import Engine, Store, WasiConfig
from wasmtime.component import Component, Func, FuncType, Linker

from . import _wit

PACKAGE = "huggingface:provider"
_WASM = "huggingface_provider.wasm"

_lock = threading.Lock()
_loaded: Optional[Loaded] = None


def cache_dir() -> Path:
    """Where compiled components are kept."""
    explicit = os.environ.get("HF_PROVIDER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hf-provider"


def _compile(engine: Engine, wasm: bytes) -> Component:
    """The compiled component, from the cache when it holds this one."""
    key = hashlib.sha256(wasm).hexdigest()[:32]
    version = metadata.version("wasmtime")
    path = cache_dir() / f"{key}-wasmtime-{version}.cwasm"
    if path.is_file():
        try:
            return Component.deserialize_file(engine, str(path))
        except Exception:  # a truncated or foreign file: compile again, and replace it
            pass
    component = Component(engine, wasm)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
            out.write(component.serialize())
        os.replace(out.name, path)
    except OSError:
        pass
    return component


class Loaded:
    """The engine, compiled component and linker, shared by every instance."""

    def __init__(self, wasm: bytes) -> None:
        self.engine = Engine()
        self.component = _compile(self.engine, wasm)
        self.linker = Linker(self.engine)
        self.linker.add_wasip2()
        self.linker.add_wasi_http()
        self.version = next(
            name.rsplit("@", 1)[1]
            for name in self.component.type.exports(self.engine)
            if name.startswith(f"{PACKAGE}/model-refs@")
        )


def load(path: Union[str, os.PathLike[str], None] = None) -> Loaded:
    """The shipped component (or the one at ``path``), compiled once per process."""
    global _loaded
    with _lock:
        if path is not None:
            return Loaded(Path(path).read_bytes())
        if _loaded is None:
            _loaded = Loaded(resources.files(__package__).joinpath(_WASM).read_bytes())
        return _loaded


class Instance:
    """One instance of the component; calls take and return plain values."""

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.store = Store(loaded.engine)
        # Both are needed before the first wasi:http call (without them
        # wasmtime-py aborts the process); the component gets no environment,
        # arguments, files or stdio from the WASI context.
        self.store.set_wasi(WasiConfig())
        self.store.set_wasi_http()
        self.instance = loaded.linker.instantiate(self.store, loaded.component)
        self._funcs: dict[tuple[str, str], tuple[Func, FuncType]] = {}

    def func(self, interface: str, name: str) -> tuple[Func, FuncType]:
        key = (interface, name)
        if key not in self._funcs:
            component = self.loaded.component
            parent = component.get_export_index(f"{PACKAGE}/{interface}@{self.loaded.version}")
            index = component.get_export_index(name, parent) if parent else None
            func = self.instance.get_func(self.store, index) if index else None
            if func is None:
                raise LookupError(f"the component exports no {interface}#{name}")
            self._funcs[key] = (func, func.type(self.store))
        return self._funcs[key]

    def call(self, interface: str, name: str, *args: Any) -> Any:
        """The call's plain result: a ``result`` as ``{"ok"|"error": …}``, anything else bare."""
        func, ty = self.func(interface, name)
        if len(ty.params) != len(args):
            raise TypeError(f"{name} takes {len(ty.params)} arguments, not {len(args)}")
        lowered = [_wit.lower(t, a) for (_, t), a in zip(ty.params, args)]
        result = func(self.store, *lowered)
        return None if ty.result is None else _wit.lift(ty.result, result)
