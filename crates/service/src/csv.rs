//! One writer for every CSV the platform exports (the SP4N-LAPOR! export, IKM
//! reports, day lists): RFC 4180 quoting by the `csv` crate, CRLF line ends,
//! and any text cell a spreadsheet would run as a formula neutralised.

use std::borrow::Cow;

/// A CSV document being written, header first.
pub struct Sheet {
    w: csv::Writer<Vec<u8>>,
}

/// A cell as a spreadsheet may read it: text starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return would run as a formula, so it gets a leading
/// apostrophe; numbers (`-1.5`) stay numbers.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

impl Sheet {
    pub fn new(header: &[&str]) -> Sheet {
        let w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        let mut s = Sheet { w };
        s.row(header.iter().copied());
        s
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let cells: Vec<String> = cells.into_iter().map(|c| neutralise(c.as_ref()).into_owned()).collect();
        // Writing into memory cannot fail but for a bug; the row is then left out, not the export.
        if let Err(e) = self.w.write_record(&cells) {
            tracing::error!(error = %e, "CSV row");
        }
    }

    pub fn into_string(self) -> String {
        let bytes = self.w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_never_formulas() {
        let mut s = Sheet::new(&["a", "b"]);
        s.row(["x,y", "say \"hi\""]);
        s.row(["=HYPERLINK(\"http://x\")", "-2.5"]);
        s.row(["@SUM(A1)", "+62 812"]);
        assert_eq!(
            s.into_string(),
            "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"'=HYPERLINK(\"\"http://x\"\")\",-2.5\r\n'@SUM(A1),'+62 812\r\n"
        );
    }
}
