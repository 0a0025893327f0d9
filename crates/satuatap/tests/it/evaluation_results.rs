//! The evaluation's figures and outcomes: objective indicators equal the IKM
//! report and the dashboard of the same MPP and year and score the rule-scored
//! indicators (frozen at finalisation); published results rank nationally and
//! per province with the change from last year and a report card; the
//! incentive list follows its rule and is frozen once signed.

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::evaluation::attach_required;
use crate::support::{Session, TestApp, accounts};

const DEMO_EVALUATOR: &str = "evaluator@demo.satuatap.id";

fn answers(a: i64) -> Value {
    json!({"u1": a, "u2": a, "u3": a, "u4": a, "u5": a, "u6": a, "u7": a, "u8": a, "u9": a, "day": "2026-11-30"})
}

fn complaint(provider: i64) -> Value {
    json!({"kind": "pengaduan", "title": "Antrean tidak dipanggil",
        "body": "Nomor antrean saya dilewati tanpa penjelasan oleh petugas loket.",
        "provider_id": provider, "name": "Budi", "email": "budi@example.id"})
}

async fn this_years_assessment(t: &TestApp, slug: &str) -> i64 {
    let mpp = t.mpp_id(slug).await;
    let (_, cycles) = t.get_json("/api/v1/evaluation/cycles").await;
    let cy = cycles.as_array().unwrap().iter().find(|c| c["year"] == 2026).expect("the demo's 2026 cycle").clone();
    cy["assessments"].as_array().unwrap().iter().find(|a| a["mpp_id"] == mpp).unwrap()["id"].as_i64().unwrap()
}

/// Scores for every indicator the platform cannot score (none where `by_rule` holds a score).
fn hand_scores(a: &Value, score: i64, text: &str) -> Value {
    let scores: Vec<Value> = a["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let k = s["key"].as_str().unwrap();
            if s["rule_score"].is_null() {
                json!({"key": k, "score": score, "text": format!("{text} {k}")})
            } else {
                json!({"key": k, "score": null, "text": null})
            }
        })
        .collect();
    json!({ "scores": scores })
}

fn mpp_row(d: &Value, mpp: i64) -> Value {
    d["mpps"].as_array().unwrap().iter().find(|m| m["mpp_id"] == mpp).cloned().expect("the MPP on the dashboard")
}

#[tokio::test]
async fn objective_indicators_equal_the_reports_of_the_year_and_score_the_rule_indicators() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig { complaints_per_hour: 100_000, ..Default::default() }).await;
    // Monday 30 November 2026, 09:00 WIB.
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap()));
    let (bogor, _) = crate::national::serve_some(&t, 3).await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let officer = t.session(accounts::OFFICER).await;
    let (_, page) = t.get_json(&format!("/api/v1/services?mpp=kota-bogor&provider={imigrasi}&limit=1")).await;
    let service = page["services"][0]["id"].as_i64().unwrap();
    for _ in 0..2 {
        let (s, b) = officer.post(&format!("/api/v1/services/{service}/paper-surveys"), answers(3)).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    // Two complaints: one forwarded the same day (on time), one ten days later (late).
    let manager = t.session(accounts::MANAGER).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (s, f) = t.anonymous().post(&format!("/api/v1/mpps/{bogor}/complaints"), complaint(imigrasi)).await;
        assert_eq!(s, StatusCode::CREATED, "{f}");
        ids.push(f["id"].as_i64().unwrap());
    }
    let forward = json!({"action": "forward", "provider_id": imigrasi});
    let (s, b) = manager.post(&format!("/api/v1/complaints/{}/steps", ids[0]), forward.clone()).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    t.app.clock.set(Some(Utc.with_ymd_and_hms(2026, 12, 10, 2, 0, 0).unwrap()));
    let manager = t.session(accounts::MANAGER).await;
    let (s, b) = manager.post(&format!("/api/v1/complaints/{}/steps", ids[1]), forward).await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // The assessment shows the year's figures; each equals the product's own report.
    let id = this_years_assessment(&t, "kota-bogor").await;
    let url = |p: &str| format!("/api/v1/evaluation/assessments/{id}{p}");
    let (s, a) = manager.get(&url("")).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let o = a["objective"].clone();
    let (_, ikm) = t.get_json(&format!("/api/v1/mpps/{bogor}/ikm?period=2026")).await;
    assert_eq!(o["ikm"], ikm["ikm"], "{o} / {ikm}");
    assert_eq!(o["ikm_grade"], ikm["grade"]);
    assert_eq!(o["respondents"], ikm["respondents"]);
    assert_eq!(o["required_sample"], ikm["required_sample"]);
    assert_eq!(
        (o["ikm"].clone(), o["ikm_grade"].clone(), o["respondents"].clone()),
        (json!("75.00"), json!("C"), json!(2))
    );
    let (_, d) = t.get_json("/api/v1/national/dashboard?period=2026").await;
    let f = mpp_row(&d, bogor);
    let steps = f["verified"].as_i64().unwrap() + f["answered"].as_i64().unwrap();
    let on_time = f["verified_on_time"].as_i64().unwrap() + f["answered_on_time"].as_i64().unwrap();
    assert_eq!((o["complaint_steps"].as_i64(), o["complaint_steps_on_time"].as_i64()), (Some(steps), Some(on_time)));
    assert_eq!((steps, on_time), (2, 1), "one verification on time, one late");
    assert_eq!(o["complaint_deadlines"], json!(0.5));
    assert_eq!(o["median_wait"], f["wait_p50"]);
    assert!(o["median_wait"].is_number());
    assert_eq!(o["services_published"], f["published"]);
    assert_eq!(o["services_complete"], f["complete"]);
    assert_eq!(o["services_bookable"], f["bookable"]);
    assert!(o["opening_hours"].as_f64().unwrap() >= 30.0, "{o}");
    assert!(o["oss_desk"].is_null(), "not recorded by the platform: scored by hand");
    let rule = |k: &str| a["scores"].as_array().unwrap().iter().find(|s| s["key"] == k).unwrap()["rule_score"].clone();
    assert_eq!(rule("skm"), json!(3), "IKM grade C");
    assert_eq!(rule("tindak_lanjut"), json!(2), "half the deadlines met");
    assert_eq!(rule("konsultasi_oss"), Value::Null);

    // The manager leaves the rule-scored indicators empty: submitting scores them by rule.
    assert_eq!(manager.put(&url("/self-scores"), hand_scores(&a, 4, "Uraian")).await.0, StatusCode::OK);
    attach_required(&manager, id, &a).await;
    let (s, a) = manager.post(&url("/submit"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let self_of = |a: &Value, k: &str| {
        a["scores"].as_array().unwrap().iter().find(|s| s["key"] == k).unwrap()["self_score"].clone()
    };
    assert_eq!((self_of(&a, "skm"), self_of(&a, "tindak_lanjut")), (json!(3), json!(2)));
    // The evaluator does the same; finalising scores them by rule and keeps the figures read.
    let ev = t.session(DEMO_EVALUATOR).await;
    assert_eq!(ev.put(&url("/verification"), hand_scores(&a, 4, "Sesuai")).await.0, StatusCode::OK);
    let (s, done) = ev.post(&url("/finalise"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{done}");
    let acc =
        |k: &str| done["scores"].as_array().unwrap().iter().find(|s| s["key"] == k).unwrap()["accepted_score"].clone();
    assert_eq!((acc("skm"), acc("tindak_lanjut")), (json!(3), json!(2)));
    // Later answers change the IKM report, not the figures the assessment was finalised with.
    let officer = t.session(accounts::OFFICER).await;
    let (s, _) = officer.post(&format!("/api/v1/services/{service}/paper-surveys"), answers(4)).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, ikm_now) = t.get_json(&format!("/api/v1/mpps/{bogor}/ikm?period=2026")).await;
    assert_ne!(ikm_now["ikm"], json!("75.00"));
    let (_, after) = manager.get(&url("")).await;
    assert_eq!(after["objective"]["ikm"], json!("75.00"), "frozen at finalisation");

    // Published: ranked nationally and in the province, with the change from last year.
    let national = t.session(accounts::NATIONAL).await;
    let cycle = done["cycle_id"].as_i64().unwrap();
    let (s, _) = national.post(&format!("/api/v1/evaluation/cycles/{cycle}/publish"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (_, rows) = t.get_json(&format!("/api/v1/evaluation/cycles/{cycle}/results")).await;
    let row = rows.as_array().unwrap().iter().find(|r| r["mpp_id"] == bogor).unwrap().clone();
    assert_eq!((row["rank"].clone(), row["province_rank"].clone()), (json!(1), json!(1)));
    assert_eq!(row["province_name"], "Jawa Barat");
    let (_, cycles) = t.get_json("/api/v1/evaluation/cycles").await;
    let last = cycles.as_array().unwrap().iter().find(|c| c["year"] == 2025).unwrap()["id"].clone();
    let (_, last_rows) = t.get_json(&format!("/api/v1/evaluation/cycles/{last}/results")).await;
    let before = last_rows.as_array().unwrap().iter().find(|r| r["mpp_id"] == bogor).unwrap()["index_hundredths"]
        .as_i64()
        .unwrap();
    assert_eq!(row["previous_hundredths"], json!(before));
    assert_eq!(row["change_hundredths"], json!(row["index_hundredths"].as_i64().unwrap() - before));
    // The report card: public, weakest indicators lowest first, the evaluator's notes.
    let (s, card) = t.get_json(&format!("/api/v1/evaluation/assessments/{id}/report-card")).await;
    assert_eq!(s, StatusCode::OK, "{card}");
    let weakest: Vec<i64> =
        card["weakest"].as_array().unwrap().iter().map(|w| w["accepted_score"].as_i64().unwrap()).collect();
    let lowest = done["scores"].as_array().unwrap().iter().filter_map(|s| s["accepted_score"].as_i64()).min();
    assert_eq!(weakest.first().copied(), lowest, "{weakest:?}");
    assert!(weakest.len() <= 5 && weakest.iter().all(|w| *w < 5));
    assert!(weakest.windows(2).all(|w| w[0] <= w[1]));
    assert!(card["indicators"].as_array().unwrap().iter().any(|i| i["note"] == "Sesuai maklumat"));
    let (s, html) = t.get_text(&format!("/evaluasi/rapor/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Indikator terlemah") && html.contains("Sesuai maklumat") && html.contains("75,00"),
        "the card page"
    );
    let (s, html) = t.get_text("/evaluasi?tahun=2026&provinsi=32").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Kota Bogor") && !html.contains("Kota Makassar"), "one province");
    // Another MPP's unfinished assessment has no public card.
    let other = this_years_assessment(&t, "kota-makassar").await;
    assert_eq!(
        t.get_json(&format!("/api/v1/evaluation/assessments/{other}/report-card")).await.0,
        StatusCode::NOT_FOUND
    );
    t.stop().await;
}

/// Run one MPP's assessment through to final with every indicator scored `score` by both sides.
async fn finish(t: &TestApp, ev: &Session, manager: &Session, id: i64, score: i64) {
    let url = |p: &str| format!("/api/v1/evaluation/assessments/{id}{p}");
    let (_, a) = manager.get(&url("")).await;
    let all: Vec<Value> =
        a["scores"].as_array().unwrap().iter().map(|s| json!({"key": s["key"], "score": score})).collect();
    assert_eq!(manager.put(&url("/self-scores"), json!({"scores": all})).await.0, StatusCode::OK);
    attach_required(manager, id, &a).await;
    assert_eq!(manager.post(&url("/submit"), json!({})).await.0, StatusCode::OK);
    assert_eq!(ev.put(&url("/verification"), json!({"scores": all})).await.0, StatusCode::OK);
    let (s, b) = ev.post(&url("/finalise"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let _ = t;
}

#[tokio::test]
async fn the_incentive_list_follows_its_rule_and_is_frozen_once_signed() {
    let t = TestApp::spawn().await;
    let national = t.session(accounts::NATIONAL).await;
    let ev = t.session(DEMO_EVALUATOR).await;
    let (_, cycles) = t.get_json("/api/v1/evaluation/cycles").await;
    let cycle = cycles.as_array().unwrap().iter().find(|c| c["year"] == 2026).unwrap().clone();
    let cid = cycle["id"].as_i64().unwrap();
    let inc = format!("/api/v1/evaluation/cycles/{cid}/incentives");
    // Bogor all 5, Makassar all 3, Jayapura left as a draft.
    let bogor = this_years_assessment(&t, "kota-bogor").await;
    let makassar = this_years_assessment(&t, "kota-makassar").await;
    finish(&t, &ev, &t.session(accounts::MANAGER).await, bogor, 5).await;
    finish(&t, &ev, &t.session(accounts::MANAGER_MAKASSAR).await, makassar, 3).await;

    // Before sign-off the list is the national admin's alone.
    assert_eq!(t.get_json(&inc).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        t.session(accounts::MANAGER).await.put(&format!("{inc}/rule"), json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, e) = national
        .put(&format!("{inc}/rule"), json!({"min_predicate": "Z", "min_ikm_grade": "E", "min_aspect": "6"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["min_predicate", "min_ikm_grade", "min_aspect"]);
    let (s, e) = national.put(&format!("{inc}/rule"), json!({"min_aspect": "abc"})).await;
    assert_eq!((s, e["error"]["fields"][0]["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("min_aspect")));
    let (s, e) = national.put(&format!("{inc}/rule"), json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a rule without a condition would qualify everyone: {e}");
    let (_, none) = national.get(&inc).await;
    assert!(none["rule"].is_null(), "nothing saved from a refused rule");
    // Predicate at least B and no aspect below 3.50: Bogor (5.00) qualifies, Makassar (3.00) does not.
    let (s, v) = national.put(&format!("{inc}/rule"), json!({"min_predicate": "B", "min_aspect": "3,50"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["qualifying"].clone(), v["lines"].as_array().unwrap().len()), (json!(1), 2), "{v}");
    assert_eq!(
        (v["lines"][0]["mpp_name"].clone(), v["lines"][0]["qualifies"].clone()),
        (json!("Mal Pelayanan Publik Kota Bogor"), json!(true))
    );
    assert_eq!(v["lines"][1]["qualifies"], false);
    let reasons: Vec<&str> =
        v["lines"][1]["shortfalls"].as_array().unwrap().iter().map(|f| f["reason"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"predicate") && reasons.contains(&"aspect"), "{reasons:?}");
    assert_eq!(v["lines"][0]["regency_name"], "Kota Bogor");
    // A stricter rule (IKM grade at least B; there are no answers this year): nobody qualifies.
    let (_, strict) = national.put(&format!("{inc}/rule"), json!({"min_predicate": "B", "min_ikm_grade": "B"})).await;
    assert_eq!(strict["qualifying"], 0);
    assert_eq!(strict["lines"][0]["shortfalls"][0]["reason"], "ikm_grade");
    let (_, v) = national.put(&format!("{inc}/rule"), json!({"min_predicate": "B", "min_aspect": "3.50"})).await;
    assert_eq!(v["qualifying"], 1);
    // Signing needs the results published first.
    let (s, e) = national.post(&format!("{inc}/sign"), json!({})).await;
    assert_eq!((s, e["error"]["code"].clone()), (StatusCode::CONFLICT, json!("cycle_not_published")));
    assert_eq!(national.post(&format!("/api/v1/evaluation/cycles/{cid}/publish"), json!({})).await.0, StatusCode::OK);
    // Two sign-offs at once: one lands.
    let sign = format!("{inc}/sign");
    let (r1, r2) = tokio::join!(national.post(&sign, json!({})), national.post(&sign, json!({})));
    let mut st = [r1.0, r2.0];
    st.sort();
    assert_eq!(st, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", r1.1, r2.1);
    // Frozen: the rule no longer changes, and later results would not move the list.
    let (s, e) = national.put(&format!("{inc}/rule"), json!({"min_predicate": "D"})).await;
    assert_eq!((s, e["error"]["code"].clone()), (StatusCode::CONFLICT, json!("incentives_signed")));
    let jayapura = this_years_assessment(&t, "kota-jayapura").await;
    finish(&t, &ev, &t.session("manajer.jayapura@demo.satuatap.id").await, jayapura, 5).await;
    let (s, public) = t.get_json(&inc).await;
    assert_eq!(s, StatusCode::OK, "public once signed");
    assert_eq!(public["lines"].as_array().unwrap().len(), 2, "the list as signed");
    assert_eq!(public["signed_by"], "Admin Nasional (KemenPANRB)");
    assert!(public["signed_at"].is_string());
    let (s, csv) = t.get_text(&format!("{inc}?format=csv")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains("Kota Bogor") && csv.contains(",ya,") && csv.contains(",tidak,"), "{csv}");
    let (s, html) = t.get_text(&format!("/evaluasi/insentif/{cid}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Disahkan oleh") && html.contains("Kota Bogor"));
    let (_, audit) = national.get(&format!("/api/v1/audit?entity=eval_incentive&entity_id={cid}&limit=50")).await;
    let actions: Vec<&str> = audit.as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "sign").count(), 1, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "rule").count(), 3, "{actions:?}");
    t.stop().await;
}
