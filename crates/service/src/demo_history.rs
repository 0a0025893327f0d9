//! A past for the demo: people served and survey answers at MPP Kota Bogor over
//! the last thirteen weeks, and complaints in each state of their workflow, so
//! the results page, the survey desk and the complaint desk can be tried with
//! something in them. Loaded once, with the demo data, through the same
//! operations staff and citizens use (the clock is set back for each step).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use satuatap_domain::catalog::ServiceStatus;
use satuatap_store::ServiceRow;
use satuatap_store::catalog::ServiceFilter;

use crate::complaint::{ComplaintInput, RatingInput, StepInput};
use crate::input::Loose;
use crate::queue::mpp_tz;
use crate::survey::SurveyInput;
use crate::{Actor, App, Error, Result};

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

    /// An answer 1–4 leaning to `lean` (1 = worse, 3 = better).
    fn answer(&mut self, lean: u64) -> i64 {
        match self.below(10) as u64 {
            0 => 1 + self.below(2),
            x if x < 2 + lean => 3,
            _ => 4 - self.below(2) * i64::from(lean < 2),
        }
    }
}

const SUGGESTIONS: [&str; 6] = [
    "Antrean paspor terlalu lama pada hari Senin, mohon tambah loket.",
    "Ruang tunggu nyaman, tetapi kursi kurang saat jam sibuk.",
    "Petugas ramah dan menjelaskan persyaratan dengan jelas.",
    "Papan informasi biaya sebaiknya dipasang di depan gerai.",
    "Mohon sediakan tempat parkir motor yang lebih luas.",
    "Pendaftaran online sangat membantu, tidak perlu datang subuh.",
];

/// A local wall-clock time of the demo's past, in UTC.
pub(crate) fn at_local(tz: Tz, day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, minute, 0)
        .and_then(|t| tz.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

/// The `n`th working day (Monday–Friday) before `from`.
pub(crate) fn working_day_before(from: NaiveDate, n: i64) -> NaiveDate {
    step_working_days(from, n, -1)
}

/// The `n`th working day (Monday–Friday) after `from`.
pub(crate) fn working_day_after(from: NaiveDate, n: i64) -> NaiveDate {
    step_working_days(from, n, 1)
}

fn step_working_days(from: NaiveDate, n: i64, direction: i64) -> NaiveDate {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d += Duration::days(direction);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

impl App {
    /// Load the demo's past (see the module note). Call once, right after `load_demo`.
    pub async fn load_demo_history(&self) -> Result<()> {
        let m = self.mpp_by_slug("kota-bogor").await?;
        let tz = mpp_tz(&m);
        let now = self.now();
        let today = now.with_timezone(&tz).date_naive();
        let filter = ServiceFilter {
            mpp_id: Some(m.id),
            status: Some(ServiceStatus::Published),
            limit: 12,
            ..ServiceFilter::default()
        };
        let mut r = self.store.read().await?;
        let services: Vec<ServiceRow> = r.services(&filter).await?;
        drop(r);
        self.demo_surveys(&services, today).await?;
        let mut result = self.demo_complaints(m.id, tz, today).await;
        if result.is_ok() {
            result = self.demo_oss(&m, tz, today).await;
        }
        if result.is_ok() {
            result = self.demo_files(&m, tz, now).await;
        }
        self.clock.set(None);
        result?;
        self.load_demo_national_history().await
    }

    async fn demo_surveys(&self, services: &[ServiceRow], today: NaiveDate) -> Result<()> {
        let system = Actor::system();
        let mut dice = Dice(0x5eed_2026_0001);
        let mut tx = self.store.begin().await?;
        let mut paper = Vec::new();
        for back in 1..=91 {
            let day = today - Duration::days(back);
            if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                continue;
            }
            for (i, s) in services.iter().enumerate() {
                let served = 2 + dice.below(if i < 3 { 14 } else { 6 });
                tx.add_served(s.id, day, s.mpp_id, s.provider_id, served).await?;
                // About one in six people served answers the survey on paper.
                for _ in 0..(served / 6 + dice.below(2)) {
                    paper.push((s.id, day));
                }
            }
        }
        tx.commit().await?;
        for (n, (service_id, day)) in paper.into_iter().enumerate() {
            // U3 (time) and U9 (facilities) lean lower, as in many real surveys.
            let mut u = [0i64; 9];
            for (k, v) in u.iter_mut().enumerate() {
                *v = dice.answer(if k == 2 || k == 8 { 1 } else { 3 });
            }
            let ok = |v: i64| -> Loose<i64> { Some(Ok(v)) };
            let input = SurveyInput {
                u1: ok(u[0]),
                u2: ok(u[1]),
                u3: ok(u[2]),
                u4: ok(u[3]),
                u5: ok(u[4]),
                u6: ok(u[5]),
                u7: ok(u[6]),
                u8: ok(u[7]),
                u9: ok(u[8]),
                suggestion: (n % 9 == 0).then(|| SUGGESTIONS[(n / 9) % SUGGESTIONS.len()].to_string()),
                sex: Some(["L", "P"][n % 2].into()),
                age_band: Some(["20-29", "30-39", "40-49", "50-59"][n % 4].into()),
                education: Some(["sma", "s1", "diploma", "smp"][n % 4].into()),
                occupation: Some(["swasta", "wirausaha", "pns", "pelajar", "ibu_rumah_tangga"][n % 5].into()),
                day: Some(day.to_string()),
            };
            self.enter_paper_survey(&system, service_id, &input).await?;
        }
        Ok(())
    }

    async fn demo_complaints(&self, mpp_id: i64, tz: Tz, today: NaiveDate) -> Result<()> {
        let mut r = self.store.read().await?;
        let manager = r
            .user_by_email("manajer.bogor@demo.satuatap.id")
            .await?
            .map(|u| Actor::from_user(&u))
            .ok_or_else(|| Error::Internal("demo manager missing".into()))?;
        let imigrasi = r
            .user_by_email("admin.imigrasi.bogor@demo.satuatap.id")
            .await?
            .map(|u| Actor::from_user(&u))
            .ok_or_else(|| Error::Internal("demo provider admin missing".into()))?;
        drop(r);
        let provider = imigrasi.provider_id;
        let when = |back: i64, hour: u32| at_local(tz, working_day_before(today, back), hour, 0);
        let report = |kind: &str, title: &str, body: &str, name: Option<&str>| ComplaintInput {
            kind: kind.into(),
            title: title.into(),
            body: body.into(),
            provider_id: provider.map(Ok),
            anonymous: name.is_none(),
            confidential: false,
            name: name.map(str::to_string),
            email: name.map(|_| "pelapor@example.id".to_string()),
            ..ComplaintInput::default()
        };
        let forward = StepInput { action: "forward".into(), provider_id: provider.map(Ok), ..StepInput::default() };
        let answer =
            |note: &str| StepInput { action: "answer".into(), note: Some(note.into()), ..StepInput::default() };

        // Answered, rated and closed.
        self.clock.set(Some(when(20, 9)));
        let a = self
            .submit_complaint(
                mpp_id,
                &report(
                    "pengaduan",
                    "Foto paspor diulang tiga kali",
                    "Saat perekaman biometrik foto saya diulang tiga kali karena kamera bermasalah, total menunggu 2 jam.",
                    Some("Rudi Hartono"),
                ),
                &[],
            )
            .await?;
        self.clock.set(Some(when(19, 10)));
        self.complaint_step(&manager, a.id, &forward, &[]).await?;
        self.clock.set(Some(when(17, 14)));
        self.complaint_step(
            &imigrasi,
            a.id,
            &answer("Kamera di loket 2 sudah diganti pada hari yang sama. Mohon maaf atas waktu tunggunya."),
            &[],
        )
        .await?;
        self.clock.set(Some(when(16, 19)));
        self.rate_complaint(&a.tracking_code, &RatingInput { rating: Some(Ok(4)), comment: None }).await?;

        // Answered, waiting for the reporter.
        self.clock.set(Some(when(8, 11)));
        let b = self
            .submit_complaint(
                mpp_id,
                &report(
                    "permintaan_informasi",
                    "Syarat paspor untuk anak",
                    "Apa saja syarat membuat paspor untuk anak usia 5 tahun dan apakah kedua orang tua harus hadir?",
                    Some("Dewi Lestari"),
                ),
                &[],
            )
            .await?;
        self.clock.set(Some(when(7, 9)));
        self.complaint_step(&manager, b.id, &forward, &[]).await?;
        self.clock.set(Some(when(6, 13)));
        self.complaint_step(
            &imigrasi,
            b.id,
            &answer(
                "Syaratnya akta kelahiran, KK, KTP dan paspor kedua orang tua; kedua orang tua hadir bersama anak saat wawancara.",
            ),
            &[],
        )
        .await?;

        // Late: never verified (escalated when the server starts).
        self.clock.set(Some(when(7, 15)));
        self.submit_complaint(
            mpp_id,
            &report(
                "pengaduan",
                "Nomor antrean dilewati",
                "Nomor antrean saya dilewati dua kali di gerai Imigrasi tanpa penjelasan dari petugas.",
                Some("Agus Salim"),
            ),
            &[],
        )
        .await?;

        // With the provider, on time.
        self.clock.set(Some(when(1, 10)));
        let d = self
            .submit_complaint(
                mpp_id,
                &report(
                    "pengaduan",
                    "AC ruang tunggu mati",
                    "Pendingin ruangan di ruang tunggu Imigrasi tidak menyala sejak pagi, ruangan sangat panas.",
                    None,
                ),
                &[],
            )
            .await?;
        self.clock.set(Some(when(1, 11)));
        self.complaint_step(&manager, d.id, &forward, &[]).await?;

        // New today: a suggestion.
        self.clock.set(None);
        self.submit_complaint(
            mpp_id,
            &ComplaintInput {
                provider_id: None,
                ..report(
                    "aspirasi",
                    "Tambah jadwal Sabtu",
                    "Mohon layanan paspor juga dibuka hari Sabtu pagi untuk pekerja yang sulit izin di hari kerja.",
                    None,
                )
            },
            &[],
        )
        .await?;
        Ok(())
    }
}
