//! Deserialisers that let one input struct serve both HTML forms (where every
//! value is text) and JSON bodies (where numbers and booleans are typed).

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;

/// A number given as a JSON number or as text; empty text is `None`.
/// Unparseable text is kept (as `Err(text)`) so the service can name the field.
pub type Loose<T> = Option<Result<T, String>>;

struct LooseVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Num> Visitor<'de> for LooseVisitor<T> {
    type Value = Loose<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(T::from_i64(v).ok_or_else(|| v.to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(i64::try_from(v).ok().and_then(T::from_i64).ok_or_else(|| v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(T::from_f64(v).ok_or_else(|| v.to_string())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        Ok(Some(t.replace(',', ".").parse::<T>().map_err(|_| t.to_string())))
    }
}

/// Numbers a [`Loose`] field can hold; conversions are exact or refused.
pub trait Num: std::str::FromStr + Sized {
    fn from_i64(v: i64) -> Option<Self>;
    fn from_f64(v: f64) -> Option<Self>;
}
impl Num for f64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        v.is_finite().then_some(v)
    }
}
impl Num for i64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v)
    }
    fn from_f64(v: f64) -> Option<Self> {
        (v.fract() == 0.0 && v.abs() < 9e15).then_some(v as i64)
    }
}

pub fn loose<'de, D, T>(d: D) -> Result<Loose<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Num,
{
    d.deserialize_any(LooseVisitor(std::marker::PhantomData))
}

/// A checkbox or a JSON boolean: `true`, `"on"`, `"true"`, `"1"`, `"ya"` are true.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a boolean")
        }
        fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            match v.trim().to_lowercase().as_str() {
                "on" | "true" | "1" | "ya" | "yes" => Ok(true),
                "" | "off" | "false" | "0" | "tidak" | "no" => Ok(false),
                other => Err(E::custom(format!("expected a boolean, got {other:?}"))),
            }
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_none<E>(self) -> Result<bool, E> {
            Ok(false)
        }
    }
    d.deserialize_any(V)
}

/// A list of lines: a JSON array of strings, or text with one item per line.
pub fn lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of strings or text with one item per line")
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.lines()
                .map(|l| l.trim().trim_start_matches(['-', '•', '*']).trim().to_string())
                .filter(|l| !l.is_empty())
                .collect())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct T {
        #[serde(default, deserialize_with = "loose")]
        n: Loose<i64>,
        #[serde(default, deserialize_with = "loose")]
        f: Loose<f64>,
        #[serde(default, deserialize_with = "flag")]
        b: bool,
        #[serde(default, deserialize_with = "lines")]
        l: Vec<String>,
    }

    #[test]
    fn json_and_text_give_the_same_values() {
        let j: T = serde_json::from_str(r#"{"n": 3, "f": -6.5, "b": true, "l": ["a", "b"]}"#).unwrap();
        assert_eq!(j.n, Some(Ok(3)));
        assert_eq!(j.f, Some(Ok(-6.5)));
        assert!(j.b);
        assert_eq!(j.l, vec!["a", "b"]);
        let t: T = serde_json::from_str(r#"{"n": "3", "f": "-6,5", "b": "on", "l": "- a\n\n• b\n"}"#).unwrap();
        assert_eq!(t.n, Some(Ok(3)));
        assert_eq!(t.f, Some(Ok(-6.5)));
        assert!(t.b);
        assert_eq!(t.l, vec!["a", "b"]);
    }

    #[test]
    fn bad_numbers_are_kept_for_the_error_message() {
        let t: T = serde_json::from_str(r#"{"n": "tiga", "f": ""}"#).unwrap();
        assert_eq!(t.n, Some(Err("tiga".into())));
        assert_eq!(t.f, None);
        assert!(!t.b);
        let j: Result<T, _> = serde_json::from_str(r#"{"b": "maybe"}"#);
        assert!(j.is_err());
    }
}
