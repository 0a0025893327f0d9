//! The rollout of MPPs over Indonesia's 514 regencies: the stages an MPP
//! location goes through, the standing a regency has on the national map, the
//! series of operating MPPs over time, and the row of the register's CSV (the
//! shape of the public history compiled in `demo/rollout/inaugurations.csv`).

use chrono::{Datelike, NaiveDate};

use crate::catalog::string_enum;

string_enum! {
    /// A dated step in a location's journey.
    Stage {
        Planned = "planned",
        LocationDecided = "location_decided",
        Preparing = "preparing",
        SoftLaunch = "soft_launch",
        Inaugurated = "inaugurated",
        Operating = "operating",
        Relocated = "relocated",
        Closed = "closed",
    }
}

string_enum! {
    /// How precisely a date is known: a day, a month (the date is its 1st) or a year (1 January).
    DatePrecision {
        Day = "day",
        Month = "month",
        Year = "year",
    }
}

string_enum! {
    /// A regency's main MPP or one of its branches.
    LocationRole {
        Main = "main",
        Branch = "branch",
    }
}

string_enum! {
    /// Where an MPP is housed.
    Building {
        Own = "own",
        Rented = "rented",
        MallFloor = "mall_floor",
        Partner = "partner",
    }
}

string_enum! {
    /// Who pays for it.
    Funding {
        RegionalBudget = "regional_budget",
        CsrPartner = "csr_partner",
        Other = "other",
    }
}

string_enum! {
    /// Where a location (or a regency, by its most advanced location) stands: what the map colours.
    Standing {
        None = "none",
        Planned = "planned",
        Preparing = "preparing",
        SoftLaunch = "soft_launch",
        Operating = "operating",
        Closed = "closed",
    }
}

impl Stage {
    pub fn standing(self) -> Standing {
        match self {
            Stage::Planned => Standing::Planned,
            Stage::LocationDecided | Stage::Preparing => Standing::Preparing,
            Stage::SoftLaunch => Standing::SoftLaunch,
            Stage::Inaugurated | Stage::Operating | Stage::Relocated => Standing::Operating,
            Stage::Closed => Standing::Closed,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Planned => "Direncanakan",
            Stage::LocationDecided => "Lokasi ditetapkan",
            Stage::Preparing => "Persiapan",
            Stage::SoftLaunch => "Uji coba (soft launch)",
            Stage::Inaugurated => "Diresmikan",
            Stage::Operating => "Beroperasi",
            Stage::Relocated => "Pindah lokasi",
            Stage::Closed => "Ditutup",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Stage::Planned => "Planned",
            Stage::LocationDecided => "Location decided",
            Stage::Preparing => "Preparing",
            Stage::SoftLaunch => "Soft launch",
            Stage::Inaugurated => "Inaugurated",
            Stage::Operating => "Operating",
            Stage::Relocated => "Relocated",
            Stage::Closed => "Closed",
        }
    }
}

impl Standing {
    /// Order of advancement: a regency shows its most advanced location.
    fn rank(self) -> u8 {
        match self {
            Standing::None => 0,
            Standing::Closed => 1,
            Standing::Planned => 2,
            Standing::Preparing => 3,
            Standing::SoftLaunch => 4,
            Standing::Operating => 5,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::None => "Belum ada rencana",
            Standing::Planned => "Direncanakan",
            Standing::Preparing => "Persiapan",
            Standing::SoftLaunch => "Uji coba",
            Standing::Operating => "Beroperasi",
            Standing::Closed => "Ditutup",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Standing::None => "No plan yet",
            Standing::Planned => "Planned",
            Standing::Preparing => "Preparing",
            Standing::SoftLaunch => "Soft launch",
            Standing::Operating => "Operating",
            Standing::Closed => "Closed",
        }
    }
}

/// One event of a location, as the register keeps it (entry order breaks ties of a day).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dated {
    pub location: i64,
    pub stage: Stage,
    pub date: NaiveDate,
    pub order: i64,
}

/// A location's standing on `at`: its latest event up to that day.
pub fn standing_at(events: &[Dated], location: i64, at: NaiveDate) -> Standing {
    events
        .iter()
        .filter(|e| e.location == location && e.date <= at)
        .max_by_key(|e| (e.date, e.order))
        .map(|e| e.stage.standing())
        .unwrap_or(Standing::None)
}

/// A regency's standing: the most advanced of its locations'.
pub fn most_advanced(standings: impl IntoIterator<Item = Standing>) -> Standing {
    standings.into_iter().max_by_key(|s| s.rank()).unwrap_or(Standing::None)
}

/// Operating locations over time: a point at each date the count changes.
/// A location counts from its first event that makes it operating (inaugurated,
/// operating, relocated) until an event that closes it; a soft launch alone
/// does not count, as the national totals count inaugurations.
pub fn operating_series(events: &[Dated]) -> Vec<(NaiveDate, i64)> {
    let mut sorted: Vec<&Dated> = events.iter().collect();
    sorted.sort_by_key(|e| (e.date, e.order));
    let mut state: std::collections::HashMap<i64, bool> = std::collections::HashMap::new();
    let mut count = 0i64;
    let mut out: Vec<(NaiveDate, i64)> = Vec::new();
    for e in sorted {
        let now = e.stage.standing() == Standing::Operating
            || (e.stage.standing() != Standing::Closed && state.get(&e.location) == Some(&true));
        let was = state.insert(e.location, now).unwrap_or(false);
        count += i64::from(now) - i64::from(was);
        match out.last_mut() {
            Some((d, c)) if *d == e.date => *c = count,
            _ => out.push((e.date, count)),
        }
    }
    out.dedup_by(|b, a| a.1 == b.1);
    out
}

/// The columns of the register's CSV, in order.
pub const CSV_COLUMNS: [&str; 8] =
    ["regency_code", "regency_name", "mpp_name", "event", "date", "date_precision", "source_url", "notes"];

/// One row of the register's CSV, read and checked (all but whether the regency exists).
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRow {
    pub regency_code: String,
    pub regency_name: String,
    /// Empty: the regency's main MPP.
    pub mpp_name: String,
    pub stage: Stage,
    pub date: NaiveDate,
    pub precision: DatePrecision,
    pub source_url: Option<String>,
    pub notes: Option<String>,
}

/// Why a row was refused (a translation key and its column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub column: &'static str,
    pub key: &'static str,
}

/// A regency code (`32.71`) or, for DKI Jakarta's province-level MPP, a province code (`31`).
pub fn is_area_code(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    matches!(parts.len(), 1 | 2) && parts.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

impl CsvRow {
    /// Check one row's fields (in [`CSV_COLUMNS`] order).
    pub fn parse(fields: &[&str]) -> Result<CsvRow, Vec<RowProblem>> {
        let mut problems = Vec::new();
        let get = |i: usize| fields.get(i).map(|s| s.trim()).unwrap_or("");
        if fields.len() != CSV_COLUMNS.len() {
            return Err(vec![RowProblem { column: "row", key: "ro-csv-columns" }]);
        }
        let regency_code = get(0).to_string();
        if !is_area_code(&regency_code) {
            problems.push(RowProblem { column: "regency_code", key: "ro-csv-code" });
        }
        let stage = Stage::parse(get(3));
        if stage.is_none() {
            problems.push(RowProblem { column: "event", key: "ro-csv-event" });
        }
        let date = NaiveDate::parse_from_str(get(4), "%Y-%m-%d").ok().filter(|d| (1990..=2100).contains(&d.year()));
        if date.is_none() {
            problems.push(RowProblem { column: "date", key: "ro-csv-date" });
        }
        let precision = DatePrecision::parse(get(5));
        if precision.is_none() {
            problems.push(RowProblem { column: "date_precision", key: "ro-csv-precision" });
        }
        let url = get(6);
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            problems.push(RowProblem { column: "source_url", key: "ro-csv-url" });
        }
        for (i, field) in fields.iter().enumerate() {
            if field.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
                problems.push(RowProblem { column: CSV_COLUMNS[i], key: "ro-csv-text" });
            }
        }
        if get(2).chars().count() > 200 || get(7).chars().count() > 2000 {
            problems.push(RowProblem { column: "notes", key: "ro-csv-long" });
        }
        match (stage, date, precision) {
            (Some(stage), Some(date), Some(precision)) if problems.is_empty() => Ok(CsvRow {
                regency_code,
                regency_name: get(1).to_string(),
                mpp_name: get(2).to_string(),
                stage,
                date,
                precision,
                source_url: Some(url.to_string()).filter(|u| !u.is_empty()),
                notes: Some(get(7).to_string()).filter(|n| !n.is_empty()),
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ev(location: i64, stage: Stage, date: &str, order: i64) -> Dated {
        Dated { location, stage, date: d(date), order }
    }

    #[test]
    fn a_regency_shows_its_most_advanced_location() {
        let events = [
            ev(1, Stage::Planned, "2023-01-01", 1),
            ev(1, Stage::SoftLaunch, "2023-06-01", 2),
            ev(1, Stage::Inaugurated, "2023-09-01", 3),
            ev(2, Stage::Planned, "2024-01-01", 4),
        ];
        assert_eq!(standing_at(&events, 1, d("2023-07-01")), Standing::SoftLaunch);
        assert_eq!(standing_at(&events, 1, d("2023-09-01")), Standing::Operating);
        assert_eq!(standing_at(&events, 2, d("2023-12-31")), Standing::None);
        let both = [standing_at(&events, 1, d("2024-02-01")), standing_at(&events, 2, d("2024-02-01"))];
        assert_eq!(most_advanced(both), Standing::Operating);
        assert_eq!(most_advanced([Standing::Closed, Standing::Planned]), Standing::Planned);
        assert_eq!(most_advanced([]), Standing::None);
    }

    #[test]
    fn the_series_counts_inaugurations_and_closures() {
        let events = [
            ev(1, Stage::SoftLaunch, "2022-11-01", 1),
            ev(1, Stage::Inaugurated, "2022-12-05", 2),
            ev(2, Stage::Inaugurated, "2022-12-05", 3),
            ev(3, Stage::Inaugurated, "2023-02-01", 4),
            // A move keeps it open; a closure ends it.
            ev(2, Stage::Relocated, "2023-05-01", 5),
            ev(3, Stage::Closed, "2024-01-01", 6),
            ev(4, Stage::Planned, "2024-02-01", 7),
        ];
        let series = operating_series(&events);
        assert_eq!(
            series,
            vec![(d("2022-11-01"), 0), (d("2022-12-05"), 2), (d("2023-02-01"), 3), (d("2024-01-01"), 2)]
        );
    }

    #[test]
    fn csv_rows_are_checked_field_by_field() {
        let ok = CsvRow::parse(&[
            "32.71",
            "Kota Bogor",
            "MPP Kota Bogor",
            "inaugurated",
            "2019-08-26",
            "day",
            "https://example.go.id/berita",
            "",
        ])
        .unwrap();
        assert_eq!((ok.stage, ok.date, ok.notes), (Stage::Inaugurated, d("2019-08-26"), None));
        assert!(CsvRow::parse(&["31", "DKI", "", "soft_launch", "2017-10-12", "day", "", ""]).is_ok());
        let bad = CsvRow::parse(&["3271", "X", "", "opened", "2019-13-40", "week", "ftp://x", ""]).unwrap_err();
        let cols: Vec<&str> = bad.iter().map(|p| p.column).collect();
        assert_eq!(cols, ["regency_code", "event", "date", "date_precision", "source_url"]);
        assert_eq!(CsvRow::parse(&["32.71"]).unwrap_err()[0].key, "ro-csv-columns");
    }
}
