// The conformance vectors run by the component in Node, through jco's own
// bindings (`jco transpile --instantiation async`: the package's component/,
// or $HF_PROVIDER_JCO_DIR), not through the package's API.
//
// Values go between the vectors' shape (the WIT's: kebab-case keys, `{tag, val}`
// variants, flags as lists, `null` for none, text for `list<u8>`) and jco's
// (camelCase keys, flags as objects of booleans, `undefined` for none,
// `Uint8Array`, `BigInt` for 64-bit integers) by the generic rules below. The
// two things jco's values do not tell apart, which arguments are bytes and
// which fields are flags, are named in BYTE_ARGS and FLAGS.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation';
import { startFakeRouter } from '../../../host-tests/vectors/fake_router.mjs';
import { checkVectors, flatten } from '../../browser/test/vectors.mjs';

const VECTORS = new URL('../../../host-tests/vectors/', import.meta.url);
const JCO_DIR = process.env.HF_PROVIDER_JCO_DIR ?? fileURLToPath(new URL('../component/', import.meta.url));

/** Arguments of type `list<u8>`, by call. */
const BYTE_ARGS = { 'catalog.project-models': [0], 'chat.parse-response': [3] };
/** Fields of a `flags` type and the flags' names, in WIT order. */
const FLAGS = { defaulted: ['context-window', 'max-tokens', 'cost'] };

const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const kebab = (name) => name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** A vector value as jco takes it. */
function toJco(value, key) {
  if (key in FLAGS) return Object.fromEntries(FLAGS[key].map((f) => [camel(f), value.includes(f)]));
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map((item) => toJco(item));
  if (typeof value === 'object') {
    if ('tag' in value) return 'val' in value ? { tag: value.tag, val: toJco(value.val) } : { tag: value.tag };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), toJco(v, k)]));
  }
  return value;
}

/** A jco value in the vectors' shape. */
function fromJco(value, key) {
  if (key in FLAGS) return FLAGS[key].filter((f) => value[camel(f)]);
  if (value === undefined || value === null) return null;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map((item) => fromJco(item));
  if (typeof value === 'object') {
    if ('tag' in value && Object.keys(value).every((k) => k === 'tag' || k === 'val')) {
      return value.val === undefined ? { tag: value.tag } : { tag: value.tag, val: fromJco(value.val) };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [kebab(k), fromJco(v, kebab(k))]));
  }
  return value;
}

/** A call's outcome in the vectors' shape: a thrown error's payload, or the value. */
function outcome(call) {
  try {
    return { ok: fromJco(call()) };
  } catch (e) {
    if (e && typeof e === 'object' && 'payload' in e) return { error: fromJco(e.payload) };
    throw e;
  }
}

const bytes = (chunk) => (typeof chunk === 'string' ? new TextEncoder().encode(chunk) : Uint8Array.from(chunk));

async function loadVectors() {
  const files = (await readdir(VECTORS)).filter((f) => f.endsWith('.json')).sort();
  return flatten(await Promise.all(files.map(async (f) => JSON.parse(await readFile(new URL(f, VECTORS), 'utf8')))));
}

const withRouter = (value, origin) => JSON.parse(JSON.stringify(value).replaceAll('$ROUTER', origin));

/** A nested jco result (`{tag: 'ok' | 'err', val}`) in the vectors' shape. */
const nestedResult = (r) => (r.tag === 'ok' ? { ok: fromJco(r.val) } : { error: fromJco(r.val) });

/** Cooldowns with `until-ms` as whole seconds from now. */
const cooldowns = (list) =>
  list.map((c) => ({ model: c.model, failures: c.failures, secs: Math.round((Number(c.untilMs) - Date.now()) / 1000) }));

/** An open stream drained: texts joined, other events in order, how it ended, the response. */
function drain(stream) {
  const events = [];
  let end = { ok: null };
  try {
    for (;;) {
      const batch = outcome(() => stream.next());
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
      response: fromJco(stream.response()),
    };
  } finally {
    stream[Symbol.dispose]();
  }
}

async function live(provider, vector, router) {
  await router.script(vector.router ?? {});
  const args = withRouter(vector.args, router.origin).map((arg) => toJco(arg));
  const fn = provider[camel(vector.interface)][camel(vector.call)];
  let result;
  if (vector.interface === 'chat' && vector.call === 'open-stream') {
    let stream;
    const opened = outcome(() => {
      stream = fn(...args);
    });
    result = 'error' in opened ? opened : { ok: drain(stream) };
  } else if (vector.interface === 'failover') {
    const record = fn(...args);
    const first = 'completion' in record ? 'completion' : 'opened';
    const head =
      first === 'opened' && record.opened.tag === 'ok' ? { ok: drain(record.opened.val) } : nestedResult(record[first]);
    result = { ok: { [first]: head, attempts: fromJco(record.attempts), cooldowns: cooldowns(record.cooldowns) } };
  } else {
    result = outcome(() => fn(...args));
  }
  const requests = await router.requests();
  return { result, requests };
}

function run(provider, vector) {
  const api = provider[camel(vector.interface)];
  if (vector.call === 'stream-decoder') {
    const [settings, model, headers, chunks] = vector.args;
    let decoder;
    const opened = outcome(() => {
      decoder = api.decodeStream(toJco(settings), model, headers);
    });
    if ('error' in opened) return opened;
    try {
      const feeds = chunks.map((chunk) => outcome(() => decoder.feed(bytes(chunk))));
      const finish = outcome(() => decoder.finish());
      return { ok: { feeds, finish, response: fromJco(decoder.response()) } };
    } finally {
      decoder[Symbol.dispose]();
    }
  }
  const byteArgs = BYTE_ARGS[`${vector.interface}.${vector.call}`] ?? [];
  const args = vector.args.map((arg, i) => (byteArgs.includes(i) ? bytes(arg) : toJco(arg)));
  const fn = api[camel(vector.call)];
  if (typeof fn !== 'function') throw new Error(`jco exports no ${vector.interface}.${vector.call}`);
  return outcome(() => fn(...args));
}

test('every vector passes in Node through jco', async () => {
  const { instantiate } = await import(join(JCO_DIR, 'huggingface_provider.js'));
  // Each core module compiled once; instances are cheap after that.
  const modules = new Map();
  const compile = (name) => {
    if (!modules.has(name)) modules.set(name, readFile(join(JCO_DIR, name)).then((b) => WebAssembly.compile(b)));
    return modules.get(name);
  };
  const imports = new WASIShim().getImportObject();
  const vectors = await loadVectors();
  // One instance for every vector, as a Node user holds one: jco takes ~170 ms to
  // instantiate, and the component keeps no state between calls but resources.
  const provider = await instantiate(compile, imports);
  // In its own process: jco's wasi:http blocks this thread.
  const router = await startFakeRouter();
  const { passed, failed, failures } = await checkVectors(vectors, (vector) =>
    vector.live ? live(provider, vector, router) : run(provider, vector),
  );
  failures.forEach((f) => console.error(f));
  router.stop();
  console.log(`node-jco: ${passed} passed, ${failed} failed`);
  assert.ok(passed >= 200, `only ${passed} vectors ran`);
  assert.equal(failed, 0, `${failed} vectors failed`);
});
