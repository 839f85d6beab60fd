//! Writes [`Value`]s as serde_json does: the same escapes, the same shortest
//! form of floats, and its pretty layout (two spaces, `": "`).

use super::{Number, Value};
use std::fmt::Write;

/// Compact JSON text.
pub fn to_string(value: &Value) -> String {
    write_within(value, false, usize::MAX).unwrap_or_default()
}

/// Indented JSON text, serde_json's `to_string_pretty` layout.
pub fn to_string_pretty(value: &Value) -> String {
    write_within(value, true, usize::MAX).unwrap_or_default()
}

/// The text of `value`, pretty or compact, or `None` if it would be longer than
/// `limit` bytes (deep nesting makes indented text many times its input), found
/// out without writing much past the limit.
pub fn write_within(value: &Value, pretty: bool, limit: usize) -> Option<String> {
    let mut writer = Writer {
        out: String::new(),
        pretty,
        limit,
    };
    writer.value(value, 0);
    (writer.out.len() <= limit).then_some(writer.out)
}

struct Writer {
    out: String,
    pretty: bool,
    limit: usize,
}

impl Writer {
    fn over(&self) -> bool {
        self.out.len() > self.limit
    }

    fn newline(&mut self, depth: usize) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str("  ");
            }
        }
    }

    fn value(&mut self, value: &Value, depth: usize) {
        match value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(flag) => self.out.push_str(if *flag { "true" } else { "false" }),
            Value::Number(number) => write_number(&mut self.out, *number),
            Value::String(text) => write_str(&mut self.out, text),
            Value::Array(items) if items.is_empty() => self.out.push_str("[]"),
            Value::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if self.over() {
                        return;
                    }
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    self.value(item, depth + 1);
                }
                self.newline(depth);
                self.out.push(']');
            }
            Value::Object(map) if map.is_empty() => self.out.push_str("{}"),
            Value::Object(map) => {
                self.out.push('{');
                for (i, (key, item)) in map.iter().enumerate() {
                    if self.over() {
                        return;
                    }
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    write_str(&mut self.out, key);
                    self.out.push_str(if self.pretty { ": " } else { ":" });
                    self.value(item, depth + 1);
                }
                self.newline(depth);
                self.out.push('}');
            }
        }
    }
}

/// A JSON string literal of `text`: `"` and `\` escaped, control characters
/// as their short escapes or `\u00XX`, everything else as it is.
pub fn write_str(out: &mut String, text: &str) {
    out.push('"');
    let mut run_start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let short = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0x00..=0x1F => "",
            _ => continue,
        };
        out.push_str(&text[run_start..i]);
        run_start = i + 1;
        if short.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(short);
        }
    }
    out.push_str(&text[run_start..]);
    out.push('"');
}

fn write_number(out: &mut String, number: Number) {
    match number {
        Number::PosInt(n) => {
            let _ = write!(out, "{n}");
        }
        Number::NegInt(n) => {
            let _ = write!(out, "{n}");
        }
        Number::Float(f) => write_f64(out, f),
    }
}

/// The shortest text that reads back as `f`, laid out as serde_json writes it:
/// plain decimals for exponents -5 to 15 (`1.0`, `0.00001`, `1e+16` beyond),
/// and `null` for a value JSON cannot hold.
pub fn write_f64(out: &mut String, f: f64) {
    if !f.is_finite() {
        out.push_str("null");
        return;
    }
    // `{:e}` gives the shortest round-tripping digits: `-1.2345e3`.
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    out.push_str(sign);
    if (-5..=15).contains(&exponent) {
        let point = exponent + 1;
        if point <= 0 {
            out.push_str("0.");
            for _ in 0..-point {
                out.push('0');
            }
            out.push_str(&digits);
        } else if point as usize >= digits.len() {
            out.push_str(&digits);
            for _ in digits.len()..point as usize {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            let (whole, fraction) = digits.split_at(point as usize);
            out.push_str(whole);
            out.push('.');
            out.push_str(fraction);
        }
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(
            out,
            "e{}{}",
            if exponent < 0 { '-' } else { '+' },
            exponent.abs()
        );
    }
}
