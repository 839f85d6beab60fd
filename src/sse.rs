//! Incremental Server-Sent Events decoder: bytes in, events out.
//!
//! Design decisions:
//! - Works on bytes and decodes a line only once it is complete, so UTF-8
//!   sequences and CRLF pairs split across reads come out whole.
//! - Accepts LF, CRLF and lone CR line ends; ignores comment lines; keeps
//!   `event:` and `id:`, parses `retry:`; joins multi-line `data:` with `\n`.
//! - A line, and an event's data, are bounded: past the bound the decoder fails
//!   instead of growing without limit.
//! - At the end of input a final line without its terminator, and an event
//!   without its blank line, are still delivered: a server that closes right
//!   after `data: [DONE]` has said everything it meant to.

/// Default bound for one line and for one event's data, in bytes.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1024 * 1024;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, if any.
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last `id:` seen, if any.
    pub id: Option<String>,
}

/// A line or an event exceeded the bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTooLong {
    /// The bound, in bytes.
    pub limit: usize,
}

/// The decoder's state between reads.
#[derive(Debug)]
pub struct SseDecoder {
    line: Vec<u8>,
    skip_lf: bool,
    data: String,
    has_data: bool,
    event: Option<String>,
    last_id: Option<String>,
    retry_ms: Option<u64>,
    max_line: usize,
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_LINE_BYTES)
    }
}

impl SseDecoder {
    /// A decoder whose lines and event data may not exceed `max_line` bytes.
    pub fn new(max_line: usize) -> Self {
        Self {
            line: Vec::new(),
            skip_lf: false,
            data: String::new(),
            has_data: false,
            event: None,
            last_id: None,
            retry_ms: None,
            max_line,
        }
    }

    /// The last `retry:` value, in milliseconds.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry_ms
    }

    /// Feeds bytes; complete events are appended to `out`.
    pub fn feed(&mut self, mut bytes: &[u8], out: &mut Vec<SseEvent>) -> Result<(), LineTooLong> {
        // A CR ended the last read: an LF first in this one completes that line
        // end. Only the first byte of input after the CR can be its LF.
        if self.skip_lf && !bytes.is_empty() {
            self.skip_lf = false;
            if bytes[0] == b'\n' {
                bytes = &bytes[1..];
            }
        }
        while let Some(end) = memchr::memchr2(b'\n', b'\r', bytes) {
            if self.line.is_empty() {
                // The whole line is in this read: decoded where it lies.
                if end > self.max_line {
                    return Err(LineTooLong {
                        limit: self.max_line,
                    });
                }
                self.process_line(&bytes[..end], out)?;
            } else {
                self.push_line_bytes(&bytes[..end])?;
                let line = std::mem::take(&mut self.line);
                self.process_line(&line, out)?;
                self.line = line;
                self.line.clear();
            }
            let was_cr = bytes[end] == b'\r';
            bytes = &bytes[end + 1..];
            if was_cr {
                match bytes.first() {
                    Some(b'\n') => bytes = &bytes[1..],
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
        }
        self.push_line_bytes(bytes)
    }

    /// Ends the input: delivers a last unterminated line and a pending event.
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) -> Result<(), LineTooLong> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, out)?;
        }
        self.dispatch(out);
        Ok(())
    }

    fn push_line_bytes(&mut self, bytes: &[u8]) -> Result<(), LineTooLong> {
        if self.line.len() + bytes.len() > self.max_line {
            return Err(LineTooLong {
                limit: self.max_line,
            });
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn process_line(&mut self, line: &[u8], out: &mut Vec<SseEvent>) -> Result<(), LineTooLong> {
        if line.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        // Valid UTF-8 (the usual case) is checked by the fast validator, not the lossy one.
        let value = match std::str::from_utf8(value) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(value),
        };
        match field {
            b"data" => {
                if self.data.len() + value.len() + 1 > self.max_line {
                    return Err(LineTooLong {
                        limit: self.max_line,
                    });
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&value);
                self.has_data = true;
            }
            b"event" => self.event = Some(value.into_owned()),
            b"id" if !value.contains('\0') => self.last_id = Some(value.into_owned()),
            b"retry" => {
                if let Ok(ms) = value.parse::<u64>() {
                    self.retry_ms = Some(ms);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if !self.has_data {
            return;
        }
        self.has_data = false;
        out.push(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(input: &[u8], piece: usize) -> Vec<SseEvent> {
        let mut decoder = SseDecoder::default();
        let mut out = Vec::new();
        for chunk in input.chunks(piece.max(1)) {
            decoder.feed(chunk, &mut out).unwrap();
        }
        decoder.finish(&mut out).unwrap();
        out
    }

    const STREAM: &str = ": keep-alive\r\nevent: message\r\nid: 7\r\nretry: 1500\r\ndata: {\"a\":\"é€😀\"}\r\n\r\ndata: line1\ndata:line2\n\n\rdata: cr-only\r\rdata: [DONE]\n\n";

    #[test]
    fn decodes_every_line_ending_and_field() {
        let events = decode_in_pieces(STREAM.as_bytes(), usize::MAX);
        let data: Vec<&str> = events.iter().map(|e| e.data.as_str()).collect();
        assert_eq!(
            data,
            ["{\"a\":\"é€😀\"}", "line1\nline2", "cr-only", "[DONE]"]
        );
        assert_eq!(events[0].event.as_deref(), Some("message"));
        assert_eq!(events[0].id.as_deref(), Some("7"));
        assert_eq!(events[1].event, None);
        assert_eq!(events[1].id.as_deref(), Some("7"), "the last id persists");
    }

    #[test]
    fn any_split_gives_the_same_events() {
        let whole = decode_in_pieces(STREAM.as_bytes(), usize::MAX);
        for piece in 1..STREAM.len() {
            assert_eq!(
                decode_in_pieces(STREAM.as_bytes(), piece),
                whole,
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn crlf_split_between_reads_is_one_line_end() {
        let mut decoder = SseDecoder::default();
        let mut out = Vec::new();
        decoder.feed(b"data: a\r", &mut out).unwrap();
        decoder.feed(b"\n\r", &mut out).unwrap();
        decoder.feed(b"\ndata: b\n\n", &mut out).unwrap();
        assert_eq!(
            out.iter().map(|e| e.data.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    #[test]
    fn a_lone_lf_completing_a_crlf_is_not_also_a_blank_line() {
        // Found by fuzzing: "\r" | "\n" | "\n" once merged two events.
        let whole = decode_in_pieces(b"data: a\r\n\ndata: b\n\n", usize::MAX);
        let mut decoder = SseDecoder::default();
        let mut out = Vec::new();
        for piece in [&b"data: a\r"[..], b"\n", b"", b"\n", b"data: b\n\n"] {
            decoder.feed(piece, &mut out).unwrap();
        }
        decoder.finish(&mut out).unwrap();
        assert_eq!(out, whole);
        assert_eq!(
            out.iter().map(|e| e.data.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    #[test]
    fn final_event_without_blank_line_is_delivered() {
        assert_eq!(decode_in_pieces(b"data: [DONE]", 3)[0].data, "[DONE]");
        assert!(decode_in_pieces(b": only a comment\n\n", 1).is_empty());
    }

    #[test]
    fn lines_and_events_are_bounded() {
        let mut decoder = SseDecoder::new(16);
        let mut out = Vec::new();
        assert_eq!(
            decoder.feed(&[b'x'; 17], &mut out),
            Err(LineTooLong { limit: 16 })
        );
        let mut decoder = SseDecoder::new(16);
        let many = "data: 12345678\n".repeat(3);
        assert!(decoder.feed(many.as_bytes(), &mut out).is_err());
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        // A small deterministic fuzz: pseudo-random bytes drawn from SSE-ish symbols.
        let alphabet = b"data:event:id:retry: \r\n\xff\xc3\xa9[DONE]{}";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            let mut decoder = SseDecoder::new(64);
            let mut out = Vec::new();
            let len = (state % 200) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            for chunk in bytes.chunks(1 + (state % 7) as usize) {
                if decoder.feed(chunk, &mut out).is_err() {
                    break;
                }
            }
            let _ = decoder.finish(&mut out);
        }
    }
}
