//! OpenClaw-style configuration: reading it (JSON or JSON5), merging it with a
//! catalog, and non-interactive onboarding.
//!
//! Design decisions:
//! - Only the parts this provider owns are read: `agents.defaults.model`,
//!   `agents.defaults.models`, and `models.providers.huggingface` (provider keys
//!   that differ only in case collapse into it). References to other providers,
//!   which a multi-provider configuration legitimately holds, are ignored; an
//!   invalid `huggingface` reference is a `config` error naming the key.
//! - Merging: configured entries come first and keep every field they set; the
//!   catalog fills their gaps and its other models follow; aliases from
//!   `agents.defaults.models` fill what is still unset. A suffixed reference is
//!   its own entry, placed after its base model.

use crate::catalog::{self, Cost, Modality, ModelInfo};
use crate::error::{ErrorDetails, ProviderError};
use crate::json::{self, Map, Number, Value};
use crate::model_ref::{ModelRef, PROVIDER_ID};
use std::collections::{BTreeMap, BTreeSet};

/// The parts of a configuration this provider uses.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct Config {
    /// `agents.defaults.model.primary`, normalised; `None` when unset or another provider's.
    pub primary: Option<String>,
    /// `agents.defaults.model.fallbacks` that are ours, normalised, in order.
    pub fallbacks: Vec<String>,
    /// `agents.defaults.models` keys that are ours (normalised) and their aliases, in order.
    pub aliases: Vec<(String, String)>,
    /// `models.providers.huggingface.models`, in order, ids unique.
    pub models: Vec<ConfiguredModel>,
    /// `models.providers.huggingface.baseUrl`, if set.
    pub base_url: Option<String>,
}

/// A model entry a user configured; `None` fields are filled from the catalog.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct ConfiguredModel {
    /// Hub id, possibly with a route suffix.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Alias.
    pub alias: Option<String>,
    /// Reasoning flag.
    pub reasoning: Option<bool>,
    /// Input modalities.
    pub input: Option<Vec<Modality>>,
    /// Context window.
    pub context_window: Option<u32>,
    /// Output limit.
    pub max_tokens: Option<u32>,
    /// Cost.
    pub cost: Option<Cost>,
    /// Every other field of the entry, as a JSON object text.
    pub options: Option<String>,
}

fn config_error(why: impl Into<String>) -> ProviderError {
    ProviderError::Config(ErrorDetails::msg(why))
}

/// Largest configuration read, in bytes. Real configurations are a few KiB; the
/// bound keeps parsing well inside a component's memory (a JSON5 parse takes
/// about 30 times its input at worst).
pub const MAX_CONFIG_BYTES: usize = 2 * 1024 * 1024;

/// Deepest nesting of objects and arrays a configuration may have. Real ones
/// nest a handful of levels; the JSON5 parser recurses once per level and would
/// overflow the stack (a trap inside the component) on pathological input.
const MAX_NESTING: usize = 64;

/// Whether `c` ends a JSON5 line comment (LF, CR, U+2028, U+2029).
fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// The deepest nesting of `{`/`[` in JSON or JSON5 text, outside strings and comments.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                while let Some(inner) = chars.next() {
                    match inner {
                        '\\' => {
                            chars.next();
                        }
                        _ if inner == c => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for inner in chars.by_ref() {
                    if is_line_terminator(inner) {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for inner in chars.by_ref() {
                    if previous == '*' && inner == '/' {
                        break;
                    }
                    previous = inner;
                }
            }
            '{' | '[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Parses JSON or JSON5 text into a JSON value whose top level is an object.
fn parse_document(text: &str) -> Result<Map, ProviderError> {
    if text.len() > MAX_CONFIG_BYTES {
        return Err(config_error(format!(
            "the configuration is {} bytes; the limit is {MAX_CONFIG_BYTES} bytes (2 MiB)",
            text.len()
        )));
    }
    if nesting_depth(text) > MAX_NESTING {
        return Err(config_error(format!(
            "the configuration nests objects or arrays deeper than {MAX_NESTING} levels"
        )));
    }
    let value = match json::parse(text) {
        Ok(value) => value,
        Err(_) => json::parse_json5(text).map_err(|e| {
            config_error(format!("the configuration is neither JSON nor JSON5: {e}"))
        })?,
    };
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(config_error("the configuration must be an object")),
    }
}

/// Walks `path` through nested objects; `Ok(None)` when a key is missing, an
/// error when something on the way is not an object.
fn object_at<'a>(root: &'a Map, path: &[&str]) -> Result<Option<&'a Map>, ProviderError> {
    let mut current = root;
    for (depth, key) in path.iter().enumerate() {
        match current.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Object(map)) => current = map,
            Some(_) => {
                return Err(config_error(format!(
                    "`{}` must be an object",
                    path[..=depth].join(".")
                )));
            }
        }
    }
    Ok(Some(current))
}

fn optional_string(map: &Map, key: &str, at: &str) -> Result<Option<String>, ProviderError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(config_error(format!("`{at}.{key}` must be a string"))),
    }
}

/// Normalises one of our references; `Ok(None)` for another provider's.
fn our_reference(text: &str, at: impl Fn() -> String) -> Result<Option<String>, ProviderError> {
    if ModelRef::is_foreign(text) {
        return Ok(None);
    }
    ModelRef::parse(text)
        .map(|r| Some(r.normalized()))
        .map_err(|e| config_error(format!("`{}`: {}", at(), e.details().message)))
}

/// A `models.providers` key and its object.
type ProviderSection<'a> = (&'a String, &'a Map);

/// Moves the item whose key is exactly [`PROVIDER_ID`] (keys of one object are
/// unique, so there is at most one) to the front, the others keeping their
/// order: what a stable sort on "not the exact key" does, without linking a
/// stable sort into the component.
fn exact_key_first<T>(items: &mut [T], key_of: impl Fn(&T) -> &String) {
    if let Some(exact) = items.iter().position(|item| key_of(item) == PROVIDER_ID) {
        items[..=exact].rotate_right(1);
    }
}

/// The objects under `models.providers` whose keys name this provider in any
/// case, the exact key first: they all collapse into `huggingface`, in this
/// order. One pass over the providers, however many keys a file has.
fn provider_sections(root: &Map) -> Result<Vec<ProviderSection<'_>>, ProviderError> {
    let Some(providers) = object_at(root, &["models", "providers"])? else {
        return Ok(Vec::new());
    };
    let mut ours: Vec<_> = providers
        .iter()
        .filter(|(key, _)| key.trim().eq_ignore_ascii_case(PROVIDER_ID))
        .collect();
    exact_key_first(&mut ours, |(key, _)| key);
    let mut sections = Vec::new();
    for (key, value) in ours {
        match value {
            Value::Object(section) => sections.push((key, section)),
            Value::Null => {}
            _ => {
                return Err(config_error(format!(
                    "`models.providers.{key}` must be an object"
                )));
            }
        }
    }
    Ok(sections)
}

impl Config {
    /// Reads a configuration from JSON or JSON5 text.
    pub fn parse(text: &str) -> Result<Self, ProviderError> {
        Self::from_document(&parse_document(text)?)
    }

    /// Reads a configuration from its parsed top-level object.
    fn from_document(root: &Map) -> Result<Self, ProviderError> {
        let mut config = Config::default();
        if let Some(defaults) = object_at(root, &["agents", "defaults"])? {
            match defaults.get("model") {
                None | Some(Value::Null) => {}
                Some(Value::String(primary)) => {
                    config.primary = our_reference(primary, || "agents.defaults.model".into())?;
                }
                Some(Value::Object(model)) => {
                    if let Some(primary) =
                        optional_string(model, "primary", "agents.defaults.model")?
                    {
                        config.primary =
                            our_reference(&primary, || "agents.defaults.model.primary".into())?;
                    }
                    match model.get("fallbacks") {
                        None | Some(Value::Null) => {}
                        Some(Value::Array(items)) => {
                            for (i, item) in items.iter().enumerate() {
                                // Built only for an error: configurations may list many.
                                let at = || format!("agents.defaults.model.fallbacks[{i}]");
                                let Value::String(text) = item else {
                                    return Err(config_error(format!(
                                        "`{}` must be a string",
                                        at()
                                    )));
                                };
                                if let Some(reference) = our_reference(text, at)? {
                                    config.fallbacks.push(reference);
                                }
                            }
                        }
                        Some(_) => {
                            return Err(config_error(
                                "`agents.defaults.model.fallbacks` must be an array",
                            ));
                        }
                    }
                }
                Some(_) => {
                    return Err(config_error(
                        "`agents.defaults.model` must be a string or an object",
                    ));
                }
            }
            if let Some(models) = object_at(defaults, &["models"])
                .map_err(|_| config_error("`agents.defaults.models` must be an object"))?
            {
                for (key, entry) in models {
                    let at = format!("agents.defaults.models[{key:?}]");
                    let Some(reference) = our_reference(key, || at.clone())? else {
                        continue;
                    };
                    let alias = match entry {
                        Value::Object(entry) => optional_string(entry, "alias", &at)?,
                        Value::Null => None,
                        _ => return Err(config_error(format!("`{at}` must be an object"))),
                    };
                    if let Some(alias) =
                        alias.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty())
                    {
                        config.aliases.push((reference, alias));
                    }
                }
            }
        }
        // Position of each configured id in `config.models`, so merging is linear.
        let mut positions: BTreeMap<String, usize> = BTreeMap::new();
        for (key, section) in provider_sections(root)? {
            let at = format!("models.providers.{key}");
            if config.base_url.is_none() {
                config.base_url = optional_string(section, "baseUrl", &at)?;
            }
            let entries = match section.get("models") {
                None | Some(Value::Null) => continue,
                Some(Value::Array(entries)) => entries,
                Some(_) => return Err(config_error(format!("`{at}.models` must be an array"))),
            };
            for (i, entry) in entries.iter().enumerate() {
                let entry = ConfiguredModel::from_json(entry, &format!("{at}.models[{i}]"))?;
                match positions.get(&entry.id) {
                    Some(&position) => config.models[position].fill_gaps_from(entry),
                    None => {
                        positions.insert(entry.id.clone(), config.models.len());
                        config.models.push(entry);
                    }
                }
            }
        }
        Ok(config)
    }
}

impl ConfiguredModel {
    fn from_json(value: &Value, at: &str) -> Result<Self, ProviderError> {
        let Value::Object(map) = value else {
            return Err(config_error(format!("`{at}` must be an object")));
        };
        let id = optional_string(map, "id", at)?
            .ok_or_else(|| config_error(format!("`{at}.id` is missing")))?;
        let reference = ModelRef::parse(&id)
            .map_err(|e| config_error(format!("`{at}.id`: {}", e.details().message)))?;
        let number = |key: &str| -> Result<Option<u32>, ProviderError> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => value
                    .as_u64()
                    .filter(|&n| n > 0)
                    .map(|n| Some(n.min(u64::from(u32::MAX)) as u32))
                    .ok_or_else(|| {
                        config_error(format!("`{at}.{key}` must be a positive integer"))
                    }),
            }
        };
        let input = match map.get("input") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .map(|item| match item.as_str() {
                        Some("text") => Ok(Modality::Text),
                        Some("image") => Ok(Modality::Image),
                        _ => Err(config_error(format!(
                            "`{at}.input` holds only \"text\" and \"image\""
                        ))),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(_) => return Err(config_error(format!("`{at}.input` must be an array"))),
        };
        let cost = match map.get("cost") {
            None | Some(Value::Null) => None,
            Some(Value::Object(cost)) => {
                let price = |key: &str| -> Result<f64, ProviderError> {
                    match cost.get(key) {
                        None | Some(Value::Null) => Ok(0.0),
                        Some(value) => value
                            .as_f64()
                            .filter(|v| v.is_finite() && *v >= 0.0)
                            .ok_or_else(|| {
                                config_error(format!(
                                    "`{at}.cost.{key}` must be a non-negative number"
                                ))
                            }),
                    }
                };
                Some(Cost {
                    input: price("input")?,
                    output: price("output")?,
                    cache_read: price("cacheRead")?,
                    cache_write: price("cacheWrite")?,
                })
            }
            Some(_) => return Err(config_error(format!("`{at}.cost` must be an object"))),
        };
        let reasoning = match map.get("reasoning") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(flag)) => Some(*flag),
            Some(_) => {
                return Err(config_error(format!(
                    "`{at}.reasoning` must be true or false"
                )));
            }
        };
        const KNOWN: &[&str] = &[
            "id",
            "name",
            "alias",
            "reasoning",
            "input",
            "contextWindow",
            "maxTokens",
            "cost",
        ];
        let options: Map = map
            .iter()
            .filter(|(key, _)| !KNOWN.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Ok(Self {
            id: reference.wire_model(),
            name: optional_string(map, "name", at)?,
            alias: optional_string(map, "alias", at)?,
            reasoning,
            input,
            context_window: number("contextWindow")?,
            max_tokens: number("maxTokens")?,
            cost,
            options: (!options.is_empty()).then(|| Value::Object(options).to_string()),
        })
    }

    /// Takes from `later` only what this entry leaves unset.
    fn fill_gaps_from(&mut self, later: ConfiguredModel) {
        self.name = self.name.take().or(later.name);
        self.alias = self.alias.take().or(later.alias);
        self.reasoning = self.reasoning.or(later.reasoning);
        self.input = self.input.take().or(later.input);
        self.context_window = self.context_window.or(later.context_window);
        self.max_tokens = self.max_tokens.or(later.max_tokens);
        self.cost = self.cost.or(later.cost);
        self.options = self.options.take().or(later.options);
    }

    /// The configured fields laid over `base`.
    fn apply_to(&self, mut base: ModelInfo) -> ModelInfo {
        base.id = self.id.clone();
        if let Some(name) = &self.name {
            base.name = name.clone();
        }
        base.alias = self.alias.clone().or(base.alias);
        if let Some(reasoning) = self.reasoning {
            base.reasoning = reasoning;
        }
        if let Some(input) = &self.input {
            base.input = input.clone();
        }
        if let Some(context_window) = self.context_window {
            base.context_window = context_window;
            base.defaulted.context_window = false;
        }
        if let Some(max_tokens) = self.max_tokens {
            base.max_tokens = max_tokens;
            base.defaulted.max_tokens = false;
        }
        if let Some(cost) = self.cost {
            base.cost = cost;
            base.defaulted.cost = false;
        }
        base.options = self.options.clone().or(base.options);
        base
    }
}

/// The id without its route suffix.
fn base_id(id: &str) -> &str {
    match id.rsplit_once('/') {
        Some((org, name)) => &id[..org.len() + 1 + name.split(':').next().unwrap_or(name).len()],
        None => id,
    }
}

/// The catalog's models by id. Ordered maps here and below, not hashed: the
/// component has no randomness to seed a hasher, and a configuration must not
/// be able to choose ids that collide.
fn index_by_id(catalog: &[ModelInfo]) -> BTreeMap<&str, &ModelInfo> {
    let mut index = BTreeMap::new();
    for model in catalog {
        index.entry(model.id.as_str()).or_insert(model);
    }
    index
}

/// A catalog entry for `id`, from the catalog (exact, else its base model) or derived.
fn entry_for(id: &str, catalog: &BTreeMap<&str, &ModelInfo>) -> ModelInfo {
    catalog
        .get(id)
        .or_else(|| catalog.get(base_id(id)))
        .map(|&m| ModelInfo {
            id: id.to_owned(),
            ..m.clone()
        })
        .unwrap_or_else(|| ModelInfo::with_defaults(id, catalog::derive_name(base_id(id), None)))
}

/// Lays a configuration over a catalog (discovered or built-in). Linear in the
/// sizes of both: a model that only an alias names is placed after the last
/// entry of its base model (or at the end), in the order the aliases come.
pub fn merge(catalog: &[ModelInfo], config: &Config) -> Vec<ModelInfo> {
    let by_id = index_by_id(catalog);
    let mut models: Vec<ModelInfo> = config
        .models
        .iter()
        .map(|entry| entry.apply_to(entry_for(&entry.id, &by_id)))
        .collect();
    // `extend`, not `collect`: collecting into a B-tree sorts first, and that
    // links a stable sort into the component for sets this small.
    let mut seen = BTreeSet::new();
    seen.extend(models.iter().map(|m| m.id.clone()));
    for model in catalog {
        if seen.insert(model.id.clone()) {
            models.push(model.clone());
        }
    }
    let mut position = BTreeMap::new();
    position.extend(models.iter().enumerate().map(|(i, m)| (m.id.clone(), i)));
    // Models that only an alias names, grouped by base id, to go after that base.
    let mut added: Vec<ModelInfo> = Vec::new();
    let mut added_by_base: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut bases_in_order: Vec<String> = Vec::new();
    for (reference, alias) in &config.aliases {
        let Ok(parsed) = ModelRef::parse(reference) else {
            continue;
        };
        let id = parsed.wire_model();
        if let Some(&i) = position.get(&id) {
            let model = if i < models.len() {
                &mut models[i]
            } else {
                &mut added[i - models.len()]
            };
            model.alias.get_or_insert_with(|| alias.clone());
            continue;
        }
        let mut model = entry_for(&id, &by_id);
        model.alias = Some(alias.clone());
        position.insert(id, models.len() + added.len());
        let base = base_id(&model.id).to_owned();
        let group = added_by_base.entry(base.clone()).or_default();
        if group.is_empty() {
            bases_in_order.push(base);
        }
        group.push(added.len());
        added.push(model);
    }
    if added.is_empty() {
        return models;
    }
    // The last listed model of each base gets that base's added models after it;
    // added models whose base is not listed go at the end, grouped by base.
    let mut last_of_base: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, model) in models.iter().enumerate() {
        last_of_base.insert(base_id(&model.id), i);
    }
    let mut after: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut at_end: Vec<usize> = Vec::new();
    for base in &bases_in_order {
        let group = &added_by_base[base];
        match last_of_base.get(base.as_str()) {
            Some(&i) => after.entry(i).or_default().extend(group),
            None => at_end.extend(group),
        }
    }
    let mut slots: Vec<Option<ModelInfo>> = added.into_iter().map(Some).collect();
    let mut merged = Vec::with_capacity(models.len() + slots.len());
    for (i, model) in models.into_iter().enumerate() {
        merged.push(model);
        for &j in after.get(&i).into_iter().flatten() {
            merged.extend(slots[j].take());
        }
    }
    for j in at_end {
        merged.extend(slots[j].take());
    }
    merged
}

/// The JSON entry onboarding writes for a catalog model.
fn model_entry_json(model: &ModelInfo) -> Value {
    let input = model.input.iter().map(|m| Value::string(m.as_str()));
    let count = |n: u32| Value::Number(Number::PosInt(n.into()));
    Value::object([
        ("id", Value::string(&model.id)),
        ("name", Value::string(&model.name)),
        ("reasoning", Value::Bool(model.reasoning)),
        ("input", Value::Array(input.collect())),
        ("contextWindow", count(model.context_window)),
        ("maxTokens", count(model.max_tokens)),
        (
            "cost",
            Value::object([
                ("input", Value::from_f64(model.cost.input)),
                ("output", Value::from_f64(model.cost.output)),
                ("cacheRead", Value::from_f64(model.cost.cache_read)),
                ("cacheWrite", Value::from_f64(model.cost.cache_write)),
            ]),
        ),
    ])
}

/// An entry's id as a wire model id (`org/model[:route]`), for duplicate checks.
fn entry_id(entry: &Value) -> Option<String> {
    let id = entry.get("id")?.as_str()?;
    Some(
        ModelRef::parse(id)
            .map(|r| r.wire_model())
            .unwrap_or_else(|_| id.to_owned()),
    )
}

fn object_entry<'a>(map: &'a mut Map, key: &str, at: &str) -> Result<&'a mut Map, ProviderError> {
    let value = map.get_or_insert_with(key, || Value::Object(Map::new()));
    if value.is_null() {
        *value = Value::Object(Map::new());
    }
    value
        .as_object_mut()
        .ok_or_else(|| config_error(format!("`{at}` must be an object")))
}

/// Non-interactive onboarding: returns the configuration (pretty JSON) with the
/// provider section written. With a token, the primary model is set to the
/// default model only when no primary is set. Aliases, fallbacks and every
/// existing entry are kept; catalog models not yet present are appended; provider
/// keys differing only in case collapse into `huggingface`.
pub fn onboard(
    existing: Option<&str>,
    catalog: &[ModelInfo],
    has_token: bool,
) -> Result<String, ProviderError> {
    let mut root = match existing.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => parse_document(text)?,
        None => Map::new(),
    };
    // Validate everything we would otherwise read later.
    Config::from_document(&root)?;

    if has_token {
        let defaults = object_entry(
            object_entry(&mut root, "agents", "agents")?,
            "defaults",
            "agents.defaults",
        )?;
        let has_primary = match defaults.get("model") {
            Some(Value::String(primary)) => !primary.trim().is_empty(),
            Some(Value::Object(model)) => model
                .get("primary")
                .and_then(Value::as_str)
                .is_some_and(|p| !p.trim().is_empty()),
            _ => false,
        };
        if !has_primary {
            let model = object_entry(defaults, "model", "agents.defaults.model")?;
            model.insert(
                "primary".into(),
                Value::String(catalog::DEFAULT_MODEL_REF.into()),
            );
        }
    }

    let providers = object_entry(
        object_entry(&mut root, "models", "models")?,
        "providers",
        "models.providers",
    )?;
    // Our sections come out in one pass, and the fields they give are collected
    // before the section is built: inserting into an object one key at a time
    // is linear per key, so quadratic in a hostile file's thousands of keys.
    let (mut ours, others): (Vec<_>, Vec<_>) = std::mem::take(providers)
        .into_iter()
        .partition(|(key, _)| key.trim().eq_ignore_ascii_case(PROVIDER_ID));
    *providers = others.into_iter().collect();
    exact_key_first(&mut ours, |(key, _)| key);
    let mut fields: Vec<(String, Value)> = Vec::new();
    // The first section that gives a field gives it.
    let mut named: BTreeSet<String> = BTreeSet::new();
    let mut entries: Vec<Value> = Vec::new();
    // The ids of `entries`, kept alongside so each is normalised once.
    let mut present: BTreeSet<Option<String>> = BTreeSet::new();
    for (_, value) in ours {
        let Value::Object(other) = value else {
            continue;
        };
        for (field, value) in other {
            if field == "models" {
                for entry in value.as_array().into_iter().flatten() {
                    if present.insert(entry_id(entry)) {
                        entries.push(entry.clone());
                    }
                }
            } else if named.insert(field.clone()) {
                fields.push((field, value));
            }
        }
    }
    for model in catalog {
        if present.insert(Some(model.id.clone())) {
            entries.push(model_entry_json(model));
        }
    }
    let mut section: Map = fields.into_iter().collect();
    section.insert("models".into(), Value::Array(entries));
    providers.insert(PROVIDER_ID.into(), Value::Object(section));
    write_document(&Value::Object(root))
}

/// The configuration as pretty JSON, or compact JSON when indentation would take
/// it past [`MAX_CONFIG_BYTES`] (deep nesting makes pretty output many times
/// larger than its input); a `config` error when even that would not be read back.
fn write_document(root: &Value) -> Result<String, ProviderError> {
    let within_limit = |pretty| json::write_within(root, pretty, MAX_CONFIG_BYTES);
    within_limit(true).or_else(|| within_limit(false)).ok_or_else(|| {
        config_error(format!(
            "the configuration would be over the limit of {MAX_CONFIG_BYTES} bytes (2 MiB) once written"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const PRODUCT_EXAMPLE: &str = r#"{
      // JSON5, as in the product document
      agents: { defaults: {
        model: { primary: "huggingface/deepseek-ai/DeepSeek-R1",
                 fallbacks: ["huggingface/Qwen/Qwen3-8B", "openai/gpt-4o/x"] },
        models: { "huggingface/deepseek-ai/DeepSeek-R1": { alias: "DeepSeek R1 (fast)" },
                  "huggingface/Qwen/Qwen3-8B:cheapest": { alias: "Qwen3 8B (cheap)" },
                  "anthropic/claude/x": { alias: "not ours" } },
      } },
      models: { providers: {
        huggingface: { models: [ { id: "Qwen/Qwen3-32B", name: "My Qwen", temperature: 0.2 } ] },
        HuggingFace: { baseUrl: "http://127.0.0.1:9/v1",
                       models: [ { id: "Qwen/Qwen3-32B", alias: "Q32", contextWindow: 32768 },
                                 { id: "acme/custom", maxTokens: 100 } ] },
      } },
    }"#;

    #[test]
    fn reads_json5_and_keeps_only_our_references() {
        let config = Config::parse(PRODUCT_EXAMPLE).unwrap();
        assert_eq!(
            config.primary.as_deref(),
            Some("huggingface/deepseek-ai/DeepSeek-R1")
        );
        assert_eq!(config.fallbacks, ["huggingface/Qwen/Qwen3-8B"]);
        assert_eq!(config.aliases.len(), 2);
        assert_eq!(config.aliases[1].0, "huggingface/Qwen/Qwen3-8B:cheapest");
        assert_eq!(config.base_url.as_deref(), Some("http://127.0.0.1:9/v1"));
        assert_eq!(
            config.models.len(),
            2,
            "case-collapsed provider keys, ids unique"
        );
        let qwen = &config.models[0];
        assert_eq!(qwen.name.as_deref(), Some("My Qwen"));
        assert_eq!(
            qwen.alias.as_deref(),
            Some("Q32"),
            "later sources fill gaps"
        );
        assert_eq!(qwen.context_window, Some(32768));
        assert_eq!(qwen.options.as_deref(), Some(r#"{"temperature":0.2}"#));
    }

    #[test]
    fn merge_puts_configured_entries_first_and_suffixed_aliases_near_their_base() {
        let config = Config::parse(PRODUCT_EXAMPLE).unwrap();
        let models = merge(&catalog::builtin(), &config);
        let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(
            &ids[..3],
            ["Qwen/Qwen3-32B", "acme/custom", "deepseek-ai/DeepSeek-R1"]
        );
        assert_eq!(models.len(), 13);
        let qwen32 = &models[0];
        assert_eq!(
            (qwen32.name.as_str(), qwen32.alias.as_deref()),
            ("My Qwen", Some("Q32"))
        );
        assert_eq!(qwen32.context_window, 32768);
        assert!(qwen32.defaulted.max_tokens && !qwen32.defaulted.context_window);
        let custom = &models[1];
        assert_eq!((custom.name.as_str(), custom.max_tokens), ("Custom", 100));
        assert_eq!(models[2].alias.as_deref(), Some("DeepSeek R1 (fast)"));
        let base = ids.iter().position(|id| *id == "Qwen/Qwen3-8B").unwrap();
        assert_eq!(ids[base + 1], "Qwen/Qwen3-8B:cheapest");
        assert_eq!(models[base + 1].alias.as_deref(), Some("Qwen3 8B (cheap)"));
        assert_eq!(models[base + 1].name, "Qwen3 8B");
        assert_eq!(models[base].alias, None);
    }

    #[test]
    fn invalid_configurations_are_typed_errors_naming_the_key() {
        let cases = [
            ("[1]", "must be an object"),
            (
                "{agents: {defaults: {model: {primary: \"huggingface/\"}}}}",
                "agents.defaults.model.primary",
            ),
            (
                "{agents: {defaults: {model: {fallbacks: \"x\"}}}}",
                "fallbacks",
            ),
            (
                "{models: {providers: {huggingface: {models: [{name: \"x\"}]}}}}",
                ".id` is missing",
            ),
            (
                "{models: {providers: {huggingface: {models: [{id: \"a/b\", maxTokens: -1}]}}}}",
                "maxTokens",
            ),
            ("{not json", "neither JSON nor JSON5"),
        ];
        for (text, needle) in cases {
            let error = Config::parse(text).expect_err(text);
            assert_eq!(error.kind(), "config");
            assert!(error.details().message.contains(needle), "{text}: {error}");
        }
    }

    #[test]
    fn nesting_is_measured_outside_strings_and_comments() {
        assert_eq!(
            nesting_depth(
                r#"{a: [1, {b: "[[[{"}], c: '}}}' /* [[[ */ // {{{
        }"#
            ),
            3
        );
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        let error = Config::parse(&deep).unwrap_err();
        assert!(error.details().message.contains("deeper than 64"));
        // A line comment ends at every JSON5 line terminator, not only LF.
        for terminator in ["\r", "\u{2028}", "\u{2029}", "\r\n"] {
            let hidden = format!(
                "// c{terminator}{{\"a\":{}1{}}}",
                "[".repeat(100_000),
                "]".repeat(100_000)
            );
            assert_eq!(nesting_depth(&hidden), 100_001, "{terminator:?}");
            assert_eq!(Config::parse(&hidden).unwrap_err().kind(), "config");
        }
    }

    #[test]
    fn oversized_configurations_are_refused_naming_the_limit() {
        let huge = format!("{{\"x\":[{}1]}}", "1,".repeat(MAX_CONFIG_BYTES / 2));
        let error = Config::parse(&huge).unwrap_err();
        assert_eq!(error.kind(), "config");
        assert!(error.details().message.contains("limit is 2097152 bytes"));
        assert!(onboard(Some(&huge), &[], true).is_err());
    }

    #[test]
    fn onboarding_output_stays_within_the_limit_and_reads_back() {
        // Found by fuzzing: pretty printing deep nesting grew the text ~65 times.
        let nested = format!("{}1{}", "[".repeat(60), "]".repeat(60));
        let deep = format!("{{\"x\":[{}]}}", vec![nested; 500].join(","));
        let written = onboard(Some(&deep), &catalog::builtin(), true).unwrap();
        assert!(written.len() <= MAX_CONFIG_BYTES);
        assert!(Config::parse(&written).is_ok());
        // Many spellings of our provider key collapse in linear time.
        let keys: Vec<String> = (0..20_000)
            .map(|i| {
                let mut key: Vec<char> = PROVIDER_ID.chars().collect();
                for (bit, c) in key.iter_mut().enumerate() {
                    if i >> bit & 1 == 1 {
                        *c = c.to_ascii_uppercase();
                    }
                }
                format!(
                    "\"{}{}\":{{}}",
                    " ".repeat(i / 2048),
                    key.iter().collect::<String>()
                )
            })
            .collect();
        let many = format!(
            "{{\"models\":{{\"providers\":{{{},\"other\":{{}}}}}}}}",
            keys.join(",")
        );
        let started = std::time::Instant::now();
        let written: Value =
            serde_json::from_str(&onboard(Some(&many), &[], false).unwrap()).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        let providers = written["models"]["providers"].as_object().unwrap();
        assert_eq!(
            providers.keys().collect::<Vec<_>>(),
            ["other", "huggingface"]
        );
        // So do many fields in two spellings of it (the exact key's win).
        let fields = |value: u8| -> Vec<String> {
            (0..80_000).map(|i| format!("\"f{i}\":{value}")).collect()
        };
        let many = format!(
            "{{\"models\":{{\"providers\":{{\"HuggingFace\":{{{}}},\"huggingface\":{{{}}}}}}}}}",
            fields(1).join(","),
            fields(2).join(",")
        );
        let written: Value =
            serde_json::from_str(&onboard(Some(&many), &[], false).unwrap()).unwrap();
        let section = written["models"]["providers"]["huggingface"]
            .as_object()
            .unwrap();
        assert_eq!(section.len(), 80_001);
        assert_eq!((&section["f0"], &section["f79999"]), (&json!(2), &json!(2)));
    }

    #[test]
    fn merging_many_entries_and_aliases_is_linear_and_keeps_the_order() {
        let catalog: Vec<ModelInfo> = (0..20_000)
            .map(|i| ModelInfo::with_defaults(&format!("o/m{i}"), format!("M{i}")))
            .collect();
        let config = Config {
            aliases: (0..20_000)
                .map(|i| (format!("huggingface/o/m{i}:cheapest"), format!("cheap {i}")))
                .chain(std::iter::once((
                    "huggingface/x/y".to_owned(),
                    "XY".to_owned(),
                )))
                .chain(std::iter::once((
                    "huggingface/o/m5".to_owned(),
                    "five".to_owned(),
                )))
                .collect(),
            ..Config::default()
        };
        let merged = merge(&catalog, &config);
        assert_eq!(merged.len(), 40_001);
        assert_eq!(merged[0].id, "o/m0");
        assert_eq!(merged[1].id, "o/m0:cheapest");
        assert_eq!(merged[1].alias.as_deref(), Some("cheap 0"));
        assert_eq!(merged[10].alias.as_deref(), Some("five"));
        assert_eq!(merged[40_000].id, "x/y");
    }

    #[test]
    fn onboarding_sets_primary_only_when_unset_and_keeps_entries() {
        let catalog = catalog::builtin();
        let fresh: Value = serde_json::from_str(&onboard(None, &catalog, true).unwrap()).unwrap();
        assert_eq!(
            fresh["agents"]["defaults"]["model"]["primary"],
            catalog::DEFAULT_MODEL_REF
        );
        assert_eq!(
            fresh["models"]["providers"]["huggingface"]["models"]
                .as_array()
                .unwrap()
                .len(),
            11
        );

        let existing = r#"{agents:{defaults:{model:{primary:"huggingface/Qwen/Qwen3-8B",fallbacks:["huggingface/openai/gpt-oss-120b"]},
            models:{"huggingface/Qwen/Qwen3-8B":{alias:"Q"}}}},
            models:{providers:{HUGGINGFACE:{models:[{id:"Qwen/Qwen3-8B",name:"Mine",custom:true}]}}}}"#;
        let updated: Value =
            serde_json::from_str(&onboard(Some(existing), &catalog, true).unwrap()).unwrap();
        let defaults = &updated["agents"]["defaults"];
        assert_eq!(defaults["model"]["primary"], "huggingface/Qwen/Qwen3-8B");
        assert_eq!(
            defaults["model"]["fallbacks"][0],
            "huggingface/openai/gpt-oss-120b"
        );
        assert_eq!(
            defaults["models"]["huggingface/Qwen/Qwen3-8B"]["alias"],
            "Q"
        );
        let providers = updated["models"]["providers"].as_object().unwrap();
        assert_eq!(providers.keys().collect::<Vec<_>>(), ["huggingface"]);
        let entries = providers["huggingface"]["models"].as_array().unwrap();
        assert_eq!(entries.len(), 11);
        assert_eq!(
            entries[0],
            json!({"id":"Qwen/Qwen3-8B","name":"Mine","custom":true})
        );

        let no_token: Value =
            serde_json::from_str(&onboard(Some("{}"), &catalog, false).unwrap()).unwrap();
        assert!(no_token.get("agents").is_none());
    }
}
