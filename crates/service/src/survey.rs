//! The satisfaction survey: taking it (after a finished ticket, with a one-time
//! code, on the counter's tablet, or typed in from paper by staff), the IKM
//! report for any scope and period, and follow-up items for suggestions.

use chrono::{Duration, NaiveDate};
use satuatap_domain::Invalid;
use satuatap_domain::survey::{
    AGE_BANDS, Answers, EDUCATION, ELEMENTS, Element, FollowupStatus, OCCUPATIONS, Period, SEXES, Tally,
    required_sample,
};
use satuatap_domain::validate::Checker;
use satuatap_store::survey::{GroupBy, Scope};
use satuatap_store::{FollowupRow, NewSurveyResponse, SuggestionRow, SurveyCodeRow, TallyRow, TicketRow};
use serde::{Deserialize, Serialize};

use crate::input::{Loose, loose};
use crate::{Actor, App, Error, Refusal, Result, audit};

/// How long after a visit its survey can still be taken.
const TICKET_SURVEY_DAYS: i64 = 14;
/// How long after a ticket finishes the counter's tablet offers its survey.
const TABLET_WINDOW_MINUTES: i64 = 20;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"u1": 4, "u2": 3, "u3": 3, "u4": 4, "u5": 4, "u6": 4, "u7": 4, "u8": 3, "u9": 3,
    "suggestion": "Kursi ruang tunggu kurang."}))]
pub struct SurveyInput {
    /// U1–U9, each 1–4 (the official answer labels, in order).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub u1: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub u2: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub u3: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub u4: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub u5: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub u6: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub u7: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub u8: Loose<i64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = i64)]
    pub u9: Loose<i64>,
    #[serde(default)]
    pub suggestion: Option<String>,
    /// `L` or `P`.
    #[serde(default)]
    pub sex: Option<String>,
    /// `<20`, `20-29`, `30-39`, `40-49`, `50-59`, `60+`.
    #[serde(default)]
    pub age_band: Option<String>,
    /// `sd`, `smp`, `sma`, `diploma`, `s1`, `s2`, `s3`.
    #[serde(default)]
    pub education: Option<String>,
    /// `pns`, `tni_polri`, `swasta`, `wirausaha`, `pelajar`, `ibu_rumah_tangga`, `lainnya`.
    #[serde(default)]
    pub occupation: Option<String>,
    /// Paper surveys typed in by staff: the day it was filled in (default today).
    #[serde(default)]
    pub day: Option<String>,
}

impl SurveyInput {
    fn answer(&self, e: Element) -> &Loose<i64> {
        match e {
            Element::U1 => &self.u1,
            Element::U2 => &self.u2,
            Element::U3 => &self.u3,
            Element::U4 => &self.u4,
            Element::U5 => &self.u5,
            Element::U6 => &self.u6,
            Element::U7 => &self.u7,
            Element::U8 => &self.u8,
            Element::U9 => &self.u9,
        }
    }

    /// The chosen answer of an element (forms show it again after an error).
    pub fn chosen(&self, e: Element) -> Option<i64> {
        self.answer(e).as_ref().and_then(|v| v.as_ref().ok().copied())
    }
}

/// A valid response, ready to store.
struct Parsed {
    answers: Answers,
    suggestion: Option<String>,
    sex: Option<String>,
    age_band: Option<String>,
    education: Option<String>,
    occupation: Option<String>,
}

fn parse(input: &SurveyInput) -> Result<Parsed> {
    let mut c = Checker::new();
    let mut values = [0u8; 9];
    for e in ELEMENTS {
        let field = e.code().to_ascii_lowercase();
        match input.answer(e) {
            None => c.push(&field, Invalid::Required),
            Some(Ok(v)) if (1..=4).contains(v) => values[e.index()] = *v as u8,
            Some(_) => c.push(&field, Invalid::OutOfRange { min: 1, max: 4 }),
        }
    }
    let suggestion = c.opt_text("suggestion", input.suggestion.as_deref(), 2000);
    let mut choice = |field: &str, v: &Option<String>, allowed: &[&str]| {
        let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        if allowed.contains(&v) {
            Some(v.to_string())
        } else {
            c.push(field, Invalid::NotAllowed);
            None
        }
    };
    let sex = choice("sex", &input.sex, &SEXES);
    let age_band = choice("age_band", &input.age_band, &AGE_BANDS);
    let education = choice("education", &input.education, &EDUCATION);
    let occupation = choice("occupation", &input.occupation, &OCCUPATIONS);
    c.finish(Parsed { answers: Answers(values), suggestion, sex, age_band, education, occupation })
        .map_err(Error::Invalid)
}

/// What a survey is about, for its page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveyTarget {
    pub mpp_id: i64,
    pub mpp_slug: String,
    pub mpp_name: String,
    pub provider_id: i64,
    pub provider_name: String,
    pub service_id: i64,
    pub service_name: String,
    pub service_name_en: Option<String>,
    /// Already answered: the survey is closed for this ticket or code.
    pub answered: bool,
    /// The ticket's code (`A-012`) when the survey is about a visit.
    pub ticket_code: Option<String>,
}

/// One element's result in a report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ElementResult {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// Mean answer, 1–4.
    pub nrr: f64,
    /// The NRR times 25 (the element's own 25–100 score).
    pub score: f64,
}

/// IKM of one group (an MPP, provider or service) in a breakdown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroupResult {
    pub id: i64,
    /// For a service: its provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<i64>,
    pub name: String,
    pub respondents: u64,
    pub served: u64,
    /// `88.31`; `None` without respondents.
    pub ikm: Option<String>,
    pub grade: Option<&'static str>,
}

/// The IKM report for a scope and period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IkmReport {
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub respondents: u64,
    /// People served (tickets finished as served) in the period: the survey's population.
    pub served: u64,
    /// Krejcie–Morgan sample for that population.
    pub required_sample: u64,
    /// Enough respondents, and no more than the people served.
    pub sample_reached: bool,
    /// More respondents than people served (paper forms entered beyond the
    /// visits): the figures need checking before they are reported.
    pub respondents_exceed_served: bool,
    /// `88.31` (exact weight 1/9, rounded half up to hundredths); `None` without respondents.
    pub ikm: Option<String>,
    pub ikm_centi: Option<u64>,
    pub grade: Option<&'static str>,
    pub grade_label: Option<&'static str>,
    pub grade_label_en: Option<&'static str>,
    /// U1–U9 in code order.
    pub elements: Vec<ElementResult>,
    /// The three lowest-scoring elements, lowest first.
    pub weakest: Vec<&'static str>,
    pub breakdown: Vec<GroupResult>,
}

fn tally_of(row: &TallyRow) -> Tally {
    Tally { n: row.responses.max(0) as u64, sums: row.sums().map(|s| s.max(0) as u64) }
}

fn report(period: &Period, total: &TallyRow, breakdown: Vec<GroupResult>) -> IkmReport {
    let (from, to) = period.bounds();
    let t = tally_of(total);
    let result = t.result();
    let served = total.served.max(0) as u64;
    let required = required_sample(served);
    IkmReport {
        period: period.key(),
        from,
        to,
        respondents: t.n,
        served,
        required_sample: required,
        sample_reached: t.n > 0 && t.n >= required && t.n <= served,
        respondents_exceed_served: t.n > served,
        ikm: result.map(|r| r.text()),
        ikm_centi: result.map(|r| r.centi),
        grade: result.map(|r| r.grade.letter()),
        grade_label: result.map(|r| r.grade.label()),
        grade_label_en: result.map(|r| r.grade.label_en()),
        elements: ELEMENTS
            .into_iter()
            .filter_map(|e| {
                t.nrr(e).map(|nrr| ElementResult {
                    code: e.code(),
                    name: e.name(),
                    name_en: e.name_en(),
                    nrr,
                    score: nrr * 25.0,
                })
            })
            .collect(),
        weakest: t.weakest().into_iter().take(3).map(|(e, _)| e.code()).collect(),
        breakdown,
    }
}

/// The sum of rollup rows (a total from its breakdown).
fn sum_rows(rows: &[TallyRow]) -> TallyRow {
    let mut t =
        TallyRow { id: 0, served: 0, responses: 0, s1: 0, s2: 0, s3: 0, s4: 0, s5: 0, s6: 0, s7: 0, s8: 0, s9: 0 };
    for r in rows {
        t.served += r.served;
        t.responses += r.responses;
        t.s1 += r.s1;
        t.s2 += r.s2;
        t.s3 += r.s3;
        t.s4 += r.s4;
        t.s5 += r.s5;
        t.s6 += r.s6;
        t.s7 += r.s7;
        t.s8 += r.s8;
        t.s9 += r.s9;
    }
    t
}

fn group_result(row: &TallyRow, name: String) -> GroupResult {
    let t = tally_of(row);
    let r = t.result();
    GroupResult {
        id: row.id,
        provider_id: None,
        name,
        respondents: t.n,
        served: row.served.max(0) as u64,
        ikm: r.map(|r| r.text()),
        grade: r.map(|r| r.grade.letter()),
    }
}

impl App {
    /// The current quarter in an MPP's zone (the default reporting period).
    pub fn current_quarter(&self, tz: chrono_tz::Tz) -> Period {
        Period::quarter_of(self.now().with_timezone(&tz).date_naive())
    }

    async fn ticket_for_survey(&self, token: &str) -> Result<TicketRow> {
        let mut r = self.store.read().await?;
        let t = r.ticket_by_token(token).await?.ok_or(Error::NotFound)?;
        let recent = t.finished_at.is_some_and(|f| self.now() - f < Duration::days(TICKET_SURVEY_DAYS));
        if t.outcome.as_deref() != Some("served") || !recent {
            return Err(Error::refused(Refusal::SurveyNotOpen));
        }
        Ok(t)
    }

    async fn target(&self, mpp_id: i64, provider_id: i64, service_id: i64) -> Result<SurveyTarget> {
        let mut r = self.store.read().await?;
        let m = r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let p = r.provider(provider_id).await?.ok_or(Error::NotFound)?;
        let s = r.service(service_id).await?.ok_or(Error::NotFound)?;
        Ok(SurveyTarget {
            mpp_id,
            mpp_slug: m.slug,
            mpp_name: m.name,
            provider_id,
            provider_name: p.name,
            service_id,
            service_name: s.name,
            service_name_en: s.name_en,
            answered: false,
            ticket_code: None,
        })
    }

    /// The survey of a finished visit, by its ticket's token.
    pub async fn survey_for_ticket(&self, token: &str) -> Result<SurveyTarget> {
        let t = self.ticket_for_survey(token).await?;
        let mut target = self.target(t.mpp_id, t.provider_id, t.service_id).await?;
        let mut r = self.store.read().await?;
        target.answered = r.survey_response_of_ticket(t.id).await?.is_some();
        target.ticket_code = Some(t.code);
        Ok(target)
    }

    /// The survey behind a one-time code.
    pub async fn survey_for_code(&self, code: &str) -> Result<(SurveyTarget, SurveyCodeRow)> {
        let code = normalize_survey_code(code);
        let mut r = self.store.read().await?;
        let c = r.survey_code(&code).await?.ok_or(Error::NotFound)?;
        drop(r);
        let mut target = self.target(c.mpp_id, c.provider_id, c.service_id).await?;
        target.answered = c.used_at.is_some();
        Ok((target, c))
    }

    async fn store_response(&self, mut new: NewSurveyResponse, code_id: Option<i64>) -> Result<i64> {
        let mut tx = self.store.begin().await?;
        if let Some(id) = code_id
            && !tx.use_survey_code(id, new.created_at).await?
        {
            return Err(Error::refused(Refusal::SurveyAnswered));
        }
        new.code_id = code_id;
        let id = match tx.insert_survey_response(&new).await {
            Ok(id) => id,
            Err(e) if e.is_unique() => {
                tracing::debug!(error = %e, "second response refused");
                return Err(Error::refused(Refusal::SurveyAnswered));
            }
            Err(e) => return Err(e.into()),
        };
        tx.commit().await?;
        Ok(id)
    }

    fn response(&self, p: Parsed, ids: (i64, i64, i64), day: NaiveDate, channel: &str) -> NewSurveyResponse {
        NewSurveyResponse {
            mpp_id: ids.0,
            provider_id: ids.1,
            service_id: ids.2,
            day,
            channel: channel.to_string(),
            ticket_id: None,
            code_id: None,
            answers: p.answers.0,
            suggestion: p.suggestion,
            sex: p.sex,
            age_band: p.age_band,
            education: p.education,
            occupation: p.occupation,
            entered_by: None,
            created_at: self.now(),
        }
    }

    async fn local_today(&self, mpp_id: i64) -> Result<NaiveDate> {
        let m = self.mpp(mpp_id).await?;
        Ok(self.local_day(&m))
    }

    /// Answer the survey of a visit. One response per ticket, whoever races.
    pub async fn submit_survey_for_ticket(&self, token: &str, input: &SurveyInput) -> Result<i64> {
        let p = parse(input)?;
        let t = self.ticket_for_survey(token).await?;
        let day = self.local_today(t.mpp_id).await?;
        let mut new = self.response(p, (t.mpp_id, t.provider_id, t.service_id), day, "ticket");
        new.ticket_id = Some(t.id);
        self.store_response(new, None).await
    }

    /// Answer the survey behind a one-time code.
    pub async fn submit_survey_for_code(&self, code: &str, input: &SurveyInput) -> Result<i64> {
        let p = parse(input)?;
        let (target, c) = self.survey_for_code(code).await?;
        if target.answered {
            return Err(Error::refused(Refusal::SurveyAnswered));
        }
        let day = self.local_today(c.mpp_id).await?;
        let new = self.response(p, (c.mpp_id, c.provider_id, c.service_id), day, "code");
        self.store_response(new, Some(c.id)).await
    }

    // --- the counter's tablet ---------------------------------------------------------------

    /// The visit just finished at this counter whose survey the tablet should
    /// show (its ticket token), if any.
    pub async fn tablet_survey(&self, actor: &Actor, counter_id: i64) -> Result<Option<(String, SurveyTarget)>> {
        let mut r = self.store.read().await?;
        let c = r.counter(counter_id).await?.ok_or(Error::NotFound)?;
        let provider = r.provider(c.provider_id).await?.ok_or(Error::NotFound)?;
        actor.require(
            actor.is_staff_of(provider.mpp_id)
                && (actor.provider_id.is_none() || actor.provider_id == Some(provider.id)),
        )?;
        let since = self.now() - Duration::minutes(TABLET_WINDOW_MINUTES);
        let Some(ticket_id) = r.last_unsurveyed_ticket(counter_id, since).await? else { return Ok(None) };
        let t = r.ticket(ticket_id).await?.ok_or(Error::NotFound)?;
        drop(r);
        let mut target = self.target(t.mpp_id, t.provider_id, t.service_id).await?;
        target.ticket_code = Some(t.code.clone());
        Ok(Some((t.token, target)))
    }

    /// A response from the counter's tablet (staff-held device, signed in).
    pub async fn submit_tablet_survey(
        &self,
        actor: &Actor,
        counter_id: i64,
        token: &str,
        input: &SurveyInput,
    ) -> Result<i64> {
        let p = parse(input)?;
        let t = self.ticket_for_survey(token).await?;
        if t.counter_id != Some(counter_id) {
            return Err(Error::NotFound);
        }
        actor.require(
            actor.is_staff_of(t.mpp_id) && (actor.provider_id.is_none() || actor.provider_id == Some(t.provider_id)),
        )?;
        let day = self.local_today(t.mpp_id).await?;
        let mut new = self.response(p, (t.mpp_id, t.provider_id, t.service_id), day, "tablet");
        new.ticket_id = Some(t.id);
        self.store_response(new, None).await
    }

    // --- staff --------------------------------------------------------------------------------

    /// One-time survey codes for applications finished after the visit (printed
    /// on the receipt or sent with the result).
    pub async fn create_survey_codes(
        &self,
        actor: &Actor,
        service_id: i64,
        count: i64,
        note: Option<&str>,
    ) -> Result<Vec<String>> {
        let s = self.service(Some(actor), service_id).await?;
        actor.require(
            actor.is_staff_of(s.mpp_id) && (actor.provider_id.is_none() || actor.provider_id == Some(s.provider_id)),
        )?;
        let mut c = Checker::new();
        let count = c.range("count", count, 1, 500);
        let note = c.opt_text("note", note, 200);
        c.finish(()).map_err(Error::Invalid)?;
        let now = self.now();
        let mut codes = Vec::with_capacity(count as usize);
        let mut tx = self.store.begin().await?;
        for _ in 0..count {
            let mut random = [0u8; 5];
            getrandom::fill(&mut random).map_err(|e| Error::Internal(e.to_string()))?;
            let code = format!("SKM-{}", satuatap_domain::booking::booking_code(&random));
            tx.insert_survey_code(s.mpp_id, s.provider_id, s.id, &code, note.as_deref(), actor.audit_id(), now).await?;
            codes.push(code);
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(s.mpp_id), "service", s.id, "survey_codes"),
            None::<&()>,
            Some(&serde_json::json!({"count": count, "note": note})),
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    pub async fn survey_codes(&self, actor: &Actor, mpp_id: i64) -> Result<Vec<SurveyCodeRow>> {
        actor.require(actor.is_staff_of(mpp_id))?;
        let mut r = self.store.read().await?;
        Ok(r.survey_codes(mpp_id, own_provider(actor), 100).await?)
    }

    /// A paper survey typed in by staff, marked as such.
    pub async fn enter_paper_survey(&self, actor: &Actor, service_id: i64, input: &SurveyInput) -> Result<i64> {
        let s = self.service(Some(actor), service_id).await?;
        actor.require(
            actor.is_staff_of(s.mpp_id) && (actor.provider_id.is_none() || actor.provider_id == Some(s.provider_id)),
        )?;
        let p = parse(input)?;
        let today = self.local_today(s.mpp_id).await?;
        let day = match input.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => today,
            Some(d) => match d.parse::<NaiveDate>() {
                Ok(d) if d <= today && today - d <= Duration::days(366) => d,
                _ => return Err(Error::field("day", Invalid::Format { hint: "hint-date-recent" })),
            },
        };
        let mut new = self.response(p, (s.mpp_id, s.provider_id, s.id), day, "paper");
        new.entered_by = actor.audit_id();
        let mut tx = self.store.begin().await?;
        let id = tx.insert_survey_response(&new).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(s.mpp_id), "survey_response", id, "enter_paper"),
            None::<&()>,
            Some(&serde_json::json!({"service_id": s.id, "day": day})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    // --- reports --------------------------------------------------------------------------------

    /// IKM of one MPP (optionally one provider or service) for a period, with a
    /// breakdown per provider (or per service within a provider). Public.
    pub async fn mpp_ikm(
        &self,
        mpp_id: i64,
        provider_id: Option<i64>,
        service_id: Option<i64>,
        period: &Period,
    ) -> Result<IkmReport> {
        let (from, to) = period.bounds();
        let scope = Scope { mpp_id: Some(mpp_id), provider_id, service_id };
        let mut r = self.store.read().await?;
        if service_id.is_some() {
            let total = r.tally(scope, from, to).await?;
            return Ok(report(period, &total, Vec::new()));
        }
        // One read of the rollup: the breakdown, and the total as its sum.
        let group = if provider_id.is_some() { GroupBy::Service } else { GroupBy::Provider };
        let rows = r.tally_by(group, scope, from, to).await?;
        let total = sum_rows(&rows);
        let names = self.group_names(&mut r, group, mpp_id, provider_id).await?;
        let breakdown = rows
            .iter()
            .map(|row| {
                let (name, owner) = names.get(&row.id).cloned().unwrap_or_default();
                GroupResult { provider_id: owner, ..group_result(row, name) }
            })
            .collect();
        Ok(report(period, &total, breakdown))
    }

    /// Every service of an MPP with its IKM for a period (each result names its
    /// provider in `provider_id`), from one read of the rollup. Public.
    pub async fn mpp_ikm_by_service(&self, mpp_id: i64, period: &Period) -> Result<Vec<GroupResult>> {
        let (from, to) = period.bounds();
        let scope = Scope { mpp_id: Some(mpp_id), ..Scope::default() };
        let mut r = self.store.read().await?;
        let rows = r.tally_by(GroupBy::Service, scope, from, to).await?;
        let names = self.group_names(&mut r, GroupBy::Service, mpp_id, None).await?;
        Ok(rows
            .iter()
            .map(|row| {
                let (name, owner) = names.get(&row.id).cloned().unwrap_or_default();
                GroupResult { provider_id: owner, ..group_result(row, name) }
            })
            .collect())
    }

    /// Names of the providers or services of an MPP (with each service's provider), in one query.
    async fn group_names(
        &self,
        r: &mut satuatap_store::Tx,
        group: GroupBy,
        mpp_id: i64,
        provider_id: Option<i64>,
    ) -> Result<std::collections::HashMap<i64, (String, Option<i64>)>> {
        Ok(match group {
            GroupBy::Service => r
                .services(&satuatap_store::catalog::ServiceFilter {
                    mpp_id: Some(mpp_id),
                    provider_id,
                    limit: 100_000,
                    ..Default::default()
                })
                .await?
                .into_iter()
                .map(|s| (s.id, (s.name, Some(s.provider_id))))
                .collect(),
            _ => r.providers(mpp_id, false).await?.into_iter().map(|p| (p.id, (p.name, None))).collect(),
        })
    }

    /// IKM across every MPP, with a breakdown per MPP. Public.
    pub async fn national_ikm(&self, period: &Period) -> Result<IkmReport> {
        let (from, to) = period.bounds();
        let mut r = self.store.read().await?;
        let rows = r.tally_by(GroupBy::Mpp, Scope::default(), from, to).await?;
        let total = sum_rows(&rows);
        let names: std::collections::HashMap<i64, String> =
            r.mpps(&Default::default()).await?.into_iter().map(|m| (m.id, m.name)).collect();
        let breakdown =
            rows.iter().map(|row| group_result(row, names.get(&row.id).cloned().unwrap_or_default())).collect();
        Ok(report(period, &total, breakdown))
    }

    /// Suggestions written in the period (staff: their MPP; a provider's staff: theirs).
    pub async fn survey_suggestions(&self, actor: &Actor, mpp_id: i64, period: &Period) -> Result<Vec<SuggestionRow>> {
        actor.require(actor.is_staff_of(mpp_id))?;
        let (from, to) = period.bounds();
        let scope = Scope { mpp_id: Some(mpp_id), provider_id: own_provider(actor), service_id: None };
        let mut r = self.store.read().await?;
        Ok(r.suggestions(scope, from, to, 200).await?)
    }

    // --- follow-ups -----------------------------------------------------------------------------

    /// Turn a suggestion (or a finding) into a follow-up item with an owner.
    pub async fn create_followup(&self, actor: &Actor, mpp_id: i64, input: &FollowupInput) -> Result<FollowupRow> {
        actor.require(actor.is_staff_of(mpp_id) && actor.role != satuatap_domain::role::Role::CounterOfficer)?;
        let mut c = Checker::new();
        let title = c.text("title", input.title.as_deref().unwrap_or(""), 300);
        let note = c.opt_text("note", input.note.as_deref(), 2000);
        let status = match input.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => FollowupStatus::Open,
            Some(s) => FollowupStatus::parse(s).unwrap_or_else(|| {
                c.push("status", Invalid::NotAllowed);
                FollowupStatus::Open
            }),
        };
        c.finish(()).map_err(Error::Invalid)?;
        let mut r = self.store.read().await?;
        // A national actor may name any MPP: an unknown one is a 404, not a refused write.
        r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let provider_id = match input.response_id {
            Some(id) => {
                let (m, p) = r.survey_response_scope(id).await?.ok_or(Error::NotFound)?;
                if m != mpp_id || own_provider(actor).is_some_and(|own| own != p) {
                    return Err(Error::NotFound);
                }
                Some(p)
            }
            None => own_provider(actor),
        };
        let owner = self.check_owner(&mut r, mpp_id, provider_id, input.owner_id).await?;
        drop(r);
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let id = match tx
            .insert_followup(
                mpp_id,
                provider_id,
                input.response_id,
                &title,
                owner,
                status,
                note.as_deref(),
                actor.user_id,
                now,
            )
            .await
        {
            Ok(id) => id,
            Err(e) => return Err(e.into()),
        };
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(mpp_id), "followup", id, "create"),
            None::<&()>,
            Some(&serde_json::json!({"title": title, "owner_id": owner, "response_id": input.response_id, "status": status, "note": note})),
        )
        .await?;
        tx.commit().await?;
        let mut r = self.store.read().await?;
        r.followup(id).await?.ok_or(Error::NotFound)
    }

    /// An owner for a follow-up: active staff of its MPP and, for a provider's
    /// follow-up, of that provider (or the MPP's managers).
    async fn check_owner(
        &self,
        r: &mut satuatap_store::Tx,
        mpp_id: i64,
        provider_id: Option<i64>,
        owner: Option<i64>,
    ) -> Result<Option<i64>> {
        let Some(id) = owner else { return Ok(None) };
        let u = r.user(id).await?.filter(|u| {
            u.mpp_id == Some(mpp_id)
                && u.active
                && u.role.0.is_staff()
                && (provider_id.is_none()
                    || u.provider_id == provider_id
                    || u.role.0 == satuatap_domain::role::Role::MppManager)
        });
        match u {
            Some(u) => Ok(Some(u.id)),
            None => Err(Error::field("owner_id", Invalid::Unknown)),
        }
    }

    pub async fn update_followup(&self, actor: &Actor, id: i64, input: &FollowupInput) -> Result<FollowupRow> {
        let mut r = self.store.read().await?;
        let before = r.followup(id).await?.ok_or(Error::NotFound)?;
        if !actor.is_staff_of(before.mpp_id)
            || own_provider(actor).is_some_and(|p| before.provider_id != Some(p))
            || actor.role == satuatap_domain::role::Role::CounterOfficer
        {
            return Err(Error::NotFound);
        }
        let status = match input.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => before.status.0,
            Some(s) => FollowupStatus::parse(s).ok_or_else(|| Error::field("status", Invalid::NotAllowed))?,
        };
        let owner = match input.owner_id {
            Some(_) => self.check_owner(&mut r, before.mpp_id, before.provider_id, input.owner_id).await?,
            None => before.owner_id,
        };
        drop(r);
        let mut c = Checker::new();
        let note = c.opt_text("note", input.note.as_deref().or(before.note.as_deref()), 2000);
        c.finish(()).map_err(Error::Invalid)?;
        let mut tx = self.store.begin().await?;
        tx.update_followup(id, status, owner, note.as_deref(), self.now()).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(before.mpp_id), "followup", id, "update"),
            Some(&serde_json::json!({"status": before.status, "owner_id": before.owner_id})),
            Some(&serde_json::json!({"status": status, "owner_id": owner})),
        )
        .await?;
        tx.commit().await?;
        let mut r = self.store.read().await?;
        r.followup(id).await?.ok_or(Error::NotFound)
    }

    pub async fn followups(&self, actor: &Actor, mpp_id: i64) -> Result<Vec<FollowupRow>> {
        actor.require(actor.is_staff_of(mpp_id))?;
        let mut r = self.store.read().await?;
        Ok(r.followups(mpp_id, own_provider(actor)).await?)
    }
}

/// A provider's staff see their provider's items only.
fn own_provider(actor: &Actor) -> Option<i64> {
    match actor.role {
        satuatap_domain::role::Role::ProviderAdmin | satuatap_domain::role::Role::CounterOfficer => actor.provider_id,
        _ => None,
    }
}

/// A survey code as typed (`skm 7k2m 9qxd`, `7K2M9QXD`) in its printed form `SKM-7K2M-9QXD`.
pub fn normalize_survey_code(input: &str) -> String {
    let raw: String = input.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_uppercase();
    let body = if raw.len() == 11 && raw.starts_with("SKM") { &raw[3..] } else { raw.as_str() };
    format!("SKM-{}", satuatap_domain::booking::normalize_code(body))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FollowupInput {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub response_id: Option<i64>,
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// `open`, `in_progress`, `done`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}
