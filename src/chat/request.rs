//! The HTTP request of a chat completion, built without sending it.
//!
//! Design decisions:
//! - The body is serialised from private wire structs whose first field is
//!   `model` (the router reads a prefix of the body) and whose unset fields are
//!   omitted rather than sent as `null`.
//! - Tool parameter and response-format schemas are JSON texts checked here, so a
//!   bad schema is a typed `bad-request` before anything is sent.

use super::{ChatRequest, Content, ContentPart, Message, ResponseFormat, Role, ToolChoice};
use crate::catalog::{Modality, ModelInfo};
use crate::error::{ErrorDetails, ProviderError};
use crate::http::{HttpRequest, Method};
use crate::model_ref::{ModelRef, Route};
use crate::settings::Settings;
use serde::Serialize;

#[derive(Serialize)]
struct WireRequest<'a> {
    model: String,
    messages: Vec<WireMessage<'a>>,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<WireStreamOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f64>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    stop: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frequency_penalty: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    presence_penalty: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning_effort: Option<&'a str>,
}

#[derive(Serialize)]
struct WireStreamOptions {
    include_usage: bool,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_call_id: Option<&'a str>,
}

fn bad_request(why: impl Into<String>) -> ProviderError {
    ProviderError::BadRequest(ErrorDetails::msg(why))
}

fn json_text(text: &str, what: &str) -> Result<serde_json::Value, ProviderError> {
    serde_json::from_str(text).map_err(|e| bad_request(format!("{what} is not valid JSON: {e}")))
}

fn wire_message(message: &Message) -> WireMessage<'_> {
    use serde_json::json;
    let content = message.content.as_ref().map(|content| match content {
        Content::Text(text) => json!(text),
        Content::Parts(parts) => parts
            .iter()
            .map(|part| match part {
                ContentPart::Text(text) => json!({"type": "text", "text": text}),
                ContentPart::ImageUrl { url, detail: None } => {
                    json!({"type": "image_url", "image_url": {"url": url}})
                }
                ContentPart::ImageUrl {
                    url,
                    detail: Some(detail),
                } => {
                    json!({"type": "image_url", "image_url": {"url": url, "detail": detail}})
                }
            })
            .collect(),
    });
    WireMessage {
        role: match message.role {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        },
        content,
        name: message.name.as_deref(),
        tool_calls: message
            .tool_calls
            .iter()
            .map(|call| {
                json!({"id": call.id, "type": "function",
                       "function": {"name": call.name, "arguments": call.arguments}})
            })
            .collect(),
        tool_call_id: message.tool_call_id.as_deref(),
    }
}

/// Checks what can be checked before sending: messages present, JSON texts valid.
fn validate(request: &ChatRequest) -> Result<(), ProviderError> {
    if request.messages.is_empty() {
        return Err(bad_request("a chat request needs at least one message"));
    }
    for (i, message) in request.messages.iter().enumerate() {
        if message.role == Role::Tool && message.tool_call_id.is_none() {
            return Err(bad_request(format!(
                "message {i} has role tool but no tool_call_id"
            )));
        }
    }
    Ok(())
}

/// Serialises the body. `model` comes first; unset fields are omitted.
pub fn request_body(
    model: &ModelRef,
    request: &ChatRequest,
    stream: bool,
) -> Result<Vec<u8>, ProviderError> {
    use serde_json::json;
    validate(request)?;
    let tools = request
        .tools
        .iter()
        .map(|tool| {
            let mut function = serde_json::Map::new();
            function.insert("name".into(), json!(tool.name));
            if let Some(description) = &tool.description {
                function.insert("description".into(), json!(description));
            }
            if let Some(parameters) = &tool.parameters {
                let what = format!("the parameters of tool {:?}", tool.name);
                function.insert("parameters".into(), json_text(parameters, &what)?);
            }
            Ok(json!({"type": "function", "function": function}))
        })
        .collect::<Result<Vec<_>, ProviderError>>()?;
    let tool_choice = request.tool_choice.as_ref().map(|choice| match choice {
        ToolChoice::Auto => json!("auto"),
        ToolChoice::None => json!("none"),
        ToolChoice::Required => json!("required"),
        ToolChoice::Function(name) => json!({"type": "function", "function": {"name": name}}),
    });
    let response_format = match &request.response_format {
        None => None,
        Some(ResponseFormat::Text) => Some(json!({"type": "text"})),
        Some(ResponseFormat::JsonObject) => Some(json!({"type": "json_object"})),
        Some(ResponseFormat::JsonSchema {
            name,
            schema,
            strict,
        }) => {
            let mut spec = serde_json::Map::new();
            spec.insert("name".into(), json!(name));
            spec.insert(
                "schema".into(),
                json_text(schema, "the response format schema")?,
            );
            if let Some(strict) = strict {
                spec.insert("strict".into(), json!(strict));
            }
            Some(json!({"type": "json_schema", "json_schema": spec}))
        }
    };
    let wire = WireRequest {
        model: model.wire_model(),
        messages: request.messages.iter().map(wire_message).collect(),
        stream,
        stream_options: stream.then_some(WireStreamOptions {
            include_usage: true,
        }),
        max_tokens: request.max_tokens,
        temperature: request.temperature.filter(|v| v.is_finite()),
        top_p: request.top_p.filter(|v| v.is_finite()),
        stop: &request.stop,
        seed: request.seed,
        frequency_penalty: request.frequency_penalty.filter(|v| v.is_finite()),
        presence_penalty: request.presence_penalty.filter(|v| v.is_finite()),
        tools,
        tool_choice,
        response_format,
        reasoning_effort: request.reasoning_effort.as_deref(),
    };
    serde_json::to_vec(&wire)
        .map_err(|e| bad_request(format!("could not serialise the request: {e}")))
}

/// Builds `POST {base}/chat/completions` for `model`, without sending it.
pub fn build_request(
    settings: &Settings,
    model: &ModelRef,
    request: &ChatRequest,
    stream: bool,
) -> Result<HttpRequest, ProviderError> {
    let token = settings.require_token()?;
    let accept = if stream {
        "text/event-stream"
    } else {
        "application/json"
    };
    let mut http = HttpRequest::to_router(
        settings,
        Method::Post,
        settings.endpoint("chat/completions"),
        token,
        accept,
    );
    http.headers
        .push(("Content-Type".to_owned(), "application/json".to_owned()));
    http.body = request_body(model, request, stream)?;
    Ok(http)
}

/// Refuses up front what discovery says cannot work: tools on a pinned route known
/// not to support them, or images to a text-only model.
pub fn check_request(
    model: &ModelInfo,
    reference: &ModelRef,
    request: &ChatRequest,
) -> Result<(), ProviderError> {
    let unsupported = |why: String| ProviderError::Unsupported(ErrorDetails::msg(why));
    if !request.tools.is_empty()
        && let Some(route @ Route::Provider(_)) = &reference.route
        && model.route_for(route).and_then(|r| r.supports_tools) == Some(false)
    {
        return Err(unsupported(format!(
            "the inference provider {:?} does not support tools for {}",
            route.as_str(),
            reference.model
        )));
    }
    let has_image = request.messages.iter().any(|m| {
        matches!(&m.content, Some(Content::Parts(parts)) if parts.iter().any(|p| matches!(p, ContentPart::ImageUrl { .. })))
    });
    if has_image && !model.input.contains(&Modality::Image) {
        return Err(unsupported(format!(
            "{} does not accept image input",
            reference.model
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{Tool, ToolCall};
    use crate::settings::Token;

    fn settings() -> Settings {
        Settings::new("http://127.0.0.1:9/v1", Token::new("tok"), 1000).unwrap()
    }

    #[test]
    fn body_puts_model_first_keeps_suffix_and_omits_unset_fields() {
        let model = ModelRef::parse("huggingface/Qwen/Qwen3-8B:cheapest@work").unwrap();
        let request = ChatRequest {
            messages: vec![Message::text(Role::User, "hi")],
            max_tokens: Some(5),
            ..ChatRequest::default()
        };
        let http = build_request(&settings(), &model, &request, true).unwrap();
        let body = String::from_utf8(http.body).unwrap();
        assert_eq!(
            body,
            r#"{"model":"Qwen/Qwen3-8B:cheapest","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":5}"#
        );
        assert!(
            http.headers
                .contains(&("Accept".into(), "text/event-stream".into()))
        );
        assert!(
            http.headers
                .contains(&("Content-Type".into(), "application/json".into()))
        );
        assert_eq!(http.url, "http://127.0.0.1:9/v1/chat/completions");
    }

    #[test]
    fn body_carries_every_field() {
        let model = ModelRef::parse("a/b").unwrap();
        let request = ChatRequest {
            messages: vec![
                Message::text(Role::System, "sys"),
                Message {
                    role: Role::User,
                    content: Some(Content::Parts(vec![
                        ContentPart::Text("look".into()),
                        ContentPart::ImageUrl {
                            url: "data:x".into(),
                            detail: Some("low".into()),
                        },
                    ])),
                    name: Some("ann".into()),
                    tool_calls: vec![],
                    tool_call_id: None,
                },
                Message {
                    role: Role::Assistant,
                    content: None,
                    name: None,
                    tool_calls: vec![ToolCall {
                        id: "c1".into(),
                        name: "f".into(),
                        arguments: "{}".into(),
                    }],
                    tool_call_id: None,
                },
                Message {
                    tool_call_id: Some("c1".into()),
                    ..Message::text(Role::Tool, "42")
                },
            ],
            max_tokens: Some(1),
            temperature: Some(0.5),
            top_p: Some(0.9),
            stop: vec!["END".into()],
            seed: Some(7),
            frequency_penalty: Some(0.1),
            presence_penalty: Some(0.2),
            tools: vec![Tool {
                name: "f".into(),
                description: Some("d".into()),
                parameters: Some(r#"{"type":"object"}"#.into()),
            }],
            tool_choice: Some(ToolChoice::Function("f".into())),
            response_format: Some(ResponseFormat::JsonSchema {
                name: "s".into(),
                schema: "{}".into(),
                strict: Some(true),
            }),
            reasoning_effort: Some("high".into()),
        };
        let body: serde_json::Value =
            serde_json::from_slice(&request_body(&model, &request, false).unwrap()).unwrap();
        assert_eq!(
            body["messages"][1]["content"][1]["image_url"]["detail"],
            "low"
        );
        assert_eq!(
            body["messages"][2]["tool_calls"][0]["function"]["name"],
            "f"
        );
        assert!(body["messages"][2].get("content").is_none());
        assert_eq!(body["messages"][3]["tool_call_id"], "c1");
        assert_eq!(body["tools"][0]["function"]["parameters"]["type"], "object");
        assert_eq!(body["tool_choice"]["function"]["name"], "f");
        assert_eq!(body["response_format"]["json_schema"]["strict"], true);
        assert_eq!(body["reasoning_effort"], "high");
        assert_eq!(body["stop"][0], "END");
        assert!(body.get("stream_options").is_none());
        assert!(!serde_json::to_string(&body).unwrap().contains("null"));
    }

    #[test]
    fn invalid_requests_fail_before_sending() {
        let model = ModelRef::parse("a/b").unwrap();
        assert_eq!(
            build_request(&settings(), &model, &ChatRequest::default(), false)
                .unwrap_err()
                .kind(),
            "bad-request"
        );
        let bad_tool = ChatRequest {
            messages: vec![Message::text(Role::User, "x")],
            tools: vec![Tool {
                name: "f".into(),
                description: None,
                parameters: Some("{nope".into()),
            }],
            ..ChatRequest::default()
        };
        assert_eq!(
            build_request(&settings(), &model, &bad_tool, false)
                .unwrap_err()
                .kind(),
            "bad-request"
        );
        let no_token = Settings::new("http://127.0.0.1:9/v1", None, 1000).unwrap();
        assert_eq!(
            build_request(&no_token, &model, &bad_tool, false)
                .unwrap_err()
                .kind(),
            "unauthorized"
        );
    }

    #[test]
    fn check_request_refuses_known_unsupported_combinations() {
        let mut info = ModelInfo::with_defaults("a/b", "B".into());
        info.routes = vec![crate::catalog::RouteInfo {
            provider: "groq".into(),
            status: "live".into(),
            supports_tools: Some(false),
            ..Default::default()
        }];
        let with_tools = ChatRequest {
            messages: vec![Message::text(Role::User, "x")],
            tools: vec![Tool {
                name: "f".into(),
                description: None,
                parameters: None,
            }],
            ..ChatRequest::default()
        };
        let pinned = ModelRef::parse("a/b:groq").unwrap();
        assert_eq!(
            check_request(&info, &pinned, &with_tools)
                .unwrap_err()
                .kind(),
            "unsupported"
        );
        assert!(
            check_request(
                &info,
                &ModelRef::parse("a/b:cheapest").unwrap(),
                &with_tools
            )
            .is_ok()
        );
        let image = ChatRequest {
            messages: vec![Message {
                content: Some(Content::Parts(vec![ContentPart::ImageUrl {
                    url: "u".into(),
                    detail: None,
                }])),
                ..Message::text(Role::User, "")
            }],
            ..ChatRequest::default()
        };
        assert_eq!(
            check_request(&info, &pinned, &image).unwrap_err().kind(),
            "unsupported"
        );
    }
    #[test]
    fn a_proxy_that_adds_the_token_gets_requests_without_authorization() {
        use crate::chat::{ChatRequest, Message, Role, build_request};
        use crate::model_ref::ModelRef;
        let mut settings = Settings::new("http://127.0.0.1:1/v1", None, 1000).unwrap();
        let model = ModelRef::parse("huggingface/Qwen/Qwen3-8B").unwrap();
        let request = ChatRequest {
            messages: vec![Message::text(Role::User, "hi")],
            ..ChatRequest::default()
        };
        assert_eq!(crate::discovery::discovery_request(&settings), None);
        let refused = build_request(&settings, &model, &request, false).unwrap_err();
        assert_eq!(refused.kind(), "unauthorized");

        settings.proxy_adds_token = true;
        let discovery = crate::discovery::discovery_request(&settings).unwrap();
        let chat = build_request(&settings, &model, &request, true).unwrap();
        for sent in [discovery, chat] {
            assert!(sent.headers.iter().all(|(name, _)| name != "Authorization"));
            assert!(sent.headers.iter().any(|(name, _)| name == "Accept"));
        }
    }
}
