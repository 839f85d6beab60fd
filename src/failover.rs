//! Failover between a primary model and its fallbacks.
//!
//! Design decisions:
//! - The chain is: the requested model, the configured fallbacks in order, then
//!   the primary; duplicates removed by their normalised reference.
//! - [`run`] is generic over the attempt, so the same loop drives non-streaming
//!   calls and stream openings in every adapter; it is `async` because an
//!   attempt may be (the browser's `fetch`).
//! - Cooldowns are plain data the caller keeps between calls (the component keeps
//!   no state across calls): a failed model waits 30 s, then 1 min, then 5 min
//!   before it is tried first again; it is still tried, last, when nothing else is left.

use crate::catalog::DEFAULT_MODEL_REF;
use crate::config::Config;
use crate::error::ProviderError;
use crate::model_ref::ModelRef;
use std::collections::BTreeSet;

/// Cooldown after the first, second, and any further consecutive failure.
const COOLDOWN_STEPS_MS: [u64; 3] = [30_000, 60_000, 300_000];

/// Most candidates one failover run tries: a configuration may list any number
/// of fallbacks, but a call must end in bounded time (each attempt has its own
/// deadline).
pub const MAX_FAILOVER_ATTEMPTS: usize = 16;

/// The candidates to try, in order.
pub fn candidates(
    requested: Option<&str>,
    config: &Config,
) -> Result<Vec<ModelRef>, ProviderError> {
    let first = requested
        .map(str::to_owned)
        .or_else(|| config.primary.clone())
        .unwrap_or_else(|| DEFAULT_MODEL_REF.to_owned());
    let mut chain: Vec<ModelRef> = Vec::new();
    let mut seen = BTreeSet::new();
    let texts = std::iter::once(first.as_str())
        .chain(config.fallbacks.iter().map(String::as_str))
        .chain(config.primary.as_deref());
    for text in texts {
        let reference = ModelRef::parse(text)?;
        if seen.insert(reference.normalized()) {
            chain.push(reference);
        }
    }
    Ok(chain)
}

/// A model's cooldown state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub struct Cooldown {
    /// Normalised model reference.
    pub model: String,
    /// Consecutive failures.
    pub failures: u32,
    /// Milliseconds since the Unix epoch until which the model is not tried first.
    pub until_ms: u64,
}

/// Records a failure of `model` at `now_ms`.
pub fn record_failure(cooldowns: &mut Vec<Cooldown>, model: &str, now_ms: u64) {
    let entry = match cooldowns.iter().position(|c| c.model == model) {
        Some(i) => &mut cooldowns[i],
        None => {
            cooldowns.push(Cooldown {
                model: model.to_owned(),
                failures: 0,
                until_ms: 0,
            });
            cooldowns.last_mut().expect("just pushed")
        }
    };
    entry.failures = entry.failures.saturating_add(1);
    let step = (entry.failures as usize - 1).min(COOLDOWN_STEPS_MS.len() - 1);
    entry.until_ms = now_ms.saturating_add(COOLDOWN_STEPS_MS[step]);
}

/// Forgets `model`'s failures after a success.
pub fn record_success(cooldowns: &mut Vec<Cooldown>, model: &str) {
    cooldowns.retain(|c| c.model != model);
}

/// Whether `model` is cooling down at `now_ms`.
pub fn is_cooling(cooldowns: &[Cooldown], model: &str, now_ms: u64) -> bool {
    cooldowns
        .iter()
        .any(|c| c.model == model && c.until_ms > now_ms)
}

/// The candidates with cooling models moved behind the others, order otherwise kept.
pub fn order(candidates: Vec<ModelRef>, cooldowns: &[Cooldown], now_ms: u64) -> Vec<ModelRef> {
    let cooling_models: BTreeSet<&str> = cooldowns
        .iter()
        .filter(|c| c.until_ms > now_ms)
        .map(|c| c.model.as_str())
        .collect();
    let (cooling, ready): (Vec<_>, Vec<_>) = candidates
        .into_iter()
        .partition(|c| cooling_models.contains(c.normalized().as_str()));
    ready.into_iter().chain(cooling).collect()
}

/// One try of one candidate.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "kebab-case")
)]
pub struct Attempt {
    /// Normalised model reference.
    pub model: String,
    /// `None` when it succeeded.
    pub error: Option<ProviderError>,
}

/// What a failover run did.
#[derive(Debug)]
pub struct Outcome<T> {
    /// The first success, or the error that ended the run.
    pub result: Result<T, ProviderError>,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
}

/// Tries each candidate (cooling ones last, at most [`MAX_FAILOVER_ATTEMPTS`])
/// until one succeeds or an error that another model cannot fix; updates
/// `cooldowns` as it goes.
pub async fn run<T>(
    candidates: Vec<ModelRef>,
    cooldowns: &mut Vec<Cooldown>,
    now_ms: u64,
    mut attempt: impl AsyncFnMut(&ModelRef) -> Result<T, ProviderError>,
) -> Outcome<T> {
    let mut attempts = Vec::new();
    let mut last_error = None;
    let ordered = order(candidates, cooldowns, now_ms);
    for candidate in ordered.into_iter().take(MAX_FAILOVER_ATTEMPTS) {
        let model = candidate.normalized();
        match attempt(&candidate).await {
            Ok(value) => {
                record_success(cooldowns, &model);
                attempts.push(Attempt { model, error: None });
                return Outcome {
                    result: Ok(value),
                    attempts,
                };
            }
            Err(error) => {
                let advances = error.advances_failover();
                if advances {
                    record_failure(cooldowns, &model, now_ms);
                }
                attempts.push(Attempt {
                    model,
                    error: Some(error.clone()),
                });
                if !advances {
                    return Outcome {
                        result: Err(error),
                        attempts,
                    };
                }
                last_error = Some(error);
            }
        }
    }
    let error = last_error.unwrap_or_else(|| {
        ProviderError::Config(crate::error::ErrorDetails::msg("there is no model to try"))
    });
    Outcome {
        result: Err(error),
        attempts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorDetails;
    use crate::executor::block_on;

    fn config(primary: &str, fallbacks: &[&str]) -> Config {
        Config::parse(&serde_json::json!({"agents":{"defaults":{"model":{"primary":primary,"fallbacks":fallbacks}}}}).to_string()).unwrap()
    }

    fn names(chain: &[ModelRef]) -> Vec<String> {
        chain.iter().map(ModelRef::normalized).collect()
    }

    #[test]
    fn long_chains_are_linear_and_runs_are_bounded() {
        let fallbacks: Vec<String> = (0..200_000)
            .map(|i| format!("o/m{}", i % 150_000))
            .collect();
        let config = Config {
            fallbacks,
            ..Config::default()
        };
        let chain = candidates(Some("o/first"), &config).unwrap();
        assert_eq!(chain.len(), 150_001);
        let cooldowns: Vec<Cooldown> = (0..100_000)
            .map(|i| Cooldown {
                model: format!("huggingface/o/m{i}"),
                failures: 1,
                until_ms: 10,
            })
            .collect();
        let mut cooldowns = cooldowns;
        let mut tried = 0;
        let outcome: Outcome<()> = block_on(run(chain, &mut cooldowns, 0, async |_| {
            tried += 1;
            Err(ProviderError::RateLimited(ErrorDetails::msg("busy")))
        }));
        assert_eq!(tried, MAX_FAILOVER_ATTEMPTS);
        assert_eq!(outcome.attempts.len(), MAX_FAILOVER_ATTEMPTS);
        assert_eq!(
            outcome.attempts[1].model, "huggingface/o/m100000",
            "cooling models go last"
        );
    }

    #[test]
    fn chain_is_requested_then_fallbacks_then_primary_without_duplicates() {
        let config = config(
            "huggingface/a/p",
            &["huggingface/a/f1", "a/f1", "huggingface/a/p", "a/f2"],
        );
        assert_eq!(
            names(&candidates(Some("a/r"), &config).unwrap()),
            [
                "huggingface/a/r",
                "huggingface/a/f1",
                "huggingface/a/p",
                "huggingface/a/f2"
            ]
        );
        assert_eq!(
            names(&candidates(None, &config).unwrap())[0],
            "huggingface/a/p"
        );
        assert_eq!(
            names(&candidates(None, &Config::default()).unwrap()),
            [DEFAULT_MODEL_REF]
        );
        assert_eq!(
            candidates(Some("bad"), &config).unwrap_err().kind(),
            "invalid-model-ref"
        );
    }

    #[test]
    fn run_advances_on_transient_errors_and_stops_on_format_errors() {
        let chain = candidates(Some("a/one"), &config("huggingface/a/three", &["a/two"])).unwrap();
        let mut cooldowns = Vec::new();
        let outcome = block_on(run(chain.clone(), &mut cooldowns, 0, async |c| {
            match c.model.as_str() {
                "a/one" => Err(ProviderError::PaymentRequired(ErrorDetails::msg("402"))),
                "a/two" => Err(ProviderError::RateLimited(ErrorDetails::msg("429"))),
                _ => Ok("three"),
            }
        }));
        assert_eq!(outcome.result.unwrap(), "three");
        assert_eq!(outcome.attempts.len(), 3);
        assert_eq!(
            outcome.attempts[0].error.as_ref().unwrap().kind(),
            "payment-required"
        );
        assert_eq!(outcome.attempts[2].error, None);
        assert_eq!(cooldowns.len(), 2);

        let mut cooldowns = Vec::new();
        let outcome = block_on(run(chain, &mut cooldowns, 0, async |_| -> Result<(), _> {
            Err(ProviderError::BadRequest(ErrorDetails::msg("400")))
        }));
        assert_eq!(outcome.result.unwrap_err().kind(), "bad-request");
        assert_eq!(outcome.attempts.len(), 1);
        assert!(cooldowns.is_empty());
    }

    #[test]
    fn cooldowns_grow_and_push_models_back() {
        let mut cooldowns = Vec::new();
        record_failure(&mut cooldowns, "m", 0);
        assert_eq!(cooldowns[0].until_ms, 30_000);
        record_failure(&mut cooldowns, "m", 0);
        assert_eq!(cooldowns[0].until_ms, 60_000);
        record_failure(&mut cooldowns, "m", 0);
        record_failure(&mut cooldowns, "m", 0);
        assert_eq!(cooldowns[0].until_ms, 300_000);
        assert!(is_cooling(&cooldowns, "m", 299_999));
        assert!(!is_cooling(&cooldowns, "m", 300_000));

        let chain = candidates(Some("a/x"), &config("huggingface/a/y", &[])).unwrap();
        let mut cooldowns = Vec::new();
        record_failure(&mut cooldowns, "huggingface/a/x", 1000);
        assert_eq!(
            names(&order(chain.clone(), &cooldowns, 1000)),
            ["huggingface/a/y", "huggingface/a/x"]
        );
        assert_eq!(
            names(&order(chain, &cooldowns, 31_000)),
            ["huggingface/a/x", "huggingface/a/y"]
        );
        record_success(&mut cooldowns, "huggingface/a/x");
        assert!(cooldowns.is_empty());
    }
}
