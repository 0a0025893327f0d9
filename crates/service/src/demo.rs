//! Demo data: real-looking MPPs, providers, counters, services and accounts,
//! loaded through the same operations an administrator uses (so it is
//! validated like any other input). See `demo/README.md` for the files.

use std::collections::HashMap;

use satuatap_domain::catalog::ServiceStatus;
use serde::Deserialize;

use crate::booking::BookingRulesInput;
use crate::catalog::ServiceInput;
use crate::holidays::HolidayInput;
use crate::mpps::MppInput;
use crate::providers::{AgencyInput, CounterInput, ProviderInput};
use crate::queue::QueueSettingsInput;
use crate::users::UserInput;
use crate::{Actor, App, Error, Result};

const AGENCIES: &str = include_str!("../demo/agencies.toml");
const MPPS: &str = include_str!("../demo/mpps.toml");
const CATALOGUES: &[(&str, &str)] = &[
    ("bogor.toml", include_str!("../demo/bogor.toml")),
    ("kab-bogor.toml", include_str!("../demo/kab-bogor.toml")),
    ("makassar.toml", include_str!("../demo/makassar.toml")),
    ("jayapura.toml", include_str!("../demo/jayapura.toml")),
];

const BOGOR_ANNOUNCEMENT: &str = "Selamat datang di Mal Pelayanan Publik Kota Bogor. Siapkan dokumen asli sebelum nomor Anda dipanggil. Semua layanan tanpa pungutan di luar tarif resmi; laporkan pungutan liar melalui SP4N-LAPOR!";
const BOGOR_ANNOUNCEMENT_EN: &str = "Welcome to the Kota Bogor Public Service Mall. Have your original documents ready before your number is called. No fees beyond the official tariffs; report illegal charges through SP4N-LAPOR!";

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "satuatap-demo";

#[derive(Deserialize)]
struct AgencyFile {
    agency: Vec<DemoAgency>,
}

#[derive(Deserialize)]
struct DemoAgency {
    key: String,
    #[serde(flatten)]
    input: AgencyInput,
}

#[derive(Deserialize)]
struct MppFile {
    mpp: Vec<DemoMpp>,
}

#[derive(Deserialize)]
struct DemoMpp {
    slug: String,
    name: String,
    nickname: Option<String>,
    regency: String,
    district: Option<String>,
    address: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    status: String,
    opened_on: Option<toml::value::Datetime>,
    #[serde(default)]
    hours: HashMap<String, String>,
    #[serde(default)]
    closure: Vec<DemoClosure>,
}

#[derive(Deserialize)]
struct DemoClosure {
    date: toml::value::Datetime,
    name: String,
    name_en: Option<String>,
}

#[derive(Deserialize)]
struct CatalogueFile {
    #[serde(default)]
    provider: Vec<DemoProvider>,
    #[serde(default)]
    service: Vec<DemoService>,
}

#[derive(Deserialize)]
struct DemoProvider {
    mpp: String,
    key: String,
    agency: Option<String>,
    #[serde(flatten)]
    input: ProviderInput,
    #[serde(default)]
    counters: Vec<CounterInput>,
}

#[derive(Deserialize)]
struct DemoService {
    provider: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(flatten)]
    input: ServiceInput,
}

/// A demo account to print at start.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: &'static str,
    pub email: String,
    pub scope: String,
}

#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub loaded: bool,
    pub mpps: usize,
    pub providers: usize,
    pub services: usize,
    pub logins: Vec<DemoLogin>,
}

fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| Error::Internal(format!("demo file {name}: {e}")))
}

/// Name the field and value that failed, so a broken demo file is easy to fix.
fn context(what: String) -> impl FnOnce(Error) -> Error {
    move |e| Error::Internal(format!("demo data, {what}: {e}"))
}

impl App {
    /// Load the demo data unless the database already has MPPs.
    pub async fn load_demo(&self) -> Result<DemoSummary> {
        let system = Actor::system();
        let mut summary = DemoSummary::default();
        if !self.mpps(&Default::default()).await?.is_empty() {
            summary.logins = demo_logins();
            return Ok(summary);
        }
        summary.loaded = true;
        let mut agencies = HashMap::new();
        for a in parse::<AgencyFile>("agencies.toml", AGENCIES)?.agency {
            let mut input = a.input;
            input.slug = Some(a.key.clone());
            let row = self.create_agency(&system, &input).await.map_err(context(format!("agency {}", a.key)))?;
            agencies.insert(row.slug.clone(), row.id);
        }
        let mut mpps = HashMap::new();
        for m in parse::<MppFile>("mpps.toml", MPPS)?.mpp {
            let hours = |k: &str| m.hours.get(k).cloned();
            let input = MppInput {
                slug: Some(m.slug.clone()),
                name: m.name.clone(),
                nickname: m.nickname.clone(),
                regency_code: m.regency.clone(),
                district_code: m.district.clone(),
                address: m.address.clone(),
                latitude: m.latitude.map(Ok),
                longitude: m.longitude.map(Ok),
                hours_mon: hours("mon"),
                hours_tue: hours("tue"),
                hours_wed: hours("wed"),
                hours_thu: hours("thu"),
                hours_fri: hours("fri"),
                hours_sat: hours("sat"),
                hours_sun: hours("sun"),
                phone: m.phone.clone(),
                email: m.email.clone(),
                website: m.website.clone(),
                status: Some(m.status.clone()),
                opened_on: m.opened_on.map(|d| d.to_string()),
            };
            let row = self.create_mpp(&system, &input).await.map_err(context(format!("MPP {}", m.slug)))?;
            for c in &m.closure {
                let h = HolidayInput {
                    date: c.date.to_string(),
                    name: c.name.clone(),
                    name_en: c.name_en.clone(),
                    kind: None,
                };
                self.add_holiday(&system, Some(row.id), &h).await.map_err(context(format!("closure {}", c.date)))?;
            }
            mpps.insert(m.slug.clone(), row.id);
            summary.mpps += 1;
        }
        for (file, text) in CATALOGUES {
            let cat: CatalogueFile = parse(file, text)?;
            let mut providers: HashMap<(i64, String), (i64, i64)> = HashMap::new();
            for p in cat.provider {
                let mpp_id =
                    *mpps.get(&p.mpp).ok_or_else(|| Error::Internal(format!("{file}: unknown MPP {}", p.mpp)))?;
                let mut input = p.input.clone();
                input.agency_id = match &p.agency {
                    Some(a) => Some(Ok(*agencies
                        .get(a)
                        .ok_or_else(|| Error::Internal(format!("{file}: unknown agency {a}")))?)),
                    None => None,
                };
                input.slug = Some(p.key.clone());
                let row = self
                    .create_provider(&system, mpp_id, &input)
                    .await
                    .map_err(context(format!("{file} provider {}", p.key)))?;
                for c in &p.counters {
                    self.create_counter(&system, row.id, c)
                        .await
                        .map_err(context(format!("{file} counter {}", c.code)))?;
                }
                providers.insert((mpp_id, p.key.clone()), (mpp_id, row.id));
                providers.insert((0, p.key.clone()), (mpp_id, row.id));
                summary.providers += 1;
            }
            for s in cat.service {
                let (mpp_id, provider_id) = *providers
                    .get(&(0, s.provider.clone()))
                    .ok_or_else(|| Error::Internal(format!("{file}: unknown provider {}", s.provider)))?;
                let mut input = s.input.clone();
                input.provider_id = Some(Ok(provider_id));
                let what = format!("{file} service {}", input.code);
                let row = self.create_service(&system, mpp_id, &input).await.map_err(context(what.clone()))?;
                if s.status.as_deref().unwrap_or("published") == "published" {
                    self.set_service_status(&system, row.id, ServiceStatus::Published)
                        .await
                        .map_err(context(what.clone()))?;
                }
                if row.bookable {
                    // Demo booking: 30-minute slots, four visitors each, a week ahead, opening at 06:00.
                    let rules = BookingRulesInput { capacity_per_slot: Some(Ok(4)), ..BookingRulesInput::default() };
                    self.set_booking_rules(&system, row.id, &rules).await.map_err(context(what))?;
                }
                summary.services += 1;
            }
        }
        self.create_demo_users(&mpps).await?;
        if let Some(bogor) = mpps.get("kota-bogor") {
            let board = QueueSettingsInput {
                announcement: Some(BOGOR_ANNOUNCEMENT.into()),
                announcement_en: Some(BOGOR_ANNOUNCEMENT_EN.into()),
                // Kota Bogor lets phones take a number from its page.
                remote_tickets: true,
                ..QueueSettingsInput::default()
            };
            self.set_queue_settings(&system, *bogor, &board).await.map_err(context("Bogor board".into()))?;
            // The first-KTP service gives at most 150 walk-in numbers a day.
            if let Ok(ktp) = self.service_by_code(None, *bogor, "DUK-01").await {
                let rule = crate::queue::WalkInInput { daily_quota: Some(Ok(150)), last_ticket_at: None };
                self.set_walk_in_rule(&system, ktp.id, &rule).await.map_err(context("Bogor walk-in rule".into()))?;
            }
        }
        summary.logins = demo_logins();
        Ok(summary)
    }

    /// Let the demo MPPs issue tickets at any hour, so the queue can be tried
    /// whenever someone runs the demo (a real MPP keeps its opening hours).
    pub async fn open_demo_queues_around_the_clock(&self) -> Result<()> {
        let system = Actor::system();
        for m in self.mpps(&Default::default()).await? {
            let s = &m.queue_settings.0;
            let input = QueueSettingsInput {
                priority_lead_minutes: Some(Ok(s.priority_lead_minutes)),
                booking_lead_minutes: Some(Ok(s.booking_lead_minutes)),
                recalls_before_no_show: Some(Ok(s.recalls_before_no_show)),
                extra_time_minutes: Some(Ok(s.extra_time_minutes)),
                allow_outside_hours: true,
                remote_tickets: s.remote_tickets,
                near_turn_ahead: Some(Ok(s.near_turn_ahead)),
                no_show_limit: Some(Ok(s.no_show_limit)),
                no_show_days: Some(Ok(s.no_show_days)),
                announcement: m.announcement.clone(),
                announcement_en: m.announcement_en.clone(),
            };
            self.set_queue_settings(&system, m.id, &input).await?;
        }
        Ok(())
    }

    /// A fresh pairing code for the demo's entrance kiosk at MPP Kota Bogor (a
    /// code works once, for a day, so each start makes a new one): typed at
    /// `/perangkat`, it turns a browser into that kiosk. The MPP's name and the code.
    pub async fn demo_kiosk_code(&self) -> Result<(String, String)> {
        const NAME: &str = "Kios demo · pintu masuk";
        let system = Actor::system();
        let m = self.mpp_by_slug("kota-bogor").await?;
        let existing = self
            .devices(&system, m.id)
            .await?
            .into_iter()
            .find(|d| d.name == NAME && d.state != crate::devices::DeviceState::Revoked);
        let made = match existing {
            Some(d) => self.repair_device(&system, d.id).await?,
            None => {
                let input =
                    crate::devices::DeviceInput { name: NAME.into(), kind: "kiosk".into(), ..Default::default() };
                self.register_device(&system, m.id, &input).await?
            }
        };
        Ok((m.name, made.pairing_code))
    }

    async fn create_demo_users(&self, mpps: &HashMap<String, i64>) -> Result<()> {
        let system = Actor::system();
        let bogor = mpps.get("kota-bogor").copied();
        let mut users: Vec<UserInput> = vec![
            user("admin@demo.satuatap.id", "Admin Nasional (KemenPANRB)", "national_admin", None, None),
            user("warga@demo.satuatap.id", "Siti Rahmawati", "citizen", None, None),
            user(crate::demo_evaluation::DEMO_EVALUATOR, "Evaluator KemenPANRB", "evaluator", None, None),
        ];
        for (slug, email, name) in [
            ("kota-bogor", "manajer.bogor@demo.satuatap.id", "Manajer MPP Kota Bogor"),
            ("makassar", "manajer.makassar@demo.satuatap.id", "Manajer MPP Kota Makassar"),
            ("kota-makassar", "manajer.makassar@demo.satuatap.id", "Manajer MPP Kota Makassar"),
            ("jayapura", "manajer.jayapura@demo.satuatap.id", "Manajer MPP Kota Jayapura"),
            ("kota-jayapura", "manajer.jayapura@demo.satuatap.id", "Manajer MPP Kota Jayapura"),
        ] {
            if let Some(id) = mpps.get(slug) {
                users.push(user(email, name, "mpp_manager", Some(*id), None));
            }
        }
        if let Some(bogor) = bogor {
            // One admin for the immigration office, and an officer for every provider.
            let providers = self.providers(None, bogor).await?;
            for p in &providers {
                if p.slug == "imigrasi" {
                    users.push(user(
                        "admin.imigrasi.bogor@demo.satuatap.id",
                        "Admin Kantor Imigrasi Bogor",
                        "provider_admin",
                        Some(bogor),
                        Some(p.id),
                    ));
                }
                users.push(user(
                    &format!("petugas.{}.bogor@demo.satuatap.id", p.slug),
                    &format!("Petugas {}", p.name),
                    "counter_officer",
                    Some(bogor),
                    Some(p.id),
                ));
            }
        }
        for u in users {
            self.create_user(&system, &u).await.map_err(context(format!("user {}", u.email)))?;
        }
        Ok(())
    }
}

fn user(email: &str, name: &str, role: &str, mpp: Option<i64>, provider: Option<i64>) -> UserInput {
    UserInput {
        email: email.into(),
        name: name.into(),
        role: role.into(),
        mpp_id: mpp.map(Ok),
        provider_id: provider.map(Ok),
        active: true,
        password: Some(DEMO_PASSWORD.into()),
    }
}

/// The demo accounts worth printing (officers follow one pattern).
pub fn demo_logins() -> Vec<DemoLogin> {
    let l = |role, email: &str, scope: &str| DemoLogin { role, email: email.into(), scope: scope.into() };
    vec![
        l("national_admin", "admin@demo.satuatap.id", "semua MPP / all MPPs"),
        l("mpp_manager", "manajer.bogor@demo.satuatap.id", "MPP Kota Bogor"),
        l("mpp_manager", "manajer.makassar@demo.satuatap.id", "MPP Kota Makassar (WITA)"),
        l("mpp_manager", "manajer.jayapura@demo.satuatap.id", "MPP Kota Jayapura (WIT)"),
        l("provider_admin", "admin.imigrasi.bogor@demo.satuatap.id", "Kantor Imigrasi Bogor"),
        l(
            "counter_officer",
            "petugas.imigrasi.bogor@demo.satuatap.id",
            "Imigrasi, MPP Kota Bogor (petugas.<gerai>.bogor@…)",
        ),
        l("evaluator", crate::demo_evaluation::DEMO_EVALUATOR, "evaluasi MPP / MPP evaluation"),
        l("citizen", "warga@demo.satuatap.id", "warga / citizen"),
    ]
}
