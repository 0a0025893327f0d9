//! The national side of the demo: the public history of MPP inaugurations
//! (compiled from public reports, `demo/rollout/`) loaded into the register
//! through its CSV import, the national totals as reported, targets, and the
//! demo MPPs linked to their register locations with the facts behind them.
//! [`App::load_demo_national_history`] adds a year of rollups for the demo MPPs
//! so the ministry's dashboard and the accessibility study have figures.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use satuatap_domain::catalog::{MppStatus, ServiceStatus};
use satuatap_store::ServiceRow;
use satuatap_store::catalog::ServiceFilter;
use satuatap_store::stats::{ComplaintTotals, QueueTotals, QueueTotalsOfDay, TimeCell, TimeKind, bucket_of, month_of};

use crate::input::Loose;
use crate::rollout::{EventInput, LocationInput, TargetInput};
use crate::survey::SurveyInput;
use crate::{Actor, App, Result};

pub const DEMO_INAUGURATIONS: &str = include_str!("../demo/rollout/inaugurations.csv");
pub const DEMO_BATCHES: &str = include_str!("../demo/rollout/batches.csv");

/// The demo MPPs' register locations and what is known of them (building,
/// funding, MPP Digital). `None` as the name: the regency's main MPP.
struct Link {
    slug: &'static str,
    name: Option<&'static str>,
    building: &'static str,
    floor_area_m2: Option<i64>,
    funding: &'static str,
    funding_note: Option<&'static str>,
    digital: bool,
}

const LINKS: &[Link] = &[
    Link {
        slug: "kota-bogor",
        name: Some("MPP Graha Tiyasa"),
        building: "mall_floor",
        floor_area_m2: Some(740),
        funding: "csr_partner",
        funding_note: Some("Lantai di Lippo Plaza Keboen Raya disediakan pengelola mal (kemitraan CSR)"),
        digital: true,
    },
    Link {
        slug: "kab-bogor",
        name: None,
        building: "own",
        floor_area_m2: Some(1_200),
        funding: "regional_budget",
        funding_note: None,
        digital: true,
    },
    Link {
        slug: "kota-makassar",
        name: None,
        building: "own",
        floor_area_m2: None,
        funding: "regional_budget",
        funding_note: None,
        digital: false,
    },
    Link {
        slug: "kota-jayapura",
        name: None,
        building: "partner",
        floor_area_m2: None,
        funding: "regional_budget",
        funding_note: Some("Gedung Terminal Tipe A Entrop"),
        digital: false,
    },
    Link {
        slug: "kota-denpasar",
        name: None,
        building: "own",
        floor_area_m2: None,
        funding: "regional_budget",
        funding_note: None,
        digital: true,
    },
    Link {
        slug: "kota-balikpapan",
        name: None,
        building: "own",
        floor_area_m2: None,
        funding: "regional_budget",
        funding_note: None,
        digital: false,
    },
    Link {
        slug: "kota-ambon",
        name: None,
        building: "mall_floor",
        floor_area_m2: None,
        funding: "regional_budget",
        funding_note: Some("Lantai 4 Ambon Plaza"),
        digital: false,
    },
];

/// A small deterministic generator (xorshift), so every demo has the same past.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n.max(1)) as i64
    }

    /// A duration in minutes around `mean`, skewed right (a sum of three uniforms, stretched).
    fn minutes(&mut self, mean: f64) -> f64 {
        let u = (self.below(1000) + self.below(1000) + self.below(1000)) as f64 / 1500.0;
        (mean * u * u).max(0.2)
    }
}

/// How each demo MPP's queue behaves in its past: visitors per service and day,
/// mean wait and service minutes, share of no-shows, share of bookings.
struct Profile {
    slug: &'static str,
    visitors: u64,
    wait: f64,
    service: f64,
    no_show_pct: u64,
    booking_pct: u64,
    /// Complaints per month and the share verified and answered on time.
    complaints: i64,
    on_time_pct: u64,
    /// Paper surveys per service and day (the IKM sample).
    surveys: u64,
}

const PROFILES: &[Profile] = &[
    Profile {
        slug: "kota-bogor",
        visitors: 18,
        wait: 14.0,
        service: 9.0,
        no_show_pct: 6,
        booking_pct: 35,
        complaints: 9,
        on_time_pct: 92,
        surveys: 0,
    },
    Profile {
        slug: "kab-bogor",
        visitors: 26,
        wait: 31.0,
        service: 12.0,
        no_show_pct: 11,
        booking_pct: 18,
        complaints: 14,
        on_time_pct: 71,
        surveys: 3,
    },
    Profile {
        slug: "kota-makassar",
        visitors: 22,
        wait: 22.0,
        service: 10.0,
        no_show_pct: 8,
        booking_pct: 24,
        complaints: 7,
        on_time_pct: 85,
        surveys: 2,
    },
    Profile {
        slug: "kota-jayapura",
        visitors: 9,
        wait: 9.0,
        service: 14.0,
        no_show_pct: 14,
        booking_pct: 6,
        complaints: 3,
        on_time_pct: 60,
        surveys: 1,
    },
    Profile {
        slug: "kota-denpasar",
        visitors: 20,
        wait: 12.0,
        service: 8.0,
        no_show_pct: 5,
        booking_pct: 41,
        complaints: 5,
        on_time_pct: 96,
        surveys: 3,
    },
    Profile {
        slug: "kota-balikpapan",
        visitors: 15,
        wait: 18.0,
        service: 11.0,
        no_show_pct: 9,
        booking_pct: 20,
        complaints: 4,
        on_time_pct: 80,
        surveys: 2,
    },
];

/// Booked visitors of MPP Kota Bogor per month by where their NIK was issued:
/// the city's six districts and the neighbouring regency's nearest ones (few).
const BOGOR_ORIGINS: &[(&str, i64)] = &[
    ("32.71.01", 95),  // Bogor Selatan
    ("32.71.02", 120), // Bogor Timur
    ("32.71.03", 150), // Bogor Utara
    ("32.71.04", 60),  // Bogor Barat: far from the mall, fewest per resident
    ("32.71.05", 110), // Bogor Tengah
    ("32.71.06", 70),  // Tanah Sareal
    ("32.01.10", 12),  // Parung (Kabupaten Bogor)
    ("32.01.30", 4),   // Dramaga: a handful, shown as "< 10"
    ("32.01.17", 2),
];

fn working_days_back(today: NaiveDate, days: i64) -> impl Iterator<Item = NaiveDate> {
    (1..=days)
        .map(move |back| today - Duration::days(back))
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
}

impl App {
    /// The national register of the demo (see the module note). Loaded once: a
    /// register with locations in it is left as it is.
    pub async fn load_demo_rollout(&self) -> Result<()> {
        let system = Actor::system();
        {
            let mut r = self.store.read().await?;
            if !r.rollout_locations(None).await?.is_empty() {
                return Ok(());
            }
        }
        self.import_rollout_csv(&system, DEMO_INAUGURATIONS, false).await?;
        self.import_reported_totals(&system, DEMO_BATCHES).await?;
        for (year, regencies, note) in [
            (2024, 514, "Arahan Wakil Presiden (Juni 2022): seluruh kabupaten/kota memiliki MPP pada 2024"),
            (2025, 330, "Contoh target tahunan (data demo)"),
            (2026, 380, "Contoh target tahunan (data demo)"),
            (2027, 450, "Contoh target tahunan (data demo)"),
        ] {
            self.set_rollout_target(&system, &TargetInput { year, regencies, note: Some(note.into()) }).await?;
        }
        let mpps = self.mpps(&Default::default()).await?;
        let counts = {
            let mut r = self.store.read().await?;
            r.catalogue_counts().await?
        };
        for link in LINKS {
            let Some(m) = mpps.iter().find(|m| m.slug == link.slug) else { continue };
            let regency = self.regency_rollout(&m.regency_code).await?;
            let name = match link.name {
                Some(n) => n.to_string(),
                None => {
                    regency.locations.first().map(|l| l.name.clone()).unwrap_or_else(|| format!("MPP {}", regency.name))
                }
            };
            let c = counts.iter().find(|c| c.mpp_id == m.id);
            let input = LocationInput {
                name: name.clone(),
                role: Some("main".into()),
                district_code: m.district_code.clone(),
                address: Some(m.address.clone()),
                latitude: m.latitude.map(Ok),
                longitude: m.longitude.map(Ok),
                building: Some(link.building.into()),
                floor_area_m2: link.floor_area_m2.map(Ok),
                funding: Some(link.funding.into()),
                funding_note: link.funding_note.map(str::to_string),
                providers: c.map(|c| Ok(c.providers)),
                services: c.map(|c| Ok(c.published)),
                digital: link.digital,
                ..LocationInput::default()
            };
            self.link_rollout_location(&m.regency_code, &name, m.id, &input).await?;
        }
        // Kota Bogor's planned second location, and Kota Sorong's first.
        let planned = [
            (
                "kota-bogor-barat",
                "MPP Kota Bogor — Gerai Bogor Barat",
                "branch",
                "2026-03-02",
                2027,
                "Diusulkan dalam kajian kebutuhan MPP: menjangkau warga Bogor Barat yang paling jauh dari MPP Graha Tiyasa (data demo)",
            ),
            ("kota-sorong", "MPP Kota Sorong", "main", "2025-08-01", 2026, "Rencana pemerintah kota (data demo)"),
        ];
        for (slug, name, role, date, target, note) in planned {
            let Some(m) = mpps.iter().find(|m| m.slug == slug) else { continue };
            let input = LocationInput {
                name: name.into(),
                role: Some(role.into()),
                district_code: m.district_code.clone(),
                address: Some(m.address.clone()),
                latitude: m.latitude.map(Ok),
                longitude: m.longitude.map(Ok),
                ..LocationInput::default()
            };
            let id = self.link_rollout_location(&m.regency_code, name, m.id, &input).await?;
            let event = EventInput {
                stage: "planned".into(),
                date: Some(date.into()),
                date_precision: Some("month".into()),
                target_year: Some(target),
                note: Some(note.into()),
                source_url: None,
            };
            self.add_rollout_event(&system, id, &event).await?;
        }
        self.load_demo_evaluation().await
    }

    /// A year of rollups for the demo MPPs (see the module note), and paper
    /// surveys for the MPPs besides Kota Bogor (whose past is in `demo_history`).
    pub async fn load_demo_national_history(&self) -> Result<()> {
        let today = self.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
        let mpps = self.mpps(&Default::default()).await?;
        let mut dice = Dice(0x5eed_2026_0a71);
        let system = Actor::system();
        for p in PROFILES {
            let Some(m) = mpps.iter().find(|m| m.slug == p.slug && m.status.0 == MppStatus::Operating) else {
                continue;
            };
            let filter = ServiceFilter {
                mpp_id: Some(m.id),
                status: Some(ServiceStatus::Published),
                limit: if p.slug == "kota-bogor" { 12 } else { 4 },
                ..ServiceFilter::default()
            };
            let services: Vec<ServiceRow> = {
                let mut r = self.store.read().await?;
                r.services(&filter).await?
            };
            // An MPP without a catalogue here does not run its queue on the platform.
            if services.is_empty() {
                continue;
            }
            let mut days = Vec::new();
            let mut cells: std::collections::HashMap<(i64, NaiveDate, bool, i64), i64> = Default::default();
            let mut served_of = Vec::new();
            for day in working_days_back(today, 365) {
                for s in &services {
                    let issued = (p.visitors as i64 / 2 + dice.below(p.visitors)).max(1);
                    let from_booking = issued * (p.booking_pct as i64 + dice.below(10) - 5).max(0) / 100;
                    let cancelled = dice.below(2) * i64::from(issued > 4);
                    let called = issued - cancelled;
                    let no_show = called * (p.no_show_pct as i64 + dice.below(5) - 2).max(0) / 100;
                    let not_served = i64::from(dice.below(12) == 0);
                    let served = (called - no_show - not_served).max(0);
                    for _ in 0..called {
                        let w = dice.minutes(p.wait);
                        *cells.entry((s.id, day, true, bucket_of(w))).or_default() += 1;
                    }
                    for _ in 0..served {
                        let v = dice.minutes(p.service);
                        *cells.entry((s.id, day, false, bucket_of(v))).or_default() += 1;
                    }
                    days.push(QueueTotalsOfDay {
                        service_id: s.id,
                        day,
                        t: QueueTotals {
                            mpp_id: m.id,
                            issued,
                            from_booking,
                            called,
                            served,
                            not_served,
                            no_show,
                            cancelled,
                            booking_no_show: from_booking * p.no_show_pct as i64 / 100 + dice.below(2),
                            booking_cancelled: dice.below(2),
                        },
                    });
                    // Kota Bogor's people served of the last 13 weeks are in `demo_history` already.
                    if p.slug != "kota-bogor" || (today - day).num_days() > 91 {
                        served_of.push((s.id, s.provider_id, day, served));
                    }
                }
            }
            let times: Vec<TimeCell> = cells
                .into_iter()
                .map(|((service_id, day, wait, bucket), n)| TimeCell {
                    service_id,
                    mpp_id: m.id,
                    day,
                    kind: if wait { TimeKind::Wait } else { TimeKind::Service },
                    bucket,
                    n,
                })
                .collect();
            // The day's tickets over its opening hours, a morning peak and a lunch dip.
            const HOURS: [(i64, i64); 8] = [(8, 10), (9, 16), (10, 18), (11, 15), (12, 7), (13, 13), (14, 12), (15, 9)];
            let mut per_day: std::collections::BTreeMap<NaiveDate, i64> = Default::default();
            for d in &days {
                *per_day.entry(d.day).or_default() += d.t.issued;
            }
            let mut hours = Vec::new();
            for (day, issued) in per_day {
                let mut left = issued;
                for (i, (hour, weight)) in HOURS.iter().enumerate() {
                    let n = if i + 1 == HOURS.len() { left } else { issued * weight / 100 };
                    left -= n;
                    hours.push((m.id, day, *hour, n));
                }
            }
            let mut tx = self.store.begin().await?;
            tx.add_queue_history(&days, &times).await?;
            tx.add_hour_history(&hours).await?;
            for (service, provider, day, served) in &served_of {
                tx.add_served(*service, *day, m.id, *provider, *served).await?;
            }
            let mut month = month_of(today);
            for _ in 0..12 {
                month = month_of(month - Duration::days(1));
                let received = (p.complaints + dice.below(5) - 2).max(0);
                let verified = received;
                let answered = received * 7 / 10;
                tx.add_complaint_month(
                    &ComplaintTotals {
                        mpp_id: m.id,
                        received,
                        verified,
                        verified_on_time: verified * (p.on_time_pct as i64) / 100,
                        answered,
                        answered_on_time: answered * (p.on_time_pct as i64 - 4).max(0) / 100,
                    },
                    month,
                )
                .await?;
                if p.slug == "kota-bogor" {
                    for (district, n) in BOGOR_ORIGINS {
                        let n = if *n >= 10 { n + dice.below(20) - 10 } else { *n };
                        tx.add_visitor_origins(m.id, month, district, n.max(0)).await?;
                    }
                }
            }
            tx.commit().await?;
            // Paper surveys of the last quarter, so each MPP has an IKM.
            // A few answers per service and week (a thin sample, as at many MPPs).
            for day in working_days_back(today, 91).filter(|d| d.weekday() == Weekday::Tue) {
                for (i, s) in services.iter().enumerate() {
                    for k in 0..p.surveys * 2 {
                        let lean = match p.slug {
                            "kab-bogor" | "kota-jayapura" => 1,
                            _ => 3,
                        };
                        let mut answer = |e: usize| -> Loose<i64> {
                            let slow = e == 2 || e == 8;
                            let v = match dice.below(10) {
                                0 => 2,
                                x if x < 2 + lean + i64::from(!slow) => 3,
                                _ => 4 - i64::from(slow && lean < 2),
                            };
                            Some(Ok(v.clamp(1, 4)))
                        };
                        let input = SurveyInput {
                            u1: answer(0),
                            u2: answer(1),
                            u3: answer(2),
                            u4: answer(3),
                            u5: answer(4),
                            u6: answer(5),
                            u7: answer(6),
                            u8: answer(7),
                            u9: answer(8),
                            suggestion: None,
                            sex: Some(["L", "P"][(i + k as usize) % 2].into()),
                            age_band: Some(["20-29", "30-39", "40-49", "50-59"][(i + k as usize) % 4].into()),
                            education: Some(["sma", "s1", "diploma"][(i + k as usize) % 3].into()),
                            occupation: Some(["swasta", "wirausaha", "pns"][(i + k as usize) % 3].into()),
                            day: Some(day.to_string()),
                        };
                        self.enter_paper_survey(&system, s.id, &input).await?;
                    }
                }
            }
        }
        Ok(())
    }
}
