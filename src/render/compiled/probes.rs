//! The serializers `compiled` asks what a context value is worth: printed (`Printer`),
//! true or false (`Truthy`), its length (`Length`), its items joined (`Joiner`). Each
//! answers as Tera's `Value` made from the same serialization would.

use std::fmt::Write as _;

use serde::ser::{self, Impossible, Serialize};

#[derive(Debug)]
pub(crate) struct Unsupported(String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<M: std::fmt::Display>(message: M) -> Self {
        Unsupported(message.to_string())
    }
}

fn unsupported<T>(what: &str) -> Result<T, Unsupported> {
    Err(Unsupported(format!(
        "a compiled template cannot use {what} here"
    )))
}

/// The serializer methods a probe refuses: compound values and the rare scalars.
macro_rules! refuse_compound {
    () => {
        type SerializeSeq = Impossible<Self::Ok, Unsupported>;
        type SerializeTuple = Impossible<Self::Ok, Unsupported>;
        type SerializeTupleStruct = Impossible<Self::Ok, Unsupported>;
        type SerializeTupleVariant = Impossible<Self::Ok, Unsupported>;
        type SerializeMap = Impossible<Self::Ok, Unsupported>;
        type SerializeStruct = Impossible<Self::Ok, Unsupported>;
        type SerializeStructVariant = Impossible<Self::Ok, Unsupported>;
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
            unsupported("a list")
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
            unsupported("a tuple")
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Unsupported> {
            unsupported("a tuple")
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Unsupported> {
            unsupported("a tuple")
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
            unsupported("a map")
        }
        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, Unsupported> {
            unsupported("a map")
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Unsupported> {
            unsupported("a map")
        }
    };
}

/// Scalars every probe takes as another: numbers as `i64`/`u64`.
macro_rules! forward_numbers {
    () => {
        fn serialize_i8(self, v: i8) -> Result<Self::Ok, Unsupported> {
            self.serialize_i64(v.into())
        }
        fn serialize_i16(self, v: i16) -> Result<Self::Ok, Unsupported> {
            self.serialize_i64(v.into())
        }
        fn serialize_i32(self, v: i32) -> Result<Self::Ok, Unsupported> {
            self.serialize_i64(v.into())
        }
        fn serialize_u8(self, v: u8) -> Result<Self::Ok, Unsupported> {
            self.serialize_u64(v.into())
        }
        fn serialize_u16(self, v: u16) -> Result<Self::Ok, Unsupported> {
            self.serialize_u64(v.into())
        }
        fn serialize_u32(self, v: u32) -> Result<Self::Ok, Unsupported> {
            self.serialize_u64(v.into())
        }
        fn serialize_f32(self, _: f32) -> Result<Self::Ok, Unsupported> {
            unsupported("a float")
        }
        fn serialize_f64(self, _: f64) -> Result<Self::Ok, Unsupported> {
            unsupported("a float")
        }
        fn serialize_char(self, v: char) -> Result<Self::Ok, Unsupported> {
            self.serialize_str(v.encode_utf8(&mut [0; 4]))
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Unsupported> {
            unsupported("bytes")
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Unsupported> {
            self.serialize_unit()
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
        ) -> Result<Self::Ok, Unsupported> {
            self.serialize_str(variant)
        }
        fn serialize_newtype_struct<V: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &V,
        ) -> Result<Self::Ok, Unsupported> {
            value.serialize(self)
        }
        fn serialize_newtype_variant<V: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &V,
        ) -> Result<Self::Ok, Unsupported> {
            unsupported("an enum")
        }
        fn serialize_some<V: Serialize + ?Sized>(self, value: &V) -> Result<Self::Ok, Unsupported> {
            value.serialize(self)
        }
    };
}

/// Writes a scalar as Tera prints it.
pub(super) struct Printer<'o> {
    pub(super) out: &'o mut String,
}

impl ser::Serializer for Printer<'_> {
    type Ok = ();
    type Error = Unsupported;
    refuse_compound!();
    forward_numbers!();

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        let _ = write!(self.out, "{v}");
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        let _ = write!(self.out, "{v}");
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.out.push_str(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        unsupported("none")
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        unsupported("none")
    }
    fn collect_str<V: std::fmt::Display + ?Sized>(self, value: &V) -> Result<(), Unsupported> {
        let _ = write!(self.out, "{value}");
        Ok(())
    }
}

/// Tera's `Value::is_truthy` of what a value serializes to.
pub(super) struct Truthy;

impl ser::Serializer for Truthy {
    type Ok = bool;
    type Error = Unsupported;
    type SerializeSeq = Count<bool>;
    type SerializeTuple = Count<bool>;
    type SerializeTupleStruct = Count<bool>;
    type SerializeTupleVariant = Impossible<bool, Unsupported>;
    type SerializeMap = Count<bool>;
    type SerializeStruct = Count<bool>;
    type SerializeStructVariant = Impossible<bool, Unsupported>;
    forward_numbers!();

    fn serialize_bool(self, v: bool) -> Result<bool, Unsupported> {
        Ok(v)
    }
    fn serialize_i64(self, v: i64) -> Result<bool, Unsupported> {
        Ok(v != 0)
    }
    fn serialize_u64(self, v: u64) -> Result<bool, Unsupported> {
        Ok(v != 0)
    }
    fn serialize_str(self, v: &str) -> Result<bool, Unsupported> {
        Ok(!v.is_empty())
    }
    fn serialize_none(self) -> Result<bool, Unsupported> {
        Ok(false)
    }
    fn serialize_unit(self) -> Result<bool, Unsupported> {
        Ok(false)
    }
    fn collect_str<V: std::fmt::Display + ?Sized>(self, value: &V) -> Result<bool, Unsupported> {
        Ok(!value.to_string().is_empty())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Count<bool>, Unsupported> {
        Ok(Count::new(|count| count > 0))
    }
    fn serialize_tuple(self, _: usize) -> Result<Count<bool>, Unsupported> {
        Ok(Count::new(|count| count > 0))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Count<bool>, Unsupported> {
        Ok(Count::new(|count| count > 0))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        unsupported("an enum")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Count<bool>, Unsupported> {
        Ok(Count::new(|count| count > 0))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Count<bool>, Unsupported> {
        Ok(Count::new(|count| count > 0))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        unsupported("an enum")
    }
}

/// Tera's `length` of what a value serializes to.
pub(super) struct Length;

impl ser::Serializer for Length {
    type Ok = usize;
    type Error = Unsupported;
    type SerializeSeq = Count<usize>;
    type SerializeTuple = Count<usize>;
    type SerializeTupleStruct = Count<usize>;
    type SerializeTupleVariant = Impossible<usize, Unsupported>;
    type SerializeMap = Count<usize>;
    type SerializeStruct = Count<usize>;
    type SerializeStructVariant = Impossible<usize, Unsupported>;
    forward_numbers!();

    fn serialize_bool(self, _: bool) -> Result<usize, Unsupported> {
        unsupported("the length of a boolean")
    }
    fn serialize_i64(self, _: i64) -> Result<usize, Unsupported> {
        unsupported("the length of a number")
    }
    fn serialize_u64(self, _: u64) -> Result<usize, Unsupported> {
        unsupported("the length of a number")
    }
    // Characters, as Tera without its `unicode` feature counts them.
    fn serialize_str(self, v: &str) -> Result<usize, Unsupported> {
        Ok(v.chars().count())
    }
    fn serialize_none(self) -> Result<usize, Unsupported> {
        unsupported("the length of none")
    }
    fn serialize_unit(self) -> Result<usize, Unsupported> {
        unsupported("the length of none")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Count<usize>, Unsupported> {
        Ok(Count::new(|count| count))
    }
    fn serialize_tuple(self, _: usize) -> Result<Count<usize>, Unsupported> {
        Ok(Count::new(|count| count))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Count<usize>, Unsupported> {
        Ok(Count::new(|count| count))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        unsupported("an enum")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Count<usize>, Unsupported> {
        Ok(Count::new(|count| count))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Count<usize>, Unsupported> {
        Ok(Count::new(|count| count))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        unsupported("an enum")
    }
}

/// Counts the elements or fields a compound value serializes (a field skipped when
/// `None` is never serialized, as Tera's context never holds it).
pub(super) struct Count<R> {
    count: usize,
    result: fn(usize) -> R,
}

impl<R> Count<R> {
    fn new(result: fn(usize) -> R) -> Self {
        Count { count: 0, result }
    }
}

impl<R> ser::SerializeSeq for Count<R> {
    type Ok = R;
    type Error = Unsupported;
    fn serialize_element<V: Serialize + ?Sized>(&mut self, _: &V) -> Result<(), Unsupported> {
        self.count += 1;
        Ok(())
    }
    fn end(self) -> Result<R, Unsupported> {
        Ok((self.result)(self.count))
    }
}

impl<R> ser::SerializeTuple for Count<R> {
    type Ok = R;
    type Error = Unsupported;
    fn serialize_element<V: Serialize + ?Sized>(&mut self, _: &V) -> Result<(), Unsupported> {
        self.count += 1;
        Ok(())
    }
    fn end(self) -> Result<R, Unsupported> {
        Ok((self.result)(self.count))
    }
}

impl<R> ser::SerializeTupleStruct for Count<R> {
    type Ok = R;
    type Error = Unsupported;
    fn serialize_field<V: Serialize + ?Sized>(&mut self, _: &V) -> Result<(), Unsupported> {
        self.count += 1;
        Ok(())
    }
    fn end(self) -> Result<R, Unsupported> {
        Ok((self.result)(self.count))
    }
}

impl<R> ser::SerializeMap for Count<R> {
    type Ok = R;
    type Error = Unsupported;
    fn serialize_key<V: Serialize + ?Sized>(&mut self, _: &V) -> Result<(), Unsupported> {
        self.count += 1;
        Ok(())
    }
    fn serialize_value<V: Serialize + ?Sized>(&mut self, _: &V) -> Result<(), Unsupported> {
        Ok(())
    }
    fn end(self) -> Result<R, Unsupported> {
        Ok((self.result)(self.count))
    }
}

impl<R> ser::SerializeStruct for Count<R> {
    type Ok = R;
    type Error = Unsupported;
    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        _: &V,
    ) -> Result<(), Unsupported> {
        self.count += 1;
        Ok(())
    }
    fn end(self) -> Result<R, Unsupported> {
        Ok((self.result)(self.count))
    }
}

/// Tera's `join`: a list's items printed with a separator between them.
pub(super) struct Joiner<'o> {
    pub(super) out: &'o mut String,
    pub(super) separator: &'o str,
}

/// The items of a list being joined.
pub(super) struct JoinItems<'o> {
    out: &'o mut String,
    separator: &'o str,
    first: bool,
}

impl ser::SerializeSeq for JoinItems<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<V: Serialize + ?Sized>(&mut self, value: &V) -> Result<(), Unsupported> {
        if !self.first {
            self.out.push_str(self.separator);
        }
        self.first = false;
        value.serialize(Printer { out: self.out })
    }
    fn end(self) -> Result<(), Unsupported> {
        Ok(())
    }
}

impl<'o> ser::Serializer for Joiner<'o> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = JoinItems<'o>;
    type SerializeTuple = Impossible<(), Unsupported>;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Impossible<(), Unsupported>;
    type SerializeStructVariant = Impossible<(), Unsupported>;
    forward_numbers!();

    fn serialize_seq(self, _: Option<usize>) -> Result<JoinItems<'o>, Unsupported> {
        Ok(JoinItems {
            out: self.out,
            separator: self.separator,
            first: true,
        })
    }
    fn serialize_bool(self, _: bool) -> Result<(), Unsupported> {
        unsupported("`join` of a boolean")
    }
    fn serialize_i64(self, _: i64) -> Result<(), Unsupported> {
        unsupported("`join` of a number")
    }
    fn serialize_u64(self, _: u64) -> Result<(), Unsupported> {
        unsupported("`join` of a number")
    }
    fn serialize_str(self, _: &str) -> Result<(), Unsupported> {
        unsupported("`join` of a string")
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        unsupported("`join` of none")
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        unsupported("`join` of none")
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        unsupported("`join` of a tuple")
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        unsupported("`join` of a tuple")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        unsupported("`join` of an enum")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        unsupported("`join` of a map")
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Unsupported> {
        unsupported("`join` of a map")
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        unsupported("`join` of an enum")
    }
}
