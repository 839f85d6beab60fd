//! The model catalog: what a model is, the built-in list that works offline, and
//! display names.
//!
//! Design decisions:
//! - Built-in entries whose context window, output limit or cost are not published
//!   use the defaults and say so in [`ModelInfo::defaulted`], so a host can tell a
//!   measured number from a placeholder.
//! - A model keeps every route discovery reported (including routes in `error`),
//!   so hosts can show them and [`ModelInfo::route_for`] can explain a policy.

use crate::model_ref::{ModelRef, PROVIDER_ID, Policy, Route};
use crate::redact::Redactor;

/// Context window of a model with no metadata.
pub const DEFAULT_CONTEXT_WINDOW: u32 = 131_072;
/// Output token limit of a model with no metadata.
pub const DEFAULT_MAX_TOKENS: u32 = 8192;
/// The model used when neither the caller nor the configuration names one.
pub const DEFAULT_MODEL_REF: &str = "huggingface/deepseek-ai/DeepSeek-R1";

/// An input modality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Modality {
    /// Text.
    Text,
    /// Images.
    Image,
}

impl Modality {
    /// Lower-case name (`text`, `image`).
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Text => "text",
            Modality::Image => "image",
        }
    }
}

/// USD per million tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct Cost {
    /// Input tokens.
    pub input: f64,
    /// Output tokens.
    pub output: f64,
    /// Cached input tokens read.
    pub cache_read: f64,
    /// Input tokens written to the cache.
    pub cache_write: f64,
}

/// Which metadata fields hold defaults rather than published numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Defaulted {
    /// `context_window` is [`DEFAULT_CONTEXT_WINDOW`].
    pub context_window: bool,
    /// `max_tokens` is [`DEFAULT_MAX_TOKENS`].
    pub max_tokens: bool,
    /// `cost` is zero for lack of data.
    pub cost: bool,
}

impl Defaulted {
    /// Every field defaulted.
    pub const ALL: Self = Self {
        context_window: true,
        max_tokens: true,
        cost: true,
    };
}

/// Price of one route, USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct Pricing {
    /// Input tokens.
    pub input: f64,
    /// Output tokens.
    pub output: f64,
}

/// One inference provider serving a model, as discovery reported it.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct RouteInfo {
    /// Inference provider name (`together`, `groq`, …).
    pub provider: String,
    /// `live`, `error`, or whatever the router said.
    pub status: String,
    /// Context length this route serves.
    pub context_length: Option<u32>,
    /// Price, when both input and output prices are known.
    pub pricing: Option<Pricing>,
    /// Whether tool calls work on this route.
    pub supports_tools: Option<bool>,
    /// Whether structured output works on this route.
    pub supports_structured_output: Option<bool>,
    /// Time to first token, milliseconds.
    pub first_token_latency_ms: Option<f64>,
    /// Tokens per second.
    pub throughput: Option<f64>,
    /// Whether the provider is the model's author.
    pub is_model_author: Option<bool>,
    /// Whether the route is free.
    pub is_free: Option<bool>,
}

impl RouteInfo {
    /// Routes in `error` are not live; anything else is.
    pub fn is_live(&self) -> bool {
        self.status != "error"
    }
}

/// A model as the provider lists it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct ModelInfo {
    /// Hub id, possibly with a route suffix for a configured variant (`Qwen/Qwen3-8B:cheapest`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Configured alias, which overrides `name` for display.
    pub alias: Option<String>,
    /// Whether the model reasons before answering.
    pub reasoning: bool,
    /// Input modalities.
    pub input: Vec<Modality>,
    /// Context window, tokens.
    pub context_window: u32,
    /// Output limit, tokens.
    pub max_tokens: u32,
    /// Cost per million tokens.
    pub cost: Cost,
    /// `Some(false)` when a live route lacks tools, `None` when unknown.
    pub supports_tools: Option<bool>,
    /// Every route discovery reported; empty when not discovered.
    pub routes: Vec<RouteInfo>,
    /// Which fields are defaults.
    pub defaulted: Defaulted,
    /// Provider-specific options a configuration set on the entry, as a JSON object text.
    pub options: Option<String>,
}

impl ModelInfo {
    /// Scrubs the token from every text a server could have put here.
    pub fn redact(&mut self, redactor: &Redactor) {
        redactor.scrub_in_place(&mut self.id);
        redactor.scrub_in_place(&mut self.name);
        redactor.scrub_option(&mut self.alias);
        redactor.scrub_option(&mut self.options);
        for route in &mut self.routes {
            redactor.scrub_in_place(&mut route.provider);
            redactor.scrub_in_place(&mut route.status);
        }
    }

    /// A model with no metadata: derived name, defaults everywhere.
    pub fn with_defaults(id: &str, name: String) -> Self {
        Self {
            id: id.to_owned(),
            name,
            alias: None,
            reasoning: false,
            input: vec![Modality::Text],
            context_window: DEFAULT_CONTEXT_WINDOW,
            max_tokens: DEFAULT_MAX_TOKENS,
            cost: Cost::default(),
            supports_tools: None,
            routes: Vec::new(),
            defaulted: Defaulted::ALL,
            options: None,
        }
    }

    /// The full reference, `huggingface/<id>`.
    pub fn reference(&self) -> String {
        [PROVIDER_ID, "/", &self.id].concat()
    }

    /// The alias when set, else the name.
    pub fn display_name(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }

    /// The live route a route suffix would use, as far as discovery lets us tell:
    /// `cheapest` = lowest output price, `fastest` = highest throughput, a provider
    /// name = that provider's route. `None` for `preferred` (the user's settings
    /// decide) or when the data is missing.
    pub fn route_for(&self, route: &Route) -> Option<&RouteInfo> {
        let live = self.routes.iter().filter(|r| r.is_live());
        match route {
            Route::Policy(Policy::Cheapest) => live
                .filter_map(|r| r.pricing.map(|p| (p.output, r)))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, r)| r),
            Route::Policy(Policy::Fastest) => live
                .filter_map(|r| r.throughput.map(|t| (t, r)))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, r)| r),
            Route::Policy(Policy::Preferred) => None,
            Route::Provider(name) => self
                .routes
                .iter()
                .find(|r| r.provider.eq_ignore_ascii_case(name)),
        }
    }
}

/// One built-in entry: id, name, reasoning, context, max tokens, cost (in, out, cache r/w).
type BuiltinRow = (
    &'static str,
    &'static str,
    bool,
    Option<(u32, u32, [f64; 4])>,
);

/// The reference models with published metadata, then the product document's
/// table (metadata unknown: defaults).
const BUILTIN: &[BuiltinRow] = &[
    (
        "deepseek-ai/DeepSeek-R1",
        "DeepSeek R1",
        true,
        Some((131_072, 8192, [3.0, 7.0, 3.0, 3.0])),
    ),
    (
        "deepseek-ai/DeepSeek-V3.1",
        "DeepSeek V3.1",
        false,
        Some((131_072, 8192, [0.6, 1.25, 0.6, 0.6])),
    ),
    (
        "openai/gpt-oss-120b",
        "GPT-OSS 120B",
        false,
        Some((131_072, 8192, [0.0, 0.0, 0.0, 0.0])),
    ),
    ("deepseek-ai/DeepSeek-V3.2", "DeepSeek V3.2", false, None),
    ("Qwen/Qwen3-8B", "Qwen3 8B", false, None),
    (
        "Qwen/Qwen2.5-7B-Instruct",
        "Qwen2.5 7B Instruct",
        false,
        None,
    ),
    ("Qwen/Qwen3-32B", "Qwen3 32B", false, None),
    (
        "meta-llama/Llama-3.3-70B-Instruct",
        "Llama 3.3 70B Instruct",
        false,
        None,
    ),
    (
        "meta-llama/Llama-3.1-8B-Instruct",
        "Llama 3.1 8B Instruct",
        false,
        None,
    ),
    ("zai-org/GLM-4.7", "GLM 4.7", false, None),
    ("moonshotai/Kimi-K2.5", "Kimi K2.5", false, None),
];

/// The built-in catalog, in a fixed order.
pub fn builtin() -> Vec<ModelInfo> {
    BUILTIN.iter().map(builtin_entry).collect()
}

/// The built-in entry for an id (exact match), if any. Only that entry is built:
/// discovery asks once per listed model.
pub fn builtin_model(id: &str) -> Option<ModelInfo> {
    BUILTIN
        .iter()
        .find(|(builtin_id, ..)| *builtin_id == id)
        .map(builtin_entry)
}

fn builtin_entry(&(id, name, reasoning, metadata): &BuiltinRow) -> ModelInfo {
    let mut model = ModelInfo::with_defaults(id, name.to_owned());
    model.reasoning = reasoning;
    if let Some((context_window, max_tokens, [input, output, cache_read, cache_write])) = metadata {
        model.context_window = context_window;
        model.max_tokens = max_tokens;
        model.cost = Cost {
            input,
            output,
            cache_read,
            cache_write,
        };
        model.defaulted = Defaulted::default();
    }
    model
}

/// The name derived from an id when the API gives none: with `owned_by`,
/// `"<owned_by>/<base>"`; else the base with `-` as spaces and each word's first
/// character upper-cased (`deepseek-ai/DeepSeek-R1` → `DeepSeek R1`).
pub fn derive_name(id: &str, owned_by: Option<&str>) -> String {
    let base = id.rsplit('/').next().unwrap_or(id);
    if let Some(owner) = owned_by.map(str::trim).filter(|o| !o.is_empty()) {
        return [owner, "/", base].concat();
    }
    let mut name = String::with_capacity(base.len());
    let mut at_word_start = true;
    for c in base.chars() {
        let c = if c == '-' { ' ' } else { c };
        let in_word = c.is_ascii_alphanumeric() || c == '_';
        name.push(if in_word && at_word_start {
            c.to_ascii_uppercase()
        } else {
            c
        });
        at_word_start = !in_word;
    }
    name
}

/// The display name for a reference's model, given a catalog: the alias or name
/// of a matching entry (the suffixed entry first), else derived from the id.
pub fn display_name_for(reference: &ModelRef, models: &[ModelInfo]) -> String {
    let wire = reference.wire_model();
    models
        .iter()
        .find(|m| m.id == wire)
        .or_else(|| models.iter().find(|m| m.id == reference.model))
        .map(|m| m.display_name().to_owned())
        .unwrap_or_else(|| derive_name(&reference.model, None))
}

/// The WIT's JSON shape: `defaulted-fields` as the list of the set flags' names,
/// and a model with its computed `reference`.
#[cfg(feature = "serde")]
mod wit_json {
    use super::{Defaulted, ModelInfo};
    use serde::ser::SerializeStruct;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    const FLAGS: [&str; 3] = ["context-window", "max-tokens", "cost"];

    impl Serialize for Defaulted {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let set = [self.context_window, self.max_tokens, self.cost];
            serializer.collect_seq(
                FLAGS
                    .iter()
                    .zip(set)
                    .filter(|(_, on)| *on)
                    .map(|(name, _)| name),
            )
        }
    }

    impl<'de> Deserialize<'de> for Defaulted {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let names = Vec::<String>::deserialize(deserializer)?;
            let mut flags = Defaulted::default();
            for name in names {
                match name.as_str() {
                    "context-window" => flags.context_window = true,
                    "max-tokens" => flags.max_tokens = true,
                    "cost" => flags.cost = true,
                    other => return Err(serde::de::Error::unknown_variant(other, &FLAGS)),
                }
            }
            Ok(flags)
        }
    }

    impl Serialize for ModelInfo {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut record = serializer.serialize_struct("ModelInfo", 14)?;
            record.serialize_field("reference", &self.reference())?;
            record.serialize_field("id", &self.id)?;
            record.serialize_field("name", &self.name)?;
            record.serialize_field("alias", &self.alias)?;
            record.serialize_field("reasoning", &self.reasoning)?;
            record.serialize_field("input", &self.input)?;
            record.serialize_field("context-window", &self.context_window)?;
            record.serialize_field("max-tokens", &self.max_tokens)?;
            record.serialize_field("cost", &self.cost)?;
            record.serialize_field("supports-tools", &self.supports_tools)?;
            record.serialize_field("routes", &self.routes)?;
            record.serialize_field("defaulted", &self.defaulted)?;
            record.serialize_field("options", &self.options)?;
            record.end()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_holds_the_reference_models_and_the_table() {
        let models = builtin();
        assert_eq!(models.len(), 11);
        let r1 = &models[0];
        assert_eq!(
            (r1.id.as_str(), r1.name.as_str(), r1.reasoning),
            ("deepseek-ai/DeepSeek-R1", "DeepSeek R1", true)
        );
        assert_eq!((r1.context_window, r1.max_tokens), (131_072, 8192));
        assert_eq!(
            r1.cost,
            Cost {
                input: 3.0,
                output: 7.0,
                cache_read: 3.0,
                cache_write: 3.0
            }
        );
        assert_eq!(r1.defaulted, Defaulted::default());
        let v31 = builtin_model("deepseek-ai/DeepSeek-V3.1").unwrap();
        assert_eq!(
            v31.cost,
            Cost {
                input: 0.6,
                output: 1.25,
                cache_read: 0.6,
                cache_write: 0.6
            }
        );
        let kimi = builtin_model("moonshotai/Kimi-K2.5").unwrap();
        assert_eq!(kimi.name, "Kimi K2.5");
        assert_eq!(kimi.defaulted, Defaulted::ALL);
        assert_eq!(kimi.input, vec![Modality::Text]);
    }

    #[test]
    fn derived_names_follow_the_rules() {
        assert_eq!(derive_name("deepseek-ai/DeepSeek-R1", None), "DeepSeek R1");
        assert_eq!(
            derive_name("meta-llama/Llama-3.3-70B-Instruct", None),
            "Llama 3.3 70B Instruct"
        );
        assert_eq!(derive_name("openai/gpt-oss-120b", None), "Gpt Oss 120b");
        assert_eq!(derive_name("x/my_model-v2", None), "My_model V2");
        assert_eq!(derive_name("Qwen/Qwen3-8B", Some("Qwen")), "Qwen/Qwen3-8B");
        assert_eq!(derive_name("Qwen/Qwen3-8B", Some("  ")), "Qwen3 8B");
    }

    #[test]
    fn route_for_explains_policies() {
        let mut model = ModelInfo::with_defaults("a/b", "B".into());
        let route = |provider: &str, status: &str, price: f64, throughput: f64| RouteInfo {
            provider: provider.into(),
            status: status.into(),
            pricing: Some(Pricing {
                input: 1.0,
                output: price,
            }),
            throughput: Some(throughput),
            ..RouteInfo::default()
        };
        model.routes = vec![
            route("slow-cheap", "live", 0.5, 10.0),
            route("fast", "live", 2.0, 90.0),
            route("broken", "error", 0.1, 500.0),
        ];
        assert_eq!(
            model
                .route_for(&Route::Policy(Policy::Cheapest))
                .unwrap()
                .provider,
            "slow-cheap"
        );
        assert_eq!(
            model
                .route_for(&Route::Policy(Policy::Fastest))
                .unwrap()
                .provider,
            "fast"
        );
        assert_eq!(
            model
                .route_for(&Route::Provider("BROKEN".into()))
                .unwrap()
                .provider,
            "broken"
        );
        assert!(model.route_for(&Route::Policy(Policy::Preferred)).is_none());
    }
}
