//! Lenient reading of the `/models` entries: a field whose JSON type is not the
//! one expected (or a field given twice) marks its entry as odd instead of failing
//! the whole body. Every value is still read through, so each entry is parsed once,
//! straight from the body, with no raw copy parsed a second time.

use crate::json::{Error, Kind, Reader};
use std::borrow::Cow;

/// A value of another JSON type than its place expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Odd;

/// A value read leniently: `Ok(None)` for `null`, `Err(Odd)` for a value of a
/// type its place does not take (read through and dropped).
pub type Lenient<T> = Result<Option<T>, Odd>;

/// The value where `null` is odd too (an element of an array).
pub fn required<T>(value: Lenient<T>) -> Result<T, Odd> {
    value.and_then(|value| value.ok_or(Odd))
}

/// What a type makes of each kind of JSON value; every kind it does not take is
/// odd, and read through.
pub trait Accept<'a>: Sized {
    /// Reads a value that is not `null`, of the given kind.
    fn accept(kind: Kind, reader: &mut Reader<'a>) -> Result<Result<Self, Odd>, Error>;

    /// Reads the next value.
    fn read(reader: &mut Reader<'a>) -> Result<Lenient<Self>, Error> {
        match reader.kind()? {
            Kind::Null => reader.null().map(|()| Ok(None)),
            kind => Ok(Self::accept(kind, reader)?.map(Some)),
        }
    }
}

/// Reads through a value its place does not take.
pub fn odd<T>(reader: &mut Reader) -> Result<Result<T, Odd>, Error> {
    reader.skip()?;
    Ok(Err(Odd))
}

impl<'a> Accept<'a> for Cow<'a, str> {
    fn accept(kind: Kind, reader: &mut Reader<'a>) -> Result<Result<Self, Odd>, Error> {
        match kind {
            Kind::String => reader.string().map(Ok),
            _ => odd(reader),
        }
    }
}

impl Accept<'_> for f64 {
    fn accept(kind: Kind, reader: &mut Reader) -> Result<Result<Self, Odd>, Error> {
        match kind {
            Kind::Number => Ok(Ok(reader.number()?.as_f64())),
            _ => odd(reader),
        }
    }
}

impl Accept<'_> for bool {
    fn accept(kind: Kind, reader: &mut Reader) -> Result<Result<Self, Odd>, Error> {
        match kind {
            Kind::Bool => reader.boolean().map(Ok),
            _ => odd(reader),
        }
    }
}

impl<'a> Accept<'a> for Vec<Cow<'a, str>> {
    fn accept(kind: Kind, reader: &mut Reader<'a>) -> Result<Result<Self, Odd>, Error> {
        if kind != Kind::Array {
            return odd(reader);
        }
        let mut items = Ok(Vec::new());
        reader.array(|reader| {
            match (&mut items, required(Cow::read(reader)?)) {
                (Ok(items), Ok(item)) => items.push(item),
                (_, Err(Odd)) => items = Err(Odd),
                (Err(Odd), Ok(_)) => {}
            }
            Ok(())
        })?;
        Ok(items)
    }
}

/// The fields of one object as it is read: which were seen, and whether any was
/// odd or given twice (serde's derive refused a repeated field; so does this).
#[derive(Default)]
pub struct Fields {
    seen: u32,
    odd: bool,
}

impl Fields {
    /// Reads the value of field number `index` (below 32) into `slot`.
    pub fn read<'a, T: Accept<'a>>(
        &mut self,
        index: u32,
        reader: &mut Reader<'a>,
        slot: &mut Option<T>,
    ) -> Result<(), Error> {
        let value = T::read(reader)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: for<'a> Accept<'a>>(json: &str) -> Lenient<T> {
        T::read(&mut Reader::new(json)).unwrap()
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
        let items = Vec::<Cow<str>>::read(&mut Reader::new(text)).unwrap();
        assert_eq!(items, Ok(Some(vec!["text".into(), "image".into()])));
        let odd = Vec::<Cow<str>>::read(&mut Reader::new(r#"["text",null,"x"]"#));
        assert_eq!(odd.unwrap(), Err(Odd));
    }

    #[test]
    fn broken_json_is_still_an_error() {
        assert!(f64::read(&mut Reader::new("[1,")).is_err());
        assert!(bool::read(&mut Reader::new(r#"{"a" 1}"#)).is_err());
    }
}
