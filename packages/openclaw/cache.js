// The plugin's caches, bounded: a gateway runs for weeks while tokens rotate,
// configurations are edited and users type model ids, and each of those used
// to add an entry that stayed (for a provider: a worker thread with its own
// WebAssembly instance). No imports, so its tests run without OpenClaw.

/** Started providers kept, most recently used first (a configuration uses up to three: discovery, chat, preparation). */
export const MAX_PROVIDERS = 8;

/** Models `prepareDynamicModel` resolved that are kept for the synchronous hook, most recently used first. */
export const MAX_PREPARED_MODELS = 256;

/** A Map of at most `max` entries: setting one more drops the least recently read or set. */
export class LruMap {
  #max;
  #onDrop;
  #map = new Map();

  /** `onDrop(value, key)` is called for each entry dropped to make room (not for `delete`). */
  constructor(max, onDrop) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`an LruMap holds at least one entry, not ${max}`);
    this.#max = max;
    this.#onDrop = onDrop;
  }

  get max() {
    return this.#max;
  }

  get size() {
    return this.#map.size;
  }

  /** The value, now the most recently used. */
  get(key) {
    if (!this.#map.has(key)) return undefined;
    const value = this.#map.get(key);
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  /** The value, its recency unchanged. */
  peek(key) {
    return this.#map.get(key);
  }

  has(key) {
    return this.#map.has(key);
  }

  set(key, value) {
    this.#map.delete(key);
    this.#map.set(key, value);
    while (this.#map.size > this.#max) {
      const [oldest, dropped] = this.#map.entries().next().value;
      this.#map.delete(oldest);
      this.#onDrop?.(dropped, oldest);
    }
    return this;
  }

  delete(key) {
    return this.#map.delete(key);
  }

  /** The values, least recently used first. */
  values() {
    return this.#map.values();
  }
}

/**
 * Providers by key, started on first use, at most `max` kept (an `LruMap`). A
 * provider dropped to make room is closed once the last call that was using it
 * has ended, so a stream in progress is never cut; a provider that failed to
 * start is not kept, so the next use tries again.
 */
export class ProviderPool {
  #entries;

  constructor(max) {
    this.#entries = new LruMap(max, (entry) => {
      entry.dropped = true;
      if (entry.users === 0) closeEntry(entry);
    });
  }

  get max() {
    return this.#entries.max;
  }

  /** Providers kept (started or starting). */
  get size() {
    return this.#entries.size;
  }

  /**
   * `fn(provider)` with the provider for `key`, started with `start()` (a
   * promise of an object with `close()`) if none is kept; its result.
   */
  async use(key, start, fn) {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { started: Promise.resolve().then(start), users: 0, dropped: false, closed: false };
      const created = entry;
      created.started.catch(() => {
        if (this.#entries.peek(key) === created) this.#entries.delete(key);
      });
      this.#entries.set(key, entry);
    }
    // Counted before the first await: a drop from now on waits for this call.
    entry.users += 1;
    try {
      return await fn(await entry.started);
    } finally {
      entry.users -= 1;
      if (entry.dropped && entry.users === 0) closeEntry(entry);
    }
  }
}

/** Closes a dropped provider once (a failed start has nothing to close). */
function closeEntry(entry) {
  if (entry.closed) return;
  entry.closed = true;
  entry.started.then(
    (provider) => Promise.resolve(provider.close()).catch(() => {}),
    () => {},
  );
}
