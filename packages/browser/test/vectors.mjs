// The conformance vectors (host-tests/vectors) run against the package's
// wasm-bindgen exports, in Node and in a page alike; `same`, `flatten` and
// `checkVectors` serve the Node package's jco runner too. The exports take and give
// values in the vectors' own shape, so the only conversion is text to bytes for
// the two `list<u8>` arguments.

/** Arguments of type `list<u8>`, by call. */
const BYTE_ARGS = { 'catalog.project-models': [0], 'chat.parse-response': [3] };

const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
/** The export for a WIT function: `<interface><Function>` in camelCase. */
const exportName = (iface, call) => camel(iface) + camel(call).replace(/^./, (c) => c.toUpperCase());

const bytes = (chunk) => (typeof chunk === 'string' ? new TextEncoder().encode(chunk) : Uint8Array.from(chunk));

/** A thrown `provider-error` value, as opposed to a JavaScript exception. */
const isProviderError = (e) => e !== null && typeof e === 'object' && !(e instanceof Error) && 'kind' in e;

async function outcome(call) {
  try {
    const value = await call();
    return { ok: value === undefined ? null : value };
  } catch (e) {
    if (isProviderError(e)) return { error: e };
    throw e;
  }
}

/** Whether two values in the vectors' shape are equal (numbers as numbers, keys in any order). */
export function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && same(a[k], b[k]));
  }
  return a === b;
}

/** Every vector of the documents, with its interface and whether it is live. */
export function flatten(documents) {
  return documents.flatMap((doc) =>
    doc.vectors.map((v) => ({ ...v, interface: v.interface ?? doc.interface, live: doc.interface === 'live' })),
  );
}

/** An open stream drained: texts joined, other events in order, how it ended, the response. */
async function drain(stream) {
  const events = [];
  let end = { ok: null };
  try {
    for (;;) {
      const batch = await outcome(() => stream.next());
      if ('error' in batch) {
        end = batch;
        break;
      }
      if (batch.ok === null) break;
      events.push(...batch.ok);
    }
    const joined = (tag) => events.filter((e) => e.tag === tag).map((e) => e.val).join('');
    return {
      content: joined('content'),
      reasoning: joined('reasoning'),
      events: events.filter((e) => e.tag !== 'content' && e.tag !== 'reasoning'),
      end,
      response: stream.response(),
    };
  } finally {
    stream.free();
  }
}

/** Cooldowns with `until-ms` as whole seconds from now. */
const cooldowns = (list) =>
  list.map((c) => ({ model: c.model, failures: c.failures, secs: Math.round((c['until-ms'] - Date.now()) / 1000) }));

async function live(wasm, vector, router) {
  await fetch(`${router}/_script`, { method: 'POST', body: JSON.stringify({ replies: vector.router ?? {} }) });
  const args = JSON.parse(JSON.stringify(vector.args).replaceAll('$ROUTER', router));
  const fn = wasm[exportName(vector.interface, vector.call)];
  let result;
  if (vector.interface === 'chat' && vector.call === 'open-stream') {
    let stream;
    const opened = await outcome(async () => {
      stream = await fn(...args);
    });
    result = 'error' in opened ? opened : { ok: await drain(stream) };
  } else if (vector.interface === 'failover') {
    const record = await fn(...args);
    const field = 'completion' in record ? 'completion' : 'opened';
    const { tag, val } = record[field];
    const head = tag === 'err' ? { error: val } : field === 'opened' ? { ok: await drain(val) } : { ok: val };
    result = { ok: { [field]: head, attempts: record.attempts, cooldowns: cooldowns(record.cooldowns) } };
  } else {
    result = await outcome(() => fn(...args));
  }
  const requests = await (await fetch(`${router}/_requests`)).json();
  return { result, requests };
}

async function run(wasm, vector) {
  if (vector.call === 'stream-decoder') {
    const [settings, model, headers, chunks] = vector.args;
    let decoder;
    const opened = await outcome(() => {
      decoder = wasm.chatDecodeStream(settings, model, headers);
    });
    if ('error' in opened) return opened;
    try {
      const feeds = [];
      for (const chunk of chunks) feeds.push(await outcome(() => decoder.feed(bytes(chunk))));
      const finish = await outcome(() => decoder.finish());
      return { ok: { feeds, finish, response: decoder.response() } };
    } finally {
      decoder.free();
    }
  }
  const byteArgs = BYTE_ARGS[`${vector.interface}.${vector.call}`] ?? [];
  const args = vector.args.map((arg, i) => (byteArgs.includes(i) ? bytes(arg) : arg));
  const fn = wasm[exportName(vector.interface, vector.call)];
  if (typeof fn !== 'function') throw new Error(`no export for ${vector.interface}.${vector.call}`);
  return outcome(() => fn(...args));
}

/**
 * Checks every vector against what `outcomeOf(vector)` computed (a host's
 * runner). Returns the counts and each failure; a vector with no expectation,
 * or whose run threw, fails.
 */
export async function checkVectors(vectors, outcomeOf) {
  let passed = 0;
  const failures = [];
  for (const vector of vectors) {
    let verdict;
    try {
      const actual = await outcomeOf(vector);
      verdict = !('expect' in vector)
        ? 'the vector has no expectation'
        : same(vector.expect, actual)
          ? null
          : `expected ${JSON.stringify(vector.expect)}\n     got ${JSON.stringify(actual)}`;
    } catch (e) {
      verdict = String(e?.stack ?? e);
    }
    if (verdict === null) passed += 1;
    else failures.push(`FAIL ${vector.interface} ${vector.id}: ${verdict}`);
  }
  return { passed, failed: failures.length, failures };
}

/**
 * Runs every vector against `wasm` (the loaded wasm-bindgen module), the live
 * ones against the fake router at `router`.
 */
export function runVectors(wasm, vectors, router) {
  return checkVectors(vectors, (vector) => (vector.live ? live(wasm, vector, router) : run(wasm, vector)));
}
