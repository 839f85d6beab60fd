//! The component adapter: exports the WIT `provider` world over the core and does
//! I/O with `wasi:http`. It only converts types (see `convert`) and moves bytes
//! (see `transport`); every rule lives in the core.

mod convert;
mod transport;

mod bindings {
    wit_bindgen::generate!({
        path: "wit",
        world: "provider",
        with: {
            "wasi:http/outgoing-handler@0.2.12": wasip2::http::outgoing_handler,
            "wasi:http/types@0.2.12": wasip2::http::types,
            "wasi:io/error@0.2.12": wasip2::io::error,
            "wasi:io/poll@0.2.12": wasip2::io::poll,
            "wasi:io/streams@0.2.12": wasip2::io::streams,
            "wasi:clocks/monotonic-clock@0.2.12": wasip2::clocks::monotonic_clock,
            "wasi:clocks/wall-clock@0.2.12": wasip2::clocks::wall_clock,
        },
    });
}

use crate::chat::{self, MAX_CHAT_RESPONSE_BYTES};
use crate::discovery::{self, MAX_DISCOVERY_BYTES};
use crate::error::ProviderError;
use crate::http::{HttpRequest, ResponseHead, Settings};
use crate::model_ref::ModelRef;
use crate::stream::ChatStreamDecoder;
use crate::{auth, catalog, config, failover};
use bindings::exports::huggingface::provider as wit;
use convert::{convert_all, from_wit, to_wit};
use std::cell::RefCell;
use transport::Deadline;

struct Component;

bindings::export!(Component with_types_in bindings);

/// A WIT `provider-error`, the form every export returns.
type WitError = wit::types::ProviderError;

/// Seconds since the epoch for `Retry-After` dates.
fn now_unix_secs() -> Option<u64> {
    Some(transport::now_unix_ms() / 1000)
}

/// The deadline of a discovery or non-streaming request.
fn request_deadline(settings: &Settings) -> Deadline {
    Deadline::after(
        settings.deadlines.request_ms,
        "request-deadline-ms",
        "the response did not arrive in full",
    )
}

/// Reads a non-2xx response into its typed error.
fn error_from(response: &mut transport::Response, deadline: &Deadline) -> ProviderError {
    let body = response.body.read_error_body(deadline);
    crate::error::error_from_response(&response.head, &body, now_unix_secs())
}

/// Sends a request; a non-2xx status is its typed error, whose body is read
/// within the request deadline even when the call's own deadline is a stream's.
fn send_expecting_success(
    request: &HttpRequest,
    settings: &Settings,
    deadline: &Deadline,
) -> Result<transport::Response, ProviderError> {
    let mut response = transport::send(request, settings.timeout_ms, deadline)?;
    if !response.head.is_success() {
        let error_deadline = deadline.earliest(request_deadline(settings));
        return Err(error_from(&mut response, &error_deadline));
    }
    Ok(response)
}

/// Sends a request and reads its whole 2xx body, at most `limit` bytes, within
/// the request deadline.
fn fetch(
    request: &HttpRequest,
    settings: &Settings,
    limit: usize,
) -> Result<(ResponseHead, Vec<u8>), ProviderError> {
    let deadline = request_deadline(settings);
    let mut response = send_expecting_success(request, settings, &deadline)?;
    let body = response
        .body
        .read_to_end(limit, &deadline)
        .map_err(|e| e.with_response_head(&response.head))?;
    Ok((response.head, body))
}

fn discover(
    request: &HttpRequest,
    settings: &Settings,
) -> Result<Vec<catalog::ModelInfo>, ProviderError> {
    let (head, body) = fetch(request, settings, MAX_DISCOVERY_BYTES)?;
    let mut models = discovery::project_models(&body).map_err(|e| e.with_response_head(&head))?;
    let redactor = settings.redactor();
    for model in &mut models {
        model.redact(&redactor);
    }
    Ok(models)
}

fn complete_one(
    settings: &Settings,
    model: &ModelRef,
    request: &chat::ChatRequest,
) -> Result<chat::ChatResponse, ProviderError> {
    let http = chat::build_request(settings, model, request, false)?;
    let (head, body) = fetch(&http, settings, MAX_CHAT_RESPONSE_BYTES)?;
    let mut response = chat::parse_response(model, &head, &body)?;
    response.redact(&settings.redactor());
    Ok(response)
}

/// An open stream: the decoder, and the body until it is finished.
struct ChatStream {
    state: RefCell<StreamState>,
}

struct StreamState {
    decoder: ChatStreamDecoder,
    body: Option<transport::BodyReader>,
    /// The stream's overall deadline, from sending the request.
    deadline: Deadline,
    /// How long the stream may go without an event.
    idle_ms: u32,
    /// When the last event arrived (or the stream opened).
    last_event: Deadline,
}

fn open_stream(
    settings: &Settings,
    model: &ModelRef,
    request: &chat::ChatRequest,
) -> Result<ChatStream, ProviderError> {
    let http = chat::build_request(settings, model, request, true)?;
    let deadline = Deadline::after(
        settings.deadlines.stream_ms,
        "stream-deadline-ms",
        "the stream did not finish",
    );
    let response = send_expecting_success(&http, settings, &deadline)?;
    let idle_ms = settings.deadlines.stream_idle_ms;
    Ok(ChatStream {
        state: RefCell::new(StreamState {
            decoder: ChatStreamDecoder::new(model, response.head).redacting(settings.redactor()),
            body: Some(response.body),
            deadline,
            idle_ms,
            last_event: idle_deadline(idle_ms),
        }),
    })
}

/// The stall limit, counted from now: events, not bytes, are progress.
fn idle_deadline(idle_ms: u32) -> Deadline {
    Deadline::after(
        idle_ms,
        "stream-idle-ms",
        "no stream event arrived (comments, blank lines and partial lines do not count)",
    )
}

impl StreamState {
    /// The next batch; the connection is closed once the answer is complete or failed.
    fn next(&mut self) -> Result<Option<Vec<crate::stream::StreamEvent>>, ProviderError> {
        let result = self.read_events();
        if result.is_err() || self.decoder.is_done() {
            self.body = None;
        }
        result
    }

    fn read_events(&mut self) -> Result<Option<Vec<crate::stream::StreamEvent>>, ProviderError> {
        loop {
            let Some(body) = self.body.as_mut() else {
                // Finished: repeat a failure, else report the end.
                return self.decoder.finish().map(|_| None);
            };
            let deadline = self.deadline.earliest(self.last_event);
            let seen = self.decoder.events_seen();
            let events = match body.read(&deadline) {
                Ok(Some(bytes)) => self.decoder.feed(&bytes)?,
                Ok(None) => {
                    self.body = None;
                    self.decoder.finish()?
                }
                Err(error) => return Err(self.decoder.fail(error)),
            };
            if self.decoder.events_seen() > seen {
                self.last_event = idle_deadline(self.idle_ms);
            }
            if !events.is_empty() {
                return Ok(Some(events));
            }
            if self.decoder.is_done() {
                return Ok(None);
            }
        }
    }
}

impl wit::chat::GuestChatStream for ChatStream {
    fn next(&self) -> Result<Option<Vec<wit::chat::StreamEvent>>, WitError> {
        // The decoder scrubs the token from its events and errors.
        let result = self.state.borrow_mut().next();
        result.map(|events| events.map(convert_all)).map_err(to_wit)
    }

    fn response(&self) -> wit::chat::ChatResponse {
        to_wit(self.state.borrow().decoder.response().clone())
    }
}

/// A stream body the host reads itself, decoded as it arrives.
struct StreamDecoder {
    decoder: RefCell<ChatStreamDecoder>,
}

impl wit::chat::GuestStreamDecoder for StreamDecoder {
    fn feed(&self, bytes: Vec<u8>) -> Result<Vec<wit::chat::StreamEvent>, WitError> {
        let events = self.decoder.borrow_mut().feed(&bytes);
        events.map(convert_all).map_err(to_wit)
    }

    fn finish(&self) -> Result<Vec<wit::chat::StreamEvent>, WitError> {
        let events = self.decoder.borrow_mut().finish();
        events.map(convert_all).map_err(to_wit)
    }

    fn is_done(&self) -> bool {
        self.decoder.borrow().is_done()
    }

    fn response(&self) -> wit::chat::ChatResponse {
        to_wit(self.decoder.borrow().response().clone())
    }
}

/// Converts a WIT settings record, reporting an invalid one as `config`.
fn settings(settings: wit::types::Settings) -> Result<Settings, WitError> {
    from_wit::<_, Result<Settings, ProviderError>>(settings).map_err(to_wit)
}

fn parse_ref(text: &str) -> Result<ModelRef, WitError> {
    ModelRef::parse(text).map_err(to_wit)
}

impl wit::model_refs::Guest for Component {
    fn parse(text: String) -> Result<wit::types::ModelRef, WitError> {
        parse_ref(&text).map(to_wit)
    }

    fn normalize(text: String) -> Result<String, WitError> {
        parse_ref(&text).map(|r| r.normalized())
    }

    fn wire_model(text: String) -> Result<String, WitError> {
        parse_ref(&text).map(|r| r.wire_model())
    }
}

impl wit::catalog::Guest for Component {
    fn builtin() -> Vec<wit::types::ModelInfo> {
        convert_all(catalog::builtin())
    }

    fn project_models(body: Vec<u8>) -> Result<Vec<wit::types::ModelInfo>, WitError> {
        discovery::project_models(&body)
            .map(convert_all)
            .map_err(to_wit)
    }

    fn discover(
        settings_record: wit::types::Settings,
        mode: wit::catalog::DiscoveryMode,
    ) -> Result<wit::catalog::Discovery, WitError> {
        let settings = settings(settings_record)?;
        // No token: nothing is sent.
        let Some(request) = discovery::discovery_request(&settings) else {
            return Ok(to_wit(discovery::builtin_discovery()));
        };
        let outcome = discover(&request, &settings).map_err(|e| e.redact(&settings.redactor()));
        let settled = discovery::settle(outcome, from_wit(mode));
        settled.map(to_wit).map_err(to_wit)
    }

    fn merge(
        models: Vec<wit::types::ModelInfo>,
        config: wit::types::Config,
    ) -> Vec<wit::types::ModelInfo> {
        let models: Vec<catalog::ModelInfo> = convert_all(models);
        config::merge(&models, &from_wit(config))
            .into_iter()
            .map(to_wit)
            .collect()
    }

    fn derive_name(id: String, owned_by: Option<String>) -> String {
        catalog::derive_name(&id, owned_by.as_deref())
    }

    fn display_name(
        reference: String,
        models: Vec<wit::types::ModelInfo>,
    ) -> Result<String, WitError> {
        let reference = parse_ref(&reference)?;
        let models: Vec<catalog::ModelInfo> = convert_all(models);
        Ok(catalog::display_name_for(&reference, &models))
    }

    fn explain_route(
        model: wit::types::ModelInfo,
        reference: String,
    ) -> Result<Option<wit::types::RouteInfo>, WitError> {
        let reference = parse_ref(&reference)?;
        let model: catalog::ModelInfo = from_wit(model);
        Ok(reference
            .route
            .as_ref()
            .and_then(|route| model.route_for(route))
            .cloned()
            .map(to_wit))
    }
}

impl wit::configuration::Guest for Component {
    fn parse(text: String) -> Result<wit::types::Config, WitError> {
        config::Config::parse(&text).map(to_wit).map_err(to_wit)
    }

    fn onboard(
        existing: Option<String>,
        models: Vec<wit::types::ModelInfo>,
        has_token: bool,
    ) -> Result<String, WitError> {
        let models: Vec<catalog::ModelInfo> = convert_all(models);
        config::onboard(existing.as_deref(), &models, has_token).map_err(to_wit)
    }
}

impl wit::auth::Guest for Component {
    fn token_file_path(env: Vec<(String, String)>) -> Option<String> {
        auth::token_file_path(&env)
    }

    fn resolve_token(
        env: Vec<(String, String)>,
        token_file: Option<String>,
    ) -> Option<wit::auth::ResolvedToken> {
        auth::resolve_token(&env, token_file.as_deref()).map(to_wit)
    }
}

/// Splits a WIT chat request into its model reference and the core request.
fn chat_request(
    request: wit::chat::ChatRequest,
) -> Result<(ModelRef, chat::ChatRequest), WitError> {
    let model = parse_ref(&request.model)?;
    Ok((model, from_wit(request)))
}

impl wit::chat::Guest for Component {
    type ChatStream = ChatStream;
    type StreamDecoder = StreamDecoder;

    fn decode_stream(
        settings_record: wit::types::Settings,
        model: String,
        headers: Vec<(String, String)>,
    ) -> Result<wit::chat::StreamDecoder, WitError> {
        let settings = settings(settings_record)?;
        let model = parse_ref(&model)?;
        // Only 2xx answers are streams; the head's status is not consulted again.
        let head = ResponseHead {
            status: 200,
            headers,
        };
        let decoder = ChatStreamDecoder::new(&model, head).redacting(settings.redactor());
        Ok(wit::chat::StreamDecoder::new(StreamDecoder {
            decoder: RefCell::new(decoder),
        }))
    }

    fn check_task(task: wit::chat::Task) -> Result<(), WitError> {
        chat::check_task(from_wit(task)).map_err(to_wit)
    }

    fn check_request(
        model: wit::types::ModelInfo,
        request: wit::chat::ChatRequest,
    ) -> Result<(), WitError> {
        let (reference, request) = chat_request(request)?;
        chat::check_request(&from_wit(model), &reference, &request).map_err(to_wit)
    }

    fn build_request(
        settings_record: wit::types::Settings,
        request: wit::chat::ChatRequest,
        streaming: bool,
    ) -> Result<wit::chat::HttpRequest, WitError> {
        let settings = settings(settings_record)?;
        let (model, request) = chat_request(request)?;
        chat::build_request(&settings, &model, &request, streaming)
            .map(to_wit)
            .map_err(|e| to_wit(e.redact(&settings.redactor())))
    }

    fn parse_response(
        model: String,
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Result<wit::chat::ChatResponse, WitError> {
        let model = parse_ref(&model)?;
        let head = ResponseHead { status, headers };
        chat::parse_any_response(&model, &head, &body, now_unix_secs())
            .map(to_wit)
            .map_err(to_wit)
    }

    fn complete(
        settings_record: wit::types::Settings,
        request: wit::chat::ChatRequest,
    ) -> Result<wit::chat::ChatResponse, WitError> {
        let settings = settings(settings_record)?;
        let (model, request) = chat_request(request)?;
        complete_one(&settings, &model, &request)
            .map(to_wit)
            .map_err(|e| to_wit(e.redact(&settings.redactor())))
    }

    fn open_stream(
        settings_record: wit::types::Settings,
        request: wit::chat::ChatRequest,
    ) -> Result<wit::chat::ChatStream, WitError> {
        let settings = settings(settings_record)?;
        let (model, request) = chat_request(request)?;
        open_stream(&settings, &model, &request)
            .map(wit::chat::ChatStream::new)
            .map_err(|e| to_wit(e.redact(&settings.redactor())))
    }
}

/// What a failover run returns across the boundary: the result, every attempt,
/// and the cooldowns for the caller to keep.
type FailoverRun<T> = (
    Result<T, WitError>,
    Vec<wit::failover::Attempt>,
    Vec<wit::failover::Cooldown>,
);

/// Runs `attempt` over the candidates with the core's failover loop. Invalid
/// settings, a missing token or a bad candidate fail once, before any request.
fn run_failover<T>(
    settings_record: wit::types::Settings,
    request: wit::chat::ChatRequest,
    candidates: Vec<String>,
    cooldowns: Vec<wit::failover::Cooldown>,
    attempt: impl Fn(&Settings, &ModelRef, &chat::ChatRequest) -> Result<T, ProviderError>,
) -> FailoverRun<T> {
    let mut kept: Vec<failover::Cooldown> = convert_all(cooldowns);
    let prepared = settings(settings_record).and_then(|settings| {
        settings.require_token().map_err(WitError::from)?;
        let chain = candidates
            .iter()
            .map(|c| ModelRef::parse(c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(WitError::from)?;
        Ok((settings, chain))
    });
    let (result, attempts) = match prepared {
        Ok((settings, chain)) => {
            let request: chat::ChatRequest = from_wit(request);
            let redactor = settings.redactor();
            let outcome = failover::run(chain, &mut kept, transport::now_unix_ms(), |model| {
                attempt(&settings, model, &request).map_err(|e| e.redact(&redactor))
            });
            (outcome.result.map_err(to_wit), outcome.attempts)
        }
        Err(error) => (Err(error), Vec::new()),
    };
    (result, convert_all(attempts), convert_all(kept))
}

impl wit::failover::Guest for Component {
    fn candidates(
        requested: Option<String>,
        config: wit::types::Config,
    ) -> Result<Vec<String>, WitError> {
        failover::candidates(requested.as_deref(), &from_wit(config))
            .map(|chain| chain.iter().map(ModelRef::normalized).collect())
            .map_err(to_wit)
    }

    fn classify(error: WitError) -> Option<wit::types::FailoverReason> {
        from_wit::<_, ProviderError>(error)
            .failover_reason()
            .map(to_wit)
    }

    fn advances(error: WitError) -> bool {
        from_wit::<_, ProviderError>(error).advances_failover()
    }

    fn complete(
        settings_record: wit::types::Settings,
        request: wit::chat::ChatRequest,
        candidates: Vec<String>,
        cooldowns: Vec<wit::failover::Cooldown>,
    ) -> wit::failover::CompletionOutcome {
        let (completion, attempts, cooldowns) = run_failover(
            settings_record,
            request,
            candidates,
            cooldowns,
            complete_one,
        );
        wit::failover::CompletionOutcome {
            completion: completion.map(to_wit),
            attempts,
            cooldowns,
        }
    }

    fn open_stream(
        settings_record: wit::types::Settings,
        request: wit::chat::ChatRequest,
        candidates: Vec<String>,
        cooldowns: Vec<wit::failover::Cooldown>,
    ) -> wit::failover::StreamOutcome {
        let (opened, attempts, cooldowns) =
            run_failover(settings_record, request, candidates, cooldowns, open_stream);
        wit::failover::StreamOutcome {
            opened: opened.map(wit::chat::ChatStream::new),
            attempts,
            cooldowns,
        }
    }
}
