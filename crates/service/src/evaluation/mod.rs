//! The yearly MPP evaluation: instruments first (aspects, indicators, rubrics,
//! predicate bands). The seeded default is frozen as published; the national
//! admin clones it and edits the copy, which stays editable until a cycle
//! opens with it. Every change is audited.

use chrono::{DateTime, Utc};
use satuatap_domain::Invalid;
use satuatap_domain::evaluation::{
    AspectDef, MAX_SCORE, Predicate, WeightProblem, predicates_ok, repeated_keys, weight_problems,
};
use satuatap_domain::validate::Checker;
use serde::{Deserialize, Serialize};

use crate::{Actor, App, Error, Refusal, Result, audit};

pub mod cycle;
pub mod evidence;
pub mod incentive;
mod notify;
pub mod objective;
pub mod results;

/// An instrument as shown and served, with what is wrong with its weights.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InstrumentView {
    pub id: i64,
    pub name: String,
    /// The instrument this one was cloned from.
    pub based_on: Option<i64>,
    /// Frozen instruments never change (the default, and any a cycle has used).
    pub frozen: bool,
    pub aspects: Vec<AspectDef>,
    pub predicates: Vec<Predicate>,
    /// Empty when every weight adds up; otherwise the sums found.
    pub weight_problems: Vec<WeightProblem>,
    pub indicators: usize,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<satuatap_store::evaluation::InstrumentRow> for InstrumentView {
    fn from(r: satuatap_store::evaluation::InstrumentRow) -> Self {
        InstrumentView {
            weight_problems: weight_problems(&r.aspects),
            indicators: r.aspects.iter().map(|a| a.indicators.len()).sum(),
            id: r.id,
            name: r.name,
            based_on: r.based_on,
            frozen: r.frozen,
            aspects: r.aspects,
            predicates: r.predicates,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A copy of an instrument.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CloneInput {
    /// Default: "Salinan dari …".
    pub name: Option<String>,
}

/// The whole content of an instrument; a part left out stays as it is.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct InstrumentInput {
    pub name: Option<String>,
    pub aspects: Option<Vec<AspectDef>>,
    pub predicates: Option<Vec<Predicate>>,
}

fn key_ok(k: &str) -> bool {
    !k.is_empty() && k.len() <= 40 && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Every problem of an instrument's content as field errors (`aspects.2.weight_bp`, …).
fn check(c: &mut Checker, aspects: &[AspectDef], predicates: &[Predicate]) {
    if aspects.is_empty() || aspects.len() > 20 {
        c.push("aspects", Invalid::OutOfRange { min: 1, max: 20 });
    }
    for (ai, a) in aspects.iter().enumerate() {
        let at = |f: &str| format!("aspects.{ai}.{f}");
        if !key_ok(&a.key) {
            c.push(&at("key"), Invalid::Format { hint: "ev-key-format" });
        }
        if a.name.trim().is_empty() {
            c.push(&at("name"), Invalid::Required);
        } else if a.name.chars().count() > 200 {
            c.push(&at("name"), Invalid::TooLong { max: 200 });
        }
        if a.indicators.is_empty() || a.indicators.len() > 40 {
            c.push(&at("indicators"), Invalid::OutOfRange { min: 1, max: 40 });
        }
        for (ii, i) in a.indicators.iter().enumerate() {
            let at = |f: &str| format!("aspects.{ai}.indicators.{ii}.{f}");
            if !key_ok(&i.key) {
                c.push(&at("key"), Invalid::Format { hint: "ev-key-format" });
            }
            if i.name.trim().is_empty() {
                c.push(&at("name"), Invalid::Required);
            } else if i.name.chars().count() > 300 {
                c.push(&at("name"), Invalid::TooLong { max: 300 });
            }
            if i.rubric.len() != usize::from(MAX_SCORE) + 1 {
                c.push(&at("rubric"), Invalid::Format { hint: "ev-rubric-six" });
            } else if i.rubric.iter().any(|l| l.chars().count() > 1000) {
                c.push(&at("rubric"), Invalid::TooLong { max: 1000 });
            }
        }
    }
    for p in weight_problems(aspects) {
        match p.aspect {
            None => c.push("aspects", Invalid::Format { hint: "ev-weights-aspects" }),
            Some(key) => {
                let ai = aspects.iter().position(|a| a.key == key).unwrap_or(0);
                c.push(&format!("aspects.{ai}.indicators"), Invalid::Format { hint: "ev-weights-indicators" });
            }
        }
    }
    if !repeated_keys(aspects).is_empty() {
        c.push("aspects", Invalid::Format { hint: "ev-key-repeated" });
    }
    if !predicates_ok(predicates) || predicates.len() > 20 {
        c.push("predicates", Invalid::Format { hint: "ev-predicates" });
    }
    for (pi, p) in predicates.iter().enumerate() {
        if p.code.chars().count() > 8 || p.label.chars().count() > 80 {
            c.push(&format!("predicates.{pi}"), Invalid::TooLong { max: 80 });
        }
    }
}

impl App {
    /// Every instrument (public: they are the published rules of the evaluation).
    pub async fn instruments(&self) -> Result<Vec<InstrumentView>> {
        let mut r = self.store.read().await?;
        Ok(r.instruments().await?.into_iter().map(InstrumentView::from).collect())
    }

    pub async fn instrument(&self, id: i64) -> Result<InstrumentView> {
        let mut r = self.store.read().await?;
        r.instrument(id).await?.map(InstrumentView::from).ok_or(Error::NotFound)
    }

    /// A copy of an instrument the national admin can edit.
    pub async fn clone_instrument(&self, actor: &Actor, id: i64, input: &CloneInput) -> Result<InstrumentView> {
        actor.require(actor.is_national())?;
        let mut c = Checker::new();
        let name = c.opt_text("name", input.name.as_deref(), 160);
        c.finish(()).map_err(Error::Invalid)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let from = tx.instrument(id).await?.ok_or(Error::NotFound)?;
        let name = name.unwrap_or_else(|| format!("Salinan dari {}", from.name));
        let new = tx.insert_instrument(&name, Some(from.id), &from.aspects, &from.predicates, now).await?;
        let row = tx.instrument(new).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "eval_instrument", new, "clone"),
            None::<&()>,
            Some(&serde_json::json!({"name": row.name, "based_on": from.id})),
        )
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// Replace an instrument's name, aspects or predicates. Refused when frozen;
    /// weights that do not add up are named field by field and nothing is saved.
    pub async fn update_instrument(&self, actor: &Actor, id: i64, input: &InstrumentInput) -> Result<InstrumentView> {
        actor.require(actor.is_national())?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let before = tx.instrument(id).await?.ok_or(Error::NotFound)?;
        if before.frozen {
            return Err(Error::refused(Refusal::InstrumentFrozen));
        }
        let mut c = Checker::new();
        let name = match input.name.as_deref() {
            Some(n) => c.text("name", n, 160),
            None => before.name.clone(),
        };
        let aspects = input.aspects.clone().unwrap_or_else(|| before.aspects.clone());
        let predicates = input.predicates.clone().unwrap_or_else(|| before.predicates.clone());
        check(&mut c, &aspects, &predicates);
        c.finish(()).map_err(Error::Invalid)?;
        let aspects: Vec<AspectDef> = aspects
            .into_iter()
            .map(|mut a| {
                a.name = a.name.trim().to_string();
                for i in &mut a.indicators {
                    i.name = i.name.trim().to_string();
                }
                a
            })
            .collect();
        if !tx.update_instrument(id, &name, &aspects, &predicates, now).await? {
            return Err(Error::refused(Refusal::InstrumentFrozen));
        }
        let after = tx.instrument(id).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(None, "eval_instrument", id, "update"),
            Some(&InstrumentView::from(before)),
            Some(&InstrumentView::from(after.clone())),
        )
        .await?;
        tx.commit().await?;
        Ok(after.into())
    }
}
