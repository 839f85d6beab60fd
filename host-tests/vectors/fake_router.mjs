// Starts fake_router.py (beside this file) for the JavaScript tests: the
// Node, browser and OpenClaw packages' tests and the JavaScript conformance
// runners all talk to this one router.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The router in its own process on 127.0.0.1; it ends when `stop()` closes its stdin. */
export async function startFakeRouter() {
  const child = spawn('python3', [fileURLToPath(new URL('fake_router.py', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const { value: origin } = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  const call = (path, body) =>
    fetch(`${origin}${path}`, body ? { method: 'POST', body: JSON.stringify(body) } : undefined).then((r) => r.json());
  return {
    origin,
    baseUrl: `${origin}/v1`,
    /** Sets the replies (`models`, or by request model) and forgets the requests seen. */
    script: (replies) => call('/_script', { replies }),
    /** What the router received since the last script. */
    requests: () => call('/_requests'),
    stop: () => child.stdin.end(),
  };
}
