//! Token resolution from what the host passes in: environment pairs and the
//! contents of the Hugging Face CLI token file. The component reads no
//! environment or files itself; [`token_file_path`] tells the host which file.

use crate::settings::Token;

/// Largest token file a host should read: a token is a few dozen bytes, and a
/// bigger file is not one (the hosts skip it with a warning).
pub const MAX_TOKEN_FILE_BYTES: u64 = 64 * 1024;

/// Where a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum TokenSource {
    /// `HUGGINGFACE_HUB_TOKEN`.
    HuggingfaceHubToken,
    /// `HF_TOKEN`.
    HfToken,
    /// The Hugging Face CLI token file.
    TokenFile,
}

fn lookup<'a>(env: &'a [(String, String)], name: &str) -> Option<&'a str> {
    env.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .filter(|value| !value.trim().is_empty())
}

/// The token file to read: `$HF_TOKEN_PATH`, else `$HF_HOME/token`, else
/// `$XDG_CACHE_HOME/huggingface/token`, else `$HOME/.cache/huggingface/token`;
/// `None` when none of those variables is set.
pub fn token_file_path(env: &[(String, String)]) -> Option<String> {
    let join = |dir: &str, rest: &str| format!("{}/{rest}", dir.trim_end_matches('/'));
    lookup(env, "HF_TOKEN_PATH")
        .map(str::to_owned)
        .or_else(|| lookup(env, "HF_HOME").map(|home| join(home, "token")))
        .or_else(|| lookup(env, "XDG_CACHE_HOME").map(|cache| join(cache, "huggingface/token")))
        .or_else(|| lookup(env, "HOME").map(|home| join(home, ".cache/huggingface/token")))
}

/// `HUGGINGFACE_HUB_TOKEN`, then `HF_TOKEN`, then the token file's contents;
/// each trimmed, empty values counting as unset.
pub fn resolve_token(
    env: &[(String, String)],
    token_file: Option<&str>,
) -> Option<(Token, TokenSource)> {
    lookup(env, "HUGGINGFACE_HUB_TOKEN")
        .and_then(Token::new)
        .map(|t| (t, TokenSource::HuggingfaceHubToken))
        .or_else(|| {
            lookup(env, "HF_TOKEN")
                .and_then(Token::new)
                .map(|t| (t, TokenSource::HfToken))
        })
        .or_else(|| {
            token_file
                .and_then(Token::new)
                .map(|t| (t, TokenSource::TokenFile))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn hub_token_wins_and_blank_values_are_unset() {
        let both = env(&[("HF_TOKEN", "b"), ("HUGGINGFACE_HUB_TOKEN", " a ")]);
        let (token, source) = resolve_token(&both, Some("c")).unwrap();
        assert_eq!(
            (token.expose(), source),
            ("a", TokenSource::HuggingfaceHubToken)
        );
        let blank_hub = env(&[("HUGGINGFACE_HUB_TOKEN", "  "), ("HF_TOKEN", "b")]);
        assert_eq!(
            resolve_token(&blank_hub, None).unwrap().1,
            TokenSource::HfToken
        );
        let (token, source) = resolve_token(&env(&[]), Some("file-token\n")).unwrap();
        assert_eq!(
            (token.expose(), source),
            ("file-token", TokenSource::TokenFile)
        );
        assert!(resolve_token(&env(&[("HF_TOKEN", "")]), Some(" \n")).is_none());
    }

    #[test]
    fn token_file_path_follows_the_cli_order() {
        let all = env(&[
            ("HOME", "/h"),
            ("XDG_CACHE_HOME", "/x/"),
            ("HF_HOME", "/hf"),
            ("HF_TOKEN_PATH", "/t"),
        ]);
        assert_eq!(token_file_path(&all).as_deref(), Some("/t"));
        assert_eq!(token_file_path(&all[..3]).as_deref(), Some("/hf/token"));
        assert_eq!(
            token_file_path(&all[..2]).as_deref(),
            Some("/x/huggingface/token")
        );
        assert_eq!(
            token_file_path(&all[..1]).as_deref(),
            Some("/h/.cache/huggingface/token")
        );
        assert_eq!(token_file_path(&[]), None);
    }
}
