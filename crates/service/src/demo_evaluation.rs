//! The demo's evaluation: an evaluator account's work on last year's cycle,
//! finished for the demo MPPs (each scored differently, so the ranking has an
//! order), and this year's cycle open with Kota Bogor's self-assessment begun.
//! Made through the same operations people use, with the clock set back for
//! each step so nothing is flagged late that was not.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};

use crate::evaluation::CloneInput;
use crate::evaluation::cycle::{CycleInput, EvaluatorInput, ScoreInput, ScoresInput};
use crate::evaluation::incentive::IncentiveRuleInput;
use crate::upload::Upload;
use crate::{Actor, App, Result};

/// The demo's evaluator.
pub const DEMO_EVALUATOR: &str = "evaluator@demo.satuatap.id";

impl App {
    pub async fn load_demo_evaluation(&self) -> Result<()> {
        if !self.cycles().await?.is_empty() {
            return Ok(());
        }
        let system = Actor::system();
        let evaluator = {
            let mut r = self.store.read().await?;
            match r.user_by_email(DEMO_EVALUATOR).await? {
                Some(u) => u,
                None => return Ok(()),
            }
        };
        let ev = Actor {
            user_id: evaluator.id,
            email: evaluator.email.clone(),
            name: evaluator.name.clone(),
            role: satuatap_domain::role::Role::Evaluator,
            ..Actor::system()
        };
        let year = self.now().year();
        let default = self.instruments().await?.into_iter().find(|i| i.based_on.is_none());
        let Some(default) = default else { return Ok(()) };
        let mpps: Vec<(i64, String)> = {
            let mut r = self.store.read().await?;
            r.mpps(&Default::default()).await?.into_iter().map(|m| (m.id, m.slug)).collect()
        };
        let managers: Vec<(i64, Actor)> = {
            let mut r = self.store.read().await?;
            let mut out = Vec::new();
            for (id, _) in &mpps {
                for email in [
                    "manajer.bogor@demo.satuatap.id",
                    "manajer.makassar@demo.satuatap.id",
                    "manajer.jayapura@demo.satuatap.id",
                ] {
                    if let Some(u) = r.user_by_email(email).await?.filter(|u| u.mpp_id == Some(*id)) {
                        out.push((
                            *id,
                            Actor {
                                user_id: u.id,
                                email: u.email,
                                name: u.name,
                                role: satuatap_domain::role::Role::MppManager,
                                mpp_id: Some(*id),
                                ..Actor::system()
                            },
                        ));
                    }
                }
            }
            out
        };
        let at = |y: i32, m: u32, d: u32| Utc.with_ymd_and_hms(y, m, d, 3, 0, 0).single();
        let date = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();

        // Last year's cycle, finished.
        let last = year - 1;
        let copy = self
            .clone_instrument(&system, default.id, &CloneInput { name: Some(format!("Instrumen evaluasi MPP {last}")) })
            .await?;
        self.clock.set(at(last, 9, 1));
        let ids: Vec<i64> = managers.iter().map(|(m, _)| *m).collect();
        let cycle = self
            .open_cycle(
                &system,
                &CycleInput {
                    year: i64::from(last),
                    instrument_id: copy.id,
                    mpp_ids: ids,
                    self_deadline: date(last, 10, 31),
                    verify_deadline: date(last, 11, 30),
                },
            )
            .await;
        let result = async {
            let cycle = cycle?;
            for (n, a) in cycle.assessments.iter().enumerate() {
                let Some((_, manager)) = managers.iter().find(|(m, _)| *m == a.mpp_id) else { continue };
                self.assign_evaluator(&system, a.id, &EvaluatorInput { evaluator_id: ev.user_id }).await?;
                let view = self.assessment(&system, a.id).await?;
                // Each MPP a little different: Kota Bogor strongest, then the others.
                let score =
                    |i: usize| -> i64 { (5 - i64::from((i + n * 3).is_multiple_of(4)) - n as i64 % 2).clamp(2, 5) };
                let scores = |text: &str| ScoresInput {
                    scores: view
                        .scores
                        .iter()
                        .enumerate()
                        .map(|(i, s)| ScoreInput { key: s.key.clone(), score: Some(score(i)), text: Some(text.into()) })
                        .collect(),
                };
                self.clock.set(at(last, 10, 20));
                self.save_self_scores(manager, a.id, &scores("Bukti terlampir pada dokumen penilaian mandiri."))
                    .await?;
                for ind in view.aspects.iter().flat_map(|x| x.indicators.iter()).filter(|i| i.evidence_required) {
                    let file = Upload {
                        filename: format!("bukti-{}.pdf", ind.key.replace('_', "-")),
                        data: demo_pdf(&format!("{}: {}", a.mpp_name, ind.name)),
                    };
                    self.add_evidence(manager, a.id, &ind.key, &[file]).await?;
                }
                self.submit_assessment(manager, a.id).await?;
                self.clock.set(at(last, 11, 18));
                let mut verified = scores("Sesuai bukti dan kunjungan lapangan.");
                if let Some(first) = verified.scores.first_mut() {
                    first.score = first.score.map(|s| (s - 1).max(0));
                    first.text = Some("Standar pelayanan belum memuat semua komponen.".into());
                }
                self.save_verification(&ev, a.id, &verified).await?;
                self.finalise_assessment(&ev, a.id).await?;
            }
            // Published in December, with the incentive rule set and the list signed off.
            self.clock.set(at(last, 12, 10));
            self.publish_cycle(&system, cycle.id).await?;
            let rule = IncentiveRuleInput {
                min_predicate: Some("B".into()),
                min_ikm_grade: None,
                min_aspect: Some("3,50".into()),
            };
            // Signed by the ministry's admin account, so the list names who signed it.
            let admin = {
                let mut r = self.store.read().await?;
                r.user_by_email("admin@demo.satuatap.id").await?
            };
            let signer = match admin {
                Some(u) => Actor {
                    user_id: u.id,
                    email: u.email,
                    name: u.name,
                    role: satuatap_domain::role::Role::NationalAdmin,
                    ..Actor::system()
                },
                None => system.clone(),
            };
            self.set_incentive_rule(&signer, cycle.id, &rule).await?;
            self.clock.set(at(last, 12, 15));
            self.sign_incentives(&signer, cycle.id).await?;
            // This year's cycle, open; Kota Bogor has begun its self-assessment.
            self.clock.set(None);
            let copy = self
                .clone_instrument(
                    &system,
                    default.id,
                    &CloneInput { name: Some(format!("Instrumen evaluasi MPP {year}")) },
                )
                .await?;
            let cycle = self
                .open_cycle(
                    &system,
                    &CycleInput {
                        year: i64::from(year),
                        instrument_id: copy.id,
                        mpp_ids: managers.iter().map(|(m, _)| *m).collect(),
                        self_deadline: date(year, 12, 31),
                        verify_deadline: date(year + 1, 1, 31),
                    },
                )
                .await?;
            let bogor = mpps.iter().find(|(_, s)| s == "kota-bogor").map(|(id, _)| *id);
            for a in &cycle.assessments {
                self.assign_evaluator(&system, a.id, &EvaluatorInput { evaluator_id: ev.user_id }).await?;
                if Some(a.mpp_id) == bogor
                    && let Some((_, manager)) = managers.iter().find(|(m, _)| *m == a.mpp_id)
                {
                    let view = self.assessment(&system, a.id).await?;
                    let begun = ScoresInput {
                        scores: view
                            .scores
                            .iter()
                            .take(4)
                            .map(|s| ScoreInput { key: s.key.clone(), score: Some(4), text: Some("Draf.".into()) })
                            .collect(),
                    };
                    self.save_self_scores(manager, a.id, &begun).await?;
                }
            }
            // The steps above queued their messages like real ones; the demo's past is no news.
            let mut tx = self.store.begin().await?;
            tx.discard_evaluation_messages().await?;
            tx.commit().await?;
            Ok::<(), crate::Error>(())
        }
        .await;
        self.clock.set(None);
        result
    }
}

/// A one-page PDF that says what it stands for: the demo's evidence files.
fn demo_pdf(title: &str) -> Vec<u8> {
    let text: String = title.chars().filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\')).take(90).collect();
    let stream = format!("BT /F1 14 Tf 56 780 Td (Bukti penilaian mandiri - contoh) Tj 0 -24 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for o in offsets {
        out.push_str(&format!("{o:010} 00000 n \n"));
    }
    out.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    out.into_bytes()
}
