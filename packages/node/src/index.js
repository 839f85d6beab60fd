// The Hugging Face Inference Providers model provider for Node: the WebAssembly
// component (transpiled by jco) behind a Promise API. The component runs in a
// worker thread, so its synchronous wasi:http never blocks the caller's event
// loop; every rule (references, catalog, discovery, requests, errors, streaming,
// failover) is the component's. This module converts values and moves messages.

import { Worker } from 'node:worker_threads';
import { readFile, stat } from 'node:fs/promises';

import { DEFAULT_BASE_URL, EMPTY_CONFIG, ProviderError, asError, chatRequest, streamEvent, witError } from './common/api.js';

export { DEFAULT_BASE_URL, ProviderError };

/** Token files larger than this are not read (a token is ~40 bytes). */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** Calls into the component's worker; the worker only keeps the process alive while a call is pending. */
class Channel {
  #worker;
  #pending = new Map();
  #nextId = 1;
  #failure;

  constructor(worker) {
    this.#worker = worker;
    worker.on('message', (message) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#settle(message.id);
      if ('error' in message) pending.reject(new ProviderError(message.error));
      else if ('crash' in message) pending.reject(new Error(`the provider component failed: ${message.crash}`));
      else pending.resolve(message.ok);
    });
    const fail = (error) => {
      this.#failure = error;
      for (const [id, pending] of this.#pending) {
        this.#settle(id);
        pending.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the provider's worker exited (${code})`)));
  }

  #settle(id) {
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
  }

  call(call, ...args) {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, call, args });
    });
  }

  close() {
    return this.#worker.terminate();
  }
}

function originOf(baseUrl) {
  try {
    const url = new URL(baseUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? `${url.protocol}//${url.host}` : null;
  } catch {
    return null;
  }
}

/**
 * A streamed answer: iterate it for events (`for await`); `response()` gives the
 * assembled answer once the stream has ended. Leaving the loop early closes it.
 */
export class ChatStream {
  #channel;
  #handle;
  #response;

  constructor(channel, handle) {
    this.#channel = channel;
    this.#handle = handle;
  }

  async *[Symbol.asyncIterator]() {
    try {
      for (;;) {
        const batch = await this.#channel.call('resource.next', this.#handle);
        if (batch === undefined) return;
        for (const event of batch) yield streamEvent(event);
      }
    } finally {
      await this.close();
    }
  }

  /** The answer assembled so far: content, reasoning, tool calls, usage, finish reason. */
  async response() {
    return this.#response ?? this.#channel.call('resource.response', this.#handle);
  }

  /** Closes the connection (done for you when the loop ends). */
  async close() {
    if (this.#handle === undefined) return;
    const handle = this.#handle;
    this.#response = await this.#channel.call('resource.response', handle);
    this.#handle = undefined;
    await this.#channel.call('resource.close', handle);
  }
}

/** The provider: one component instance in its own worker thread. */
export class Provider {
  #channel;
  #settings;
  #config;
  #cooldowns = [];

  constructor(channel, settings, config) {
    this.#channel = channel;
    this.#settings = settings;
    this.#config = config;
  }

  /**
   * Starts the component. Without `token`, it is resolved as the CLI does:
   * `HUGGINGFACE_HUB_TOKEN`, then `HF_TOKEN`, then the Hugging Face token file
   * (from `env`, default `process.env`); `token: null` means none. `config` is an
   * OpenClaw-style configuration text (JSON or JSON5). The component may reach
   * `baseUrl`'s origin and nothing else.
   */
  static async create(options = {}) {
    const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: { allowedOrigin: originOf(baseUrl) },
    });
    worker.unref();
    const channel = new Channel(worker);
    await new Promise((resolve, reject) => {
      const ready = (message) => {
        if (message?.ready) {
          worker.off('message', ready);
          resolve();
        }
      };
      worker.on('message', ready);
      worker.once('error', reject);
      worker.ref();
    });
    worker.unref();
    const token = options.token === undefined ? await resolveToken(channel, options.env ?? process.env) : options.token;
    const settings = {
      baseUrl,
      token: token ?? undefined,
      timeoutMs: options.timeoutMs ?? 30_000,
      billTo: options.billTo,
      requestDeadlineMs: options.requestDeadlineMs,
      streamIdleMs: options.streamIdleMs,
      streamDeadlineMs: options.streamDeadlineMs,
    };
    const config = options.config === undefined ? EMPTY_CONFIG : await channel.call('configuration.parse', options.config);
    return new Provider(channel, settings, config);
  }

  /** The configuration in use (from `config`), parsed. */
  get config() {
    return this.#config;
  }

  parseModelRef(reference) {
    return this.#channel.call('modelRefs.parse', reference);
  }

  normalizeModelRef(reference) {
    return this.#channel.call('modelRefs.normalize', reference);
  }

  builtinCatalog() {
    return this.#channel.call('catalog.builtin');
  }

  /** Discovery (`GET /models`); advisory unless `strict`: then a failure rejects instead of falling back. */
  async discover({ strict = false } = {}) {
    const found = await this.#channel.call('catalog.discover', this.#settings, strict ? 'strict' : 'advisory');
    return { models: found.models, source: found.source, warning: asError(found.warning) };
  }

  /** The models to show: discovered (or built in), with the configuration laid over them. */
  async models(options) {
    const { models } = await this.discover(options);
    return this.#channel.call('catalog.merge', models, this.#config);
  }

  projectModels(body) {
    return this.#channel.call('catalog.projectModels', typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }

  displayName(reference, models) {
    return this.#channel.call('catalog.displayName', reference, models);
  }

  parseConfig(text) {
    return this.#channel.call('configuration.parse', text);
  }

  onboard(existing, models, { hasToken }) {
    return this.#channel.call('configuration.onboard', existing ?? undefined, models, hasToken);
  }

  /** The exact request the router would get (its `Authorization` header holds the token). */
  buildRequest(request, { stream = false } = {}) {
    return this.#channel.call('chat.buildRequest', this.#settings, chatRequest(request), stream);
  }

  /** One non-streamed completion. */
  complete(request) {
    return this.#channel.call('chat.complete', this.#settings, chatRequest(request));
  }

  /** Opens a streamed completion once the router has answered 2xx. */
  async stream(request) {
    const { handle } = await this.#channel.call('chat.openStream', this.#settings, chatRequest(request));
    return new ChatStream(this.#channel, handle);
  }

  /**
   * How failover treats an error (`auth`, `billing`, `rate-limit`, `overloaded`,
   * `timeout`, `model-not-found`, `format`…), or `undefined` for errors no other
   * model can change.
   */
  failoverReason(error) {
    return this.#channel.call('failover.classify', witError(error));
  }

  /** The failover chain for `model` (else the configured primary): the fallbacks, then the primary. */
  candidates(model) {
    return this.#channel.call('failover.candidates', model, this.#config);
  }

  /**
   * A completion with failover over `candidates` (default: the chain for
   * `request.model`). Resolves `{response, attempts}`; rejects with the error that
   * ended the run, its `attempts` attached. Models that failed cool down.
   */
  async completeWithFailover(request, { candidates } = {}) {
    const { value, attempts } = await this.#failover('failover.complete', 'completion', request, candidates);
    return { response: value, attempts };
  }

  /** A stream with failover: `{stream, attempts}`, like `completeWithFailover`. */
  async streamWithFailover(request, { candidates } = {}) {
    const { value, attempts } = await this.#failover('failover.openStream', 'opened', request, candidates);
    return { stream: new ChatStream(this.#channel, value.handle), attempts };
  }

  /** One failover run: its outcome's `field` (the first success), and every attempt. */
  async #failover(call, field, request, candidates) {
    const chain = candidates ?? (await this.candidates(request.model));
    const outcome = await this.#channel.call(call, this.#settings, chatRequest(request), chain, this.#cooldowns);
    this.#cooldowns = outcome.cooldowns;
    const attempts = outcome.attempts.map((a) => ({ model: a.model, error: asError(a.error) }));
    const result = outcome[field];
    if (result.tag === 'err') throw new ProviderError(result.val, attempts);
    return { value: result.val, attempts };
  }

  /** Stops the worker; the provider is unusable afterwards. */
  async close() {
    await this.#channel.close();
  }
}

/**
 * `HUGGINGFACE_HUB_TOKEN`, `HF_TOKEN`, then the token file, as the component
 * decides; the file is only read when neither variable has a token.
 */
async function resolveToken(channel, env) {
  const entries = Object.entries(env).filter(([, value]) => typeof value === 'string');
  const fromEnv = await channel.call('auth.resolveToken', entries, undefined);
  if (fromEnv !== undefined) return fromEnv.token;
  const path = await channel.call('auth.tokenFilePath', entries);
  if (path === undefined) return undefined;
  let file;
  try {
    const info = await stat(path);
    if (info.isFile() && info.size <= MAX_TOKEN_FILE_BYTES) file = await readFile(path, 'utf8');
  } catch {
    return undefined; // No token file: no token.
  }
  const resolved = await channel.call('auth.resolveToken', entries, file);
  return resolved?.token;
}
