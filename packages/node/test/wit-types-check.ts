// Type-checked with `tsc --strict` (never run, see types.test.mjs): the
// records the package declares (packages/js-common/api.d.ts, as installed)
// against the types jco generates from the component's WIT (wit/, written to
// ./wit-types/ by the test), each way, so a field added, dropped or retyped in
// the WIT fails here until the shared declarations follow. Inputs and events,
// which the package shapes its own way, are checked for the same fields.

import type * as api from 'huggingface-provider';
import type * as types from './wit-types/interfaces/huggingface-provider-types.js';
import type * as chat from './wit-types/interfaces/huggingface-provider-chat.js';
import type * as catalog from './wit-types/interfaces/huggingface-provider-catalog.js';

/** `true` when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** A stream event's fields besides `type`. */
type Event<T extends api.StreamEvent['type']> = Omit<Extract<api.StreamEvent, { type: T }>, 'type'>;

export const errorKind: Same<api.ErrorKind, types.ErrorKind> = true;
export const failoverReason: Same<api.FailoverReason, types.FailoverReason> = true;
export const errorDetails: Same<api.ErrorDetails, types.ErrorDetails> = true;
export const witProviderError: Same<api.WitProviderError, types.ProviderError> = true;
export const policy: Same<api.Policy, types.Policy> = true;
export const route: Same<api.Route, types.Route> = true;
export const modelRef: Same<api.ModelRef, types.ModelRef> = true;
export const modality: Same<api.Modality, types.Modality> = true;
export const cost: Same<api.Cost, types.Cost> = true;
export const defaultedFields: Same<api.DefaultedFields, types.DefaultedFields> = true;
export const routeInfo: Same<api.RouteInfo, types.RouteInfo> = true;
export const modelInfo: Same<api.ModelInfo, types.ModelInfo> = true;
export const configuredModel: Same<api.ConfiguredModel, types.ConfiguredModel> = true;
export const config: Same<api.Config, types.Config> = true;
export const catalogSource: Same<api.CatalogSource, catalog.CatalogSource> = true;
export const discovery: Same<Omit<api.Discovery, 'warning'>, Omit<catalog.Discovery, 'warning'>> = true;
export const discoveryFields: Same<keyof api.Discovery, keyof catalog.Discovery> = true;
export const role: Same<api.Role, chat.Role> = true;
export const finishReason: Same<api.FinishReason, chat.FinishReason> = true;
export const toolCall: Same<api.ToolCall, chat.ToolCall> = true;
export const usage: Same<api.Usage, chat.Usage> = true;
export const chatResponse: Same<api.ChatResponse, chat.ChatResponse> = true;
export const httpRequest: Same<api.HttpRequest, chat.HttpRequest> = true;

export const chatRequestFields: Same<keyof api.ChatRequestInput, keyof chat.ChatRequest> = true;
export const messageFields: Same<keyof api.MessageInput, keyof chat.Message> = true;
export const toolFields: Same<keyof api.ToolInput, keyof chat.Tool> = true;
export const contentParts: Same<api.ContentPart['type'], chat.ContentPart['tag']> = true;
export const streamEvents: Same<api.StreamEvent['type'], chat.StreamEvent['tag']> = true;
export const toolCallEvent: Same<Event<'tool-call'>, chat.ToolCallDelta> = true;
export const usageEvent: Same<Event<'usage'>, chat.Usage> = true;
export const finishEvent: Same<Event<'finish'>['reason'], chat.FinishReason> = true;
/** Every setting is an option too. */
export const settings: Same<Exclude<keyof types.Settings, keyof api.ProviderOptions>, never> = true;
