//! The MPP manager's dashboard: the queue now, today so far, and any period
//! from the rollups (visitors per day, waiting and service times per service
//! and provider, no-shows, bookings against walk-ins, files finished on time,
//! complaint deadlines met, the IKM per quarter).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use satuatap_domain::Invalid;
use satuatap_domain::survey::Period;
use satuatap_store::stats::{BUCKET_EDGES, DayFigures, percentile};
use serde::{Deserialize, Serialize};

use crate::queue::mpp_tz;
use crate::{Actor, App, Error, Result};

/// The longest period one dashboard reads (a year and a day).
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// First day (`YYYY-MM-DD`, the MPP's local date); default 29 days before `to`.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day; default today.
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// One service's queue right now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NowService {
    pub service_id: i64,
    pub service_name: String,
    pub provider_name: String,
    pub waiting: i64,
    /// Minutes the first in line has waited.
    pub longest_wait_minutes: Option<i64>,
    pub open_counters: i64,
    pub estimate_minutes: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NowFigures {
    pub waiting: i64,
    pub longest_wait_minutes: Option<i64>,
    pub counters_open: i64,
    pub counters_paused: i64,
    pub counters_closed: i64,
    pub officers_on_duty: i64,
    /// Services with someone waiting or a counter open, longest wait first.
    pub services: Vec<NowService>,
}

/// Queue figures of a day or a period.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Totals {
    /// Tickets issued (walk-ins and checked-in bookings).
    pub visitors: i64,
    pub served: i64,
    pub not_served: i64,
    pub no_show: i64,
    pub cancelled: i64,
    pub called: i64,
    pub bookings_checked_in: i64,
    pub walk_ins: i64,
    /// No-shows over calls.
    pub no_show_rate: Option<f64>,
}

impl Totals {
    fn add(&mut self, d: &DayFigures) {
        self.visitors += d.issued;
        self.served += d.served;
        self.not_served += d.not_served;
        self.no_show += d.no_show;
        self.cancelled += d.cancelled;
        self.called += d.called;
        self.bookings_checked_in += d.from_booking;
        self.walk_ins += d.issued - d.from_booking;
        self.no_show_rate = (self.called > 0).then(|| self.no_show as f64 / self.called as f64);
    }
}

/// A day of the period (every day, zero when nothing happened).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DayRow {
    pub day: NaiveDate,
    pub visitors: i64,
    pub served: i64,
    pub no_show: i64,
    pub bookings_checked_in: i64,
}

/// Times in minutes at the rollup's bucket resolution.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Times {
    pub wait_p50: Option<f64>,
    pub wait_p90: Option<f64>,
    pub service_p50: Option<f64>,
    pub service_p90: Option<f64>,
}

fn times(wait: &[i64], service: &[i64]) -> Times {
    Times {
        wait_p50: percentile(wait, 0.5),
        wait_p90: percentile(wait, 0.9),
        service_p50: percentile(service, 0.5),
        service_p90: percentile(service, 0.9),
    }
}

/// A service's or a provider's line of the period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    /// The provider, on a service's line.
    pub provider_name: Option<String>,
    pub totals: Totals,
    pub times: Times,
}

/// Visitors on an average weekday of the period, per local hour.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HeatRow {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    /// How many of these weekdays the period holds.
    pub days: i64,
    /// Average tickets issued in each hour of `heat_hours`, one decimal.
    pub average: Vec<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuarterIkm {
    pub period: String,
    pub ikm: Option<String>,
    pub grade: Option<String>,
    pub respondents: u64,
    pub served: u64,
    pub sample_reached: bool,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct FileFigures {
    /// Files finished (ready or refused) in the period, and how many by their deadline.
    pub finished: i64,
    pub finished_on_time: i64,
    /// Files not finished now, and how many of them are late.
    pub open: i64,
    pub late: i64,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ComplaintFigures {
    pub received: i64,
    pub verified: i64,
    pub verified_on_time: i64,
    pub answered: i64,
    pub answered_on_time: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MppDashboard {
    pub mpp_id: i64,
    pub mpp_name: String,
    pub time_zone: String,
    pub at: DateTime<Utc>,
    pub today: NaiveDate,
    pub now: NowFigures,
    pub today_totals: Totals,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub period: Totals,
    pub period_times: Times,
    pub days: Vec<DayRow>,
    pub services: Vec<GroupRow>,
    pub providers: Vec<GroupRow>,
    /// Per counter (`provider_name` holds its provider): served, waits of its calls, service times.
    pub counters: Vec<GroupRow>,
    /// People served and times per officer.
    pub officers: Vec<GroupRow>,
    /// The local hours the heatmap spans (first to last hour with a ticket).
    pub heat_hours: Vec<u32>,
    /// The weekdays with tickets in the period, Monday first.
    pub heat: Vec<HeatRow>,
    pub files: FileFigures,
    /// Complaints of the months the period touches.
    pub complaints: ComplaintFigures,
    /// Each quarter the period touches.
    pub ikm: Vec<QuarterIkm>,
    /// The OSS help desk in the period; absent where the MPP runs none.
    pub oss: Option<crate::oss::OssFigures>,
}

fn hist() -> Vec<i64> {
    vec![0; BUCKET_EDGES.len() + 1]
}

impl App {
    /// The dashboard of an MPP for its managers (and national admins).
    pub async fn mpp_dashboard(&self, actor: &Actor, mpp_id: i64, q: &DashboardQuery) -> Result<MppDashboard> {
        actor.require(actor.manages_mpp(mpp_id))?;
        let now = self.now();
        let mut r = self.store.read().await?;
        let m = r.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let tz = mpp_tz(&m);
        let today = self.local_day(&m);
        let to = q.to.unwrap_or(today);
        let from = q.from.unwrap_or(to - Duration::days(29));
        // A period runs forward and covers at most a year and a day.
        let span = (to - from).num_days() + 1;
        if !(1..=MAX_DAYS).contains(&span) {
            return Err(Error::field("period_days", Invalid::OutOfRange { min: 1, max: MAX_DAYS }));
        }

        // Now: the queue lines, the first in line of each service, the counters.
        let lines = self.queue_lines(&mut r, &m, today).await?;
        let waiting = r.tickets_of_day(mpp_id, today, &["waiting"], 5000).await?;
        let mut first: HashMap<i64, DateTime<Utc>> = HashMap::new();
        for t in &waiting {
            let e = first.entry(t.service_id).or_insert(t.issued_at);
            if t.issued_at < *e {
                *e = t.issued_at;
            }
        }
        let minutes = |at: DateTime<Utc>| (now - at).num_minutes().max(0);
        let mut services_now: Vec<NowService> = lines
            .iter()
            .filter(|l| l.waiting > 0 || l.open_counters > 0)
            .map(|l| NowService {
                service_id: l.service_id,
                service_name: l.service_name.clone(),
                provider_name: l.provider_name.clone(),
                waiting: l.waiting,
                longest_wait_minutes: first.get(&l.service_id).map(|t| minutes(*t)),
                open_counters: l.open_counters,
                estimate_minutes: l.estimate_minutes,
            })
            .collect();
        services_now
            .sort_by(|a, b| b.longest_wait_minutes.cmp(&a.longest_wait_minutes).then(b.waiting.cmp(&a.waiting)));
        let counters = r.counters_of_mpp(mpp_id).await?;
        let state = |s: &str| counters.iter().filter(|c| c.active && c.state.0.as_str() == s).count() as i64;
        let mut officers: Vec<i64> = counters
            .iter()
            .filter(|c| c.active && c.state.0.as_str() != "closed")
            .filter_map(|c| c.officer_id)
            .collect();
        officers.sort_unstable();
        officers.dedup();
        let now_figures = NowFigures {
            waiting: lines.iter().map(|l| l.waiting).sum(),
            longest_wait_minutes: first.values().min().map(|t| minutes(*t)),
            counters_open: state("open"),
            counters_paused: state("paused"),
            counters_closed: state("closed"),
            officers_on_duty: officers.len() as i64,
            services: services_now,
        };

        // Today and the period, from the rollups.
        let mut today_totals = Totals::default();
        for d in r.mpp_day_figures(mpp_id, today, today).await? {
            today_totals.add(&d);
        }
        let day_rows = r.mpp_day_figures(mpp_id, from, to).await?;
        let mut period = Totals::default();
        let by_day: BTreeMap<NaiveDate, &DayFigures> = day_rows.iter().map(|d| (d.day, d)).collect();
        let mut days = Vec::new();
        let mut d = from;
        while d <= to {
            let f = by_day.get(&d);
            if let Some(f) = f {
                period.add(f);
            }
            days.push(DayRow {
                day: d,
                visitors: f.map(|f| f.issued).unwrap_or(0),
                served: f.map(|f| f.served).unwrap_or(0),
                no_show: f.map(|f| f.no_show).unwrap_or(0),
                bookings_checked_in: f.map(|f| f.from_booking).unwrap_or(0),
            });
            d += Duration::days(1);
        }

        let figures = r.mpp_service_figures(mpp_id, from, to).await?;
        let cells = r.mpp_service_hists(mpp_id, from, to).await?;
        let catalogue =
            r.services(&satuatap_store::catalog::ServiceFilter { mpp_id: Some(mpp_id), ..Default::default() }).await?;
        let names: HashMap<i64, &satuatap_store::ServiceRow> = catalogue.iter().map(|s| (s.id, s)).collect();
        let mut wait: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut service: HashMap<i64, Vec<i64>> = HashMap::new();
        let (mut all_wait, mut all_service) = (hist(), hist());
        for c in &cells {
            let (per, all) =
                if c.kind == "wait" { (&mut wait, &mut all_wait) } else { (&mut service, &mut all_service) };
            let i = usize::try_from(c.bucket).unwrap_or(0).min(BUCKET_EDGES.len());
            per.entry(c.service_id).or_insert_with(hist)[i] += c.n;
            all[i] += c.n;
        }
        let empty = hist();
        let mut services = Vec::new();
        let mut providers: BTreeMap<i64, (String, Totals, Vec<i64>, Vec<i64>)> = BTreeMap::new();
        for f in &figures {
            let s = names.get(&f.service_id);
            // A service's period as one day's worth of counts, summed like a day.
            let counts = DayFigures {
                day: from,
                issued: f.issued,
                from_booking: f.from_booking,
                called: f.called,
                served: f.served,
                not_served: f.not_served,
                no_show: f.no_show,
                cancelled: f.cancelled,
            };
            let mut t = Totals::default();
            t.add(&counts);
            let w = wait.get(&f.service_id).unwrap_or(&empty);
            let sv = service.get(&f.service_id).unwrap_or(&empty);
            if let Some(s) = s {
                let p = providers
                    .entry(s.provider_id)
                    .or_insert_with(|| (s.provider_name.clone(), Totals::default(), hist(), hist()));
                p.1.add(&counts);
                for i in 0..w.len() {
                    p.2[i] += w[i];
                    p.3[i] += sv[i];
                }
            }
            services.push(GroupRow {
                id: f.service_id,
                name: s.map(|s| s.name.clone()).unwrap_or_default(),
                provider_name: s.map(|s| s.provider_name.clone()),
                totals: t,
                times: times(w, sv),
            });
        }
        services.sort_by_key(|s| std::cmp::Reverse(s.totals.visitors));
        let mut providers: Vec<GroupRow> = providers
            .into_iter()
            .map(|(id, (name, totals, w, s))| GroupRow { id, name, provider_name: None, totals, times: times(&w, &s) })
            .collect();
        providers.sort_by_key(|p| std::cmp::Reverse(p.totals.visitors));

        // Per counter and officer.
        let staff = r.mpp_staff_hists(mpp_id, from, to).await?;
        let mut by_counter: BTreeMap<i64, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
        let mut by_officer: BTreeMap<i64, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
        for h in &staff {
            let i = usize::try_from(h.bucket).unwrap_or(0).min(BUCKET_EDGES.len());
            for (map, key) in [(&mut by_counter, h.counter_id), (&mut by_officer, h.officer_id)] {
                let e = map.entry(key).or_insert_with(|| (hist(), hist()));
                if h.kind == "wait" {
                    e.0[i] += h.n;
                } else {
                    e.1[i] += h.n;
                }
            }
        }
        let staff_row = |id: i64, name: String, provider: Option<String>, (w, s): &(Vec<i64>, Vec<i64>)| GroupRow {
            id,
            name,
            provider_name: provider,
            totals: Totals { served: s.iter().sum(), called: w.iter().sum(), ..Totals::default() },
            times: times(w, s),
        };
        let mut counters_out = Vec::new();
        for (id, h) in &by_counter {
            let c = counters.iter().find(|c| c.id == *id);
            let name = c.map(|c| format!("{} · {}", c.code, c.name)).unwrap_or_else(|| format!("#{id}"));
            counters_out.push(staff_row(*id, name, c.map(|c| c.provider_name.clone()), h));
        }
        counters_out.sort_by_key(|g| std::cmp::Reverse(g.totals.served));
        let mut officers_out = Vec::new();
        for (id, h) in &by_officer {
            let name = r.user(*id).await?.map(|u| u.name).unwrap_or_else(|| format!("#{id}"));
            officers_out.push(staff_row(*id, name, None, h));
        }
        officers_out.sort_by_key(|g| std::cmp::Reverse(g.totals.served));

        // Hour × weekday: the average day of each weekday.
        use chrono::Datelike;
        let hours = r.mpp_hour_cells(mpp_id, from, to).await?;
        let lo = hours.iter().filter(|h| h.issued > 0).map(|h| h.hour).min();
        let hi = hours.iter().filter(|h| h.issued > 0).map(|h| h.hour).max();
        let heat_hours: Vec<u32> = match (lo, hi) {
            (Some(lo), Some(hi)) => (lo..=hi).filter_map(|h| u32::try_from(h).ok()).collect(),
            _ => Vec::new(),
        };
        let mut sums: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
        for h in &hours {
            let wd = h.day.weekday().number_from_monday();
            let row = sums.entry(wd).or_insert_with(|| vec![0; heat_hours.len()]);
            if let Some(i) = heat_hours.iter().position(|x| i64::from(*x) == h.hour) {
                row[i] += h.issued;
            }
        }
        let mut weekdays: BTreeMap<u32, i64> = BTreeMap::new();
        let mut d = from;
        while d <= to {
            *weekdays.entry(d.weekday().number_from_monday()).or_default() += 1;
            d += Duration::days(1);
        }
        let heat: Vec<HeatRow> = sums
            .into_iter()
            .filter(|(_, v)| v.iter().any(|n| *n > 0))
            .map(|(weekday, v)| {
                let days = weekdays.get(&weekday).copied().unwrap_or(1).max(1);
                let average = v.iter().map(|n| (*n as f64 / days as f64 * 10.0).round() / 10.0).collect();
                HeatRow { weekday, days, average }
            })
            .collect();

        // Files and complaints.
        let start = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .and_then(|t| tz.from_local_datetime(&t).earliest())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(now)
        };
        let (finished, finished_on_time) =
            r.applications_finished(mpp_id, start(from), start(to + Duration::days(1))).await?;
        let (open, late) = r.applications_open(mpp_id, now).await?;
        let c = r
            .mpp_complaint_totals(mpp_id, satuatap_store::stats::month_of(from), satuatap_store::stats::month_of(to))
            .await?;
        drop(r);

        // The IKM of each quarter the period touches.
        let mut ikm = Vec::new();
        let mut qd = from;
        loop {
            let p = Period::quarter_of(qd);
            let (_, end) = p.bounds();
            let rep = self.mpp_ikm(mpp_id, None, None, &p).await?;
            ikm.push(QuarterIkm {
                period: rep.period.clone(),
                ikm: rep.ikm.clone(),
                grade: rep.grade.map(str::to_string),
                respondents: rep.respondents,
                served: rep.served,
                sample_reached: rep.sample_reached,
            });
            if end >= to {
                break;
            }
            qd = end + Duration::days(1);
        }

        let oss = self.oss_figures(mpp_id, from, to).await?;
        Ok(MppDashboard {
            mpp_id,
            mpp_name: m.name.clone(),
            time_zone: m.time_zone.clone(),
            at: now,
            today,
            now: now_figures,
            today_totals,
            from,
            to,
            period,
            period_times: times(&all_wait, &all_service),
            days,
            services,
            providers,
            counters: counters_out,
            officers: officers_out,
            heat_hours,
            heat,
            files: FileFigures { finished, finished_on_time, open, late },
            complaints: ComplaintFigures {
                received: c.received,
                verified: c.verified,
                verified_on_time: c.verified_on_time,
                answered: c.answered,
                answered_on_time: c.answered_on_time,
            },
            ikm,
            oss,
        })
    }
}

impl App {
    /// Today's date in an MPP's own zone.
    pub async fn local_today_of(&self, mpp_id: i64) -> Result<NaiveDate> {
        let m = self.mpp(mpp_id).await?;
        Ok(self.local_day(&m))
    }
}
