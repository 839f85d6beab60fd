//! Model references: `huggingface/<org>/<model>[:<route>][@<profile>]`.
//!
//! Design decisions:
//! - Split at the first `/`; Hub ids have exactly one `/`, so a bare `org/model`
//!   is ours and a longer reference must start with `huggingface/`.
//! - The route suffix is what the router routes on: a policy is normalised to
//!   lower case, a provider name is kept verbatim, and either is sent in `model`.
//! - The `@profile` suffix is OpenClaw's auth-profile syntax; it is kept on the
//!   reference but never sent to the API.

use crate::error::{ErrorDetails, ProviderError};

/// This provider's id, and the prefix of its model references.
pub const PROVIDER_ID: &str = "huggingface";

/// A routing policy the router understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Policy {
    /// Highest throughput.
    Fastest,
    /// Lowest price per output token.
    Cheapest,
    /// First available provider in the user's settings order.
    Preferred,
}

impl Policy {
    /// The suffix text.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Fastest => "fastest",
            Policy::Cheapest => "cheapest",
            Policy::Preferred => "preferred",
        }
    }
}

/// How the router picks an inference provider.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "tag", content = "val", rename_all = "kebab-case")
)]
pub enum Route {
    /// A policy (`:fastest`, `:cheapest`, `:preferred`).
    Policy(Policy),
    /// A pinned inference provider (`:groq`, `:together`, …), verbatim.
    Provider(String),
}

impl Route {
    fn parse(suffix: &str) -> Self {
        [Policy::Fastest, Policy::Cheapest, Policy::Preferred]
            .into_iter()
            .find(|policy| suffix.eq_ignore_ascii_case(policy.as_str()))
            .map_or_else(|| Route::Provider(suffix.to_owned()), Route::Policy)
    }

    /// The suffix as sent to the router.
    pub fn as_str(&self) -> &str {
        match self {
            Route::Policy(policy) => policy.as_str(),
            Route::Provider(name) => name,
        }
    }
}

/// A parsed model reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRef {
    /// Hub model id, `org/model`, case kept.
    pub model: String,
    /// Route suffix, if any.
    pub route: Option<Route>,
    /// Auth profile (`@name`), if any; never sent to the API.
    pub profile: Option<String>,
}

/// The WIT's JSON shape of a reference, with its computed fields.
#[cfg(feature = "serde")]
impl serde::Serialize for ModelRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut record = serializer.serialize_struct("ModelRef", 6)?;
        record.serialize_field("provider", PROVIDER_ID)?;
        record.serialize_field("model", &self.model)?;
        record.serialize_field("route", &self.route)?;
        record.serialize_field("profile", &self.profile)?;
        record.serialize_field("wire-model", &self.wire_model())?;
        record.serialize_field("normalized", &self.normalized())?;
        record.end()
    }
}

impl ModelRef {
    /// Parses a reference, naming the offending part when it is invalid.
    pub fn parse(text: &str) -> Result<Self, ProviderError> {
        let invalid = |why: String| {
            ProviderError::InvalidModelRef(ErrorDetails::msg(format!("{text:?}: {why}")))
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(invalid("the reference is empty".into()));
        }
        let mut model_id = match trimmed.matches('/').count() {
            0 => {
                return Err(invalid(
                    "expected huggingface/<org>/<model> or <org>/<model>".into(),
                ));
            }
            1 => trimmed,
            _ => {
                let (provider, rest) = trimmed.split_once('/').unwrap_or_default();
                let provider = provider.trim();
                if provider.is_empty() {
                    return Err(invalid("the provider is empty".into()));
                }
                if !provider.eq_ignore_ascii_case(PROVIDER_ID) {
                    return Err(invalid(format!(
                        "the provider {:?} is not {PROVIDER_ID:?}",
                        provider.to_ascii_lowercase()
                    )));
                }
                rest.trim()
            }
        };
        // The provider and the model id are trimmed (§3); whitespace inside either
        // is an error (inside the provider it already failed the comparison above).
        if let Some(bad) = model_id
            .chars()
            .find(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid(format!(
                "the reference contains whitespace or a control character ({:?})",
                bad
            )));
        }
        // A doubled prefix (`huggingface/huggingface/org/model`) is a common slip.
        if let Some(prefix) = model_id.get(..PROVIDER_ID.len() + 1) {
            let rest = &model_id[prefix.len()..];
            if prefix.eq_ignore_ascii_case("huggingface/") && rest.contains('/') {
                model_id = rest;
            }
        }
        let (model_id, profile) = match model_id.rsplit_once('/') {
            Some((head, last)) => match last.split_once('@') {
                Some((name, profile)) => {
                    if profile.is_empty() {
                        return Err(invalid("the auth profile after '@' is empty".into()));
                    }
                    (
                        std::borrow::Cow::Owned(format!("{head}/{name}")),
                        Some(profile.to_owned()),
                    )
                }
                None => (std::borrow::Cow::Borrowed(model_id), None),
            },
            None => (std::borrow::Cow::Borrowed(model_id), None),
        };
        let (org, name) = model_id
            .split_once('/')
            .ok_or_else(|| invalid("expected <org>/<model>".into()))?;
        if org.is_empty() {
            return Err(invalid("the organisation is empty".into()));
        }
        if name.contains('/') {
            return Err(invalid(format!(
                "the model id {model_id:?} has more than one '/' (Hub ids are <org>/<model>)"
            )));
        }
        if org.contains([':', '@']) {
            return Err(invalid(format!(
                "the organisation {org:?} contains ':' or '@'"
            )));
        }
        let (name, route) = match name.rsplit_once(':') {
            Some((_, "")) => return Err(invalid("the route suffix after ':' is empty".into())),
            Some((name, suffix)) => (name, Some(Route::parse(suffix))),
            None => (name, None),
        };
        if name.is_empty() {
            return Err(invalid("the model name is empty".into()));
        }
        Ok(Self {
            model: format!("{org}/{name}"),
            route,
            profile,
        })
    }

    /// What goes in the request's `model` field: the id and its route suffix.
    pub fn wire_model(&self) -> String {
        let mut text = String::with_capacity(self.model.len() + 16);
        self.push_wire_model(&mut text);
        text
    }

    fn push_wire_model(&self, text: &mut String) {
        text.push_str(&self.model);
        if let Some(route) = &self.route {
            text.push(':');
            text.push_str(route.as_str());
        }
    }

    /// The canonical reference: `huggingface/<org>/<model>[:route][@profile]`.
    pub fn normalized(&self) -> String {
        let mut text = String::with_capacity(PROVIDER_ID.len() + self.model.len() + 24);
        text.push_str(PROVIDER_ID);
        text.push('/');
        self.push_wire_model(&mut text);
        if let Some(profile) = &self.profile {
            text.push('@');
            text.push_str(profile);
        }
        text
    }

    /// Whether `text` names another provider's model (`openai/gpt-4o/…` style with
    /// another first part), which multi-provider configurations legitimately hold.
    pub fn is_foreign(text: &str) -> bool {
        let text = text.trim();
        text.matches('/').count() >= 2
            && text
                .split_once('/')
                .is_some_and(|(provider, _)| !provider.trim().eq_ignore_ascii_case(PROVIDER_ID))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ModelRef {
        ModelRef::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_full_and_bare_references() {
        let r = parse("huggingface/deepseek-ai/DeepSeek-R1:cheapest");
        assert_eq!(r.model, "deepseek-ai/DeepSeek-R1");
        assert_eq!(r.route, Some(Route::Policy(Policy::Cheapest)));
        assert_eq!(r.wire_model(), "deepseek-ai/DeepSeek-R1:cheapest");
        let r = parse("  Qwen/Qwen3-8B ");
        assert_eq!(r.model, "Qwen/Qwen3-8B");
        assert_eq!(r.route, None);
        assert_eq!(r.normalized(), "huggingface/Qwen/Qwen3-8B");
        let r = parse("HuggingFace/Qwen/Qwen3-8B:groq");
        assert_eq!(r.route, Some(Route::Provider("groq".into())));
        assert_eq!(r.wire_model(), "Qwen/Qwen3-8B:groq");
    }

    #[test]
    fn strips_a_doubled_prefix_once() {
        assert_eq!(
            parse("huggingface/huggingface/Qwen/Qwen3-8B").model,
            "Qwen/Qwen3-8B"
        );
        assert_eq!(
            parse("huggingface/HUGGINGFACE/Qwen/Qwen3-8B").model,
            "Qwen/Qwen3-8B"
        );
        // `huggingface` as the org of a bare id stays.
        assert_eq!(
            parse("huggingface/SmolLM3-3B").model,
            "huggingface/SmolLM3-3B"
        );
    }

    #[test]
    fn policies_are_normalised_and_providers_kept_verbatim() {
        assert_eq!(parse("a/b:FASTEST").wire_model(), "a/b:fastest");
        assert_eq!(
            parse("a/b:preferred").route,
            Some(Route::Policy(Policy::Preferred))
        );
        assert_eq!(parse("a/b:Fireworks-AI").wire_model(), "a/b:Fireworks-AI");
        assert_eq!(parse("a/b:c:d").wire_model(), "a/b:c:d");
    }

    #[test]
    fn profile_is_split_off_and_not_sent() {
        let r = parse("huggingface/Qwen/Qwen3-8B:cheapest@work");
        assert_eq!(r.profile.as_deref(), Some("work"));
        assert_eq!(r.wire_model(), "Qwen/Qwen3-8B:cheapest");
        assert_eq!(r.normalized(), "huggingface/Qwen/Qwen3-8B:cheapest@work");
    }

    #[test]
    fn rejects_invalid_references_naming_the_part() {
        let cases = [
            ("", "empty"),
            ("   ", "empty"),
            ("openai/gpt-4o/mini", "provider \"openai\""),
            ("DeepSeek-R1", "expected"),
            ("/DeepSeek-R1", "organisation"),
            ("deepseek-ai/", "model name"),
            ("huggingface/deepseek-ai/", "model name"),
            ("a/b:", "route suffix"),
            ("a/b c", "whitespace"),
            ("a/b\u{7}", "control"),
            ("huggingface/a/b/c", "more than one"),
            ("a/b@", "auth profile"),
            ("/a/b", "provider is empty"),
        ];
        for (text, needle) in cases {
            let error = ModelRef::parse(text).expect_err(text);
            assert_eq!(error.kind(), "invalid-model-ref");
            assert!(error.details().message.contains(needle), "{text}: {error}");
        }
    }

    #[test]
    fn foreign_references_are_recognised() {
        assert!(ModelRef::is_foreign("openai/gpt-4o/x"));
        assert!(!ModelRef::is_foreign("huggingface/a/b"));
        assert!(!ModelRef::is_foreign("a/b"));
    }
}
