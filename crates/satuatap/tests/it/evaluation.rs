//! The evaluation's instruments: the default seeded and frozen, copies edited by
//! the national admin only, weights that do not add up refused with nothing
//! saved, every change audited; the same through the pages.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, accounts, outbox};

async fn default_instrument(t: &TestApp) -> Value {
    let (s, list) = t.get_json("/api/v1/evaluation/instruments").await;
    assert_eq!(s, StatusCode::OK, "instruments are public");
    list.as_array().unwrap().iter().find(|i| i["based_on"].is_null()).cloned().expect("the default instrument")
}

#[tokio::test]
async fn the_default_is_frozen_and_a_copy_is_edited_only_when_its_weights_add_up() {
    let t = TestApp::spawn().await;
    let d = default_instrument(&t).await;
    assert_eq!(d["frozen"], true);
    let weights: Vec<i64> = d["aspects"].as_array().unwrap().iter().map(|a| a["weight_bp"].as_i64().unwrap()).collect();
    assert_eq!(weights, vec![2400, 2500, 1800, 1100, 1000, 1200]);
    assert_eq!(d["weight_problems"], json!([]));
    assert_eq!(d["predicates"][0]["code"], "A");
    assert_eq!(d["predicates"][0]["min"], 451);
    let id = d["id"].as_i64().unwrap();

    let national = t.session(accounts::NATIONAL).await;
    let manager = t.session(accounts::MANAGER).await;
    // The default never changes.
    let (s, e) = national.put(&format!("/api/v1/evaluation/instruments/{id}"), json!({"name": "Diubah"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "instrument_frozen");
    // Only the national admin copies and edits.
    let (s, _) = manager.post(&format!("/api/v1/evaluation/instruments/{id}/clone"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, copy) =
        national.post(&format!("/api/v1/evaluation/instruments/{id}/clone"), json!({"name": "Evaluasi 2027"})).await;
    assert_eq!(s, StatusCode::CREATED, "{copy}");
    assert_eq!(
        (copy["frozen"].clone(), copy["based_on"].clone(), copy["name"].clone()),
        (json!(false), json!(id), json!("Evaluasi 2027"))
    );
    let cid = copy["id"].as_i64().unwrap();
    let url = format!("/api/v1/evaluation/instruments/{cid}");
    let (s, _) = manager.put(&url, json!({"name": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Aspects adding up to 99 %: refused, named, nothing saved.
    let mut aspects = copy["aspects"].clone();
    aspects[5]["weight_bp"] = json!(1100);
    let (s, e) = national.put(&url, json!({"name": "Tidak tersimpan", "aspects": aspects})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["fields"].as_array().unwrap().iter().any(|f| f["field"] == "aspects"), "{e}");
    // Indicators of one aspect adding up to 90 %.
    let mut aspects = copy["aspects"].clone();
    aspects[5]["weight_bp"] = json!(1200);
    aspects[1]["indicators"][0]["weight_bp"] = json!(1500);
    let (s, e) = national.put(&url, json!({"aspects": aspects})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["fields"].as_array().unwrap().iter().any(|f| f["field"] == "aspects.1.indicators"), "{e}");
    // A repeated key, a rubric without six levels and overlapping bands, all named at once.
    let mut aspects = copy["aspects"].clone();
    aspects[0]["indicators"][1]["key"] = json!("skm");
    aspects[2]["indicators"][0]["rubric"] = json!(["satu"]);
    let mut predicates = copy["predicates"].clone();
    predicates[1]["min"] = json!(451);
    let (s, e) = national.put(&url, json!({"aspects": aspects, "predicates": predicates})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for f in ["aspects", "aspects.2.indicators.0.rubric", "predicates"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let (_, unchanged) = t.get_json(&url).await;
    assert_eq!(unchanged["name"], "Evaluasi 2027");
    assert_eq!(unchanged["aspects"], copy["aspects"]);
    assert_eq!(unchanged["predicates"], copy["predicates"]);

    // Moving weight from Sarana Prasarana to Inovasi (18 → 16.5 %, 12 → 13.5 %) is saved exactly, and audited.
    let mut aspects = copy["aspects"].clone();
    aspects[2]["weight_bp"] = json!(1650);
    aspects[5]["weight_bp"] = json!(1350);
    aspects[5]["indicators"][0]["name"] = json!("  Inovasi pelayanan berbasis data  ");
    let (s, saved) = national.put(&url, json!({"aspects": aspects})).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert_eq!(saved["aspects"][2]["weight_bp"], 1650);
    assert_eq!(saved["aspects"][5]["indicators"][0]["name"], "Inovasi pelayanan berbasis data");
    assert_eq!(saved["weight_problems"], json!([]));
    let (_, audit) = national.get("/api/v1/audit?limit=500").await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"] == "eval_instrument")
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"clone") && actions.contains(&"update"), "{actions:?}");
    assert_eq!(national.get("/api/v1/evaluation/instruments/999999").await.0, StatusCode::NOT_FOUND);
    t.stop().await;
}

#[tokio::test]
async fn the_editor_page_shows_the_sums_and_keeps_what_was_typed_when_they_do_not_add_up() {
    let t = TestApp::spawn().await;
    let d = default_instrument(&t).await;
    let national = t.session(accounts::NATIONAL).await;
    let (s, html, _) = national.page("/admin/evaluasi").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Dibekukan") && html.contains("Buat salinan"));
    assert_eq!(t.session(accounts::MANAGER).await.page("/admin/evaluasi").await.0, StatusCode::FORBIDDEN);
    let r = national.form("/admin/evaluasi", &format!("/admin/evaluasi/instrumen/{}/salin", d["id"]), &[]).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (s, html, _) = national.page(&to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Salinan dibuat") && html.contains("Jumlah: 100 %"));
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    // Every field as the page shows it, with Inovasi at 13 %: the aspects add up to 101 %.
    let (_, copy) = t.get_json(&format!("/api/v1/evaluation/instruments/{id}")).await;
    let mut fields: Vec<(String, String)> = vec![("name".into(), "Evaluasi 2027".into())];
    for (ai, a) in copy["aspects"].as_array().unwrap().iter().enumerate() {
        fields.push((format!("a{ai}_name"), a["name"].as_str().unwrap().into()));
        let w = if ai == 5 { "13".to_string() } else { format!("{}", a["weight_bp"].as_i64().unwrap() as f64 / 100.0) };
        fields.push((format!("a{ai}_weight"), w.replace('.', ",")));
        for (ii, i) in a["indicators"].as_array().unwrap().iter().enumerate() {
            fields.push((format!("a{ai}_i{ii}_name"), i["name"].as_str().unwrap().into()));
            fields.push((
                format!("a{ai}_i{ii}_weight"),
                format!("{}", i["weight_bp"].as_i64().unwrap() as f64 / 100.0).replace('.', ","),
            ));
            if let Some(r) = i["rule"].as_str() {
                fields.push((format!("a{ai}_i{ii}_rule"), r.into()));
            }
        }
    }
    for (pi, p) in copy["predicates"].as_array().unwrap().iter().enumerate() {
        fields.push((format!("p{pi}_code"), p["code"].as_str().unwrap().into()));
        fields.push((format!("p{pi}_label"), p["label"].as_str().unwrap().into()));
        fields.push((format!("p{pi}_min"), format!("{:.2}", p["min"].as_i64().unwrap() as f64 / 100.0)));
    }
    let as_refs = |f: &[(String, String)]| f.iter().map(|(a, b)| (a.clone(), b.clone())).collect::<Vec<_>>();
    let send = |f: Vec<(String, String)>| {
        let national = &national;
        let to = to.clone();
        async move {
            let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            national.form(&to, &to, &refs).await
        }
    };
    let r = send(as_refs(&fields)).await;
    assert_eq!(r.status(), StatusCode::OK, "the form comes back");
    let html = r.text().await.unwrap();
    assert!(html.contains("Jumlah: 101 % — harus 100 %"), "the sum is marked");
    assert!(html.contains("value=\"13\""), "what was typed is kept");
    let (_, still) = t.get_json(&format!("/api/v1/evaluation/instruments/{id}")).await;
    assert_eq!(still["aspects"][5]["weight_bp"], 1200, "nothing saved");
    // A weight that is not a number is named at its field.
    let mut bad = as_refs(&fields);
    bad.iter_mut().find(|(k, _)| k == "a5_weight").unwrap().1 = "dua belas".into();
    let html = send(bad).await.text().await.unwrap();
    assert!(html.contains("paling banyak dua desimal"), "the weight's own message");
    // 18 → 17 % and 12 → 13 %: saved.
    let mut good = as_refs(&fields);
    good.iter_mut().find(|(k, _)| k == "a2_weight").unwrap().1 = "17".into();
    let r = send(good).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let (_, saved) = t.get_json(&format!("/api/v1/evaluation/instruments/{id}")).await;
    assert_eq!(saved["aspects"][2]["weight_bp"], 1700);
    assert_eq!(saved["aspects"][5]["weight_bp"], 1300);
    assert_eq!(saved["name"], "Evaluasi 2027");
    t.stop().await;
}

/// An evaluator account made by the national admin (optionally employed at `home`).
async fn evaluator(
    t: &TestApp,
    national: &crate::support::Session,
    email: &str,
    home: Option<i64>,
) -> (i64, crate::support::Session) {
    let mut body = json!({"email": email, "name": format!("Evaluator {email}"), "role": "evaluator", "password": crate::support::PASSWORD});
    if let Some(h) = home {
        body["mpp_id"] = json!(h);
    }
    let (s, u) = national.post("/api/v1/users", body).await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    assert_eq!(u["mpp_id"], json!(home), "an evaluator keeps the MPP that employs them");
    (u["id"].as_i64().unwrap(), t.session(email).await)
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn evidence_keys(a: &Value) -> Vec<String> {
    a["aspects"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|x| x["indicators"].as_array().unwrap().iter())
        .filter(|i| i["evidence_required"] == true)
        .map(|i| i["key"].as_str().unwrap().to_string())
        .collect()
}

/// A PDF for each indicator that requires evidence.
pub(crate) async fn attach_required(manager: &crate::support::Session, id: i64, a: &Value) {
    for k in evidence_keys(a) {
        let body =
            json!({"indicator_key": k, "files": [{"filename": format!("bukti {k}.pdf"), "data_base64": b64(PDF)}]});
        let (s, v) = manager.post(&format!("/api/v1/evaluation/assessments/{id}/evidence"), body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
}

fn all_scores(a: &Value, score: impl Fn(&str) -> i64) -> Value {
    let scores: Vec<Value> = a["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let k = s["key"].as_str().unwrap();
            json!({"key": k, "score": score(k), "text": format!("Bukti untuk {k}")})
        })
        .collect();
    json!({ "scores": scores })
}

#[tokio::test]
async fn a_cycle_runs_from_self_assessment_through_one_return_to_a_final_index() {
    let t = TestApp::spawn().await;
    let national = t.session(accounts::NATIONAL).await;
    let manager = t.session(accounts::MANAGER).await;
    let bogor = t.mpp_id("kota-bogor").await;
    let makassar = t.mpp_id("kota-makassar").await;
    let d = default_instrument(&t).await;
    let (_, copy) = national.post(&format!("/api/v1/evaluation/instruments/{}/clone", d["id"]), json!({})).await;
    let iid = copy["id"].as_i64().unwrap();
    let mut base = std::collections::HashMap::new();
    for kind in ["eval_opened", "eval_assigned", "eval_submitted", "eval_returned", "eval_finalised", "eval_published"]
    {
        base.insert(kind, outbox(&t, None, kind).await.len());
    }

    // Opening: national admin only; deadlines in order; the instrument freezes.
    let open = json!({"year": 2024, "instrument_id": iid, "mpp_ids": [bogor, makassar],
        "self_deadline": "2024-11-30", "verify_deadline": "2024-12-15"});
    assert_eq!(manager.post("/api/v1/evaluation/cycles", open.clone()).await.0, StatusCode::FORBIDDEN);
    let mut bad = open.clone();
    bad["verify_deadline"] = json!("2024-11-01");
    assert_eq!(national.post("/api/v1/evaluation/cycles", bad).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // Opened today, a self-assessment deadline already gone is refused; opened in
    // September 2024 (the clock set back), it is the cycle's own.
    let (s, e) = national.post("/api/v1/evaluation/cycles", open.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "self_deadline");
    t.app.clock.set(Some(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 9, 2, 2, 0, 0).unwrap()));
    let (s, cycle) = national.post("/api/v1/evaluation/cycles", open.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{cycle}");
    assert_eq!(cycle["assessments"].as_array().unwrap().len(), 2);
    let (s, e) = national.post("/api/v1/evaluation/cycles", open.clone()).await;
    assert_eq!((s, e["error"]["code"].clone()), (StatusCode::CONFLICT, json!("conflict")), "one cycle a year");
    t.app.clock.set(None);
    let national = t.session(accounts::NATIONAL).await;
    let manager = t.session(accounts::MANAGER).await;
    let (_, frozen) = t.get_json(&format!("/api/v1/evaluation/instruments/{iid}")).await;
    assert_eq!(frozen["frozen"], true);
    let (s, _) = national.put(&format!("/api/v1/evaluation/instruments/{iid}"), json!({"name": "x"})).await;
    assert_eq!(s, StatusCode::CONFLICT, "no edit once a cycle uses it");
    let id =
        cycle["assessments"].as_array().unwrap().iter().find(|a| a["mpp_id"] == bogor).unwrap()["id"].as_i64().unwrap();
    let other = cycle["assessments"].as_array().unwrap().iter().find(|a| a["mpp_id"] == makassar).unwrap()["id"]
        .as_i64()
        .unwrap();
    let url = |p: &str| format!("/api/v1/evaluation/assessments/{id}{p}");

    // Evaluators: one employed in Kota Bogor is refused for Kota Bogor, and the refusal is audited.
    let (local, _local_session) = evaluator(&t, &national, "evaluator.bogor@kemenpan.go.id", Some(bogor)).await;
    let (s, e) = national.put(&url("/evaluator"), json!({"evaluator_id": local})).await;
    assert_eq!((s, e["error"]["code"].clone()), (StatusCode::CONFLICT, json!("evaluator_conflict")), "{e}");
    let (_, audit) = national.get("/api/v1/audit?limit=500").await;
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "assign_refused" && e["entity_id"] == id.to_string().as_str()),
        "audited"
    );
    let (s, _) = national
        .put(&format!("/api/v1/evaluation/assessments/{other}/evaluator"), json!({"evaluator_id": local}))
        .await;
    assert_eq!(s, StatusCode::OK, "the same evaluator may evaluate another region");
    let (eid, ev) = evaluator(&t, &national, "evaluator.pusat@kemenpan.go.id", None).await;
    let (s, _) = national.put(&url("/evaluator"), json!({"evaluator_id": eid})).await;
    assert_eq!(s, StatusCode::OK);
    // Another MPP's manager and an unassigned evaluator see nothing.
    let local_session = t.session("evaluator.bogor@kemenpan.go.id").await;
    assert_eq!(local_session.get(&url("")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.session(accounts::MANAGER_MAKASSAR).await.get(&url("")).await.0, StatusCode::NOT_FOUND);

    // No verification before submission; no submission with an indicator unscored.
    let (_, a) = manager.get(&url("")).await;
    assert_eq!(a["status"], "draft");
    // Evidence is checked by its bytes, not its name; too big, unknown indicators and
    // other people are refused; nothing is kept from a refused upload.
    let ev_url = url("/evidence");
    let file = |name: &str, data: &[u8]| json!({"filename": name, "data_base64": b64(data)});
    let (s, e) = manager
        .post(
            &ev_url,
            json!({"indicator_key": "maklumat", "files": [file("maklumat.pdf", b"<html><script>alert(1)</script>")]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "files");
    let mut big = PDF.to_vec();
    big.resize(2 * 1024 * 1024 + 1, b' ');
    let (s, e) = manager.post(&ev_url, json!({"indicator_key": "maklumat", "files": [file("besar.pdf", &big)]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, e) = manager.post(&ev_url, json!({"indicator_key": "tidak_ada", "files": [file("a.pdf", PDF)]})).await;
    assert_eq!(
        (s, e["error"]["fields"][0]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("indicator_key"))
    );
    let (s, _) = t
        .session(accounts::MANAGER_MAKASSAR)
        .await
        .post(&ev_url, json!({"indicator_key": "maklumat", "files": [file("a.pdf", PDF)]}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another MPP's manager");
    let (s, v) = manager
        .post(&ev_url, json!({"indicator_key": "maklumat", "files": [file("../../Maklumat (TTD).PDF", PDF)]}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["evidence"].as_array().unwrap().len(), 1, "only the accepted file is kept");
    assert_eq!(v["evidence"][0]["filename"], "Maklumat TTD.pdf");
    assert_eq!(v["evidence"][0]["content_type"], "application/pdf");
    let file_id = v["evidence"][0]["id"].as_i64().unwrap();
    // Served only as a download, to those who may read the assessment.
    let r = ev.send(reqwest::Method::GET, &format!("/api/v1/evaluation/evidence/{file_id}"), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    let r = t
        .session(accounts::MANAGER_MAKASSAR)
        .await
        .send(reqwest::Method::GET, &format!("/api/v1/evaluation/evidence/{file_id}"), None)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(t.anonymous().get(&format!("/api/v1/evaluation/evidence/{file_id}")).await.0, StatusCode::UNAUTHORIZED);
    let (s, v) = manager.delete(&format!("/api/v1/evaluation/assessments/{id}/evidence/{file_id}")).await;
    assert_eq!((s, v["evidence"].as_array().unwrap().len()), (StatusCode::OK, 0), "{v}");
    assert_eq!(ev.put(&url("/verification"), all_scores(&a, |_| 4)).await.0, StatusCode::CONFLICT);
    let mut partial = all_scores(&a, |_| 4);
    partial["scores"].as_array_mut().unwrap().pop();
    assert_eq!(manager.put(&url("/self-scores"), partial).await.0, StatusCode::OK);
    // Submitting names the one indicator left unscored and each one still without its evidence.
    let (s, e) = manager.post(&url("/submit"), json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let mut named: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().filter_map(|f| f["field"].as_str()).collect();
    let mut wanted: Vec<String> = evidence_keys(&a).iter().map(|k| format!("evidence.{k}")).collect();
    wanted.push("scores.replikasi".into());
    named.sort_unstable();
    wanted.sort();
    assert_eq!(named, wanted.iter().map(String::as_str).collect::<Vec<_>>(), "{e}");
    attach_required(&manager, id, &a).await;
    let (s, e) = manager.put(&url("/self-scores"), json!({"scores": [{"key": "skm", "score": 6}]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(ev.put(&url("/self-scores"), all_scores(&a, |_| 4)).await.0, StatusCode::FORBIDDEN);
    // Submitted after the deadline (30 November 2024): flagged late.
    t.app.clock.set(Some(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 2, 3, 0, 0).unwrap()));
    assert_eq!(manager.put(&url("/self-scores"), all_scores(&a, |_| 4)).await.0, StatusCode::OK);
    let (s, a) = manager.post(&url("/submit"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!((a["status"].clone(), a["late"].clone()), (json!("submitted"), json!(true)));
    // After submission nothing changes unless returned: neither scores nor files.
    assert_eq!(manager.put(&url("/self-scores"), all_scores(&a, |_| 5)).await.0, StatusCode::CONFLICT);
    let (s, _) = manager.post(&ev_url, json!({"indicator_key": "maklumat", "files": [file("lagi.pdf", PDF)]})).await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Returned once, for two indicators; the manager may change only those.
    let (s, e) = ev.post(&url("/return"), json!({"keys": [], "note": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, a) = ev
        .post(
            &url("/return"),
            json!({"keys": ["maklumat", "inovasi_pelayanan"], "note": "Lampirkan maklumat yang ditandatangani."}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["status"], "returned");
    let fix: Vec<&str> = a["scores"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["to_fix"] == true)
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(fix, vec!["maklumat", "inovasi_pelayanan"]);
    let (s, _) = manager.put(&url("/self-scores"), json!({"scores": [{"key": "skm", "score": 5}]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "only the indicators returned");
    let (s, _) = manager
        .put(&url("/self-scores"), json!({"scores": [{"key": "maklumat", "score": 5, "text": "Maklumat terlampir."}]}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(manager.post(&url("/submit"), json!({})).await.0, StatusCode::OK);
    let (s, e) = ev.post(&url("/return"), json!({"keys": ["skm"], "note": "lagi"})).await;
    assert_eq!((s, e["error"]["code"].clone()), (StatusCode::CONFLICT, json!("assessment_returned_once")));

    // Verification: accepted scores by hand, then the index. Everything 4, but the
    // Kebijakan aspect (24 %, three indicators at 33.33/33.33/33.34 %) all 5, and
    // Inovasi (12 %) all 3: 4 + 0.24 − 0.12 = 4.12 → A−.
    let (_, a) = ev.get(&url("")).await;
    let kebijakan: Vec<String> = a["aspects"][0]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_string())
        .collect();
    let inovasi: Vec<String> = a["aspects"][5]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_string())
        .collect();
    let accepted = all_scores(&a, |k| {
        if kebijakan.iter().any(|x| x == k) {
            5
        } else if inovasi.iter().any(|x| x == k) {
            3
        } else {
            4
        }
    });
    let mut first = accepted.clone();
    first["scores"].as_array_mut().unwrap().truncate(3);
    assert_eq!(ev.put(&url("/verification"), first).await.0, StatusCode::OK);
    let (s, e) = ev.post(&url("/finalise"), json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not every indicator is accepted yet: {e}");
    assert_eq!(ev.put(&url("/verification"), accepted).await.0, StatusCode::OK);
    assert_eq!(
        manager.post(&url("/finalise"), json!({})).await.0,
        StatusCode::FORBIDDEN,
        "the manager cannot finalise"
    );
    // Two finalisations at once (the evaluator double-clicks): exactly one lands.
    let fin = url("/finalise");
    let (r1, r2) = tokio::join!(ev.post(&fin, json!({})), ev.post(&fin, json!({})));
    let mut statuses = [r1.0, r2.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", r1.1, r2.1);
    let done = if r1.0 == StatusCode::OK { r1.1 } else { r2.1 };
    assert_eq!(done["status"], "finalised");
    assert_eq!(done["index_hundredths"], 412);
    assert_eq!(done["predicate"], "A-");
    assert_eq!(done["result"]["aspects"][0]["hundredths"], 500);
    assert_eq!(done["result"]["aspects"][5]["hundredths"], 300);
    // Nothing changes after finalisation.
    assert_eq!(ev.put(&url("/verification"), all_scores(&a, |_| 5)).await.0, StatusCode::CONFLICT);
    assert_eq!(manager.put(&url("/self-scores"), all_scores(&a, |_| 5)).await.0, StatusCode::CONFLICT);
    // Results are public only once published, by the national admin, once.
    let results_url = format!("/api/v1/evaluation/cycles/{}/results", cycle["id"]);
    let (_, hidden) = t.get_json(&results_url).await;
    assert_eq!(hidden, json!([]), "not published yet");
    let (_, preview) = national.get(&results_url).await;
    assert_eq!(preview.as_array().unwrap().len(), 1, "the national admin sees them before");
    let publish = format!("/api/v1/evaluation/cycles/{}/publish", cycle["id"]);
    assert_eq!(manager.post(&publish, json!({})).await.0, StatusCode::FORBIDDEN);
    let (s, p) = national.post(&publish, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert!(p["published_at"].is_string());
    let (s, e) = national.post(&publish, json!({})).await;
    assert_eq!((s, e["error"]["code"].clone()), (StatusCode::CONFLICT, json!("cycle_published")));
    // Every step reached its people through the outbox (beside the demo's own messages).
    let new = |kind: &'static str| {
        let base = &base;
        let t = &t;
        async move { outbox(t, None, kind).await.len() - base.get(kind).copied().unwrap_or(0) }
    };
    assert_eq!(new("eval_opened").await, 2, "both MPPs' managers");
    assert_eq!(new("eval_assigned").await, 2, "an evaluator hears of each assignment (not of the refused one)");
    assert!(outbox(&t, None, "eval_assigned").await.contains(&"e***@kemenpan.go.id".to_string()));
    assert_eq!(new("eval_submitted").await, 2, "submitted twice, to the evaluator");
    assert_eq!(new("eval_returned").await, 1);
    assert!(outbox(&t, None, "eval_returned").await.contains(&"m***@demo.satuatap.id".to_string()));
    assert_eq!(new("eval_finalised").await, 1);
    assert_eq!(new("eval_published").await, 1, "the one finalised MPP's manager");
    // The public results rank the finalised MPP with its aspects; the page shows the same.
    let (s, results) = t.get_json(&results_url).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(results.as_array().unwrap().len(), 1, "only finalised assessments");
    assert_eq!(
        (results[0]["mpp_id"].clone(), results[0]["rank"].clone(), results[0]["index_hundredths"].clone()),
        (json!(bogor), json!(1), json!(412))
    );
    let (s, html) = t.get_text("/evaluasi?tahun=2024").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Evaluasi 2024") && html.contains("Mal Pelayanan Publik Kota Bogor") && html.contains("4,12")
    );
    let (_, html, _) = manager.page("/admin/evaluasi/saya").await;
    assert!(html.contains("2024") && html.contains("Final"), "the manager's list");
    let (s, _, _) = t.session(accounts::MANAGER_MAKASSAR).await.page(&format!("/admin/evaluasi/penilaian/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another MPP's assessment page");
    let (_, audit) = national.get(&format!("/api/v1/audit?entity=eval_assessment&entity_id={id}&limit=100")).await;
    let steps: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"] == "eval_assessment" && e["entity_id"] == id.to_string().as_str())
        .filter_map(|e| e["action"].as_str())
        .collect();
    for step in ["assign", "self_score", "evidence_add", "evidence_remove", "submit", "return", "verify", "finalise"] {
        assert!(steps.contains(&step), "{step} audited: {steps:?}");
    }
    assert_eq!(steps.iter().filter(|s| **s == "finalise").count(), 1);
    t.stop().await;
}

#[tokio::test]
async fn the_demo_has_last_years_cycle_finished_and_this_years_open() {
    let t = TestApp::spawn().await;
    let (_, cycles) = t.get_json("/api/v1/evaluation/cycles").await;
    let cycles = cycles.as_array().unwrap();
    assert_eq!(cycles.len(), 2, "{cycles:?}");
    let (this, last) = (&cycles[0], &cycles[1]);
    assert_eq!(this["year"].as_i64().unwrap(), last["year"].as_i64().unwrap() + 1);
    assert!(last["assessments"].as_array().unwrap().iter().all(|a| a["status"] == "finalised" && a["late"] == false));
    assert!(
        this["assessments"].as_array().unwrap().iter().all(|a| a["status"] == "draft" && !a["evaluator_id"].is_null())
    );
    assert!(last["published_at"].is_string() && this["published_at"].is_null(), "last year's results are published");
    let (s, inc) = t.get_json(&format!("/api/v1/evaluation/cycles/{}/incentives", last["id"])).await;
    assert_eq!(s, StatusCode::OK, "last year's incentive list is signed and public: {inc}");
    assert!(inc["signed_at"].is_string() && inc["lines"].as_array().unwrap().len() == 3, "{inc}");
    let (_, results) = t.get_json(&format!("/api/v1/evaluation/cycles/{}/results", last["id"])).await;
    let idx: Vec<i64> = results.as_array().unwrap().iter().map(|r| r["index_hundredths"].as_i64().unwrap()).collect();
    assert_eq!(idx.len(), 3);
    assert!(idx.windows(2).all(|w| w[0] >= w[1]), "ranked: {idx:?}");
    let ev = t.session("evaluator@demo.satuatap.id").await;
    let (s, html, _) = ev.page("/admin/evaluasi/saya").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(html.matches("/admin/evaluasi/penilaian/").count(), 6, "the evaluator's six assessments");
    let bogor = t.mpp_id("kota-bogor").await;
    let (s, _) = ev.get(&format!("/api/v1/mpps/{bogor}/survey-suggestions")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an evaluator is no MPP's staff");
    t.stop().await;
}
