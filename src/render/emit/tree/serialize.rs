//! A model value as a `Tree` through its serde derive: the writer before documents
//! streamed (`emit::serialize`), kept for test builds to compare against.

use std::borrow::Cow;

use serde::ser::{self, Serialize};

use super::Tree;
use crate::render::emit::doc::Substitute;
// The streaming serializer's error: the two refuse the same things alike.
use crate::render::emit::serialize::{pascal, unsupported, Error, KeyCase};

/// `value` as a document, or why its derive asked for something a document cannot hold
/// (a map keyed by non-strings, an enum with data: none of the model's types does).
pub(crate) fn to_tree<T: Serialize + ?Sized>(
    value: &T,
    case: KeyCase,
    string: Substitute,
) -> Result<Tree<'static>> {
    value.serialize(DocSerializer { case, string })
}

#[derive(Clone, Copy)]
struct DocSerializer<'s> {
    case: KeyCase,
    string: Substitute<'s>,
}

impl DocSerializer<'_> {
    fn field(self, name: &'static str) -> Cow<'static, str> {
        match self.case {
            KeyCase::Camel => Cow::Borrowed(name),
            KeyCase::Pascal => Cow::Borrowed(pascal(name)),
        }
    }
}

type Result<T> = std::result::Result<T, Error>;

impl<'s> ser::Serializer for DocSerializer<'s> {
    type Ok = Tree<'static>;
    type Error = Error;
    type SerializeSeq = Seq<'s>;
    type SerializeTuple = Seq<'s>;
    type SerializeTupleStruct = Seq<'s>;
    type SerializeTupleVariant = ser::Impossible<Tree<'static>, Error>;
    type SerializeMap = Fields<'s>;
    type SerializeStruct = Fields<'s>;
    type SerializeStructVariant = ser::Impossible<Tree<'static>, Error>;

    fn serialize_bool(self, v: bool) -> Result<Tree<'static>> {
        Ok(Tree::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Tree<'static>> {
        Ok(Tree::int(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Tree<'static>> {
        Ok(Tree::int(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Tree<'static>> {
        Ok(Tree::int(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Tree<'static>> {
        Ok(Tree::int(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Tree<'static>> {
        Ok(Tree::int(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Tree<'static>> {
        Ok(Tree::int(v))
    }
    fn serialize_u32(self, v: u32) -> Result<Tree<'static>> {
        Ok(Tree::int(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Tree<'static>> {
        Ok(Tree::int(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Tree<'static>> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<Tree<'static>> {
        serde_json::Number::from_f64(v)
            .map(Tree::Number)
            .ok_or_else(|| unsupported("a number that is not finite"))
    }
    fn serialize_char(self, v: char) -> Result<Tree<'static>> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<Tree<'static>> {
        Ok((self.string)(v).map_or_else(|| Tree::text(v.to_string()), Tree::from))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Tree<'static>> {
        Err(unsupported("bytes"))
    }
    fn serialize_none(self) -> Result<Tree<'static>> {
        Ok(Tree::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Tree<'static>> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Tree<'static>> {
        Ok(Tree::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Tree<'static>> {
        Ok(Tree::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Tree<'static>> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Tree<'static>> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Tree<'static>> {
        Err(unsupported("an enum variant with data"))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'s>> {
        Ok(Seq {
            serializer: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'s>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'s>> {
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
    fn serialize_map(self, len: Option<usize>) -> Result<Fields<'s>> {
        Ok(Fields {
            serializer: self,
            entries: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Fields<'s>> {
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

struct Seq<'s> {
    serializer: DocSerializer<'s>,
    items: Vec<Tree<'static>>,
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = Tree<'static>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.items.push(value.serialize(self.serializer)?);
        Ok(())
    }
    fn end(self) -> Result<Tree<'static>> {
        Ok(Tree::List(self.items))
    }
}

impl ser::SerializeTuple for Seq<'_> {
    type Ok = Tree<'static>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Tree<'static>> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq<'_> {
    type Ok = Tree<'static>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Tree<'static>> {
        ser::SerializeSeq::end(self)
    }
}

/// A map (user keys, as they are) or a struct (field names, in the serializer's case).
struct Fields<'s> {
    serializer: DocSerializer<'s>,
    entries: Vec<(Cow<'static, str>, Tree<'static>)>,
    key: Option<String>,
}

impl ser::SerializeMap for Fields<'_> {
    type Ok = Tree<'static>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        // Keys are written as they are: a user key is never substituted.
        let key = key.serialize(DocSerializer {
            case: self.serializer.case,
            string: &super::no_substitution,
        })?;
        match key {
            Tree::Text(text) => {
                self.key = Some(text.into_owned());
                Ok(())
            }
            _ => Err(unsupported("a map key that is not a string")),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| unsupported("a map value without its key"))?;
        self.entries
            .push((Cow::Owned(key), value.serialize(self.serializer)?));
        Ok(())
    }
    fn end(self) -> Result<Tree<'static>> {
        Ok(Tree::Map(self.entries))
    }
}

impl ser::SerializeStruct for Fields<'_> {
    type Ok = Tree<'static>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        let key = self.serializer.field(name);
        self.entries.push((key, value.serialize(self.serializer)?));
        Ok(())
    }
    fn end(self) -> Result<Tree<'static>> {
        Ok(Tree::Map(self.entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collections::IndexMap;
    use crate::render::emit::tree::no_substitution;

    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Example {
        log_driver: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        host_port: Option<i64>,
        options: IndexMap<String, String>,
        #[serde(rename = "type")]
        kind: &'static str,
    }

    fn example() -> Example {
        Example {
            log_driver: "awslogs",
            host_port: None,
            options: [("awslogs-group".to_string(), "/ecs/x".to_string())]
                .into_iter()
                .collect(),
            kind: "s3",
        }
    }

    #[test]
    fn field_names_take_the_case_and_user_keys_keep_their_spelling() {
        let options = Tree::Map(vec![("awslogs-group".into(), Tree::text("/ecs/x"))]);
        let expected = |driver: &'static str, options_key: &'static str, kind: &'static str| {
            Tree::Map(vec![
                (driver.into(), Tree::text("awslogs")),
                (options_key.into(), options.clone()),
                (kind.into(), Tree::text("s3")),
            ])
        };
        assert_eq!(
            to_tree(&example(), KeyCase::Camel, &no_substitution).ok(),
            Some(expected("logDriver", "options", "type"))
        );
        assert_eq!(
            to_tree(&example(), KeyCase::Pascal, &no_substitution).ok(),
            Some(expected("LogDriver", "Options", "Type"))
        );
    }

    #[test]
    fn strings_are_substituted_but_keys_never() {
        let substitute = |text: &str| {
            matches!(text, "awslogs-group" | "/ecs/x")
                .then(|| crate::render::emit::doc::Doc::text("SUB"))
        };
        let doc = to_tree(&example(), KeyCase::Camel, &substitute).ok();
        let Some(Tree::Map(entries)) = doc else {
            panic!("a struct is a map");
        };
        assert_eq!(
            entries[1].1,
            Tree::Map(vec![("awslogs-group".into(), Tree::text("SUB"))])
        );
    }
}
