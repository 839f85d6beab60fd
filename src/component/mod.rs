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

use crate::chat;
use crate::discovery;
use crate::error::ProviderError;
use crate::executor::block_on;
use crate::flow;
use crate::model_ref::ModelRef;
use crate::settings::Settings;
use crate::stream::ChatStreamDecoder;
use crate::{api, auth, catalog, config, failover};
use bindings::exports::huggingface::provider as wit;
use convert::{convert_all, from_wit, to_wit};
use std::cell::RefCell;
use transport::WasiHttp;

struct Component;

bindings::export!(Component with_types_in bindings);

/// A WIT `provider-error`, the form every export returns.
type WitError = wit::types::ProviderError;

/// Seconds since the epoch for `Retry-After` dates.
fn now_unix_secs() -> Option<u64> {
    Some(transport::now_unix_ms() / 1000)
}

/// An open stream, read through `wasi:http`.
struct ChatStream {
    stream: RefCell<flow::ChatStream<transport::BodyReader>>,
}

impl wit::chat::GuestChatStream for ChatStream {
    fn next(&self) -> Result<Option<Vec<wit::chat::StreamEvent>>, WitError> {
        // The decoder scrubs the token from its events and errors.
        let result = block_on(self.stream.borrow_mut().next(&WasiHttp));
        result.map(|events| events.map(convert_all)).map_err(to_wit)
    }

    fn response(&self) -> wit::chat::ChatResponse {
        to_wit(self.stream.borrow().response().clone())
    }
}

impl ChatStream {
    fn export(stream: flow::ChatStream<transport::BodyReader>) -> wit::chat::ChatStream {
        wit::chat::ChatStream::new(ChatStream {
            stream: RefCell::new(stream),
        })
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
        block_on(flow::discover(&WasiHttp, &settings, from_wit(mode)))
            .map(to_wit)
            .map_err(to_wit)
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
        let models: Vec<catalog::ModelInfo> = convert_all(models);
        api::display_name(&reference, &models).map_err(to_wit)
    }

    fn explain_route(
        model: wit::types::ModelInfo,
        reference: String,
    ) -> Result<Option<wit::types::RouteInfo>, WitError> {
        api::explain_route(&from_wit(model), &reference)
            .map(|route| route.map(to_wit))
            .map_err(to_wit)
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

/// Splits a WIT chat request into its model reference (text) and the core request.
fn chat_request(mut request: wit::chat::ChatRequest) -> (String, chat::ChatRequest) {
    (std::mem::take(&mut request.model), from_wit(request))
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
        let decoder =
            api::decode_stream(&settings, &model, headers).map_err(to_wit::<_, WitError>)?;
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
        let (reference, request) = chat_request(request);
        api::check_request(&from_wit(model), &reference, &request).map_err(to_wit)
    }

    fn build_request(
        settings_record: wit::types::Settings,
        request: wit::chat::ChatRequest,
        streaming: bool,
    ) -> Result<wit::chat::HttpRequest, WitError> {
        let settings = settings(settings_record)?;
        let (model, request) = chat_request(request);
        api::build_request(&settings, &model, &request, streaming)
            .map(to_wit)
            .map_err(to_wit)
    }

    fn parse_response(
        model: String,
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Result<wit::chat::ChatResponse, WitError> {
        api::parse_response(&model, status, headers, &body, now_unix_secs())
            .map(to_wit)
            .map_err(to_wit)
    }

    fn complete(
        settings_record: wit::types::Settings,
        request: wit::chat::ChatRequest,
    ) -> Result<wit::chat::ChatResponse, WitError> {
        let settings = settings(settings_record)?;
        let (model, request) = chat_request(request);
        let model = parse_ref(&model)?;
        block_on(flow::complete(&WasiHttp, &settings, &model, &request))
            .map(to_wit)
            .map_err(to_wit)
    }

    fn open_stream(
        settings_record: wit::types::Settings,
        request: wit::chat::ChatRequest,
    ) -> Result<wit::chat::ChatStream, WitError> {
        let settings = settings(settings_record)?;
        let (model, request) = chat_request(request);
        let model = parse_ref(&model)?;
        block_on(flow::open_stream(&WasiHttp, &settings, &model, &request))
            .map(ChatStream::export)
            .map_err(to_wit)
    }
}

/// What a failover run returns across the boundary: the result, every attempt,
/// and the cooldowns for the caller to keep.
type FailoverRun<T> = (
    Result<T, WitError>,
    Vec<wit::failover::Attempt>,
    Vec<wit::failover::Cooldown>,
);

/// Runs `attempt` over the candidates with the core's failover loop, as one
/// blocking call.
fn run_failover<T>(
    settings_record: wit::types::Settings,
    request: wit::chat::ChatRequest,
    candidates: Vec<String>,
    cooldowns: Vec<wit::failover::Cooldown>,
    attempt: impl AsyncFn(&Settings, &ModelRef, &chat::ChatRequest) -> Result<T, ProviderError>,
) -> FailoverRun<T> {
    let mut kept: Vec<failover::Cooldown> = convert_all(cooldowns);
    let settings = from_wit::<_, Result<Settings, ProviderError>>(settings_record);
    let request: chat::ChatRequest = from_wit(request);
    let (result, attempts) = block_on(flow::with_failover(
        transport::now_unix_ms(),
        settings,
        &candidates,
        &mut kept,
        async |settings, model| attempt(settings, model, &request).await,
    ));
    (
        result.map_err(to_wit),
        convert_all(attempts),
        convert_all(kept),
    )
}

impl wit::failover::Guest for Component {
    fn candidates(
        requested: Option<String>,
        config: wit::types::Config,
    ) -> Result<Vec<String>, WitError> {
        api::candidates(requested.as_deref(), &from_wit(config)).map_err(to_wit)
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
        let complete =
            async |settings: &Settings, model: &ModelRef, request: &chat::ChatRequest| {
                flow::complete(&WasiHttp, settings, model, request).await
            };
        let (completion, attempts, cooldowns) =
            run_failover(settings_record, request, candidates, cooldowns, complete);
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
        let open = async |settings: &Settings, model: &ModelRef, request: &chat::ChatRequest| {
            flow::open_stream(&WasiHttp, settings, model, request).await
        };
        let (opened, attempts, cooldowns) =
            run_failover(settings_record, request, candidates, cooldowns, open);
        wit::failover::StreamOutcome {
            opened: opened.map(ChatStream::export),
            attempts,
            cooldowns,
        }
    }
}
