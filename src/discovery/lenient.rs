//! Lenient reading of the `/models` entries: a field whose JSON type is not the
//! one expected (or a field given twice) marks its entry as odd instead of failing
//! the whole body. Every value is still read through, so each entry is parsed once,
//! straight from the body, with no raw copy parsed a second time.

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A value of another JSON type than its place expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Odd;

/// A JSON value read leniently: `Ok(None)` for `null`, `Err(Odd)` for a value
/// of a type `T` does not take (read through and dropped).
pub struct Lenient<T>(pub Result<Option<T>, Odd>);

impl<T> Lenient<T> {
    /// The value where `null` is odd too (an element of an array).
    pub fn required(self) -> Result<T, Odd> {
        self.0.and_then(|value| value.ok_or(Odd))
    }
}

/// What a type makes of each kind of JSON value; every kind it does not take is
/// odd. Arrays and objects are read through either way.
pub trait Accept<'de>: Sized {
    fn string(_: Cow<'de, str>) -> Option<Self> {
        None
    }

    fn number(_: f64) -> Option<Self> {
        None
    }

    fn boolean(_: bool) -> Option<Self> {
        None
    }

    fn array<A: SeqAccess<'de>>(mut seq: A) -> Result<Result<Self, Odd>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(Odd))
    }

    fn object<A: MapAccess<'de>>(mut map: A) -> Result<Result<Self, Odd>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err(Odd))
    }
}

impl<'de> Accept<'de> for Cow<'de, str> {
    fn string(text: Cow<'de, str>) -> Option<Self> {
        Some(text)
    }
}

impl<'de> Accept<'de> for f64 {
    fn number(number: f64) -> Option<Self> {
        Some(number)
    }
}

impl<'de> Accept<'de> for bool {
    fn boolean(value: bool) -> Option<Self> {
        Some(value)
    }
}

impl<'de> Accept<'de> for Vec<Cow<'de, str>> {
    fn array<A: SeqAccess<'de>>(mut seq: A) -> Result<Result<Self, Odd>, A::Error> {
        let mut items = Ok(Vec::new());
        while let Some(item) = seq.next_element::<Lenient<Cow<'de, str>>>()? {
            match (&mut items, item.required()) {
                (Ok(items), Ok(item)) => items.push(item),
                (_, Err(Odd)) => items = Err(Odd),
                (Err(Odd), Ok(_)) => {}
            }
        }
        Ok(items)
    }
}

impl<'de, T: Accept<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor(PhantomData))
    }
}

struct LenientVisitor<T>(PhantomData<T>);

fn taken<T>(value: Option<T>) -> Lenient<T> {
    Lenient(value.map(Some).ok_or(Odd))
}

impl<'de, T: Accept<'de>> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Lenient<T>, E> {
        Ok(Lenient(Ok(None)))
    }

    fn visit_bool<E>(self, value: bool) -> Result<Lenient<T>, E> {
        Ok(taken(T::boolean(value)))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Lenient<T>, E> {
        Ok(taken(T::number(value as f64)))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Lenient<T>, E> {
        Ok(taken(T::number(value as f64)))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Lenient<T>, E> {
        Ok(taken(T::number(value)))
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Lenient<T>, E> {
        Ok(taken(T::string(Cow::Borrowed(text))))
    }

    fn visit_str<E>(self, text: &str) -> Result<Lenient<T>, E> {
        Ok(taken(T::string(Cow::Owned(text.to_owned()))))
    }

    fn visit_string<E>(self, text: String) -> Result<Lenient<T>, E> {
        Ok(taken(T::string(Cow::Owned(text))))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Lenient<T>, A::Error> {
        Ok(Lenient(T::array(seq)?.map(Some)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Lenient<T>, A::Error> {
        Ok(Lenient(T::object(map)?.map(Some)))
    }
}

/// An object's key, borrowed from the body when it has no escapes.
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }

    fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key)))
    }
}

/// The fields of one object as it is read: which were seen, and whether any was
/// odd or given twice (serde's derive refuses a repeated field; so does this).
#[derive(Default)]
pub struct Fields {
    seen: u32,
    odd: bool,
}

impl Fields {
    /// Reads the value of field number `index` (below 32) into `slot`.
    pub fn read<'de, A: MapAccess<'de>, T: Accept<'de>>(
        &mut self,
        index: u32,
        map: &mut A,
        slot: &mut Option<T>,
    ) -> Result<(), A::Error> {
        let Lenient(value) = map.next_value()?;
        let bit = 1 << index;
        self.odd |= self.seen & bit != 0;
        self.seen |= bit;
        match value {
            Ok(value) => *slot = value,
            Err(Odd) => self.odd = true,
        }
        Ok(())
    }

    /// The object read, unless a field was odd.
    pub fn finish<T>(self, object: T) -> Result<T, Odd> {
        if self.odd { Err(Odd) } else { Ok(object) }
    }
}

/// Skips the value of a field that is not read.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: for<'de> Accept<'de>>(json: &str) -> Result<Option<T>, Odd> {
        serde_json::from_str::<Lenient<T>>(json).unwrap().0
    }

    #[test]
    fn takes_its_own_type_and_marks_the_rest_odd() {
        assert_eq!(read::<f64>("12"), Ok(Some(12.0)));
        assert_eq!(read::<f64>("-1.5"), Ok(Some(-1.5)));
        assert_eq!(read::<f64>("null"), Ok(None));
        assert_eq!(read::<f64>(r#""12""#), Err(Odd));
        assert_eq!(read::<bool>("true"), Ok(Some(true)));
        assert_eq!(read::<bool>(r#"{"a":[1,{"b":2}]}"#), Err(Odd));
        assert_eq!(read::<bool>("[1,[2,3]]"), Err(Odd));
    }

    #[test]
    fn string_arrays_are_odd_when_one_element_is() {
        let text = r#"["text","im\u0061ge"]"#;
        let items = serde_json::from_str::<Lenient<Vec<Cow<str>>>>(text).unwrap();
        assert_eq!(items.0, Ok(Some(vec!["text".into(), "image".into()])));
        let odd = serde_json::from_str::<Lenient<Vec<Cow<str>>>>(r#"["text",null,"x"]"#);
        assert_eq!(odd.unwrap().0, Err(Odd));
    }

    #[test]
    fn broken_json_is_still_an_error() {
        assert!(serde_json::from_str::<Lenient<f64>>("[1,").is_err());
        assert!(serde_json::from_str::<Lenient<bool>>(r#"{"a" 1}"#).is_err());
    }
}
