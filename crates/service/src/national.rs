//! The ministry's dashboard across MPPs: for a period, per MPP on the platform,
//! visitors, waiting and service times, no-shows, bookings against walk-ins, the
//! IKM, complaint deadlines met and the published catalogue. Every figure is a
//! sum over rollups (days or months per service or MPP), never a scan of tickets,
//! bookings or reports, so the whole country reads in a few queries.

use std::collections::HashMap;

use chrono::NaiveDate;
use satuatap_domain::survey::{Period, Tally, required_sample};
use satuatap_store::TallyRow;
use satuatap_store::stats::{BUCKET_EDGES, ComplaintTotals, QueueTotals, percentile};
use satuatap_store::survey::{GroupBy, Scope};
use serde::{Deserialize, Serialize};

use crate::{Actor, App, Error, Result};

/// The columns a comparison table can be sorted by.
pub const SORT_KEYS: [&str; 12] = [
    "name",
    "province",
    "visitors",
    "wait_p50",
    "wait_p90",
    "service_p50",
    "no_show_rate",
    "booking_share",
    "ikm",
    "verified_on_time",
    "answered_on_time",
    "complete_share",
];

/// One MPP's figures for the period.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MppFigures {
    pub mpp_id: i64,
    pub slug: String,
    pub name: String,
    pub regency_code: String,
    pub regency_name: String,
    pub province_code: String,
    pub province_name: String,
    /// Queue tickets issued (walk-ins and checked-in bookings).
    pub visitors: i64,
    pub served: i64,
    /// Median and 90th percentile wait (issue to first call), minutes, at the rollup's bucket resolution.
    pub wait_p50: Option<f64>,
    pub wait_p90: Option<f64>,
    /// Median and 90th percentile service time (call to finish), minutes.
    pub service_p50: Option<f64>,
    pub service_p90: Option<f64>,
    /// Called tickets whose holder did not come (0–1).
    pub no_show_rate: Option<f64>,
    pub walk_ins: i64,
    /// Bookings that checked in.
    pub bookings_checked_in: i64,
    /// Bookings of the period's days never checked in, and those their holders cancelled.
    pub bookings_no_show: i64,
    pub bookings_cancelled: i64,
    /// Checked-in bookings among all visitors (0–1).
    pub booking_share: Option<f64>,
    /// IKM for the period (`88.31`), its grade, respondents and the sample the population needs.
    pub ikm: Option<String>,
    pub ikm_centi: Option<u64>,
    pub grade: Option<&'static str>,
    pub respondents: u64,
    pub required_sample: u64,
    pub sample_reached: bool,
    pub complaints_received: i64,
    /// Verifications decided, and within 3 working days.
    pub verified: i64,
    pub verified_on_time: i64,
    pub verified_on_time_share: Option<f64>,
    /// Answers given, and within 5 working days of forwarding.
    pub answered: i64,
    pub answered_on_time: i64,
    pub answered_on_time_share: Option<f64>,
    /// The catalogue now: published services, those with all 14 standard components, bookable ones, providers.
    pub published: i64,
    pub complete: i64,
    pub complete_share: Option<f64>,
    pub bookable: i64,
    pub providers: i64,
    /// Visitors per month over the last 12 months (oldest first), for a sparkline.
    pub trend: Vec<i64>,
    /// The OSS help desk: whether the MPP runs one (in the total: how many do), people
    /// assisted (consultations and session attendees) and NIBs obtained in the period.
    pub oss_desks: i64,
    pub oss_assisted: i64,
    pub oss_nib: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MinistryDashboard {
    /// The period (`2026-Q4`, `2026`, `2026-01-01..2026-03-31`).
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The months of `trend` (`YYYY-MM`).
    pub trend_months: Vec<String>,
    /// All MPPs on the platform together.
    pub total: MppFigures,
    pub mpps: Vec<MppFigures>,
    /// Staff view (complaint and booking detail); the public summary leaves them out.
    pub full: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// `2026-Q4`, `2026-S2`, `2026` or `2026-01-01..2026-03-31` (default: this quarter).
    #[serde(default)]
    pub period: Option<String>,
    /// Only MPPs of this province, e.g. `32`.
    #[serde(default)]
    pub province: Option<String>,
    /// One of `name`, `province`, `visitors`, `wait_p50`, `wait_p90`, `service_p50`, `no_show_rate`,
    /// `booking_share`, `ikm`, `verified_on_time`, `answered_on_time`, `complete_share`.
    #[serde(default)]
    pub sort: Option<String>,
    /// `asc` or `desc` (default: descending for figures, ascending for names).
    #[serde(default)]
    pub order: Option<String>,
}

/// Today's bookings at one MPP (the national admin's summary across MPPs).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DayBookingSummary {
    pub mpp_id: i64,
    pub slug: String,
    pub name: String,
    pub province_name: String,
    pub booked: i64,
    pub capacity: i64,
}

fn share(part: i64, all: i64) -> Option<f64> {
    (all > 0).then(|| part as f64 / all as f64)
}

fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    use chrono::Datelike;
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// Fill the derived shares and percentiles of one MPP's (or the total's) figures.
fn finish(f: &mut MppFigures, q: &QueueTotals, wait: &[i64], service: &[i64], c: &ComplaintTotals) {
    f.visitors = q.issued;
    f.served = q.served;
    f.wait_p50 = percentile(wait, 0.5);
    f.wait_p90 = percentile(wait, 0.9);
    f.service_p50 = percentile(service, 0.5);
    f.service_p90 = percentile(service, 0.9);
    f.no_show_rate = share(q.no_show, q.called);
    f.bookings_checked_in = q.from_booking;
    f.walk_ins = q.issued - q.from_booking;
    f.bookings_no_show = q.booking_no_show;
    f.bookings_cancelled = q.booking_cancelled;
    f.booking_share = share(q.from_booking, q.issued);
    f.complaints_received = c.received;
    f.verified = c.verified;
    f.verified_on_time = c.verified_on_time;
    f.verified_on_time_share = share(c.verified_on_time, c.verified);
    f.answered = c.answered;
    f.answered_on_time = c.answered_on_time;
    f.answered_on_time_share = share(c.answered_on_time, c.answered);
    f.complete_share = share(f.complete, f.published);
}

fn set_ikm(f: &mut MppFigures, t: &Tally, served: u64) {
    let r = t.result();
    f.ikm = r.map(|r| r.text());
    f.ikm_centi = r.map(|r| r.centi);
    f.grade = r.map(|r| r.grade.letter());
    f.respondents = t.n;
    f.required_sample = required_sample(served);
    f.sample_reached = t.n > 0 && t.n >= f.required_sample;
}

fn sort_key(f: &MppFigures, key: &str) -> Option<f64> {
    match key {
        "visitors" => Some(f.visitors as f64),
        "wait_p50" => f.wait_p50,
        "wait_p90" => f.wait_p90,
        "service_p50" => f.service_p50,
        "no_show_rate" => f.no_show_rate,
        "booking_share" => f.booking_share,
        "ikm" => f.ikm_centi.map(|c| c as f64),
        "verified_on_time" => f.verified_on_time_share,
        "answered_on_time" => f.answered_on_time_share,
        "complete_share" => f.complete_share,
        _ => None,
    }
}

impl App {
    /// The dashboard across MPPs for a period. National admins see everything;
    /// anyone else gets the public summary (no complaint or booking detail).
    pub async fn ministry_dashboard(
        &self,
        actor: Option<&Actor>,
        period: &Period,
        q: &DashboardQuery,
    ) -> Result<MinistryDashboard> {
        let full = actor.is_some_and(Actor::is_national);
        let (from, to) = period.bounds();
        let today = self.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
        // The last twelve whole months (the current one is still filling up).
        let trend_from = crate::access::months_back(today, 12);
        let trend_to = satuatap_store::stats::month_of(today).pred_opt().unwrap_or(today);
        let trend_months = months_between(trend_from, trend_to);
        let mut r = self.store.read().await?;
        let mpps = r.mpps(&Default::default()).await?;
        let queue: HashMap<i64, QueueTotals> =
            r.queue_totals(from, to).await?.into_iter().map(|t| (t.mpp_id, t)).collect();
        let mut hists: HashMap<(i64, bool), Vec<i64>> = HashMap::new();
        for h in r.queue_hists(from, to).await? {
            let v = hists.entry((h.mpp_id, h.kind == "wait")).or_insert_with(|| vec![0; BUCKET_EDGES.len() + 1]);
            if let Some(slot) = v.get_mut(h.bucket.max(0) as usize) {
                *slot += h.n;
            }
        }
        let complaints: HashMap<i64, ComplaintTotals> = r
            .complaint_totals(satuatap_store::stats::month_of(from), to)
            .await?
            .into_iter()
            .map(|t| (t.mpp_id, t))
            .collect();
        let catalogue: HashMap<i64, satuatap_store::stats::CatalogueCounts> =
            r.catalogue_counts().await?.into_iter().map(|c| (c.mpp_id, c)).collect();
        let tallies: HashMap<i64, TallyRow> =
            r.tally_by(GroupBy::Mpp, Scope::default(), from, to).await?.into_iter().map(|t| (t.id, t)).collect();
        let desks: std::collections::HashSet<i64> = r
            .oss_services(None)
            .await?
            .into_iter()
            .filter(|s| s.oss_role == "consultation" && s.status == "published")
            .map(|s| s.mpp_id)
            .collect();
        let oss_counts: HashMap<i64, satuatap_store::oss::OssCountsRow> =
            r.oss_counts(None, from, to).await?.into_iter().map(|c| (c.mpp_id, c)).collect();
        let oss_sessions: HashMap<i64, satuatap_store::oss::OssSessionCountsRow> =
            r.oss_session_counts(None, from, to).await?.into_iter().map(|c| (c.mpp_id, c)).collect();
        let mut trend: HashMap<i64, HashMap<String, i64>> = HashMap::new();
        for m in r.issued_by_month(trend_from, trend_to).await? {
            trend.entry(m.mpp_id).or_default().insert(m.month, m.issued);
        }
        drop(r);
        let province = q.province.as_deref().map(str::trim).filter(|p| !p.is_empty());
        let empty_q = QueueTotals::default();
        let empty_c = ComplaintTotals::default();
        let empty_h = vec![0i64; BUCKET_EDGES.len() + 1];
        let mut total = MppFigures { name: "Semua MPP".into(), ..MppFigures::default() };
        let (mut tq, mut tc) = (QueueTotals::default(), ComplaintTotals::default());
        let (mut tw, mut ts) = (empty_h.clone(), empty_h.clone());
        let mut tt = Tally::default();
        let mut rows: Vec<MppFigures> = Vec::new();
        for m in mpps.iter().filter(|m| province.is_none_or(|p| m.province_code == p)) {
            // Only MPPs that run (or ran in the period) belong in the comparison.
            let qt = queue.get(&m.id).unwrap_or(&empty_q);
            if m.status.0 != satuatap_domain::catalog::MppStatus::Operating && qt.issued == 0 {
                continue;
            }
            let ct = complaints.get(&m.id).unwrap_or(&empty_c);
            let wait = hists.get(&(m.id, true)).unwrap_or(&empty_h);
            let service = hists.get(&(m.id, false)).unwrap_or(&empty_h);
            let cat = catalogue.get(&m.id);
            let mut f = MppFigures {
                mpp_id: m.id,
                slug: m.slug.clone(),
                name: m.name.clone(),
                regency_code: m.regency_code.clone(),
                regency_name: m.regency_name.clone(),
                province_code: m.province_code.clone(),
                province_name: m.province_name.clone(),
                published: cat.map_or(0, |c| c.published),
                complete: cat.map_or(0, |c| c.complete),
                bookable: cat.map_or(0, |c| c.bookable),
                providers: cat.map_or(0, |c| c.providers),
                trend: trend_months
                    .iter()
                    .map(|mo| trend.get(&m.id).and_then(|t| t.get(mo)).copied().unwrap_or(0))
                    .collect(),
                ..MppFigures::default()
            };
            let oss = crate::oss::OssFigures::of(oss_counts.get(&m.id), oss_sessions.get(&m.id));
            f.oss_desks = i64::from(desks.contains(&m.id));
            f.oss_assisted = oss.assisted;
            f.oss_nib = oss.nib;
            finish(&mut f, qt, wait, service, ct);
            let tally = tallies.get(&m.id).map(tally_of).unwrap_or_default();
            let served = tallies.get(&m.id).map_or(0, |t| t.served.max(0) as u64);
            set_ikm(&mut f, &tally, served);
            // The national total.
            add_queue(&mut tq, qt);
            add_complaints(&mut tc, ct);
            for (a, b) in tw.iter_mut().zip(wait) {
                *a += b;
            }
            for (a, b) in ts.iter_mut().zip(service) {
                *a += b;
            }
            tt.merge(&tally);
            total.published += f.published;
            total.complete += f.complete;
            total.bookable += f.bookable;
            total.providers += f.providers;
            total.oss_desks += f.oss_desks;
            total.oss_assisted += f.oss_assisted;
            total.oss_nib += f.oss_nib;
            total.required_sample += f.required_sample;
            total.trend = if total.trend.is_empty() {
                f.trend.clone()
            } else {
                total.trend.iter().zip(&f.trend).map(|(a, b)| a + b).collect()
            };
            rows.push(f);
        }
        finish(&mut total, &tq, &tw, &ts, &tc);
        let required = total.required_sample;
        set_ikm(&mut total, &tt, 0);
        total.required_sample = required;
        total.sample_reached = rows.iter().all(|r| r.sample_reached) && !rows.is_empty();
        if !full {
            for f in rows.iter_mut().chain(std::iter::once(&mut total)) {
                f.bookings_no_show = 0;
                f.bookings_cancelled = 0;
            }
        }
        // Sorting.
        let key = q.sort.as_deref().filter(|s| !s.is_empty()).unwrap_or("name");
        if !SORT_KEYS.contains(&key) {
            return Err(Error::field("sort", satuatap_domain::Invalid::NotAllowed));
        }
        let desc = match q.order.as_deref() {
            Some("asc") => false,
            Some("desc") => true,
            None | Some("") => !matches!(key, "name" | "province"),
            Some(_) => return Err(Error::field("order", satuatap_domain::Invalid::NotAllowed)),
        };
        match key {
            "name" => rows.sort_by(|a, b| a.name.cmp(&b.name)),
            "province" => rows.sort_by(|a, b| a.province_name.cmp(&b.province_name).then(a.name.cmp(&b.name))),
            k => rows.sort_by(|a, b| {
                sort_key(a, k).unwrap_or(f64::NEG_INFINITY).total_cmp(&sort_key(b, k).unwrap_or(f64::NEG_INFINITY))
            }),
        }
        if desc {
            rows.reverse();
        }
        // MPPs without the figure go last either way.
        if !matches!(key, "name" | "province") {
            let (mut with, without): (Vec<_>, Vec<_>) = rows.into_iter().partition(|f| sort_key(f, key).is_some());
            with.extend(without);
            rows = with;
        }
        Ok(MinistryDashboard { period: period.key(), from, to, trend_months, total, mpps: rows, full })
    }

    /// Bookings of one day at every MPP (national admins).
    pub async fn bookings_across(&self, actor: &Actor, day: NaiveDate) -> Result<Vec<DayBookingSummary>> {
        actor.require(actor.is_national())?;
        let mut r = self.store.read().await?;
        let mpps = r.mpps(&Default::default()).await?;
        let by: HashMap<i64, satuatap_store::stats::DayBookings> =
            r.bookings_on(day).await?.into_iter().map(|b| (b.mpp_id, b)).collect();
        Ok(mpps
            .iter()
            .filter_map(|m| {
                let b = by.get(&m.id)?;
                Some(DayBookingSummary {
                    mpp_id: m.id,
                    slug: m.slug.clone(),
                    name: m.name.clone(),
                    province_name: m.province_name.clone(),
                    booked: b.booked,
                    capacity: b.capacity,
                })
            })
            .collect())
    }
}

fn tally_of(row: &TallyRow) -> Tally {
    Tally { n: row.responses.max(0) as u64, sums: row.sums().map(|s| s.max(0) as u64) }
}

fn add_queue(t: &mut QueueTotals, q: &QueueTotals) {
    t.issued += q.issued;
    t.from_booking += q.from_booking;
    t.called += q.called;
    t.served += q.served;
    t.not_served += q.not_served;
    t.no_show += q.no_show;
    t.cancelled += q.cancelled;
    t.booking_no_show += q.booking_no_show;
    t.booking_cancelled += q.booking_cancelled;
}

fn add_complaints(t: &mut ComplaintTotals, c: &ComplaintTotals) {
    t.received += c.received;
    t.verified += c.verified;
    t.verified_on_time += c.verified_on_time;
    t.answered += c.answered;
    t.answered_on_time += c.answered_on_time;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_of_a_year_back() {
        let m = months_between(
            NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        );
        assert_eq!(m.len(), 12);
        assert_eq!(m[0], "2025-12");
        assert_eq!(m[11], "2026-11");
    }

    #[test]
    fn shares_need_a_base() {
        assert_eq!(share(1, 0), None);
        assert_eq!(share(1, 4), Some(0.25));
    }
}
