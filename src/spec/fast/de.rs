//! serde reads the fast path's tree the way it reads the `toml` crate's: strings, `i64`,
//! booleans, sequences, maps, and unit enum variants spelled as strings.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::tree::{Table, Value};

/// Why serde stopped; the slow path will say it properly, located.
#[derive(Debug)]
pub(super) struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to the toml crate")
    }
}

impl std::error::Error for Refused {}

impl de::Error for Refused {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Refused
    }
}

pub(super) struct TableDeserializer<'t, 'a>(pub &'t Table<'a>);

pub(super) struct ValueDeserializer<'t, 'a>(pub &'t Value<'a>);

struct Entries<'t, 'a> {
    entries: std::slice::Iter<'t, (std::borrow::Cow<'a, str>, Value<'a>)>,
    value: Option<&'t Value<'a>>,
}

impl<'de> MapAccess<'de> for Entries<'_, '_> {
    type Error = Refused;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Refused> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                let key: &str = key;
                seed.deserialize(key.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Refused> {
        let value = self.value.take().ok_or(Refused)?;
        seed.deserialize(ValueDeserializer(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct Items<'t, 'a>(std::slice::Iter<'t, Value<'a>>);

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = Refused;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Refused> {
        match self.0.next() {
            Some(value) => seed.deserialize(ValueDeserializer(value)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

fn entries<'t, 'a>(table: &'t Table<'a>) -> Entries<'t, 'a> {
    Entries {
        entries: table.entries().iter(),
        value: None,
    }
}

impl<'de> de::Deserializer<'de> for TableDeserializer<'_, '_> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        visitor.visit_map(entries(self.0))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'_, '_> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self.0 {
            Value::String(text) => visitor.visit_str(text),
            Value::Integer(number) => visitor.visit_i64(*number),
            Value::Boolean(flag) => visitor.visit_bool(*flag),
            Value::Array(items, _) => visitor.visit_seq(Items(items.iter())),
            Value::Table(table) => visitor.visit_map(entries(table)),
        }
    }

    // A present key is `Some`: TOML has no null.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refused> {
        visitor.visit_newtype_struct(self)
    }

    // serde's derived structs also accept a sequence of their fields (`limits = [26]`);
    // the structural check refuses that, so the fast path must too.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        match self.0 {
            Value::Table(table) => visitor.visit_map(entries(table)),
            _ => Err(Refused),
        }
    }

    // Unit variants only, written as strings (`mode = "tagged"`); anything else is refused.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        match self.0 {
            Value::String(text) => {
                let text: &str = text;
                visitor.visit_enum(text.into_deserializer())
            }
            _ => Err(Refused),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}
