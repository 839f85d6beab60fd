//! Non-interactive onboarding: the provider's section written into a
//! configuration, everything else kept.

use super::parse::{Object, is_our_provider_key, parse_document};
use super::{Config, MAX_CONFIG_BYTES, config_error};
use crate::catalog::{self, ModelInfo};
use crate::error::ProviderError;
use crate::model_ref::{ModelRef, PROVIDER_ID};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The JSON entry onboarding writes for a catalog model.
fn model_entry_json(model: &ModelInfo) -> Value {
    let input: Vec<&str> = model.input.iter().map(|m| m.as_str()).collect();
    json!({
        "id": model.id,
        "name": model.name,
        "reasoning": model.reasoning,
        "input": input,
        "contextWindow": model.context_window,
        "maxTokens": model.max_tokens,
        "cost": {
            "input": model.cost.input,
            "output": model.cost.output,
            "cacheRead": model.cost.cache_read,
            "cacheWrite": model.cost.cache_write,
        },
    })
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

fn object_entry<'a>(
    map: &'a mut Object,
    key: &str,
    at: &str,
) -> Result<&'a mut Object, ProviderError> {
    let value = map
        .entry(key)
        .or_insert_with(|| Value::Object(Object::new()));
    if value.is_null() {
        *value = Value::Object(Object::new());
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
        None => Object::new(),
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
    // Our sections come out in one pass (removing keys one by one is linear per
    // key); the other providers keep their order.
    let (mut ours, others): (Vec<_>, Vec<_>) = std::mem::take(providers)
        .into_iter()
        .partition(|(key, _)| is_our_provider_key(key));
    *providers = others.into_iter().collect();
    ours.sort_by_key(|(key, _)| key != PROVIDER_ID);
    let mut section = Object::new();
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
            } else {
                // The first section that gives a field gives it.
                section.entry(field).or_insert(value);
            }
        }
    }
    for model in catalog {
        if present.insert(Some(model.id.clone())) {
            entries.push(model_entry_json(model));
        }
    }
    section.insert("models".into(), Value::Array(entries));
    providers.insert(PROVIDER_ID.into(), Value::Object(section));
    write_document(&Value::Object(root))
}

/// The configuration as pretty JSON, or compact JSON when indentation would take
/// it past [`MAX_CONFIG_BYTES`] (deep nesting makes pretty output many times
/// larger than its input); a `config` error when even that would not be read back.
fn write_document(root: &Value) -> Result<String, ProviderError> {
    let within_limit = |pretty: bool| {
        let mut buffer = BoundedBuffer {
            bytes: Vec::new(),
            limit: MAX_CONFIG_BYTES,
        };
        let written = if pretty {
            serde_json::to_writer_pretty(&mut buffer, root)
        } else {
            serde_json::to_writer(&mut buffer, root)
        };
        written
            .ok()
            .and_then(|()| String::from_utf8(buffer.bytes).ok())
    };
    within_limit(true).or_else(|| within_limit(false)).ok_or_else(|| {
        config_error(format!(
            "the configuration would be over the limit of {MAX_CONFIG_BYTES} bytes (2 MiB) once written"
        ))
    })
}

/// A buffer that refuses to grow past a limit, so that writing stops there.
struct BoundedBuffer {
    bytes: Vec<u8>,
    limit: usize,
}

impl std::io::Write for BoundedBuffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + data.len() > self.limit {
            return Err(std::io::Error::other("over the limit"));
        }
        self.bytes.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
