//! The browser adapter: the WIT world's operations exported through
//! wasm-bindgen, doing I/O with the JavaScript host's `fetch` (see `fetch`).
//! It converts values and moves bytes; every rule lives in the core.
//!
//! Design decisions:
//! - Values cross in the WIT's JSON shape (the core's `serde` feature through
//!   `serde-wasm-bindgen`: kebab-case keys, `{tag, val}` variants, `null` for
//!   none), the shape of the conformance vectors, so the vectors run unchanged
//!   against these exports. The npm package's JavaScript layer turns them into
//!   the idiomatic camelCase API and its `ProviderError`.
//! - A failure is thrown as its `provider-error` value (`{kind, details}`); a
//!   misuse of the API (a value of the wrong shape, two concurrent reads of one
//!   stream) as a JavaScript `Error`.
//! - Exports are named `<interface><Function>` in camelCase: wasm-bindgen has no
//!   namespaces, and the WIT reuses names across interfaces.

mod fetch;

use crate::chat::{self, ChatRequest, ChatResponse, Task};
use crate::config::{self, Config};
use crate::discovery::{self, DiscoveryMode};
use crate::error::ProviderError;
use crate::failover::Cooldown;
use crate::flow::{self, Transport};
use crate::model_ref::ModelRef;
use crate::settings::{Settings, SettingsRecord};
use crate::stream::ChatStreamDecoder;
use crate::{api, auth, catalog};
use fetch::{Fetch, FetchBody};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A thrown value: a `provider-error` or a JavaScript `Error`.
type Thrown = JsValue;

/// A core value as JavaScript, in the WIT's JSON shape.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Thrown> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_missing_as_null(true)
        .serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| js_sys::Error::new(&format!("a value could not be converted: {e}")).into())
}

/// A JavaScript value as a core value; a wrong shape is a `TypeError` naming `what`.
fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Thrown> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| js_sys::TypeError::new(&format!("{what}: {e}")).into())
}

/// A provider error, thrown.
fn thrown(error: ProviderError) -> Thrown {
    to_js(&error).unwrap_or_else(|conversion| conversion)
}

/// A core result as the export's: the value, or the error thrown.
fn answer<T: Serialize>(result: Result<T, ProviderError>) -> Result<JsValue, Thrown> {
    result.map_err(thrown).and_then(|value| to_js(&value))
}

/// The WIT settings record, plus the browser's own option.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
struct BrowserSettings {
    #[serde(flatten)]
    record: SettingsRecord,
    /// The base URL is a proxy that adds the token (see [`Settings::proxy_adds_token`]).
    #[serde(default)]
    proxy_adds_token: bool,
}

/// Settings from JavaScript: a wrong shape is thrown as a `TypeError`, an invalid
/// value (base URL, timeout) is the `config` error in the result.
fn settings(value: JsValue) -> Result<Result<Settings, ProviderError>, Thrown> {
    let given: BrowserSettings = from_js(value, "settings")?;
    Ok(given.record.validate().map(|mut settings| {
        settings.proxy_adds_token = given.proxy_adds_token;
        settings
    }))
}

/// Checks settings once, so that a bad base URL or timeout is reported up front.
#[wasm_bindgen(js_name = settingsValidate)]
pub fn settings_validate(settings_value: JsValue) -> Result<(), Thrown> {
    settings(settings_value)?.map(|_| ()).map_err(thrown)
}

fn parse_ref(text: &str) -> Result<ModelRef, Thrown> {
    ModelRef::parse(text).map_err(thrown)
}

/// A chat request's model reference (text) and the rest of it.
fn chat_request(value: JsValue) -> Result<(String, ChatRequest), Thrown> {
    let model = js_sys::Reflect::get(&value, &JsValue::from_str("model"))
        .ok()
        .and_then(|model| model.as_string())
        .unwrap_or_default();
    let request: ChatRequest = from_js(value, "chat request")?;
    Ok((model, request))
}

#[wasm_bindgen(js_name = modelRefsParse)]
pub fn model_refs_parse(text: &str) -> Result<JsValue, Thrown> {
    answer(ModelRef::parse(text))
}

#[wasm_bindgen(js_name = modelRefsNormalize)]
pub fn model_refs_normalize(text: &str) -> Result<JsValue, Thrown> {
    answer(ModelRef::parse(text).map(|r| r.normalized()))
}

#[wasm_bindgen(js_name = modelRefsWireModel)]
pub fn model_refs_wire_model(text: &str) -> Result<JsValue, Thrown> {
    answer(ModelRef::parse(text).map(|r| r.wire_model()))
}

#[wasm_bindgen(js_name = catalogBuiltin)]
pub fn catalog_builtin() -> Result<JsValue, Thrown> {
    to_js(&catalog::builtin())
}

#[wasm_bindgen(js_name = catalogProjectModels)]
pub fn catalog_project_models(body: &[u8]) -> Result<JsValue, Thrown> {
    answer(discovery::project_models(body))
}

#[wasm_bindgen(js_name = catalogDiscover)]
pub async fn catalog_discover(settings_value: JsValue, mode: JsValue) -> Result<JsValue, Thrown> {
    let mode: DiscoveryMode = from_js(mode, "discovery mode")?;
    let settings = settings(settings_value)?.map_err(thrown)?;
    answer(flow::discover(&Fetch, &settings, mode).await)
}

#[wasm_bindgen(js_name = catalogMerge)]
pub fn catalog_merge(models: JsValue, config: JsValue) -> Result<JsValue, Thrown> {
    let models: Vec<catalog::ModelInfo> = from_js(models, "models")?;
    let config: Config = from_js(config, "config")?;
    to_js(&config::merge(&models, &config))
}

#[wasm_bindgen(js_name = catalogDeriveName)]
pub fn catalog_derive_name(id: &str, owned_by: Option<String>) -> String {
    catalog::derive_name(id, owned_by.as_deref())
}

#[wasm_bindgen(js_name = catalogDisplayName)]
pub fn catalog_display_name(reference: &str, models: JsValue) -> Result<JsValue, Thrown> {
    let models: Vec<catalog::ModelInfo> = from_js(models, "models")?;
    answer(api::display_name(reference, &models))
}

#[wasm_bindgen(js_name = catalogExplainRoute)]
pub fn catalog_explain_route(model: JsValue, reference: &str) -> Result<JsValue, Thrown> {
    let model: catalog::ModelInfo = from_js(model, "model")?;
    answer(api::explain_route(&model, reference))
}

#[wasm_bindgen(js_name = configurationParse)]
pub fn configuration_parse(text: &str) -> Result<JsValue, Thrown> {
    answer(Config::parse(text))
}

#[wasm_bindgen(js_name = configurationOnboard)]
pub fn configuration_onboard(
    existing: Option<String>,
    models: JsValue,
    has_token: bool,
) -> Result<JsValue, Thrown> {
    let models: Vec<catalog::ModelInfo> = from_js(models, "models")?;
    answer(config::onboard(existing.as_deref(), &models, has_token))
}

#[wasm_bindgen(js_name = authTokenFilePath)]
pub fn auth_token_file_path(env: JsValue) -> Result<JsValue, Thrown> {
    let env: Vec<(String, String)> = from_js(env, "environment")?;
    to_js(&auth::token_file_path(&env))
}

/// A resolved token in the WIT's shape.
#[derive(Serialize)]
struct ResolvedToken {
    token: String,
    source: auth::TokenSource,
}

#[wasm_bindgen(js_name = authResolveToken)]
pub fn auth_resolve_token(env: JsValue, token_file: Option<String>) -> Result<JsValue, Thrown> {
    let env: Vec<(String, String)> = from_js(env, "environment")?;
    let resolved =
        auth::resolve_token(&env, token_file.as_deref()).map(|(token, source)| ResolvedToken {
            token: token.expose().to_owned(),
            source,
        });
    to_js(&resolved)
}

#[wasm_bindgen(js_name = chatCheckTask)]
pub fn chat_check_task(task: JsValue) -> Result<JsValue, Thrown> {
    let task: Task = from_js(task, "task")?;
    answer(chat::check_task(task))
}

#[wasm_bindgen(js_name = chatCheckRequest)]
pub fn chat_check_request(model: JsValue, request: JsValue) -> Result<JsValue, Thrown> {
    let model: catalog::ModelInfo = from_js(model, "model")?;
    let (reference, request) = chat_request(request)?;
    answer(api::check_request(&model, &reference, &request))
}

#[wasm_bindgen(js_name = chatBuildRequest)]
pub fn chat_build_request(
    settings_value: JsValue,
    request: JsValue,
    streaming: bool,
) -> Result<JsValue, Thrown> {
    let settings = settings(settings_value)?.map_err(thrown)?;
    let (model, request) = chat_request(request)?;
    answer(api::build_request(&settings, &model, &request, streaming))
}

#[wasm_bindgen(js_name = chatParseResponse)]
pub fn chat_parse_response(
    model: &str,
    status: u16,
    headers: JsValue,
    body: &[u8],
) -> Result<JsValue, Thrown> {
    let headers: Vec<(String, String)> = from_js(headers, "headers")?;
    let now_secs = Fetch.unix_ms() / 1000;
    answer(api::parse_response(
        model,
        status,
        headers,
        body,
        Some(now_secs),
    ))
}

#[wasm_bindgen(js_name = chatComplete)]
pub async fn chat_complete(settings_value: JsValue, request: JsValue) -> Result<JsValue, Thrown> {
    let settings = settings(settings_value)?.map_err(thrown)?;
    let (model, request) = chat_request(request)?;
    let model = parse_ref(&model)?;
    answer(flow::complete(&Fetch, &settings, &model, &request).await)
}

#[wasm_bindgen(js_name = chatOpenStream)]
pub async fn chat_open_stream(
    settings_value: JsValue,
    request: JsValue,
) -> Result<ChatStream, Thrown> {
    let settings = settings(settings_value)?.map_err(thrown)?;
    let (model, request) = chat_request(request)?;
    let model = parse_ref(&model)?;
    let stream = flow::open_stream(&Fetch, &settings, &model, &request)
        .await
        .map_err(thrown)?;
    Ok(ChatStream::new(stream))
}

#[wasm_bindgen(js_name = chatDecodeStream)]
pub fn chat_decode_stream(
    settings_value: JsValue,
    model: &str,
    headers: JsValue,
) -> Result<StreamDecoder, Thrown> {
    let settings = settings(settings_value)?.map_err(thrown)?;
    let headers: Vec<(String, String)> = from_js(headers, "headers")?;
    let decoder = api::decode_stream(&settings, model, headers).map_err(thrown)?;
    Ok(StreamDecoder { decoder })
}

/// What an open stream holds between reads.
enum Slot {
    /// Ready for the next read.
    Open(Box<flow::ChatStream<FetchBody>>),
    /// A read is under way.
    Reading,
    /// Closed before its end; the answer as far as it came (`None` while the
    /// read that was under way at `close()` finishes).
    Closed(Option<ChatResponse>),
}

/// An open streamed answer: `next()` until it resolves `null`. `close()` (or
/// `free()`) aborts its request.
#[wasm_bindgen]
pub struct ChatStream {
    slot: Rc<RefCell<Slot>>,
    /// Aborts the request (`None` when the body was already gone).
    abort: Option<web_sys::AbortController>,
}

/// The `Error` of a second read, or a `response()`, while a read is under way.
fn being_read() -> Thrown {
    js_sys::Error::new("the stream is being read: await the pending next() first").into()
}

impl ChatStream {
    fn new(stream: flow::ChatStream<FetchBody>) -> Self {
        let abort = stream.body().map(FetchBody::aborter);
        Self {
            slot: Rc::new(RefCell::new(Slot::Open(Box::new(stream)))),
            abort,
        }
    }
}

#[wasm_bindgen]
impl ChatStream {
    /// The next batch of events (`null` once the stream has ended after `[DONE]`,
    /// or was closed).
    pub fn next(&self) -> js_sys::Promise {
        let slot = Rc::clone(&self.slot);
        wasm_bindgen_futures::future_to_promise(async move {
            let taken = std::mem::replace(&mut *slot.borrow_mut(), Slot::Reading);
            let mut stream = match taken {
                Slot::Open(stream) => stream,
                Slot::Reading => {
                    return Err(being_read());
                }
                closed @ Slot::Closed(_) => {
                    *slot.borrow_mut() = closed;
                    return Ok(JsValue::NULL);
                }
            };
            let batch = stream.next(&Fetch).await;
            let mut held = slot.borrow_mut();
            *held = match *held {
                Slot::Reading => Slot::Open(stream),
                // Closed while this read was under way.
                _ => Slot::Closed(Some(stream.response().clone())),
            };
            answer(batch)
        })
    }

    /// The answer assembled so far; complete once `next()` has resolved `null`.
    pub fn response(&self) -> Result<JsValue, Thrown> {
        match &*self.slot.borrow() {
            Slot::Open(stream) => to_js(stream.response()),
            Slot::Closed(Some(response)) => to_js(response),
            Slot::Reading | Slot::Closed(None) => Err(being_read()),
        }
    }

    /// Aborts the request (a pending `next()` then fails); the answer so far
    /// stays available.
    pub fn close(&self) {
        if let Some(abort) = &self.abort {
            abort.abort();
        }
        let mut slot = self.slot.borrow_mut();
        let closed = match &*slot {
            Slot::Open(stream) => Slot::Closed(Some(stream.response().clone())),
            Slot::Reading => Slot::Closed(None),
            Slot::Closed(_) => return,
        };
        *slot = closed;
    }
}

/// Freed (by `free()` or the garbage collector): the request is aborted.
impl Drop for ChatStream {
    fn drop(&mut self) {
        self.close();
    }
}

/// A streaming body the caller reads itself, decoded as it arrives (sans-IO).
#[wasm_bindgen]
pub struct StreamDecoder {
    decoder: ChatStreamDecoder,
}

#[wasm_bindgen]
impl StreamDecoder {
    /// The events the bytes complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<JsValue, Thrown> {
        answer(self.decoder.feed(bytes))
    }

    /// Ends the body: the last events, or `truncated-stream`.
    pub fn finish(&mut self) -> Result<JsValue, Thrown> {
        answer(self.decoder.finish())
    }

    /// Whether `data: [DONE]` has arrived.
    #[wasm_bindgen(js_name = isDone)]
    pub fn is_done(&self) -> bool {
        self.decoder.is_done()
    }

    /// The response assembled so far.
    pub fn response(&self) -> Result<JsValue, Thrown> {
        to_js(self.decoder.response())
    }
}

#[wasm_bindgen(js_name = failoverCandidates)]
pub fn failover_candidates(requested: Option<String>, config: JsValue) -> Result<JsValue, Thrown> {
    let config: Config = from_js(config, "config")?;
    answer(api::candidates(requested.as_deref(), &config))
}

#[wasm_bindgen(js_name = failoverClassify)]
pub fn failover_classify(error: JsValue) -> Result<JsValue, Thrown> {
    let error: ProviderError = from_js(error, "provider error")?;
    to_js(&error.failover_reason())
}

#[wasm_bindgen(js_name = failoverAdvances)]
pub fn failover_advances(error: JsValue) -> Result<bool, Thrown> {
    let error: ProviderError = from_js(error, "provider error")?;
    Ok(error.advances_failover())
}

/// The arguments every failover export takes, read.
struct FailoverCall {
    settings: Result<Settings, ProviderError>,
    request: ChatRequest,
    candidates: Vec<String>,
    cooldowns: Vec<Cooldown>,
}

impl FailoverCall {
    fn read(
        settings_value: JsValue,
        request: JsValue,
        candidates: JsValue,
        cooldowns: JsValue,
    ) -> Result<Self, Thrown> {
        Ok(Self {
            settings: settings(settings_value)?,
            request: from_js(request, "chat request")?,
            candidates: from_js(candidates, "candidates")?,
            cooldowns: from_js(cooldowns, "cooldowns")?,
        })
    }

    /// Runs `attempt` with failover; the outcome as the WIT's record:
    /// `{[field]: {tag: 'ok' | 'err', val}, attempts, cooldowns}`.
    async fn run<R>(
        mut self,
        field: &str,
        attempt: impl AsyncFn(&Settings, &ModelRef, &ChatRequest) -> Result<R, ProviderError>,
        value: impl FnOnce(R) -> Result<JsValue, Thrown>,
    ) -> Result<JsValue, Thrown> {
        let request = &self.request;
        let (result, attempts) = flow::with_failover(
            Fetch.unix_ms(),
            self.settings,
            &self.candidates,
            &mut self.cooldowns,
            async |settings, model| attempt(settings, model, request).await,
        )
        .await;
        let (tag, val) = match result {
            Ok(success) => ("ok", value(success)?),
            Err(error) => ("err", thrown(error)),
        };
        let set = |object: &js_sys::Object, key: &str, value: &JsValue| {
            js_sys::Reflect::set(object, &JsValue::from_str(key), value).map(|_| ())
        };
        let tagged = js_sys::Object::new();
        set(&tagged, "tag", &JsValue::from_str(tag))?;
        set(&tagged, "val", &val)?;
        let outcome = js_sys::Object::new();
        set(&outcome, field, &tagged)?;
        set(&outcome, "attempts", &to_js(&attempts)?)?;
        set(&outcome, "cooldowns", &to_js(&self.cooldowns)?)?;
        Ok(outcome.into())
    }
}

#[wasm_bindgen(js_name = failoverComplete)]
pub async fn failover_complete(
    settings_value: JsValue,
    request: JsValue,
    candidates: JsValue,
    cooldowns: JsValue,
) -> Result<JsValue, Thrown> {
    let call = FailoverCall::read(settings_value, request, candidates, cooldowns)?;
    let complete = async |settings: &Settings, model: &ModelRef, request: &ChatRequest| {
        flow::complete(&Fetch, settings, model, request).await
    };
    call.run("completion", complete, |response| to_js(&response))
        .await
}

#[wasm_bindgen(js_name = failoverOpenStream)]
pub async fn failover_open_stream(
    settings_value: JsValue,
    request: JsValue,
    candidates: JsValue,
    cooldowns: JsValue,
) -> Result<JsValue, Thrown> {
    let call = FailoverCall::read(settings_value, request, candidates, cooldowns)?;
    let open = async |settings: &Settings, model: &ModelRef, request: &ChatRequest| {
        flow::open_stream(&Fetch, settings, model, request).await
    };
    call.run("opened", open, |stream| Ok(ChatStream::new(stream).into()))
        .await
}
