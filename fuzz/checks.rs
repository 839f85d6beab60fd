//! The fuzz targets' bodies, as plain functions of the input bytes.
//!
//! Each `cargo +nightly fuzz run <target>` target (fuzz/fuzz_targets/) calls the
//! function of the same name, and `tests/fuzz_replay.rs` runs every function over
//! every seed in `fuzz/seeds/<target>/` on stable, so CI replays the seeds and
//! the minimised reproducers without nightly. A check fails by panicking.
//!
//! What the core promises, and so what is checked: no panic, stack overflow or
//! unbounded work on any input (a panic traps the component in its host), plus
//! the per-target properties documented on each function.

use huggingface_provider::catalog::{self, ModelInfo};
use huggingface_provider::chat;
use huggingface_provider::config::{self, Config};
use huggingface_provider::discovery::{self, MAX_DISCOVERED_MODELS, MAX_ROUTES_PER_MODEL};
use huggingface_provider::error::{ErrorDetails, ProviderError};
use huggingface_provider::http::ResponseHead;
use huggingface_provider::model_ref::{ModelRef, Policy, Route};
use huggingface_provider::redact::{PIECE_LEN, Redactor};
use huggingface_provider::router_error;
use huggingface_provider::sse::{DEFAULT_MAX_LINE_BYTES, LineTooLong, SseDecoder, SseEvent};
use huggingface_provider::stream::{ChatStreamDecoder, StreamEvent, ToolCallDelta};
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

/// The secret the redaction checks scrub; seeds echo it whole and in pieces.
pub const TOKEN: &str = "hf_FuzzToken_0123456789abcdef";

/// A fixed "now" for `Retry-After` dates (2023-11-14T22:13:20Z).
const NOW: u64 = 1_700_000_000;

fn builtin() -> &'static [ModelInfo] {
    static BUILTIN: OnceLock<Vec<ModelInfo>> = OnceLock::new();
    BUILTIN.get_or_init(catalog::builtin)
}

fn redactor() -> &'static Redactor {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    REDACTOR.get_or_init(|| Redactor::new(TOKEN))
}

/// At most 600 bytes of `text` from byte `from` (both moved back to character
/// boundaries), for panic messages.
fn excerpt(text: &str, from: usize) -> &str {
    let floor = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(from);
    &text[start..floor(start + 600)]
}

/// Panics when `text` holds any `PIECE_LEN`-byte window of [`TOKEN`]. (`str::contains`
/// rather than comparing windows: libFuzzer intercepts every short `memcmp`,
/// which made the window-by-window comparison the targets' main cost.)
fn assert_no_token_piece(what: &str, text: &str) {
    for start in 0..=TOKEN.len() - PIECE_LEN {
        let piece = &TOKEN[start..start + PIECE_LEN];
        if let Some(at) = text.find(piece) {
            panic!(
                "{what} leaks the token piece {piece:?} at byte {at}: {:?}",
                excerpt(text, at.saturating_sub(100))
            );
        }
    }
}

/// `ModelRef::parse` on any text (lossy UTF-8): no panic; an accepted reference
/// normalises idempotently (its normalised form parses to the same reference and
/// normalises to itself), is not foreign, and its wire model has no whitespace
/// or control characters.
pub fn model_refs(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let foreign = ModelRef::is_foreign(&text);
    let Ok(reference) = ModelRef::parse(&text) else {
        return;
    };
    assert!(!foreign, "{text:?} is foreign, yet parsed as ours");
    let normalized = reference.normalized();
    let again = ModelRef::parse(&normalized).unwrap_or_else(|e| {
        panic!("{text:?} normalises to {normalized:?}, which does not parse: {e}")
    });
    assert_eq!(
        again.normalized(),
        normalized,
        "normalising {text:?} is not idempotent"
    );
    assert_eq!(again, reference, "{text:?} and {normalized:?} differ");
    assert!(
        !ModelRef::is_foreign(&normalized),
        "{normalized:?} is foreign"
    );
    let wire = reference.wire_model();
    assert!(
        !wire.is_empty() && !wire.chars().any(|c| c.is_whitespace() || c.is_control()),
        "{text:?}: wire model {wire:?}"
    );
    assert!(wire.starts_with(&reference.model), "{text:?}: {wire:?}");
    let _ = catalog::display_name_for(&reference, builtin());
}

/// `discovery::project_models` on any body: no panic; an `Ok` has at most
/// `MAX_DISCOVERED_MODELS` models with unique, non-empty, trimmed ids, each with
/// at most `MAX_ROUTES_PER_MODEL` routes; route selection never panics; and a
/// redacted model holds no piece of the token.
pub fn models_body(data: &[u8]) {
    let Ok(models) = discovery::project_models(data) else {
        return;
    };
    assert!(
        models.len() <= MAX_DISCOVERED_MODELS,
        "{} models",
        models.len()
    );
    let mut ids = HashSet::new();
    let routes = [
        Route::Policy(Policy::Cheapest),
        Route::Policy(Policy::Fastest),
        Route::Policy(Policy::Preferred),
        Route::Provider("groq".into()),
    ];
    for model in &models {
        assert!(!model.id.is_empty(), "an empty id was kept");
        assert_eq!(model.id.trim(), model.id, "an untrimmed id was kept");
        assert!(
            ids.insert(model.id.as_str()),
            "{:?} is listed twice",
            model.id
        );
        assert!(
            model.routes.len() <= MAX_ROUTES_PER_MODEL,
            "{:?} keeps {} routes",
            model.id,
            model.routes.len()
        );
        for route in &routes {
            let _ = model.route_for(route);
        }
        let mut redacted = model.clone();
        redacted.redact(redactor());
        let mut texts = vec![redacted.id.as_str(), redacted.name.as_str()];
        texts.extend(redacted.alias.as_deref());
        texts.extend(redacted.options.as_deref());
        for route in &redacted.routes {
            texts.push(&route.provider);
            texts.push(&route.status);
        }
        for text in texts {
            assert_no_token_piece("a redacted discovered model", text);
        }
    }
}

/// Reads the chunking prefix of an `sse_stream` input: the first byte's low three
/// bits say how many chunk-size bytes follow (none: byte by byte); each size byte
/// is a chunk length (0: an empty read), used in turn and repeated over the body.
/// Bit 3 of the first byte asks for a small SSE line bound (16 + 4 × the high
/// nibble), so the bound is reached by short inputs.
fn stream_input(data: &[u8]) -> (Vec<usize>, usize, &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return (vec![1], DEFAULT_MAX_LINE_BYTES, data);
    };
    let count = usize::from(first & 7).min(rest.len());
    let (sizes, body) = rest.split_at(count);
    let mut sizes: Vec<usize> = sizes.iter().map(|&b| usize::from(b)).collect();
    if sizes.iter().all(|&s| s == 0) {
        sizes.push(1);
    }
    let max_line = if first & 8 != 0 {
        16 + 4 * usize::from(first >> 4)
    } else {
        DEFAULT_MAX_LINE_BYTES
    };
    (sizes, max_line, body)
}

/// `body` cut into pieces of the given sizes, in turn.
fn pieces<'a>(body: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = body;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        out.push(piece);
        rest = tail;
    }
    out
}

/// What a stream decoder handed out for one chunking of a body.
struct StreamRun {
    events: Vec<StreamEvent>,
    outcome: Result<(), ProviderError>,
    response: chat::ChatResponse,
}

fn run_stream(chunks: &[&[u8]], redacting: bool) -> StreamRun {
    let model = ModelRef::parse("huggingface/a/b").expect("a valid reference");
    let head = if redacting {
        ResponseHead {
            status: 200,
            headers: vec![
                ("x-request-id".into(), format!("req-{TOKEN}")),
                ("x-inference-provider".into(), TOKEN[..12].into()),
            ],
        }
    } else {
        ResponseHead {
            status: 200,
            headers: vec![],
        }
    };
    let mut decoder = ChatStreamDecoder::new(&model, head);
    if redacting {
        decoder = decoder.redacting(redactor().clone());
    }
    let mut events = Vec::new();
    let mut outcome = Ok(());
    for chunk in chunks {
        match decoder.feed(chunk) {
            Ok(mut more) => events.append(&mut more),
            Err(error) => {
                outcome = Err(error);
                break;
            }
        }
    }
    if outcome.is_ok() {
        match decoder.finish() {
            Ok(mut more) => events.append(&mut more),
            Err(error) => outcome = Err(error),
        }
    }
    match &outcome {
        Err(error) => {
            assert_eq!(decoder.feed(b"data: [DONE]\n\n").as_ref(), Err(error));
            assert_eq!(decoder.finish().as_ref(), Err(error), "errors are sticky");
        }
        Ok(()) => {
            assert!(decoder.is_done());
            assert_eq!(decoder.feed(b"data: {}\n\n"), Ok(vec![]));
            assert_eq!(decoder.finish(), Ok(vec![]), "nothing follows [DONE]");
        }
    }
    StreamRun {
        events,
        outcome,
        response: decoder.response().clone(),
    }
}

/// On success, the streamed pieces add up to the assembled response.
fn assert_events_add_up(run: &StreamRun) {
    if run.outcome.is_err() {
        return;
    }
    let mut content = String::new();
    let mut reasoning = String::new();
    let mut calls: BTreeMap<u32, (String, String)> = BTreeMap::new();
    for event in &run.events {
        match event {
            StreamEvent::Content(text) => content.push_str(text),
            StreamEvent::Reasoning(text) => reasoning.push_str(text),
            StreamEvent::ToolCall(delta) => {
                let call = calls.entry(delta.index).or_default();
                call.0.push_str(delta.name.as_deref().unwrap_or_default());
                call.1.push_str(&delta.arguments);
            }
            _ => {}
        }
    }
    let response = &run.response;
    assert_eq!(content, response.content, "content events vs response");
    assert_eq!(
        reasoning,
        response.reasoning.clone().unwrap_or_default(),
        "reasoning events vs response"
    );
    let mut assembled: Vec<(&str, &str)> = response
        .tool_calls
        .iter()
        .map(|call| (call.name.as_str(), call.arguments.as_str()))
        .collect();
    let mut streamed: Vec<(&str, &str)> = calls
        .values()
        .map(|(name, arguments)| (name.as_str(), arguments.as_str()))
        .collect();
    assembled.sort_unstable();
    streamed.sort_unstable();
    assert_eq!(streamed, assembled, "tool call events vs response");
}

/// Two chunkings of one body end the same way. Events are compared only on
/// success: a `feed` that fails drops the events of its own read, by design, so
/// what was handed out before an error depends on where the reads were cut.
fn assert_same_outcome(whole: &StreamRun, chunked: &StreamRun, what: &str) {
    assert_eq!(whole.outcome, chunked.outcome, "{what}: outcome");
    assert_eq!(whole.response, chunked.response, "{what}: response()");
    if whole.outcome.is_ok() {
        assert_eq!(whole.events, chunked.events, "{what}: events");
    }
}

/// No text a redacting decoder handed out holds a piece of the token. Every
/// string field is checked as it is, not through `Debug`: `Debug` escapes a NUL
/// as `\0` and an LF as `\n`, which put a `0` or `n` next to the following text
/// and made false pieces such as `01234567` out of `"\u{0}1234567"`. The
/// destructuring has no `..`, so a new field fails to compile here until it is
/// checked.
fn assert_run_redacted(run: &StreamRun) {
    for event in &run.events {
        match event {
            StreamEvent::Content(text) | StreamEvent::Reasoning(text) => {
                assert_no_token_piece("a streamed text", text);
            }
            StreamEvent::ToolCall(ToolCallDelta {
                index: _,
                id,
                name,
                arguments,
            }) => {
                for text in [id, name].into_iter().flatten() {
                    assert_no_token_piece("a streamed tool call id or name", text);
                }
                assert_no_token_piece("streamed tool call arguments", arguments);
            }
            StreamEvent::Usage(_) | StreamEvent::Finish(_) => {}
        }
    }
    let chat::ChatResponse {
        model,
        content,
        reasoning,
        tool_calls,
        finish_reason: _,
        usage: _,
        provider,
        request_id,
    } = &run.response;
    for text in [model, content]
        .into_iter()
        .chain([reasoning, provider, request_id].into_iter().flatten())
    {
        assert_no_token_piece("the assembled response", text);
    }
    for chat::ToolCall {
        id,
        name,
        arguments,
    } in tool_calls
    {
        for text in [id, name, arguments] {
            assert_no_token_piece("an assembled tool call", text);
        }
    }
    if let Err(error) = &run.outcome {
        let ErrorDetails {
            message,
            status: _,
            request_id,
            provider,
            retry_after_secs: _,
        } = error.details();
        assert_no_token_piece("the error message", message);
        for text in [request_id, provider].into_iter().flatten() {
            assert_no_token_piece("the error's request id or provider", text);
        }
    }
}

/// Runs the raw SSE decoder over `chunks`.
fn run_sse(
    chunks: &[&[u8]],
    max_line: usize,
) -> (Vec<SseEvent>, Result<(), LineTooLong>, Option<u64>) {
    let mut decoder = SseDecoder::new(max_line);
    let mut events = Vec::new();
    let mut outcome = Ok(());
    for chunk in chunks {
        outcome = decoder.feed(chunk, &mut events);
        if outcome.is_err() {
            break;
        }
    }
    if outcome.is_ok() {
        outcome = decoder.finish(&mut events);
    }
    for event in &events {
        assert!(
            event.data.len() <= max_line,
            "an event's data exceeds the bound"
        );
    }
    (events, outcome, decoder.retry_ms())
}

/// A streaming body cut into reads chosen by the input's first bytes (see
/// `stream_input`) and fed to `ChatStreamDecoder`, plain and redacting: no panic;
/// the outcome (error, assembled response, and on success the events) is the same
/// as when the body is fed in one piece; on success the events add up to the
/// response; with redaction no event, response or error holds a piece of the
/// token. The raw `SseDecoder` yields the same events for both cuts.
pub fn sse_stream(data: &[u8]) {
    let (sizes, max_line, body) = stream_input(data);
    let chunks = pieces(body, &sizes);
    let whole = [body];

    let sse_whole = run_sse(&whole, max_line);
    let sse_chunked = run_sse(&chunks, max_line);
    assert_eq!(sse_whole, sse_chunked, "SseDecoder: whole vs chunked");

    for redacting in [false, true] {
        let what = if redacting { "redacting" } else { "plain" };
        let one = run_stream(&whole, redacting);
        let cut = run_stream(&chunks, redacting);
        assert_same_outcome(&one, &cut, what);
        assert_events_add_up(&one);
        assert_events_add_up(&cut);
        if redacting {
            assert_run_redacted(&one);
            assert_run_redacted(&cut);
        }
    }
}

/// Splits an `error_response` input: a big-endian status (2 bytes), then header
/// lines (`name: value`, LF-separated) up to the first blank line, then the body.
/// Without a blank line there are no headers and the rest is the body.
fn response_input(data: &[u8]) -> Option<(ResponseHead, &[u8])> {
    let [high, low, rest @ ..] = data else {
        return None;
    };
    let status = u16::from_be_bytes([*high, *low]);
    let (header_bytes, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(end) => (&rest[..end], &rest[end + 2..]),
        None => (&rest[..0], rest),
    };
    let headers = String::from_utf8_lossy(header_bytes)
        .split('\n')
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| {
            let value = value.strip_prefix(' ').unwrap_or(value);
            (name.to_owned(), value.to_owned())
        })
        .collect();
    Some((ResponseHead { status, headers }, body))
}

/// Any status, headers and body: `error_from_response` never panics, keeps the
/// status, request id and provider, gives a non-empty bounded message, sets a
/// retry delay only for 429/503/529, and once redacted holds no piece of the
/// token; `chat::parse_response` (with the status made 2xx) never panics either.
pub fn error_response(data: &[u8]) {
    let Some((head, body)) = response_input(data) else {
        return;
    };
    for now in [None, Some(NOW), Some(0), Some(u64::MAX)] {
        let error = router_error::error_from_response(&head, body, now);
        let details = error.details();
        assert_eq!(details.status, Some(head.status));
        assert_eq!(details.request_id.as_deref(), head.request_id());
        assert_eq!(details.provider.as_deref(), head.inference_provider());
        assert!(!details.message.trim().is_empty(), "an empty message");
        assert!(
            details.message.len() <= 1500,
            "a {}-byte message",
            details.message.len()
        );
        if !matches!(head.status, 429 | 503 | 529) {
            assert_eq!(details.retry_after_secs, None, "{error:?}");
        }
        let redacted = error.redact(redactor());
        let details = redacted.details();
        assert_no_token_piece("a redacted error message", &details.message);
        for text in [&details.request_id, &details.provider]
            .into_iter()
            .flatten()
        {
            assert_no_token_piece("a redacted error header", text);
        }
    }

    let head = ResponseHead {
        status: if head.is_success() { head.status } else { 200 },
        ..head
    };
    let model = ModelRef::parse("huggingface/a/b:groq").expect("a valid reference");
    match chat::parse_response(&model, &head, body) {
        Ok(response) => {
            assert_eq!(response.model, "huggingface/a/b:groq");
            assert_eq!(response.provider.as_deref(), head.inference_provider());
            assert_eq!(response.request_id.as_deref(), head.request_id());
        }
        Err(error) => {
            assert!(
                matches!(error.kind(), "malformed-response" | "stream-error"),
                "{error:?}"
            );
            assert_eq!(error.details().status, Some(head.status));
        }
    }
}

/// `Config::parse` and `onboard` on any text (lossy UTF-8): no panic and no
/// stack overflow (the nesting guard must hold for every string and comment
/// form); a parsed configuration merges with the catalog into unique ids that
/// include every configured, aliased and catalog model; what `onboard` writes
/// parses again, and onboarding it again changes nothing.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(parsed) = Config::parse(&text) {
        let merged = config::merge(builtin(), &parsed);
        let mut ids = HashSet::new();
        for model in &merged {
            assert!(
                ids.insert(model.id.as_str()),
                "merge lists {:?} twice",
                model.id
            );
        }
        let aliased = parsed
            .aliases
            .iter()
            .filter_map(|(reference, _)| ModelRef::parse(reference).ok())
            .map(|reference| reference.wire_model());
        let expected: Vec<String> = builtin()
            .iter()
            .map(|model| model.id.clone())
            .chain(parsed.models.iter().map(|model| model.id.clone()))
            .chain(aliased)
            .collect();
        for id in &expected {
            assert!(ids.contains(id.as_str()), "merge lost {id:?}");
        }
    }
    for has_token in [true, false] {
        let Ok(written) = config::onboard(Some(&text), builtin(), has_token) else {
            continue;
        };
        if let Err(e) = Config::parse(&written) {
            panic!(
                "onboard (has_token: {has_token}) wrote a configuration that does not parse: \
                 {e}\n{}",
                excerpt(&written, 0)
            );
        }
        let again = config::onboard(Some(&written), builtin(), has_token)
            .unwrap_or_else(|e| panic!("onboarding the written configuration fails: {e}"));
        assert_eq!(again, written, "onboarding is not idempotent");
    }
}

/// `chat::request_body` on a request made of the input (lossy UTF-8, split at
/// U+0001): a tool's parameter schema, a response-format schema, then the
/// messages' texts. Either the body is JSON that starts with `model`, carries
/// every message's text as given and each schema as the JSON it parses to, or
/// the error is `bad-request` because a schema is not JSON or there is no message.
pub fn chat_request(data: &[u8]) {
    use chat::{ChatRequest, Message, ResponseFormat, Role, Tool};
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{1}');
    let parameters = parts.next().unwrap_or_default().to_owned();
    let schema = parts.next().unwrap_or("{}").to_owned();
    let roles = [Role::System, Role::User, Role::Assistant];
    let messages: Vec<Message> = parts
        .enumerate()
        .map(|(i, part)| Message::text(roles[i % roles.len()], part))
        .collect();
    let request = ChatRequest {
        messages: messages.clone(),
        tools: vec![Tool {
            name: "f".into(),
            description: None,
            parameters: Some(parameters.clone()),
        }],
        response_format: Some(ResponseFormat::JsonSchema {
            name: "s".into(),
            schema: schema.clone(),
            strict: None,
        }),
        ..ChatRequest::default()
    };
    let model = ModelRef::parse("huggingface/Qwen/Qwen3-8B:cheapest").expect("a valid reference");
    let as_json = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
    match chat::request_body(&model, &request, data.first().is_some_and(|b| b & 1 == 1)) {
        Ok(body) => {
            assert!(body.starts_with(br#"{"model":"Qwen/Qwen3-8B:cheapest","#));
            let sent: serde_json::Value = serde_json::from_slice(&body).expect("the body is JSON");
            let sent_messages = sent["messages"].as_array().expect("messages");
            assert_eq!(sent_messages.len(), messages.len());
            for (sent, message) in sent_messages.iter().zip(&messages) {
                let Some(chat::Content::Text(text)) = &message.content else {
                    unreachable!("text messages only")
                };
                assert_eq!(sent["content"].as_str(), Some(text.as_str()));
            }
            let tool = &sent["tools"][0]["function"]["parameters"];
            assert_eq!(Some(tool), as_json(&parameters).as_ref());
            let format = &sent["response_format"]["json_schema"]["schema"];
            assert_eq!(Some(format), as_json(&schema).as_ref());
        }
        Err(error) => {
            assert_eq!(error.kind(), "bad-request", "{error}");
            assert!(
                messages.is_empty() || as_json(&parameters).is_none() || as_json(&schema).is_none(),
                "refused a valid request: {error}"
            );
        }
    }
}
