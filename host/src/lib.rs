//! The reference wasmtime host for the Hugging Face provider component.
//!
//! [`Host`] compiles the component once (wasmtime's compilation cache keeps the
//! result across runs), links `wasi:http` and the rest of WASI 0.2 with no
//! capabilities, and pre-instantiates it; [`Host::session`] then instantiates it
//! cheaply for one logical operation. Each session lets the component reach one
//! origin, the configured router's, and nothing else: other requests fail with
//! `HTTP-request-denied` before any connection is made. The component gets no
//! filesystem, no sockets, no environment variables and no stdio, and at most
//! [`MAX_INSTANCE_MEMORY`] of memory.
//!
//! The generated bindings are private; the types a caller needs are re-exported.

pub mod cli;
mod origin;

/// The README's Rust snippets, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

use std::sync::{Arc, Mutex};
use wasmtime::component::{Component, Linker, ResourceAny, ResourceTable};
use wasmtime::{
    Cache, CacheConfig, Config, Engine, Result, Store, StoreLimits, StoreLimitsBuilder,
};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

pub use origin::Origin;

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "huggingface:provider/provider",
        exports: { default: async },
        with: {
            "wasi:http": wasmtime_wasi_http::p2::bindings::http,
            "wasi:io": wasmtime_wasi::p2::bindings::io,
            "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
        },
    });
}

use bindings::exports::huggingface::provider as wit;
pub use wit::auth::{ResolvedToken, TokenSource};
pub use wit::catalog::{CatalogSource, Discovery, DiscoveryMode};
pub use wit::chat::{
    ChatRequest, ChatResponse, Content, ContentPart, FinishReason, HttpRequest, ImageUrl,
    JsonSchema, Message, Method, ResponseFormat, Role, StreamEvent, Task, Tool, ToolCall,
    ToolCallDelta, ToolChoice, Usage,
};
pub use wit::failover::{Attempt, Cooldown};
pub use wit::types::{
    Config as ProviderConfig, ConfiguredModel, Cost, DefaultedFields, ErrorDetails, FailoverReason,
    Modality, ModelInfo, ModelRef, Policy, Pricing, ProviderError, Route, RouteInfo, Settings,
};

/// The component built by `build.rs` for `wasm32-wasip2` (release profile).
pub const COMPONENT: &[u8] = include_bytes!(env!("HF_PROVIDER_COMPONENT"));

/// A digest of [`COMPONENT`], which changes whenever the component does.
pub const COMPONENT_DIGEST: &str = env!("HF_PROVIDER_COMPONENT_DIGEST");

/// The most linear memory one instance may grow to. The component caps what it
/// reads (4 MiB for discovery, 8 MiB for a completion), so this only stops a
/// runaway instance from taking the host down with it.
pub const MAX_INSTANCE_MEMORY: usize = 256 * 1024 * 1024;

/// The public router, the default base URL.
pub const DEFAULT_BASE_URL: &str = "https://router.huggingface.co/v1";

/// Accessors for the WIT error, generated from the core's list of cases.
macro_rules! accessors {
    ($($case:ident => $kind:literal,)*) => {
        impl ProviderError {
            /// The details every case carries.
            pub fn details(&self) -> &ErrorDetails {
                match self {
                    $(Self::$case(details))|* => details,
                }
            }

            /// The WIT case name (`rate-limited`, …), as the command line prints it.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Self::$case(_) => $kind,)*
                }
            }
        }
    };
}

huggingface_provider::with_error_cases!(accessors);

/// A provider call's result: the outer `Result` is the host failing (a trap), the
/// inner one the provider's typed error.
pub type Outcome<T> = Result<std::result::Result<T, ProviderError>>;

/// Per-instance state: WASI with nothing granted, and `wasi:http` behind the allowlist.
struct State {
    limits: StoreLimits,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: AllowlistHooks,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for State {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// Lets requests through to one origin; denies every other before connecting.
struct AllowlistHooks {
    allowed: Option<Origin>,
}

impl WasiHttpHooks for AllowlistHooks {
    fn send_request(
        &mut self,
        request: http::Request<wasmtime_wasi_http::WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<
        dyn Future<
                Output = wasmtime_wasi_http::Result<(
                    http::Response<wasmtime_wasi_http::WasiBody>,
                    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
                )>,
            > + Send,
    > {
        let permitted = self
            .allowed
            .as_ref()
            .is_some_and(|allowed| allowed.matches_uri(request.uri()));
        if !permitted {
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        _ = fut;
        Box::new(async move {
            use http_body_util::BodyExt;
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                response.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = _> + Send>,
            ))
        })
    }
}

/// The compiled, linked and pre-instantiated component. Cheap to share.
#[derive(Clone)]
pub struct Host {
    pre: bindings::ProviderPre<State>,
    cooldowns: Arc<Mutex<Vec<Cooldown>>>,
}

impl Host {
    /// Loads the component built with this crate.
    pub fn new() -> Result<Self> {
        Self::from_component_bytes(COMPONENT)
    }

    /// Loads a component from its bytes (compiled once; cached across runs when a
    /// cache directory is available).
    pub fn from_component_bytes(bytes: &[u8]) -> Result<Self> {
        let mut config = Config::new();
        // The cache is an optimisation: a machine without a writable cache directory still works.
        if let Ok(cache) = Cache::new(CacheConfig::new()) {
            config.cache(Some(cache));
        }
        let engine = Engine::new(&config)?;
        let component = Component::new(&engine, bytes)?;
        let mut linker = Linker::<State>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        let pre = bindings::ProviderPre::new(linker.instantiate_pre(&component)?)?;
        Ok(Self {
            pre,
            cooldowns: Arc::new(Mutex::new(Vec::new())),
        })
    }

    /// The same compiled component with its own, empty cooldown state: for
    /// callers that must not share failover history (separate users, tests).
    pub fn with_fresh_cooldowns(&self) -> Self {
        Self {
            pre: self.pre.clone(),
            cooldowns: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The component's imports and exports, as `(name, is_import)` pairs.
    pub fn interface_names(&self) -> Vec<(String, bool)> {
        let engine = self.pre.engine();
        let ty = self.pre.instance_pre().component().component_type();
        ty.imports(engine)
            .map(|(name, _)| (name.to_owned(), true))
            .chain(ty.exports(engine).map(|(name, _)| (name.to_owned(), false)))
            .collect()
    }

    /// A fresh instance that may reach `allowed` (the router's origin) and nothing else.
    pub async fn session(&self, allowed: Option<Origin>) -> Result<Session> {
        let mut wasi = WasiCtx::builder();
        wasi.allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false);
        let state = State {
            limits: StoreLimitsBuilder::new()
                .memory_size(MAX_INSTANCE_MEMORY)
                .build(),
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks: AllowlistHooks { allowed },
        };
        let mut store = Store::new(self.pre.engine(), state);
        store.limiter(|state| &mut state.limits);
        let provider = self.pre.instantiate_async(&mut store).await?;
        Ok(Session {
            store,
            provider,
            cooldowns: self.cooldowns.clone(),
        })
    }
}

/// One instance of the component. Every export is a method here.
pub struct Session {
    store: Store<State>,
    provider: bindings::Provider,
    cooldowns: Arc<Mutex<Vec<Cooldown>>>,
}

/// An open stream inside a [`Session`].
pub struct ChatStream(ResourceAny);

/// A streaming failover run's result.
pub struct StreamOutcome {
    /// The open stream, or the error that ended the run.
    pub opened: std::result::Result<ChatStream, ProviderError>,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
}

/// A non-streaming failover run's result.
pub struct CompletionOutcome {
    /// The response, or the error that ended the run.
    pub completion: std::result::Result<ChatResponse, ProviderError>,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
}

impl Session {
    /// Parses a model reference.
    pub async fn parse_model_ref(&mut self, text: &str) -> Outcome<ModelRef> {
        self.provider
            .huggingface_provider_model_refs()
            .call_parse(&mut self.store, text)
            .await
    }

    /// The built-in catalog.
    pub async fn builtin_catalog(&mut self) -> Result<Vec<ModelInfo>> {
        self.provider
            .huggingface_provider_catalog()
            .call_builtin(&mut self.store)
            .await
    }

    /// Projects a `/models` body.
    pub async fn project_models(&mut self, body: &[u8]) -> Outcome<Vec<ModelInfo>> {
        self.provider
            .huggingface_provider_catalog()
            .call_project_models(&mut self.store, body)
            .await
    }

    /// Discovers models through the router.
    pub async fn discover(
        &mut self,
        settings: &Settings,
        mode: DiscoveryMode,
    ) -> Outcome<Discovery> {
        self.provider
            .huggingface_provider_catalog()
            .call_discover(&mut self.store, settings, mode)
            .await
    }

    /// Lays a configuration over a model list.
    pub async fn merge(
        &mut self,
        models: &[ModelInfo],
        config: &ProviderConfig,
    ) -> Result<Vec<ModelInfo>> {
        self.provider
            .huggingface_provider_catalog()
            .call_merge(&mut self.store, models, config)
            .await
    }

    /// The display name for a reference among `models`.
    pub async fn display_name(&mut self, reference: &str, models: &[ModelInfo]) -> Outcome<String> {
        self.provider
            .huggingface_provider_catalog()
            .call_display_name(&mut self.store, reference, models)
            .await
    }

    /// The route a reference's suffix would use.
    pub async fn explain_route(
        &mut self,
        model: &ModelInfo,
        reference: &str,
    ) -> Outcome<Option<RouteInfo>> {
        self.provider
            .huggingface_provider_catalog()
            .call_explain_route(&mut self.store, model, reference)
            .await
    }

    /// Reads a JSON or JSON5 configuration.
    pub async fn parse_config(&mut self, text: &str) -> Outcome<ProviderConfig> {
        self.provider
            .huggingface_provider_configuration()
            .call_parse(&mut self.store, text)
            .await
    }

    /// Non-interactive onboarding.
    pub async fn onboard(
        &mut self,
        existing: Option<&str>,
        models: &[ModelInfo],
        has_token: bool,
    ) -> Outcome<String> {
        self.provider
            .huggingface_provider_configuration()
            .call_onboard(&mut self.store, existing, models, has_token)
            .await
    }

    /// Which token file the host should read.
    pub async fn token_file_path(&mut self, env: &[(String, String)]) -> Result<Option<String>> {
        self.provider
            .huggingface_provider_auth()
            .call_token_file_path(&mut self.store, env)
            .await
    }

    /// Resolves the token from the environment and the token file's contents.
    pub async fn resolve_token(
        &mut self,
        env: &[(String, String)],
        token_file: Option<&str>,
    ) -> Result<Option<ResolvedToken>> {
        self.provider
            .huggingface_provider_auth()
            .call_resolve_token(&mut self.store, env, token_file)
            .await
    }

    /// `ok` for chat completions, `unsupported` for other tasks.
    pub async fn check_task(&mut self, task: Task) -> Outcome<()> {
        self.provider
            .huggingface_provider_chat()
            .call_check_task(&mut self.store, task)
            .await
    }

    /// Refuses what discovery data says cannot work.
    pub async fn check_request(&mut self, model: &ModelInfo, request: &ChatRequest) -> Outcome<()> {
        self.provider
            .huggingface_provider_chat()
            .call_check_request(&mut self.store, model, request)
            .await
    }

    /// Builds the chat HTTP request without sending it.
    pub async fn build_request(
        &mut self,
        settings: &Settings,
        request: &ChatRequest,
        streaming: bool,
    ) -> Outcome<HttpRequest> {
        self.provider
            .huggingface_provider_chat()
            .call_build_request(&mut self.store, settings, request, streaming)
            .await
    }

    /// Parses a chat response a host received itself.
    pub async fn parse_response(
        &mut self,
        model: &str,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Outcome<ChatResponse> {
        self.provider
            .huggingface_provider_chat()
            .call_parse_response(&mut self.store, model, status, headers, body)
            .await
    }

    /// One non-streaming completion, no failover.
    pub async fn complete(
        &mut self,
        settings: &Settings,
        request: &ChatRequest,
    ) -> Outcome<ChatResponse> {
        self.provider
            .huggingface_provider_chat()
            .call_complete(&mut self.store, settings, request)
            .await
    }

    /// Opens one stream, no failover.
    pub async fn open_stream(
        &mut self,
        settings: &Settings,
        request: &ChatRequest,
    ) -> Outcome<ChatStream> {
        let opened = self
            .provider
            .huggingface_provider_chat()
            .call_open_stream(&mut self.store, settings, request)
            .await?;
        Ok(opened.map(ChatStream))
    }

    /// The next batch of events; `None` once the stream has ended after `[DONE]`.
    pub async fn next_events(&mut self, stream: &ChatStream) -> Outcome<Option<Vec<StreamEvent>>> {
        self.provider
            .huggingface_provider_chat()
            .chat_stream()
            .call_next(&mut self.store, stream.0)
            .await
    }

    /// The response assembled so far.
    pub async fn stream_response(&mut self, stream: &ChatStream) -> Result<ChatResponse> {
        self.provider
            .huggingface_provider_chat()
            .chat_stream()
            .call_response(&mut self.store, stream.0)
            .await
    }

    /// Closes a stream (and its connection).
    pub async fn close_stream(&mut self, stream: ChatStream) -> Result<()> {
        stream.0.resource_drop_async(&mut self.store).await
    }

    /// The candidate chain.
    pub async fn candidates(
        &mut self,
        requested: Option<&str>,
        config: &ProviderConfig,
    ) -> Outcome<Vec<String>> {
        self.provider
            .huggingface_provider_failover()
            .call_candidates(&mut self.store, requested, config)
            .await
    }

    /// How failover treats an error.
    pub async fn classify(&mut self, error: &ProviderError) -> Result<Option<FailoverReason>> {
        self.provider
            .huggingface_provider_failover()
            .call_classify(&mut self.store, error)
            .await
    }

    fn take_cooldowns(&self) -> Vec<Cooldown> {
        self.cooldowns.lock().map(|c| c.clone()).unwrap_or_default()
    }

    fn keep_cooldowns(&self, cooldowns: Vec<Cooldown>) {
        if let Ok(mut kept) = self.cooldowns.lock() {
            *kept = cooldowns;
        }
    }

    /// A non-streaming completion over the candidates; cooldowns are kept by the [`Host`].
    pub async fn complete_with_failover(
        &mut self,
        settings: &Settings,
        request: &ChatRequest,
        candidates: &[String],
    ) -> Result<CompletionOutcome> {
        let cooldowns = self.take_cooldowns();
        let outcome = self
            .provider
            .huggingface_provider_failover()
            .call_complete(&mut self.store, settings, request, candidates, &cooldowns)
            .await?;
        self.keep_cooldowns(outcome.cooldowns);
        Ok(CompletionOutcome {
            completion: outcome.completion,
            attempts: outcome.attempts,
        })
    }

    /// Opens a stream over the candidates; cooldowns are kept by the [`Host`].
    pub async fn open_stream_with_failover(
        &mut self,
        settings: &Settings,
        request: &ChatRequest,
        candidates: &[String],
    ) -> Result<StreamOutcome> {
        let cooldowns = self.take_cooldowns();
        let outcome = self
            .provider
            .huggingface_provider_failover()
            .call_open_stream(&mut self.store, settings, request, candidates, &cooldowns)
            .await?;
        self.keep_cooldowns(outcome.cooldowns);
        Ok(StreamOutcome {
            opened: outcome.opened.map(ChatStream),
            attempts: outcome.attempts,
        })
    }
}

/// Settings for `base_url` with the defaults for everything else.
pub fn settings(base_url: &str, token: Option<String>, timeout_ms: u32) -> Settings {
    Settings {
        base_url: base_url.to_owned(),
        token,
        timeout_ms,
        bill_to: None,
    }
}
