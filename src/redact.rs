//! Keeping the token out of everything the provider returns.
//!
//! Design decisions:
//! - A server may echo the token whole, cut off (an error message truncated in
//!   the middle of it) or split across stream events, so what is scrubbed is any
//!   piece of [`PIECE_LEN`] bytes of the token, wherever it appears, not only the
//!   whole token.
//! - Scanning is linear: a bitmap of the byte pairs that start a piece filters
//!   almost every position before a set lookup, so scrubbing streamed text costs
//!   about one table read per byte.
//! - Streamed text ([`StreamScrubber`]) holds back at most `PIECE_LEN - 1` bytes,
//!   and only while its end could still be the start of a piece: no piece can
//!   straddle what was already returned and what comes next.

use crate::error::ProviderError;
use std::borrow::Cow;

/// Length of the token pieces that never leave the provider.
pub const PIECE_LEN: usize = 8;
// A piece is looked up as one `u64` (`pack_piece`).
const _: () = assert!(PIECE_LEN <= 8);
/// Shortest secret scrubbed at all: scrubbing every `t` of a message for a
/// one-letter test token would only garble it, and real tokens are dozens of
/// characters long.
pub const MIN_SECRET_LEN: usize = 6;
/// What a scrubbed piece is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Scrubs one secret's pieces from text. The default scrubs nothing.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Length of the pieces looked for: [`PIECE_LEN`], or the whole secret when shorter.
    piece_len: usize,
    /// Every piece, packed by [`pack_piece`] and sorted.
    pieces: Vec<u64>,
    /// Bit `a * 256 + b` is set when some piece starts with bytes `a, b`.
    starts: Vec<u64>,
    /// Every substring of the secret shorter than a piece, packed by [`pack_short`]
    /// and sorted: what streamed text may end with and still be the start of a piece.
    short_substrings: Vec<u64>,
    /// Bit `b` is set when byte `b` occurs in the secret: text whose last byte
    /// does not is never held back, with no table lookup.
    secret_bytes: [u64; 4],
}

/// A piece (at most 8 bytes, all pieces of a redactor the same length) as one number.
fn pack_piece(bytes: &[u8]) -> u64 {
    let mut packed = [0u8; 8];
    packed[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(packed)
}

/// A substring of at most 7 bytes as one number: its bytes, and its length in
/// the top byte (so that `"a"` and `"a\0"` differ).
fn pack_short(bytes: &[u8]) -> u64 {
    debug_assert!(bytes.len() < 8);
    pack_piece(bytes) | (bytes.len() as u64) << 56
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor([redacted])")
    }
}

impl Redactor {
    /// A redactor for `secret`; one that scrubs nothing when it is shorter than
    /// [`MIN_SECRET_LEN`].
    pub fn new(secret: &str) -> Self {
        let secret = secret.as_bytes();
        if secret.len() < MIN_SECRET_LEN {
            return Self::default();
        }
        let piece_len = secret.len().min(PIECE_LEN);
        let mut starts = vec![0u64; 65536 / 64];
        let mut pieces = Vec::new();
        for piece in secret.windows(piece_len) {
            let bit = usize::from(piece[0]) * 256 + usize::from(piece[1]);
            starts[bit / 64] |= 1 << (bit % 64);
            pieces.push(pack_piece(piece));
        }
        pieces.sort_unstable();
        pieces.dedup();
        let mut short_substrings: Vec<u64> = (1..piece_len)
            .flat_map(|k| secret.windows(k).map(pack_short))
            .collect();
        short_substrings.sort_unstable();
        short_substrings.dedup();
        let mut secret_bytes = [0u64; 4];
        for &byte in secret {
            secret_bytes[usize::from(byte / 64)] |= 1 << (byte % 64);
        }
        Self {
            piece_len,
            pieces,
            starts,
            short_substrings,
            secret_bytes,
        }
    }

    /// Whether this redactor scrubs anything.
    pub fn is_active(&self) -> bool {
        self.piece_len > 0
    }

    fn starts_piece(&self, a: u8, b: u8) -> bool {
        let bit = usize::from(a) * 256 + usize::from(b);
        self.starts[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// The byte ranges of `text` covered by pieces, merged and widened to
    /// character boundaries.
    fn covered(&self, text: &str) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let n = self.piece_len;
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        if !self.is_active() || bytes.len() < n {
            return ranges;
        }
        for start in 0..=bytes.len() - n {
            if !self.starts_piece(bytes[start], bytes[start + 1])
                || self
                    .pieces
                    .binary_search(&pack_piece(&bytes[start..start + n]))
                    .is_err()
            {
                continue;
            }
            let (mut from, mut to) = (start, start + n);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            while !text.is_char_boundary(to) {
                to += 1;
            }
            match ranges.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => ranges.push((from, to)),
            }
        }
        ranges
    }

    /// `text` with every piece of the secret replaced by [`REDACTED`].
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let ranges = self.covered(text);
        if ranges.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (from, to) in ranges {
            out.push_str(&text[at..from]);
            out.push_str(REDACTED);
            at = to;
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }

    /// Scrubs `text` in place.
    pub fn scrub_in_place(&self, text: &mut String) {
        if let Cow::Owned(scrubbed) = self.scrub(text) {
            *text = scrubbed;
        }
    }

    /// Scrubs an optional text in place.
    pub fn scrub_option(&self, text: &mut Option<String>) {
        if let Some(text) = text {
            self.scrub_in_place(text);
        }
    }

    /// How many bytes at the end of `text` must wait for more text: the longest
    /// suffix shorter than a piece (at a character boundary) that occurs in the secret.
    fn holdback(&self, text: &str) -> usize {
        if !self.is_active() {
            return 0;
        }
        let bytes = text.as_bytes();
        let longest = (self.piece_len - 1).min(bytes.len());
        let mut held = 0;
        // Shortest first: a suffix that does not occur in the secret has no
        // longer suffix that does, so the first miss ends the search (for most
        // text, at its last byte).
        for k in 1..=longest {
            let suffix = &bytes[bytes.len() - k..];
            let occurs = match suffix {
                [byte] => self.secret_bytes[usize::from(byte / 64)] & (1 << (byte % 64)) != 0,
                _ => self
                    .short_substrings
                    .binary_search(&pack_short(suffix))
                    .is_ok(),
            };
            if !occurs {
                break;
            }
            if text.is_char_boundary(bytes.len() - k) {
                held = k;
            }
        }
        held
    }
}

/// One streamed text (an answer, reasoning, one tool call's arguments): the
/// whole text so far, scrubbed, and how much of it was handed out.
#[derive(Debug, Clone, Default)]
pub struct StreamScrubber {
    emitted: usize,
}

impl StreamScrubber {
    /// Appends `piece` to `text`, scrubs what was not handed out yet, and returns
    /// the part that is now safe to hand out (possibly empty).
    pub fn push(&mut self, text: &mut String, piece: &str, redactor: &Redactor) -> String {
        text.push_str(piece);
        if !redactor.is_active() {
            self.emitted = text.len();
            return piece.to_owned();
        }
        if let Cow::Owned(scrubbed) = redactor.scrub(&text[self.emitted..]) {
            text.replace_range(self.emitted.., &scrubbed);
        }
        let safe_end = text.len() - redactor.holdback(&text[self.emitted..]);
        let out = text[self.emitted..safe_end].to_owned();
        self.emitted = safe_end;
        out
    }

    /// The held-back rest of `text`, once no more will come.
    pub fn flush(&mut self, text: &str) -> String {
        let out = text.get(self.emitted..).unwrap_or_default().to_owned();
        self.emitted = text.len();
        out
    }
}

impl ProviderError {
    /// Scrubs every piece of the secret from the message, request id and provider.
    pub fn redact(mut self, redactor: &Redactor) -> Self {
        let details = self.details_mut();
        redactor.scrub_in_place(&mut details.message);
        redactor.scrub_option(&mut details.request_id);
        redactor.scrub_option(&mut details.provider);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorDetails;

    const TOKEN: &str = "hf_CANARY_d0n7_pr1n7_m3_5ecret";

    fn leaks(text: &str) -> bool {
        TOKEN
            .as_bytes()
            .windows(PIECE_LEN)
            .any(|w| text.as_bytes().windows(PIECE_LEN).any(|t| t == w))
    }

    #[test]
    fn scrubs_whole_cut_and_embedded_pieces() {
        let r = Redactor::new(TOKEN);
        for text in [
            format!("token {TOKEN} echoed"),
            "cut off: bad token hf_CANARY_d0n7_pr".to_owned(),
            "middle Y_d0n7_pr1n7 piece".to_owned(),
            format!("twice {TOKEN}{TOKEN} é{TOKEN}é"),
        ] {
            let scrubbed = r.scrub(&text);
            assert!(!leaks(&scrubbed), "{scrubbed}");
            assert!(scrubbed.contains(REDACTED));
        }
        assert_eq!(r.scrub("harmless text"), "harmless text");
        assert_eq!(r.scrub("hf_CANA"), "hf_CANA", "seven bytes are not a piece");
    }

    #[test]
    fn short_secrets_scrub_whole_occurrences_only() {
        assert!(!Redactor::new("t").is_active());
        let r = Redactor::new("abcdef");
        assert_eq!(r.scrub("x abcdef y abcde"), "x [redacted] y abcde");
    }

    #[test]
    fn streamed_text_never_hands_out_a_piece_at_any_split() {
        let r = Redactor::new(TOKEN);
        let whole = format!("Hello {TOKEN} and {}, bye é", &TOKEN[3..20]);
        for size in 1..12 {
            let mut text = String::new();
            let mut scrubber = StreamScrubber::default();
            let mut handed_out = String::new();
            let chars: Vec<char> = whole.chars().collect();
            for piece in chars.chunks(size) {
                let piece: String = piece.iter().collect();
                let out = scrubber.push(&mut text, &piece, &r);
                assert!(!leaks(&out));
                handed_out.push_str(&out);
            }
            handed_out.push_str(&scrubber.flush(&text));
            assert_eq!(handed_out, text, "pieces of {size}");
            assert!(!leaks(&handed_out), "pieces of {size}: {handed_out}");
            assert!(handed_out.starts_with("Hello [redacted]"));
            assert!(handed_out.ends_with(", bye é"));
        }
    }

    #[test]
    fn holdback_is_the_longest_suffix_found_in_the_secret() {
        for secret in [TOKEN, "s3cr\u{e9}t-\u{e9}t\u{e9}-tok"] {
            let r = Redactor::new(secret);
            let occurs = |s: &[u8]| secret.as_bytes().windows(s.len()).any(|w| w == s);
            let texts = (0..secret.len())
                .flat_map(|i| (i + 1..=secret.len()).map(move |j| (i, j)))
                .filter_map(|(i, j)| secret.get(i..j))
                .flat_map(|piece| [format!("x {piece}"), piece.to_owned(), format!("{piece}!")]);
            for text in texts {
                let expected = (1..=(r.piece_len - 1).min(text.len()))
                    .filter(|&k| text.is_char_boundary(text.len() - k))
                    .filter(|&k| occurs(&text.as_bytes()[text.len() - k..]))
                    .max()
                    .unwrap_or(0);
                assert_eq!(r.holdback(&text), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn without_a_secret_text_passes_through() {
        let r = Redactor::default();
        let mut text = String::new();
        let mut scrubber = StreamScrubber::default();
        assert_eq!(scrubber.push(&mut text, "ab", &r), "ab");
        assert_eq!(scrubber.flush(&text), "");
    }

    #[test]
    fn redact_scrubs_message_request_id_and_provider() {
        let secret = Redactor::new("hf_secret_value");
        let error = ProviderError::BadRequest(ErrorDetails {
            message: "echo hf_secret_val".into(),
            request_id: Some("id-hf_secret_value".into()),
            provider: Some("secret_value".into()),
            ..ErrorDetails::default()
        });
        let details = error.redact(&secret).details().clone();
        assert_eq!(details.message, "echo [redacted]");
        assert_eq!(details.request_id.as_deref(), Some("id-[redacted]"));
        assert_eq!(details.provider.as_deref(), Some("[redacted]"));
        let short = ProviderError::BadRequest(ErrorDetails::msg("the token"));
        let unchanged = short.redact(&Redactor::new("t"));
        assert_eq!(unchanged.details().message, "the token");
    }
}
