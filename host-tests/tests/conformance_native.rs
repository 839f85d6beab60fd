//! The conformance vectors run by the core compiled natively: each WIT export's
//! call mapped to the core function the component adapter calls, with values in
//! the WIT's JSON shape through the core's `serde` feature.

use hf_provider_host_tests::{Vector, check_all, chunk_bytes, error, load_vectors, ok};
use huggingface_provider::chat::{self, ChatRequest, ChatResponse, Task};
use huggingface_provider::config::{self, Config};
use huggingface_provider::error::ProviderError;
use huggingface_provider::http::ResponseHead;
use huggingface_provider::model_ref::ModelRef;
use huggingface_provider::settings::{Settings, SettingsRecord};
use huggingface_provider::stream::ChatStreamDecoder;
use huggingface_provider::{auth, catalog, discovery, failover};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Argument `i` of a call, as a core type.
fn arg<T: DeserializeOwned>(args: &[Value], i: usize) -> Result<T, String> {
    let value = args.get(i).cloned().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|e| format!("argument {i}: {e}"))
}

fn to_json(value: impl Serialize) -> Value {
    serde_json::to_value(value).expect("core values serialise")
}

/// A result in the WIT's JSON shape.
fn result<T: Serialize>(outcome: Result<T, ProviderError>) -> Value {
    match outcome {
        Ok(value) => ok(to_json(value)),
        Err(e) => error(to_json(e)),
    }
}

fn settings(args: &[Value], i: usize) -> Result<Result<Settings, ProviderError>, String> {
    Ok(arg::<SettingsRecord>(args, i)?.validate())
}

/// A chat request's model reference and the rest of it.
fn chat_request(
    args: &[Value],
    i: usize,
) -> Result<Result<(ModelRef, ChatRequest), ProviderError>, String> {
    let request: ChatRequest = arg(args, i)?;
    let model = args[i]["model"].as_str().unwrap_or_default();
    Ok(ModelRef::parse(model).map(|model| (model, request)))
}

fn run(vector: &Vector) -> Result<Value, String> {
    if vector.live {
        return live::run(vector);
    }
    let args = vector.args.as_slice();
    let text = |i: usize| arg::<String>(args, i);
    Ok(match (vector.interface.as_str(), vector.call.as_str()) {
        ("model-refs", "parse") => result(ModelRef::parse(&text(0)?)),
        ("model-refs", "normalize") => result(ModelRef::parse(&text(0)?).map(|r| r.normalized())),
        ("model-refs", "wire-model") => result(ModelRef::parse(&text(0)?).map(|r| r.wire_model())),
        ("catalog", "builtin") => ok(to_json(catalog::builtin())),
        ("catalog", "project-models") => result(discovery::project_models(text(0)?.as_bytes())),
        ("catalog", "merge") => {
            let models: Vec<catalog::ModelInfo> = arg(args, 0)?;
            let config: Config = arg(args, 1)?;
            ok(to_json(config::merge(&models, &config)))
        }
        ("catalog", "derive-name") => {
            let owned_by: Option<String> = arg(args, 1)?;
            ok(to_json(catalog::derive_name(
                &text(0)?,
                owned_by.as_deref(),
            )))
        }
        ("catalog", "display-name") => {
            let models: Vec<catalog::ModelInfo> = arg(args, 1)?;
            result(ModelRef::parse(&text(0)?).map(|r| catalog::display_name_for(&r, &models)))
        }
        ("catalog", "explain-route") => {
            let model: catalog::ModelInfo = arg(args, 0)?;
            result(ModelRef::parse(&text(1)?).map(|r| {
                r.route
                    .as_ref()
                    .and_then(|route| model.route_for(route))
                    .cloned()
            }))
        }
        ("configuration", "parse") => result(Config::parse(&text(0)?)),
        ("configuration", "onboard") => {
            let existing: Option<String> = arg(args, 0)?;
            let models: Vec<catalog::ModelInfo> = arg(args, 1)?;
            let has_token: bool = arg(args, 2)?;
            result(config::onboard(existing.as_deref(), &models, has_token))
        }
        ("auth", "token-file-path") => {
            let env: Vec<(String, String)> = arg(args, 0)?;
            ok(to_json(auth::token_file_path(&env)))
        }
        ("auth", "resolve-token") => {
            let env: Vec<(String, String)> = arg(args, 0)?;
            let file: Option<String> = arg(args, 1)?;
            let resolved = auth::resolve_token(&env, file.as_deref());
            ok(resolved.map_or(
                Value::Null,
                |(token, source)| json!({"token": token.expose(), "source": to_json(source)}),
            ))
        }
        ("chat", "check-task") => result(chat::check_task(arg::<Task>(args, 0)?)),
        ("chat", "check-request") => {
            let model: catalog::ModelInfo = arg(args, 0)?;
            result(
                chat_request(args, 1)?.and_then(|(reference, request)| {
                    chat::check_request(&model, &reference, &request)
                }),
            )
        }
        ("chat", "build-request") => {
            let streaming: bool = arg(args, 2)?;
            let request = chat_request(args, 1)?;
            let built = settings(args, 0)?.and_then(|settings| {
                let (model, request) = request?;
                chat::build_request(&settings, &model, &request, streaming)
                    .map_err(|e| e.redact(&settings.redactor()))
            });
            result(built)
        }
        ("chat", "parse-response") => {
            let head = ResponseHead {
                status: arg(args, 1)?,
                headers: arg(args, 2)?,
            };
            let body = text(3)?;
            result(
                ModelRef::parse(&text(0)?).and_then(|model| {
                    chat::parse_any_response(&model, &head, body.as_bytes(), None)
                }),
            )
        }
        ("chat", "stream-decoder") => stream(vector)?,
        ("failover", "candidates") => {
            let requested: Option<String> = arg(args, 0)?;
            let config: Config = arg(args, 1)?;
            result(
                failover::candidates(requested.as_deref(), &config)
                    .map(|chain| chain.iter().map(ModelRef::normalized).collect::<Vec<_>>()),
            )
        }
        ("failover", "classify") => ok(to_json(arg::<ProviderError>(args, 0)?.failover_reason())),
        ("failover", "advances") => ok(to_json(arg::<ProviderError>(args, 0)?.advances_failover())),
        (interface, call) => return Err(format!("no native mapping for {interface}.{call}")),
    })
}

/// A stream vector: the decoder fed every chunk, then finished, then asked for
/// the response it assembled.
fn stream(vector: &Vector) -> Result<Value, String> {
    let args = vector.args.as_slice();
    let headers: Vec<(String, String)> = arg(args, 2)?;
    let chunks = vector
        .args
        .get(3)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let opened = settings(args, 0)?.and_then(|settings| {
        let model = ModelRef::parse(&arg::<String>(args, 1).unwrap_or_default())?;
        let head = ResponseHead {
            status: 200,
            headers,
        };
        Ok(ChatStreamDecoder::new(&model, head).redacting(settings.redactor()))
    });
    let mut decoder = match opened {
        Ok(decoder) => decoder,
        Err(e) => return Ok(error(to_json(e))),
    };
    let mut feeds = Vec::new();
    for chunk in &chunks {
        feeds.push(result(decoder.feed(&chunk_bytes(chunk)?)));
    }
    let finish = result(decoder.finish());
    let response: &ChatResponse = decoder.response();
    Ok(ok(
        json!({"feeds": feeds, "finish": finish, "response": to_json(response)}),
    ))
}

#[test]
fn every_vector_passes_in_the_native_core() {
    let vectors = load_vectors();
    let (passed, failed) = check_all("native", &vectors, vectors.iter().map(run));
    assert!(passed >= 200, "only {passed} vectors ran");
    assert_eq!(failed, 0, "{failed} vectors failed (see above)");
}

/// The live vectors: the core's flows (as every adapter runs them) over a plain
/// loopback HTTP client, instead of the component's `wasi:http`.
mod live {
    use super::*;
    use hf_provider_host_tests::{LiveRouter, cooldowns, drained, exchange, now_ms, with_router};
    use huggingface_provider::discovery::DiscoveryMode;
    use huggingface_provider::error::ErrorDetails;
    use huggingface_provider::executor::block_on;
    use huggingface_provider::failover::Cooldown;
    use huggingface_provider::flow::{self, Deadline, ResponseBody, Transport};
    use huggingface_provider::http::{HttpRequest, Method};
    use std::sync::LazyLock;
    use std::time::Instant;

    /// A blocking client that reads each answer whole, then hands it out in
    /// network-sized pieces.
    struct Loopback;

    /// The origin of the loopback client's monotonic clock.
    static STARTED: LazyLock<Instant> = LazyLock::new(Instant::now);

    struct Pieces(std::vec::IntoIter<Vec<u8>>);

    impl ResponseBody for Pieces {
        async fn read(&mut self, _: &Deadline) -> Result<Option<Vec<u8>>, ProviderError> {
            Ok(self.0.next())
        }
    }

    impl Transport for Loopback {
        type Body = Pieces;

        fn monotonic_ms(&self) -> u64 {
            STARTED.elapsed().as_millis() as u64
        }

        fn unix_ms(&self) -> u64 {
            now_ms()
        }

        async fn send(
            &self,
            request: &HttpRequest,
            _: u32,
            _: &Deadline,
        ) -> Result<(ResponseHead, Pieces), ProviderError> {
            let method = match request.method {
                Method::Get => "GET",
                Method::Post => "POST",
            };
            let (status, headers, body) =
                exchange(method, &request.url, &request.headers, &request.body)
                    .map_err(|e| ProviderError::Transport(ErrorDetails::msg(e.to_string())))?;
            let pieces: Vec<Vec<u8>> = body.chunks(4096).map(<[u8]>::to_vec).collect();
            Ok((ResponseHead { status, headers }, Pieces(pieces.into_iter())))
        }
    }

    /// An open stream drained: texts joined, other events in order, how it ended.
    fn drain(mut stream: flow::ChatStream<Pieces>) -> Value {
        let mut events = Vec::new();
        let end = loop {
            match block_on(stream.next(&Loopback)) {
                Ok(Some(batch)) => events.extend(batch.into_iter().map(to_json)),
                Ok(None) => break ok(Value::Null),
                Err(e) => break error(to_json(e)),
            }
        };
        drained(&events, end, to_json(stream.response()))
    }

    fn failover<T>(
        args: &[Value],
        attempt: impl AsyncFn(&Settings, &ModelRef, &ChatRequest) -> Result<T, ProviderError>,
        finish: impl FnOnce(T) -> Value,
    ) -> Result<(Value, Value, Value), String> {
        let request: ChatRequest = arg(args, 1)?;
        let chain: Vec<String> = arg(args, 2)?;
        let mut kept: Vec<Cooldown> = arg(args, 3)?;
        let (result, attempts) = block_on(flow::with_failover(
            now_ms(),
            settings(args, 0)?,
            &chain,
            &mut kept,
            async |settings, model| attempt(settings, model, &request).await,
        ));
        let result = match result {
            Ok(value) => ok(finish(value)),
            Err(e) => error(to_json(e)),
        };
        Ok((
            result,
            to_json(attempts),
            cooldowns(&to_json(kept), now_ms()),
        ))
    }

    pub fn run(vector: &Vector) -> Result<Value, String> {
        let router = LiveRouter::get();
        router
            .script(vector.router.as_ref().unwrap_or(&Value::Null))
            .map_err(|e| e.to_string())?;
        let args = with_router(&Value::Array(vector.args.clone()), &router.origin);
        let args = args.as_array().cloned().unwrap_or_default();
        let result = match (vector.interface.as_str(), vector.call.as_str()) {
            ("catalog", "discover") => {
                let mode: DiscoveryMode = arg(&args, 1)?;
                result(
                    settings(&args, 0)?.and_then(|s| block_on(flow::discover(&Loopback, &s, mode))),
                )
            }
            ("chat", "complete") => {
                let request = chat_request(&args, 1)?;
                result(settings(&args, 0)?.and_then(|s| {
                    let (model, request) = request?;
                    block_on(flow::complete(&Loopback, &s, &model, &request))
                }))
            }
            ("chat", "open-stream") => {
                let request = chat_request(&args, 1)?;
                let opened = settings(&args, 0)?.and_then(|s| {
                    let (model, request) = request?;
                    block_on(flow::open_stream(&Loopback, &s, &model, &request))
                });
                match opened {
                    Ok(stream) => ok(drain(stream)),
                    Err(e) => error(to_json(e)),
                }
            }
            ("failover", "complete") => {
                let complete = async |s: &Settings, m: &ModelRef, r: &ChatRequest| {
                    flow::complete(&Loopback, s, m, r).await
                };
                let (completion, attempts, cooldowns) = failover(&args, complete, to_json)?;
                ok(json!({"completion": completion, "attempts": attempts, "cooldowns": cooldowns}))
            }
            ("failover", "open-stream") => {
                let open = async |s: &Settings, m: &ModelRef, r: &ChatRequest| {
                    flow::open_stream(&Loopback, s, m, r).await
                };
                let (opened, attempts, cooldowns) = failover(&args, open, drain)?;
                ok(json!({"opened": opened, "attempts": attempts, "cooldowns": cooldowns}))
            }
            (interface, call) => {
                return Err(format!("no native live mapping for {interface}.{call}"));
            }
        };
        let requests = router.requests().map_err(|e| e.to_string())?;
        Ok(json!({"result": result, "requests": requests}))
    }
}
