// The conformance vectors against the package's wasm-bindgen exports in Node.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import * as wasm from '../pkg/huggingface_provider.js';
import { load } from '../src/index.js';
import { flatten, runVectors } from './vectors.mjs';
import { startRouter, VECTORS } from './router.mjs';

test('every vector passes in Node through wasm-bindgen', async () => {
  await load();
  const files = (await readdir(VECTORS)).filter((f) => f.endsWith('.json')).sort();
  const documents = await Promise.all(files.map(async (f) => JSON.parse(await readFile(new URL(f, VECTORS), 'utf8'))));
  const router = await startRouter();
  try {
    const { passed, failed, failures } = await runVectors(wasm, flatten(documents), router.origin);
    failures.forEach((f) => console.error(f));
    console.log(`node-wasm-bindgen: ${passed} passed, ${failed} failed`);
    assert.ok(passed >= 200, `only ${passed} vectors ran`);
    assert.equal(failed, 0);
  } finally {
    router.stop();
  }
});
