//! The conformance vectors run by the core compiled natively: each WIT export's
//! call mapped to the core function the component adapter calls, with values in
//! the WIT's JSON shape through the core's `serde` feature.

use hf_provider_host_tests::{Vector, chunk_bytes, error, ok, run_all};
use huggingface_provider::chat::{self, ChatRequest, ChatResponse, Task};
use huggingface_provider::config::{self, Config};
use huggingface_provider::error::ProviderError;
use huggingface_provider::http::{ResponseHead, Settings, SettingsRecord};
use huggingface_provider::model_ref::ModelRef;
use huggingface_provider::stream::ChatStreamDecoder;
use huggingface_provider::{auth, catalog, discovery, failover};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Argument `i` of a vector, as a core type.
fn arg<T: DeserializeOwned>(vector: &Vector, i: usize) -> Result<T, String> {
    let value = vector.args.get(i).cloned().unwrap_or(Value::Null);
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

fn settings(vector: &Vector, i: usize) -> Result<Result<Settings, ProviderError>, String> {
    Ok(arg::<SettingsRecord>(vector, i)?.validate())
}

/// A chat request's model reference and the rest of it.
fn chat_request(
    vector: &Vector,
    i: usize,
) -> Result<Result<(ModelRef, ChatRequest), ProviderError>, String> {
    let request: ChatRequest = arg(vector, i)?;
    let model = vector.args[i]["model"].as_str().unwrap_or_default();
    Ok(ModelRef::parse(model).map(|model| (model, request)))
}

fn run(vector: &Vector) -> Result<Value, String> {
    let text = |i: usize| arg::<String>(vector, i);
    Ok(match (vector.interface.as_str(), vector.call.as_str()) {
        ("model-refs", "parse") => result(ModelRef::parse(&text(0)?)),
        ("model-refs", "normalize") => result(ModelRef::parse(&text(0)?).map(|r| r.normalized())),
        ("model-refs", "wire-model") => result(ModelRef::parse(&text(0)?).map(|r| r.wire_model())),
        ("catalog", "builtin") => ok(to_json(catalog::builtin())),
        ("catalog", "project-models") => result(discovery::project_models(text(0)?.as_bytes())),
        ("catalog", "merge") => {
            let models: Vec<catalog::ModelInfo> = arg(vector, 0)?;
            let config: Config = arg(vector, 1)?;
            ok(to_json(config::merge(&models, &config)))
        }
        ("catalog", "derive-name") => {
            let owned_by: Option<String> = arg(vector, 1)?;
            ok(to_json(catalog::derive_name(
                &text(0)?,
                owned_by.as_deref(),
            )))
        }
        ("catalog", "display-name") => {
            let models: Vec<catalog::ModelInfo> = arg(vector, 1)?;
            result(ModelRef::parse(&text(0)?).map(|r| catalog::display_name_for(&r, &models)))
        }
        ("catalog", "explain-route") => {
            let model: catalog::ModelInfo = arg(vector, 0)?;
            result(ModelRef::parse(&text(1)?).map(|r| {
                r.route
                    .as_ref()
                    .and_then(|route| model.route_for(route))
                    .cloned()
            }))
        }
        ("configuration", "parse") => result(Config::parse(&text(0)?)),
        ("configuration", "onboard") => {
            let existing: Option<String> = arg(vector, 0)?;
            let models: Vec<catalog::ModelInfo> = arg(vector, 1)?;
            let has_token: bool = arg(vector, 2)?;
            result(config::onboard(existing.as_deref(), &models, has_token))
        }
        ("auth", "token-file-path") => {
            let env: Vec<(String, String)> = arg(vector, 0)?;
            ok(to_json(auth::token_file_path(&env)))
        }
        ("auth", "resolve-token") => {
            let env: Vec<(String, String)> = arg(vector, 0)?;
            let file: Option<String> = arg(vector, 1)?;
            let resolved = auth::resolve_token(&env, file.as_deref());
            ok(resolved.map_or(
                Value::Null,
                |(token, source)| json!({"token": token.expose(), "source": to_json(source)}),
            ))
        }
        ("chat", "check-task") => result(chat::check_task(arg::<Task>(vector, 0)?)),
        ("chat", "check-request") => {
            let model: catalog::ModelInfo = arg(vector, 0)?;
            result(
                chat_request(vector, 1)?.and_then(|(reference, request)| {
                    chat::check_request(&model, &reference, &request)
                }),
            )
        }
        ("chat", "build-request") => {
            let streaming: bool = arg(vector, 2)?;
            let request = chat_request(vector, 1)?;
            let built = settings(vector, 0)?.and_then(|settings| {
                let (model, request) = request?;
                chat::build_request(&settings, &model, &request, streaming)
                    .map_err(|e| e.redact(&settings.redactor()))
            });
            result(built)
        }
        ("chat", "parse-response") => {
            let head = ResponseHead {
                status: arg(vector, 1)?,
                headers: arg(vector, 2)?,
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
            let requested: Option<String> = arg(vector, 0)?;
            let config: Config = arg(vector, 1)?;
            result(
                failover::candidates(requested.as_deref(), &config)
                    .map(|chain| chain.iter().map(ModelRef::normalized).collect::<Vec<_>>()),
            )
        }
        ("failover", "classify") => ok(to_json(arg::<ProviderError>(vector, 0)?.failover_reason())),
        ("failover", "advances") => ok(to_json(
            arg::<ProviderError>(vector, 0)?.advances_failover(),
        )),
        (interface, call) => return Err(format!("no native mapping for {interface}.{call}")),
    })
}

/// A stream vector: the decoder fed every chunk, then finished, then asked for
/// the response it assembled.
fn stream(vector: &Vector) -> Result<Value, String> {
    let headers: Vec<(String, String)> = arg(vector, 2)?;
    let chunks = vector
        .args
        .get(3)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let opened = settings(vector, 0)?.and_then(|settings| {
        let model = ModelRef::parse(&arg::<String>(vector, 1).unwrap_or_default())?;
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
    let (passed, failed) = run_all("native", run);
    assert!(passed >= 200, "only {passed} vectors ran");
    assert_eq!(failed, 0, "{failed} vectors failed (see above)");
}
