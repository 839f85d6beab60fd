// The discovery projection rules (shared/spec/provider-behaviour.md §5 and §6)
// in plain JavaScript: the baseline `host/benches/compare.rs` measures the
// component and the native core against. Like them it starts from the body's
// bytes (UTF-8 decoding and JSON.parse included) and keeps every route with its
// metadata, so all three produce the same models.
//
//   node host/benches/projection.mjs RUNS FILE...
//
// prints one JSON object: {"FILE": {"medianMs": …, "models": …}, …}.

import { readFileSync } from "node:fs";

const DEFAULT_CONTEXT = 131072;
const DEFAULT_MAX_TOKENS = 8192;
const MAX_MODELS = 10000;
const MAX_ROUTES = 64;
const REASONING_MARKERS = ["r1", "reason", "thinking", "reasoner", "grok", "qwq"];

// The built-in catalog's ids and what the catalog wins for (name, reasoning,
// input, cost, max tokens), as in src/catalog.rs.
const CATALOG = new Map(
  [
    ["deepseek-ai/DeepSeek-R1", "DeepSeek R1", true, [3, 7, 3, 3]],
    ["deepseek-ai/DeepSeek-V3.1", "DeepSeek V3.1", false, [0.6, 1.25, 0.6, 0.6]],
    ["openai/gpt-oss-120b", "GPT-OSS 120B", false, [0, 0, 0, 0]],
    ["deepseek-ai/DeepSeek-V3.2", "DeepSeek V3.2", false, [0, 0, 0, 0]],
    ["Qwen/Qwen3-8B", "Qwen3 8B", false, [0, 0, 0, 0]],
    ["Qwen/Qwen2.5-7B-Instruct", "Qwen2.5 7B Instruct", false, [0, 0, 0, 0]],
    ["Qwen/Qwen3-32B", "Qwen3 32B", false, [0, 0, 0, 0]],
    ["meta-llama/Llama-3.3-70B-Instruct", "Llama 3.3 70B Instruct", false, [0, 0, 0, 0]],
    ["meta-llama/Llama-3.1-8B-Instruct", "Llama 3.1 8B Instruct", false, [0, 0, 0, 0]],
    ["zai-org/GLM-4.7", "GLM 4.7", false, [0, 0, 0, 0]],
    ["moonshotai/Kimi-K2.5", "Kimi K2.5", false, [0, 0, 0, 0]],
  ].map(([id, name, reasoning, [input, output, cacheRead, cacheWrite]]) => [
    id,
    { name, reasoning, cost: { input, output, cacheRead, cacheWrite } },
  ]),
);

function deriveName(id, ownedBy) {
  const base = id.slice(id.lastIndexOf("/") + 1);
  if (typeof ownedBy === "string" && ownedBy.trim() !== "") return `${ownedBy.trim()}/${base}`;
  return base
    .replaceAll("-", " ")
    .replace(/(^|[^A-Za-z0-9_])([a-z])/g, (_, before, letter) => before + letter.toUpperCase());
}

const optionalNumber = (value) => (typeof value === "number" ? value : null);
const optionalBool = (value) => (typeof value === "boolean" ? value : null);

function route(provider) {
  const pricing = provider.pricing;
  return {
    provider: String(provider.provider ?? ""),
    status: String(provider.status ?? ""),
    contextLength: Number.isInteger(provider.context_length) ? provider.context_length : null,
    pricing:
      pricing && typeof pricing.input === "number" && typeof pricing.output === "number"
        ? { input: pricing.input, output: pricing.output }
        : null,
    supportsTools: optionalBool(provider.supports_tools),
    supportsStructuredOutput: optionalBool(provider.supports_structured_output),
    firstTokenLatencyMs: optionalNumber(provider.first_token_latency_ms),
    throughput: optionalNumber(provider.throughput),
    isModelAuthor: optionalBool(provider.is_model_author),
    isFree: optionalBool(provider.is_free),
  };
}

function project(bytes) {
  const body = JSON.parse(new TextDecoder().decode(bytes));
  if (body === null || typeof body !== "object" || !Array.isArray(body.data)) {
    throw new Error("the /models body has no data array");
  }
  const seen = new Set();
  const models = [];
  for (const entry of body.data) {
    if (models.length >= MAX_MODELS) break;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) continue;
    const id = typeof entry.id === "string" ? entry.id.trim() : "";
    if (id === "" || seen.has(id)) continue;
    seen.add(id);

    const known = CATALOG.get(id);
    const apiName = [entry.name, entry.title, entry.display_name]
      .filter((n) => typeof n === "string")
      .map((n) => n.trim())
      .find((n) => n !== "");
    const lower = id.toLowerCase();
    const modalities = entry.architecture?.input_modalities;
    const providers = Array.isArray(entry.providers) ? entry.providers : [];
    let context = 0;
    let supportsTools = null;
    const routes = [];
    for (const provider of providers) {
      if (provider === null || typeof provider !== "object") continue;
      if (provider.status !== "error") {
        const length = provider.context_length;
        if (Number.isInteger(length) && length > 0 && (context === 0 || length < context)) {
          context = length;
        }
        if (provider.supports_tools === false) supportsTools = false;
      }
      if (routes.length < MAX_ROUTES) routes.push(route(provider));
    }
    models.push({
      reference: `huggingface/${id}`,
      id,
      name: known ? known.name : (apiName ?? deriveName(id, entry.owned_by)),
      alias: null,
      reasoning: known ? known.reasoning : REASONING_MARKERS.some((m) => lower.includes(m)),
      input: !known && Array.isArray(modalities) && modalities.includes("image") ? ["text", "image"] : ["text"],
      contextWindow: context || DEFAULT_CONTEXT,
      maxTokens: DEFAULT_MAX_TOKENS,
      cost: known ? known.cost : { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      supportsTools,
      routes,
    });
  }
  return models;
}

const [runsText, ...files] = process.argv.slice(2);
const runs = Number(runsText);
const results = {};
for (const file of files) {
  const bytes = readFileSync(file);
  let models = project(bytes).length;
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    models = project(bytes).length;
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  results[file] = { medianMs: samples[Math.floor(samples.length / 2)], models };
}
console.log(JSON.stringify(results));
