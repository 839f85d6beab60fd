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

/// The fields of one object as it is read: which were seen, and whether any was
/// odd or given twice (serde's derive refuses a repeated field; so does this).
#[derive(Default)]
pub struct Fields {
    seen: u64,
    odd: bool,
}

impl Fields {
    /// Reads the value of the field whose bit is `1 << bit` into `slot`.
    pub fn read<'de, A: MapAccess<'de>, T: Accept<'de>>(
        &mut self,
        bit: u32,
        map: &mut A,
        slot: &mut Option<T>,
    ) -> Result<(), A::Error> {
        let Lenient(value) = map.next_value()?;
        self.odd |= self.seen >> bit & 1 == 1;
        self.seen |= 1 << bit;
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

/// Declares a struct read leniently from a JSON object: every field optional,
/// named as its JSON key (at most 64), other keys skipped; the struct is odd when
/// a field is (see [`Fields`]).
macro_rules! lenient_object {
    ($(#[$doc:meta])* struct $name:ident<$de:lifetime> { $($field:ident: $type:ty,)* }) => {
        $(#[$doc])*
        #[derive(Default)]
        struct $name<$de> {
            $($field: Option<$type>,)*
        }
        lenient_object!(@accept $name<$de>, $de, $($field)*);
    };
    ($(#[$doc:meta])* struct $name:ident { $($field:ident: $type:ty,)* }) => {
        $(#[$doc])*
        #[derive(Default)]
        struct $name {
            $($field: Option<$type>,)*
        }
        lenient_object!(@accept $name, 'de, $($field)*);
    };
    (@accept $type:ty, $de:lifetime, $($field:ident)*) => {
        impl<$de> $crate::discovery::lenient::Accept<$de> for $type {
            fn object<A: serde::de::MapAccess<$de>>(
                mut map: A,
            ) -> Result<Result<Self, $crate::discovery::lenient::Odd>, A::Error> {
                use $crate::discovery::lenient::Fields;
                use $crate::http::Text;
                // The fields' bits in `Fields`, in declaration order.
                #[allow(non_camel_case_types)]
                enum Bit { $($field,)* }
                let (mut object, mut fields) = (Self::default(), Fields::default());
                while let Some(Text(key)) = map.next_key()? {
                    match &*key {
                        $(stringify!($field) => {
                            fields.read(Bit::$field as u32, &mut map, &mut object.$field)?
                        })*
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(fields.finish(object))
            }
        }
    };
}
pub(crate) use lenient_object;

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
