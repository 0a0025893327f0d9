//! Catalogue search that tolerates typos and partial words, in Indonesian and English.
//!
//! An in-memory inverted index: each folded word of a service's texts maps to the
//! services that contain it, with the weight of the field it came from. A query
//! word matches index words exactly, by a shared light Indonesian stem
//! (`perpanjangan` ~ `perpanjang`), as a prefix (`perpanj`), or within a small edit
//! distance (`pasport` ~ `paspor`). The whole catalogue of all 514 regencies is
//! small enough (≈ 80k services) to scan the vocabulary per query word.

use std::collections::HashMap;

use crate::catalog::Category;
use crate::text::fold;

/// Field weights: a word in a service's name counts more than one in its requirements.
pub mod weight {
    pub const NAME: f32 = 3.0;
    pub const CODE: f32 = 3.0;
    pub const SUMMARY: f32 = 1.5;
    pub const PROVIDER: f32 = 1.5;
    pub const CATEGORY: f32 = 1.2;
    pub const PLACE: f32 = 1.0;
    pub const PRODUCT: f32 = 1.0;
    pub const DETAIL: f32 = 0.4;
}

const STOPWORDS: &[&str] = &[
    "dan", "atau", "di", "ke", "dari", "yang", "untuk", "dengan", "pada", "dalam", "oleh", "the", "of", "and", "for",
    "a", "an", "to", "in", "at", "by",
];

/// A service as the index sees it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: i64,
    pub mpp_id: i64,
    pub provider_id: i64,
    pub category: Category,
    /// Weighted texts (see [`weight`]).
    pub fields: Vec<(f32, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    pub mpp_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub category: Option<Category>,
    /// Only these MPPs (a regency filter), when given.
    pub within: Option<Vec<i64>>,
    /// MPPs whose services come first, in this order (the visitor's regency, or the
    /// nearest MPPs from their location); the rest follow by relevance.
    pub near: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub score: f32,
}

struct Meta {
    mpp_id: i64,
    provider_id: i64,
    category: Category,
    terms: Vec<u32>,
}

#[derive(Default)]
pub struct Index {
    term_ids: HashMap<String, u32>,
    terms: Vec<String>,
    by_stem: HashMap<String, Vec<u32>>,
    postings: Vec<HashMap<i64, f32>>,
    docs: HashMap<i64, Meta>,
}

/// Candidate stems of a folded word: the word without Indonesian particles,
/// possessives and derivational affixes. Several candidates are returned where
/// the prefix hides the root's first letter (`penerbitan` → `erbit`, `terbit`).
pub fn stems(word: &str) -> Vec<String> {
    let mut w = word.to_string();
    let n = |s: &str| s.chars().count();
    if n(&w) < 5 || w.bytes().any(|b| b.is_ascii_digit()) {
        return vec![w];
    }
    for suf in ["lah", "kah", "tah", "pun"] {
        if w.ends_with(suf) && n(&w) - suf.len() >= 4 {
            w.truncate(w.len() - suf.len());
            break;
        }
    }
    for suf in ["nya", "ku", "mu"] {
        if w.ends_with(suf) && n(&w) - suf.len() >= 4 {
            w.truncate(w.len() - suf.len());
            break;
        }
    }
    for suf in ["kan", "an", "i"] {
        if w.ends_with(suf) && n(&w) - suf.len() >= 4 {
            w.truncate(w.len() - suf.len());
            break;
        }
    }
    let mut out = vec![w.clone()];
    // Prefixes, with the root letter that nasal prefixes swallow.
    const PREFIXES: &[(&str, &[&str])] = &[
        ("meng", &["", "k"]),
        ("peng", &["", "k"]),
        ("meny", &["s"]),
        ("peny", &["s"]),
        ("mem", &["", "p"]),
        ("pem", &["", "p"]),
        ("men", &["", "t"]),
        ("pen", &["", "t"]),
        ("ber", &[""]),
        ("ter", &[""]),
        ("per", &[""]),
        ("me", &[""]),
        ("pe", &[""]),
        ("be", &[""]),
        ("di", &[""]),
        ("ke", &[""]),
        ("se", &[""]),
    ];
    let mut current = vec![w];
    for _round in 0..2 {
        let mut next = Vec::new();
        for base in &current {
            if let Some((p, restores)) = PREFIXES.iter().find(|(p, _)| base.starts_with(p) && n(base) - p.len() >= 4) {
                let rest = &base[p.len()..];
                let starts_with_vowel = rest.starts_with(['a', 'e', 'i', 'o', 'u']);
                for r in restores.iter() {
                    if !r.is_empty() && !starts_with_vowel {
                        continue;
                    }
                    next.push(format!("{r}{rest}"));
                }
            }
        }
        if next.is_empty() {
            break;
        }
        out.extend(next.iter().cloned());
        current = next;
    }
    out.sort();
    out.dedup();
    out
}

pub fn tokens(text: &str) -> Vec<String> {
    fold(text).split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// The similarity of a query word to an index word, if they match at all.
fn similarity(q: &str, q_len: usize, term: &str) -> Option<f32> {
    if term == q {
        return Some(1.0);
    }
    let t_len = term.chars().count();
    if t_len > q_len && term.starts_with(q) {
        return match q_len {
            0..=1 => None,
            2 => Some(0.4),
            _ => Some(0.85),
        };
    }
    if q_len >= 4 && t_len.abs_diff(q_len) <= 2 {
        let d = strsim::osa_distance(q, term);
        if d <= 1 {
            return Some(0.7);
        }
        if d == 2 && q_len >= 7 {
            return Some(0.55);
        }
    }
    // A partial word with a typo: compare with the start of the longer word.
    if q_len >= 5 && t_len > q_len + 1 {
        let head: String = term.chars().take(q_len).collect();
        if strsim::osa_distance(q, &head) <= 1 {
            return Some(0.6);
        }
    }
    None
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn contains(&self, id: i64) -> bool {
        self.docs.contains_key(&id)
    }

    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(id) = self.term_ids.get(term) {
            return *id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(term.to_string());
        self.term_ids.insert(term.to_string(), id);
        self.postings.push(HashMap::new());
        for s in stems(term) {
            self.by_stem.entry(s).or_default().push(id);
        }
        id
    }

    /// Add or replace a document.
    pub fn upsert(&mut self, doc: Doc) {
        self.remove(doc.id);
        let mut best: HashMap<u32, f32> = HashMap::new();
        for (w, text) in &doc.fields {
            for tok in tokens(text) {
                let id = self.term_id(&tok);
                let e = best.entry(id).or_insert(0.0);
                if *w > *e {
                    *e = *w;
                }
            }
        }
        for (term, w) in &best {
            self.postings[*term as usize].insert(doc.id, *w);
        }
        self.docs.insert(
            doc.id,
            Meta {
                mpp_id: doc.mpp_id,
                provider_id: doc.provider_id,
                category: doc.category,
                terms: best.into_keys().collect(),
            },
        );
    }

    pub fn remove(&mut self, id: i64) {
        if let Some(meta) = self.docs.remove(&id) {
            for t in meta.terms {
                self.postings[t as usize].remove(&id);
            }
        }
    }

    fn passes(&self, q: &Query, meta: &Meta) -> bool {
        q.mpp_id.is_none_or(|m| m == meta.mpp_id)
            && q.within.as_ref().is_none_or(|w| w.contains(&meta.mpp_id))
            && q.provider_id.is_none_or(|p| p == meta.provider_id)
            && q.category.is_none_or(|c| c == meta.category)
    }

    /// Matching term ids and their similarity for one query word.
    fn expand(&self, word: &str) -> HashMap<u32, f32> {
        let mut found: HashMap<u32, f32> = HashMap::new();
        let mut note = |id: u32, s: f32| {
            let e = found.entry(id).or_insert(0.0);
            if s > *e {
                *e = s;
            }
        };
        for s in stems(word) {
            if s.chars().count() >= 4 || s == word {
                for id in self.by_stem.get(&s).into_iter().flatten() {
                    note(*id, if self.terms[*id as usize] == word { 1.0 } else { 0.9 });
                }
            }
        }
        let q_len = word.chars().count();
        for (id, term) in self.terms.iter().enumerate() {
            if let Some(s) = similarity(word, q_len, term) {
                note(id as u32, s);
            }
        }
        found.retain(|id, _| !self.postings[*id as usize].is_empty());
        found
    }

    /// Services matching every query word (or, failing that, the most words),
    /// best first. An empty query lists every service that passes the filters.
    pub fn search(&self, q: &Query, limit: usize) -> Vec<Hit> {
        let mut words = tokens(&q.text);
        let meaningful: Vec<String> = words.iter().filter(|w| !STOPWORDS.contains(&w.as_str())).cloned().collect();
        if !meaningful.is_empty() {
            words = meaningful;
        }
        words.dedup();
        let mut hits: Vec<Hit>;
        if words.is_empty() {
            hits = self
                .docs
                .iter()
                .filter(|(_, m)| self.passes(q, m))
                .map(|(id, _)| Hit { id: *id, score: 0.0 })
                .collect();
        } else {
            // doc → (words matched, score)
            let mut acc: HashMap<i64, (usize, f32)> = HashMap::new();
            for word in &words {
                let mut per_doc: HashMap<i64, f32> = HashMap::new();
                for (term, sim) in self.expand(word) {
                    for (doc, w) in &self.postings[term as usize] {
                        let s = sim * w;
                        let e = per_doc.entry(*doc).or_insert(0.0);
                        if s > *e {
                            *e = s;
                        }
                    }
                }
                for (doc, s) in per_doc {
                    let e = acc.entry(doc).or_insert((0, 0.0));
                    e.0 += 1;
                    e.1 += s;
                }
            }
            let need = words.len();
            let all: Vec<Hit> = acc
                .iter()
                .filter(|(id, (n, _))| *n == need && self.docs.get(id).is_some_and(|m| self.passes(q, m)))
                .map(|(id, (_, s))| Hit { id: *id, score: *s })
                .collect();
            hits = if !all.is_empty() || need == 1 {
                all
            } else {
                let best = acc
                    .iter()
                    .filter(|(id, _)| self.docs.get(id).is_some_and(|m| self.passes(q, m)))
                    .map(|(_, (n, _))| *n)
                    .max()
                    .unwrap_or(0);
                acc.iter()
                    .filter(|(id, (n, _))| {
                        *n == best && best > 0 && self.docs.get(id).is_some_and(|m| self.passes(q, m))
                    })
                    .map(|(id, (_, s))| Hit { id: *id, score: *s })
                    .collect()
            };
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        if !q.near.is_empty() {
            // Stable: within one MPP (and among the rest) relevance keeps its order.
            let rank: HashMap<i64, usize> = q.near.iter().enumerate().map(|(i, m)| (*m, i)).collect();
            hits.sort_by_key(|h| self.docs.get(&h.id).and_then(|m| rank.get(&m.mpp_id).copied()).unwrap_or(usize::MAX));
        }
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: i64, mpp: i64, name: &str, detail: &str) -> Doc {
        Doc {
            id,
            mpp_id: mpp,
            provider_id: mpp * 10,
            category: Category::Lainnya,
            fields: vec![(weight::NAME, name.into()), (weight::DETAIL, detail.into())],
        }
    }

    fn index() -> Index {
        let mut ix = Index::new();
        ix.upsert(doc(1, 1, "Penerbitan Paspor Biasa Baru", "KTP-el, Kartu Keluarga"));
        ix.upsert(doc(2, 2, "Penggantian Paspor Hilang", "surat keterangan hilang dari kepolisian"));
        ix.upsert(doc(3, 1, "Perpanjangan SIM A", "SIM lama, KTP-el"));
        ix.upsert(doc(4, 1, "Pembuatan Akta Kelahiran", "surat keterangan lahir"));
        ix.upsert(doc(5, 3, "Pendaftaran Peserta BPJS Kesehatan", "KTP-el"));
        ix.upsert(doc(6, 1, "Penerbitan SKCK Baru", "pas foto"));
        ix
    }

    fn ids(hits: Vec<Hit>) -> Vec<i64> {
        hits.into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn near_mpps_come_first_and_within_filters() {
        let ix = index();
        let q = |near: Vec<i64>, within: Option<Vec<i64>>| Query {
            text: "paspor".into(),
            near,
            within,
            ..Query::default()
        };
        let plain = ids(ix.search(&q(vec![], None), 10));
        assert_eq!(plain.len(), 2);
        assert_eq!(ids(ix.search(&q(vec![2], None), 10)), vec![2, 1], "MPP 2 first");
        assert_eq!(ids(ix.search(&q(vec![1, 2], None), 10)), vec![1, 2]);
        assert_eq!(ids(ix.search(&q(vec![], Some(vec![2])), 10)), vec![2], "only MPP 2");
        assert!(ids(ix.search(&q(vec![], Some(vec![])), 10)).is_empty(), "a regency without an MPP has nothing");
        // Browsing (no words) keeps the near MPP's services first too.
        let browse = Query { near: vec![3], ..Query::default() };
        assert_eq!(ids(ix.search(&browse, 10))[0], 5);
    }

    #[test]
    fn stems_strip_affixes() {
        assert!(stems("perpanjangan").contains(&"panjang".to_string()));
        assert!(stems("pendaftaran").contains(&"daftar".to_string()));
        assert!(stems("kelahiran").contains(&"lahir".to_string()));
        assert!(stems("penerbitan").contains(&"terbit".to_string()));
        assert!(stems("pembuatan").contains(&"buat".to_string()));
        assert_eq!(stems("sim"), vec!["sim"]);
    }

    #[test]
    fn finds_across_mpps() {
        let mut hits = ids(index().search(&Query { text: "paspor".into(), ..Query::default() }, 10));
        hits.sort();
        assert_eq!(hits, vec![1, 2]);
    }

    #[test]
    fn tolerates_typos_and_partial_words() {
        let ix = index();
        let q = |t: &str| ids(ix.search(&Query { text: t.into(), ..Query::default() }, 10));
        assert_eq!(q("pasport")[..2].iter().copied().collect::<std::collections::BTreeSet<_>>(), [1, 2].into());
        assert_eq!(q("kelahiarn"), vec![4]);
        assert_eq!(q("perpanj sim"), vec![3]);
        assert_eq!(q("akta lahir"), vec![4]);
        assert_eq!(q("daftar bpjs"), vec![5]);
        assert_eq!(q("pasp hilang"), vec![2]);
    }

    #[test]
    fn name_matches_rank_above_detail_matches() {
        let ix = index();
        // "hilang" is in 2's name; "keterangan" only in details.
        let hits = ix.search(&Query { text: "ktp".into(), ..Query::default() }, 10);
        assert!(hits.len() >= 3);
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn filters_apply() {
        let ix = index();
        let hits = ids(ix.search(&Query { text: "paspor".into(), mpp_id: Some(2), ..Query::default() }, 10));
        assert_eq!(hits, vec![2]);
        let all_in_1 = ix.search(&Query { mpp_id: Some(1), ..Query::default() }, 100);
        assert_eq!(all_in_1.len(), 4);
    }

    #[test]
    fn unrelated_words_find_nothing() {
        let ix = index();
        assert!(ix.search(&Query { text: "zebra".into(), ..Query::default() }, 10).is_empty());
    }

    #[test]
    fn replacing_and_removing_documents() {
        let mut ix = index();
        ix.upsert(doc(1, 1, "Legalisir Dokumen", ""));
        let hits = ids(ix.search(&Query { text: "paspor".into(), ..Query::default() }, 10));
        assert_eq!(hits, vec![2]);
        ix.remove(2);
        assert!(ix.search(&Query { text: "paspor".into(), ..Query::default() }, 10).is_empty());
        assert_eq!(ix.len(), 5);
    }

    #[test]
    fn falls_back_to_most_words_matched() {
        let ix = index();
        // "zebra" matches nothing, "skck" matches 6: show 6 rather than nothing.
        assert_eq!(ids(ix.search(&Query { text: "skck zebra".into(), ..Query::default() }, 10)), vec![6]);
    }
}
