//! JSON for the core: a pull [`Reader`] over text, a [`Value`] tree for the
//! documents the core edits (configuration files, caller-given schemas), and a
//! writer in serde_json's compact and pretty layouts.
//!
//! Our own rather than serde_json: serde's generic machinery, instantiated for
//! every wire struct, was most of the component's size, which every host pays
//! for (README, size notes). The wire formats are read straight from the text
//! with the reader, copying only what is kept. Syntax errors, their messages and
//! their line and column are serde_json's, which the conformance vectors pin;
//! `tests::agrees_with_serde_json` checks that on generated documents.

mod json5;
mod read;
mod write;

pub use json5::parse_json5;
pub use read::{Kind, Reader};
pub use write::{to_string, to_string_pretty, write_within};

use std::fmt;

/// Nesting depth past which a document is refused, as serde_json does.
const RECURSION_LIMIT: u16 = 128;

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

/// A JSON number as serde_json keeps it: an integer when it is one and fits,
/// otherwise the nearest `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// Any other (finite) number.
    Float(f64),
}

impl Number {
    /// The number as an `f64` (large integers round).
    pub fn as_f64(self) -> f64 {
        match self {
            Number::PosInt(n) => n as f64,
            Number::NegInt(n) => n as f64,
            Number::Float(f) => f,
        }
    }
}

/// An object's members in document order. Keys are unique: inserting a key that
/// is there replaces its value in place (so a repeated key in a document keeps
/// its first position and its last value, as serde_json's ordered map does).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map(Vec<(String, Value)>);

impl Map {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key`, keeping its position if it is there; returns the old value.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// The value of `key`, inserting `make()` at the end first if it is absent.
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> Value) -> &mut Value {
        let index = match self.0.iter().position(|(k, _)| k == key) {
            Some(index) => index,
            None => {
                self.0.push((key.to_owned(), make()));
                self.0.len() - 1
            }
        };
        &mut self.0[index].1
    }

    /// The members in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Members as parsed, a repeated key folded into its first position. Long
    /// objects are folded through an ordered index, so a hostile document with
    /// many keys costs `n log n`, not `n²`.
    fn from_members(members: Vec<(String, Value)>) -> Self {
        const SCAN_BELOW: usize = 16;
        if members.len() < SCAN_BELOW {
            let mut map = Map(Vec::with_capacity(members.len()));
            for (key, value) in members {
                map.insert(key, value);
            }
            return map;
        }
        let mut first_at: std::collections::BTreeMap<String, usize> =
            std::collections::BTreeMap::new();
        let mut folded: Vec<(String, Value)> = Vec::with_capacity(members.len());
        for (key, value) in members {
            match first_at.get(key.as_str()) {
                Some(&index) => folded[index].1 = value,
                None => {
                    first_at.insert(key.clone(), folded.len());
                    folded.push((key, value));
                }
            }
        }
        Map(folded)
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(members: I) -> Self {
        Map::from_members(members.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Value {
    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The number as an unsigned integer, if it is one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(Number::PosInt(n)) => Some(*n),
            _ => None,
        }
    }

    /// The number as an `f64`, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(number) => Some(number.as_f64()),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The object, to change, if this is one.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value of `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// A number, or `null` for one JSON cannot hold (as serde_json's `json!`).
    pub fn from_f64(number: f64) -> Self {
        if number.is_finite() {
            Value::Number(Number::Float(number))
        } else {
            Value::Null
        }
    }

    /// A string value.
    pub fn string(text: impl Into<String>) -> Self {
        Value::String(text.into())
    }

    /// An object from `(key, value)` pairs.
    pub fn object<const N: usize>(members: [(&str, Value); N]) -> Self {
        Value::Object(
            members
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect(),
        )
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&to_string(self))
    }
}

/// Reads one whole JSON text with `read`: only whitespace may follow the value.
pub fn read_whole<'a, T>(
    text: &'a str,
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut reader = Reader::new(text);
    let value = read(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// Parses a whole JSON text into a [`Value`].
pub fn parse(text: &str) -> Result<Value, Error> {
    read_whole(text, Reader::value)
}

/// Checks that `text` is one JSON value, building nothing.
pub fn validate(text: &str) -> Result<(), Error> {
    read_whole(text, Reader::skip)
}

/// What went wrong, in serde_json's words (see its `Display`).
#[allow(missing_docs)] // each case's message says what it is
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    EofWhileParsingList,
    EofWhileParsingObject,
    EofWhileParsingString,
    EofWhileParsingValue,
    ExpectedColon,
    ExpectedListCommaOrEnd,
    ExpectedObjectCommaOrEnd,
    ExpectedSomeIdent,
    ExpectedSomeValue,
    InvalidEscape,
    InvalidNumber,
    NumberOutOfRange,
    ControlCharacterWhileParsingString,
    KeyMustBeAString,
    LoneLeadingSurrogateInHexEscape,
    TrailingComma,
    TrailingCharacters,
    UnexpectedEndOfHexEscape,
    RecursionLimitExceeded,
    DuplicateField(&'static str),
    /// A value of another type than its place takes: what was expected.
    InvalidType(&'static str),
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Code::EofWhileParsingList => "EOF while parsing a list",
            Code::EofWhileParsingObject => "EOF while parsing an object",
            Code::EofWhileParsingString => "EOF while parsing a string",
            Code::EofWhileParsingValue => "EOF while parsing a value",
            Code::ExpectedColon => "expected `:`",
            Code::ExpectedListCommaOrEnd => "expected `,` or `]`",
            Code::ExpectedObjectCommaOrEnd => "expected `,` or `}`",
            Code::ExpectedSomeIdent => "expected ident",
            Code::ExpectedSomeValue => "expected value",
            Code::InvalidEscape => "invalid escape",
            Code::InvalidNumber => "invalid number",
            Code::NumberOutOfRange => "number out of range",
            Code::ControlCharacterWhileParsingString => {
                "control character (\\u0000-\\u001F) found while parsing a string"
            }
            Code::KeyMustBeAString => "key must be a string",
            Code::LoneLeadingSurrogateInHexEscape => "lone leading surrogate in hex escape",
            Code::TrailingComma => "trailing comma",
            Code::TrailingCharacters => "trailing characters",
            Code::UnexpectedEndOfHexEscape => "unexpected end of hex escape",
            Code::RecursionLimitExceeded => "recursion limit exceeded",
            Code::DuplicateField(field) => return write!(f, "duplicate field `{field}`"),
            Code::InvalidType(expected) => return write!(f, "invalid type, expected {expected}"),
        })
    }
}

/// A JSON error and where in the text it is (1-based line, column of the byte).
/// Boxed, so that the readers' `Result`s stay one word wide on the hot path:
/// errors are rare, and every value read returns one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<ErrorAt>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct ErrorAt {
    code: Code,
    line: usize,
    column: usize,
}

impl Error {
    fn new(code: Code, line: usize, column: usize) -> Self {
        Error(Box::new(ErrorAt { code, line, column }))
    }

    /// What went wrong.
    pub fn code(&self) -> Code {
        self.0.code
    }

    /// The line, from 1.
    pub fn line(&self) -> usize {
        self.0.line
    }

    /// The column of the byte, from 1 (0 after a newline at the end).
    pub fn column(&self) -> usize {
        self.0.column
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let ErrorAt { code, line, column } = &*self.0;
        write!(f, "{code} at line {line} column {column}")
    }
}

#[cfg(test)]
mod tests;
