//! Indonesian first, English second: every string a person reads comes from
//! `locales/{id,en}/*.ftl` through [`Lang::t`].

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};
use satuatap_domain::{FieldError, Invalid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "id",
        // Placeables are plain text on our pages; no bidi isolation marks.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl From<&Lang> for Lang {
    fn from(l: &Lang) -> Lang {
        *l
    }
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::Id => fluent_templates::langid!("id"),
            Lang::En => fluent_templates::langid!("en"),
        }
    }

    /// The text for `key`; a missing key shows itself (and fails the locale test).
    pub fn t(self, key: &str) -> String {
        LOCALES.try_lookup(&self.id(), key).unwrap_or_else(|| key.to_string())
    }

    /// The text for `key`, or `None` where no locale has it.
    pub fn lookup(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(&self.id(), key)
    }

    /// The text for `key` with named arguments.
    pub fn ta(self, key: &str, args: &[(&str, &str)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.to_string()))).collect();
        LOCALES.try_lookup_with_args(&self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// A number argument (for plurals).
    pub fn tn(self, key: &str, name: &str, n: i64) -> String {
        let mut map: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        map.insert(Cow::Owned(name.to_string()), FluentValue::from(n));
        LOCALES.try_lookup_with_args(&self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// Pick the English text when viewing in English and one exists.
    pub fn pick<'a>(self, id: &'a str, en: Option<&'a str>) -> &'a str {
        match (self, en) {
            (Lang::En, Some(en)) if !en.trim().is_empty() => en,
            _ => id,
        }
    }

    /// A sentence saying what is wrong with a field.
    pub fn field_error(self, e: &FieldError) -> String {
        let what = self.field_problem(e);
        match e.line {
            Some(line) => self.ta("err-at-line", &[("line", &line.to_string()), ("field", &e.field), ("what", &what)]),
            None => what,
        }
    }

    /// A field's name as people read it ("Waktu penyelesaian" for
    /// `duration_value`, also inside `standard.duration_value` or `aspects[2].name`);
    /// `None` for a field without a label, so no key ever reaches a page.
    pub fn field_label(self, field: &str) -> Option<String> {
        let last = field.rsplit('.').next().unwrap_or(field);
        let last = last.split('[').next().unwrap_or(last);
        [field, last].into_iter().find_map(|f| LOCALES.try_lookup(&self.id(), &format!("field-{f}")))
    }

    /// "Waktu penyelesaian: Wajib diisi." — the field's name and its problem, for
    /// summaries and messages shown away from the field itself.
    pub fn field_sentence(self, e: &FieldError) -> String {
        let what = self.field_error(e);
        match (e.line, self.field_label(&e.field)) {
            (None, Some(label)) => self.ta("err-field", &[("field", &label), ("what", &what)]),
            _ => what,
        }
    }

    fn field_problem(self, e: &FieldError) -> String {
        match &e.invalid {
            Invalid::Required => self.t("err-required"),
            Invalid::TooLong { max } => self.ta("err-too-long", &[("max", &max.to_string())]),
            Invalid::TooShort { min } => self.ta("err-too-short", &[("min", &min.to_string())]),
            Invalid::OutOfRange { min, max } => {
                self.ta("err-out-of-range", &[("min", &min.to_string()), ("max", &max.to_string())])
            }
            Invalid::Format { hint } => self.t(hint),
            Invalid::NotAllowed => self.t("err-not-allowed"),
            Invalid::Taken => self.t("err-taken"),
            Invalid::Unknown => self.t("err-unknown"),
            Invalid::Mismatch => self.t("err-mismatch"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(lang: &str) -> BTreeSet<String> {
        let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
        let mut out = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                if let Some((k, _)) = line.split_once(" =")
                    && !k.starts_with([' ', '#', '.', '['])
                    && !k.is_empty()
                {
                    out.insert(k.trim().to_string());
                }
            }
        }
        out
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let id = keys("id");
        let en = keys("en");
        let only_id: Vec<_> = id.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&id).collect();
        assert!(only_id.is_empty() && only_en.is_empty(), "only id: {only_id:?}\nonly en: {only_en:?}");
        assert!(id.len() > 100);
    }

    #[test]
    fn field_errors_name_the_field_in_words_never_by_key() {
        let e = FieldError { field: "duration_value".into(), invalid: Invalid::Required, line: None };
        assert_eq!(Lang::Id.field_sentence(&e), "Waktu penyelesaian: Wajib diisi.");
        assert_eq!(Lang::En.field_sentence(&e), "Time to complete: Required.");
        let nested = FieldError { field: "standard.duration_value".into(), invalid: Invalid::Required, line: None };
        assert_eq!(Lang::Id.field_sentence(&nested), "Waktu penyelesaian: Wajib diisi.");
        let unknown = FieldError { field: "no_such_field".into(), invalid: Invalid::Required, line: None };
        assert_eq!(Lang::Id.field_sentence(&unknown), "Wajib diisi.");
        assert!(!Lang::Id.field_sentence(&unknown).contains("no_such_field"));
    }

    /// Every field the service layer names has a label in both languages.
    #[test]
    fn every_field_the_services_check_has_a_label() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../service/src");
        // The first string argument of `c.<check>("field", …)` and `Error::field("field", …)`.
        fn fields(text: &str) -> Vec<String> {
            let mut out = Vec::new();
            for (i, _) in text.match_indices("(\"") {
                let before = &text[..i];
                let call =
                    before.rsplit(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '.' || ch == ':')).next();
                let Some(call) = call else { continue };
                if !(call.starts_with("c.") || call == "Error::field") {
                    continue;
                }
                let rest = &text[i + 2..];
                if let Some(end) = rest.find('"') {
                    let f = &rest[..end];
                    if f.len() > 1 && f.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_') {
                        out.push(f.to_string());
                    }
                }
            }
            out
        }
        let mut missing = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            } else if p.extension().is_some_and(|x| x == "rs") {
                for f in fields(&std::fs::read_to_string(&p).unwrap()) {
                    seen.insert(f.clone());
                    if Lang::Id.field_label(&f).is_none() || Lang::En.field_label(&f).is_none() {
                        missing.insert(f);
                    }
                }
            }
        }
        assert!(seen.contains("duration_value") && seen.len() > 50, "the scan finds the checks: {seen:?}");
        assert!(missing.is_empty(), "fields without a label in locales/*/fields.ftl: {missing:?}");
    }

    #[test]
    fn lookups_and_arguments() {
        assert_eq!(Lang::Id.t("nav-login"), "Masuk");
        assert_eq!(Lang::En.t("nav-login"), "Sign in");
        assert_eq!(Lang::En.ta("err-too-long", &[("max", "10")]), "At most 10 characters.");
        assert_eq!(Lang::En.pick("Paspor", Some("Passport")), "Passport");
        assert_eq!(Lang::En.pick("Paspor", Some(" ")), "Paspor");
        assert_eq!(Lang::Id.pick("Paspor", Some("Passport")), "Paspor");
    }
}
