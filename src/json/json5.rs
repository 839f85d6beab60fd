//! JSON5 documents into a [`Value`], through the `json5` crate. Its parser is
//! reached through serde, so this is the one serde visitor the core keeps.

use super::{Map, Number, Value};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Parses a JSON5 text; the error is the `json5` crate's message.
pub fn parse_json5(text: &str) -> Result<Value, String> {
    json5::from_str::<Json5Value>(text)
        .map(|Json5Value(value)| value)
        .map_err(|e| e.to_string())
}

struct Json5Value(Value);

impl<'de> Deserialize<'de> for Json5Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(Json5Value)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON5 value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(if value < 0 {
            Number::NegInt(value)
        } else {
            Number::PosInt(value as u64)
        }))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(Number::PosInt(value)))
    }

    /// `Infinity` and `NaN` have no JSON form: they become `null`, as they did
    /// through serde_json's `Value`.
    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(if value.is_finite() {
            Value::Number(Number::Float(value))
        } else {
            Value::Null
        })
    }

    fn visit_str<E>(self, text: &str) -> Result<Value, E> {
        Ok(Value::String(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Value, E> {
        Ok(Value::String(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Json5Value(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Vec::new();
        while let Some((key, Json5Value(value))) = map.next_entry::<String, Json5Value>()? {
            members.push((key, value));
        }
        Ok(Value::Object(Map::from_members(members)))
    }
}
