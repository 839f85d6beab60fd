//! The `hf-provider` command (see `shared/spec/cli-contract.md`): `models`,
//! `parse` and `chat`, with `--json` output as a stable contract and
//! human-readable output that looks good on a terminal.
//!
//! Design decisions:
//! - [`run`] takes the arguments, the environment and the output streams, so
//!   tests drive the whole command in-process; `main` only wires it to the process.
//! - The component does the work; this module reads files and the environment,
//!   passes them in, and prints. It never prints settings, so the token cannot
//!   leak through it, and the component scrubs the token from every error.
//! - Exit status: 0 success, 1 a provider error, 2 a usage error. A failure of
//!   the host itself (the component could not load, or was stopped past its
//!   deadline) is reported like a provider error (`transport`, `timeout`), so
//!   `--json` always prints exactly one JSON value.
//! - The token comes from the first source that has one; lower-priority
//!   sources are not read at all. A token file that is not a regular file (a
//!   FIFO would block forever) or is over [`MAX_TOKEN_FILE_BYTES`] is skipped
//!   with a warning.

use crate::{
    Attempt, ChatRequest, ChatResponse, DiscoveryMode, ErrorKind, Host, ModelInfo, ModelRef,
    Origin, Policy, ProviderConfig, ProviderError, Role, Route, RouteInfo, Session, Settings,
    StreamEvent,
};
use clap::{Parser, Subcommand};
use console::Style;
use serde_json::{Value, json};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Exit status of a provider error.
pub const EXIT_PROVIDER_ERROR: i32 = 1;
/// Exit status of a usage error.
pub const EXIT_USAGE: i32 = 2;

pub use huggingface_provider::auth::MAX_TOKEN_FILE_BYTES;

/// The variables the component may need: the token, and where the token file is.
const TOKEN_VARIABLES: &[&str] = &[
    "HUGGINGFACE_HUB_TOKEN",
    "HF_TOKEN",
    "HF_TOKEN_PATH",
    "HF_HOME",
    "XDG_CACHE_HOME",
    "HOME",
];

#[derive(Parser, Debug)]
#[command(
    name = "hf-provider",
    version,
    about = "Hugging Face Inference Providers, through the provider WebAssembly component"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Router base URL; the component may reach this origin and no other.
    #[arg(long, global = true, value_name = "URL")]
    base_url: Option<String>,
    /// An OpenClaw-style configuration file (JSON or JSON5).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Connect, first-byte and between-bytes timeout, each, in seconds.
    #[arg(long, global = true, value_name = "SECS", default_value = "30", value_parser = parse_timeout)]
    timeout: f64,
    /// Total time for discovery or a non-streaming answer, error bodies included [default: 300].
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_timeout)]
    deadline: Option<f64>,
    /// Longest wait for a stream's next event (keep-alives do not count) [default: 60].
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_timeout)]
    stream_idle: Option<f64>,
    /// Total time for a streamed answer [default: 1800].
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_timeout)]
    stream_deadline: Option<f64>,
    /// Machine-readable output on stdout: exactly one JSON value.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the merged catalog (discovery when a token is present, the built-in catalog, the configuration).
    Models {
        /// Fail when discovery fails instead of falling back to the built-in catalog.
        #[arg(long)]
        strict: bool,
    },
    /// Parse a model reference.
    Parse {
        /// `huggingface/<org>/<model>[:fastest|:cheapest|:preferred|:<provider>]`
        reference: String,
    },
    /// Send one user message and print the answer.
    Chat {
        /// Model reference (default: the configuration's primary, else huggingface/deepseek-ai/DeepSeek-R1).
        #[arg(long, value_name = "REF")]
        model: Option<String>,
        /// Wait for the whole answer instead of streaming it.
        #[arg(long)]
        no_stream: bool,
        /// Output token limit.
        #[arg(long, value_name = "N")]
        max_tokens: Option<u32>,
        /// A system message.
        #[arg(long, value_name = "TEXT")]
        system: Option<String>,
        /// The user message.
        prompt: String,
    },
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 => Ok(secs),
        _ => Err("expected a number of seconds greater than 0 (at most 86400)".to_owned()),
    }
}

/// Where the command writes, and whether each stream is a terminal (colour, spinner).
pub struct Io<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error.
    pub err: &'a mut dyn Write,
    /// Whether stdout is a terminal.
    pub out_is_terminal: bool,
    /// Whether stderr is a terminal.
    pub err_is_terminal: bool,
}

/// Styles that are plain unless their stream is a terminal.
struct Palette {
    bold: Style,
    dim: Style,
    red: Style,
    yellow: Style,
    cyan: Style,
    green: Style,
}

impl Palette {
    fn new(terminal: bool) -> Self {
        let style = || Style::new().force_styling(terminal);
        Self {
            bold: style().bold(),
            dim: style().dim(),
            red: style().red().bold(),
            yellow: style().yellow(),
            cyan: style().cyan(),
            green: style().green(),
        }
    }
}

/// Runs the command; returns the exit status. `host` is called only once the
/// arguments are valid, so `--help` and usage errors never load the component.
pub async fn run(
    args: impl IntoIterator<Item = OsString>,
    env: &[(String, String)],
    io: &mut Io<'_>,
    host: impl FnOnce() -> wasmtime::Result<Host>,
) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_USAGE } else { 0 };
            let rendered = if io.err_is_terminal && error.use_stderr() {
                error.render().ansi().to_string()
            } else {
                error.render().to_string()
            };
            let stream: &mut dyn Write = if error.use_stderr() { io.err } else { io.out };
            let _ = write!(stream, "{rendered}");
            return code;
        }
    };
    let err_palette = Palette::new(io.err_is_terminal);
    let mut command = CommandRun {
        cli: &cli,
        env,
        io,
        err_palette,
        reasoning_open: false,
    };
    let outcome = match host() {
        Ok(host) => command.execute(&host).await,
        Err(error) => Err(error.context("could not load the provider component")),
    };
    match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(failure)) => {
            command.report(&failure);
            EXIT_PROVIDER_ERROR
        }
        Err(error) => {
            command.report(&Failure::from(host_failure(&error)));
            EXIT_PROVIDER_ERROR
        }
    }
}

/// A failure of the host (not of the provider) as the error the command reports:
/// `timeout` when the instance was stopped past its deadline, else `transport`.
fn host_failure(error: &wasmtime::Error) -> ProviderError {
    match error.downcast_ref::<crate::DeadlineExceeded>() {
        Some(exceeded) => ProviderError::new(ErrorKind::Timeout, exceeded.to_string()),
        None => ProviderError::new(
            ErrorKind::Transport,
            format!(
                "the provider component failed: {}",
                error
                    .chain()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(": ")
            ),
        ),
    }
}

/// Reads the token file at `path`, or says why it was skipped.
fn read_token_file(path: &str) -> Result<String, String> {
    use std::io::Read;
    let metadata = std::fs::metadata(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    if !metadata.is_file() {
        return Err(format!("{path} is not a regular file"));
    }
    if metadata.len() > MAX_TOKEN_FILE_BYTES {
        return Err(format!(
            "{path} is {} bytes, over the {MAX_TOKEN_FILE_BYTES}-byte limit for a token file",
            metadata.len()
        ));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_TOKEN_FILE_BYTES).read_to_string(&mut text))
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    Ok(text)
}

/// Reads the configuration file, at most one byte past the component's limit so
/// an oversized file is refused without reading all of it.
fn read_config_file(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let limit = huggingface_provider::config::MAX_CONFIG_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("could not read the configuration {}: {e}", path.display()))?;
    if bytes.len() > limit {
        return Err(format!(
            "the configuration {} is over the limit of {limit} bytes (2 MiB)",
            path.display()
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| format!("the configuration {} is not UTF-8", path.display()))
}

/// A provider error and the attempts that led to it.
struct Failure {
    error: ProviderError,
    attempts: Vec<Attempt>,
}

impl From<ProviderError> for Failure {
    fn from(error: ProviderError) -> Self {
        Self {
            error,
            attempts: Vec::new(),
        }
    }
}

/// The outer result is the host failing, the inner one a provider error.
type Step<T> = wasmtime::Result<Result<T, Failure>>;

/// Unwraps a provider result inside a function returning [`Step`].
macro_rules! provider {
    ($call:expr) => {
        match $call? {
            Ok(value) => value,
            Err(error) => return Ok(Err(Failure::from(error))),
        }
    };
}

struct CommandRun<'c, 'io, 'w> {
    cli: &'c Cli,
    env: &'c [(String, String)],
    io: &'io mut Io<'w>,
    err_palette: Palette,
    /// Reasoning was shown and the answer has not started yet.
    reasoning_open: bool,
}

impl CommandRun<'_, '_, '_> {
    async fn execute(&mut self, host: &Host) -> Step<()> {
        match &self.cli.command {
            Command::Parse { reference } => {
                let mut session = host.session(None).await?;
                let parsed = provider!(session.parse_model_ref(reference).await);
                self.print_model_ref(&parsed);
                Ok(Ok(()))
            }
            Command::Models { strict } => self.models(host, *strict).await,
            Command::Chat {
                model,
                no_stream,
                max_tokens,
                system,
                prompt,
            } => {
                let mut messages = Vec::new();
                if let Some(system) = system {
                    messages.push(crate::text_message(Role::System, system));
                }
                messages.push(crate::text_message(Role::User, prompt));
                let mut request = crate::chat_request("", messages);
                request.max_tokens = *max_tokens;
                self.chat(host, model.as_deref(), request, !*no_stream)
                    .await
            }
        }
    }

    /// The base URL, the session that may reach its origin, the settings and the configuration.
    async fn prepare(&mut self, host: &Host) -> Step<(Session, Settings, ProviderConfig)> {
        let config_text = match &self.cli.config {
            Some(path) => match read_config_file(path) {
                Ok(text) => Some(text),
                Err(message) => {
                    return Ok(Err(Failure::from(ProviderError::new(
                        ErrorKind::Config,
                        message,
                    ))));
                }
            },
            None => None,
        };
        // Parse the configuration in a session that may reach nothing; its base URL
        // decides the origin the real session may reach.
        let mut session = host.session(None).await?;
        let config = match &config_text {
            Some(text) => provider!(session.parse_config(text).await),
            None => ProviderConfig {
                primary: None,
                fallbacks: Vec::new(),
                aliases: Vec::new(),
                models: Vec::new(),
                base_url: None,
            },
        };
        let base_url = self
            .cli
            .base_url
            .clone()
            .or_else(|| config.base_url.clone())
            .unwrap_or_else(|| crate::DEFAULT_BASE_URL.to_owned());
        let env: Vec<(String, String)> = self
            .env
            .iter()
            .filter(|(key, _)| TOKEN_VARIABLES.contains(&key.as_str()))
            .cloned()
            .collect();
        // The file is read only when no variable holds a token.
        let mut resolved = session.resolve_token(&env, None).await?;
        if resolved.is_none()
            && let Some(path) = session.token_file_path(&env).await?
        {
            match read_token_file(&path) {
                Ok(text) => resolved = session.resolve_token(&env, Some(&text)).await?,
                Err(why) if std::path::Path::new(&path).exists() => {
                    let p = &self.err_palette;
                    let _ = writeln!(
                        self.io.err,
                        "{} token file skipped: {why}",
                        p.yellow.apply_to("warning:")
                    );
                }
                Err(_) => {}
            }
        }
        let mut settings = crate::settings(&base_url, None, seconds_to_ms(self.cli.timeout));
        settings.token = resolved.map(|resolved| resolved.token);
        settings.request_deadline_ms = self.cli.deadline.map(seconds_to_ms);
        settings.stream_idle_ms = self.cli.stream_idle.map(seconds_to_ms);
        settings.stream_deadline_ms = self.cli.stream_deadline.map(seconds_to_ms);
        let session = host.session(Origin::of_url(&base_url)).await?;
        Ok(Ok((session, settings, config)))
    }

    fn spinner(&self, message: String) -> Option<indicatif::ProgressBar> {
        if !self.io.err_is_terminal {
            return None;
        }
        let spinner = indicatif::ProgressBar::new_spinner().with_message(message);
        spinner.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        spinner.enable_steady_tick(Duration::from_millis(80));
        Some(spinner)
    }

    async fn models(&mut self, host: &Host, strict: bool) -> Step<()> {
        let (mut session, settings, config) = match self.prepare(host).await? {
            Ok(prepared) => prepared,
            Err(failure) => return Ok(Err(failure)),
        };
        let mode = if strict {
            DiscoveryMode::Strict
        } else {
            DiscoveryMode::Advisory
        };
        let spinner = settings
            .token
            .as_ref()
            .map(|_| self.spinner(format!("discovering models at {}", settings.base_url)));
        let discovered = session.discover(&settings, mode).await;
        if let Some(spinner) = spinner.flatten() {
            spinner.finish_and_clear();
        }
        let discovery = provider!(discovered);
        if let Some(warning) = &discovery.warning {
            let p = &self.err_palette;
            let _ = writeln!(
                self.io.err,
                "{} discovery failed ({}): {}; using the built-in catalog",
                p.yellow.apply_to("warning:"),
                warning.kind.name(),
                warning.details.message
            );
        }
        let models = session.merge(&discovery.models, &config).await?;
        if self.cli.json {
            let array: Vec<Value> = models.iter().map(model_json).collect();
            self.print_json(&Value::Array(array));
        } else {
            self.print_models_table(&models);
            let source = match (discovery.source, &settings.token) {
                (crate::CatalogSource::Discovered, _) => {
                    format!("discovered at {}", settings.base_url)
                }
                (_, None) => {
                    "built-in catalog (no token: set HF_TOKEN to discover the router's list)"
                        .to_owned()
                }
                (_, Some(_)) => "built-in catalog".to_owned(),
            };
            let p = &self.err_palette;
            let _ = writeln!(
                self.io.err,
                "{}",
                p.dim
                    .apply_to(format!("{} models · {source}", models.len()))
            );
        }
        Ok(Ok(()))
    }

    async fn chat(
        &mut self,
        host: &Host,
        model: Option<&str>,
        mut request: ChatRequest,
        streaming: bool,
    ) -> Step<()> {
        let (mut session, settings, config) = match self.prepare(host).await? {
            Ok(prepared) => prepared,
            Err(failure) => return Ok(Err(failure)),
        };
        let candidates = provider!(session.candidates(model, &config).await);
        request.model = candidates.first().cloned().unwrap_or_default();
        if !streaming {
            let spinner = self.spinner(format!("asking {}", request.model));
            let outcome = session
                .complete_with_failover(&settings, &request, &candidates)
                .await?;
            if let Some(spinner) = spinner {
                spinner.finish_and_clear();
            }
            return Ok(match outcome.completion {
                Ok(response) => {
                    if !self.cli.json {
                        self.print_reasoning(response.reasoning.as_deref().unwrap_or_default());
                        self.print_content(&response.content);
                    }
                    self.finish_chat(&response, &outcome.attempts);
                    Ok(())
                }
                Err(error) => Err(Failure {
                    error,
                    attempts: outcome.attempts,
                }),
            });
        }

        let spinner = self.spinner(format!("asking {}", request.model));
        let outcome = session
            .open_stream_with_failover(&settings, &request, &candidates)
            .await?;
        if let Some(spinner) = spinner {
            spinner.finish_and_clear();
        }
        let mut attempts = outcome.attempts;
        let stream = match outcome.opened {
            Ok(stream) => stream,
            Err(error) => return Ok(Err(Failure { error, attempts })),
        };
        loop {
            match session.next_events(&stream).await? {
                Ok(Some(events)) => self.print_events(&events),
                Ok(None) => break,
                Err(error) => {
                    // The stream opened, then failed: that attempt failed after all.
                    if let Some(last) = attempts.last_mut() {
                        last.error = Some(error.clone());
                    }
                    let _ = writeln!(self.io.out);
                    session.close_stream(stream).await?;
                    return Ok(Err(Failure { error, attempts }));
                }
            }
        }
        let response = session.stream_response(&stream).await?;
        session.close_stream(stream).await?;
        self.finish_chat(&response, &attempts);
        Ok(Ok(()))
    }

    /// Reasoning goes to stderr, dimmed, and only on a terminal: piped output is the answer.
    fn print_reasoning(&mut self, text: &str) {
        if !text.is_empty() && !self.cli.json && self.io.err_is_terminal {
            let _ = write!(self.io.err, "{}", self.err_palette.dim.apply_to(text));
            self.reasoning_open = true;
        }
    }

    /// The answer, on its own line after any reasoning shown.
    fn print_content(&mut self, text: &str) {
        if std::mem::take(&mut self.reasoning_open) {
            let _ = writeln!(self.io.err, "\n");
        }
        let _ = write!(self.io.out, "{text}");
    }

    fn print_events(&mut self, events: &[StreamEvent]) {
        if self.cli.json {
            return;
        }
        for event in events {
            match event {
                StreamEvent::Content(text) => self.print_content(text),
                StreamEvent::Reasoning(text) => self.print_reasoning(text),
                StreamEvent::ToolCall(_) | StreamEvent::Usage(_) | StreamEvent::Finish(_) => {}
            }
        }
        let _ = self.io.out.flush();
    }

    fn finish_chat(&mut self, response: &ChatResponse, attempts: &[Attempt]) {
        if self.cli.json {
            let value = json!({
                "model": response.model,
                "content": response.content,
                "reasoning": response.reasoning,
                "toolCalls": response.tool_calls.iter().map(|call| json!({
                    "id": call.id, "name": call.name, "arguments": call.arguments,
                })).collect::<Vec<_>>(),
                "finishReason": finish_reason_name(response.finish_reason),
                "usage": response.usage.map(|u| json!({
                    "promptTokens": u.prompt_tokens,
                    "completionTokens": u.completion_tokens,
                    "totalTokens": u.total_tokens,
                })),
                "provider": response.provider,
                "requestId": response.request_id,
                "attempts": attempts_json(attempts),
            });
            self.print_json(&value);
            return;
        }
        let p = Palette::new(self.io.out_is_terminal);
        for call in &response.tool_calls {
            let _ = write!(
                self.io.out,
                "\n{} {}({})",
                p.cyan.apply_to("tool call"),
                call.name,
                call.arguments
            );
        }
        let _ = writeln!(self.io.out);
        self.print_failed_attempts(attempts);
        let p = &self.err_palette;
        let mut footer = vec![response.model.clone()];
        if let Some(provider) = &response.provider {
            footer.push(format!("via {provider}"));
        }
        if let Some(usage) = &response.usage {
            footer.push(format!(
                "{} + {} tokens",
                usage.prompt_tokens, usage.completion_tokens
            ));
        }
        footer.push(format!(
            "finish {}",
            finish_reason_name(response.finish_reason)
        ));
        if let Some(id) = &response.request_id {
            footer.push(format!("request {id}"));
        }
        let _ = writeln!(self.io.err, "{}", p.dim.apply_to(footer.join(" · ")));
    }

    /// One stderr line per candidate that failed before the answer (or the final error).
    fn print_failed_attempts(&mut self, attempts: &[Attempt]) {
        for attempt in attempts {
            if let Some(error) = &attempt.error {
                let _ = writeln!(
                    self.io.err,
                    "{} {} failed: {}{}",
                    self.err_palette.yellow.apply_to("↳"),
                    attempt.model,
                    error.kind.name(),
                    status_suffix(error)
                );
            }
        }
    }

    fn print_model_ref(&mut self, parsed: &ModelRef) {
        let route = parsed.route.as_ref().map(|route| match route {
            Route::Policy(policy) => json!({"policy": policy_name(*policy)}),
            Route::Provider(name) => json!({"provider": name}),
        });
        if self.cli.json {
            let value = json!({
                "provider": parsed.provider,
                "model": parsed.model,
                "route": route,
                "profile": parsed.profile,
                "wireModel": parsed.wire_model,
            });
            self.print_json(&value);
            return;
        }
        let p = Palette::new(self.io.out_is_terminal);
        let route = match &parsed.route {
            None => "router default (fastest)".to_owned(),
            Some(Route::Policy(policy)) => format!("{} (policy)", policy_name(*policy)),
            Some(Route::Provider(name)) => format!("{name} (pinned provider)"),
        };
        let rows = [
            ("provider", parsed.provider.clone()),
            ("model", parsed.model.clone()),
            ("route", route),
            (
                "profile",
                parsed.profile.clone().unwrap_or_else(|| "—".to_owned()),
            ),
            ("wire model", parsed.wire_model.clone()),
            ("reference", parsed.normalized.clone()),
        ];
        for (label, value) in rows {
            let _ = writeln!(
                self.io.out,
                "{:>10}  {}",
                p.dim.apply_to(label),
                p.bold.apply_to(value)
            );
        }
    }

    fn print_models_table(&mut self, models: &[ModelInfo]) {
        let p = Palette::new(self.io.out_is_terminal);
        let header = [
            "MODEL",
            "NAME",
            "CONTEXT",
            "MAX OUT",
            "$/M IN · OUT · CACHE R · CACHE W",
            "NOTES",
        ];
        let rows: Vec<[String; 6]> = models.iter().map(model_row).collect();
        let mut widths = header.map(console::measure_text_width);
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(console::measure_text_width(cell));
            }
        }
        let line = |cells: [String; 6]| -> String {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate() {
                let aligned = if i == 2 || i == 3 {
                    console::pad_str(cell, widths[i], console::Alignment::Right, None).into_owned()
                } else {
                    console::pad_str(cell, widths[i], console::Alignment::Left, None).into_owned()
                };
                out.push_str(&aligned);
                out.push_str("  ");
            }
            out.trim_end().to_owned()
        };
        let _ = writeln!(
            self.io.out,
            "{}",
            p.bold.apply_to(line(header.map(str::to_owned)))
        );
        for (model, row) in models.iter().zip(rows) {
            let text = line(row);
            let styled = if model.reasoning {
                p.cyan.apply_to(text)
            } else {
                p.green.apply_to(text)
            };
            let _ = writeln!(self.io.out, "{styled}");
        }
        if models
            .iter()
            .any(|m| m.defaulted != crate::DefaultedFields::empty())
        {
            let _ = writeln!(
                self.io.out,
                "{}",
                p.dim
                    .apply_to("* default value: not published for this model")
            );
        }
    }

    fn print_json(&mut self, value: &Value) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
        let _ = writeln!(self.io.out, "{text}");
    }

    fn report(&mut self, failure: &Failure) {
        let error = &failure.error;
        let details = &error.details;
        if self.cli.json {
            let value = json!({
                "error": error_json(error),
                "attempts": attempts_json(&failure.attempts),
            });
            self.print_json(&value);
            return;
        }
        self.print_failed_attempts(&failure.attempts);
        let p = &self.err_palette;
        let _ = writeln!(
            self.io.err,
            "{} {}",
            p.red.apply_to(format!(
                "error[{}]{}:",
                error.kind.name(),
                status_suffix(error)
            )),
            details.message
        );
        let mut extra = Vec::new();
        if let Some(id) = &details.request_id {
            extra.push(format!("request {id}"));
        }
        if let Some(provider) = &details.provider {
            extra.push(format!("provider {provider}"));
        }
        if let Some(secs) = details.retry_after_secs {
            extra.push(format!("retry after {secs}s"));
        }
        if !extra.is_empty() {
            let _ = writeln!(self.io.err, "  {}", p.dim.apply_to(extra.join(" · ")));
        }
    }
}

fn seconds_to_ms(secs: f64) -> u32 {
    (secs * 1000.0).round().clamp(1.0, f64::from(u32::MAX)) as u32
}

fn status_suffix(error: &ProviderError) -> String {
    error
        .details
        .status
        .map(|s| format!(" (HTTP {s})"))
        .unwrap_or_default()
}

fn policy_name(policy: Policy) -> &'static str {
    match policy {
        Policy::Fastest => "fastest",
        Policy::Cheapest => "cheapest",
        Policy::Preferred => "preferred",
    }
}

fn finish_reason_name(reason: crate::FinishReason) -> &'static str {
    match reason {
        crate::FinishReason::Stop => "stop",
        crate::FinishReason::Length => "length",
        crate::FinishReason::ToolUse => "toolUse",
        crate::FinishReason::Error => "error",
    }
}

/// A JSON number, written as an integer when it is one (`3`, not `3.0`).
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

fn model_json(model: &ModelInfo) -> Value {
    let input: Vec<&str> = model
        .input
        .iter()
        .map(|m| match m {
            crate::Modality::Text => "text",
            crate::Modality::Image => "image",
        })
        .collect();
    json!({
        "ref": model.reference,
        "id": model.id,
        "name": model.name,
        "alias": model.alias,
        "reasoning": model.reasoning,
        "input": input,
        "contextWindow": model.context_window,
        "maxTokens": model.max_tokens,
        "cost": {
            "input": number(model.cost.input),
            "output": number(model.cost.output),
            "cacheRead": number(model.cost.cache_read),
            "cacheWrite": number(model.cost.cache_write),
        },
        "supportsTools": model.supports_tools,
        "routes": model.routes.iter().map(route_json).collect::<Vec<_>>(),
    })
}

fn route_json(route: &RouteInfo) -> Value {
    json!({
        "provider": route.provider,
        "status": route.status,
        "contextLength": route.context_length,
        "pricing": route.pricing.map(|p| json!({"input": number(p.input), "output": number(p.output)})),
        "supportsTools": route.supports_tools,
        "supportsStructuredOutput": route.supports_structured_output,
        "firstTokenLatencyMs": route.first_token_latency_ms.map(number),
        "throughput": route.throughput.map(number),
        "isModelAuthor": route.is_model_author,
        "isFree": route.is_free,
    })
}

fn model_row(model: &ModelInfo) -> [String; 6] {
    // A space where others have the marker keeps the digits in columns.
    let mark =
        |value: String, defaulted: bool| format!("{value}{}", if defaulted { '*' } else { ' ' });
    let name = match &model.alias {
        Some(alias) if alias != &model.name => format!("{alias} ({})", model.name),
        Some(alias) => alias.clone(),
        None => model.name.clone(),
    };
    let cost = &model.cost;
    let prices = format!(
        "{} · {} · {} · {}",
        number(cost.input),
        number(cost.output),
        number(cost.cache_read),
        number(cost.cache_write)
    );
    let mut notes = Vec::new();
    if model.reasoning {
        notes.push("reasoning".to_owned());
    }
    if model.input.contains(&crate::Modality::Image) {
        notes.push("image".to_owned());
    }
    if model.supports_tools == Some(false) {
        notes.push("no tools".to_owned());
    }
    if !model.routes.is_empty() {
        let live = model.routes.iter().filter(|r| r.status != "error").count();
        notes.push(format!("{live}/{} routes live", model.routes.len()));
    }
    let defaulted = model.defaulted;
    [
        model.reference.clone(),
        name,
        mark(
            model.context_window.to_string(),
            defaulted.contains(crate::DefaultedFields::CONTEXT_WINDOW),
        ),
        mark(
            model.max_tokens.to_string(),
            defaulted.contains(crate::DefaultedFields::MAX_TOKENS),
        ),
        mark(prices, defaulted.contains(crate::DefaultedFields::COST)),
        notes.join(", "),
    ]
}

fn error_json(error: &ProviderError) -> Value {
    let details = &error.details;
    json!({
        "kind": error.kind.name(),
        "status": details.status,
        "message": details.message,
        "requestId": details.request_id,
        "provider": details.provider,
        "retryAfterSecs": details.retry_after_secs,
    })
}

fn attempts_json(attempts: &[Attempt]) -> Vec<Value> {
    attempts
        .iter()
        .map(|attempt| match &attempt.error {
            None => json!({"model": attempt.model, "outcome": "ok"}),
            Some(error) => json!({
                "model": attempt.model,
                "outcome": "error",
                "error": {"kind": error.kind.name(), "status": error.details.status},
            }),
        })
        .collect()
}
