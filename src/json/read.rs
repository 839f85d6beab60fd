//! The pull reader: one pass over a JSON text, value by value, with serde_json's
//! grammar, nesting limit and error positions. Strings without escapes are
//! borrowed from the text.

use super::{Code, Error, Map, Number, RECURSION_LIMIT, Value};
use std::borrow::Cow;

/// The type of the next value, seen without reading it.
#[allow(missing_docs)] // JSON's own six
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// A reader over one JSON text.
pub struct Reader<'a> {
    text: &'a str,
    index: usize,
    depth_left: u16,
    /// The brackets [`Reader::skip`] has open, kept between calls so skipping
    /// many small values allocates once.
    skipping: Vec<u8>,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            index: 0,
            depth_left: RECURSION_LIMIT,
            skipping: Vec::new(),
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.index).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.index += 1;
        Some(byte)
    }

    /// Line and column of the byte before `index`, as serde_json counts them.
    #[cold]
    #[inline(never)]
    fn error_at(&self, code: Code, index: usize) -> Error {
        let before = &self.bytes()[..index];
        let start_of_line = memchr::memrchr(b'\n', before).map_or(0, |newline| newline + 1);
        let line = 1 + memchr::memchr_iter(b'\n', &before[..start_of_line]).count();
        Error::new(code, line, index - start_of_line)
    }

    /// An error about the byte just read.
    #[cold]
    pub fn error(&self, code: Code) -> Error {
        self.error_at(code, self.index)
    }

    /// An error about the byte about to be read.
    #[cold]
    pub fn peek_error(&self, code: Code) -> Error {
        self.error_at(code, (self.index + 1).min(self.text.len()))
    }

    /// Skips whitespace; the next byte, not read.
    fn whitespace(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.index += 1;
        }
        self.peek()
    }

    /// The type of the next value.
    pub fn kind(&mut self) -> Result<Kind, Error> {
        match self.whitespace() {
            None => Err(self.peek_error(Code::EofWhileParsingValue)),
            Some(b'n') => Ok(Kind::Null),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b'"') => Ok(Kind::String),
            Some(b'[') => Ok(Kind::Array),
            Some(b'{') => Ok(Kind::Object),
            Some(_) => Err(self.peek_error(Code::ExpectedSomeValue)),
        }
    }

    /// An error for a value of the wrong type, at the value.
    #[cold]
    pub fn invalid_type(&self, expected: &'static str) -> Error {
        self.peek_error(Code::InvalidType(expected))
    }

    fn ident(&mut self, rest: &[u8]) -> Result<(), Error> {
        self.index += 1;
        for &expected in rest {
            match self.next() {
                None => return Err(self.error(Code::EofWhileParsingValue)),
                Some(byte) if byte != expected => return Err(self.error(Code::ExpectedSomeIdent)),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Reads `null` (the next value must be of [`Kind::Null`]).
    pub fn null(&mut self) -> Result<(), Error> {
        self.ident(b"ull")
    }

    /// Reads `true` or `false` (the next value must be of [`Kind::Bool`]).
    pub fn boolean(&mut self) -> Result<bool, Error> {
        if self.peek() == Some(b't') {
            self.ident(b"rue").map(|()| true)
        } else {
            self.ident(b"alse").map(|()| false)
        }
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.index += 1;
        }
    }

    /// Reads a number (the next value must be of [`Kind::Number`]).
    pub fn number(&mut self) -> Result<Number, Error> {
        let start = self.index;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.index += 1;
        }
        // The digits, accumulated as they are scanned while they surely fit
        // (`exact` turns false past that: the text is then parsed whole), and
        // the power of ten they are to be scaled by.
        let (mut significand, mut exact, mut scale) = (0u64, true, 0i32);
        let mut push = |digit: u8, significand: &mut u64| {
            if *significand < (u64::MAX - 9) / 10 {
                *significand = *significand * 10 + u64::from(digit - b'0');
            } else {
                exact = false;
            }
        };
        match self.next() {
            None => return Err(self.error(Code::EofWhileParsingValue)),
            Some(b'0') => {
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.peek_error(Code::InvalidNumber));
                }
            }
            Some(digit @ b'1'..=b'9') => {
                push(digit, &mut significand);
                while let Some(digit @ b'0'..=b'9') = self.peek() {
                    self.index += 1;
                    push(digit, &mut significand);
                }
            }
            Some(_) => return Err(self.error(Code::InvalidNumber)),
        }
        let integer_end = self.index;
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            is_float = true;
            self.index += 1;
            match self.peek() {
                Some(b'0'..=b'9') => {}
                Some(_) => return Err(self.peek_error(Code::InvalidNumber)),
                None => return Err(self.peek_error(Code::EofWhileParsingValue)),
            }
            while let Some(digit @ b'0'..=b'9') = self.peek() {
                self.index += 1;
                push(digit, &mut significand);
                scale -= 1;
            }
        }
        let mantissa_end = self.index;
        if let Some(b'e' | b'E') = self.peek() {
            is_float = true;
            self.index += 1;
            let positive_exponent = match self.peek() {
                Some(b'+') => {
                    self.index += 1;
                    true
                }
                Some(b'-') => {
                    self.index += 1;
                    false
                }
                _ => true,
            };
            let mut exponent: i32 = match self.next() {
                None => return Err(self.error(Code::EofWhileParsingValue)),
                Some(digit @ b'0'..=b'9') => i32::from(digit - b'0'),
                Some(_) => return Err(self.error(Code::InvalidNumber)),
            };
            while let Some(digit @ b'0'..=b'9') = self.peek() {
                self.index += 1;
                exponent = match exponent
                    .checked_mul(10)
                    .and_then(|e| e.checked_add(i32::from(digit - b'0')))
                {
                    Some(exponent) => exponent,
                    None => {
                        // serde_json refuses a huge exponent of a non-zero number
                        // where it overflows; past that, the number is zero.
                        let mantissa = &self.bytes()[start..mantissa_end];
                        let zero = mantissa.iter().all(|b| matches!(b, b'0' | b'.' | b'-'));
                        if positive_exponent && !zero {
                            return Err(self.error(Code::NumberOutOfRange));
                        }
                        self.digits();
                        return Ok(Number::Float(if negative { -0.0 } else { 0.0 }));
                    }
                };
            }
            scale = if positive_exponent {
                scale.saturating_add(exponent)
            } else {
                scale.saturating_sub(exponent)
            };
        }
        if !is_float {
            let magnitude = if exact {
                Some(significand)
            } else {
                self.text[start + usize::from(negative)..integer_end]
                    .parse()
                    .ok()
            };
            match magnitude {
                Some(n) if !negative => return Ok(Number::PosInt(n)),
                Some(n) => {
                    let negated = (n as i64).wrapping_neg();
                    return Ok(if negated >= 0 {
                        Number::Float(-(n as f64))
                    } else {
                        Number::NegInt(negated)
                    });
                }
                None => {}
            }
        }
        // Clinger's fast path: a significand and a power of ten that are both
        // exact as f64 give the correctly rounded result in one operation.
        const POWERS: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        if exact && significand <= 1 << 53 && (-22..=22).contains(&scale) {
            let magnitude = significand as f64;
            let power = POWERS[scale.unsigned_abs() as usize];
            let value = if scale < 0 {
                magnitude / power
            } else {
                magnitude * power
            };
            return Ok(Number::Float(if negative { -value } else { value }));
        }
        match self.text[start..self.index].parse::<f64>() {
            Ok(float) if float.is_finite() => Ok(Number::Float(float)),
            _ => Err(self.error(Code::NumberOutOfRange)),
        }
    }

    /// Advances to the next `"`, `\` or control character in a string.
    fn skip_to_escape(&mut self) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        let has_zero_byte = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
        let bytes = self.bytes();
        let mut index = self.index;
        // Eight bytes at a time: a word with no quote, backslash or byte below
        // 0x20 is skipped whole.
        while let Some(chunk) = bytes.get(index..index + 8) {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            let word = u64::from_le_bytes(word);
            let stops = has_zero_byte(word ^ (ONES * u64::from(b'"')))
                | has_zero_byte(word ^ (ONES * u64::from(b'\\')))
                | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
            if stops != 0 {
                break;
            }
            index += 8;
        }
        while let Some(&byte) = bytes.get(index) {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                break;
            }
            index += 1;
        }
        self.index = index;
    }

    fn hex_escape(&mut self) -> Result<u16, Error> {
        let Some(digits) = self.bytes().get(self.index..self.index + 4) else {
            self.index = self.text.len();
            return Err(self.error(Code::EofWhileParsingString));
        };
        self.index += 4;
        digits
            .iter()
            .try_fold(0u16, |n, &digit| {
                let value = (digit as char).to_digit(16)?;
                Some(n << 4 | value as u16)
            })
            .ok_or_else(|| self.error(Code::InvalidEscape))
    }

    fn escape(&mut self, out: &mut String) -> Result<(), Error> {
        let Some(byte) = self.next() else {
            return Err(self.error(Code::EofWhileParsingString));
        };
        let unit = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(self.error(Code::InvalidEscape)),
        };
        out.push(unit);
        Ok(())
    }

    fn unicode_escape(&mut self) -> Result<char, Error> {
        let first = self.hex_escape()?;
        if (0xDC00..=0xDFFF).contains(&first) {
            return Err(self.error(Code::LoneLeadingSurrogateInHexEscape));
        }
        if !(0xD800..=0xDBFF).contains(&first) {
            return char::from_u32(u32::from(first)).ok_or_else(|| self.error(Code::InvalidEscape));
        }
        for expected in [b'\\', b'u'] {
            match self.peek() {
                None => return Err(self.error(Code::EofWhileParsingString)),
                Some(byte) => {
                    self.index += 1;
                    if byte != expected {
                        return Err(self.error(Code::UnexpectedEndOfHexEscape));
                    }
                }
            }
        }
        let second = self.hex_escape()?;
        if !(0xDC00..=0xDFFF).contains(&second) {
            return Err(self.error(Code::LoneLeadingSurrogateInHexEscape));
        }
        let scalar = 0x1_0000 + ((u32::from(first) - 0xD800) << 10 | (u32::from(second) - 0xDC00));
        char::from_u32(scalar).ok_or_else(|| self.error(Code::InvalidEscape))
    }

    /// Reads a string (the next value must be of [`Kind::String`]), borrowed
    /// from the text when it has no escapes.
    pub fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        self.index += 1;
        let mut start = self.index;
        let mut copied: Option<String> = None;
        loop {
            self.skip_to_escape();
            match self.peek() {
                None => return Err(self.error(Code::EofWhileParsingString)),
                Some(b'"') => {
                    let run = &self.text[start..self.index];
                    self.index += 1;
                    return Ok(match copied {
                        None => Cow::Borrowed(run),
                        Some(mut text) => {
                            text.push_str(run);
                            Cow::Owned(text)
                        }
                    });
                }
                Some(b'\\') => {
                    let text = copied.get_or_insert_with(String::new);
                    text.push_str(&self.text[start..self.index]);
                    self.index += 1;
                    self.escape(text)?;
                    start = self.index;
                }
                Some(_) => {
                    self.index += 1;
                    return Err(self.error(Code::ControlCharacterWhileParsingString));
                }
            }
        }
    }

    /// Skips a string, checking its escapes as serde_json does when it ignores
    /// one (surrogates are not paired up).
    fn skip_string(&mut self) -> Result<(), Error> {
        self.index += 1;
        loop {
            self.skip_to_escape();
            match self.peek() {
                None => return Err(self.error(Code::EofWhileParsingString)),
                Some(b'"') => {
                    self.index += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.index += 1;
                    match self.next() {
                        None => return Err(self.error(Code::EofWhileParsingString)),
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                        Some(b'u') => {
                            self.hex_escape()?;
                        }
                        Some(_) => return Err(self.error(Code::InvalidEscape)),
                    }
                }
                Some(_) => return Err(self.error(Code::ControlCharacterWhileParsingString)),
            }
        }
    }

    /// Steps into an array or object, refusing the 128th level as serde_json does.
    fn enter(&mut self) -> Result<(), Error> {
        if self.depth_left <= 1 {
            return Err(self.peek_error(Code::RecursionLimitExceeded));
        }
        self.depth_left -= 1;
        self.index += 1;
        Ok(())
    }

    /// Reads an array (the next value must be of [`Kind::Array`]), calling
    /// `element` to read or skip each element.
    pub fn array(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.enter()?;
        let mut first = true;
        loop {
            match self.whitespace() {
                None => return Err(self.peek_error(Code::EofWhileParsingList)),
                Some(b']') => break,
                Some(_) if first => first = false,
                Some(b',') => {
                    self.index += 1;
                    match self.whitespace() {
                        Some(b']') => return Err(self.peek_error(Code::TrailingComma)),
                        Some(_) => {}
                        None => return Err(self.peek_error(Code::EofWhileParsingValue)),
                    }
                }
                Some(_) => return Err(self.peek_error(Code::ExpectedListCommaOrEnd)),
            }
            element(self)?;
        }
        self.index += 1;
        self.depth_left += 1;
        Ok(())
    }

    /// Reads an object (the next value must be of [`Kind::Object`]), calling
    /// `member` with each key to read or skip its value.
    pub fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.enter()?;
        let mut first = true;
        loop {
            match self.whitespace() {
                None => return Err(self.peek_error(Code::EofWhileParsingObject)),
                Some(b'}') => break,
                Some(b'"') if first => first = false,
                Some(_) if first => return Err(self.peek_error(Code::KeyMustBeAString)),
                Some(b',') => {
                    self.index += 1;
                    match self.whitespace() {
                        Some(b'"') => {}
                        Some(b'}') => return Err(self.peek_error(Code::TrailingComma)),
                        Some(_) => return Err(self.peek_error(Code::KeyMustBeAString)),
                        None => return Err(self.peek_error(Code::EofWhileParsingValue)),
                    }
                }
                Some(_) => return Err(self.peek_error(Code::ExpectedObjectCommaOrEnd)),
            }
            let key = self.string()?;
            match self.whitespace() {
                Some(b':') => self.index += 1,
                Some(_) => return Err(self.peek_error(Code::ExpectedColon)),
                None => return Err(self.peek_error(Code::EofWhileParsingObject)),
            }
            member(self, key)?;
        }
        self.index += 1;
        self.depth_left += 1;
        Ok(())
    }

    /// Reads through one value of any type, building nothing. Like serde_json's
    /// `IgnoredAny`, it keeps its own stack of open brackets, so it has no
    /// nesting limit and no recursion.
    pub fn skip(&mut self) -> Result<(), Error> {
        let mut open = std::mem::take(&mut self.skipping);
        open.clear();
        let skipped = self.skip_with(&mut open);
        self.skipping = open;
        skipped
    }

    fn skip_with(&mut self, open: &mut Vec<u8>) -> Result<(), Error> {
        loop {
            // A value.
            match self.kind()? {
                Kind::Null => self.null()?,
                Kind::Bool => {
                    self.boolean()?;
                }
                Kind::Number => self.skip_number()?,
                Kind::String => self.skip_string()?,
                Kind::Array | Kind::Object => {
                    let bracket = self.bytes()[self.index];
                    self.index += 1;
                    let close = if bracket == b'[' { b']' } else { b'}' };
                    match self.whitespace() {
                        Some(byte) if byte == close => self.index += 1,
                        None if bracket == b'[' => {
                            return Err(self.peek_error(Code::EofWhileParsingList));
                        }
                        None => return Err(self.peek_error(Code::EofWhileParsingObject)),
                        Some(_) => {
                            open.push(bracket);
                            if bracket == b'{' {
                                self.skip_key()?;
                            }
                            continue;
                        }
                    }
                }
            }
            // What follows it: a comma and the next value, or closing brackets.
            loop {
                let Some(&bracket) = open.last() else {
                    return Ok(());
                };
                let close = if bracket == b'[' { b']' } else { b'}' };
                match self.whitespace() {
                    Some(b',') => {
                        self.index += 1;
                        if bracket == b'{' {
                            self.skip_key()?;
                        }
                        break;
                    }
                    Some(byte) if byte == close => {
                        self.index += 1;
                        open.pop();
                    }
                    Some(_) if bracket == b'[' => {
                        return Err(self.peek_error(Code::ExpectedListCommaOrEnd));
                    }
                    Some(_) => return Err(self.peek_error(Code::ExpectedObjectCommaOrEnd)),
                    None if bracket == b'[' => {
                        return Err(self.peek_error(Code::EofWhileParsingList));
                    }
                    None => return Err(self.peek_error(Code::EofWhileParsingObject)),
                }
            }
        }
    }

    /// A key and its colon inside [`Reader::skip`].
    fn skip_key(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(b'"') => self.skip_string()?,
            Some(_) => return Err(self.peek_error(Code::KeyMustBeAString)),
            None => return Err(self.peek_error(Code::EofWhileParsingObject)),
        }
        match self.whitespace() {
            Some(b':') => {
                self.index += 1;
                Ok(())
            }
            Some(_) => Err(self.peek_error(Code::ExpectedColon)),
            None => Err(self.peek_error(Code::EofWhileParsingObject)),
        }
    }

    /// Reads through a number, checking its grammar but not its range. As in
    /// serde_json's `IgnoredAny`, a number cut off by the end of the text is an
    /// invalid number rather than an end of file.
    fn skip_number(&mut self) -> Result<(), Error> {
        if self.peek() == Some(b'-') {
            self.index += 1;
        }
        match self.next() {
            Some(b'0') => {
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.peek_error(Code::InvalidNumber));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error(Code::InvalidNumber)),
        }
        if self.peek() == Some(b'.') {
            self.index += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.peek_error(Code::InvalidNumber));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.index += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.index += 1;
            }
            match self.next() {
                Some(b'0'..=b'9') => self.digits(),
                _ => return Err(self.error(Code::InvalidNumber)),
            }
        }
        Ok(())
    }

    /// Reads a whole value into a tree.
    pub fn value(&mut self) -> Result<Value, Error> {
        Ok(match self.kind()? {
            Kind::Null => {
                self.null()?;
                Value::Null
            }
            Kind::Bool => Value::Bool(self.boolean()?),
            Kind::Number => Value::Number(self.number()?),
            Kind::String => Value::String(self.string()?.into_owned()),
            Kind::Array => {
                let mut items = Vec::new();
                self.array(|reader| {
                    items.push(reader.value()?);
                    Ok(())
                })?;
                Value::Array(items)
            }
            Kind::Object => {
                let mut members = Vec::new();
                self.object(|reader, key| {
                    members.push((key.into_owned(), reader.value()?));
                    Ok(())
                })?;
                Value::Object(Map::from_members(members))
            }
        })
    }

    /// Checks that only whitespace follows the value read.
    pub fn finish(&mut self) -> Result<(), Error> {
        match self.whitespace() {
            Some(_) => Err(self.peek_error(Code::TrailingCharacters)),
            None => Ok(()),
        }
    }

    /// A string or `null` (`None`); any other type is an error.
    pub fn optional_string(&mut self) -> Result<Option<Cow<'a, str>>, Error> {
        match self.kind()? {
            Kind::Null => self.null().map(|()| None),
            Kind::String => self.string().map(Some),
            _ => Err(self.invalid_type("a string")),
        }
    }

    /// An unsigned integer or `null` (`None`); any other value is an error.
    pub fn optional_u64(&mut self) -> Result<Option<u64>, Error> {
        match self.kind()? {
            Kind::Null => self.null().map(|()| None),
            Kind::Number => match self.number()? {
                Number::PosInt(n) => Ok(Some(n)),
                _ => Err(self.error(Code::InvalidType("an unsigned integer"))),
            },
            _ => Err(self.invalid_type("an unsigned integer")),
        }
    }

    /// `None` for `null`, otherwise what `read` reads.
    pub fn nullable<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        if self.kind()? == Kind::Null {
            return self.null().map(|()| None);
        }
        read(self).map(Some)
    }

    /// An array, each element read by `item`; any other type is an error.
    pub fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        if self.kind()? != Kind::Array {
            return Err(self.invalid_type("an array"));
        }
        let mut items = Vec::new();
        self.array(|reader| {
            items.push(item(reader)?);
            Ok(())
        })?;
        Ok(items)
    }

    /// An object read as a struct with the fields `names`, as serde's derive
    /// reads one: `member` gets each known field's index to read its value,
    /// other keys are skipped, and a field given twice or a value that is not an
    /// object is an error.
    pub fn fields(
        &mut self,
        expected: &'static str,
        names: &[&'static str],
        mut member: impl FnMut(&mut Self, usize) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if self.kind()? != Kind::Object {
            return Err(self.invalid_type(expected));
        }
        let mut seen = 0u32;
        self.object(|reader, key| {
            let Some(index) = names.iter().position(|name| *name == key) else {
                return reader.skip();
            };
            if seen & 1 << index != 0 {
                return Err(reader.error(Code::DuplicateField(names[index])));
            }
            seen |= 1 << index;
            member(reader, index)
        })
    }
}
