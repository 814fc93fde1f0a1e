//! Deserialise a `toml::Value` tree into the scenario's raw (span-carrying) tables.
//!
//! Why this exists: the raw tables keep `toml::Spanned` fields so that an input error can name
//! its file, line and column. The deserialiser of `toml::Value` does not know spans, so a
//! Monte-Carlo sample — the nominal tree with dispersed numbers written into it — used to be
//! serialised to TOML text and parsed again, which cost ~0.1 ms per sample (about 90 % of
//! building a sample's `[entry]`, measured with perf). [`SpanlessValue`] walks the tree
//! directly and answers `Spanned` requests with an empty span (0..0): the numbers in a
//! dispersed tree have no place in the file anyway. Errors carry serde's message (an unknown
//! field is named; a type error names the expected type, not the key path).
//!
//! Shape: a small `serde::Deserializer` over `&toml::Value` (Serde data model: Tolnay et al.,
//! serde.rs, "Implementing a Deserializer"): tables are maps, arrays sequences, strings may
//! name unit enum variants, and everything present is `Some` for an `Option`.

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The names `toml::Spanned` asks a deserialiser for (serde_spanned 0.6 private protocol).
const SPANNED_NAME: &str = "$__serde_spanned_private_Spanned";
const SPANNED_START: &str = "$__serde_spanned_private_start";
const SPANNED_END: &str = "$__serde_spanned_private_end";
const SPANNED_VALUE: &str = "$__serde_spanned_private_value";

/// A deserialisation error: serde's message.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueDeError(pub String);

impl fmt::Display for ValueDeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueDeError {}

impl de::Error for ValueDeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ValueDeError(msg.to_string())
    }
}

/// A `toml::Value` seen as a deserialiser that supplies empty spans.
#[derive(Clone, Copy)]
pub struct SpanlessValue<'a>(pub &'a toml::Value);

/// Deserialises `T` from a value tree (see the module doc).
pub fn from_value<'de, T: de::Deserialize<'de>>(v: &toml::Value) -> Result<T, ValueDeError> {
    T::deserialize(SpanlessValue(v))
}

impl<'de> de::Deserializer<'de> for SpanlessValue<'_> {
    type Error = ValueDeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            toml::Value::String(s) => visitor.visit_str(s),
            toml::Value::Integer(i) => visitor.visit_i64(*i),
            toml::Value::Float(x) => visitor.visit_f64(*x),
            toml::Value::Boolean(b) => visitor.visit_bool(*b),
            toml::Value::Datetime(d) => visitor.visit_string(d.to_string()),
            toml::Value::Array(a) => visitor.visit_seq(Seq {
                it: a.iter(),
                remaining: a.len(),
            }),
            toml::Value::Table(t) => visitor.visit_map(Map {
                it: t.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if name == SPANNED_NAME && fields == [SPANNED_START, SPANNED_END, SPANNED_VALUE] {
            return visitor.visit_map(SpannedMap {
                value: self.0,
                stage: 0,
            });
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            toml::Value::String(s) => visitor.visit_enum(
                IntoDeserializer::<ValueDeError>::into_deserializer(s.as_str()),
            ),
            other => Err(de::Error::custom(format!(
                "expected a string naming a variant, found {}",
                other.type_str()
            ))),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

struct Seq<'a> {
    it: std::slice::Iter<'a, toml::Value>,
    remaining: usize,
}

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = ValueDeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        match self.it.next() {
            Some(v) => {
                self.remaining -= 1;
                seed.deserialize(SpanlessValue(v)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.remaining)
    }
}

struct Map<'a> {
    it: toml::map::Iter<'a>,
    value: Option<&'a toml::Value>,
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = ValueDeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        match self.it.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(IntoDeserializer::<ValueDeError>::into_deserializer(
                    k.as_str(),
                ))
                .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        match self.value.take() {
            Some(v) => seed.deserialize(SpanlessValue(v)),
            None => Err(de::Error::custom("a table value was asked before its key")),
        }
    }
}

/// The three fields of the `Spanned` protocol: start 0, end 0, then the value itself.
struct SpannedMap<'a> {
    value: &'a toml::Value,
    stage: u8,
}

impl<'de> MapAccess<'de> for SpannedMap<'_> {
    type Error = ValueDeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let key = match self.stage {
            0 => SPANNED_START,
            1 => SPANNED_END,
            2 => SPANNED_VALUE,
            _ => return Ok(None),
        };
        // The protocol's visitor matches the key as a borrowed `&'de str`.
        seed.deserialize(de::value::BorrowedStrDeserializer::<ValueDeError>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        self.stage += 1;
        match self.stage {
            1 | 2 => seed.deserialize(IntoDeserializer::<ValueDeError>::into_deserializer(0_u64)),
            _ => seed.deserialize(SpanlessValue(self.value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use toml::Spanned;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        x: Spanned<f64>,
        n: Option<i64>,
        v: Vec<[f64; 2]>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: Spanned<String>,
        inner: Option<Spanned<Inner>>,
        #[serde(default)]
        list: Vec<Spanned<Inner>>,
        flag: bool,
    }

    const TEXT: &str = r#"
name = "a"
flag = true
[inner]
x = 2
n = 3
v = [[1.0, 2.5], [3.0, 4.0]]
[[list]]
x = 1.5
v = []
"#;

    /// The tree walk gives the same values as toml's own text deserialiser.
    #[test]
    fn same_values_as_the_text_parser() {
        let from_text: Outer = toml::from_str(TEXT).unwrap();
        let value: toml::Value = toml::from_str(TEXT).unwrap();
        let from_tree: Outer = from_value(&value).unwrap();
        assert_eq!(from_tree.name.get_ref(), from_text.name.get_ref());
        assert_eq!(from_tree.flag, from_text.flag);
        let (a, b) = (
            from_tree.inner.unwrap().into_inner(),
            from_text.inner.unwrap().into_inner(),
        );
        assert_eq!(a.x.get_ref(), b.x.get_ref());
        assert_eq!(a.n, b.n);
        assert_eq!(a.v, b.v);
        assert_eq!(from_tree.list.len(), 1);
        assert_eq!(*from_tree.list[0].get_ref().x.get_ref(), 1.5);
        assert_eq!(from_tree.list[0].span(), 0..0);
    }

    /// Unknown keys and wrong types are errors that name the key or the type.
    #[test]
    fn errors_name_the_problem() {
        let mut value: toml::Value = toml::from_str(TEXT).unwrap();
        value["inner"]
            .as_table_mut()
            .unwrap()
            .insert("typo".into(), toml::Value::Float(1.0));
        let e = from_value::<Outer>(&value).unwrap_err();
        assert!(e.0.contains("typo"), "{e}");
        let mut value: toml::Value = toml::from_str(TEXT).unwrap();
        value["flag"] = toml::Value::String("yes".into());
        let e = from_value::<Outer>(&value).unwrap_err();
        assert!(e.0.contains("bool"), "{e}");
    }
}
