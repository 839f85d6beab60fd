#!/usr/bin/env python3
"""Where a WebAssembly component's bytes go: by section, by crate, by function.

Reads a component (or a core module), finds its core modules, and for each one
attributes every function body to the crate its (legacy-mangled) name comes
from, using the `name` custom section that a build with `strip = false` keeps.
Data segments are counted apart. Standard library only, so it runs anywhere
python3 does.

    scripts/size_breakdown.py COMPONENT.wasm [--top N]
"""

import argparse
import re
import sys
from collections import Counter


def leb(data, pos):
    """An unsigned LEB128 at pos: (value, next position)."""
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def sections(data, pos, end):
    """(id, payload start, payload end) of every section in data[pos:end]."""
    while pos < end:
        section_id = data[pos]
        size, start = leb(data, pos + 1)
        yield section_id, start, start + size
        pos = start + size


def core_modules(data):
    """Every core module inside a component (recursively), or data itself."""
    if data[4:8] == b"\x01\x00\x00\x00":
        return [data]
    modules = []
    for section_id, start, end in sections(data, 8, len(data)):
        if section_id == 1:  # core module
            modules.append(data[start:end])
        elif section_id == 4:  # nested component
            modules.extend(core_modules(data[start:end]))
    return modules


def name(data, pos):
    length, pos = leb(data, pos)
    return data[pos : pos + length].decode("utf-8", "replace"), pos + length


def imported_functions(data, start, end):
    count, pos = leb(data, start)
    functions = 0
    for _ in range(count):
        _, pos = name(data, pos)
        _, pos = name(data, pos)
        kind = data[pos]
        pos += 1
        if kind == 0:  # function: type index
            _, pos = leb(data, pos)
            functions += 1
        elif kind == 1:  # table: reftype, limits
            pos += 1
            flags = data[pos]
            _, pos = leb(data, pos + 1)
            if flags & 1:
                _, pos = leb(data, pos)
        elif kind == 2:  # memory: limits
            flags = data[pos]
            _, pos = leb(data, pos + 1)
            if flags & 1:
                _, pos = leb(data, pos)
        elif kind == 3:  # global: valtype, mutability
            pos += 2
        else:
            raise ValueError(f"import kind {kind}")
    return functions


def function_names(data, start, end):
    _, pos = name(data, start)  # "name"
    names = {}
    while pos < end:
        subsection = data[pos]
        size, pos = leb(data, pos + 1)
        sub_end = pos + size
        if subsection == 1:
            count, p = leb(data, pos)
            for _ in range(count):
                index, p = leb(data, p)
                names[index], p = name(data, p)
        pos = sub_end
    return names


LEGACY = re.compile(r"_ZN((?:\d+[^\d].*?)+)E")


def demangle_segments(symbol):
    """The path segments of a legacy-mangled Rust symbol (hash dropped)."""
    if not symbol.startswith("_ZN"):
        return [symbol]
    pos, segments = 3, []
    while pos < len(symbol) and symbol[pos].isdigit():
        digits = re.match(r"\d+", symbol[pos:]).group()
        pos += len(digits)
        segment = symbol[pos : pos + int(digits)]
        pos += int(digits)
        segments.append(segment)
    if segments and re.fullmatch(r"h[0-9a-f]{16}", segments[-1]):
        segments.pop()
    return segments


def unescape(text):
    for escape, plain in (
        ("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$C$", ","), ("$RF$", "&"),
        ("$BP$", "*"), ("$u7b$", "{"), ("$u7d$", "}"), ("$u5b$", "["), ("$u5d$", "]"),
        ("$u27$", "'"), ("$LP$", "("), ("$RP$", ")"), ("..", "::"),
    ):
        text = text.replace(escape, plain)
    return text


V0_CRATE = re.compile(r"C(?:s[0-9A-Za-z]*_)?(\d+)")
V0_IDENT = re.compile(r"(?<![0-9])(\d+)_?([A-Za-z_][A-Za-z0-9_]*)")


def v0_identifiers(symbol):
    """The identifiers of a v0-mangled (`_R`) symbol, roughly: the standard
    library is built with v0 mangling. Enough to name the crate and the path."""
    names, pos = [], 2
    while True:
        match = V0_IDENT.search(symbol, pos)
        if not match:
            return names
        length, start = int(match.group(1)), match.start(2)
        names.append(symbol[start : start + length])
        pos = start + max(length, 1)


def readable(symbol):
    if symbol.startswith("_R"):
        return "::".join(v0_identifiers(symbol))
    return "::".join(unescape(s) for s in demangle_segments(symbol))


def crate_of(symbol):
    """The crate a function belongs to: the first path segment, or, for an
    `<T as Trait>` impl, the crate of T (where the code was instantiated)."""
    if symbol.startswith("_R"):
        match = V0_CRATE.search(symbol)
        if match:
            start = match.end()
            return symbol[start : start + int(match.group(1))]
    if not symbol.startswith("_ZN"):
        if ":" in symbol and "#" in symbol:
            return "(WIT exports: bindings with the core inlined)"
        if symbol.startswith("cabi_"):
            return "(WIT exports: post-return and realloc)"
        return "(unmangled: " + symbol.split("(")[0][:40] + ")"
    first = unescape(demangle_segments(symbol)[0]).lstrip("_<&*").lstrip()
    first = first.removeprefix("mut ").removeprefix("dyn ").lstrip("<&*( ")
    return re.split(r"::|<| |,|\)|\[", first)[0] or "(other)"


def breakdown(module, top):
    total = len(module)
    per_section = Counter()
    bodies = []
    imports = 0
    names = {}
    for section_id, start, end in sections(module, 8, total):
        size = end - start
        if section_id == 0:
            custom, _ = name(module, start)
            per_section[f"custom {custom}"] += size
            if custom == "name":
                names = function_names(module, start, end)
        else:
            label = {1: "type", 2: "import", 3: "function", 5: "memory", 6: "global",
                     7: "export", 9: "element", 10: "code", 11: "data"}.get(section_id, str(section_id))
            per_section[label] += size
        if section_id == 2:
            imports = imported_functions(module, start, end)
        if section_id == 10:
            count, pos = leb(module, start)
            for index in range(count):
                size, body = leb(module, pos)
                bodies.append((imports + index, size))
                pos = body + size

    print(f"core module: {total:,} bytes")
    print("\nby section:")
    for label, size in per_section.most_common():
        print(f"  {size:>10,}  {100 * size / total:5.1f}%  {label}")

    code = sum(size for _, size in bodies) or 1
    if not names:
        print("\n(no name section: build with CARGO_PROFILE_RELEASE_STRIP=false for crates and functions)")
        return
    by_crate = Counter()
    functions = Counter()
    for index, size in bodies:
        symbol = names.get(index, f"<function {index}>")
        by_crate[crate_of(symbol)] += size
        functions[readable(symbol)] += size
    print(f"\ncode by crate ({len(bodies):,} functions, {code:,} bytes):")
    for crate, size in by_crate.most_common(top):
        print(f"  {size:>10,}  {100 * size / code:5.1f}%  {crate}")
    print(f"\nlargest functions:")
    for function, size in functions.most_common(top):
        print(f"  {size:>10,}  {function[:150]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wasm")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    data = open(args.wasm, "rb").read()
    print(f"{args.wasm}: {len(data):,} bytes")
    for module in core_modules(data):
        print()
        breakdown(module, args.top)


if __name__ == "__main__":
    sys.exit(main())
