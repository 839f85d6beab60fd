//! Laying a configuration over a catalog (discovered or built-in).

use super::{Config, ConfiguredModel};
use crate::catalog::{self, ModelInfo};
use crate::model_ref::ModelRef;
use std::collections::{BTreeMap, BTreeSet};

impl ConfiguredModel {
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
    let mut seen: BTreeSet<String> = models.iter().map(|m| m.id.clone()).collect();
    for model in catalog {
        if seen.insert(model.id.clone()) {
            models.push(model.clone());
        }
    }
    let mut position: BTreeMap<String, usize> = models
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.clone(), i))
        .collect();
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

#[cfg(test)]
mod tests {
    use super::super::PRODUCT_EXAMPLE;
    use super::*;

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
}
