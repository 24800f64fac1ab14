//! A model value as events (`events::Sink`), through its serde derive: the derive is the
//! one description of the value's shape (the container definition's fields, their ECS API
//! names, which are left out when unset), and both backends write what it says, straight
//! into their output.
//!
//! Struct field names are the ECS API's camelCase (Terraform's `jsonencode` takes them as
//! they are); CloudFormation spells the same properties in PascalCase, which is the
//! camelCase name with its first letter capitalised. Map keys are user keys (Docker
//! labels, log driver and FireLens options: `awslogs-group`, `com.example.team`) and keep
//! their spelling in both. Every string is a `Scalar::Text`: nothing becomes an expression.

use std::fmt;

use serde::ser::{self, Serialize};

use super::events::{Scalar, Sink};

/// How struct field names are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyCase {
    /// As the derive names them: the ECS API's camelCase.
    Camel,
    /// First letter capitalised: CloudFormation's property names.
    Pascal,
}

/// Writes `value` to `sink`, or says why its derive asked for something a document cannot
/// hold (a map keyed by non-strings, an enum with data: none of the model's types does).
/// On an error the sink holds part of the document; the caller discards it.
pub(crate) fn write<T: Serialize + ?Sized>(
    value: &T,
    case: KeyCase,
    sink: &mut impl Sink,
) -> Result<()> {
    value.serialize(Events { sink, case })
}

#[derive(Debug)]
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Error(message.to_string())
    }
}

pub(crate) fn unsupported(what: &str) -> Error {
    Error(format!("a document cannot hold {what}"))
}

type Result<T> = std::result::Result<T, Error>;

type Names = crate::collections::HashMap<&'static str, &'static str>;

/// Struct field names in PascalCase, each made once: a container definition has a dozen
/// fields and a large spec thousands of them, each otherwise a new string. The names are
/// the derives' field names, a fixed set, so the strings kept (never freed) are bounded by
/// it; each thread remembers the ones it looked up, so threads do not contend for the lock.
static PASCAL: std::sync::Mutex<Option<Names>> = std::sync::Mutex::new(None);

/// A thread's names, by the address and length of the derive's `&'static str`: the same
/// field is the same string every time, so no text is hashed or compared on a hit.
type Seen = crate::render::address::AddressMap<&'static str>;

thread_local! {
    static PASCAL_SEEN: std::cell::RefCell<Seen> = std::cell::RefCell::default();
}

/// `name` with its first letter capitalised.
pub(crate) fn pascal(name: &'static str) -> &'static str {
    PASCAL_SEEN.with(|seen| {
        *seen
            .borrow_mut()
            .entry((name.as_ptr() as usize, name.len()))
            .or_insert_with(|| {
                let make = || -> &'static str {
                    let mut chars = name.chars();
                    let capitalised = chars.next().map_or_else(String::new, |first| {
                        first.to_ascii_uppercase().to_string() + chars.as_str()
                    });
                    Box::leak(capitalised.into_boxed_str())
                };
                match PASCAL.lock() {
                    Ok(mut all) => *all
                        .get_or_insert_with(Names::default)
                        .entry(name)
                        .or_insert_with(make),
                    // A thread panicked holding the lock (a bug elsewhere): made without it.
                    Err(_) => make(),
                }
            })
    })
}

/// The serializer: each call becomes events on `sink`.
struct Events<'k, K> {
    sink: &'k mut K,
    case: KeyCase,
}

impl<K: Sink> Events<'_, K> {
    fn scalar(self, value: Scalar<'_>) -> Result<()> {
        self.sink.scalar(value);
        Ok(())
    }

    fn number(self, number: impl Into<serde_json::Number>) -> Result<()> {
        self.scalar(Scalar::Number(number.into()))
    }

    fn reborrow(&mut self) -> Events<'_, K> {
        Events {
            sink: &mut *self.sink,
            case: self.case,
        }
    }
}

impl<'k, K: Sink> ser::Serializer for Events<'k, K> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.scalar(Scalar::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.number(v)
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.number(v)
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.number(v)
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.number(v)
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.number(v)
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.number(v)
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.number(v)
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.number(v)
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        let number = serde_json::Number::from_f64(v)
            .ok_or_else(|| unsupported("a number that is not finite"))?;
        self.scalar(Scalar::Number(number))
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.scalar(Scalar::Text(v))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<()> {
        Err(unsupported("bytes"))
    }
    fn serialize_none(self) -> Result<()> {
        self.scalar(Scalar::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        self.scalar(Scalar::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<()> {
        self.scalar(Scalar::Null)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<()> {
        Err(unsupported("an enum variant with data"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self> {
        self.sink.begin_list();
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(unsupported("an enum variant with data"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self> {
        self.sink.begin_map();
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(unsupported("an enum variant with data"))
    }
}

impl<K: Sink> ser::SerializeSeq for Events<'_, K> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(self.reborrow())
    }
    fn end(self) -> Result<()> {
        self.sink.end_list();
        Ok(())
    }
}

impl<K: Sink> ser::SerializeTuple for Events<'_, K> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<()> {
        ser::SerializeSeq::end(self)
    }
}

impl<K: Sink> ser::SerializeTupleStruct for Events<'_, K> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<()> {
        ser::SerializeSeq::end(self)
    }
}

/// A map: user keys, as they are, never substituted.
impl<K: Sink> ser::SerializeMap for Events<'_, K> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        key.serialize(Key(&mut *self.sink))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(self.reborrow())
    }
    fn end(self) -> Result<()> {
        self.sink.end_map();
        Ok(())
    }
}

/// A struct: field names, in the serializer's case.
impl<K: Sink> ser::SerializeStruct for Events<'_, K> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        self.sink.key(match self.case {
            KeyCase::Camel => name,
            KeyCase::Pascal => pascal(name),
        });
        value.serialize(self.reborrow())
    }
    fn end(self) -> Result<()> {
        self.sink.end_map();
        Ok(())
    }
}

/// A map key: whatever serializes as a string (a string, a unit variant's name), written
/// as the sink's key; anything else is refused.
struct Key<'k, K>(&'k mut K);

macro_rules! not_a_string_key {
    ($($method:ident($($argument:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $argument),*) -> Result<()> {
            Err(unsupported("a map key that is not a string"))
        })*
    };
}

impl<K: Sink> ser::Serializer for Key<'_, K> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<()> {
        self.0.key(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        self.serialize_str(variant)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }
    not_a_string_key!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
    );
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<()> {
        Err(unsupported("a map key that is not a string"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(unsupported("a map key that is not a string"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(unsupported("a map key that is not a string"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(unsupported("a map key that is not a string"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(unsupported("a map key that is not a string"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(unsupported("a map key that is not a string"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(unsupported("a map key that is not a string"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(unsupported("a map key that is not a string"))
    }
}
