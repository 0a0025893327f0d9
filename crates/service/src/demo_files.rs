//! The demo's files (berkas permohonan) at MPP Kota Bogor: six weeks of them for
//! services that are not finished at the counter (a building permit with its own
//! technical review and field survey, a doctor's practice licence, a change of
//! land-tax name, a family card, a pension claim), each registered and moved
//! through its steps by the desk's own operations with the clock set back. Most
//! were picked up; some finished late; a few wait for documents, are ready for
//! pickup, or stalled after their first check and are late now (red on the worklist).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use satuatap_domain::application::{APPROVED, NEEDS_COMPLETION, PICKED_UP, READY, RECEIVED, REJECTED};
use satuatap_store::MppRow;

use crate::application::{FileStepInput, IntakeInput};
use crate::demo_history::{at_local, working_day_after, working_day_before};
use crate::{Actor, App, Result};

/// (service code, files over the six weeks).
const SERVICES: [(&str, usize); 5] = [("PTSP-03", 8), ("PTSP-07", 8), ("BPD-02", 8), ("DUK-04", 10), ("BTK-02", 8)];

const APPLICANTS: [&str; 14] = [
    "Ahmad Fauzi",
    "Lina Marlina",
    "Yusuf Hidayat",
    "Ratna Sari",
    "Bambang Sutrisno",
    "Intan Permata",
    "Wahyu Pratama",
    "Sri Wahyuni",
    "Fajar Nugroho",
    "Maya Anggraini",
    "Iwan Setiawan",
    "Tuti Alawiyah",
    "Eko Prasetyo",
    "Nina Kurniasih",
];

impl App {
    /// Kota Bogor's files of the last six weeks, up to the demo's `now`.
    pub(crate) async fn demo_files(&self, m: &MppRow, tz: Tz, now: DateTime<Utc>) -> Result<()> {
        let today = now.with_timezone(&tz).date_naive();
        let mut desk = Actor::system();
        desk.name = "Dewi Anggraeni (petugas berkas)".into();
        let mut n = 0usize;
        for (code, count) in SERVICES {
            let Ok(service) = self.service_by_code(None, m.id, code).await else { continue };
            let (Some(days), Some(_)) = (service.standard.0.duration_value, service.standard.0.duration_unit) else {
                continue;
            };
            if code == "PTSP-03" {
                // The building permit's own steps, as its provider set them.
                let steps =
                    ["Pemeriksaan teknis | Technical review".to_string(), "Survei lapangan | Field survey".into()];
                self.set_application_steps(&desk, service.id, &steps).await?;
            }
            // Days between steps: a same-day service moves within its day.
            let span = days.max(1);
            let path: Vec<String> = std::iter::once(RECEIVED.to_string())
                .chain(self.application_steps(service.id).await?.into_iter().map(|s| s.key))
                .chain([APPROVED.to_string(), READY.into(), PICKED_UP.into()])
                .collect();
            let all: Vec<usize> = (0..service.standard.0.requirements.len()).collect();
            for k in 0..count {
                n += 1;
                // Spread over the last 30 working days, the newest today.
                let back = (30 * (count - 1 - k) / count.max(1)) as i64;
                let day = working_day_before(today, back);
                let hour = 8 + (n % 6) as u32;
                let received = at_local(tz, day, hour, (n as u32 * 13) % 60);
                if received > now {
                    continue;
                }
                self.clock.set(Some(received));
                // Every fifth file lacks its last document at intake.
                let missing = n % 5 == 2;
                let met = if missing { all[..all.len().saturating_sub(1)].to_vec() } else { all.clone() };
                let input = IntakeInput {
                    service_id: service.id,
                    ticket_id: None,
                    booking_id: None,
                    applicant_name: Some(APPLICANTS[n % APPLICANTS.len()].into()),
                    // A third left a phone number for messages at each step.
                    phone: n.is_multiple_of(3).then(|| format!("08577{:07}", 3_000_000 + n)),
                    email: None,
                    requirements_met: met,
                    note: None,
                };
                let file = self.register_application(&desk, &input).await?;
                // Every seventh file takes half as long again as promised: finished late.
                let slow = n % 7 == 3;
                // And a few stall after their first check: late now, red on the worklist.
                let stalled = n % 9 == 4;
                let per_step = if slow { span * 3 / 2 } else { span } as f64 / (path.len() - 2) as f64;
                let mut at_step = day;
                let mut from = file.step.clone();
                if missing {
                    // The applicant brings the last document two working days later.
                    at_step = working_day_after(day, 2);
                    let brought = at_local(tz, at_step, 10, 5);
                    if brought > now || brought < received {
                        continue;
                    }
                    self.clock.set(Some(brought));
                    let back = FileStepInput {
                        from: NEEDS_COMPLETION.into(),
                        to: RECEIVED.into(),
                        note: None,
                        requirements_met: Some(all.clone()),
                    };
                    from = self.application_step(&desk, file.id, &back).await?.step;
                }
                for (i, to) in path.iter().enumerate().skip(1) {
                    let offset =
                        if to == PICKED_UP { 1 + (n % 3) as i64 } else { (per_step * i as f64).round() as i64 };
                    let when_day = if to == PICKED_UP {
                        working_day_after(at_step, offset)
                    } else {
                        working_day_after(day, offset.min(span * 2))
                    };
                    let when_day = when_day.max(at_step);
                    let minute = (n as u32 * 7 + i as u32 * 11) % 60;
                    let when = if span <= 1 && to != PICKED_UP {
                        at_local(tz, when_day, hour.min(13) + i as u32, minute)
                    } else {
                        at_local(tz, when_day, 9 + (i as u32 % 6), minute)
                    };
                    if when > now {
                        break;
                    }
                    self.clock.set(Some(when));
                    // One building permit is refused after its field survey.
                    let to = if code == "PTSP-03" && k == 2 && to == APPROVED { REJECTED } else { to.as_str() };
                    let note = match to {
                        REJECTED => {
                            Some("Rencana bangunan melanggar garis sempadan jalan; silakan ajukan gambar baru.".into())
                        }
                        READY => Some("Silakan ambil di gerai dengan membawa tanda terima.".into()),
                        _ => None,
                    };
                    let step = FileStepInput { from: from.clone(), to: to.into(), note, requirements_met: None };
                    from = self.application_step(&desk, file.id, &step).await?.step;
                    at_step = when_day;
                    if to == REJECTED || (stalled && i == 1) {
                        break;
                    }
                }
            }
        }
        Ok(())
    }
}
