//! Reading a configuration: JSON, else JSON5, into [`Config`], every problem a
//! `config` error that names the key.

use super::{Config, ConfiguredModel, MAX_CONFIG_BYTES, config_error};
use crate::catalog::{Cost, Modality};
use crate::error::ProviderError;
use crate::model_ref::{ModelRef, PROVIDER_ID};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A JSON object, in the order its keys were written.
pub(super) type Object = Map<String, Value>;

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
pub(super) fn parse_document(text: &str) -> Result<Object, ProviderError> {
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
    let value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(_) => json5::from_str::<Value>(text).map_err(|e| {
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
fn object_at<'a>(root: &'a Object, path: &[&str]) -> Result<Option<&'a Object>, ProviderError> {
    let mut current = root;
    for (depth, key) in path.iter().enumerate() {
        match current.get(*key) {
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

fn optional_string(map: &Object, key: &str, at: &str) -> Result<Option<String>, ProviderError> {
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
type ProviderSection<'a> = (&'a String, &'a Object);

/// Whether a `models.providers` key names this provider: in any case, blanks
/// around it ignored.
pub(super) fn is_our_provider_key(key: &str) -> bool {
    key.trim().eq_ignore_ascii_case(PROVIDER_ID)
}

/// The objects under `models.providers` whose keys name this provider in any
/// case, the exact key first: they all collapse into `huggingface`, in this
/// order.
fn provider_sections(root: &Object) -> Result<Vec<ProviderSection<'_>>, ProviderError> {
    let Some(providers) = object_at(root, &["models", "providers"])? else {
        return Ok(Vec::new());
    };
    let mut ours: Vec<_> = providers
        .iter()
        .filter(|(key, _)| is_our_provider_key(key))
        .collect();
    ours.sort_by_key(|(key, _)| *key != PROVIDER_ID);
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
    pub(super) fn from_document(root: &Object) -> Result<Self, ProviderError> {
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
        let options: Object = map
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
}

#[cfg(test)]
mod tests {
    use super::super::{PRODUCT_EXAMPLE, onboard};
    use super::*;

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
}
