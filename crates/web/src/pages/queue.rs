//! Queue screens: the kiosk, a visitor's ticket page (and its printout), the
//! display board and the counter console. They are thin pages whose scripts
//! talk to the same `/api/v1` routes third-party kiosks and boards use.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect};
use qrcode::QrCode;
use qrcode::render::svg;
use satuatap_domain::queue::PriorityGroup;
use satuatap_service::catalog::SearchQuery;
use satuatap_service::ticket_alerts::{TicketAlertInput, TicketAlertView};
use satuatap_store::{CounterRow, MppRow};
use serde::{Deserialize, Serialize};

use super::{PageResult, render};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::{AppState, WebResultExt};
use crate::throttle::{Throttle, bucket};

/// Data for a page script, safe inside `<script type="application/json">`.
pub fn script_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The translated strings a page script needs (keys starting with `q-`).
pub fn texts(lang: Lang, keys: &[&str]) -> String {
    let map: std::collections::BTreeMap<&str, String> = keys.iter().map(|k| (*k, lang.t(k))).collect();
    script_json(&map)
}

const QUEUE_TEXTS: &[&str] = &[
    "q-ahead",
    "q-estimate",
    "q-minutes",
    "q-no-estimate",
    "q-called-at",
    "q-please-go",
    "q-waiting",
    "q-serving",
    "q-done",
    "q-offline",
    "q-reconnected",
    "q-more-time",
    "q-cancel",
    "q-cancel-confirm",
    "q-served",
    "q-not-served",
    "q-no-show",
    "q-cancelled",
    "q-closed",
    "q-your-number",
    "q-take",
    "q-back",
    "q-priority-question",
    "q-priority-none",
    "q-have-booking",
    "q-have-booking-note",
    "q-check-in-kiosk-only",
    "q-unpaired-note",
    "q-pair-link",
    "q-check-in-title",
    "q-check-in-help",
    "q-check-in-submit",
    "q-check-in-scan",
    "q-check-in-walk-in",
    "q-check-in-booked-for",
    "q-delete",
    "q-printing",
    "q-finish",
    "q-new-ticket",
    "q-requirements",
    "q-choose-provider",
    "q-choose-service",
    "q-waiting-count",
    "q-now-calling",
    "q-queue",
    "q-counter",
    "q-service",
    "q-people",
    "q-call-next",
    "q-recall",
    "q-start",
    "q-finish-served",
    "q-not-served-reason",
    "q-no-show-btn",
    "q-return",
    "q-transfer",
    "app-register-from-visit",
    "oss-record-from-visit",
    "q-walk-in-left",
    "q-walk-in-until",
    "q-walk-in-full",
    "q-walk-in-over",
    "q-kiosk-search",
    "q-kiosk-search-placeholder",
    "q-kiosk-no-match",
    "q-kiosk-popular",
    "app-kiosk-pickup",
    "app-kiosk-pickup-note",
    "app-kiosk-pickup-help",
    "app-kiosk-pickup-submit",
    "q-open",
    "q-pause",
    "q-close",
    "q-state-open",
    "q-state-paused",
    "q-state-closed",
    "q-nobody",
    "q-console-waiting",
    "q-next-up",
    "q-call-this",
    "q-booked",
    "q-sent-here",
    "q-where",
    "q-history",
    "q-session-ended",
    "q-transfer-to",
    "q-transfer-counter",
    "q-any-counter",
    "q-reset-arrival",
    "q-reason",
    "q-recalls",
    "q-enable-sound",
    "q-error",
    "q-kiosk-closed",
    "q-shortcuts",
    "q-since",
    "q-ticket-code",
    "q-issued",
    "q-priority",
    "q-more-time-done",
    "q-extra-time",
    "q-sound-on",
    "q-scan",
    "q-called",
    "q-soon",
    "prio-disability",
    "prio-elderly",
    "prio-pregnant",
    "prio-child",
    "prio-disaster_natural",
    "prio-disaster_social",
    "ev-issued",
    "ev-called",
    "ev-recalled",
    "ev-started",
    "ev-finished",
    "ev-not_served",
    "ev-no_show",
    "ev-returned",
    "ev-transferred",
    "ev-cancelled",
    "ev-more_time",
    "ev-closed",
];

// --- kiosk --------------------------------------------------------------------------------

#[derive(Serialize)]
struct KioskService {
    id: i64,
    name: String,
    requirements: Vec<String>,
    /// Tickets of the last 30 days.
    used: i64,
}

#[derive(Serialize)]
struct KioskProvider {
    id: i64,
    name: String,
    booth: Option<String>,
    services: Vec<KioskService>,
}

#[derive(Template)]
#[template(path = "queue/kiosk.html")]
struct KioskPage<'a> {
    c: &'a Ctx,
    m: MppRow,
    data: String,
    texts: String,
    paper: &'static str,
}

#[derive(Template)]
#[template(path = "queue/remote_off.html")]
struct RemoteOffPage<'a> {
    c: &'a Ctx,
    m: MppRow,
}

#[derive(Debug, Default, Deserialize)]
pub struct KioskParams {
    #[serde(default)]
    kertas: Option<String>,
}

pub async fn kiosk(
    State(s): State<AppState>,
    c: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<KioskParams>,
) -> PageResult {
    let m = s.app.mpp_by_slug(&slug).await.web(&c)?;
    // A phone at an MPP that gives numbers only on site: point it to booking.
    let paired = satuatap_service::devices::require_kiosk(c.device.as_ref(), c.actor.as_ref(), m.id).is_ok();
    if !paired && !m.queue_settings.0.remote_tickets {
        return render(RemoteOffPage { c: &c, m });
    }
    let providers = s.app.providers(None, m.id).await.web(&c)?;
    let page = s
        .app
        .search_services(&SearchQuery { mpp_id: Some(m.id), limit: 200, ..SearchQuery::default() })
        .await
        .web(&c)?;
    let lang = c.lang;
    let used = s.app.service_popularity(m.id).await.web(&c)?;
    let mut kiosk: Vec<KioskProvider> = providers
        .iter()
        .map(|p| KioskProvider {
            id: p.id,
            name: lang.pick(&p.name, p.name_en.as_deref()).to_string(),
            booth: p.booth.clone(),
            services: page
                .services
                .iter()
                .filter(|s| s.provider_id == p.id)
                .map(|s| {
                    let st = &s.standard.0;
                    let reqs = if lang == Lang::En && !st.requirements_en.is_empty() {
                        &st.requirements_en
                    } else {
                        &st.requirements
                    };
                    KioskService {
                        id: s.id,
                        name: lang.pick(&s.name, s.name_en.as_deref()).to_string(),
                        requirements: reqs.clone(),
                        used: used.get(&s.id).copied().unwrap_or(0),
                    }
                })
                .collect(),
        })
        .filter(|p| !p.services.is_empty())
        .collect();
    // The most used first: services within an office, and the offices themselves.
    for p in kiosk.iter_mut() {
        p.services.sort_by_key(|s| std::cmp::Reverse(s.used));
    }
    kiosk.sort_by_key(|p| std::cmp::Reverse(p.services.iter().map(|s| s.used).sum::<i64>()));
    let priorities: Vec<(&str, String)> =
        PriorityGroup::ALL.iter().map(|g| (g.as_str(), lang.t(&format!("prio-{}", g.as_str())))).collect();
    // A paired kiosk of this MPP (or its staff) prints tickets and checks bookings in;
    // any other browser (a phone) takes its own ticket and follows it on its page.
    let data = script_json(&serde_json::json!({
        "mpp": {"id": m.id, "slug": m.slug, "name": m.name, "time_zone": m.time_zone},
        "paired": paired,
        "providers": kiosk,
        "priorities": priorities,
        "lang": lang.code(),
        "now_ms": s.app.now().timestamp_millis(),
    }));
    let paper = if p.kertas.as_deref() == Some("80") { "80" } else { "58" };
    render(KioskPage { c: &c, m, data, texts: texts(lang, QUEUE_TEXTS), paper })
}

// --- a visitor's ticket --------------------------------------------------------------------

#[derive(Template)]
#[template(path = "queue/ticket.html")]
struct TicketPage<'a> {
    c: &'a Ctx,
    m: MppRow,
    token: String,
    data: String,
    texts: String,
    print: bool,
    paper: &'static str,
    code: String,
    service: String,
    provider: String,
    /// Where to go: gerai and floor or zone.
    place: String,
    issued: String,
    ahead: i64,
    estimate: Option<i64>,
    /// The satisfaction survey: offered (served, open, not answered yet).
    survey_open: bool,
    /// Already answered.
    survey_done: bool,
    /// The visit is not over: the page's script offers the survey once it is served.
    survey_live: bool,
    /// "Your turn is near": the MPP's setting and the number left, if any.
    alert: Option<TicketAlertView>,
    /// Offer the alert form (waiting, the MPP sends such messages).
    alert_open: bool,
    /// A number typed that was refused, and why.
    alert_phone: String,
    alert_error: Option<String>,
}

/// What the ticket page's "message me" form sends.
#[derive(Debug, Default, Deserialize)]
pub struct AlertForm {
    #[serde(default)]
    phone: String,
    /// Present on "do not message me".
    #[serde(default)]
    hapus: Option<String>,
}

async fn ticket_page(
    s: &AppState,
    c: &Ctx,
    token: &str,
    print: bool,
    paper: &'static str,
    refused: Option<(String, String)>,
) -> PageResult {
    let t = s.app.ticket_by_token(token).await.web(c)?;
    let m = s.app.mpp(t.mpp_id).await.web(c)?;
    let alert = if print { None } else { s.app.ticket_alert_of(t.id, &m).await.ok() };
    let alert_open =
        alert.as_ref().is_some_and(|a| a.ahead_at > 0) && t.status == satuatap_domain::queue::TicketStatus::Waiting;
    let (alert_phone, alert_error) = match refused {
        Some((phone, why)) => (phone, Some(why)),
        None => (String::new(), None),
    };
    let lang = c.lang;
    let live = t.status != satuatap_domain::queue::TicketStatus::Done;
    let answered = match (print || live, t.outcome.as_deref()) {
        (false, Some("served")) => s.app.survey_for_ticket(token).await.ok().map(|x| x.answered),
        _ => None,
    };
    render(TicketPage {
        survey_open: answered == Some(false),
        survey_done: answered == Some(true),
        survey_live: live,
        c,
        token: token.to_string(),
        data: script_json(&serde_json::json!({"ticket": t, "token": token, "mpp": {"id": m.id, "name": m.name}})),
        texts: texts(lang, QUEUE_TEXTS),
        print,
        paper,
        code: t.code.clone(),
        service: lang.pick(&t.service_name, t.service_name_en.as_deref()).to_string(),
        provider: lang.pick(&t.provider_name, t.provider_name_en.as_deref()).to_string(),
        place: [t.booth.as_deref(), t.zone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" · "),
        issued: format!("{} {}", super::fmt_date_short(lang, t.day), t.issued_local),
        ahead: t.ahead,
        estimate: t.estimate_minutes,
        m,
        alert,
        alert_open,
        alert_phone,
        alert_error,
    })
}

pub async fn ticket(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> PageResult {
    ticket_page(&s, &c, &token, false, "58", None).await
}

/// "Message me when my turn is near" (or, with `hapus`, no longer).
pub async fn ticket_alert(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Ticket>,
    Path(token): Path<String>,
    Form(f): Form<AlertForm>,
) -> PageResult {
    let done = if f.hapus.is_some() {
        s.app.remove_ticket_alert(&token).await
    } else {
        s.app.set_ticket_alert(&token, &TicketAlertInput { phone: Some(f.phone.clone()) }).await
    };
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/tiket/{token}#kabari")).into_response()),
        Err(e) => {
            let (errors, status) = super::FormErrors::of(c.lang, e)?;
            // The form has one field: its problem, or the refusal, is said beside it.
            let why = errors.get("phone").map(str::to_string).or(errors.general).unwrap_or_default();
            let page = ticket_page(&s, &c, &token, false, "58", Some((f.phone, why))).await?;
            Ok((status, page).into_response())
        }
    }
}

pub async fn ticket_print(
    State(s): State<AppState>,
    c: Ctx,
    Path(token): Path<String>,
    Query(p): Query<KioskParams>,
) -> PageResult {
    let paper = if p.kertas.as_deref() == Some("80") { "80" } else { "58" };
    ticket_page(&s, &c, &token, true, paper, None).await
}

/// The address visitors reach this server at: `--public-url`, else the request's host.
pub fn public_base(s: &AppState, headers: &axum::http::HeaderMap) -> String {
    match &s.web.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
            let scheme = if s.web.secure_cookies { "https" } else { "http" };
            format!("{scheme}://{host}")
        }
    }
}

/// A QR code of `text` as an SVG image.
pub fn qr_svg(c: &Ctx, text: &str, size: u32) -> Result<String, WebError> {
    let code = QrCode::new(text.as_bytes())
        .map_err(|e| WebError::In(c.lang, satuatap_service::Error::Internal(e.to_string())))?;
    Ok(code.render::<svg::Color<'_>>().min_dimensions(size, size).quiet_zone(true).build())
}

/// A QR code of `text` as an `image/svg+xml` response.
pub fn qr_response(c: &Ctx, text: &str, size: u32) -> PageResult {
    let mut r = qr_svg(c, text, size)?.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400"));
    Ok(r)
}

/// The QR code on a printed ticket: the holder's page.
pub async fn ticket_qr(
    State(s): State<AppState>,
    c: Ctx,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> PageResult {
    s.app.ticket_by_token(&token).await.web(&c)?;
    let url = format!("{}/tiket/{token}", public_base(&s, &headers));
    qr_response(&c, &url, 160)
}

// --- display board -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "queue/board.html")]
struct BoardPage<'a> {
    c: &'a Ctx,
    m: MppRow,
    zone: Option<String>,
    data: String,
    texts: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct BoardParams {
    #[serde(default)]
    zona: Option<String>,
    /// `id` (default), `en`, or `id,en` to also call in English.
    #[serde(default)]
    suara: Option<String>,
}

pub async fn board(
    State(s): State<AppState>,
    c: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<BoardParams>,
) -> PageResult {
    let m = s.app.mpp_by_slug(&slug).await.web(&c)?;
    let zone = p.zona.map(|z| z.trim().to_string()).filter(|z| !z.is_empty());
    let voices: Vec<&str> =
        p.suara.as_deref().unwrap_or("id").split(',').map(str::trim).filter(|v| matches!(*v, "id" | "en")).collect();
    let data = script_json(&serde_json::json!({
        "mpp": {"id": m.id, "name": m.name, "time_zone": m.time_zone},
        "zone": zone,
        "voices": voices,
        "lang": c.lang.code(),
        "now_ms": s.app.now().timestamp_millis(),
    }));
    render(BoardPage { c: &c, m, zone, data, texts: texts(c.lang, QUEUE_TEXTS) })
}

// --- counter console ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "queue/console_pick.html")]
struct ConsolePick<'a> {
    c: &'a Ctx,
    counters: Vec<CounterRow>,
}

pub async fn console_pick(State(s): State<AppState>, c: Ctx) -> PageResult {
    let Some(a) = c.actor.clone() else {
        return Ok(Redirect::to("/masuk?next=/konsol").into_response());
    };
    let counters = s.app.my_counters(&a).await.web(&c)?;
    if counters.len() == 1 {
        return Ok(Redirect::to(&format!("/konsol/{}", counters[0].id)).into_response());
    }
    render(ConsolePick { c: &c, counters })
}

#[derive(Template)]
#[template(path = "queue/console.html")]
struct ConsolePage<'a> {
    c: &'a Ctx,
    counter_id: i64,
    counter_name: String,
    data: String,
    texts: String,
}

pub async fn console(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let Some(a) = c.actor.clone() else {
        return Ok(Redirect::to(&format!("/masuk?next=/konsol/{id}")).into_response());
    };
    let view = s.app.console(&a, id).await.web(&c)?;
    let counter = s.app.my_counters(&a).await.web(&c)?.into_iter().find(|k| k.id == id);
    let mpp_id = counter.as_ref().map(|k| k.mpp_id).unwrap_or_default();
    // Services a ticket can be transferred to: every published service of the MPP.
    let services = s
        .app
        .search_services(&SearchQuery { mpp_id: Some(mpp_id), limit: 200, ..SearchQuery::default() })
        .await
        .web(&c)?;
    let targets: Vec<serde_json::Value> = services
        .services
        .iter()
        .map(|s| serde_json::json!({"id": s.id, "name": c.lang.pick(&s.name, s.name_en.as_deref()), "provider": s.provider_name}))
        .collect();
    let counters = s.app.counters_of_mpp(&a, mpp_id).await.unwrap_or_default();
    let counter_list: Vec<serde_json::Value> =
        counters.iter().map(|k| serde_json::json!({"id": k.id, "code": k.code, "name": k.name})).collect();
    let tz = s.app.mpp(mpp_id).await.map(|m| m.time_zone).unwrap_or_else(|_| "Asia/Jakarta".into());
    let oss_service = s.app.oss_desk(mpp_id).await.ok().and_then(|d| d.consultation).map(|d| d.service_id);
    let data = script_json(&serde_json::json!({
        "counter": id, "mpp": mpp_id, "view": view, "services": targets, "counters": counter_list, "lang": c.lang.code(),
        "time_zone": tz, "oss_service": oss_service,
    }));
    render(ConsolePage {
        c: &c,
        counter_id: id,
        counter_name: format!("{} · {}", view.counter_code, view.counter_name),
        data,
        texts: texts(c.lang, QUEUE_TEXTS),
    })
}
