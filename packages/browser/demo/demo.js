// The demo page: a model picker from discovery (the built-in catalog without a
// token), a streamed chat with reasoning apart from the answer, typed errors,
// and every failover attempt. `?baseUrl=` presets the router.

import { Provider, ProviderError, DEFAULT_BASE_URL } from '../src/index.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
$('base-url').value = params.get('baseUrl') ?? DEFAULT_BASE_URL;

let provider;
let current;

function showError(error) {
  const box = $('error');
  if (!error) {
    box.style.display = 'none';
    return;
  }
  box.style.display = 'block';
  box.dataset.kind = error instanceof ProviderError ? error.kind : 'error';
  box.querySelector('.kind').textContent = error instanceof ProviderError ? error.kind : error.name;
  box.querySelector('.message').textContent = error.message;
  const details = error instanceof ProviderError
    ? [error.status && `HTTP ${error.status}`, error.requestId && `request ${error.requestId}`,
       error.provider && `via ${error.provider}`, error.retryAfterSecs && `retry in ${error.retryAfterSecs} s`]
    : [];
  box.querySelector('.details').textContent = details.filter(Boolean).join(' · ');
}

function showAttempts(attempts) {
  $('attempts').replaceChildren(
    ...attempts.map(({ model, error }) => {
      const item = document.createElement('li');
      item.className = error ? 'failed' : 'ok';
      item.textContent = error ? `${model} — ${error.kind}: ${error.message}` : `${model} — answered`;
      return item;
    }),
  );
}

async function connect() {
  showError(null);
  $('send').disabled = true;
  try {
    provider = await Provider.create({
      baseUrl: $('base-url').value.trim(),
      token: $('token').value.trim() || null,
      proxyAddsToken: $('proxy').checked,
    });
    const { source, warning } = await provider.discover();
    const models = await provider.models();
    $('model').replaceChildren(
      ...models.map((m) => new Option(`${m.alias ?? m.name} (${m.id})`, m.reference)),
    );
    $('catalog-source').textContent = `${models.length} models, ${source}`;
    if (warning) showError(warning);
    $('send').disabled = false;
  } catch (error) {
    showError(error);
  }
}

async function send() {
  showError(null);
  $('answer').textContent = '';
  $('reasoning').textContent = '';
  $('usage').textContent = '';
  showAttempts([]);
  $('send').disabled = true;
  $('stop').disabled = false;
  const model = $('model').value;
  const fallbacks = $('fallbacks').value.split(',').map((s) => s.trim()).filter(Boolean);
  const request = { model, messages: [{ role: 'user', content: $('prompt').value }] };
  try {
    const { stream, attempts } = await provider.streamWithFailover(request, { candidates: [model, ...fallbacks] });
    showAttempts(attempts);
    current = stream;
    for await (const event of stream) {
      if (event.type === 'content') $('answer').append(event.text);
      else if (event.type === 'reasoning') $('reasoning').append(event.text);
      else if (event.type === 'usage') $('usage').textContent = `${event.totalTokens} tokens`;
    }
  } catch (error) {
    if (error.attempts) showAttempts(error.attempts);
    showError(error);
  } finally {
    current = undefined;
    $('send').disabled = false;
    $('stop').disabled = true;
  }
}

$('connect').addEventListener('click', connect);
$('send').addEventListener('click', send);
$('stop').addEventListener('click', () => current?.close());
connect();
