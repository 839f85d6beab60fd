#!/usr/bin/env python3
"""Writes the inputs of the conformance vectors in this folder.

The vectors are the data (`*.json` here); this script only spares writing their
inputs by hand: full WIT records, split points of streams, every error kind.
Expected outputs are kept by id when a file is written again. A vector without
`expect` is a failure in every runner; the native runner fills missing ones when
run with CONFORMANCE_BLESS=1, and those are then read and committed like any
other change. See README.md here for the format.

    python3 host-tests/vectors/generate.py
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = "http://127.0.0.1:9/v1"
TOKEN = "hf_conformanceToken0123456789"


def settings(**overrides):
    record = {
        "base-url": BASE,
        "token": TOKEN,
        "timeout-ms": 30000,
        "bill-to": None,
        "request-deadline-ms": None,
        "stream-idle-ms": None,
        "stream-deadline-ms": None,
    }
    record.update({k.replace("_", "-"): v for k, v in overrides.items()})
    return record


def text(value):
    return {"tag": "text", "val": value}


def message(role, content=None, name=None, tool_calls=(), tool_call_id=None):
    if isinstance(content, str):
        content = text(content)
    return {
        "role": role,
        "content": content,
        "name": name,
        "tool-calls": list(tool_calls),
        "tool-call-id": tool_call_id,
    }


def request(model="huggingface/Qwen/Qwen3-8B", messages=None, **fields):
    record = {
        "model": model,
        "messages": messages if messages is not None else [message("user", "Hello")],
        "max-tokens": None,
        "temperature": None,
        "top-p": None,
        "stop": [],
        "seed": None,
        "frequency-penalty": None,
        "presence-penalty": None,
        "tools": [],
        "tool-choice": None,
        "response-format": None,
        "reasoning-effort": None,
    }
    record.update({k.replace("_", "-"): v for k, v in fields.items()})
    return record


def tool(name, description=None, parameters=None):
    return {"name": name, "description": description, "parameters": parameters}


def cost(i=0.0, o=0.0, r=0.0, w=0.0):
    return {"input": i, "output": o, "cache-read": r, "cache-write": w}


def route(provider, status="live", **fields):
    record = {
        "provider": provider,
        "status": status,
        "context-length": None,
        "pricing": None,
        "supports-tools": None,
        "supports-structured-output": None,
        "first-token-latency-ms": None,
        "throughput": None,
        "is-model-author": None,
        "is-free": None,
    }
    record.update({k.replace("_", "-"): v for k, v in fields.items()})
    return record


def model_info(id, name=None, routes=(), **fields):
    record = {
        "reference": "huggingface/" + id,
        "id": id,
        "name": name or id.split("/")[-1],
        "alias": None,
        "reasoning": False,
        "input": ["text"],
        "context-window": 131072,
        "max-tokens": 8192,
        "cost": cost(),
        "supports-tools": None,
        "routes": list(routes),
        "defaulted": [],
        "options": None,
    }
    record.update({k.replace("_", "-"): v for k, v in fields.items()})
    return record


def config(primary=None, fallbacks=(), aliases=(), models=(), base_url=None):
    return {
        "primary": primary,
        "fallbacks": list(fallbacks),
        "aliases": [list(a) for a in aliases],
        "models": list(models),
        "base-url": base_url,
    }


def configured(id, **fields):
    record = {
        "id": id,
        "name": None,
        "alias": None,
        "reasoning": None,
        "input": None,
        "context-window": None,
        "max-tokens": None,
        "cost": None,
        "options": None,
    }
    record.update({k.replace("_", "-"): v for k, v in fields.items()})
    return record


def error(kind, message="", status=None, request_id=None, provider=None, retry=None):
    return {
        "kind": kind,
        "details": {
            "message": message,
            "status": status,
            "request-id": request_id,
            "provider": provider,
            "retry-after-secs": retry,
        },
    }


def vector(id, rule, call, *args, interface=None, **extra):
    v = {"id": id, "rule": rule, "call": call, "args": list(args)}
    if interface:
        v["interface"] = interface
    v.update(extra)
    return v


def model_refs():
    valid = [
        ("bare", "Qwen/Qwen3-8B", "§3 a bare org/model (one /) is this provider's"),
        ("prefixed", "huggingface/deepseek-ai/DeepSeek-R1", "§3 huggingface/<org>/<model>"),
        ("prefix-any-case", "HuggingFace/Qwen/Qwen3-8B", "§3 the provider part is lower-cased"),
        ("prefix-upper", "HUGGINGFACE/Qwen/Qwen3-8B", "§3 the provider part is lower-cased"),
        ("prefix-trimmed", " huggingface /Qwen/Qwen3-8B", "§3 provider trimmed"),
        ("model-trimmed", "huggingface/ Qwen/Qwen3-8B ", "§3 model id trimmed"),
        ("case-kept", "huggingface/MeTa-LLaMA/Llama-3.3-70B-Instruct", "§3 model id keeps case"),
        ("double-prefix", "huggingface/huggingface/Qwen/Qwen3-8B", "§3 one leading huggingface/ in the id is stripped"),
        ("double-prefix-case", "huggingface/HuggingFace/Qwen/Qwen3-8B", "§3 the inner prefix is stripped case-insensitively"),
        ("fastest", "huggingface/Qwen/Qwen3-8B:fastest", "§3 policy suffix fastest"),
        ("cheapest", "huggingface/deepseek-ai/DeepSeek-R1:cheapest", "§3 policy suffix cheapest"),
        ("preferred", "huggingface/Qwen/Qwen3-8B:preferred", "§3 policy suffix preferred"),
        ("provider-groq", "huggingface/meta-llama/Llama-3.1-8B-Instruct:groq", "§3 a provider suffix pins the provider"),
        ("provider-together", "Qwen/Qwen3-32B:together", "§3 provider suffix on a bare reference"),
        ("provider-verbatim-case", "Qwen/Qwen3-8B:Novita", "§3 the suffix is kept verbatim"),
        ("policy-case", "Qwen/Qwen3-8B:FASTEST", "§3 suffix case (policy names)"),
        ("last-colon", "org/model:v2:groq", "§3 the route is after the last colon"),
        ("profile", "huggingface/Qwen/Qwen3-8B@work", "§3 an @profile is split off"),
        ("route-and-profile", "huggingface/Qwen/Qwen3-8B:cheapest@work", "§3 route then profile"),
        ("profile-bare", "Qwen/Qwen3-8B@personal", "§3 profile on a bare reference"),
        ("dots-and-underscores", "zai-org/GLM-4.7", "§3 dots in ids"),
        ("unicode-id", "org/modèle", "§3 non-ASCII ids are kept"),
        ("default-model", "huggingface/deepseek-ai/DeepSeek-R1", "§1 the default model parses"),
        ("org-named-huggingface", "huggingface/Qwen", "§3 one / is a bare org/model, whatever the org"),
    ]
    invalid = [
        ("empty", "", "§3 empty reference"),
        ("blank", "   ", "§3 whitespace-only reference"),
        ("no-slash", "DeepSeek-R1", "§3 a reference needs org/model"),
        ("only-prefix", "huggingface/", "§3 empty model"),
        ("other-provider", "openai/gpt-4o/x", "§3 another provider's prefix is rejected"),
        ("other-provider-2", "anthropic/claude/sonnet", "§3 another provider's prefix is rejected"),
        ("empty-org", "/Qwen3-8B", "§3 empty org"),
        ("empty-model", "Qwen/", "§3 empty model"),
        ("empty-suffix", "Qwen/Qwen3-8B:", "§3 empty suffix"),
        ("space-inside", "Qwen/Qwen3 8B", "§3 whitespace inside"),
        ("tab-inside", "Qwen/Qwen3\t8B", "§3 control characters inside"),
        ("newline-inside", "Qwen/Qwen3-8B\n:groq", "§3 control characters inside"),
        ("empty-profile", "Qwen/Qwen3-8B@", "§3 empty profile"),
        ("three-parts-bare", "a/b/c", "§3 two or more / need the huggingface prefix"),
        ("provider-inner-space", "hugging face/Qwen/Qwen3-8B", "§3 the provider must be huggingface"),
    ]
    out = []
    for id, ref, rule in valid:
        out.append(vector("parse/" + id, rule, "parse", ref))
    for id, ref, rule in invalid:
        out.append(vector("parse/invalid-" + id, rule, "parse", ref))
    for id, ref, rule in valid[:12] + invalid[:4]:
        out.append(vector("normalize/" + id, rule + " (normalised)", "normalize", ref))
    for id, ref, rule in valid[8:20]:
        out.append(vector("wire-model/" + id, "§3 the suffix is sent verbatim; the profile never is", "wire-model", ref))
    return {"interface": "model-refs", "vectors": out}


MODELS_BODY = json.loads((HERE.parent / "fixtures" / "models.json").read_text())


def body(data):
    return json.dumps({"object": "list", "data": data})


def catalog():
    out = [vector("builtin", "§4 the built-in catalog, offline and without a token", "builtin")]
    entry = lambda id, **f: dict({"id": id, "object": "model", "created": 1, "owned_by": id.split("/")[0]}, **f)
    projections = [
        ("fixture", json.dumps(MODELS_BODY), "§5 projection of a realistic body"),
        ("empty-data", body([]), "§5 an empty list projects to no models"),
        ("data-missing", json.dumps({"object": "list"}), "§5 data must be an array"),
        ("data-object", json.dumps({"data": {}}), "§5 data must be an array"),
        ("data-null", json.dumps({"data": None}), "§5 data must be an array"),
        ("not-json", "<html>busy</html>", "§5 a body that is not JSON"),
        ("top-level-array", "[]", "§5 the body must be an object"),
        ("trim-id", body([entry("  acme/Trimmed-Model  ")]), "§5.1 ids are trimmed"),
        ("skip-empty-id", body([entry("   "), entry("acme/Kept")]), "§5.1 empty ids are skipped"),
        ("skip-missing-id", body([{"object": "model"}, entry("acme/Kept")]), "§5.1 entries without an id are skipped"),
        ("duplicate-first-wins", body([entry("acme/Dup", name="First"), entry("acme/Dup", name="Second")]), "§5.1 duplicate ids: the first wins"),
        ("duplicate-after-trim", body([entry("acme/Dup"), entry(" acme/Dup ")]), "§5.1 duplicates after trimming"),
        ("catalog-wins", body([entry("deepseek-ai/DeepSeek-R1", name="Router Name", providers=[{"provider": "together", "status": "live", "context_length": 65536}])]), "§5.3 a catalog id starts from the catalog entry (name, cost kept)"),
        ("reasoning-r1", body([entry("acme/Model-R1-Distill")]), "§5.3 reasoning when the id contains r1"),
        ("reasoning-thinking", body([entry("acme/Big-Thinking-2")]), "§5.3 reasoning when the id contains thinking"),
        ("reasoning-qwq", body([entry("Qwen/QwQ-32B")]), "§5.3 reasoning for qwq"),
        ("reasoning-grok", body([entry("xai/Grok-3")]), "§5.3 reasoning for grok"),
        ("reasoning-reasoner", body([entry("acme/Reasoner-7B")]), "§5.3 reasoning for reasoner/reason"),
        ("not-reasoning", body([entry("meta-llama/Llama-3.1-8B-Instruct")]), "§5.3 no reasoning marker"),
        ("image-input", body([entry("acme/Vision", architecture={"input_modalities": ["text", "image"]})]), "§5.3 image input modality"),
        ("text-only", body([entry("acme/Text", architecture={"input_modalities": ["text"]})]), "§5.3 text input"),
        ("min-context", body([entry("acme/Ctx", providers=[
            {"provider": "a", "status": "live", "context_length": 32768},
            {"provider": "b", "status": "live", "context_length": 8192},
            {"provider": "c", "status": "error", "context_length": 1024},
            {"provider": "d", "status": "live", "context_length": 0}])]), "§5.4 context = minimum positive over live routes"),
        ("no-live-context", body([entry("acme/NoCtx", providers=[{"provider": "c", "status": "error", "context_length": 1024}])]), "§5.4 no live context: the default"),
        ("tools-false", body([entry("acme/Tools", providers=[
            {"provider": "a", "status": "live", "supports_tools": True},
            {"provider": "b", "status": "live", "supports_tools": False}])]), "§5.5 a live route without tools marks the model"),
        ("tools-false-error-route", body([entry("acme/Tools2", providers=[
            {"provider": "a", "status": "live", "supports_tools": True},
            {"provider": "b", "status": "error", "supports_tools": False}])]), "§5.5 routes in error do not count"),
        ("routes-kept", body([entry("acme/Routes", providers=[
            {"provider": "a", "status": "live", "pricing": {"input": 0.1, "output": 0.2}, "first_token_latency_ms": 120, "throughput": 88.5, "is_model_author": True, "is_free": False, "supports_structured_output": True},
            {"provider": "b", "status": "error"},
            {"provider": "c", "status": "staging", "pricing": {"input": 1}}])]), "§5 beyond: every route and its metadata is kept"),
        ("unknown-fields", body([entry("acme/Unknown", brand_new={"x": [1, 2]}, providers=[{"provider": "a", "status": "live", "future": True}])]), "§5 unknown fields are ignored"),
        ("wrong-types", body([entry("acme/Types", name=5, providers=[{"provider": "a", "status": "live", "context_length": "big", "pricing": "free"}])]), "§5 any field may be missing or odd"),
        ("name-title", body([entry("acme/T", title="  Acme Title  ")]), "§6 title when there is no name"),
        ("name-display", body([entry("acme/D", display_name="Acme Display")]), "§6 display_name last"),
        ("name-order", body([entry("acme/O", name=" ", title="Title Wins", display_name="Display")]), "§6 the first non-empty trimmed of name, title, display_name"),
        ("name-owned-by", body([entry("acme/owned-model")]), "§6 owned_by/base when there is no API name"),
        ("name-derived", body([{"id": "acme/llama-3.3-70b-instruct", "owned_by": ""}]), "§6 derived from the base when owned_by is empty"),
    ]
    for id, text_body, rule in projections:
        out.append(vector("project-models/" + id, rule, "project-models", text_body))
    names = [
        ("deepseek", "deepseek-ai/DeepSeek-R1", None, "§6 DeepSeek-R1 -> DeepSeek R1"),
        ("llama", "meta-llama/Llama-3.3-70B-Instruct", None, "§6 dashes become spaces"),
        ("lowercase-words", "acme/my-little-model", None, "§6 first character of each word upper-cased"),
        ("nothing-lowered", "acme/GPT-oss-XL", None, "§6 nothing is lower-cased"),
        ("digits-underscores", "acme/v2_beta-model", None, "§6 words of letters, digits and _"),
        ("dots", "acme/glm-4.7", None, "§6 dots stay inside words"),
        ("owned-by", "Qwen/Qwen3-8B", "Qwen", "§6 owned_by/base"),
        ("owned-by-blank", "Qwen/Qwen3-8B", "", "§6 empty owned_by is ignored"),
        ("no-slash", "standalone-model", None, "§6 an id without a slash"),
        ("unicode", "acme/été-model", None, "§6 non-ASCII letters are not upper-cased"),
        ("double-dash", "acme/a--b", None, "§6 each dash is a space"),
        ("trailing-slash", "acme/", None, "§6 empty base"),
    ]
    for id, model, owned, rule in names:
        out.append(vector("derive-name/" + id, rule, "derive-name", model, owned))
    qwen = model_info("Qwen/Qwen3-8B", name="Qwen3 8B")
    qwen_cheap = model_info("Qwen/Qwen3-8B:cheapest", name="Qwen3 8B", alias="Qwen3 8B (cheap)")
    aliased = model_info("deepseek-ai/DeepSeek-R1", name="DeepSeek R1", alias="R1")
    listed = [qwen, qwen_cheap, aliased]
    display = [
        ("listed", "huggingface/Qwen/Qwen3-8B", "§6 the entry's name"),
        ("alias", "huggingface/deepseek-ai/DeepSeek-R1", "§6 an alias overrides the name"),
        ("suffixed-entry", "huggingface/Qwen/Qwen3-8B:cheapest", "§7 a suffixed reference is its own entry"),
        ("suffix-falls-back", "huggingface/Qwen/Qwen3-8B:groq", "§6 a suffix without its own entry uses the base"),
        ("unknown", "huggingface/acme/unknown-model", "§6 derived for an unknown model"),
        ("profile", "huggingface/deepseek-ai/DeepSeek-R1@work", "§3 the profile does not change the model"),
        ("invalid", "openai/gpt/x", "§3 an invalid reference is an error"),
    ]
    for id, ref, rule in display:
        out.append(vector("display-name/" + id, rule, "display-name", ref, listed))
    routed = model_info("acme/Routed", routes=[
        route("slow", pricing={"input": 0.1, "output": 0.2}, throughput=10.0),
        route("fast", pricing={"input": 1.0, "output": 2.0}, throughput=90.0),
        route("cheap", pricing={"input": 0.05, "output": 0.1}, throughput=30.0),
        route("broken", status="error", pricing={"input": 0.0, "output": 0.0}, throughput=500.0),
    ])
    for id, ref, rule in [
        ("fastest", "huggingface/acme/Routed:fastest", "§5 beyond: which route :fastest would pick"),
        ("cheapest", "huggingface/acme/Routed:cheapest", "§5 beyond: which route :cheapest would pick (lowest output price)"),
        ("provider", "huggingface/acme/Routed:slow", "§5 beyond: a pinned provider's route"),
        ("provider-unknown", "huggingface/acme/Routed:nobody", "§5 beyond: an unknown provider has no route"),
        ("error-route", "huggingface/acme/Routed:broken", "§5 beyond: routes in error are not picked"),
        ("no-suffix", "huggingface/acme/Routed", "§3 no suffix: the router's default"),
        ("preferred", "huggingface/acme/Routed:preferred", "§3 preferred depends on the user's settings"),
        ("invalid", "", "§3 an invalid reference is an error"),
    ]:
        out.append(vector("explain-route/" + id, rule, "explain-route", routed, ref))
    discovered = [model_info("Qwen/Qwen3-8B", name="Qwen3 8B", routes=[route("groq", context_length=32768)], context_window=32768),
                  model_info("acme/Other", name="Other")]
    merges = [
        ("empty-config", config(), "§5 merging with nothing configured keeps the list"),
        ("configured-first", config(models=[configured("acme/Other", name="Mine")]), "§7 configured entries come first and keep their fields"),
        ("gap-filled", config(models=[configured("Qwen/Qwen3-8B", alias="Q")]), "§7 later sources only fill gaps"),
        ("configured-only", config(models=[configured("acme/Private", name="Private", context_window=4096, cost=cost(1, 2, 0, 0))]), "§7 an entry not in the list is kept"),
        ("options-kept", config(models=[configured("acme/Other", options='{"temperature":0.2}')]), "§7 options are kept"),
        ("alias-from-defaults", config(aliases=[("huggingface/Qwen/Qwen3-8B", "Fast Qwen")]), "§7 aliases from agents.defaults.models"),
        ("suffixed-alias", config(aliases=[("huggingface/Qwen/Qwen3-8B:cheapest", "Cheap Qwen")]), "§7 a suffixed reference becomes its own entry"),
        ("configured-alias-wins", config(models=[configured("Qwen/Qwen3-8B", alias="Mine")], aliases=[("huggingface/Qwen/Qwen3-8B", "Theirs")]), "§7 entries keep every field they set"),
        ("reasoning-and-input", config(models=[configured("acme/Other", reasoning=True, input=["text", "image"], max_tokens=1024)]), "§7 configured metadata wins"),
    ]
    for id, cfg, rule in merges:
        out.append(vector("merge/" + id, rule, "merge", discovered, cfg))
    return {"interface": "catalog", "vectors": out}


def configuration():
    docs = [
        ("empty-object", "{}", "§7 an empty configuration"),
        ("spec-example", """{
  agents: { defaults: {
    model: { primary: "huggingface/deepseek-ai/DeepSeek-R1",
             fallbacks: ["huggingface/Qwen/Qwen3-8B"] },
    models: { "huggingface/deepseek-ai/DeepSeek-R1": { alias: "DeepSeek R1" },
              "huggingface/Qwen/Qwen3-8B:cheapest": { alias: "Qwen3 8B (cheap)" } },
  } },
  models: { providers: { huggingface: { models: [ ] } } },
}""", "§7 the JSON5 example"),
        ("json", json.dumps({"agents": {"defaults": {"model": {"primary": "huggingface/Qwen/Qwen3-8B"}}}}), "§7 plain JSON"),
        ("primary-string", json.dumps({"agents": {"defaults": {"model": "huggingface/Qwen/Qwen3-8B:fastest"}}}), "§7 model as a string is the primary"),
        ("primary-other-provider", json.dumps({"agents": {"defaults": {"model": {"primary": "openai/gpt-4o"}}}}), "§7 another provider's primary is not ours"),
        ("fallbacks-mixed", json.dumps({"agents": {"defaults": {"model": {"fallbacks": ["huggingface/Qwen/Qwen3-8B", "anthropic/claude-sonnet-4", "huggingface/deepseek-ai/DeepSeek-V3.1:cheapest"]}}}}), "§10 only this provider's fallbacks, in order"),
        ("primary-normalised", json.dumps({"agents": {"defaults": {"model": {"primary": "HuggingFace/huggingface/Qwen/Qwen3-8B"}}}}), "§3 references are normalised"),
        ("aliases", json.dumps({"agents": {"defaults": {"models": {"huggingface/Qwen/Qwen3-8B": {"alias": "Q"}, "openai/gpt-4o": {"alias": "G"}, "huggingface/Qwen/Qwen3-8B:groq": {"alias": "Q groq"}}}}}), "§7 aliases keyed by full references; others ignored"),
        ("provider-models", json.dumps({"models": {"providers": {"huggingface": {"baseUrl": "http://127.0.0.1:8080/v1", "models": [
            {"id": "acme/Custom", "name": "Custom", "contextWindow": 4096, "maxTokens": 512, "reasoning": True, "input": ["text", "image"], "cost": {"input": 1, "output": 2, "cacheRead": 0.5, "cacheWrite": 0.5}, "temperature": 0.3}]}}}}), "§7 provider entries, every field read"),
        ("provider-case", json.dumps({"models": {"providers": {"HuggingFace": {"models": [{"id": "acme/A"}]}, "huggingface": {"models": [{"id": "acme/B"}]}}}}), "§7 provider keys differing in case collapse"),
        ("duplicate-ids", json.dumps({"models": {"providers": {"huggingface": {"models": [{"id": "acme/A", "name": "First"}, {"id": "acme/A", "name": "Second"}]}}}}), "§7 ids unique, first kept"),
        ("json5-comments", "// comment\n{ /* block */ agents: { defaults: { model: 'huggingface/Qwen/Qwen3-8B', }, }, }", "§7 JSON5 comments, single quotes, trailing commas"),
        ("json5-hex-and-plus", "{ models: { providers: { huggingface: { models: [ { id: 'acme/H', contextWindow: 0x1000, maxTokens: +512 } ] } } } }", "§7 JSON5 numbers"),
        ("other-providers-only", json.dumps({"models": {"providers": {"openai": {"models": [{"id": "gpt-4o"}]}}}}), "§7 other providers are ignored"),
        ("null-sections", json.dumps({"agents": None, "models": None}), "§7 null sections count as unset"),
    ]
    errors = [
        ("not-json", "{ this is not json", "§7 unreadable text is a config error"),
        ("top-level-array", "[]", "§7 the document is an object"),
        ("primary-number", json.dumps({"agents": {"defaults": {"model": {"primary": 5}}}}), "§7 wrong type names the key"),
        ("fallbacks-not-array", json.dumps({"agents": {"defaults": {"model": {"fallbacks": "huggingface/Qwen/Qwen3-8B"}}}}), "§7 wrong type names the key"),
        ("fallback-number", json.dumps({"agents": {"defaults": {"model": {"fallbacks": ["huggingface/Qwen/Qwen3-8B", 7]}}}}), "§7 wrong type names the index"),
        ("invalid-our-reference", json.dumps({"agents": {"defaults": {"model": {"primary": "huggingface/"}}}}), "§7 an invalid huggingface reference names the key"),
        ("models-not-array", json.dumps({"models": {"providers": {"huggingface": {"models": {}}}}}), "§7 wrong type names the key"),
        ("entry-without-id", json.dumps({"models": {"providers": {"huggingface": {"models": [{"name": "x"}]}}}}), "§7 entries need an id"),
        ("context-negative", json.dumps({"models": {"providers": {"huggingface": {"models": [{"id": "acme/A", "contextWindow": -1}]}}}}), "§7 numbers in range"),
        ("input-unknown", json.dumps({"models": {"providers": {"huggingface": {"models": [{"id": "acme/A", "input": ["video"]}]}}}}), "§7 modalities are text or image"),
        ("base-url-number", json.dumps({"models": {"providers": {"huggingface": {"baseUrl": 1}}}}), "§7 wrong type names the key"),
        ("too-deep", "[" * 70 + "]" * 70, "§7 nesting deeper than 64 levels"),
        ("deep-object", '{"a":' * 70 + "1" + "}" * 70, "§7 nesting deeper than 64 levels"),
    ]
    out = [vector("parse/" + id, rule, "parse", doc) for id, doc, rule in docs]
    out += [vector("parse/invalid-" + id, rule, "parse", doc) for id, doc, rule in errors]
    catalog_models = [model_info("deepseek-ai/DeepSeek-R1", name="DeepSeek R1", reasoning=True, cost=cost(3, 7, 3, 3)),
                      model_info("Qwen/Qwen3-8B", name="Qwen3 8B", defaulted=["context-window", "max-tokens", "cost"])]
    onboards = [
        ("fresh-with-token", None, True, "§7 onboarding with a token sets the default primary"),
        ("fresh-without-token", None, False, "§7 without a token no primary is set"),
        ("primary-kept", json.dumps({"agents": {"defaults": {"model": {"primary": "huggingface/Qwen/Qwen3-8B", "fallbacks": ["huggingface/acme/F"]}, "models": {"huggingface/Qwen/Qwen3-8B": {"alias": "Q"}}}}}), True, "§7 an existing primary, aliases and fallbacks are kept"),
        ("entries-first", json.dumps({"models": {"providers": {"huggingface": {"models": [{"id": "Qwen/Qwen3-8B", "name": "My Qwen", "alias": "mq", "temperature": 0.1}]}}}}), True, "§7 existing entries come first and keep every field"),
        ("case-collapse", json.dumps({"models": {"providers": {"HuggingFace": {"models": [{"id": "acme/A"}]}}}}), False, "§7 provider keys differing in case collapse into huggingface"),
        ("other-keys-kept", json.dumps({"gateway": {"port": 1}, "models": {"providers": {"openai": {"apiKey": "x"}}}}), True, "§7 unrelated sections are kept"),
        ("json5-existing", "{ agents: { defaults: { model: 'huggingface/Qwen/Qwen3-8B' } } }", True, "§7 JSON5 input, JSON output"),
        ("invalid-existing", "{ nope", True, "§7 unreadable input is a config error"),
    ]
    for id, existing, has_token, rule in onboards:
        out.append(vector("onboard/" + id, rule, "onboard", existing, catalog_models, has_token))
    return {"interface": "configuration", "vectors": out}


def auth():
    out = []
    paths = [
        ("hf-token-path", [["HF_TOKEN_PATH", "/t/token"], ["HF_HOME", "/h"]], "§2 $HF_TOKEN_PATH first"),
        ("hf-home", [["HF_HOME", "/h"], ["XDG_CACHE_HOME", "/x"], ["HOME", "/home/u"]], "§2 then $HF_HOME/token"),
        ("xdg", [["XDG_CACHE_HOME", "/x"], ["HOME", "/home/u"]], "§2 then $XDG_CACHE_HOME/huggingface/token"),
        ("home", [["HOME", "/home/u"]], "§2 then ~/.cache/huggingface/token"),
        ("none", [["PATH", "/bin"]], "§2 no variable: no path"),
        ("empty-values", [["HF_TOKEN_PATH", ""], ["HF_HOME", ""], ["HOME", "/home/u"]], "§2 empty variables count as unset"),
    ]
    for id, env, rule in paths:
        out.append(vector("token-file-path/" + id, rule, "token-file-path", env))
    tokens = [
        ("hub-wins", [["HF_TOKEN", "hf_b"], ["HUGGINGFACE_HUB_TOKEN", "hf_a"]], "hf_file", "§2 HUGGINGFACE_HUB_TOKEN wins over HF_TOKEN"),
        ("hf-token", [["HF_TOKEN", "hf_b"]], "hf_file", "§2 HF_TOKEN"),
        ("trimmed", [["HF_TOKEN", "  hf_b \n"]], None, "§2 tokens are trimmed"),
        ("blank-hub", [["HUGGINGFACE_HUB_TOKEN", "   "], ["HF_TOKEN", "hf_b"]], None, "§2 whitespace-only counts as unset"),
        ("file-fallback", [["HF_TOKEN", ""]], "  hf_file\n", "§2 the token file is the last fallback"),
        ("blank-file", [], " \n", "§2 an empty file is no token"),
        ("nothing", [], None, "§2 no token"),
        ("other-vars", [["OPENAI_API_KEY", "sk"]], None, "§2 only the two variables count"),
    ]
    for id, env, file, rule in tokens:
        out.append(vector("resolve-token/" + id, rule, "resolve-token", env, file))
    return {"interface": "auth", "vectors": out}


def chat():
    out = []
    for task in ["chat-completion", "text-to-image", "embeddings", "speech-to-text", "text-to-speech"]:
        out.append(vector("check-task/" + task, "§1 chat completions only; other tasks are unsupported", "check-task", task))
    tooled = model_info("acme/Routed", routes=[route("notools", supports_tools=False), route("withtools", supports_tools=True)], supports_tools=False)
    text_only = model_info("acme/TextOnly")
    vision = model_info("acme/Vision", input=["text", "image"])
    with_tools = request("huggingface/acme/Routed:notools", tools=[tool("lookup")])
    image_msg = [message("user", {"tag": "parts", "val": [text("what is this?"), {"tag": "image-url", "val": {"url": "https://example.com/a.png", "detail": None}}]})]
    checks = [
        ("tools-on-toolless-route", tooled, with_tools, "§5 beyond: refuse tools on a pinned route without them"),
        ("tools-on-tool-route", tooled, request("huggingface/acme/Routed:withtools", tools=[tool("lookup")]), "§5 beyond: tools on a route that has them"),
        ("tools-unpinned", tooled, request("huggingface/acme/Routed", tools=[tool("lookup")]), "§5 beyond: the router picks a route when none is pinned"),
        ("no-tools", tooled, request("huggingface/acme/Routed:notools"), "§5 beyond: no tools, nothing to refuse"),
        ("image-to-text-model", text_only, request("huggingface/acme/TextOnly", messages=image_msg), "§5 beyond: images to a text-only model"),
        ("image-to-vision-model", vision, request("huggingface/acme/Vision", messages=image_msg), "§5 images to a model that takes them"),
        ("invalid-model", vision, request("not a ref"), "§3 an invalid reference"),
    ]
    for id, model, req, rule in checks:
        out.append(vector("check-request/" + id, rule, "check-request", model, req))
    schema = '{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}'
    builds = [
        ("minimal", settings(), request(), False, "§8 headers and body of a minimal request"),
        ("streaming", settings(), request(), True, "§8 streaming: Accept text/event-stream, stream and include_usage"),
        ("bill-to", settings(bill_to="acme-org"), request(), False, "§8 X-HF-Bill-To"),
        ("blank-bill-to", settings(bill_to="  "), request(), False, "§8 an empty bill-to is not sent"),
        ("route-verbatim", settings(), request("huggingface/Qwen/Qwen3-8B:cheapest"), False, "§3 the suffix is sent verbatim"),
        ("provider-verbatim", settings(), request("Qwen/Qwen3-8B:Novita"), False, "§3 the suffix is sent verbatim"),
        ("profile-not-sent", settings(), request("huggingface/Qwen/Qwen3-8B:groq@work"), False, "§3 the profile is never sent"),
        ("double-prefix", settings(), request("huggingface/huggingface/Qwen/Qwen3-8B"), False, "§3 the inner prefix is not sent"),
        ("base-trailing-slash", settings(base_url=BASE + "/"), request(), False, "§1 base URL with a trailing slash"),
        ("all-fields", settings(), request(max_tokens=256, temperature=0.7, top_p=0.9, stop=["END", "\n\n"], seed=42, frequency_penalty=0.5, presence_penalty=-0.5, reasoning_effort="high"), False, "§8 every sampling field, in order"),
        ("zero-values", settings(), request(temperature=0.0, max_tokens=0, seed=0), False, "§8 zero is sent, unset is omitted"),
        ("negative-seed", settings(), request(seed=-7), False, "§8 seeds are signed"),
        ("roles", settings(), request(messages=[message("system", "Be brief."), message("user", "Hi", name="ann"), message("assistant", "Hello!"), message("user", "Again")]), False, "§8 system, user and assistant messages"),
        ("tool-round-trip", settings(), request(messages=[
            message("user", "Weather in Paris?"),
            message("assistant", None, tool_calls=[{"id": "call_1", "name": "weather", "arguments": '{"city":"Paris"}'}]),
            message("tool", "18C and sunny", tool_call_id="call_1")],
            tools=[tool("weather", "Current weather", schema)], tool_choice={"tag": "auto"}), False, "§8 assistant tool_calls and tool tool_call_id"),
        ("image-parts", settings(), request("huggingface/acme/Vision", messages=[message("user", {"tag": "parts", "val": [text("Describe"), {"tag": "image-url", "val": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}}]})]), False, "§8 content parts text and image_url"),
        ("tool-choice-none", settings(), request(tools=[tool("t")], tool_choice={"tag": "none"}), False, "§8 tool_choice none"),
        ("tool-choice-required", settings(), request(tools=[tool("t")], tool_choice={"tag": "required"}), False, "§8 tool_choice required"),
        ("tool-choice-function", settings(), request(tools=[tool("t", parameters=schema)], tool_choice={"tag": "function", "val": "t"}), False, "§8 tool_choice of one function"),
        ("format-text", settings(), request(response_format={"tag": "text"}), False, "§8 response_format text"),
        ("format-json-object", settings(), request(response_format={"tag": "json-object"}), False, "§8 response_format json_object"),
        ("format-json-schema", settings(), request(response_format={"tag": "json-schema", "val": {"name": "city", "schema": schema, "strict": True}}), False, "§8 response_format json_schema"),
        ("unicode-content", settings(), request(messages=[message("user", "héllo \u2603 \"quoted\" \\ \u0001")]), False, "§8 JSON escaping of content"),
        ("no-token", settings(token=None), request(), False, "§2 no token: unauthorized, nothing built"),
        ("blank-token", settings(token="   "), request(), False, "§2 a blank token counts as unset"),
        ("no-messages", settings(), request(messages=[]), False, "§8 at least one message"),
        ("bad-schema", settings(), request(response_format={"tag": "json-schema", "val": {"name": "x", "schema": "{not json", "strict": None}}), False, "§8 schemas are checked before sending"),
        ("bad-tool-parameters", settings(), request(tools=[tool("t", parameters="[1,")]), False, "§8 tool parameters are checked before sending"),
        ("invalid-model", settings(), request("openai/gpt-4o/x"), False, "§3 another provider's reference"),
        ("bad-base-url", settings(base_url="ftp://example.com"), request(), False, "§1 the base URL must be http(s)"),
        ("zero-timeout", settings(timeout_ms=0), request(), False, "settings: a zero timeout is invalid"),
    ]
    for id, s, req, streaming, rule in builds:
        out.append(vector("build-request/" + id, rule, "build-request", s, req, streaming))
    ok_headers = [["content-type", "application/json"], ["x-request-id", "req-123"], ["x-inference-provider", "together"]]
    completion = lambda message, finish="stop", usage=True: json.dumps(dict({
        "id": "c1", "object": "chat.completion", "model": "Qwen/Qwen3-8B",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}]},
        **({"usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}} if usage else {})))
    responses = [
        ("plain", ok_headers, completion({"role": "assistant", "content": "Hi there"}), "§8 the OpenAI shape, provider and request id surfaced"),
        ("reasoning", ok_headers, completion({"role": "assistant", "content": "42", "reasoning": "thinking..."}), "§8 message.reasoning"),
        ("reasoning-content", ok_headers, completion({"role": "assistant", "content": "42", "reasoning_content": "thought"}), "§8 message.reasoning_content normalised to one field"),
        ("tool-calls", ok_headers, completion({"role": "assistant", "content": None, "tool_calls": [{"id": "call_9", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]}, "tool_calls"), "§8 tool calls"),
        ("finish-length", ok_headers, completion({"role": "assistant", "content": "cut"}, "length"), "§8 finish length"),
        ("finish-end", ok_headers, completion({"role": "assistant", "content": "x"}, "end"), "§8 finish end -> stop"),
        ("finish-function-call", ok_headers, completion({"role": "assistant", "content": ""}, "function_call"), "§8 function_call -> tool use"),
        ("finish-other", ok_headers, completion({"role": "assistant", "content": "x"}, "content_filter"), "§8 anything else -> error"),
        ("finish-null", ok_headers, completion({"role": "assistant", "content": "x"}, None), "§8 a missing finish reason"),
        ("no-usage", ok_headers, completion({"role": "assistant", "content": "x"}, usage=False), "§8 usage when reported"),
        ("no-headers", [], completion({"role": "assistant", "content": "x"}), "§8 no provider or request id"),
        ("header-case", [["X-Request-Id", "REQ"], ["X-Inference-Provider", "groq"]], completion({"role": "assistant", "content": "x"}), "§8 header names are case-insensitive"),
        ("embedded-error-200", ok_headers, json.dumps({"error": "Model is overloaded"}), "§9 an error body with 200"),
        ("no-choices", ok_headers, json.dumps({"object": "chat.completion", "choices": []}), "§8 a completion needs a choice"),
        ("not-json-200", ok_headers, "<html>ok</html>", "§9 a 200 body that is not JSON"),
        ("status-201", ok_headers, completion({"role": "assistant", "content": "x"}), "§8 any 2xx is a success"),
    ]
    for id, headers, text_body, rule in responses:
        status = 201 if id == "status-201" else 200
        out.append(vector("parse-response/" + id, rule, "parse-response", "huggingface/Qwen/Qwen3-8B", status, headers, text_body))
    out.append(vector("parse-response/invalid-model", "§3 an invalid reference", "parse-response", "bad", 200, ok_headers, completion({"role": "assistant", "content": "x"})))
    return {"interface": "chat", "vectors": out}


def errors():
    h = [["x-request-id", "req-err"], ["x-inference-provider", "novita"]]
    j = lambda message, code=None: json.dumps({"error": dict({"message": message}, **({"code": code} if code else {}))})
    cases = [
        ("400-model-not-supported", 400, h, j("The requested model is not supported by any provider you have enabled.", "model_not_supported"), "§9 400 model_not_supported"),
        ("400-bad-request", 400, h, j("max_tokens must be positive"), "§9 400 other: bad request"),
        ("400-string-error", 400, h, json.dumps({"error": "Input validation error"}), "§9 {\"error\": \"text\"}"),
        ("401", 401, h, j("Invalid credentials in Authorization header"), "§9 401 unauthorized"),
        ("401-plain-text", 401, [], "Unauthorized", "§9 a body that is not JSON"),
        ("402", 402, h, j("You have depleted your monthly included credits."), "§9 402 credits exhausted"),
        ("403-permission", 403, h, j("This authentication method does not have sufficient permissions to call Inference Providers on behalf of user x"), "§2 403 permission: the settings URL in the message"),
        ("403-other", 403, h, j("Forbidden"), "§9 403"),
        ("404", 404, h, j("Model not found"), "§9 404"),
        ("408", 408, h, "", "§9 408 timeout"),
        ("410", 410, h, j("This endpoint is deprecated"), "§9 410 legacy endpoint"),
        ("422", 422, h, j("Unprocessable"), "§9 422 bad request"),
        ("429", 429, h + [["retry-after", "17"]], j("Rate limit reached"), "§9 429 with Retry-After seconds"),
        ("429-ratelimit-header", 429, h + [["ratelimit", "limit=100, remaining=0, reset=42"]], j("Too many requests"), "§9 429 with the RateLimit header"),
        ("429-no-hint", 429, h, j("slow down"), "§9 429 without a hint"),
        ("500", 500, h, j("Internal error"), "§9 other 5xx: server error"),
        ("501", 501, h, "", "§9 other 5xx"),
        ("502", 502, h, "<html>Bad gateway</html>", "§9 502 timeout"),
        ("503", 503, h + [["retry-after", "5"]], j("Model is loading"), "§9 503 overloaded"),
        ("504", 504, h, "", "§9 504 timeout"),
        ("529", 529, h, j("Overloaded"), "§9 529 overloaded"),
        ("418", 418, h, j("I'm a teapot"), "§9 an unexpected 4xx"),
        ("nested-string-code", 400, h, json.dumps({"error": {"message": "bad", "code": 400, "type": "invalid_request_error"}}), "§9 a numeric code"),
        ("empty-body", 500, [], "", "§9 an empty body"),
        ("long-message", 400, h, j("x" * 5000), "§9 long messages are bounded"),
    ]
    out = []
    for id, status, headers, text_body, rule in cases:
        out.append(vector("parse-response/" + id, rule, "parse-response", "huggingface/Qwen/Qwen3-8B", status, headers, text_body))
    return {"interface": "chat", "vectors": out}


def sse(*events, done=True, crlf=False):
    nl = "\r\n" if crlf else "\n"
    parts = ["data: " + (e if isinstance(e, str) else json.dumps(e, ensure_ascii=False)) + nl + nl for e in events]
    if done:
        parts.append("data: [DONE]" + nl + nl)
    return "".join(parts)


def delta(**d):
    finish = d.pop("finish", None)
    return {"choices": [{"index": 0, "delta": d, "finish_reason": finish}]}


def streams():
    headers = [["content-type", "text/event-stream"], ["x-request-id", "req-s"], ["x-inference-provider", "groq"]]
    usage_chunk = {"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}}
    basic = sse(delta(role="assistant", content="Hel"), delta(content="lo"), delta(finish="stop"), usage_chunk)
    bodies = [
        ("basic", basic, "§8 content deltas, finish reason and the usage chunk"),
        ("crlf", sse(delta(content="a"), delta(content="b", finish="stop"), crlf=True), "§8 CRLF line endings"),
        ("reasoning", sse(delta(reasoning="think "), delta(reasoning_content="more"), delta(content="answer", finish="stop")), "§8 reasoning and reasoning_content"),
        ("tool-call-pieces", sse(
            delta(tool_calls=[{"index": 0, "id": "call_1", "type": "function", "function": {"name": "weather", "arguments": ""}}]),
            delta(tool_calls=[{"index": 0, "function": {"arguments": "{\"city\":"}}]),
            delta(tool_calls=[{"index": 1, "id": "call_2", "function": {"name": "time", "arguments": "{}"}}]),
            delta(tool_calls=[{"index": 0, "function": {"arguments": "\"Paris\"}"}}]),
            delta(finish="tool_calls")), "§8 tool call arguments assembled per index"),
        ("comments-and-fields", ": keep-alive\n\nevent: message\nid: 7\nretry: 1000\ndata: " + json.dumps(delta(content="x")) + "\n\n: another\n\ndata: [DONE]\n\n", "§8 comments and event/id/retry fields"),
        ("multi-line-data", "data: {\"choices\":[{\"delta\":\ndata: {\"content\":\"joined\"}}]}\n\ndata: [DONE]\n\n", "§8 data lines of one event are joined"),
        ("no-space-after-colon", "data:" + json.dumps(delta(content="tight")) + "\n\ndata:[DONE]\n\n", "§8 data: without a space"),
        ("error-string", sse(delta(content="partial"), {"error": "Model crashed"}, done=False), "§8 an error event with 200 (string)"),
        ("error-object", sse({"error": {"message": "Upstream failed", "code": "upstream_error"}}, done=False), "§8 an error event with 200 (object)"),
        ("truncated-mid-answer", sse(delta(content="never finished"), done=False), "§8 no [DONE]: truncated stream"),
        ("truncated-after-finish", sse(delta(content="x", finish="stop"), done=False), "§8 no [DONE] after the finish reason"),
        ("truncated-partial-line", "data: {\"choices\":[{\"delta\":{\"content\":\"cut", "§8 a body that ends inside an event"),
        ("empty-body", "", "§8 an empty body is truncated"),
        ("html-body", "<html>not a stream</html>", "§8 a body that is not an event stream"),
        ("malformed-event", "data: {not json}\n\ndata: [DONE]\n\n", "§8 an event that is not JSON"),
        ("after-done-ignored", sse(delta(content="a", finish="stop")) + "data: " + json.dumps(delta(content="late")) + "\n\n", "§8 nothing after [DONE]"),
        ("finish-length", sse(delta(content="a", finish="length")), "§8 finish length"),
        ("finish-unknown", sse(delta(content="a", finish="content_filter")), "§8 anything else -> error"),
        ("empty-deltas", sse(delta(), delta(content=""), {"choices": [{"index": 0}]}, delta(content="z", finish="stop")), "§8 empty deltas yield nothing"),
        ("token-in-content", sse(delta(content="your token is " + TOKEN + " ok"), delta(finish="stop")), "§2 the token never appears in stream events"),
        ("unicode", sse(delta(content="héllo ☃ 日本"), delta(finish="stop")), "§8 UTF-8 content"),
    ]
    out = []

    def add(id, rule, text_body, chunks, hdrs=headers):
        out.append(vector("stream/" + id, rule, "stream-decoder", settings(), "huggingface/Qwen/Qwen3-8B:groq", hdrs, chunks))

    for id, text_body, rule in bodies:
        add(id, rule, text_body, [text_body] if text_body else [])
    raw = basic.encode()
    # The same body split at every kind of place: network reads cut events anywhere.
    add("split-every-byte", "§8 events split across network reads (every byte)", basic, [list(raw[i:i + 1]) for i in range(len(raw))])
    add("split-in-crlf", "§8 a CRLF split between reads", "", ["data: " + json.dumps(delta(content="a")) + "\r", "\n\r", "\ndata: [DONE]\r\n\r\n"])
    snow = sse(delta(content="☃☃"), delta(finish="stop")).encode()
    cut = snow.index("☃".encode()) + 1
    add("split-in-utf8", "§8 a read that ends inside a UTF-8 character", "", [list(snow[:cut]), list(snow[cut:])])
    for n in (7, 31, 64):
        add(f"split-{n}-bytes", "§8 events split across network reads", basic, [list(raw[i:i + n]) for i in range(0, len(raw), n)])
    add("split-done", "§8 [DONE] split across reads", "", [sse(delta(content="x"), done=False) + "data: [DO", "NE]\n", "\n"])
    token_body = sse(delta(content="tok " + TOKEN[:12]), delta(content=TOKEN[12:] + " end"), delta(finish="stop"))
    add("token-split-across-events", "§2 a token split across events is still scrubbed", token_body, [token_body])
    add("no-content-type", "§8 a stream without a content type", basic, [basic], [["x-request-id", "r"]])
    add("html-content-type", "§8 an HTML answer to a stream request", "<html></html>", ["<html></html>"], [["content-type", "text/html"]])
    error_event = sse({"error": {"message": "Upstream failed"}}, done=False)
    add("error-repeats", "§8 after an error event every call returns it again", error_event,
        [sse(delta(content="before"), done=False), error_event, sse(delta(content="after"))])
    add("bytes-after-done", "§8 bytes after [DONE] are ignored, and finish succeeds", basic, [basic, "data: {not json}\n\n"])
    add("invalid-model", "§3 an invalid reference", basic, [basic])
    out[-1]["args"][1] = "huggingface/"
    return {"interface": "chat", "vectors": out}


def failover():
    out = []
    chains = [
        ("requested-first", "huggingface/acme/A", config(primary="huggingface/acme/P", fallbacks=["huggingface/acme/F1", "huggingface/acme/F2"]), "§10 requested, fallbacks in order, then the primary"),
        ("primary-when-none-requested", None, config(primary="huggingface/acme/P", fallbacks=["huggingface/acme/F1"]), "§10 the primary when nothing is requested"),
        ("default-model", None, config(), "§1 the default model when nothing is set"),
        ("duplicates-removed", "huggingface/acme/A", config(primary="huggingface/acme/A", fallbacks=["huggingface/acme/F", "huggingface/acme/A", "huggingface/acme/F"]), "§10 duplicates removed"),
        ("normalised-duplicates", "acme/A", config(primary=None, fallbacks=["huggingface/acme/A", "HuggingFace/acme/B"]), "§10 duplicates compared normalised"),
        ("suffix-distinct", "huggingface/acme/A:cheapest", config(fallbacks=["huggingface/acme/A"]), "§10 a suffixed reference is a different candidate"),
        ("primary-last", "huggingface/acme/A", config(primary="huggingface/acme/P"), "§10 the primary goes last"),
        ("profile-kept", "huggingface/acme/A@work", config(), "§3 the profile stays on the reference"),
        ("invalid-requested", "openai/gpt/x", config(), "§3 an invalid reference"),
        ("many-fallbacks", None, config(primary="huggingface/acme/P", fallbacks=[f"huggingface/acme/F{i}" for i in range(20)]), "§10 long chains"),
    ]
    for id, requested, cfg, rule in chains:
        out.append(vector("candidates/" + id, rule, "candidates", requested, cfg))
    kinds = ["invalid-model-ref", "config", "unauthorized", "forbidden", "payment-required", "model-not-supported",
             "not-found", "bad-request", "rate-limited", "overloaded", "server-error", "timeout", "transport",
             "malformed-response", "response-too-large", "truncated-stream", "stream-error", "unsupported"]
    for kind in kinds:
        err = error(kind, "m", status=None)
        out.append(vector("classify/" + kind, "§9 failover reason of each error kind", "classify", err))
        out.append(vector("advances/" + kind, "§10 whether the next candidate is tried", "advances", err))
    return {"interface": "failover", "vectors": out}


def live():
    """Calls that do I/O, against host-tests/vectors/fake_router.py: `$ROUTER` in a
    base URL is the router's origin; the outcome also holds what it received."""
    base = "$ROUTER/v1"
    rid = [["x-request-id", "req-live"], ["x-inference-provider", "together"]]
    hello = lambda model: request(model, [message("user", "Hello")])
    chunks = lambda *pieces, done=True: [sse(*[delta(content=p) for p in pieces], delta(finish="stop"),
                                             {"choices": [], "usage": {"prompt_tokens": 2, "completion_tokens": len(pieces), "total_tokens": 2 + len(pieces)}},
                                             done=done)]
    ok = lambda text: {"json": {"id": "c", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}, "headers": rid}
    err = lambda status, text, headers=(): {"status": status, "json": {"error": text}, "headers": rid + list(headers)}
    models = {"json": {"object": "list", "data": [MODELS_BODY["data"][0]]}}
    cases = [
        ("discover/strict", "§5 GET {base}/models with Bearer and Accept: application/json", "catalog", "discover",
         {"models": models}, [settings(base_url=base), "strict"]),
        ("discover/no-token", "§5 without a token nothing is sent: the built-in catalog", "catalog", "discover",
         {"models": models}, [settings(base_url=base, token=None), "strict"]),
        ("discover/advisory-500", "§5 advisory: a failure falls back to the built-in catalog and says why", "catalog", "discover",
         {"models": err(500, "down")}, [settings(base_url=base), "advisory"]),
        ("discover/strict-401", "§5 strict: the typed error", "catalog", "discover",
         {"models": err(401, "Invalid credentials")}, [settings(base_url=base), "strict"]),
        ("discover/advisory-empty", "§5 advisory: zero models fall back too", "catalog", "discover",
         {"models": {"json": {"object": "list", "data": []}}}, [settings(base_url=base), "advisory"]),
        ("discover/over-4-mib", "§5 the body is capped at 4 MiB", "catalog", "discover",
         {"models": {"json": {"object": "list", "data": []}, "pad-to": 4 * 1024 * 1024 + 1}}, [settings(base_url=base), "strict"]),
        ("complete/ok", "§8 the request as sent, and the provider and request id surfaced", "chat", "complete",
         {"Qwen/Qwen3-8B:cheapest": ok("Hi!")}, [settings(base_url=base, bill_to="acme"), hello("huggingface/Qwen/Qwen3-8B:cheapest")]),
        ("complete/429", "§9 429 with Retry-After", "chat", "complete",
         {"Qwen/Qwen3-8B": err(429, "slow down", [["retry-after", "9"]])}, [settings(base_url=base), hello("huggingface/Qwen/Qwen3-8B")]),
        ("stream/ok", "§8 a stream: content, finish, usage, [DONE]", "chat", "open-stream",
         {"Qwen/Qwen3-8B": {"chunks": chunks("Hel", "lo"), "headers": rid}}, [settings(base_url=base), hello("huggingface/Qwen/Qwen3-8B")]),
        ("stream/truncated", "§8 a stream that ends without [DONE]", "chat", "open-stream",
         {"Qwen/Qwen3-8B": {"chunks": chunks("cut", done=False), "headers": rid}}, [settings(base_url=base), hello("huggingface/Qwen/Qwen3-8B")]),
        ("stream/402", "§9 a stream request answered 402", "chat", "open-stream",
         {"Qwen/Qwen3-8B": err(402, "You have depleted your monthly included credits.")}, [settings(base_url=base), hello("huggingface/Qwen/Qwen3-8B")]),
        ("failover/advance", "§10 402 and 503 move on; every attempt reported; failed models cool down 30 s", "failover", "complete",
         {"acme/A": err(402, "credits"), "acme/B": err(503, "loading"), "acme/C": ok("from C")},
         [settings(base_url=base), hello("huggingface/acme/A"), ["huggingface/acme/A", "huggingface/acme/B", "huggingface/acme/C"], []]),
        ("failover/stop", "§10 a format error stops the run", "failover", "complete",
         {"acme/A": err(400, "bad request"), "acme/C": ok("never")},
         [settings(base_url=base), hello("huggingface/acme/A"), ["huggingface/acme/A", "huggingface/acme/C"], []]),
        ("failover/stream", "§10 streams fail over until one opens", "failover", "open-stream",
         {"acme/A": err(429, "busy"), "acme/B": {"chunks": chunks("ok")}},
         [settings(base_url=base), hello("huggingface/acme/A"), ["huggingface/acme/A", "huggingface/acme/B"], []]),
        ("failover/no-token", "§10 no token: unauthorized before any request, no attempts", "failover", "complete",
         {}, [settings(base_url=base, token=None), hello("huggingface/acme/A"), ["huggingface/acme/A"], []]),
    ]
    out = []
    for id, rule, interface, call, replies, args in cases:
        out.append(vector("live/" + id, rule, call, *args, interface=interface, router=replies))
    return {"interface": "live", "vectors": out}


FILES = {
    "model-refs.json": model_refs,
    "catalog.json": catalog,
    "configuration.json": configuration,
    "auth.json": auth,
    "chat.json": chat,
    "errors.json": errors,
    "stream.json": streams,
    "failover.json": failover,
    "live.json": live,
}


def main():
    total = 0
    for name, build in FILES.items():
        path = HERE / name
        kept = {}
        if path.exists():
            kept = {v["id"]: v["expect"] for v in json.loads(path.read_text())["vectors"] if "expect" in v}
        doc = build()
        ids = [v["id"] for v in doc["vectors"]]
        assert len(ids) == len(set(ids)), f"{name}: duplicate ids"
        for v in doc["vectors"]:
            if v["id"] in kept:
                v["expect"] = kept[v["id"]]
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        total += len(ids)
        print(f"{name}: {len(ids)} vectors")
    print(f"total: {total}")


if __name__ == "__main__":
    main()
