//! The yearly MPP evaluation (PEKPPP, PermenPANRB 29/2022): an instrument of
//! weighted aspects and indicators scored 0–5, the index computed exactly,
//! its predicate, the objective indicators scored from the platform's own
//! figures, and the incentive rule.
//!
//! Weights are basis points (1 % = 100), so every weight the ministry writes
//! with up to two decimals is exact. With integer scores the index is an
//! integer over 10^8 (Σ aspect weight × Σ indicator weight × score); it is
//! rounded once, half up, to two decimals, and the predicate is read off the
//! rounded index. The default weights and thresholds are unverified, so they
//! are data an instrument carries, not constants of the code.

use serde::{Deserialize, Serialize};

use crate::catalog::string_enum;

/// 100 % in basis points.
pub const WHOLE: u32 = 10_000;
/// The highest score of an indicator.
pub const MAX_SCORE: u8 = 5;

string_enum! {
    /// A figure of the platform an indicator may be scored from.
    Rule {
        IkmGrade = "ikm_grade",
        ComplaintDeadlines = "complaint_deadlines",
        StandardsComplete = "standards_complete",
        BookableShare = "bookable_share",
        MedianWait = "median_wait",
        MppDigital = "mpp_digital",
        OssDesk = "oss_desk",
        OpeningHours = "opening_hours",
    }
}

/// One predicate band: an index (in hundredths) of at least `min` earns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Predicate {
    /// `A`, `A-`, `B`, … (ASCII minus).
    pub code: String,
    pub label: String,
    /// The lowest index of the band, in hundredths (`451` = 4.51).
    pub min: u32,
}

/// The predicates by index of PermenPANRB 29/2022 (≥ 4.51 A … below 1.01 F).
pub fn default_predicates() -> Vec<Predicate> {
    [
        ("A", "Pelayanan Prima", 451),
        ("A-", "Sangat Baik", 401),
        ("B", "Baik", 351),
        ("B-", "Baik (dengan catatan)", 301),
        ("C", "Cukup", 251),
        ("C-", "Cukup (dengan catatan)", 201),
        ("D", "Buruk", 151),
        ("E", "Sangat Buruk", 101),
        ("F", "Gagal", 0),
    ]
    .into_iter()
    .map(|(code, label, min)| Predicate { code: code.into(), label: label.into(), min })
    .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorDef {
    pub key: String,
    pub name: String,
    /// Weight inside its aspect, basis points.
    pub weight_bp: u32,
    /// What each level 0–5 means (six descriptions).
    pub rubric: Vec<String>,
    pub evidence_required: bool,
    pub rule: Option<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AspectDef {
    pub key: String,
    pub name: String,
    /// Weight in the index, basis points.
    pub weight_bp: u32,
    pub indicators: Vec<IndicatorDef>,
}

/// What is wrong with an instrument's weights, each in words a person can fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WeightProblem {
    /// The aspect (or none for the aspects' total).
    pub aspect: Option<String>,
    /// The sum found, basis points.
    pub sum_bp: u32,
}

/// Aspect weights must add up to 100 %, and each aspect's indicator weights too;
/// every weight is positive and every aspect has an indicator.
pub fn weight_problems(aspects: &[AspectDef]) -> Vec<WeightProblem> {
    let mut out = Vec::new();
    let total: u32 = aspects.iter().map(|a| a.weight_bp).sum();
    if total != WHOLE || aspects.is_empty() || aspects.iter().any(|a| a.weight_bp == 0) {
        out.push(WeightProblem { aspect: None, sum_bp: total });
    }
    for a in aspects {
        let sum: u32 = a.indicators.iter().map(|i| i.weight_bp).sum();
        if sum != WHOLE || a.indicators.is_empty() || a.indicators.iter().any(|i| i.weight_bp == 0) {
            out.push(WeightProblem { aspect: Some(a.key.clone()), sum_bp: sum });
        }
    }
    out
}

/// An aspect's score: the exact weighted mean (an integer over 10^4) and its two-decimal form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AspectScore {
    pub key: String,
    /// Σ weight × score, over 10,000 (exact).
    pub exact: u64,
    /// The score in hundredths, rounded half up (`412` = 4.12).
    pub hundredths: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IndexResult {
    pub aspects: Vec<AspectScore>,
    /// Σ aspect weight × aspect exact, over 10^8 (exact).
    pub exact: u64,
    /// The index in hundredths, rounded half up once from the exact value.
    pub hundredths: u32,
    pub predicate: Predicate,
}

fn round_half_up(num: u64, den: u64) -> u64 {
    (2 * num + den) / (2 * den)
}

/// The index of scores given per indicator key. `None` when an indicator has no
/// score (or one outside 0–5), or the weights do not add up.
pub fn index(
    aspects: &[AspectDef],
    predicates: &[Predicate],
    score: impl Fn(&str) -> Option<u8>,
) -> Option<IndexResult> {
    if !weight_problems(aspects).is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(aspects.len());
    let mut exact: u64 = 0;
    for a in aspects {
        let mut sum: u64 = 0;
        for i in &a.indicators {
            let s = score(&i.key).filter(|s| *s <= MAX_SCORE)?;
            sum += u64::from(i.weight_bp) * u64::from(s);
        }
        exact += u64::from(a.weight_bp) * sum;
        out.push(AspectScore { key: a.key.clone(), exact: sum, hundredths: round_half_up(sum, 100) as u32 });
    }
    let hundredths = round_half_up(exact, 1_000_000) as u32;
    Some(IndexResult { aspects: out, exact, hundredths, predicate: predicate_of(predicates, hundredths)? })
}

/// The band an index (hundredths) falls in: the one with the highest `min` not above it.
pub fn predicate_of(predicates: &[Predicate], hundredths: u32) -> Option<Predicate> {
    predicates.iter().filter(|p| p.min <= hundredths).max_by_key(|p| p.min).cloned()
}

/// The platform's figures for an MPP and year, as the rules read them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Objective {
    /// IKM grade `A`–`D`, if there were responses.
    pub ikm_grade: Option<char>,
    /// Share of complaint deadlines met (verifications and answers), 0–1.
    pub complaint_deadlines: Option<f64>,
    /// Share of published services with all 14 standard components, 0–1.
    pub standards_complete: Option<f64>,
    /// Share of published services bookable online, 0–1.
    pub bookable_share: Option<f64>,
    /// Median waiting time, minutes.
    pub median_wait: Option<f64>,
    pub mpp_digital: Option<bool>,
    pub oss_desk: Option<bool>,
    /// Opening hours in a regular week.
    pub opening_hours: Option<f64>,
}

fn band(v: f64, steps: [f64; 5]) -> u8 {
    // steps are the lowest values of scores 5, 4, 3, 2, 1.
    steps.iter().position(|s| v >= *s).map_or(0, |i| 5 - i as u8)
}

impl Rule {
    /// The score (0–5) the rule gives, or `None` when the figure is missing.
    pub fn score(self, o: &Objective) -> Option<u8> {
        match self {
            Rule::IkmGrade => o.ikm_grade.map(|g| match g {
                'A' => 5,
                'B' => 4,
                'C' => 3,
                'D' => 2,
                _ => 0,
            }),
            Rule::ComplaintDeadlines => o.complaint_deadlines.map(|v| band(v, [0.95, 0.85, 0.70, 0.50, 0.0001])),
            Rule::StandardsComplete => o.standards_complete.map(|v| band(v, [0.95, 0.80, 0.60, 0.40, 0.0001])),
            Rule::BookableShare => o.bookable_share.map(|v| band(v, [0.75, 0.50, 0.30, 0.15, 0.0001])),
            // Shorter is better: compare the negated minutes.
            Rule::MedianWait => o.median_wait.map(|m| band(-m, [-10.0, -15.0, -30.0, -45.0, -60.0])),
            Rule::MppDigital => o.mpp_digital.map(|b| if b { 5 } else { 0 }),
            Rule::OssDesk => o.oss_desk.map(|b| if b { 5 } else { 0 }),
            Rule::OpeningHours => o.opening_hours.map(|h| band(h, [45.0, 40.0, 35.0, 30.0, 20.0])),
        }
    }
}

/// The ministry's incentive rule for a cycle; an empty part does not apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IncentiveRule {
    /// The predicate that must be reached at least (e.g. `A-`).
    pub min_predicate: Option<String>,
    /// The IKM grade that must be reached at least (`A` best … `D`).
    pub min_ikm_grade: Option<char>,
    /// No aspect below this score, hundredths (`300` = 3.00).
    pub min_aspect: Option<u32>,
}

/// Why an MPP does not qualify, in codes the pages put in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Shortfall {
    Predicate { needed: String, got: String },
    IkmGrade { needed: char, got: Option<char> },
    Aspect { key: String, needed: u32, got: u32 },
}

impl IncentiveRule {
    pub fn shortfalls(&self, r: &IndexResult, predicates: &[Predicate], ikm: Option<char>) -> Vec<Shortfall> {
        let mut out = Vec::new();
        if let Some(code) = &self.min_predicate {
            let needed = predicates.iter().find(|p| &p.code == code).map_or(u32::MAX, |p| p.min);
            if r.hundredths < needed {
                out.push(Shortfall::Predicate { needed: code.clone(), got: r.predicate.code.clone() });
            }
        }
        if let Some(g) = self.min_ikm_grade {
            // 'A' < 'B' < …: a grade at least as good is one not after it.
            if ikm.is_none_or(|got| got > g) {
                out.push(Shortfall::IkmGrade { needed: g, got: ikm });
            }
        }
        if let Some(min) = self.min_aspect {
            for a in &r.aspects {
                if a.hundredths < min {
                    out.push(Shortfall::Aspect { key: a.key.clone(), needed: min, got: a.hundredths });
                }
            }
        }
        out
    }
}

/// A rubric of the PEKPPP kind: what each level 0–5 means for `what`.
fn rubric(what: &str) -> Vec<String> {
    vec![
        format!("0 — Belum ada {what}."),
        format!("1 — {what} baru direncanakan atau disusun."),
        format!("2 — {what} ada, tetapi belum ditetapkan atau belum diumumkan."),
        format!("3 — {what} ditetapkan dan diumumkan kepada masyarakat."),
        format!("4 — {what} dijalankan dan dievaluasi secara berkala."),
        format!("5 — {what} dijalankan, dievaluasi, dan diperbaiki dari hasil evaluasi; menjadi praktik baik."),
    ]
}

/// Equal weights for `n` indicators that add up to exactly 100 % (the last takes the remainder).
fn equal(n: usize) -> Vec<u32> {
    let each = WHOLE / n as u32;
    let mut w = vec![each; n];
    if let Some(last) = w.last_mut() {
        *last = WHOLE - each * (n as u32 - 1);
    }
    w
}

/// The default instrument: the six PEKPPP aspects with their weights
/// (24/25/18/11/10/12 %), indicators of equal weight inside each, and rules
/// that score from the platform where it holds the figure. Unverified: an
/// instrument is cloned and edited before a cycle opens.
pub fn default_aspects() -> Vec<AspectDef> {
    type Ind = (&'static str, &'static str, &'static str, bool, Option<Rule>);
    let aspects: [(&str, &str, u32, Vec<Ind>); 6] = [
        (
            "kebijakan",
            "Kebijakan Pelayanan",
            2400,
            vec![
                ("standar_pelayanan", "Standar pelayanan", "standar pelayanan", true, Some(Rule::StandardsComplete)),
                ("maklumat", "Maklumat pelayanan", "maklumat pelayanan", true, None),
                ("skm", "Survei kepuasan masyarakat", "survei kepuasan masyarakat", false, Some(Rule::IkmGrade)),
            ],
        ),
        (
            "sdm",
            "Profesionalisme SDM",
            2500,
            vec![
                ("kode_etik", "Kode etik dan kode perilaku pelaksana", "kode etik pelaksana", true, None),
                ("budaya", "Budaya pelayanan (sikap, penampilan, keramahan)", "budaya pelayanan", true, None),
                (
                    "kecepatan",
                    "Kecepatan pelayanan (waktu tunggu)",
                    "pengelolaan waktu tunggu",
                    false,
                    Some(Rule::MedianWait),
                ),
                ("kompetensi", "Pengembangan kompetensi petugas", "pengembangan kompetensi", true, None),
            ],
        ),
        (
            "sarpras",
            "Sarana Prasarana",
            1800,
            vec![
                (
                    "sarana_dasar",
                    "Sarana prasarana dasar (ruang tunggu, toilet, parkir)",
                    "sarana prasarana dasar",
                    true,
                    None,
                ),
                (
                    "kelompok_rentan",
                    "Sarana bagi penyandang disabilitas dan kelompok rentan",
                    "sarana bagi kelompok rentan",
                    true,
                    None,
                ),
                ("jam_layanan", "Jam layanan", "jam layanan yang memadai", false, Some(Rule::OpeningHours)),
            ],
        ),
        (
            "sipp",
            "Sistem Informasi Pelayanan Publik",
            1100,
            vec![
                (
                    "sistem_informasi",
                    "Sistem informasi pelayanan (MPP Digital)",
                    "sistem informasi pelayanan",
                    false,
                    Some(Rule::MppDigital),
                ),
                ("layanan_daring", "Pemesanan dan layanan daring", "layanan daring", false, Some(Rule::BookableShare)),
            ],
        ),
        (
            "pengaduan",
            "Konsultasi dan Pengaduan",
            1000,
            vec![
                ("sarana_pengaduan", "Sarana konsultasi dan pengaduan", "sarana konsultasi dan pengaduan", true, None),
                (
                    "tindak_lanjut",
                    "Tindak lanjut pengaduan tepat waktu",
                    "tindak lanjut pengaduan",
                    false,
                    Some(Rule::ComplaintDeadlines),
                ),
                (
                    "konsultasi_oss",
                    "Konsultasi perizinan berusaha (OSS)",
                    "layanan konsultasi OSS",
                    false,
                    Some(Rule::OssDesk),
                ),
            ],
        ),
        (
            "inovasi",
            "Inovasi",
            1200,
            vec![
                ("inovasi_pelayanan", "Inovasi pelayanan publik", "inovasi pelayanan", true, None),
                ("replikasi", "Replikasi dan keberlanjutan inovasi", "replikasi inovasi", true, None),
            ],
        ),
    ];
    aspects
        .into_iter()
        .map(|(key, name, weight_bp, inds)| {
            let weights = equal(inds.len());
            AspectDef {
                key: key.into(),
                name: name.into(),
                weight_bp,
                indicators: inds
                    .into_iter()
                    .zip(weights)
                    .map(|((key, name, what, evidence_required, rule), weight_bp)| IndicatorDef {
                        key: key.into(),
                        name: name.into(),
                        weight_bp,
                        rubric: rubric(what),
                        evidence_required,
                        rule,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Indicator keys that appear twice (they name scores, so they must be unique).
pub fn repeated_keys(aspects: &[AspectDef]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for k in aspects.iter().map(|a| &a.key).chain(aspects.iter().flat_map(|a| a.indicators.iter().map(|i| &i.key))) {
        if !seen.insert(k.as_str()) && !out.contains(k) {
            out.push(k.clone());
        }
    }
    out
}

/// Predicates must be distinct bands, one of them starting at 0 and none above 5.00.
pub fn predicates_ok(p: &[Predicate]) -> bool {
    let mut mins: Vec<u32> = p.iter().map(|p| p.min).collect();
    mins.sort_unstable();
    mins.dedup();
    mins.len() == p.len()
        && mins.first() == Some(&0)
        && mins.last().is_some_and(|m| *m <= 500)
        && p.iter().all(|p| !p.code.trim().is_empty())
}

/// A percentage with up to two decimals (`"24"`, `"12,5"`, `"33.33"`) as basis points.
pub fn parse_percent(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('%').trim().replace(',', ".");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty() && frac.is_empty()
        || frac.len() > 2
        || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let int: u32 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac: u32 = format!("{frac:0<2}").parse().ok()?;
    let bp = int.checked_mul(100)?.checked_add(frac)?;
    (bp <= WHOLE).then_some(bp)
}

/// A score typed by a person (`3`, `3.5`, `3,25`) in hundredths.
pub fn parse_hundredths(s: &str) -> Option<u32> {
    if s.contains('%') { None } else { parse_percent(s) }
}

/// Basis points as a percentage for people (`2400` → `24`, `1250` → `12,5`).
pub fn format_percent(bp: u32, decimal_comma: bool) -> String {
    let (i, f) = (bp / 100, bp % 100);
    let s = if f == 0 {
        i.to_string()
    } else if f % 10 == 0 {
        format!("{i}.{}", f / 10)
    } else {
        format!("{i}.{f:02}")
    };
    if decimal_comma { s.replace('.', ",") } else { s }
}

/// Hundredths as a two-decimal number (`451` → `4.51`).
pub fn format_hundredths(h: u32, decimal_comma: bool) -> String {
    let s = format!("{}.{:02}", h / 100, h % 100);
    if decimal_comma { s.replace('.', ",") } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(key: &str, w: u32) -> IndicatorDef {
        IndicatorDef {
            key: key.into(),
            name: key.into(),
            weight_bp: w,
            rubric: vec![String::new(); 6],
            evidence_required: false,
            rule: None,
        }
    }

    /// Two aspects: 60 % (indicators 50/50) and 40 % (one indicator 100 %).
    fn small() -> Vec<AspectDef> {
        vec![
            AspectDef {
                key: "a".into(),
                name: "A".into(),
                weight_bp: 6000,
                indicators: vec![ind("a1", 5000), ind("a2", 5000)],
            },
            AspectDef { key: "b".into(), name: "B".into(), weight_bp: 4000, indicators: vec![ind("b1", WHOLE)] },
        ]
    }

    #[test]
    fn the_index_is_the_weighted_sum_computed_exactly_and_rounded_once() {
        let p = default_predicates();
        // By hand: a = (5 + 4) / 2 = 4.5; b = 3; index = 0.6 × 4.5 + 0.4 × 3 = 2.7 + 1.2 = 3.90.
        let scores = |k: &str| match k {
            "a1" => Some(5),
            "a2" => Some(4),
            "b1" => Some(3),
            _ => None,
        };
        let r = index(&small(), &p, scores).unwrap();
        assert_eq!(r.aspects[0].hundredths, 450);
        assert_eq!(r.aspects[1].hundredths, 300);
        assert_eq!(r.exact, 390_000_000);
        assert_eq!(r.hundredths, 390);
        assert_eq!(r.predicate.code, "B");
        // A missing score gives no index; so does one above 5.
        assert!(index(&small(), &p, |k| if k == "b1" { None } else { Some(4) }).is_none());
        assert!(index(&small(), &p, |k| if k == "b1" { Some(6) } else { Some(4) }).is_none());
    }

    #[test]
    fn the_default_aspects_give_the_rounding_and_the_boundaries_exactly() {
        // Six aspects weighted 24/25/18/11/10/12 %, one indicator each.
        let w = [2400, 2500, 1800, 1100, 1000, 1200];
        let aspects: Vec<AspectDef> = w
            .iter()
            .enumerate()
            .map(|(i, w)| AspectDef {
                key: format!("k{i}"),
                name: String::new(),
                weight_bp: *w,
                indicators: vec![ind(&format!("i{i}"), WHOLE)],
            })
            .collect();
        let p = default_predicates();
        let with = |s: [u8; 6]| index(&aspects, &p, |k| k[1..].parse::<usize>().ok().map(|i| s[i])).unwrap();
        // By hand: 5 everywhere but Inovasi (12 %) at 4 → 5 − 0.12 = 4.88 → A.
        let r = with([5, 5, 5, 5, 5, 4]);
        assert_eq!((r.hundredths, r.predicate.code.as_str()), (488, "A"));
        // 4 everywhere but Kebijakan (24 %) at 5 and Konsultasi (10 %) at 5 → 4.34 → A−.
        let r = with([5, 4, 4, 4, 5, 4]);
        assert_eq!((r.hundredths, r.predicate.code.as_str()), (434, "A-"));
        // 5 on Kebijakan, Sarana and Sistem informasi (24 + 18 + 11 = 53 %), 4 elsewhere → 4.53 → A.
        let r = with([5, 4, 5, 5, 4, 4]);
        assert_eq!((r.hundredths, r.predicate.code.as_str()), (453, "A"));
        // At the A boundary: 5 on 51 % and 4 on 49 % is 4.51 (A); 50/50 is 4.50, still A−.
        let two = |w: u32| {
            vec![
                AspectDef { key: "x".into(), name: String::new(), weight_bp: w, indicators: vec![ind("x", WHOLE)] },
                AspectDef {
                    key: "y".into(),
                    name: String::new(),
                    weight_bp: WHOLE - w,
                    indicators: vec![ind("y", WHOLE)],
                },
            ]
        };
        let r = index(&two(5100), &p, |k| Some(if k == "x" { 5 } else { 4 })).unwrap();
        assert_eq!((r.hundredths, r.predicate.code.as_str()), (451, "A"));
        let r = index(&two(5000), &p, |k| Some(if k == "x" { 5 } else { 4 })).unwrap();
        assert_eq!((r.hundredths, r.predicate.code.as_str()), (450, "A-"));
        // 0.5 % at 5 and the rest at 4 is 4.005 exactly: half up gives 4.01 (A−).
        let r = index(&two(50), &p, |k| Some(if k == "x" { 5 } else { 4 })).unwrap();
        assert_eq!((r.exact, r.hundredths, r.predicate.code.as_str()), (400_500_000, 401, "A-"));
        // Boundary rows straight from the bands.
        assert_eq!(predicate_of(&p, 451).unwrap().code, "A");
        assert_eq!(predicate_of(&p, 450).unwrap().code, "A-");
        assert_eq!(predicate_of(&p, 401).unwrap().code, "A-");
        assert_eq!(predicate_of(&p, 400).unwrap().code, "B");
        assert_eq!(predicate_of(&p, 101).unwrap().code, "E");
        assert_eq!(predicate_of(&p, 100).unwrap().code, "F");
        assert_eq!(predicate_of(&p, 0).unwrap().code, "F");
    }

    #[test]
    fn rounding_is_half_up_from_the_exact_value() {
        // One aspect of thirds: 33.33 + 33.33 + 33.34 %; scores 5, 4, 4 → 4.3333 → 4.33.
        let a = vec![AspectDef {
            key: "a".into(),
            name: String::new(),
            weight_bp: WHOLE,
            indicators: vec![ind("x", 3333), ind("y", 3333), ind("z", 3334)],
        }];
        let p = default_predicates();
        let r = index(&a, &p, |k| Some(if k == "x" { 5 } else { 4 })).unwrap();
        assert_eq!(r.exact, 43_333 * WHOLE as u64);
        assert_eq!(r.hundredths, 433);
        // 12.5 % weights: 5 × 0.125 + 4 × 0.875 = 4.125 → half up → 4.13.
        let a = vec![AspectDef {
            key: "a".into(),
            name: String::new(),
            weight_bp: WHOLE,
            indicators: vec![ind("x", 1250), ind("y", 8750)],
        }];
        let r = index(&a, &p, |k| Some(if k == "x" { 5 } else { 4 })).unwrap();
        assert_eq!(r.hundredths, 413);
    }

    #[test]
    fn weights_that_do_not_add_up_are_named() {
        let mut a = small();
        assert!(weight_problems(&a).is_empty());
        a[0].weight_bp = 5000;
        a[1].indicators[0].weight_bp = 9000;
        let p = weight_problems(&a);
        assert_eq!(
            p,
            vec![
                WeightProblem { aspect: None, sum_bp: 9000 },
                WeightProblem { aspect: Some("b".into()), sum_bp: 9000 }
            ]
        );
        assert!(index(&a, &default_predicates(), |_| Some(5)).is_none());
    }

    #[test]
    fn rules_score_the_platform_figures() {
        let o = Objective {
            ikm_grade: Some('B'),
            complaint_deadlines: Some(0.9),
            standards_complete: Some(1.0),
            bookable_share: Some(0.2),
            median_wait: Some(12.0),
            mpp_digital: Some(true),
            oss_desk: Some(false),
            opening_hours: Some(40.0),
        };
        assert_eq!(Rule::IkmGrade.score(&o), Some(4));
        assert_eq!(Rule::ComplaintDeadlines.score(&o), Some(4));
        assert_eq!(Rule::StandardsComplete.score(&o), Some(5));
        assert_eq!(Rule::BookableShare.score(&o), Some(2));
        assert_eq!(Rule::MedianWait.score(&o), Some(4));
        assert_eq!(Rule::MedianWait.score(&Objective { median_wait: Some(61.0), ..o.clone() }), Some(0));
        assert_eq!(Rule::MedianWait.score(&Objective { median_wait: Some(10.0), ..o.clone() }), Some(5));
        assert_eq!(Rule::MppDigital.score(&o), Some(5));
        assert_eq!(Rule::OssDesk.score(&o), Some(0));
        assert_eq!(Rule::OpeningHours.score(&o), Some(4));
        assert_eq!(Rule::ComplaintDeadlines.score(&Objective::default()), None);
        assert_eq!(Rule::ComplaintDeadlines.score(&Objective { complaint_deadlines: Some(0.0), ..o }), Some(0));
    }

    #[test]
    fn the_incentive_rule_names_each_shortfall() {
        let p = default_predicates();
        let rule = IncentiveRule { min_predicate: Some("A-".into()), min_ikm_grade: Some('B'), min_aspect: Some(300) };
        let good = index(&small(), &p, |_| Some(5)).unwrap();
        assert!(rule.shortfalls(&good, &p, Some('A')).is_empty());
        assert!(rule.shortfalls(&good, &p, Some('B')).is_empty());
        assert_eq!(rule.shortfalls(&good, &p, Some('C')), vec![Shortfall::IkmGrade { needed: 'B', got: Some('C') }]);
        assert_eq!(rule.shortfalls(&good, &p, None), vec![Shortfall::IkmGrade { needed: 'B', got: None }]);
        // 3.90 (B) with aspect b at 3.00: the predicate fails, the aspect floor holds at exactly 3.00.
        let mid = index(&small(), &p, |k| {
            Some(match k {
                "a1" => 5,
                "a2" => 4,
                _ => 3,
            })
        })
        .unwrap();
        assert_eq!(
            rule.shortfalls(&mid, &p, Some('A')),
            vec![Shortfall::Predicate { needed: "A-".into(), got: "B".into() }]
        );
        let low = index(&small(), &p, |k| Some(if k == "b1" { 2 } else { 5 })).unwrap();
        assert!(rule.shortfalls(&low, &p, Some('A')).contains(&Shortfall::Aspect {
            key: "b".into(),
            needed: 300,
            got: 200
        }));
        assert!(IncentiveRule::default().shortfalls(&low, &p, None).is_empty());
    }

    #[test]
    fn the_default_instrument_adds_up_and_names_each_indicator_once() {
        let a = default_aspects();
        assert!(weight_problems(&a).is_empty(), "{:?}", weight_problems(&a));
        assert!(repeated_keys(&a).is_empty());
        assert_eq!(a.iter().map(|a| a.weight_bp).collect::<Vec<_>>(), vec![2400, 2500, 1800, 1100, 1000, 1200]);
        assert!(a.iter().flat_map(|a| &a.indicators).all(|i| i.rubric.len() == 6));
        assert!(predicates_ok(&default_predicates()));
        // All fives are 5.00, all zeros are F.
        assert_eq!(index(&a, &default_predicates(), |_| Some(5)).unwrap().hundredths, 500);
        assert_eq!(index(&a, &default_predicates(), |_| Some(0)).unwrap().predicate.code, "F");
        let mut twice = a.clone();
        twice[1].indicators[0].key = "skm".into();
        assert_eq!(repeated_keys(&twice), vec!["skm".to_string()]);
    }

    #[test]
    fn percentages_are_read_exactly() {
        assert_eq!(parse_percent("24"), Some(2400));
        assert_eq!(parse_percent("12,5"), Some(1250));
        assert_eq!(parse_percent("33.33 %"), Some(3333));
        assert_eq!(parse_percent("100"), Some(WHOLE));
        assert_eq!(parse_percent("100.01"), None);
        assert_eq!(parse_percent("1.234"), None);
        assert_eq!(parse_percent("-5"), None);
        assert_eq!(parse_percent(""), None);
        assert_eq!(format_percent(1250, true), "12,5");
        assert_eq!(format_percent(3333, false), "33.33");
        assert_eq!(format_percent(2400, true), "24");
        assert_eq!(format_hundredths(451, true), "4,51");
    }
}
