// The component's thread. jco's WASI shim performs wasi:http synchronously
// (a nested worker and Atomics.wait), which would freeze the caller's event loop
// for a whole HTTP exchange; here it only blocks this worker. The main thread
// sends `{id, call, args}` and gets `{id, ok}` or `{id, error}` back. Resources
// (open streams) stay here, named by a handle number.

import { parentPort, workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { monotonicClock, wallClock } from '@bytecodealliance/preview2-shim/clocks';
import { outgoingHandler, types } from '@bytecodealliance/preview2-shim/http';
import { error, poll, streams } from '@bytecodealliance/preview2-shim/io';
import { instantiate } from '../component/huggingface_provider.js';

const componentDir = new URL('../component/', import.meta.url);

/** The scheme and authority the component may reach (the router's), or null for none. */
const allowed = workerData.allowedOrigin;

/** Lets the component reach the configured router's origin and nothing else. */
const guardedHandler = {
  handle(request, options) {
    const scheme = request.scheme();
    const origin = `${scheme?.tag === 'HTTPS' ? 'https' : 'http'}://${request.authority()}`;
    if (allowed === null || origin !== allowed) throw { tag: 'HTTP-request-denied' };
    return outgoingHandler.handle(request, options);
  },
};

const provider = await instantiate(
  (name) => readFile(new URL(name, componentDir)).then((bytes) => WebAssembly.compile(bytes)),
  {
    'wasi:clocks/monotonic-clock': monotonicClock,
    'wasi:clocks/wall-clock': wallClock,
    'wasi:http/outgoing-handler': guardedHandler,
    'wasi:http/types': types,
    'wasi:io/error': error,
    'wasi:io/poll': poll,
    'wasi:io/streams': streams,
  },
);

const resources = new Map();
let nextHandle = 1;

function keep(resource) {
  const handle = nextHandle++;
  resources.set(handle, resource);
  return { handle };
}

function resource(handle) {
  const found = resources.get(handle);
  if (!found) throw new Error(`stream ${handle} is closed`);
  return found;
}

/** What a call returns, with resources replaced by handles. */
function run(call, args) {
  switch (call) {
    case 'chat.openStream':
      return keep(provider.chat.openStream(...args));
    case 'failover.openStream': {
      const outcome = provider.failover.openStream(...args);
      if (outcome.opened.tag === 'ok') outcome.opened = { tag: 'ok', val: keep(outcome.opened.val) };
      return outcome;
    }
    case 'chat.decodeStream':
      return keep(provider.chat.decodeStream(...args));
    case 'resource.next':
    case 'resource.response':
    case 'resource.feed':
    case 'resource.finish': {
      const [handle, ...rest] = args;
      return resource(handle)[call.slice('resource.'.length)](...rest);
    }
    case 'resource.close': {
      const [handle] = args;
      resources.get(handle)?.[Symbol.dispose]();
      resources.delete(handle);
      return undefined;
    }
    default: {
      const [iface, name] = call.split('.');
      const fn = provider[iface]?.[name];
      if (typeof fn !== 'function') throw new Error(`the component exports no ${call}`);
      return fn(...args);
    }
  }
}

parentPort.on('message', ({ id, call, args }) => {
  try {
    parentPort.postMessage({ id, ok: run(call, args) });
  } catch (e) {
    // A component error (jco's ComponentError) carries the WIT provider-error.
    if (e && typeof e === 'object' && 'payload' in e) parentPort.postMessage({ id, error: e.payload });
    else parentPort.postMessage({ id, crash: String(e?.stack ?? e) });
  }
});
parentPort.postMessage({ ready: true });
