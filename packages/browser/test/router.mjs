// The browser package's tests' router and fixtures: the shared fake router
// (host-tests/vectors/fake_router.py, with CORS) and the Node package's
// API-shaped bodies.

export { startFakeRouter as startRouter } from '../../../host-tests/vectors/fake_router.mjs';
export { MODELS_BODY as MODELS, sse, completion } from '../../node/test/fake-router.mjs';

export const VECTORS = new URL('../../../host-tests/vectors/', import.meta.url);

export const ROUTE_HEADERS = [
  ['x-request-id', 'req-browser'],
  ['x-inference-provider', 'groq'],
];
