//! Field-level validation errors, collected rather than returned one at a time
//! so a form can show every problem next to its field at once.

use serde::Serialize;

/// What is wrong with one field. The web layer turns it into a sentence in the
/// visitor's language; the JSON API also exposes [`Invalid::code`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Invalid {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Not of the expected shape; `hint` is a translation key describing it.
    Format {
        hint: &'static str,
    },
    /// Not one of the allowed values.
    NotAllowed,
    /// Another record already uses this value.
    Taken,
    /// Refers to something that does not exist (or that the caller cannot see).
    Unknown,
    /// Must equal another field (password confirmation).
    Mismatch,
}

impl Invalid {
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Required => "required",
            Invalid::TooLong { .. } => "too_long",
            Invalid::TooShort { .. } => "too_short",
            Invalid::OutOfRange { .. } => "out_of_range",
            Invalid::Format { .. } => "format",
            Invalid::NotAllowed => "not_allowed",
            Invalid::Taken => "taken",
            Invalid::Unknown => "unknown",
            Invalid::Mismatch => "mismatch",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    #[serde(flatten)]
    pub invalid: Invalid,
    /// The line of an imported file the problem is on (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, invalid: Invalid) -> Self {
        FieldError { field: field.into(), invalid, line: None }
    }

    /// A problem in column `field` of line `line` of an imported file; `hint` says what.
    pub fn line(line: usize, field: impl Into<String>, hint: &'static str) -> Self {
        FieldError { field: field.into(), invalid: Invalid::Format { hint }, line: Some(line) }
    }
}

/// Collects field errors while parsing a form or a JSON body.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: &str, invalid: Invalid) {
        self.errors.push(FieldError::new(field, invalid));
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// A required single-line text: trimmed, not empty, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.push(field, Invalid::Required);
        } else if v.chars().count() > max {
            self.push(field, Invalid::TooLong { max });
        } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            self.push(field, Invalid::Format { hint: "hint-plain-text" });
        }
        v.to_string()
    }

    /// An optional text: trimmed; empty becomes `None`.
    pub fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = value.map(str::trim).unwrap_or("");
        if v.is_empty() {
            return None;
        }
        Some(self.text(field, v, max))
    }

    /// A list of non-empty lines, each at most `max_item` characters.
    pub fn lines(&mut self, field: &str, items: &[String], max_items: usize, max_item: usize) -> Vec<String> {
        let cleaned: Vec<String> = items.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        if cleaned.len() > max_items {
            self.push(field, Invalid::OutOfRange { min: 0, max: max_items as i64 });
        } else if cleaned.iter().any(|s| s.chars().count() > max_item) {
            self.push(field, Invalid::TooLong { max: max_item });
        }
        cleaned
    }

    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) -> i64 {
        if value < min || value > max {
            self.push(field, Invalid::OutOfRange { min, max });
        }
        value
    }

    /// An e-mail address of a plausible shape, lowercased.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let v = self.text(field, value, 254).to_lowercase();
        if !self.has(field) && !crate::text::is_plausible_email(&v) {
            self.push(field, Invalid::Format { hint: "hint-email" });
        }
        v
    }

    pub fn opt_email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        match value.map(str::trim) {
            None | Some("") => None,
            Some(v) => Some(self.email(field, v)),
        }
    }

    pub fn opt_url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.opt_text(field, value, 500)?;
        if !(v.starts_with("https://") || v.starts_with("http://")) || v.contains(char::is_whitespace) {
            self.push(field, Invalid::Format { hint: "hint-url" });
        }
        Some(v)
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(value)` when nothing was wrong, else every collected error.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() { Ok(value) } else { Err(self.errors) }
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_limited() {
        let mut c = Checker::new();
        assert_eq!(c.text("a", "  Bogor  ", 10), "Bogor");
        c.text("b", "   ", 10);
        c.text("c", "abcdefghijk", 10);
        c.text("d", "a\u{0}b", 10);
        let errs = c.into_errors();
        assert_eq!(errs.len(), 3);
        assert_eq!(errs[0], FieldError::new("b", Invalid::Required));
        assert_eq!(errs[1], FieldError::new("c", Invalid::TooLong { max: 10 }));
        assert_eq!(errs[2].field, "d");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut c = Checker::new();
        c.text("a", "ééééé", 5);
        assert!(c.is_ok());
    }

    #[test]
    fn emails_are_checked_and_lowercased() {
        let mut c = Checker::new();
        assert_eq!(c.email("e", "Admin@Example.GO.id"), "admin@example.go.id");
        c.email("f", "not-an-email");
        assert_eq!(c.into_errors(), vec![FieldError::new("f", Invalid::Format { hint: "hint-email" })]);
    }

    #[test]
    fn lines_drop_blanks() {
        let mut c = Checker::new();
        let v = c.lines("r", &["a".into(), "  ".into(), " b ".into()], 5, 10);
        assert_eq!(v, vec!["a", "b"]);
        assert!(c.is_ok());
    }
}
