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
//! Time is bounded twice: the component ends every call within the limits in
//! [`Settings`], and the host interrupts the instance (epoch interruption) when a
//! call runs past those same limits plus [`DEADLINE_GRACE`], so even a runaway
//! loop cannot hold a host task. A call stopped that way fails with
//! [`DeadlineExceeded`]; the instance is unusable afterwards. For `https`
//! routers, the TLS handshake counts toward the connect timeout.
//!
//! The token lives in [`Token`], whose `Debug` never shows it, and so do the
//! public types that hold it ([`Settings`], [`ResolvedToken`], [`HttpRequest`]).
//!
//! The generated bindings are private; the types a caller needs are re-exported.

pub mod cli;
mod origin;

/// The README's Rust snippets, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wasmtime::component::types::ComponentFunc;
use wasmtime::component::{Component, Func, Instance, Linker, ResourceAny, ResourceTable};
use wasmtime::{
    Cache, CacheConfig, Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig,
    Result, Store, StoreLimits, StoreLimitsBuilder, UpdateDeadline,
};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

pub use origin::Origin;
/// wasmtime's dynamic component values and types, for [`Session::call_export`].
pub use wasmtime::component::{Val, types as component_types};

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
pub use wit::auth::TokenSource;
pub use wit::catalog::{CatalogSource, Discovery, DiscoveryMode};
pub use wit::chat::{
    ChatRequest, ChatResponse, Content, ContentPart, FinishReason, ImageUrl, JsonSchema, Message,
    Method, ResponseFormat, Role, StreamEvent, Task, Tool, ToolCall, ToolCallDelta, ToolChoice,
    Usage,
};
pub use wit::failover::{Attempt, Cooldown};
pub use wit::types::{
    Config as ProviderConfig, ConfiguredModel, Cost, DefaultedFields, ErrorDetails, ErrorKind,
    FailoverReason, Modality, ModelInfo, ModelRef, Policy, Pricing, ProviderError, Route,
    RouteInfo,
};

/// The component built by `build.rs` (release profile; also written to
/// `target/component/huggingface_provider.wasm`).
pub const COMPONENT: &[u8] = include_bytes!(env!("HF_PROVIDER_COMPONENT"));

/// A digest of [`COMPONENT`], which changes whenever the component does.
pub const COMPONENT_DIGEST: &str = env!("HF_PROVIDER_COMPONENT_DIGEST");

/// The most linear memory one instance may grow to. The component caps what it
/// reads (4 MiB for discovery, 8 MiB for a completion), so this only stops a
/// runaway instance from taking the host down with it.
pub const MAX_INSTANCE_MEMORY: usize = 256 * 1024 * 1024;

pub use huggingface_provider::settings::DEFAULT_BASE_URL;

/// How long past its own limits a call may run before the host interrupts it
/// (the default of [`HostOptions::deadline_grace`]).
pub const DEADLINE_GRACE: Duration = Duration::from_secs(5);

/// The budget of a call that does no I/O (parsing, projecting, merging): far
/// more than the largest accepted input needs (the default of
/// [`HostOptions::pure_call_budget`]).
pub const PURE_CALL_BUDGET: Duration = Duration::from_secs(10);

/// How many instances the pooling allocator holds at once.
pub const POOLED_INSTANCES: u32 = 2000;

/// How often the engine's epoch advances: the granularity of interruption.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// The component's default limits (see the WIT `settings` record).
use huggingface_provider::settings::{DEFAULT_REQUEST_DEADLINE_MS, DEFAULT_STREAM_DEADLINE_MS};

/// A Hugging Face token. Its `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token([redacted])")
    }
}

/// What every call that may reach the router needs (the WIT `settings` record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Router base URL, e.g. `https://router.huggingface.co/v1`.
    pub base_url: String,
    /// The token; `None` skips discovery and fails chat with `unauthorized`.
    pub token: Option<Token>,
    /// Connect, first-byte and between-bytes timeout, each, in milliseconds.
    pub timeout_ms: u32,
    /// Organisation to bill (`X-HF-Bill-To`), if any.
    pub bill_to: Option<String>,
    /// Total time for discovery or a non-streaming completion; `None`: 300 s.
    pub request_deadline_ms: Option<u32>,
    /// Longest wait for a stream's next event; `None`: 60 s.
    pub stream_idle_ms: Option<u32>,
    /// Total time for a stream; `None`: 30 min.
    pub stream_deadline_ms: Option<u32>,
}

impl Settings {
    fn to_wit(&self) -> wit::types::Settings {
        wit::types::Settings {
            base_url: self.base_url.clone(),
            token: self.token.as_ref().map(|t| t.expose().to_owned()),
            timeout_ms: self.timeout_ms,
            bill_to: self.bill_to.clone(),
            request_deadline_ms: self.request_deadline_ms,
            stream_idle_ms: self.stream_idle_ms,
            stream_deadline_ms: self.stream_deadline_ms,
        }
    }

    /// What one request may take, as the component counts it.
    fn request_limit(&self) -> Duration {
        millis(
            self.request_deadline_ms
                .unwrap_or(DEFAULT_REQUEST_DEADLINE_MS),
        )
    }

    /// What one stream may take, as the component counts it.
    fn stream_limit(&self) -> Duration {
        millis(
            self.stream_deadline_ms
                .unwrap_or(DEFAULT_STREAM_DEADLINE_MS),
        )
    }
}

fn millis(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms))
}

/// A resolved token and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedToken {
    /// The token, trimmed.
    pub token: Token,
    /// Where it came from.
    pub source: TokenSource,
}

/// An HTTP request built but not sent. Its `Debug` output hides `Authorization`.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Header names and values, in order (includes `Authorization`).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers = huggingface_provider::http::headers_for_debug(&self.headers);
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A call ran past its limits plus [`DEADLINE_GRACE`] and the host stopped the
/// instance. It is the error inside the outer `Result` of a [`Session`] call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineExceeded {
    /// The budget the call had.
    pub budget: Duration,
}

impl std::fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the provider component ran past its {:.1} s budget and was stopped",
            self.budget.as_secs_f64()
        )
    }
}

impl std::error::Error for DeadlineExceeded {}

/// How the host runs instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostOptions {
    /// Use wasmtime's pooling allocator (memory reserved up front for many
    /// concurrent instances) instead of allocating on demand.
    pub pooling_allocator: bool,
    /// How long a call that does no I/O may run before the instance is stopped.
    pub pure_call_budget: Duration,
    /// How long past the limits in its [`Settings`] a call that does I/O may run
    /// before the instance is stopped.
    pub deadline_grace: Duration,
}

impl Default for HostOptions {
    fn default() -> Self {
        Self {
            pooling_allocator: false,
            pure_call_budget: PURE_CALL_BUDGET,
            deadline_grace: DEADLINE_GRACE,
        }
    }
}

/// The WIT names of the error kinds, generated from the core's list of cases.
macro_rules! kind_names {
    ($($case:ident => $kind:literal,)*) => {
        impl ErrorKind {
            /// The WIT case name (`rate-limited`, …), as the command line prints it.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$case => $kind,)*
                }
            }
        }
    };
}

huggingface_provider::with_error_cases!(kind_names);

impl ProviderError {
    /// A provider error of `kind` carrying only a message.
    pub fn new(kind: ErrorKind, message: String) -> Self {
        Self {
            kind,
            details: ErrorDetails::message(message),
        }
    }
}

impl ErrorDetails {
    /// Details carrying only a message.
    pub fn message(message: String) -> Self {
        Self {
            message,
            status: None,
            request_id: None,
            provider: None,
            retry_after_secs: None,
        }
    }
}

/// A provider call's result: the outer `Result` is the host failing (a trap), the
/// inner one the provider's typed error.
pub type Outcome<T> = Result<std::result::Result<T, ProviderError>>;

/// Per-instance state: WASI with nothing granted, and `wasi:http` behind the allowlist.
struct State {
    limits: StoreLimits,
    /// When the current call must have returned, and the budget it was given.
    deadline: Option<(Instant, Duration)>,
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
        // wasmtime's client bounds the TCP connect, but not the TLS handshake that
        // follows: for `https`, connecting (TCP and TLS) and the response head are
        // bounded together by the connect and first-byte timeouts.
        let is_https = request.uri().scheme() == Some(&http::uri::Scheme::HTTPS);
        let head_budget = options
            .as_ref()
            .filter(|_| is_https)
            .and_then(|o| Some(o.connect_timeout? + o.first_byte_timeout?));
        Box::new(async move {
            use http_body_util::BodyExt;
            let sending = wasmtime_wasi_http::default_send_request(request, options);
            let (response, io) = match head_budget {
                Some(budget) => tokio::time::timeout(budget, sending)
                    .await
                    .map_err(|_| wasmtime_wasi_http::Error::ConnectionTimeout)??,
                None => sending.await?,
            };
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
    options: HostOptions,
}

impl Host {
    /// Loads the component built with this crate.
    pub fn new() -> Result<Self> {
        Self::from_component_bytes(COMPONENT)
    }

    /// Loads the component built with this crate, run as `options` say.
    pub fn with_options(options: HostOptions) -> Result<Self> {
        Self::from_component_bytes_with(COMPONENT, options)
    }

    /// Loads a component from its bytes (compiled once; cached across runs when a
    /// cache directory is available).
    pub fn from_component_bytes(bytes: &[u8]) -> Result<Self> {
        Self::from_component_bytes_with(bytes, HostOptions::default())
    }

    /// Loads a component from its bytes, run as `options` say.
    pub fn from_component_bytes_with(bytes: &[u8], options: HostOptions) -> Result<Self> {
        let mut config = Config::new();
        // The cache is an optimisation: a machine without a writable cache directory still works.
        if let Ok(cache) = Cache::new(CacheConfig::new()) {
            config.cache(Some(cache));
        }
        config.epoch_interruption(true);
        if options.pooling_allocator {
            // One component instance holds 3 core instances, 1 memory and 2
            // tables, and each call in flight needs a stack.
            let instances = POOLED_INSTANCES;
            let mut pooling = PoolingAllocationConfig::default();
            pooling
                .max_memory_size(MAX_INSTANCE_MEMORY)
                .total_component_instances(instances)
                .total_core_instances(3 * instances)
                .total_memories(instances)
                .total_tables(2 * instances)
                .total_stacks(instances);
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
        }
        let engine = Engine::new(&config)?;
        spawn_epoch_ticker(&engine);
        let component = Component::new(&engine, bytes)?;
        let mut linker = Linker::<State>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        let pre = bindings::ProviderPre::new(linker.instantiate_pre(&component)?)?;
        Ok(Self {
            pre,
            cooldowns: Arc::new(Mutex::new(Vec::new())),
            options,
        })
    }

    /// The same compiled component with its own, empty cooldown state: for
    /// callers that must not share failover history (separate users, tests).
    pub fn with_fresh_cooldowns(&self) -> Self {
        Self {
            pre: self.pre.clone(),
            cooldowns: Arc::new(Mutex::new(Vec::new())),
            options: self.options,
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
            deadline: None,
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks: AllowlistHooks { allowed },
        };
        let mut store = Store::new(self.pre.engine(), state);
        store.limiter(|state| &mut state.limits);
        // Checked at every epoch tick the guest runs across: past the call's
        // deadline the instance is stopped; before it, the guest yields so that
        // one busy instance cannot starve the others on the same threads.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|store| match store.data().deadline {
            Some((at, budget)) if Instant::now() >= at => {
                Err(wasmtime::Error::new(DeadlineExceeded { budget }))
            }
            _ => Ok(UpdateDeadline::Yield(1)),
        });
        let instance = self
            .pre
            .instance_pre()
            .instantiate_async(&mut store)
            .await?;
        let provider = bindings::Provider::new(&mut store, &instance)?;
        Ok(Session {
            store,
            instance,
            provider,
            cooldowns: self.cooldowns.clone(),
            options: self.options,
        })
    }
}

/// Advances `engine`'s epoch every [`EPOCH_TICK`] for as long as the engine lives.
fn spawn_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    std::thread::spawn(move || {
        while let Some(engine) = weak.upgrade() {
            engine.increment_epoch();
            drop(engine);
            std::thread::sleep(EPOCH_TICK);
        }
    });
}

/// One instance of the component. Every export is a method here.
pub struct Session {
    store: Store<State>,
    instance: Instance,
    provider: bindings::Provider,
    cooldowns: Arc<Mutex<Vec<Cooldown>>>,
    options: HostOptions,
}

/// An open stream inside a [`Session`].
pub struct ChatStream {
    resource: ResourceAny,
    /// What the stream may take, as the component counts it.
    limit: Duration,
}

/// A decoder, inside a [`Session`], for a stream body the caller reads itself.
pub struct StreamDecoder {
    resource: ResourceAny,
}

/// How many attempts a failover run over `candidates` makes at most (the
/// component tries at most `MAX_FAILOVER_ATTEMPTS`).
fn attempts_budget(candidates: &[String]) -> u32 {
    let attempts = candidates
        .len()
        .clamp(1, huggingface_provider::failover::MAX_FAILOVER_ATTEMPTS);
    u32::try_from(attempts).unwrap_or(u32::MAX)
}

impl HttpRequest {
    fn from_wit(built: wit::chat::HttpRequest) -> Self {
        Self {
            method: built.method,
            url: built.url,
            headers: built.headers,
            body: built.body,
        }
    }
}

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

/// What an export call needs: the bindings, and the store with the call's
/// deadline armed.
type Armed<'a> = (&'a bindings::Provider, &'a mut Store<State>);

impl Session {
    /// Arms the deadline of the next export call (the host stops the instance
    /// past it) and hands out what the call needs: no call runs unarmed.
    fn within(&mut self, budget: Duration) -> Armed<'_> {
        self.store.data_mut().deadline = Some((Instant::now() + budget, budget));
        (&self.provider, &mut self.store)
    }

    /// [`Self::within`] for a call that does no I/O.
    fn pure(&mut self) -> Armed<'_> {
        self.within(self.options.pure_call_budget)
    }

    /// [`Self::within`] for a call whose own limits add up to `limit`.
    fn io(&mut self, limit: Duration) -> Armed<'_> {
        self.within(limit + self.options.deadline_grace)
    }

    /// Parses a model reference.
    pub async fn parse_model_ref(&mut self, text: &str) -> Outcome<ModelRef> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_model_refs()
            .call_parse(store, text)
            .await
    }

    /// The built-in catalog.
    pub async fn builtin_catalog(&mut self) -> Result<Vec<ModelInfo>> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_catalog()
            .call_builtin(store)
            .await
    }

    /// Projects a `/models` body.
    pub async fn project_models(&mut self, body: &[u8]) -> Outcome<Vec<ModelInfo>> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_catalog()
            .call_project_models(store, body)
            .await
    }

    /// Discovers models through the router.
    pub async fn discover(
        &mut self,
        settings: &Settings,
        mode: DiscoveryMode,
    ) -> Outcome<Discovery> {
        let (provider, store) = self.io(settings.request_limit());
        provider
            .huggingface_provider_catalog()
            .call_discover(store, &settings.to_wit(), mode)
            .await
    }

    /// Lays a configuration over a model list.
    pub async fn merge(
        &mut self,
        models: &[ModelInfo],
        config: &ProviderConfig,
    ) -> Result<Vec<ModelInfo>> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_catalog()
            .call_merge(store, models, config)
            .await
    }

    /// The display name for a reference among `models`.
    pub async fn display_name(&mut self, reference: &str, models: &[ModelInfo]) -> Outcome<String> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_catalog()
            .call_display_name(store, reference, models)
            .await
    }

    /// The route a reference's suffix would use.
    pub async fn explain_route(
        &mut self,
        model: &ModelInfo,
        reference: &str,
    ) -> Outcome<Option<RouteInfo>> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_catalog()
            .call_explain_route(store, model, reference)
            .await
    }

    /// Reads a JSON or JSON5 configuration.
    pub async fn parse_config(&mut self, text: &str) -> Outcome<ProviderConfig> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_configuration()
            .call_parse(store, text)
            .await
    }

    /// Non-interactive onboarding.
    pub async fn onboard(
        &mut self,
        existing: Option<&str>,
        models: &[ModelInfo],
        has_token: bool,
    ) -> Outcome<String> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_configuration()
            .call_onboard(store, existing, models, has_token)
            .await
    }

    /// Which token file the host should read.
    pub async fn token_file_path(&mut self, env: &[(String, String)]) -> Result<Option<String>> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_auth()
            .call_token_file_path(store, env)
            .await
    }

    /// Resolves the token from the environment and the token file's contents.
    pub async fn resolve_token(
        &mut self,
        env: &[(String, String)],
        token_file: Option<&str>,
    ) -> Result<Option<ResolvedToken>> {
        let (provider, store) = self.pure();
        let resolved = provider
            .huggingface_provider_auth()
            .call_resolve_token(store, env, token_file)
            .await?;
        Ok(resolved.map(|r| ResolvedToken {
            token: Token(r.token),
            source: r.source,
        }))
    }

    /// `ok` for chat completions, `unsupported` for other tasks.
    pub async fn check_task(&mut self, task: Task) -> Outcome<()> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_chat()
            .call_check_task(store, task)
            .await
    }

    /// Refuses what discovery data says cannot work.
    pub async fn check_request(&mut self, model: &ModelInfo, request: &ChatRequest) -> Outcome<()> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_chat()
            .call_check_request(store, model, request)
            .await
    }

    /// Builds the chat HTTP request without sending it.
    pub async fn build_request(
        &mut self,
        settings: &Settings,
        request: &ChatRequest,
        streaming: bool,
    ) -> Outcome<HttpRequest> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_chat()
            .call_build_request(store, &settings.to_wit(), request, streaming)
            .await
            .map(|built| built.map(HttpRequest::from_wit))
    }

    /// Parses a chat response a host received itself.
    pub async fn parse_response(
        &mut self,
        model: &str,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Outcome<ChatResponse> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_chat()
            .call_parse_response(store, model, status, headers, body)
            .await
    }

    /// One non-streaming completion, no failover.
    pub async fn complete(
        &mut self,
        settings: &Settings,
        request: &ChatRequest,
    ) -> Outcome<ChatResponse> {
        let (provider, store) = self.io(settings.request_limit());
        provider
            .huggingface_provider_chat()
            .call_complete(store, &settings.to_wit(), request)
            .await
    }

    /// Opens one stream, no failover.
    pub async fn open_stream(
        &mut self,
        settings: &Settings,
        request: &ChatRequest,
    ) -> Outcome<ChatStream> {
        let (provider, store) = self.io(settings.stream_limit());
        let opened = provider
            .huggingface_provider_chat()
            .call_open_stream(store, &settings.to_wit(), request)
            .await?;
        let limit = settings.stream_limit();
        Ok(opened.map(|resource| ChatStream { resource, limit }))
    }

    /// The next batch of events; `None` once the stream has ended after `[DONE]`.
    pub async fn next_events(&mut self, stream: &ChatStream) -> Outcome<Option<Vec<StreamEvent>>> {
        let (provider, store) = self.io(stream.limit);
        provider
            .huggingface_provider_chat()
            .chat_stream()
            .call_next(store, stream.resource)
            .await
    }

    /// The response assembled so far.
    pub async fn stream_response(&mut self, stream: &ChatStream) -> Result<ChatResponse> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_chat()
            .chat_stream()
            .call_response(store, stream.resource)
            .await
    }

    /// Closes a stream (and its connection).
    pub async fn close_stream(&mut self, stream: ChatStream) -> Result<()> {
        let (_, store) = self.pure();
        stream.resource.resource_drop_async(store).await
    }

    /// A decoder for the 2xx streaming response a caller reads itself (sans-IO).
    pub async fn decode_stream(
        &mut self,
        settings: &Settings,
        model: &str,
        headers: &[(String, String)],
    ) -> Outcome<StreamDecoder> {
        let (provider, store) = self.pure();
        let decoder = provider
            .huggingface_provider_chat()
            .call_decode_stream(store, &settings.to_wit(), model, headers)
            .await?;
        Ok(decoder.map(|resource| StreamDecoder { resource }))
    }

    /// The events the next piece of the body completes.
    pub async fn feed_stream(
        &mut self,
        decoder: &StreamDecoder,
        bytes: &[u8],
    ) -> Outcome<Vec<StreamEvent>> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_chat()
            .stream_decoder()
            .call_feed(store, decoder.resource, bytes)
            .await
    }

    /// Ends the body: the last events, or `truncated-stream` without `[DONE]`.
    pub async fn finish_stream(&mut self, decoder: &StreamDecoder) -> Outcome<Vec<StreamEvent>> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_chat()
            .stream_decoder()
            .call_finish(store, decoder.resource)
            .await
    }

    /// The response a decoder has assembled so far.
    pub async fn decoded_response(&mut self, decoder: &StreamDecoder) -> Result<ChatResponse> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_chat()
            .stream_decoder()
            .call_response(store, decoder.resource)
            .await
    }

    /// Drops a decoder.
    pub async fn close_decoder(&mut self, decoder: StreamDecoder) -> Result<()> {
        let (_, store) = self.pure();
        decoder.resource.resource_drop_async(store).await
    }

    /// Calls any export by name with wasmtime's dynamic values: `interface` is the
    /// name inside the package (`model-refs`), `function` the export's name in it
    /// (`parse`, `[method]stream-decoder.feed`). For generic hosts and tools that
    /// walk the component's types (see [`Self::export_type`]); the typed methods
    /// above are the usual way. The call runs under the budget of a call that does
    /// no I/O, plus the grace.
    pub async fn call_export(
        &mut self,
        interface: &str,
        function: &str,
        args: &[Val],
    ) -> Result<Vec<Val>> {
        let func = self.export_func(interface, function)?;
        let mut results = vec![Val::Bool(false); func.ty(&self.store).results().len()];
        let (_, store) = self.io(self.options.pure_call_budget);
        func.call_async(store, args, &mut results).await?;
        Ok(results)
    }

    /// The parameter and result types of an export, for [`Self::call_export`].
    pub fn export_type(&mut self, interface: &str, function: &str) -> Result<ComponentFunc> {
        let func = self.export_func(interface, function)?;
        Ok(func.ty(&self.store))
    }

    fn export_func(&mut self, interface: &str, function: &str) -> Result<Func> {
        let qualified = format!(
            "huggingface:provider/{interface}@{}",
            env!("CARGO_PKG_VERSION")
        );
        let parent = self
            .instance
            .get_export_index(&mut self.store, None, &qualified);
        parent
            .and_then(|parent| {
                self.instance
                    .get_export_index(&mut self.store, Some(&parent), function)
            })
            .and_then(|index| self.instance.get_func(&mut self.store, index))
            .ok_or_else(|| wasmtime::format_err!("the component exports no {qualified}#{function}"))
    }

    /// The candidate chain.
    pub async fn candidates(
        &mut self,
        requested: Option<&str>,
        config: &ProviderConfig,
    ) -> Outcome<Vec<String>> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_failover()
            .call_candidates(store, requested, config)
            .await
    }

    /// How failover treats an error.
    pub async fn classify(&mut self, error: &ProviderError) -> Result<Option<FailoverReason>> {
        let (provider, store) = self.pure();
        provider
            .huggingface_provider_failover()
            .call_classify(store, error)
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
        let (provider, store) = self.io(settings.request_limit() * attempts_budget(candidates));
        let outcome = provider
            .huggingface_provider_failover()
            .call_complete(store, &settings.to_wit(), request, candidates, &cooldowns)
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
        let (provider, store) = self.io(settings.stream_limit() * attempts_budget(candidates));
        let outcome = provider
            .huggingface_provider_failover()
            .call_open_stream(store, &settings.to_wit(), request, candidates, &cooldowns)
            .await?;
        self.keep_cooldowns(outcome.cooldowns);
        Ok(StreamOutcome {
            opened: outcome.opened.map(|resource| ChatStream {
                resource,
                limit: settings.stream_limit(),
            }),
            attempts: outcome.attempts,
        })
    }
}

/// A chat request to `model` with these messages and every option unset.
pub fn chat_request(model: &str, messages: Vec<Message>) -> ChatRequest {
    ChatRequest {
        model: model.to_owned(),
        messages,
        max_tokens: None,
        temperature: None,
        top_p: None,
        stop: Vec::new(),
        seed: None,
        frequency_penalty: None,
        presence_penalty: None,
        tools: Vec::new(),
        tool_choice: None,
        response_format: None,
        reasoning_effort: None,
    }
}

/// A message with text content.
pub fn text_message(role: Role, text: &str) -> Message {
    Message {
        role,
        content: Some(Content::Text(text.to_owned())),
        name: None,
        tool_calls: Vec::new(),
        tool_call_id: None,
    }
}

/// Settings for `base_url` with the defaults for everything else.
pub fn settings(base_url: &str, token: Option<String>, timeout_ms: u32) -> Settings {
    Settings {
        base_url: base_url.to_owned(),
        token: token.map(Token),
        timeout_ms,
        bill_to: None,
        request_deadline_ms: None,
        stream_idle_ms: None,
        stream_deadline_ms: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_types_never_debug_print_the_token() {
        const SECRET: &str = "hf_debug_secret_value";
        let mut with_token = settings(DEFAULT_BASE_URL, Some(SECRET.into()), 1000);
        with_token.bill_to = Some("org".into());
        let resolved = ResolvedToken {
            token: Token::new(SECRET),
            source: TokenSource::HfToken,
        };
        let request = HttpRequest {
            method: Method::Post,
            url: format!("{DEFAULT_BASE_URL}/chat/completions"),
            headers: vec![("Authorization".into(), format!("Bearer {SECRET}"))],
            body: Vec::new(),
        };
        for printed in [
            format!("{with_token:?}"),
            format!("{with_token:#?}"),
            format!("{resolved:?}"),
            format!("{request:?}"),
        ] {
            assert!(!printed.contains(SECRET), "{printed}");
            assert!(printed.contains("redacted"), "{printed}");
        }
        assert_eq!(with_token.to_wit().token.as_deref(), Some(SECRET));
    }
}
