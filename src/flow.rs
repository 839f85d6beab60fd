//! The exchanges behind every call that reaches the router (discovery, a
//! completion, a stream, failover), written once over a [`Transport`] that each
//! adapter implements with its own I/O: `wasi:http` in the component, `fetch`
//! in the browser, a plain loopback client in native tests.
//!
//! Design decisions:
//! - The flows are `async` so that the browser's `fetch` can drive them; an
//!   adapter whose I/O blocks returns futures that are always ready and runs
//!   them with [`crate::executor::block_on`].
//! - Time limits are [`Deadline`]s on the transport's monotonic clock. The flows
//!   choose which deadline bounds each read; the transport enforces it on every
//!   wait, beside the per-read timeout of the settings.
//! - Every error a flow returns is already scrubbed of the token.

use crate::chat::{self, ChatRequest, ChatResponse, MAX_CHAT_RESPONSE_BYTES};
use crate::discovery::{self, Discovery, DiscoveryMode, MAX_DISCOVERY_BYTES};
use crate::error::{ErrorDetails, ProviderError};
use crate::failover::{self, Attempt, Cooldown};
use crate::http::{HttpRequest, ResponseHead};
use crate::model_ref::ModelRef;
use crate::router_error::{MAX_ERROR_BODY_BYTES, error_from_response};
use crate::settings::Settings;
use crate::stream::{ChatStreamDecoder, StreamEvent};
use std::future::Future;

/// A point on the transport's monotonic clock after which a call gives up, and
/// the setting it comes from, so that the error says which limit fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at_ms: u64,
    setting: &'static str,
    ms: u32,
    what: &'static str,
}

impl Deadline {
    /// `ms` milliseconds after `now_ms`; `setting` names it and `what` says what it bounds.
    pub fn after(now_ms: u64, ms: u32, setting: &'static str, what: &'static str) -> Self {
        Self {
            at_ms: now_ms.saturating_add(u64::from(ms)),
            setting,
            ms,
            what,
        }
    }

    /// When it passes, in the transport's monotonic milliseconds.
    pub fn at_ms(&self) -> u64 {
        self.at_ms
    }

    /// How long is left at `now_ms`.
    pub fn remaining_ms(&self, now_ms: u64) -> u64 {
        self.at_ms.saturating_sub(now_ms)
    }

    /// The earlier of two deadlines.
    pub fn earliest(self, other: Self) -> Self {
        if other.at_ms < self.at_ms {
            other
        } else {
            self
        }
    }

    /// The `timeout` error for this deadline.
    pub fn expired(&self) -> ProviderError {
        ProviderError::Timeout(ErrorDetails::msg(format!(
            "{}: {} within {} ms",
            self.setting, self.what, self.ms
        )))
    }
}

/// The `timeout` error of a response head that did not come within the
/// settings' timeout, worded as `wasi:http` names the limit.
pub fn response_timeout() -> ProviderError {
    ProviderError::Timeout(ErrorDetails::msg(
        "HTTP-response-timeout: no response in time",
    ))
}

/// The `timeout` error of body bytes that did not come within the settings'
/// timeout, worded as `wasi:http` names the limit.
pub fn read_timeout() -> ProviderError {
    ProviderError::Timeout(ErrorDetails::msg(
        "connection-read-timeout: no data in time",
    ))
}

/// Sends requests for the flows: an adapter's I/O.
pub trait Transport {
    /// A response body being read.
    type Body: ResponseBody;

    /// Milliseconds on a monotonic clock, for deadlines.
    fn monotonic_ms(&self) -> u64;

    /// Milliseconds since the Unix epoch, for cooldowns and `Retry-After` dates.
    fn unix_ms(&self) -> u64;

    /// Sends `request` and waits for the response head: each step within
    /// `timeout_ms`, the whole within `deadline`.
    fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: u32,
        deadline: &Deadline,
    ) -> impl Future<Output = Result<(ResponseHead, Self::Body), ProviderError>>;
}

/// A response body, read in pieces as they arrive.
pub trait ResponseBody {
    /// The next piece, or `None` at the end; `timeout` once `deadline` passes
    /// (or no byte came within the send's `timeout_ms`).
    fn read(
        &mut self,
        deadline: &Deadline,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, ProviderError>>;
}

/// The deadline of a discovery or a non-streaming request, from now.
fn request_deadline(transport: &impl Transport, settings: &Settings) -> Deadline {
    Deadline::after(
        transport.monotonic_ms(),
        settings.deadlines.request_ms,
        "request-deadline-ms",
        "the response did not arrive in full",
    )
}

/// The whole body; `response-too-large` as soon as it exceeds `limit` bytes.
async fn read_to_end(
    body: &mut impl ResponseBody,
    limit: usize,
    deadline: &Deadline,
) -> Result<Vec<u8>, ProviderError> {
    let mut whole = Vec::new();
    while let Some(piece) = body.read(deadline).await? {
        if whole.len() + piece.len() > limit {
            return Err(crate::error::body_too_large(limit));
        }
        whole.extend_from_slice(&piece);
    }
    Ok(whole)
}

/// Up to `MAX_ERROR_BODY_BYTES` of an error body; a failed read or the deadline
/// ends it quietly, since the status already tells the story.
async fn read_error_body(body: &mut impl ResponseBody, deadline: &Deadline) -> Vec<u8> {
    let mut whole = Vec::new();
    while whole.len() < MAX_ERROR_BODY_BYTES {
        match body.read(deadline).await {
            Ok(Some(piece)) => whole.extend_from_slice(&piece),
            _ => break,
        }
    }
    whole.truncate(MAX_ERROR_BODY_BYTES);
    whole
}

/// Sends a request; a non-2xx status is its typed error, whose body is read
/// within the request deadline even when the call's own deadline is a stream's.
async fn send_expecting_success<T: Transport>(
    transport: &T,
    request: &HttpRequest,
    settings: &Settings,
    deadline: &Deadline,
) -> Result<(ResponseHead, T::Body), ProviderError> {
    let (head, mut body) = transport
        .send(request, settings.timeout_ms, deadline)
        .await?;
    if !head.is_success() {
        let error_deadline = deadline.earliest(request_deadline(transport, settings));
        let shown = read_error_body(&mut body, &error_deadline).await;
        let now_secs = transport.unix_ms() / 1000;
        return Err(error_from_response(&head, &shown, Some(now_secs)));
    }
    Ok((head, body))
}

/// Sends a request and reads its whole 2xx body, at most `limit` bytes, within
/// the request deadline.
async fn fetch(
    transport: &impl Transport,
    request: &HttpRequest,
    settings: &Settings,
    limit: usize,
) -> Result<(ResponseHead, Vec<u8>), ProviderError> {
    let deadline = request_deadline(transport, settings);
    let (head, mut body) = send_expecting_success(transport, request, settings, &deadline).await?;
    let whole = read_to_end(&mut body, limit, &deadline)
        .await
        .map_err(|e| e.with_response_head(&head))?;
    Ok((head, whole))
}

/// Discovery: `GET {base}/models` projected, settled by `mode`. Without a token
/// nothing is sent and the built-in catalog is the answer.
pub async fn discover(
    transport: &impl Transport,
    settings: &Settings,
    mode: DiscoveryMode,
) -> Result<Discovery, ProviderError> {
    let Some(request) = discovery::discovery_request(settings) else {
        return Ok(discovery::builtin_discovery());
    };
    let redactor = settings.redactor();
    let outcome = async {
        let (head, body) = fetch(transport, &request, settings, MAX_DISCOVERY_BYTES).await?;
        let mut models =
            discovery::project_models(&body).map_err(|e| e.with_response_head(&head))?;
        models.iter_mut().for_each(|model| model.redact(&redactor));
        Ok::<_, ProviderError>(models)
    }
    .await;
    discovery::settle(outcome.map_err(|e| e.redact(&redactor)), mode)
}

/// One non-streamed completion.
pub async fn complete(
    transport: &impl Transport,
    settings: &Settings,
    model: &ModelRef,
    request: &ChatRequest,
) -> Result<ChatResponse, ProviderError> {
    let redactor = settings.redactor();
    let outcome = async {
        let http = chat::build_request(settings, model, request, false)?;
        let (head, body) = fetch(transport, &http, settings, MAX_CHAT_RESPONSE_BYTES).await?;
        chat::parse_response(model, &head, &body)
    }
    .await;
    let mut response = outcome.map_err(|e| e.redact(&redactor))?;
    response.redact(&redactor);
    Ok(response)
}

/// An open stream: the decoder, and the body until it is finished.
pub struct ChatStream<B> {
    decoder: ChatStreamDecoder,
    body: Option<B>,
    /// The stream's overall deadline, from sending the request.
    deadline: Deadline,
    /// How long the stream may go without an event.
    idle_ms: u32,
    /// The idle limit, counted from the last event (or the opening).
    idle_deadline: Deadline,
}

/// The stall limit, counted from `now_ms`: events, not bytes, are progress.
fn idle_deadline(now_ms: u64, idle_ms: u32) -> Deadline {
    Deadline::after(
        now_ms,
        idle_ms,
        "stream-idle-ms",
        "no stream event arrived (comments, blank lines and partial lines do not count)",
    )
}

/// Opens a streamed completion once the router has answered 2xx.
pub async fn open_stream<T: Transport>(
    transport: &T,
    settings: &Settings,
    model: &ModelRef,
    request: &ChatRequest,
) -> Result<ChatStream<T::Body>, ProviderError> {
    let opened = async {
        let http = chat::build_request(settings, model, request, true)?;
        let deadline = Deadline::after(
            transport.monotonic_ms(),
            settings.deadlines.stream_ms,
            "stream-deadline-ms",
            "the stream did not finish",
        );
        let (head, body) = send_expecting_success(transport, &http, settings, &deadline).await?;
        Ok::<_, ProviderError>((deadline, head, body))
    }
    .await;
    let (deadline, head, body) = opened.map_err(|e| e.redact(&settings.redactor()))?;
    let idle_ms = settings.deadlines.stream_idle_ms;
    Ok(ChatStream {
        decoder: ChatStreamDecoder::new(model, head).redacting(settings.redactor()),
        body: Some(body),
        deadline,
        idle_ms,
        idle_deadline: idle_deadline(transport.monotonic_ms(), idle_ms),
    })
}

impl<B: ResponseBody> ChatStream<B> {
    /// The next batch of events, `None` once the stream has ended after
    /// `[DONE]`; after an error every call returns it again. The connection is
    /// dropped once the answer is complete or failed.
    pub async fn next(
        &mut self,
        transport: &impl Transport<Body = B>,
    ) -> Result<Option<Vec<StreamEvent>>, ProviderError> {
        let result = self.read_events(transport).await;
        if result.is_err() || self.decoder.is_done() {
            self.body = None;
        }
        result
    }

    async fn read_events(
        &mut self,
        transport: &impl Transport<Body = B>,
    ) -> Result<Option<Vec<StreamEvent>>, ProviderError> {
        loop {
            let Some(body) = self.body.as_mut() else {
                // Finished: repeat a failure, else report the end.
                return self.decoder.finish().map(|_| None);
            };
            let deadline = self.deadline.earliest(self.idle_deadline);
            let seen = self.decoder.events_seen();
            let events = match body.read(&deadline).await {
                Ok(Some(bytes)) => self.decoder.feed(&bytes)?,
                Ok(None) => {
                    self.body = None;
                    self.decoder.finish()?
                }
                Err(error) => return Err(self.decoder.fail(error)),
            };
            if self.decoder.events_seen() > seen {
                self.idle_deadline = idle_deadline(transport.monotonic_ms(), self.idle_ms);
            }
            if !events.is_empty() {
                return Ok(Some(events));
            }
            if self.decoder.is_done() {
                return Ok(None);
            }
        }
    }

    /// The response assembled so far; complete once `next` has returned `None`.
    pub fn response(&self) -> &ChatResponse {
        self.decoder.response()
    }

    /// The body still being read, if any.
    pub fn body(&self) -> Option<&B> {
        self.body.as_ref()
    }
}

/// What a failover run did: the first success or the error that ended it, and
/// every attempt in order.
pub type FailoverOutcome<T> = (Result<T, ProviderError>, Vec<Attempt>);

/// Runs `attempt` over `candidates` with the core's failover loop, updating
/// `cooldowns`. Invalid settings, a missing token or a bad candidate fail once,
/// before any request.
pub async fn with_failover<R>(
    now_unix_ms: u64,
    settings: Result<Settings, ProviderError>,
    candidates: &[String],
    cooldowns: &mut Vec<Cooldown>,
    mut attempt: impl AsyncFnMut(&Settings, &ModelRef) -> Result<R, ProviderError>,
) -> FailoverOutcome<R> {
    let prepared = settings.and_then(|settings| {
        settings.require_token()?;
        let chain = candidates
            .iter()
            .map(|c| ModelRef::parse(c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((settings, chain))
    });
    match prepared {
        Ok((settings, chain)) => {
            let outcome = failover::run(chain, cooldowns, now_unix_ms, async |model| {
                attempt(&settings, model).await
            })
            .await;
            (outcome.result, outcome.attempts)
        }
        Err(error) => (Err(error), Vec::new()),
    }
}
