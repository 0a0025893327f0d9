//! The demo's OSS help desk at MPP Kota Bogor: opened on DPMPTSP's "Pendampingan
//! OSS/NIB", thirteen weeks of consultations (NIBs, referrals, answers, a few
//! follow-ups still open), a past "Sosialisasi OSS" with its attendance and two
//! sessions ahead with seats taken, all through the desk's own operations with
//! the clock set back.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use chrono_tz::Tz;
use satuatap_store::MppRow;

use crate::booking::BookingInput;
use crate::demo_history::at_local;
use crate::oss::{ConsultationInput, OpenDeskInput, SessionInput};
use crate::{Actor, App, Result};

/// Activities people come with: (text, KBLI 2020 code if the desk noted one).
const ACTIVITIES: [(&str, Option<&str>); 10] = [
    ("Warung makan", Some("56102")),
    ("Kedai kopi", Some("56303")),
    ("Toko kelontong", Some("47111")),
    ("Produksi roti dan kue", Some("10710")),
    ("Konveksi pakaian", Some("14111")),
    ("Laundry kiloan", None),
    ("Jasa cuci motor", None),
    ("Katering rumahan", Some("56210")),
    ("Penjualan daring pakaian", Some("47911")),
    ("Bengkel sepeda motor", Some("45407")),
];

const NAMES: [&str; 12] = [
    "Siti Rahmawati",
    "Budi Santoso",
    "Dewi Lestari",
    "Agus Firmansyah",
    "Rina Marlina",
    "Hendra Gunawan",
    "Yuliana Putri",
    "Asep Saepudin",
    "Nur Aisyah",
    "Dedi Kurniawan",
    "Euis Kartika",
    "Rudi Hartono",
];

/// A NIK of Kota Bogor (32.71.05) for the demo's `n`th registrant.
fn demo_nik(n: usize) -> String {
    format!("327105{:02}{:02}8{}{:04}", n % 28 + 1, n % 12 + 1, n % 10, n + 1)
}

impl App {
    /// Open Kota Bogor's desk and give it a past; `today` is the MPP's local date.
    pub(crate) async fn demo_oss(&self, m: &MppRow, tz: Tz, today: NaiveDate) -> Result<()> {
        let system = Actor::system();
        let Ok(service) = self.service_by_code(None, m.id, "PTSP-01").await else { return Ok(()) };
        // The desk opened 13 weeks ago.
        self.clock.set(Some(at_local(tz, today - Duration::days(92), 8, 0)));
        self.open_oss_desk(&system, m.id, &OpenDeskInput { service_id: Some(Ok(service.id)), provider_id: None })
            .await?;
        let providers = self.providers(None, m.id).await?;
        let referral = |slug: &str| providers.iter().find(|p| p.slug == slug).map(|p| p.id);
        let (kemenag, bpn) = (referral("kemenag"), referral("bpn"));
        let mut officer = Actor::system();
        officer.name = "Rina Apriyani (Help Desk OSS)".into();
        let mut n = 0usize;
        for back in (0..=91).rev() {
            let day = today - Duration::days(back);
            if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                continue;
            }
            let per_day = if back == 0 { 2 } else { 2 + (day.ordinal() % 4) as usize };
            for k in 0..per_day {
                n += 1;
                self.clock.set(Some(at_local(tz, day, 8 + (k as u32 * 2) % 7, (n as u32 * 7) % 60)));
                let (activity, kbli) = ACTIVITIES[n % ACTIVITIES.len()];
                let name = NAMES[n % NAMES.len()];
                let recent = back <= 3;
                let (outcome, follow_up_on, referred) = match n % 10 {
                    0..=3 => ("nib", None, None),
                    4 => ("referred", None, kemenag),
                    5 if bpn.is_some() => ("referred", None, bpn),
                    9 if recent || n % 20 == 9 => {
                        ("follow_up", Some(day + Duration::days(if recent { 3 } else { 7 })), None)
                    }
                    _ => ("answered", None, None),
                };
                let topic = match outcome {
                    "nib" => "registration",
                    "referred" => "certificate",
                    _ => ["kbli", "revision", "reporting", "permit"][n % 4],
                };
                let input = ConsultationInput {
                    visitor_name: Some(name.into()),
                    phone: (outcome == "follow_up").then(|| format!("08129{:07}", 1_000_000 + n)),
                    business_name: n
                        .is_multiple_of(3)
                        .then(|| format!("{activity} {}", name.split(' ').next().unwrap_or(""))),
                    activity: Some(activity.into()),
                    kbli: kbli.map(String::from),
                    topic: topic.into(),
                    outcome: outcome.into(),
                    nib: (outcome == "nib")
                        .then(|| format!("12{:02}{:02}{:02}{:05}", day.year() % 100, day.month(), day.day(), n)),
                    referred_provider_id: referred.map(Ok),
                    follow_up_on: follow_up_on.map(|d| d.to_string()),
                    note: (outcome == "follow_up")
                        .then(|| "Menunggu NPWP dan email aktif; dibantu selesaikan pendaftaran.".into()),
                    ..ConsultationInput::default()
                };
                let v = self.record_oss_consultation(&officer, m.id, &input).await?;
                // Older follow-ups were closed on their day: an NIB came of most.
                if let Some(d) = follow_up_on.filter(|d| *d < today - Duration::days(1)) {
                    self.clock.set(Some(at_local(tz, d, 10, 0)));
                    let close = crate::oss::FollowUpInput {
                        outcome: "nib".into(),
                        nib: Some(format!("12{:02}{:02}{:02}{:05}", d.year() % 100, d.month(), d.day(), n + 50_000)),
                        ..Default::default()
                    };
                    self.finish_oss_follow_up(&officer, v.id, &close).await?;
                }
            }
        }
        // A session three weeks ago, planned two weeks before it; most who registered came.
        let past_day = working_day(today - Duration::days(21));
        self.clock.set(Some(at_local(tz, past_day - Duration::days(14), 9, 0)));
        let past = self
            .create_oss_session(
                &officer,
                m.id,
                &SessionInput {
                    title: "Sosialisasi OSS untuk UMKM Kuliner".into(),
                    room: "Ruang Serbaguna, Lantai 3".into(),
                    date: past_day.to_string(),
                    starts: "09:00".into(),
                    ends: "11:00".into(),
                    capacity: Some(Ok(30)),
                    note: Some(
                        "Cara mendaftar di OSS RBA, memilih KBLI, dan mengunduh NIB. Bawa KTP-el dan ponsel.".into(),
                    ),
                },
            )
            .await?;
        let mut people = 0usize;
        for i in 0..24 {
            self.clock.set(Some(at_local(tz, past_day - Duration::days(13 - (i as i64 % 12)), 10, i as u32)));
            self.demo_register(past.id, people).await?;
            people += 1;
        }
        self.clock.set(Some(at_local(tz, past_day, 9, 5)));
        let detail = self.oss_session_detail(&officer, past.id).await?;
        for r in detail.registrants.iter().take(19) {
            self.mark_oss_attended(&officer, past.id, r.booking_id).await?;
        }
        // Two sessions ahead, planned last week, with seats taken.
        self.clock.set(Some(at_local(tz, today - Duration::days(6), 9, 0)));
        let ahead = [
            ("Sosialisasi OSS: Mendaftar NIB dari Nol", 9, 30, 18),
            ("Sosialisasi OSS: Sertifikat Standar dan Sertifikasi Halal", 23, 25, 7),
        ];
        for (title, days, capacity, taken) in ahead {
            let day = working_day(today + Duration::days(days));
            let s = self
                .create_oss_session(
                    &officer,
                    m.id,
                    &SessionInput {
                        title: title.into(),
                        room: "Ruang Serbaguna, Lantai 3".into(),
                        date: day.to_string(),
                        starts: "13:00".into(),
                        ends: "15:00".into(),
                        capacity: Some(Ok(capacity)),
                        note: Some("Terbuka untuk umum dan tanpa biaya. Datang 15 menit sebelum mulai.".into()),
                    },
                )
                .await?;
            for _ in 0..taken {
                self.demo_register(s.id, people).await?;
                people += 1;
            }
        }
        Ok(())
    }

    async fn demo_register(&self, session_id: i64, n: usize) -> Result<()> {
        let input = BookingInput {
            slot_id: None,
            name: NAMES[n % NAMES.len()].into(),
            nik: demo_nik(n),
            phone: Some(format!("08138{:07}", 2_000_000 + n)),
            email: None,
            request_id: None,
        };
        self.register_for_oss_session(None, session_id, &input).await.map(|_| ())
    }
}

/// The day itself, or the Monday after a weekend.
fn working_day(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d + Duration::days(2),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}
