// Types of the browser package. What it shares with the Node package (the
// records, requests, stream events, `ProviderError`, most of `Provider`) is
// declared once in packages/js-common, copied into src/common/ by the build;
// the records have the Node package's shape (jco's for the WIT). Here: what
// is the browser package's own.

import type { BaseProvider, BaseProviderOptions } from './common/base.js';
import type { ChatResponse, StreamEvent } from './common/api.js';

export * from './common/api.js';

/** Loads the WebAssembly module once (done by `Provider.create`). */
export declare function load(module?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;

export interface ProviderOptions extends BaseProviderOptions {
  /** Router base URL (default `DEFAULT_BASE_URL`); in a page, a path is resolved against the page. */
  baseUrl?: string;
  /** The token; omitted or `null`: none. Every script on the page can read it. */
  token?: string | null;
  /** `baseUrl` is a proxy that adds the token: requests go without one. */
  proxyAddsToken?: boolean;
  /** Time to the response head, and between body reads, each, in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Where to load the `.wasm` from, when not beside the module. */
  module?: string | URL | Response | BufferSource | WebAssembly.Module;
}

/** A request built but not sent (`Provider.buildRequest`). */
export interface HttpRequest {
  method: 'get' | 'post';
  url: string;
  /** Includes `Authorization`: treat as secret. */
  headers: [string, string][];
  /** The JSON body, as text. */
  body: string;
}

/** A streamed answer: iterate it for events; leaving the loop early aborts the request. */
export declare class ChatStream implements AsyncIterable<StreamEvent> {
  private constructor();
  [Symbol.asyncIterator](): AsyncIterator<StreamEvent>;
  /** The answer assembled so far; complete once the loop has ended. */
  response(): Promise<ChatResponse>;
  /** Aborts the request (done for you when the loop ends). */
  close(): void;
}

/** A streaming body the caller reads itself, decoded as it arrives (sans-IO). */
export declare class StreamDecoder {
  private constructor();
  /** The events the bytes complete (none while an event is incomplete). */
  feed(bytes: string | Uint8Array): StreamEvent[];
  /** Ends the body: the last events, or a `truncated-stream` error. */
  finish(): StreamEvent[];
  /** Whether `data: [DONE]` has arrived. */
  readonly isDone: boolean;
  /** The answer assembled so far. */
  response(): ChatResponse;
}

/** The provider: settings, a configuration, and the cooldowns of its failover runs; its methods are `BaseProvider`'s and these. */
export interface Provider extends BaseProvider<ChatStream, HttpRequest> {}
export declare class Provider {
  private constructor();
  static create(options?: ProviderOptions): Promise<Provider>;
  /** A response the caller received itself: its completion, or its typed error (rejected). */
  parseResponse(
    model: string,
    response: { status: number; headers?: [string, string][]; body: string | Uint8Array },
  ): Promise<ChatResponse>;
  /** A decoder for a 2xx streaming answer the caller reads itself. */
  decodeStream(model: string, headers?: [string, string][]): Promise<StreamDecoder>;
}
