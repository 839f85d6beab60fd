//! HTTP through the JavaScript host's own `fetch` (a browser, a worker, Node ≥ 20).
//!
//! Design decisions:
//! - Every wait (for the response head, for the next piece of the body) is a
//!   race between the awaited promise and a timer: the settings' timeout for
//!   the step, or the flow's deadline if it comes first. When the timer wins,
//!   the request's `AbortController` aborts it, so nothing keeps running.
//! - Dropping a body aborts its request: a stream left early closes its
//!   connection.
//! - `fetch` reports a CORS refusal and a network failure alike (a `TypeError`),
//!   so the error says both may be the cause.

use crate::error::{ErrorDetails, ProviderError};
use crate::flow::{self, Deadline, ResponseBody, Transport};
use crate::http::{HttpRequest, Method, ResponseHead};
use js_sys::{Array, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, ReadableStreamDefaultReader, RequestInit, Response};

mod global {
    use js_sys::{Function, Promise};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// The global `fetch`, present in pages, workers and Node.
        pub fn fetch(input: &str, init: &web_sys::RequestInit) -> Promise;
        /// The global `setTimeout`, passing `argument` to `handler`.
        #[wasm_bindgen(js_name = setTimeout)]
        pub fn set_timeout(handler: &Function, ms: f64, argument: &JsValue) -> JsValue;
        #[wasm_bindgen(js_name = clearTimeout)]
        pub fn clear_timeout(id: &JsValue);
        /// `performance.now()`: monotonic milliseconds.
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        pub fn performance_now() -> f64;
    }
}

fn transport(message: impl Into<String>) -> ProviderError {
    ProviderError::Transport(ErrorDetails::msg(message))
}

/// The message of a thrown JavaScript value.
fn describe(error: &JsValue) -> String {
    Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|message| message.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// Which limit a wait runs under: the step's own timeout, or the flow's
/// deadline when that comes first.
struct Limit {
    ms: u64,
    error: ProviderError,
}

impl Limit {
    fn new(step_ms: u32, step_error: ProviderError, deadline: &Deadline) -> Self {
        let left = deadline.remaining_ms(monotonic_ms());
        if left <= u64::from(step_ms) {
            Self {
                ms: left,
                error: deadline.expired(),
            }
        } else {
            Self {
                ms: u64::from(step_ms),
                error: step_error,
            }
        }
    }
}

/// Awaits `promise` within `limit`; when the limit passes first, `controller`
/// aborts the request and the limit's error is returned. A rejection is
/// described by `failed`.
async fn within(
    promise: Promise,
    limit: Limit,
    controller: &AbortController,
    failed: impl FnOnce(&JsValue) -> ProviderError,
) -> Result<JsValue, ProviderError> {
    let expired = JsValue::from(js_sys::Object::new());
    let mut timer = JsValue::UNDEFINED;
    let alarm = Promise::new(&mut |resolve, _| {
        timer = global::set_timeout(&resolve, limit.ms as f64, &expired);
    });
    let settled = JsFuture::from(Promise::race(&Array::of2(&promise, &alarm))).await;
    global::clear_timeout(&timer);
    match settled {
        Ok(value) if value == expired => {
            controller.abort();
            Err(limit.error)
        }
        Ok(value) => Ok(value),
        Err(error) => Err(failed(&error)),
    }
}

fn monotonic_ms() -> u64 {
    global::performance_now() as u64
}

/// The JavaScript host's `fetch` and clocks.
pub struct Fetch;

/// A response body, read from its `ReadableStream` as pieces arrive.
pub struct FetchBody {
    reader: Option<ReadableStreamDefaultReader>,
    controller: AbortController,
    timeout_ms: u32,
}

impl FetchBody {
    /// What aborts this body's request.
    pub fn aborter(&self) -> AbortController {
        self.controller.clone()
    }
}

impl Drop for FetchBody {
    fn drop(&mut self) {
        // A finished request ignores this; an unfinished one closes its connection.
        self.controller.abort();
    }
}

impl ResponseBody for FetchBody {
    async fn read(&mut self, deadline: &Deadline) -> Result<Option<Vec<u8>>, ProviderError> {
        let Some(reader) = &self.reader else {
            return Ok(None);
        };
        let limit = Limit::new(self.timeout_ms, flow::read_timeout(), deadline);
        let read = within(reader.read(), limit, &self.controller, |e| {
            transport(format!("reading the response failed: {}", describe(e)))
        })
        .await?;
        let done = Reflect::get(&read, &JsValue::from_str("done"))
            .map(|done| done.is_truthy())
            .unwrap_or(true);
        if done {
            self.reader = None;
            return Ok(None);
        }
        let value = Reflect::get(&read, &JsValue::from_str("value")).unwrap_or_default();
        match value.dyn_into::<Uint8Array>() {
            Ok(bytes) => Ok(Some(bytes.to_vec())),
            Err(_) => Err(transport(
                "the response body gave something other than bytes",
            )),
        }
    }
}

/// The request's `RequestInit`: method, headers, body, and the abort signal.
fn init(request: &HttpRequest, controller: &AbortController) -> Result<RequestInit, ProviderError> {
    let headers = Headers::new().map_err(|e| transport(describe(&e)))?;
    for (name, value) in &request.headers {
        headers
            .append(name, value)
            .map_err(|e| transport(format!("header {name:?} was refused: {}", describe(&e))))?;
    }
    let init = RequestInit::new();
    init.set_method(match request.method {
        Method::Get => "GET",
        Method::Post => "POST",
    });
    init.set_headers(&headers);
    if !request.body.is_empty() {
        init.set_body(&Uint8Array::from(request.body.as_slice()));
    }
    init.set_signal(Some(&controller.signal()));
    Ok(init)
}

/// Every header the response lets the page see (CORS hides the rest).
fn head_of(response: &Response) -> ResponseHead {
    let mut headers = Vec::new();
    if let Ok(Some(entries)) = js_sys::try_iter(&response.headers()) {
        for entry in entries.flatten() {
            let pair = Array::from(&entry);
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                headers.push((name, value));
            }
        }
    }
    ResponseHead {
        status: response.status(),
        headers,
    }
}

impl Transport for Fetch {
    type Body = FetchBody;

    fn monotonic_ms(&self) -> u64 {
        monotonic_ms()
    }

    fn unix_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: u32,
        deadline: &Deadline,
    ) -> Result<(ResponseHead, FetchBody), ProviderError> {
        let controller = AbortController::new().map_err(|e| transport(describe(&e)))?;
        let init = init(request, &controller)?;
        let limit = Limit::new(timeout_ms, flow::response_timeout(), deadline);
        let answered = within(
            global::fetch(&request.url, &init),
            limit,
            &controller,
            |e| {
                transport(format!(
                    "fetch failed: {} (a network failure, or a router that does not allow this \
                 page's origin through CORS)",
                    describe(e)
                ))
            },
        )
        .await?;
        let response: Response = answered
            .dyn_into()
            .map_err(|_| transport("fetch answered with something other than a Response"))?;
        let reader = match response.body() {
            Some(stream) => Some(
                stream
                    .get_reader()
                    .dyn_into::<ReadableStreamDefaultReader>()
                    .map_err(|_| transport("the response body has no default reader"))?,
            ),
            None => None,
        };
        Ok((
            head_of(&response),
            FetchBody {
                reader,
                controller,
                timeout_ms,
            },
        ))
    }
}
