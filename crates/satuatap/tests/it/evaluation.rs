//! The evaluation's instruments: the default seeded and frozen, copies edited by
//! the national admin only, weights that do not add up refused with nothing
//! saved, every change audited; the same through the pages.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, accounts};

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
