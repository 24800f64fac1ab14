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

/// The serializer methods a probe refuses: compound values other than lists.
macro_rules! refuse_all_but_seq {
    () => {
        type SerializeTuple = Impossible<Self::Ok, Unsupported>;
        type SerializeTupleStruct = Impossible<Self::Ok, Unsupported>;
        type SerializeTupleVariant = Impossible<Self::Ok, Unsupported>;
        type SerializeMap = Impossible<Self::Ok, Unsupported>;
        type SerializeStruct = Impossible<Self::Ok, Unsupported>;
        type SerializeStructVariant = Impossible<Self::Ok, Unsupported>;
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

/// The serializer methods a probe refuses: every compound value.
macro_rules! refuse_compound {
    () => {
        type SerializeSeq = Impossible<Self::Ok, Unsupported>;
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
            unsupported("a list")
        }
        refuse_all_but_seq!();
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

/// A scalar as a probe sees it.
pub(super) enum Scalar<'v> {
    Bool(bool),
    Number(i128),
    Text(&'v str),
    None,
}

/// What a probe answers about a value: from a scalar, or from how many elements or fields
/// a list or struct serializes.
pub(super) trait Answer: Sized {
    fn scalar(scalar: Scalar<'_>) -> Result<Self, Unsupported>;
    fn count(count: usize) -> Self;
}

/// Tera's `Value::is_truthy`.
impl Answer for bool {
    fn scalar(scalar: Scalar<'_>) -> Result<bool, Unsupported> {
        Ok(match scalar {
            Scalar::Bool(value) => value,
            Scalar::Number(value) => value != 0,
            Scalar::Text(text) => !text.is_empty(),
            Scalar::None => false,
        })
    }
    fn count(count: usize) -> bool {
        count > 0
    }
}

/// Tera's `length`: characters of a string, as Tera without its `unicode` feature counts.
impl Answer for usize {
    fn scalar(scalar: Scalar<'_>) -> Result<usize, Unsupported> {
        match scalar {
            Scalar::Text(text) => Ok(text.chars().count()),
            _ => unsupported("the length of a scalar other than a string"),
        }
    }
    fn count(count: usize) -> usize {
        count
    }
}

/// Asks `R` about what a value serializes to: `Probe::<bool>` is Tera's truthiness,
/// `Probe::<usize>` its `length`.
pub(super) struct Probe<R>(std::marker::PhantomData<R>);

impl<R> Probe<R> {
    pub(super) fn new() -> Self {
        Probe(std::marker::PhantomData)
    }
}

impl<R: Answer> ser::Serializer for Probe<R> {
    type Ok = R;
    type Error = Unsupported;
    type SerializeSeq = Count<R>;
    type SerializeTuple = Count<R>;
    type SerializeTupleStruct = Count<R>;
    type SerializeTupleVariant = Impossible<R, Unsupported>;
    type SerializeMap = Count<R>;
    type SerializeStruct = Count<R>;
    type SerializeStructVariant = Impossible<R, Unsupported>;
    forward_numbers!();

    fn serialize_bool(self, v: bool) -> Result<R, Unsupported> {
        R::scalar(Scalar::Bool(v))
    }
    fn serialize_i64(self, v: i64) -> Result<R, Unsupported> {
        R::scalar(Scalar::Number(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<R, Unsupported> {
        R::scalar(Scalar::Number(v.into()))
    }
    fn serialize_str(self, v: &str) -> Result<R, Unsupported> {
        R::scalar(Scalar::Text(v))
    }
    fn serialize_none(self) -> Result<R, Unsupported> {
        R::scalar(Scalar::None)
    }
    fn serialize_unit(self) -> Result<R, Unsupported> {
        R::scalar(Scalar::None)
    }
    fn collect_str<V: std::fmt::Display + ?Sized>(self, value: &V) -> Result<R, Unsupported> {
        R::scalar(Scalar::Text(&value.to_string()))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Count<R>, Unsupported> {
        Ok(Count::new(R::count))
    }
    fn serialize_tuple(self, _: usize) -> Result<Count<R>, Unsupported> {
        Ok(Count::new(R::count))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Count<R>, Unsupported> {
        Ok(Count::new(R::count))
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
    fn serialize_map(self, _: Option<usize>) -> Result<Count<R>, Unsupported> {
        Ok(Count::new(R::count))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Count<R>, Unsupported> {
        Ok(Count::new(R::count))
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

/// `Count` as each of serde's compound serializers: one more for every element or field.
macro_rules! count_each {
    ($($trait:ident :: $method:ident ($($name:ident: $type:ty),*)),* $(,)?) => {$(
        impl<R> ser::$trait for Count<R> {
            type Ok = R;
            type Error = Unsupported;
            fn $method<V: Serialize + ?Sized>(&mut self, $($name: $type,)* _: &V) -> Result<(), Unsupported> {
                $(let _ = $name;)*
                self.count += 1;
                Ok(())
            }
            fn end(self) -> Result<R, Unsupported> {
                Ok((self.result)(self.count))
            }
        }
    )*};
}

count_each!(
    SerializeSeq::serialize_element(),
    SerializeTuple::serialize_element(),
    SerializeTupleStruct::serialize_field(),
    SerializeStruct::serialize_field(key: &'static str),
);

/// A map counts its keys; its values add nothing.
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
    refuse_all_but_seq!();
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
}
