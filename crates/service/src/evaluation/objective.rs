//! The objective indicators: the platform's own figures for an MPP and a year,
//! read through the same calls as the product's reports (the IKM report, the
//! ministry's dashboard, the national register, the MPP's opening hours), so
//! each equals what those reports show. Rule-scored indicators read them.

use chrono::NaiveDate;
use satuatap_domain::evaluation::{Objective, Rule};
use satuatap_domain::hours::WEEKDAYS;
use satuatap_domain::survey::Period;
use satuatap_store::evaluation::AssessmentRow;
use serde::{Deserialize, Serialize};

use crate::national::DashboardQuery;
use crate::{App, Error, Result};

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RuleScore {
    pub rule: Rule,
    /// 0–5, or absent when the figure is missing.
    pub score: Option<u8>,
}

/// One MPP's figures for a year, as its reports show them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ObjectiveView {
    pub mpp_id: i64,
    pub year: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The IKM report of the year: index (`88.31`), grade, respondents and the required sample.
    pub ikm: Option<String>,
    pub ikm_grade: Option<String>,
    pub respondents: u64,
    pub required_sample: u64,
    pub sample_reached: bool,
    /// Complaint deadlines (verifications and answers) that fell due in the year, and those met.
    pub complaint_steps: i64,
    pub complaint_steps_on_time: i64,
    /// Share met, 0–1.
    pub complaint_deadlines: Option<f64>,
    /// Published services, those with all 14 components of the service standard, and those bookable online
    /// (the catalogue as it stands: it keeps no history).
    pub services_published: i64,
    pub services_complete: i64,
    pub standards_complete: Option<f64>,
    pub services_bookable: i64,
    pub bookable_share: Option<f64>,
    /// Median wait from ticket to first call, minutes, over the year.
    pub median_wait: Option<f64>,
    /// Whether the national register records MPP Digital in use at this MPP.
    pub mpp_digital: Option<bool>,
    /// Whether an OSS help desk ran in the year: true when the platform's desk recorded
    /// consultations or held sessions; absent otherwise (a desk run outside the platform is scored by hand).
    pub oss_desk: Option<bool>,
    /// People the desk assisted in the year, and NIBs obtained.
    #[serde(default)]
    pub oss_assisted: i64,
    #[serde(default)]
    pub oss_nib: i64,
    /// Opening hours in a regular week.
    pub opening_hours: Option<f64>,
    /// What each rule gives from these figures.
    pub rule_scores: Vec<RuleScore>,
}

impl ObjectiveView {
    /// The figures as the rules read them.
    pub fn figures(&self) -> Objective {
        Objective {
            ikm_grade: self.ikm_grade.as_deref().and_then(|g| g.chars().next()),
            complaint_deadlines: self.complaint_deadlines,
            standards_complete: self.standards_complete,
            bookable_share: self.bookable_share,
            median_wait: self.median_wait,
            mpp_digital: self.mpp_digital,
            oss_desk: self.oss_desk,
            opening_hours: self.opening_hours,
        }
    }
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl App {
    /// The objective indicators of an MPP for a year (public: each comes from a public report,
    /// except complaint counts, which the public dashboard also shows).
    pub async fn objective_indicators(&self, mpp_id: i64, year: i64) -> Result<ObjectiveView> {
        let y = i32::try_from(year).ok().filter(|y| (2000..=2100).contains(y)).ok_or(Error::NotFound)?;
        let period = Period::Year(y);
        let (from, to) = period.bounds();
        let (mpp, locations) = {
            let mut r = self.store.read().await?;
            let m = r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
            let l = r.rollout_locations(Some(&m.regency_code)).await?;
            (m, l)
        };
        let ikm = self.mpp_ikm(mpp_id, None, None, &period).await?;
        let q = DashboardQuery { province: Some(mpp.province_code.clone()), ..Default::default() };
        let dash = self.ministry_dashboard(None, &period, &q).await?;
        let f = dash.mpps.into_iter().find(|f| f.mpp_id == mpp_id);
        let steps = f.as_ref().map_or(0, |f| f.verified + f.answered);
        let on_time = f.as_ref().map_or(0, |f| f.verified_on_time + f.answered_on_time);
        let (published, complete, bookable) = f.as_ref().map_or((0, 0, 0), |f| (f.published, f.complete, f.bookable));
        let minutes: i64 = WEEKDAYS
            .iter()
            .flat_map(|d| mpp.hours.0.day(*d).iter())
            .map(|r| (r.close - r.open).num_minutes().max(0))
            .sum();
        let ours: Vec<_> = locations.iter().filter(|l| l.mpp_id == Some(mpp_id)).collect();
        let mut v = ObjectiveView {
            mpp_id,
            year,
            from,
            to,
            ikm: ikm.ikm.clone(),
            ikm_grade: ikm.grade.map(str::to_string),
            respondents: ikm.respondents,
            required_sample: ikm.required_sample,
            sample_reached: ikm.sample_reached,
            complaint_steps: steps,
            complaint_steps_on_time: on_time,
            complaint_deadlines: share(on_time, steps),
            services_published: published,
            services_complete: complete,
            standards_complete: share(complete, published),
            services_bookable: bookable,
            bookable_share: share(bookable, published),
            median_wait: f.as_ref().and_then(|f| f.wait_p50),
            mpp_digital: (!ours.is_empty()).then(|| ours.iter().any(|l| l.digital)),
            oss_desk: f.as_ref().filter(|f| f.oss_desks > 0 && f.oss_assisted > 0).map(|_| true),
            oss_assisted: f.as_ref().map_or(0, |f| f.oss_assisted),
            oss_nib: f.as_ref().map_or(0, |f| f.oss_nib),
            opening_hours: (minutes > 0).then(|| minutes as f64 / 60.0),
            rule_scores: Vec::new(),
        };
        let figures = v.figures();
        v.rule_scores = Rule::ALL.iter().map(|r| RuleScore { rule: *r, score: r.score(&figures) }).collect();
        Ok(v)
    }

    /// The figures an assessment shows: those it was finalised with, else today's.
    pub(crate) async fn objective_of(&self, a: &AssessmentRow) -> Result<Option<ObjectiveView>> {
        if let Some(saved) = a.objective.as_deref().and_then(|j| serde_json::from_str(j).ok()) {
            return Ok(Some(saved));
        }
        match self.objective_indicators(a.mpp_id, a.year).await {
            Ok(v) => Ok(Some(v)),
            Err(Error::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The figures the rules of an assessment read now.
    pub(crate) async fn figures_for(&self, assessment_id: i64) -> Result<Objective> {
        let a = {
            let mut r = self.store.read().await?;
            r.assessment(assessment_id).await?.ok_or(Error::NotFound)?
        };
        Ok(self.objective_of(&a).await?.map(|v| v.figures()).unwrap_or_default())
    }
}
