//! The community satisfaction survey (SKM) and its index (IKM) as PermenPANRB
//! 14/2017 defines them: nine elements U1–U9 answered 1–4, NRR per element,
//! IKM = (Σ NRR × 1/9) × 25 with the exact weight, grades A–D, and the
//! Krejcie–Morgan sample size.
//!
//! Elements are always identified by their code, never by position, so U8
//! (complaint handling) and U9 (facilities) cannot be swapped.

use serde::{Deserialize, Serialize};

crate::catalog::string_enum! {
    /// Where a follow-up of a suggestion stands.
    FollowupStatus {
        Open = "open",
        InProgress = "in_progress",
        Done = "done",
    }
}

/// One of the nine elements, by its official code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Element {
    U1,
    U2,
    U3,
    U4,
    U5,
    U6,
    U7,
    U8,
    U9,
}

pub const ELEMENTS: [Element; 9] = [
    Element::U1,
    Element::U2,
    Element::U3,
    Element::U4,
    Element::U5,
    Element::U6,
    Element::U7,
    Element::U8,
    Element::U9,
];

impl Element {
    pub fn code(self) -> &'static str {
        match self {
            Element::U1 => "U1",
            Element::U2 => "U2",
            Element::U3 => "U3",
            Element::U4 => "U4",
            Element::U5 => "U5",
            Element::U6 => "U6",
            Element::U7 => "U7",
            Element::U8 => "U8",
            Element::U9 => "U9",
        }
    }

    pub fn from_code(code: &str) -> Option<Element> {
        ELEMENTS.into_iter().find(|e| e.code().eq_ignore_ascii_case(code.trim()))
    }

    /// Where the element's answers live in [`Answers`] and in the database columns `u1`…`u9`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The element's name in the regulation.
    pub fn name(self) -> &'static str {
        match self {
            Element::U1 => "Persyaratan",
            Element::U2 => "Sistem, mekanisme, dan prosedur",
            Element::U3 => "Waktu penyelesaian",
            Element::U4 => "Biaya/tarif",
            Element::U5 => "Produk spesifikasi jenis pelayanan",
            Element::U6 => "Kompetensi pelaksana",
            Element::U7 => "Perilaku pelaksana",
            Element::U8 => "Penanganan pengaduan, saran dan masukan",
            Element::U9 => "Sarana dan prasarana",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Element::U1 => "Requirements",
            Element::U2 => "System, mechanism and procedure",
            Element::U3 => "Time to complete",
            Element::U4 => "Cost/fee",
            Element::U5 => "What the service delivers",
            Element::U6 => "Competence of the staff",
            Element::U7 => "Conduct of the staff",
            Element::U8 => "Handling of complaints, suggestions and input",
            Element::U9 => "Facilities and infrastructure",
        }
    }

    /// The question as the survey asks it.
    pub fn question(self) -> &'static str {
        match self {
            Element::U1 => {
                "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"
            }
            Element::U2 => "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
            Element::U3 => "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
            Element::U4 => "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
            Element::U5 => {
                "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?"
            }
            Element::U6 => "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
            Element::U7 => {
                "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?"
            }
            Element::U8 => {
                "Bagaimana pendapat Saudara tentang penanganan pengaduan, saran dan masukan pengguna layanan?"
            }
            Element::U9 => "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        }
    }

    pub fn question_en(self) -> &'static str {
        match self {
            Element::U1 => "Do the requirements fit the kind of service?",
            Element::U2 => "How easy is the procedure of this unit?",
            Element::U3 => "How fast was the service delivered?",
            Element::U4 => "How fair is the cost/fee of the service?",
            Element::U5 => "Does what you received match what the service standard promises?",
            Element::U6 => "How competent were the staff?",
            Element::U7 => "How polite and friendly were the staff?",
            Element::U8 => "How are complaints, suggestions and input from users handled?",
            Element::U9 => "What is the quality of the facilities and infrastructure?",
        }
    }

    /// The official answer labels for 1, 2, 3 and 4.
    pub fn labels(self) -> [&'static str; 4] {
        match self {
            Element::U1 | Element::U5 => ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"],
            Element::U2 => ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
            Element::U3 => ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
            Element::U4 => ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
            Element::U6 => ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"],
            Element::U7 => {
                ["Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"]
            }
            Element::U8 => {
                ["Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"]
            }
            Element::U9 => ["Buruk", "Cukup", "Baik", "Sangat baik"],
        }
    }

    pub fn labels_en(self) -> [&'static str; 4] {
        match self {
            Element::U1 | Element::U5 => ["Not fitting", "Barely fitting", "Fitting", "Very fitting"],
            Element::U2 => ["Not easy", "Not very easy", "Easy", "Very easy"],
            Element::U3 => ["Not fast", "Not very fast", "Fast", "Very fast"],
            Element::U4 => ["Very expensive", "Rather expensive", "Cheap", "Free"],
            Element::U6 => ["Not competent", "Not very competent", "Competent", "Very competent"],
            Element::U7 => [
                "Not polite or friendly",
                "Not very polite or friendly",
                "Polite and friendly",
                "Very polite and friendly",
            ],
            Element::U8 => ["None", "Exists but does not work", "Works, not fully", "Well managed"],
            Element::U9 => ["Poor", "Fair", "Good", "Very good"],
        }
    }
}

/// One respondent's answers, each 1–4, indexed by [`Element::index`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers(pub [u8; 9]);

impl Answers {
    pub fn get(&self, e: Element) -> u8 {
        self.0[e.index()]
    }

    /// Answers from `(code, value)` pairs; every element exactly once, each 1–4.
    /// Errors name the elements that are missing or out of range.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, i64)>) -> Result<Answers, Vec<Element>> {
        let mut out = [0u8; 9];
        for (code, v) in pairs {
            if let Some(e) = Element::from_code(code) {
                out[e.index()] = if (1..=4).contains(&v) { v as u8 } else { 0 };
            }
        }
        let bad: Vec<Element> = ELEMENTS.into_iter().filter(|e| out[e.index()] == 0).collect();
        if bad.is_empty() { Ok(Answers(out)) } else { Err(bad) }
    }
}

/// Sums of answers per element over `n` respondents: everything IKM needs, and
/// what rolls up exactly across services, providers, MPPs and dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub n: u64,
    pub sums: [u64; 9],
}

impl Tally {
    pub fn add(&mut self, a: &Answers) {
        self.n += 1;
        for (s, v) in self.sums.iter_mut().zip(a.0) {
            *s += u64::from(v);
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.n += other.n;
        for (s, o) in self.sums.iter_mut().zip(other.sums) {
            *s += o;
        }
    }

    /// NRR (mean answer) of an element; `None` without respondents.
    pub fn nrr(&self, e: Element) -> Option<f64> {
        (self.n > 0).then(|| self.sums[e.index()] as f64 / self.n as f64)
    }

    /// IKM in hundredths (8831 = 88.31), rounded half up from the exact value
    /// 25 × Σ sums / (9 n): no rounded weights anywhere.
    pub fn ikm_centi(&self) -> Option<u64> {
        if self.n == 0 {
            return None;
        }
        let total: u64 = self.sums.iter().sum();
        // 100 × 25 × total / (9 n), rounded half up, in integers.
        let num = 2 * 2500 * total + 9 * self.n;
        Some(num / (2 * 9 * self.n))
    }

    pub fn result(&self) -> Option<Ikm> {
        let centi = self.ikm_centi()?;
        Some(Ikm { centi, grade: Grade::of_centi(centi) })
    }

    /// Elements from the lowest NRR up (ties in code order).
    pub fn weakest(&self) -> Vec<(Element, f64)> {
        let mut v: Vec<(Element, f64)> = ELEMENTS.into_iter().filter_map(|e| self.nrr(e).map(|x| (e, x))).collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        v
    }
}

/// An IKM value and its grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ikm {
    /// Hundredths: 8831 is 88.31.
    pub centi: u64,
    pub grade: Grade,
}

impl Ikm {
    pub fn text(&self) -> String {
        format!("{}.{:02}", self.centi / 100, self.centi % 100)
    }
}

/// Service quality grade (mutu pelayanan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    /// A 88.31–100.00, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99.
    pub fn of_centi(centi: u64) -> Grade {
        match centi {
            8831.. => Grade::A,
            7661.. => Grade::B,
            6500.. => Grade::C,
            _ => Grade::D,
        }
    }

    pub fn letter(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    /// The performance label (kinerja unit pelayanan).
    pub fn label(self) -> &'static str {
        match self {
            Grade::A => "Sangat Baik",
            Grade::B => "Baik",
            Grade::C => "Kurang Baik",
            Grade::D => "Tidak Baik",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Grade::A => "Very good",
            Grade::B => "Good",
            Grade::C => "Poor",
            Grade::D => "Very poor",
        }
    }
}

/// Krejcie & Morgan's required sample for a population of `n`:
/// χ²·N·P(1−P) / (d²(N−1) + χ²·P(1−P)), χ² = 3.841, P = 0.5, d = 0.05, rounded.
pub fn required_sample(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let (chi2, p, d) = (3.841_f64, 0.5_f64, 0.05_f64);
    let n = n as f64;
    let s = chi2 * n * p * (1.0 - p) / (d * d * (n - 1.0) + chi2 * p * (1.0 - p));
    s.round() as u64
}

/// A reporting period: a quarter, a semester, a year or any date range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Quarter(i32, u32),
    Semester(i32, u32),
    Year(i32),
    Range(chrono::NaiveDate, chrono::NaiveDate),
}

impl Period {
    /// `2026-Q4`, `2026-S2`, `2026`, or `2026-01-01..2026-03-31`.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once("..") {
            let (from, to) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            return (from <= to).then_some(Period::Range(from, to));
        }
        if let Some((y, q)) = s.split_once(['-', ' ']) {
            let y: i32 = y.parse().ok()?;
            let q = q.to_ascii_uppercase();
            if let Some(n) = q.strip_prefix('Q').and_then(|n| n.parse().ok()).filter(|n| (1..=4).contains(n)) {
                return Some(Period::Quarter(y, n));
            }
            if let Some(n) = q.strip_prefix('S').and_then(|n| n.parse().ok()).filter(|n| (1..=2).contains(n)) {
                return Some(Period::Semester(y, n));
            }
            return None;
        }
        s.parse().ok().filter(|y| (2000..=2100).contains(y)).map(Period::Year)
    }

    /// The quarter a day is in.
    pub fn quarter_of(d: chrono::NaiveDate) -> Period {
        use chrono::Datelike;
        Period::Quarter(d.year(), (d.month() - 1) / 3 + 1)
    }

    /// First and last day, inclusive.
    pub fn bounds(&self) -> (chrono::NaiveDate, chrono::NaiveDate) {
        use chrono::NaiveDate;
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
        let month_end = |y: i32, m: u32| {
            let next = if m == 12 { ymd(y + 1, 1, 1) } else { ymd(y, m + 1, 1) };
            next.pred_opt().unwrap_or(next)
        };
        match *self {
            Period::Quarter(y, q) => (ymd(y, 3 * q - 2, 1), month_end(y, 3 * q)),
            Period::Semester(y, h) => (ymd(y, 6 * h - 5, 1), month_end(y, 6 * h)),
            Period::Year(y) => (ymd(y, 1, 1), ymd(y, 12, 31)),
            Period::Range(a, b) => (a, b),
        }
    }

    /// The form `parse` reads.
    pub fn key(&self) -> String {
        match self {
            Period::Quarter(y, q) => format!("{y}-Q{q}"),
            Period::Semester(y, h) => format!("{y}-S{h}"),
            Period::Year(y) => y.to_string(),
            Period::Range(a, b) => format!("{a}..{b}"),
        }
    }

    /// The one before, of the same kind (ranges: the same length just before).
    pub fn previous(&self) -> Period {
        match *self {
            Period::Quarter(y, 1) => Period::Quarter(y - 1, 4),
            Period::Quarter(y, q) => Period::Quarter(y, q - 1),
            Period::Semester(y, 1) => Period::Semester(y - 1, 2),
            Period::Semester(y, h) => Period::Semester(y, h - 1),
            Period::Year(y) => Period::Year(y - 1),
            Period::Range(a, b) => {
                let len = b - a;
                let end = a.pred_opt().unwrap_or(a);
                Period::Range(end - len, end)
            }
        }
    }
}

/// Optional respondent profile, as commonly collected.
pub const SEXES: [&str; 2] = ["L", "P"];
pub const AGE_BANDS: [&str; 6] = ["<20", "20-29", "30-39", "40-49", "50-59", "60+"];
pub const EDUCATION: [&str; 7] = ["sd", "smp", "sma", "diploma", "s1", "s2", "s3"];
pub const OCCUPATIONS: [&str; 7] =
    ["pns", "tni_polri", "swasta", "wirausaha", "pelajar", "ibu_rumah_tangga", "lainnya"];

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(rows: &[[u8; 9]]) -> Tally {
        let mut t = Tally::default();
        for r in rows {
            t.add(&Answers(*r));
        }
        t
    }

    #[test]
    fn a_perfect_survey_is_exactly_100() {
        let t = tally(&[[4; 9], [4; 9], [4; 9]]);
        assert_eq!(t.ikm_centi(), Some(10_000));
        assert_eq!(t.result().unwrap().text(), "100.00");
        assert_eq!(t.result().unwrap().grade, Grade::A);
        // The common rounded weight 0.111 would give 99.9: the exact weight does not.
        let rounded: f64 = (0..9).map(|_| 4.0 * 0.111).sum::<f64>() * 25.0;
        assert!((rounded - 99.9).abs() < 1e-9);
        // The lowest possible is 25.00.
        assert_eq!(tally(&[[1; 9]]).ikm_centi(), Some(2500));
    }

    #[test]
    fn worked_example_by_hand() {
        // Two respondents. Sums per element: U1 7, U2 6, U3 5, U4 8, U5 7, U6 6, U7 7, U8 4, U9 5 = 55.
        let t = tally(&[[4, 3, 2, 4, 4, 3, 4, 2, 3], [3, 3, 3, 4, 3, 3, 3, 2, 2]]);
        assert_eq!(t.sums, [7, 6, 5, 8, 7, 6, 7, 4, 5]);
        assert_eq!(t.nrr(Element::U4), Some(4.0));
        assert_eq!(t.nrr(Element::U8), Some(2.0));
        // IKM = 25 × 55 / 18 = 76.3888… → 76.39, grade C.
        assert_eq!(t.ikm_centi(), Some(7639));
        assert_eq!(t.result().unwrap().grade, Grade::C);
        // The weakest element is U8 (NRR 2.0), then U3 and U9 (2.5).
        let weak: Vec<Element> = t.weakest().into_iter().take(3).map(|(e, _)| e).collect();
        assert_eq!(weak, [Element::U8, Element::U3, Element::U9]);
    }

    /// A tally of `n` respondents whose answers add up to `total`.
    fn with_total(n: u64, total: u64) -> Tally {
        let mut sums = [0u64; 9];
        let mut left = total;
        for s in sums.iter_mut() {
            let take = left.min(4 * n);
            *s = take;
            left -= take;
        }
        assert_eq!(left, 0);
        Tally { n, sums }
    }

    #[test]
    fn grade_boundaries_fall_exactly_where_the_regulation_puts_them() {
        // IKM = 25 × total / (9 n). With n = 1000 (9,000 answers), in hundredths:
        // total 31790 → 88.3055… → 88.31 (A); 31789 → 88.3027… → 88.30 (B).
        let grade = |total| with_total(1000, total).result().unwrap();
        assert_eq!((grade(31_790).centi, grade(31_790).grade), (8831, Grade::A));
        assert_eq!((grade(31_789).centi, grade(31_789).grade), (8830, Grade::B));
        // 27578 → 76.6055… → 76.61 (B); 27577 → 76.6027… → 76.60 (C).
        assert_eq!((grade(27_578).centi, grade(27_578).grade), (7661, Grade::B));
        assert_eq!((grade(27_577).centi, grade(27_577).grade), (7660, Grade::C));
        // 23400 → 65.0000 (C); 23399 → 64.9972… → 65.00 (C); 23398 → 64.9944… → 64.99 (D).
        assert_eq!((grade(23_400).centi, grade(23_400).grade), (6500, Grade::C));
        assert_eq!((grade(23_399).centi, grade(23_399).grade), (6500, Grade::C));
        assert_eq!((grade(23_398).centi, grade(23_398).grade), (6499, Grade::D));
        // Straight from the grade function too.
        assert_eq!(Grade::of_centi(8831), Grade::A);
        assert_eq!(Grade::of_centi(8830), Grade::B);
        assert_eq!(Grade::of_centi(7661), Grade::B);
        assert_eq!(Grade::of_centi(7660), Grade::C);
        assert_eq!(Grade::of_centi(6500), Grade::C);
        assert_eq!(Grade::of_centi(6499), Grade::D);
    }

    #[test]
    fn tallies_merge_exactly() {
        let a = tally(&[[4, 3, 2, 4, 4, 3, 4, 2, 3]]);
        let b = tally(&[[3, 3, 3, 4, 3, 3, 3, 2, 2]]);
        let mut m = a;
        m.merge(&b);
        assert_eq!(m, tally(&[[4, 3, 2, 4, 4, 3, 4, 2, 3], [3, 3, 3, 4, 3, 3, 3, 2, 2]]));
    }

    #[test]
    fn u8_and_u9_are_never_swapped() {
        assert_eq!(Element::U8.name(), "Penanganan pengaduan, saran dan masukan");
        assert_eq!(Element::U9.name(), "Sarana dan prasarana");
        assert_eq!(Element::U8.labels()[3], "Dikelola dengan baik");
        assert_eq!(Element::U9.labels()[0], "Buruk");
        // Answers are placed by code, whatever order they come in.
        let a = Answers::from_pairs([
            ("U9", 1),
            ("U8", 4),
            ("U1", 2),
            ("U2", 2),
            ("U3", 2),
            ("U4", 2),
            ("U5", 2),
            ("U6", 2),
            ("U7", 2),
        ])
        .unwrap();
        assert_eq!(a.get(Element::U8), 4);
        assert_eq!(a.get(Element::U9), 1);
        assert_eq!(Element::from_code("u8"), Some(Element::U8));
    }

    #[test]
    fn incomplete_or_out_of_range_answers_name_the_elements() {
        let bad = Answers::from_pairs([("U1", 5), ("U2", 0), ("U3", 3)]).unwrap_err();
        assert_eq!(bad[0], Element::U1);
        assert_eq!(bad.len(), 8);
    }

    #[test]
    fn periods_parse_and_bound() {
        use chrono::NaiveDate;
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(Period::parse("2026-Q4").unwrap().bounds(), (d(2026, 10, 1), d(2026, 12, 31)));
        assert_eq!(Period::parse("2024-q1").unwrap().bounds(), (d(2024, 1, 1), d(2024, 3, 31)));
        assert_eq!(Period::parse("2026-S1").unwrap().bounds(), (d(2026, 1, 1), d(2026, 6, 30)));
        assert_eq!(Period::parse("2026").unwrap().bounds(), (d(2026, 1, 1), d(2026, 12, 31)));
        assert_eq!(Period::parse("2026-02-01..2026-02-28").unwrap().bounds(), (d(2026, 2, 1), d(2026, 2, 28)));
        assert_eq!(Period::parse("2026-Q5"), None);
        assert_eq!(Period::parse("2026-03-01..2026-02-01"), None);
        assert_eq!(Period::parse("x"), None);
        assert_eq!(Period::quarter_of(d(2026, 11, 28)), Period::Quarter(2026, 4));
        assert_eq!(Period::Quarter(2026, 1).previous(), Period::Quarter(2025, 4));
        assert_eq!(Period::parse("2026-Q4").unwrap().key(), "2026-Q4");
    }

    #[test]
    fn krejcie_morgan_sample_sizes() {
        assert_eq!(required_sample(100), 80);
        assert_eq!(required_sample(1_000), 278);
        assert_eq!(required_sample(10_000), 370);
        assert_eq!(required_sample(1_000_000), 384);
        assert_eq!(required_sample(0), 0);
        assert_eq!(required_sample(1), 1);
    }
}
