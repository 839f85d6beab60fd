// The Hugging Face Inference Providers model provider for browsers (and Node
// >= 20): the Rust core built with wasm-bindgen, doing its HTTP with the
// host's own `fetch`, so nothing blocks the page or the event loop. Every rule
// (references, catalog, discovery, requests, errors, streaming, failover) is the
// core's; this module converts values and gives them an idiomatic API.

import init, * as wasm from '../pkg/huggingface_provider.js';
import { fromWasm, toWasm } from './shape.js';
import { DEFAULT_BASE_URL, EMPTY_CONFIG, ProviderError, asError, chatRequest, streamEvent, witError } from './common/api.js';

export { DEFAULT_BASE_URL, ProviderError };

let ready;

/**
 * Loads the WebAssembly module once. In a page (or through a bundler) it is
 * fetched beside this file; in Node it is read from disk. Pass `module` (a URL,
 * a `Response`, bytes or a compiled `WebAssembly.Module`) to load it from
 * elsewhere.
 */
export function load(module) {
  ready ??= (async () => {
    if (module === undefined && typeof process === 'object' && process.versions?.node) {
      // Hidden from bundlers, which would otherwise try to bundle Node's fs for a page.
      const fs = 'node:fs/promises';
      const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ fs);
      module = await readFile(new URL('../pkg/huggingface_provider_bg.wasm', import.meta.url));
    }
    await init(module === undefined ? undefined : { module_or_path: module });
  })();
  return ready;
}

const isProviderError = (thrown) =>
  thrown !== null && typeof thrown === 'object' && !(thrown instanceof Error) && 'kind' in thrown && 'details' in thrown;

/** A thrown `provider-error` value as a `ProviderError`; anything else unchanged. */
const rethrown = (thrown) => (isProviderError(thrown) ? new ProviderError(fromWasm(thrown)) : thrown);

/** Calls an export; its value in the package's shape, its failure as a `ProviderError`. */
function call(fn, ...args) {
  try {
    return fromWasm(fn(...args));
  } catch (thrown) {
    throw rethrown(thrown);
  }
}

async function callAsync(fn, ...args) {
  try {
    return fromWasm(await fn(...args));
  } catch (thrown) {
    throw rethrown(thrown);
  }
}

/** A chat request in the exports' shape. */
const wasmRequest = (request) => toWasm(chatRequest(request));

/** A base URL as given, or in a page a path resolved against the page (`/hf-proxy/v1`). */
function absolute(url) {
  if (typeof globalThis.location?.href !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  return new URL(url, globalThis.location.href).href.replace(/\/$/, '');
}

/**
 * A streamed answer: iterate it for events (`for await`), as they arrive from
 * the response body; `response()` gives the assembled answer. Leaving the loop
 * early aborts the request.
 */
export class ChatStream {
  #raw;
  #closed = false;

  constructor(raw) {
    this.#raw = raw;
  }

  async *[Symbol.asyncIterator]() {
    try {
      for (;;) {
        let batch;
        try {
          batch = await callAsync(() => this.#raw.next());
        } catch (error) {
          // close() during a read aborts it: the loop ends, it did not fail.
          if (this.#closed) return;
          throw error;
        }
        if (batch === undefined) return;
        for (const event of batch) yield streamEvent(event);
      }
    } finally {
      this.close();
    }
  }

  /** The answer assembled so far: content, reasoning, tool calls, usage, finish reason. */
  async response() {
    return call(() => this.#raw.response());
  }

  /**
   * Aborts the request (done for you when the loop ends); a loop waiting for
   * the next event then ends. The answer so far stays.
   */
  close() {
    this.#closed = true;
    this.#raw.close();
  }
}

/**
 * A streaming body the caller reads itself, decoded as it arrives (sans-IO):
 * `feed` each piece, `finish` at the end; from `Provider.decodeStream`.
 */
export class StreamDecoder {
  #raw;

  constructor(raw) {
    this.#raw = raw;
  }

  /** The events the bytes complete (none while an event is incomplete). */
  feed(bytes) {
    return call(() => this.#raw.feed(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes)).map(streamEvent);
  }

  /** Ends the body: the last events, or a `truncated-stream` error. */
  finish() {
    return call(() => this.#raw.finish()).map(streamEvent);
  }

  /** Whether `data: [DONE]` has arrived. */
  get isDone() {
    return this.#raw.isDone();
  }

  /** The answer assembled so far. */
  response() {
    return call(() => this.#raw.response());
  }
}

/** The provider: settings, a configuration, and the cooldowns of its failover runs. */
export class Provider {
  #settings;
  #config;
  #cooldowns = [];

  constructor(settings, config) {
    this.#settings = settings;
    this.#config = config;
  }

  /**
   * Loads the module and checks the options. `token` is sent as a bearer token:
   * every script on the page can read it, so a public page should leave it out
   * and set `proxyAddsToken` with a `baseUrl` on its own origin that adds it.
   */
  static async create(options = {}) {
    await load(options.module);
    const settings = toWasm({
      baseUrl: absolute(options.baseUrl ?? DEFAULT_BASE_URL),
      token: options.token ?? undefined,
      timeoutMs: options.timeoutMs ?? 30_000,
      billTo: options.billTo,
      requestDeadlineMs: options.requestDeadlineMs,
      streamIdleMs: options.streamIdleMs,
      streamDeadlineMs: options.streamDeadlineMs,
      proxyAddsToken: options.proxyAddsToken ?? false,
    });
    // An invalid base URL or timeout is reported now, not at the first call.
    call(wasm.settingsValidate, settings);
    const config = options.config === undefined ? EMPTY_CONFIG : call(wasm.configurationParse, options.config);
    return new Provider(settings, config);
  }

  /** The configuration in use (from `config`), parsed. */
  get config() {
    return this.#config;
  }

  async parseModelRef(reference) {
    return call(wasm.modelRefsParse, reference);
  }

  async normalizeModelRef(reference) {
    return call(wasm.modelRefsNormalize, reference);
  }

  async builtinCatalog() {
    return call(wasm.catalogBuiltin);
  }

  /** Discovery (`GET /models`); advisory unless `strict`: then a failure rejects instead of falling back. */
  async discover({ strict = false } = {}) {
    const found = await callAsync(wasm.catalogDiscover, this.#settings, strict ? 'strict' : 'advisory');
    return { models: found.models, source: found.source, warning: asError(found.warning) };
  }

  /** The models to show: discovered (or built in), with the configuration laid over them. */
  async models(options) {
    const { models } = await this.discover(options);
    return call(wasm.catalogMerge, toWasm(models), toWasm(this.#config));
  }

  async projectModels(body) {
    return call(wasm.catalogProjectModels, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }

  async displayName(reference, models) {
    return call(wasm.catalogDisplayName, reference, toWasm(models));
  }

  async parseConfig(text) {
    return call(wasm.configurationParse, text);
  }

  async onboard(existing, models, { hasToken }) {
    return call(wasm.configurationOnboard, existing ?? undefined, toWasm(models), hasToken);
  }

  /** The exact request the router would get (its `Authorization` header holds the token). */
  async buildRequest(request, { stream = false } = {}) {
    return call(wasm.chatBuildRequest, this.#settings, wasmRequest(request), stream);
  }

  /**
   * A response the caller received itself (sans-IO): the completion of a 2xx
   * answer, or the typed error of any other, thrown.
   */
  async parseResponse(model, { status, headers = [], body }) {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return call(wasm.chatParseResponse, model, status, headers, bytes);
  }

  /** A decoder for a 2xx streaming answer the caller reads itself; `headers` are the response's. */
  async decodeStream(model, headers = []) {
    return new StreamDecoder(call(() => wasm.chatDecodeStream(this.#settings, model, headers)));
  }

  /** One non-streamed completion. */
  async complete(request) {
    return callAsync(wasm.chatComplete, this.#settings, wasmRequest(request));
  }

  /** Opens a streamed completion once the router has answered 2xx. */
  async stream(request) {
    return new ChatStream(await callAsync(wasm.chatOpenStream, this.#settings, wasmRequest(request)));
  }

  /**
   * How failover treats an error (`auth`, `billing`, `rate-limit`, `overloaded`,
   * `timeout`, `model-not-found`, `format`…), or `undefined` for errors no other
   * model can change.
   */
  async failoverReason(error) {
    return call(wasm.failoverClassify, toWasm(witError(error)));
  }

  /** The failover chain for `model` (else the configured primary): the fallbacks, then the primary. */
  async candidates(model) {
    return call(wasm.failoverCandidates, model, toWasm(this.#config));
  }

  /**
   * A completion with failover over `candidates` (default: the chain for
   * `request.model`). Resolves `{response, attempts}`; rejects with the error that
   * ended the run, its `attempts` attached. Models that failed cool down.
   */
  async completeWithFailover(request, { candidates } = {}) {
    const { value, attempts } = await this.#failover(wasm.failoverComplete, 'completion', request, candidates);
    return { response: value, attempts };
  }

  /** A stream with failover: `{stream, attempts}`, like `completeWithFailover`. */
  async streamWithFailover(request, { candidates } = {}) {
    const { value, attempts } = await this.#failover(wasm.failoverOpenStream, 'opened', request, candidates);
    return { stream: new ChatStream(value), attempts };
  }

  /** One failover run: its outcome's `field` (the first success), and every attempt. */
  async #failover(fn, field, request, candidates) {
    const chain = candidates ?? (await this.candidates(request.model));
    const outcome = await callAsync(fn, this.#settings, wasmRequest(request), chain, toWasm(this.#cooldowns));
    this.#cooldowns = outcome.cooldowns;
    const attempts = outcome.attempts.map((a) => ({ model: a.model, error: asError(a.error) }));
    const result = outcome[field];
    if (result.tag === 'err') throw new ProviderError(result.val, attempts);
    return { value: result.val, attempts };
  }
}
