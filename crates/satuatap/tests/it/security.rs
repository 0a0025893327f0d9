//! Sessions, CSRF, login lockout, API tokens, passwords and the audit trail.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{PASSWORD, TestApp, accounts, csrf_in};

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    let t = TestApp::spawn().await;
    let v = t.anonymous();
    let (_, _, token) = v.page("/masuk").await;
    assert!(!token.is_empty());
    let r = v
        .client
        .post(t.at("/masuk"))
        .form(&[("email", accounts::NATIONAL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = v
        .client
        .post(t.at("/masuk"))
        .form(&[("csrf", "forged"), ("email", accounts::NATIONAL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = v
        .client
        .post(t.at("/masuk"))
        .form(&[("csrf", token.as_str()), ("email", accounts::NATIONAL), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/admin");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("sat_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    // With a session, the API needs the header token too.
    let r =
        v.client.post(t.at("/api/v1/holidays")).json(&json!({"date": "2027-09-09", "name": "X"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "csrf");
    // A token from another visitor does not work either.
    let other = t.anonymous();
    let (_, _, theirs) = other.page("/masuk").await;
    let (_, html, _) = v.page("/admin").await;
    let mine = csrf_in(&html);
    assert_ne!(mine, theirs);
    let r = v.client.post(t.at("/keluar")).form(&[("csrf", theirs.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = v.client.post(t.at("/keluar")).form(&[("csrf", mine.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(v.client.get(t.at("/api/v1/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    t.stop().await;
}

/// A client whose requests come, as the proxy says, from `ip`.
fn from_address(t: &TestApp, ip: &str) -> crate::support::Session {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("x-forwarded-for", ip.parse().unwrap());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(h)
        .build()
        .unwrap();
    crate::support::Session { client, ..t.anonymous() }
}

#[tokio::test]
async fn failed_logins_make_that_address_wait_longer_each_time_but_never_lock_out_the_owner() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig { trust_proxy: true, ..Default::default() }).await;
    let start = chrono::Utc::now();
    t.app.clock.set(Some(start));
    let attacker = from_address(&t, "203.0.113.9");
    let email = accounts::MANAGER;
    for _ in 0..5 {
        let (s, b) = attacker.post("/api/v1/session", json!({"email": email, "password": "salah-salah-salah"})).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(b["error"]["code"], "bad_credentials");
    }
    // From that address even the right password now waits a minute…
    let r = attacker
        .send(reqwest::Method::POST, "/api/v1/session", Some(json!({"email": email, "password": PASSWORD})))
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((50..=60).contains(&retry), "{retry}");
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "locked_out");
    assert!(b["error"]["message"].as_str().unwrap().contains("1 menit"));
    // …and the page says the same, in the visitor's words.
    let (_, _, token) = attacker.page("/masuk").await;
    let r = attacker
        .client
        .post(t.at("/masuk"))
        .form(&[("csrf", token.as_str()), ("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("Terlalu banyak percobaan masuk"));
    // The owner, at the office, signs in as usual.
    let owner = from_address(&t, "198.51.100.4");
    let (s, me) = owner.post("/api/v1/session", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(s, StatusCode::OK, "{me}");
    // Each further failure from the attacker's address doubles its wait: 2 minutes, then 4.
    for expect in [120u64, 240] {
        let elapsed = t.app.now() + chrono::Duration::minutes(5);
        t.app.clock.set(Some(elapsed));
        let (s, _) = attacker.post("/api/v1/session", json!({"email": email, "password": "salah-lagi-salah"})).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let r = attacker
            .send(reqwest::Method::POST, "/api/v1/session", Some(json!({"email": email, "password": PASSWORD})))
            .await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry <= expect && retry > expect - 10, "{retry} vs {expect}");
    }
    // The owner was told once, by e-mail, through the outbox.
    let told = count_messages(&t, "login_failures").await;
    assert_eq!(told, 1, "one message when the failures started");
    t.stop().await;
}

async fn count_messages(t: &TestApp, kind: &str) -> i64 {
    use sqlx::Connection;
    let sql = "SELECT COUNT(*) FROM outbox WHERE kind = $1";
    if t.db_url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&t.db_url).await.unwrap();
        sqlx::query_scalar(sql).bind(kind).fetch_one(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", t.db_url)).await.unwrap();
        sqlx::query_scalar(sql).bind(kind).fetch_one(&mut c).await.unwrap()
    }
}

#[tokio::test]
async fn login_attempts_from_one_address_are_rate_limited() {
    let t = TestApp::spawn_with(satuatap_web::WebConfig { login_per_minute: 3, ..Default::default() }).await;
    let v = t.anonymous();
    let mut statuses = Vec::new();
    for i in 0..5 {
        let (s, _) = v.post("/api/v1/session", json!({"email": format!("nobody{i}@x.id"), "password": "x"})).await;
        statuses.push(s.as_u16());
    }
    assert_eq!(statuses, vec![401, 401, 401, 429, 429]);
    t.stop().await;
}

#[tokio::test]
async fn api_tokens_act_as_their_user_until_revoked() {
    let t = TestApp::spawn().await;
    let mgr = t.session(accounts::MANAGER).await;
    let (s, issued) = mgr.post("/api/v1/tokens", json!({"name": "Kios lobi"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let token = issued["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("sat_"));
    let bogor = t.mpp_id("kota-bogor").await;
    let c = reqwest::Client::new();
    // No cookie, no CSRF header: the bearer token is enough.
    let r = c
        .post(t.at(&format!("/api/v1/mpps/{bogor}/holidays")))
        .bearer_auth(&token)
        .json(&json!({"date": "2027-07-07", "name": "Tutup"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let makassar = t.mpp_id("kota-makassar").await;
    let r = c
        .post(t.at(&format!("/api/v1/mpps/{makassar}/holidays")))
        .bearer_auth(&token)
        .json(&json!({"date": "2027-07-07", "name": "Tutup"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, list) = mgr.get("/api/v1/tokens").await;
    assert!(list.as_array().unwrap().iter().any(|t| t["name"] == "Kios lobi" && t["last_used_at"].is_string()));
    assert!(!list.to_string().contains(&token), "the token itself is never listed");
    let (s, _) = mgr.delete(&format!("/api/v1/tokens/{}", issued["id"])).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let r = c.get(t.at("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c.get(t.at("/api/v1/me")).bearer_auth("sat_made_up").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    t.stop().await;
}

#[tokio::test]
async fn changes_are_audited_with_who_and_before_after() {
    let t = TestApp::spawn().await;
    let mgr = t.session(accounts::MANAGER).await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let (_, counters) = mgr.get(&format!("/api/v1/providers/{imigrasi}/counters")).await;
    let counter = &counters[0];
    let (s, _) = mgr
        .put(
            &format!("/api/v1/counters/{}", counter["id"]),
            json!({"code": counter["code"], "name": "Loket Paspor Prioritas"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, log) = mgr.get(&format!("/api/v1/audit?entity=counter&entity_id={}", counter["id"])).await;
    let e = &log[0];
    assert_eq!(e["action"], "update");
    assert_eq!(e["actor_email"], accounts::MANAGER);
    assert_eq!(e["before"]["name"], counter["name"]);
    assert_eq!(e["after"]["name"], "Loket Paspor Prioritas");
    assert!(e["ip"].as_str().unwrap().starts_with("127.0.0.1"));
    // The national admin sees it too; the page lists it.
    let national = t.session(accounts::NATIONAL).await;
    let (_, all) = national.get("/api/v1/audit?entity=counter").await;
    assert!(all.as_array().unwrap().iter().any(|x| x["id"] == e["id"]));
    let (_, html, _) = mgr.page("/admin/audit?entity=counter").await;
    assert!(html.contains("Loket Paspor Prioritas"));
    t.stop().await;
}

#[tokio::test]
async fn a_new_account_must_change_its_temporary_password() {
    let t = TestApp::spawn().await;
    let padmin = t.session(accounts::PROVIDER_ADMIN).await;
    let imigrasi = t.provider_id("kota-bogor", "imigrasi").await;
    let bogor = t.mpp_id("kota-bogor").await;
    let (s, u) = padmin
        .post("/api/v1/users", json!({"email": "Petugas.Baru@Imigrasi.go.id", "name": "Petugas Baru", "role": "counter_officer", "mpp_id": bogor, "provider_id": imigrasi, "password": "sementara-123"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    assert_eq!(u["email"], "petugas.baru@imigrasi.go.id");
    assert_eq!(u["must_change_password"], true);
    let v = t.anonymous();
    let (_, _, token) = v.page("/masuk").await;
    let r = v
        .client
        .post(t.at("/masuk"))
        .form(&[("csrf", token.as_str()), ("email", "petugas.baru@imigrasi.go.id"), ("password", "sementara-123")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/akun/sandi");
    // Too short, then mismatched, then right.
    let r = v
        .form(
            "/akun/sandi",
            "/akun/sandi",
            &[("current_password", "sementara-123"), ("new_password", "pendek"), ("new_password_confirm", "pendek")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Paling sedikit 10 karakter"));
    let r = v
        .form(
            "/akun/sandi",
            "/akun/sandi",
            &[
                ("current_password", "sementara-123"),
                ("new_password", "kalimat rahasia saya"),
                ("new_password_confirm", "kalimat rahasia saya"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, me) = v.get("/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["must_change_password"], false);
    let (s, _) = t
        .anonymous()
        .post("/api/v1/session", json!({"email": "petugas.baru@imigrasi.go.id", "password": "kalimat rahasia saya"}))
        .await;
    assert_eq!(s, StatusCode::OK);
    t.stop().await;
}

#[tokio::test]
async fn citizens_may_register_once_per_address() {
    let t = TestApp::spawn().await;
    let v = t.anonymous();
    let (s, _) = v.post("/api/v1/register", json!({"name": "Budi", "email": "budi@contoh.id", "password": "rahasia budi sekali", "password_confirm": "rahasia budi sekali"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = v.post("/api/v1/register", json!({"name": "Budi", "email": "BUDI@contoh.id", "password": "rahasia budi sekali", "password_confirm": "rahasia budi sekali"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["fields"][0]["field"], "email");
    let (s, e) =
        v.post("/api/v1/register", json!({"name": "", "email": "x", "password": "a", "password_confirm": "b"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["name", "email", "password", "password_confirm"]);
    t.stop().await;
}
