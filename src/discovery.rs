//! Discovery through `GET {base}/models`: the request, the projection of the body
//! onto [`ModelInfo`]s, and the advisory/strict fallback rule.
//!
//! The projection follows OpenClaw (catalog wins for known ids, minimum live
//! context length, tools flag from live routes) and goes beyond it by keeping
//! every route with its metadata.

mod lenient;

use crate::catalog::{self, Modality, ModelInfo, Pricing, RouteInfo};
use crate::error::{ErrorDetails, ProviderError};
use crate::http::{HttpRequest, Method};
use crate::settings::Settings;
use lenient::{Accept, Lenient, Odd, lenient_object};
use serde::Deserialize;
use serde::de::{IgnoredAny, SeqAccess};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Largest discovery body read; past it the read stops with `response-too-large`.
pub const MAX_DISCOVERY_BYTES: usize = 4 * 1024 * 1024;

/// Lower-cased id fragments that mark a reasoning model.
const REASONING_MARKERS: &[&str] = &["r1", "reason", "thinking", "reasoner", "grok", "qwq"];

/// How discovery failures are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum DiscoveryMode {
    /// Any failure, or zero models, falls back to the built-in catalog with a warning.
    Advisory,
    /// A failure is returned as the error.
    Strict,
}

/// Where a model list came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum CatalogSource {
    /// The router's `/models`.
    Discovered,
    /// The built-in catalog.
    Builtin,
}

/// The result of discovery.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "kebab-case")
)]
pub struct Discovery {
    /// The models, in order.
    pub models: Vec<ModelInfo>,
    /// Where they came from.
    pub source: CatalogSource,
    /// In advisory mode, why discovery fell back to the built-in catalog.
    pub warning: Option<ProviderError>,
}

/// The discovery request, or `None` when there is no token (nothing is sent
/// then) and no proxy adds one.
pub fn discovery_request(settings: &Settings) -> Option<HttpRequest> {
    let token = settings.require_token().ok()?;
    Some(HttpRequest::to_router(
        settings,
        Method::Get,
        settings.endpoint("models"),
        token,
        "application/json",
    ))
}

/// Applies the mode to the outcome of fetching and projecting `/models`.
pub fn settle(
    outcome: Result<Vec<ModelInfo>, ProviderError>,
    mode: DiscoveryMode,
) -> Result<Discovery, ProviderError> {
    match (outcome, mode) {
        (Ok(models), DiscoveryMode::Strict) => Ok(Discovery {
            models,
            source: CatalogSource::Discovered,
            warning: None,
        }),
        (Ok(models), DiscoveryMode::Advisory) if !models.is_empty() => Ok(Discovery {
            models,
            source: CatalogSource::Discovered,
            warning: None,
        }),
        (Ok(_), DiscoveryMode::Advisory) => Ok(builtin_with_warning(
            ProviderError::MalformedResponse(ErrorDetails::msg("discovery returned no models")),
        )),
        (Err(error), DiscoveryMode::Advisory) => Ok(builtin_with_warning(error)),
        (Err(error), DiscoveryMode::Strict) => Err(error),
    }
}

/// The built-in catalog, used without a token.
pub fn builtin_discovery() -> Discovery {
    Discovery {
        models: catalog::builtin(),
        source: CatalogSource::Builtin,
        warning: None,
    }
}

fn builtin_with_warning(warning: ProviderError) -> Discovery {
    Discovery {
        warning: Some(warning),
        ..builtin_discovery()
    }
}

/// Most models kept from one `/models` body; later entries are read and skipped.
pub const MAX_DISCOVERED_MODELS: usize = 10_000;
/// Most routes kept per model; later routes still count for the context window
/// and the tools flag, but are not kept.
pub const MAX_ROUTES_PER_MODEL: usize = 64;

#[derive(Deserialize)]
struct ListBody {
    /// Projected as it is read (one pass over the body, no JSON tree).
    data: Option<ProjectedList>,
}

// Strings are borrowed from the body where they have no escapes: a projection
// copies only what it keeps, once.
lenient_object! {
    /// A `/models` entry.
    struct WireModel<'de> {
        id: Cow<'de, str>,
        owned_by: Cow<'de, str>,
        name: Cow<'de, str>,
        title: Cow<'de, str>,
        display_name: Cow<'de, str>,
        architecture: WireArchitecture<'de>,
        providers: Routes,
    }
}

lenient_object! {
    /// A model's `architecture`.
    struct WireArchitecture<'de> {
        input_modalities: Vec<Cow<'de, str>>,
    }
}

lenient_object! {
    /// One of a model's `providers`: an inference provider serving it.
    struct WireRoute<'de> {
        provider: Cow<'de, str>,
        status: Cow<'de, str>,
        context_length: f64,
        pricing: WirePricing,
        supports_tools: bool,
        supports_structured_output: bool,
        first_token_latency_ms: f64,
        throughput: f64,
        is_model_author: bool,
        is_free: bool,
    }
}

lenient_object! {
    /// A route's price per million tokens.
    struct WirePricing {
        input: f64,
        output: f64,
    }
}

/// A model's `providers` array, folded route by route as it is read: the first
/// [`MAX_ROUTES_PER_MODEL`] routes are kept, and every live route counts for the
/// smallest context length and the tools flag. Memory follows what is kept.
#[derive(Default)]
struct Routes {
    kept: Vec<RouteInfo>,
    min_live_context: Option<u32>,
    live_route_lacks_tools: bool,
}

impl<'de> Accept<'de> for Routes {
    fn array<A: SeqAccess<'de>>(mut seq: A) -> Result<Result<Self, Odd>, A::Error> {
        let (mut routes, mut odd) = (Routes::default(), false);
        while let Some(wire) = seq.next_element::<Lenient<WireRoute>>()? {
            // An odd route (or a null) makes the model odd; the rest is still read.
            let Ok(wire) = wire.required() else {
                odd = true;
                continue;
            };
            let route = project_route(&wire);
            if route.is_live() {
                if let Some(context) = route.context_length {
                    routes.min_live_context =
                        Some(routes.min_live_context.map_or(context, |m| m.min(context)));
                }
                routes.live_route_lacks_tools |= route.supports_tools == Some(false);
            }
            if routes.kept.len() < MAX_ROUTES_PER_MODEL {
                routes.kept.push(route);
            }
        }
        Ok(if odd { Err(Odd) } else { Ok(routes) })
    }
}

/// A `data` array projected entry by entry in one pass: an entry that is not an
/// object, or has a field of an unexpected type, is skipped without failing the
/// list, and entries past [`MAX_DISCOVERED_MODELS`] are read through and cost no
/// memory. `None` when `data` is not an array (read and skipped).
struct ProjectedList(Option<Vec<ModelInfo>>);

impl<'de> Deserialize<'de> for ProjectedList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ProjectedListVisitor)
    }
}

struct ProjectedListVisitor;

impl<'de> serde::de::Visitor<'de> for ProjectedListVisitor {
    type Value = ProjectedList;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of models")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<ProjectedList, A::Error> {
        // Ordered, not hashed: the component has no source of randomness to
        // seed a hasher, and a router must not be able to choose colliding ids.
        let mut seen = BTreeSet::new();
        let mut models = Vec::new();
        loop {
            if models.len() >= MAX_DISCOVERED_MODELS {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    break;
                }
                continue;
            }
            let Some(entry) = seq.next_element::<Lenient<WireModel>>()? else {
                break;
            };
            // Tolerate odd entries one by one rather than failing the whole list.
            let Ok(mut wire) = entry.required() else {
                continue;
            };
            let Some(id) = wire
                .id
                .take()
                .map(|id| id.trim().to_owned())
                .filter(|id| !id.is_empty())
            else {
                continue;
            };
            if seen.contains(&id) {
                continue;
            }
            models.push(project_entry(&id, wire));
            seen.insert(id);
        }
        Ok(ProjectedList(Some(models)))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<ProjectedList, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(ProjectedList(None))
    }

    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<ProjectedList, E> {
        Ok(ProjectedList(None))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<ProjectedList, E> {
        Ok(ProjectedList(None))
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<ProjectedList, E> {
        Ok(ProjectedList(None))
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<ProjectedList, E> {
        Ok(ProjectedList(None))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<ProjectedList, E> {
        Ok(ProjectedList(None))
    }
}

/// Whether JSON text is an object (serde reads structs from arrays too).
fn is_object(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Whether `text` contains `needle` (lower-case ASCII) in any case. Ids are short
/// and markers a few bytes: a plain scan, without lower-casing a copy or building
/// a substring searcher per marker.
fn contains_ignoring_ascii_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

fn malformed(why: impl Into<String>) -> ProviderError {
    ProviderError::MalformedResponse(ErrorDetails::msg(why))
}

/// Projects a `/models` body. `data` must be an array; entries that are not
/// objects, or have no usable id, are skipped, and so are duplicate ids. At most
/// [`MAX_DISCOVERED_MODELS`] models and [`MAX_ROUTES_PER_MODEL`] routes per model
/// are kept; time is linear in the body and memory in what is kept.
pub fn project_models(body: &[u8]) -> Result<Vec<ModelInfo>, ProviderError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| malformed(format!("the /models body is not UTF-8: {e}")))?;
    // serde would also read a struct from an array; the API's body is an object.
    if !is_object(text) {
        return Err(malformed("the /models body is not a JSON object"));
    }
    let list: ListBody = serde_json::from_str(text)
        .map_err(|e| malformed(format!("the /models body is not a JSON object: {e}")))?;
    list.data
        .and_then(|list| list.0)
        .ok_or_else(|| malformed("the /models body has no \"data\" array"))
}

fn project_entry(id: &str, wire: WireModel) -> ModelInfo {
    let mut model = catalog::builtin_model(id).unwrap_or_else(|| {
        let api_name = [&wire.name, &wire.title, &wire.display_name]
            .into_iter()
            .flatten()
            .map(|n| n.trim())
            .find(|n| !n.is_empty());
        let name = api_name
            .map(str::to_owned)
            .unwrap_or_else(|| catalog::derive_name(id, wire.owned_by.as_deref()));
        let mut model = ModelInfo::with_defaults(id, name);
        model.reasoning = REASONING_MARKERS
            .iter()
            .any(|marker| contains_ignoring_ascii_case(id, marker));
        let has_image = wire
            .architecture
            .as_ref()
            .and_then(|a| a.input_modalities.as_ref())
            .is_some_and(|m| m.iter().any(|m| m == "image"));
        if has_image {
            model.input = vec![Modality::Text, Modality::Image];
        }
        model
    });
    let routes = wire.providers.unwrap_or_default();
    if let Some(context) = routes.min_live_context {
        model.context_window = context;
        model.defaulted.context_window = false;
    }
    if routes.live_route_lacks_tools {
        model.supports_tools = Some(false);
    }
    model.routes = routes.kept;
    model
}

fn project_route(wire: &WireRoute) -> RouteInfo {
    let pricing = wire
        .pricing
        .as_ref()
        .and_then(|p| match (p.input, p.output) {
            (Some(input), Some(output)) => Some(Pricing { input, output }),
            _ => None,
        });
    RouteInfo {
        provider: wire
            .provider
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_owned(),
        status: wire.status.as_deref().unwrap_or("live").to_owned(),
        context_length: wire
            .context_length
            .filter(|c| c.is_finite() && *c >= 1.0)
            .map(|c| c.min(f64::from(u32::MAX)) as u32),
        pricing,
        supports_tools: wire.supports_tools,
        supports_structured_output: wire.supports_structured_output,
        first_token_latency_ms: wire.first_token_latency_ms.filter(|v| v.is_finite()),
        throughput: wire.throughput.filter(|v| v.is_finite()),
        is_model_author: wire.is_model_author,
        is_free: wire.is_free,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Token;

    const BODY: &str = r#"{"object":"list","data":[
        {"id":" deepseek-ai/DeepSeek-R1 ","object":"model","created":1,"owned_by":"deepseek-ai",
         "providers":[
           {"provider":"together","status":"live","context_length":163840,"pricing":{"input":3,"output":7},
            "supports_tools":true,"supports_structured_output":true,"first_token_latency_ms":220.5,
            "throughput":48.25,"is_model_author":false,"is_free":false},
           {"provider":"novita","status":"live","context_length":64000,"supports_tools":false},
           {"provider":"broken","status":"error","context_length":1000}]},
        {"id":"deepseek-ai/DeepSeek-R1","name":"duplicate"},
        {"id":"  "},
        {"id":"Qwen/QwQ-32B","owned_by":"Qwen","architecture":{"input_modalities":["text","image"]},"new_field":1},
        {"id":"acme/plain-model","title":"  ","display_name":"Acme Plain"},
        {"id":"acme/nameless"},
        {"id":42},
        ["a/array-entry"],
        "junk"
    ]}"#;

    #[test]
    fn projects_entries_like_openclaw() {
        let models = project_models(BODY.as_bytes()).unwrap();
        let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "deepseek-ai/DeepSeek-R1",
                "Qwen/QwQ-32B",
                "acme/plain-model",
                "acme/nameless"
            ]
        );

        let r1 = &models[0];
        assert_eq!(r1.name, "DeepSeek R1", "catalog wins for the name");
        assert_eq!(r1.cost.output, 7.0);
        assert_eq!(
            r1.context_window, 64000,
            "minimum live context, error routes ignored"
        );
        assert_eq!(r1.supports_tools, Some(false));
        assert_eq!(r1.routes.len(), 3, "every route is kept");
        assert_eq!(r1.routes[0].throughput, Some(48.25));
        assert_eq!(r1.routes[2].status, "error");

        let qwq = &models[1];
        assert_eq!(qwq.name, "Qwen/QwQ-32B");
        assert!(qwq.reasoning);
        assert_eq!(qwq.input, vec![Modality::Text, Modality::Image]);
        assert_eq!(qwq.context_window, catalog::DEFAULT_CONTEXT_WINDOW);
        assert!(qwq.defaulted.context_window);
        assert_eq!(qwq.supports_tools, None);

        assert_eq!(
            models[2].name, "Acme Plain",
            "first non-empty of name/title/display_name"
        );
        assert_eq!(models[3].name, "Nameless");
        assert!(!models[3].reasoning);
    }

    #[test]
    fn an_odd_entry_is_skipped_and_the_next_still_read() {
        let odd_entries = [
            r#"{"id":"o/dup","id":"o/dup2"}"#,
            r#"{"id":"o/name","name":["x"]}"#,
            r#"{"id":"o/arch","architecture":["text"]}"#,
            r#"{"id":"o/modality","architecture":{"input_modalities":["text",1]}}"#,
            r#"{"id":"o/route","providers":[{"provider":"a"},null]}"#,
            r#"{"id":"o/price","providers":[{"pricing":{"input":"1","output":2}}]}"#,
            r#"{"id":"o/tools","providers":[{"supports_tools":"yes"}]}"#,
            r#"{"id":"o/providers","providers":{"a":1}}"#,
            r#"null"#,
            r#"7"#,
        ];
        let body = format!(
            r#"{{"data":[{},{{"i\u0064":"ok/escaped","providers":[{{"provider":"a","context_length":1e3}}]}}]}}"#,
            odd_entries.join(",")
        );
        let models = project_models(body.as_bytes()).unwrap();
        let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["ok/escaped"]);
        assert_eq!(models[0].context_window, 1000);
        assert!(
            project_models(br#"{"data":[{"id":"a/b","providers":[{"provider":"a"]}]}"#).is_err(),
            "broken JSON still fails the body"
        );
    }

    #[test]
    fn rejects_bodies_without_a_data_array() {
        for body in [
            r#"{"object":"list"}"#,
            r#"{"data":{}}"#,
            "[1]",
            r#"[[{"id":"a/b"}]]"#,
            "<html>",
            "",
        ] {
            assert_eq!(
                project_models(body.as_bytes()).unwrap_err().kind(),
                "malformed-response",
                "{body}"
            );
        }
        assert!(project_models(br#"{"data":[]}"#).unwrap().is_empty());
    }

    #[test]
    fn models_and_routes_are_capped_but_every_live_route_counts() {
        let mut body = String::from(r#"{"data":[{"id":"a/m","providers":["#);
        for _ in 0..10_000 {
            body.push_str(r#"{},"#);
        }
        body.push_str(r#"{"context_length":512,"supports_tools":false}]}"#);
        for i in 0..MAX_DISCOVERED_MODELS + 5 {
            body.push_str(&format!(r#",{{"id":"o/m{i}"}}"#));
        }
        body.push_str("]}");
        let models = project_models(body.as_bytes()).unwrap();
        assert_eq!(models.len(), MAX_DISCOVERED_MODELS);
        assert_eq!(models[0].routes.len(), MAX_ROUTES_PER_MODEL);
        assert_eq!(
            models[0].context_window, 512,
            "a route past the cap still counts"
        );
        assert_eq!(models[0].supports_tools, Some(false));
    }

    #[test]
    fn advisory_falls_back_and_strict_fails() {
        let error = ProviderError::Unauthorized(ErrorDetails::msg("no"));
        let advisory = settle(Err(error.clone()), DiscoveryMode::Advisory).unwrap();
        assert_eq!(advisory.source, CatalogSource::Builtin);
        assert_eq!(advisory.warning, Some(error.clone()));
        assert_eq!(
            settle(Err(error.clone()), DiscoveryMode::Strict),
            Err(error)
        );
        let empty = settle(Ok(vec![]), DiscoveryMode::Advisory).unwrap();
        assert_eq!(empty.source, CatalogSource::Builtin);
        assert!(empty.warning.is_some());
    }

    #[test]
    fn no_token_sends_nothing() {
        let settings = Settings::new("http://127.0.0.1:1/v1", None, 1000).unwrap();
        assert!(discovery_request(&settings).is_none());
        let settings = Settings::new("http://127.0.0.1:1/v1", Token::new("t"), 1000).unwrap();
        let request = discovery_request(&settings).unwrap();
        assert_eq!(request.url, "http://127.0.0.1:1/v1/models");
        assert!(
            request
                .headers
                .contains(&("Authorization".into(), "Bearer t".into()))
        );
        assert!(
            request
                .headers
                .contains(&("Accept".into(), "application/json".into()))
        );
    }
}
