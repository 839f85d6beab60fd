//! The reader and writer against serde_json, on generated and mutated documents:
//! the same values, the same errors at the same places, the same text out.

use super::*;

/// A small deterministic generator (xorshift), so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SCALARS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1",
    "-1",
    "12.5",
    "-0.25e-3",
    "1E+2",
    "3e400",
    "-3e400",
    "1e-400",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "0.1",
    "1e9999999999",
    "0e9999999999",
    "1e-9999999999",
    "123456789012345678901234567890",
    r#""""#,
    r#""plain""#,
    r#""a\"b\\c\/d""#,
    r#""\b\f\n\r\t""#,
    r#""\u00e9\u4e2d""#,
    r#""\ud83d\ude00""#,
    r#""ünïcødé""#,
];

const NOISE: &[&str] = &[
    "", " ", "\n", "\t", ",", ":", "[", "]", "{", "}", "\"", "\\", "\\u", "\\ud800", "\\udc00",
    "-", ".", "e", "+", "0", "9", "n", "t", "x", "\u{1}", "é", "nul", "tru", "1.", "01",
];

fn generate(rng: &mut Rng, depth: usize, out: &mut String) {
    let choice = if depth > 4 { 0 } else { rng.below(4) };
    let space = |rng: &mut Rng| if rng.below(4) == 0 { " \n" } else { "" };
    match choice {
        0 | 1 => out.push_str(rng.pick(SCALARS)),
        2 => {
            out.push('[');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(space(rng));
                generate(rng, depth + 1, out);
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                let key = rng.pick(&[r#""a""#, r#""b""#, r#""a\u0062""#, r#""""#, r#""é""#]);
                out.push_str(key);
                out.push_str(space(rng));
                out.push(':');
                generate(rng, depth + 1, out);
            }
            out.push('}');
        }
    }
}

/// A generated document, sometimes with one piece inserted, deleted or replaced.
fn document(rng: &mut Rng) -> String {
    let mut text = String::new();
    generate(rng, 0, &mut text);
    if rng.below(3) > 0 {
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let at = boundaries[rng.below(boundaries.len())];
        let noise = rng.pick(NOISE);
        match rng.below(3) {
            0 => text.insert_str(at, noise),
            1 => text.truncate(at),
            _ => {
                let end = boundaries.iter().copied().find(|&i| i > at).unwrap_or(at);
                text.replace_range(at..end, noise);
            }
        }
    }
    text
}

fn from_serde(value: serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(flag) => Value::Bool(flag),
        serde_json::Value::Number(n) => Value::Number(if let Some(n) = n.as_u64() {
            Number::PosInt(n)
        } else if let Some(n) = n.as_i64() {
            Number::NegInt(n)
        } else {
            Number::Float(n.as_f64().unwrap())
        }),
        serde_json::Value::String(text) => Value::String(text),
        serde_json::Value::Array(items) => {
            Value::Array(items.into_iter().map(from_serde).collect())
        }
        serde_json::Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, from_serde(v))).collect())
        }
    }
}

fn to_serde(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(flag) => serde_json::Value::Bool(*flag),
        Value::Number(Number::PosInt(n)) => (*n).into(),
        Value::Number(Number::NegInt(n)) => (*n).into(),
        Value::Number(Number::Float(f)) => (*f).into(),
        Value::String(text) => text.clone().into(),
        Value::Array(items) => items.iter().map(to_serde).collect(),
        Value::Object(map) => {
            serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), to_serde(v))).collect())
        }
    }
}

/// Equal, floats to the bit (the reference is serde_json with `float_roundtrip`,
/// its correctly rounded parser).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(Number::Float(x)), Value::Number(Number::Float(y))) => {
            x.to_bits() == y.to_bits()
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, a), (kb, b))| ka == kb && same(a, b))
        }
        _ => a == b,
    }
}

#[test]
fn agrees_with_serde_json() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..60_000 {
        let text = document(&mut rng);
        let ours = parse(&text);
        let theirs = serde_json::from_str::<serde_json::Value>(&text);
        match (&ours, theirs) {
            (Ok(ours), Ok(theirs)) => {
                valid += 1;
                assert!(same(ours, &from_serde(theirs)), "{text:?}: {ours:?}");
            }
            (Err(ours), Err(theirs)) => {
                invalid += 1;
                assert_eq!(ours.to_string(), theirs.to_string(), "{text:?}");
            }
            (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
        let skipped = validate(&text).map_err(|e| e.to_string());
        let ignored = serde_json::from_str::<serde::de::IgnoredAny>(&text)
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(skipped, ignored, "skipping {text:?}");
    }
    assert!(
        valid > 10_000 && invalid > 10_000,
        "{valid} valid, {invalid} invalid"
    );
}

#[test]
fn writes_what_serde_json_writes() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..20_000 {
        let mut text = String::new();
        generate(&mut rng, 0, &mut text);
        let Ok(value) = parse(&text) else { continue };
        let theirs = to_serde(&value);
        assert_eq!(to_string(&value), serde_json::to_string(&theirs).unwrap());
        assert_eq!(
            to_string_pretty(&value),
            serde_json::to_string_pretty(&theirs).unwrap()
        );
    }
    let controls: String = (0u8..0x20)
        .map(char::from)
        .chain("\"\\/é\u{7f}".chars())
        .collect();
    let value = Value::String(controls);
    assert_eq!(
        to_string(&value),
        serde_json::to_string(&to_serde(&value)).unwrap()
    );
}

#[test]
fn floats_are_written_as_serde_json_writes_them() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    let check = |f: f64| {
        let mut ours = String::new();
        write::write_f64(&mut ours, f);
        let theirs = serde_json::to_string(&f).unwrap();
        // Where two 17-digit texts both read back as `f`, serde_json's zmij and
        // std's formatting may pick different ones; both are exact.
        let tie = ours.len() == theirs.len() && ours.parse::<f64>().ok() == Some(f);
        assert!(ours == theirs || tie, "{f:e}: {ours} vs {theirs}");
    };
    for f in [
        0.0,
        -0.0,
        1.0,
        0.1,
        0.7,
        1e15,
        1e16,
        1e16 - 2.0,
        1e-5,
        1e-6,
        1.5e-7,
    ] {
        check(f);
        check(-f);
    }
    check(f64::MAX);
    check(f64::MIN_POSITIVE);
    check(5e-324);
    check(f64::NAN);
    for _ in 0..200_000 {
        let bits = rng.next();
        check(f64::from_bits(bits));
        let scale = 10f64.powi((bits % 50) as i32 - 25);
        check(((bits >> 16) % 1_000_000) as f64 * scale);
    }
}

#[test]
fn nesting_is_limited_when_building_but_not_when_skipping() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let error = parse(&deep).unwrap_err();
    assert_eq!(
        error.to_string(),
        "recursion limit exceeded at line 1 column 128"
    );
    assert!(validate(&deep).is_ok());
    let fine = format!("{}{}", "[".repeat(127), "]".repeat(127));
    assert!(parse(&fine).is_ok());
}

#[test]
fn repeated_keys_keep_their_first_place_and_last_value() {
    let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
    let text = format!("{{{},\"k3\":\"last\"}}", many.join(","));
    let Value::Object(map) = parse(&text).unwrap() else {
        panic!()
    };
    assert_eq!(map.len(), 40);
    assert_eq!(map.keys().nth(3).unwrap(), "k3");
    assert_eq!(map.get("k3"), Some(&Value::string("last")));
}

#[test]
fn strings_without_escapes_are_borrowed() {
    let mut reader = Reader::new(r#"["plain", "esc\naped"]"#);
    let mut seen = Vec::new();
    reader
        .array(|reader| {
            seen.push(reader.string()?);
            Ok(())
        })
        .unwrap();
    assert!(matches!(seen[0], std::borrow::Cow::Borrowed("plain")));
    assert!(matches!(&seen[1], std::borrow::Cow::Owned(text) if text == "esc\naped"));
}
