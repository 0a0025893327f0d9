//! Taking the survey: the form after a served visit, one-time codes, the
//! thank-you page and the counter's tablet.

use super::*;
use crate::pages::{FormErrors, PageResult, render};

// --- the citizen's form -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "survey/form.html")]
struct FormPage<'a> {
    c: &'a Ctx,
    t: SurveyTarget,
    action: String,
    questions: Vec<Question>,
    profile: Vec<ProfileField>,
    suggestion: String,
    errors: FormErrors,
    missing: Vec<(String, String)>,
}

fn form_page(c: &Ctx, t: SurveyTarget, action: String, input: &SurveyInput, errors: FormErrors) -> PageResult {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(FormPage {
        c,
        t,
        action,
        questions: questions(c.lang, input, &errors),
        profile: profile(c.lang, input, &errors),
        suggestion: input.suggestion.clone().unwrap_or_default(),
        missing: missing(c.lang, &errors),
        errors,
    })
    .map(|r| (status, r).into_response())
}

#[derive(Template)]
#[template(path = "survey/notice.html")]
struct NoticePage<'a> {
    c: &'a Ctx,
    title: String,
    message: String,
    t: Option<SurveyTarget>,
    /// `answered`, `closed`, `unknown`.
    kind: &'static str,
}

fn notice(c: &Ctx, kind: &'static str, t: Option<SurveyTarget>, status: StatusCode) -> PageResult {
    let (title, message) = match kind {
        "answered" => (c.t("sv-answered-title"), c.t("err-survey-answered")),
        "closed" => (c.t("sv-closed-title"), c.t("err-survey-not-open")),
        _ => (c.t("sv-unknown-title"), c.t("sv-unknown-ticket")),
    };
    render(NoticePage { c, title, message, t, kind }).map(|r| (status, r).into_response())
}

/// A refusal of the service as the page a visitor can act on.
fn refused(c: &Ctx, e: Error, t: Option<SurveyTarget>) -> PageResult {
    match e {
        Error::Refused { why: satuatap_service::Refusal::SurveyAnswered, .. } => {
            notice(c, "answered", t, StatusCode::CONFLICT)
        }
        Error::Refused { why: satuatap_service::Refusal::SurveyNotOpen, .. } => {
            notice(c, "closed", t, StatusCode::CONFLICT)
        }
        Error::NotFound => notice(c, "unknown", None, StatusCode::NOT_FOUND),
        e => Err(WebError::In(c.lang, e)),
    }
}

fn thanks(t: &SurveyTarget) -> Response {
    Redirect::to(&format!("/survei/terima-kasih?mpp={}", crate::pages::q(&t.mpp_slug))).into_response()
}

pub async fn ticket_form(State(s): State<AppState>, c: Ctx, Path(token): Path<String>) -> PageResult {
    match s.app.survey_for_ticket(&token).await {
        Ok(t) if t.answered => notice(&c, "answered", Some(t), StatusCode::OK),
        Ok(t) => form_page(
            &c,
            t,
            format!("/tiket/{}/survei", crate::pages::q(&token)),
            &SurveyInput::default(),
            FormErrors::default(),
        ),
        Err(e) => refused(&c, e, None),
    }
}

pub async fn ticket_submit(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Survey>,
    Path(token): Path<String>,
    Form(f): Form<SurveyInput>,
) -> PageResult {
    let t = match s.app.survey_for_ticket(&token).await {
        Ok(t) if t.answered => return notice(&c, "answered", Some(t), StatusCode::CONFLICT),
        Ok(t) => t,
        Err(e) => return refused(&c, e, None),
    };
    match s.app.submit_survey_for_ticket(&token, &f).await {
        Ok(_) => Ok(thanks(&t)),
        Err(Error::Invalid(errs)) => {
            let action = format!("/tiket/{}/survei", crate::pages::q(&token));
            form_page(&c, t, action, &f, FormErrors::from_fields(c.lang, &errs))
        }
        Err(e) => refused(&c, e, Some(t)),
    }
}

/// The QR code of a visit's survey, shown on the my-ticket page.
pub async fn ticket_qr(State(s): State<AppState>, c: Ctx, headers: HeaderMap, Path(token): Path<String>) -> PageResult {
    s.app.ticket_by_token(&token).await.web(&c)?;
    let url = format!("{}/tiket/{}/survei", crate::pages::queue::public_base(&s, &headers), crate::pages::q(&token));
    crate::pages::queue::qr_response(&c, &url, 200)
}

// --- one-time codes --------------------------------------------------------------------

#[derive(Template)]
#[template(path = "survey/code.html")]
struct CodePage<'a> {
    c: &'a Ctx,
    code: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    kode: String,
}

pub async fn code_entry(c: Ctx, Query(f): Query<CodeForm>) -> PageResult {
    render(CodePage { c: &c, code: f.kode, error: None })
}

fn unknown_code(c: &Ctx, typed: &str) -> PageResult {
    render(CodePage { c, code: typed.to_string(), error: Some(c.t("sv-unknown-code")) })
        .map(|r| (StatusCode::NOT_FOUND, r).into_response())
}

pub async fn code_lookup(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Survey>,
    Form(f): Form<CodeForm>,
) -> PageResult {
    if f.kode.trim().is_empty() {
        return render(CodePage { c: &c, code: String::new(), error: Some(c.t("sv-code-required")) })
            .map(|r| (StatusCode::UNPROCESSABLE_ENTITY, r).into_response());
    }
    match s.app.survey_for_code(&f.kode).await {
        Ok((_, row)) => Ok(Redirect::to(&format!("/survei/kode/{}", crate::pages::q(&row.code))).into_response()),
        Err(Error::NotFound) => unknown_code(&c, &f.kode),
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

fn code_action(code: &str) -> String {
    format!("/survei/kode/{}", crate::pages::q(code))
}

pub async fn code_form(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Survey>,
    Path(code): Path<String>,
) -> PageResult {
    match s.app.survey_for_code(&code).await {
        Ok((_, row)) if row.code != code => Ok(Redirect::to(&code_action(&row.code)).into_response()),
        Ok((t, _)) if t.answered => notice(&c, "answered", Some(t), StatusCode::OK),
        Ok((t, row)) => form_page(&c, t, code_action(&row.code), &SurveyInput::default(), FormErrors::default()),
        Err(Error::NotFound) => unknown_code(&c, &code),
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn code_submit(
    State(s): State<AppState>,
    c: Ctx,
    _: Throttle<bucket::Survey>,
    Path(code): Path<String>,
    Form(f): Form<SurveyInput>,
) -> PageResult {
    let (t, row) = match s.app.survey_for_code(&code).await {
        Ok((t, _)) if t.answered => return notice(&c, "answered", Some(t), StatusCode::CONFLICT),
        Ok(found) => found,
        Err(Error::NotFound) => return unknown_code(&c, &code),
        Err(e) => return Err(WebError::In(c.lang, e)),
    };
    match s.app.submit_survey_for_code(&row.code, &f).await {
        Ok(_) => Ok(thanks(&t)),
        Err(Error::Invalid(errs)) => {
            form_page(&c, t, code_action(&row.code), &f, FormErrors::from_fields(c.lang, &errs))
        }
        Err(e) => refused(&c, e, Some(t)),
    }
}

#[derive(Template)]
#[template(path = "survey/thanks.html")]
struct ThanksPage<'a> {
    c: &'a Ctx,
    m: Option<MppRow>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ThanksParams {
    #[serde(default)]
    mpp: Option<String>,
}

pub async fn thank_you(State(s): State<AppState>, c: Ctx, Query(p): Query<ThanksParams>) -> PageResult {
    let m = match p.mpp.as_deref().filter(|m| !m.is_empty()) {
        Some(slug) => s.app.mpp_by_slug(slug).await.ok(),
        None => None,
    };
    render(ThanksPage { c: &c, m })
}

// --- the counter's tablet ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "survey/tablet.html")]
struct TabletPage<'a> {
    c: &'a Ctx,
    counter_id: i64,
    counter_name: String,
    data: String,
    texts: String,
}

const TABLET_TEXTS: &[&str] = &[
    "sv-tablet-waiting",
    "sv-tablet-waiting-note",
    "sv-tablet-welcome",
    "sv-tablet-lead",
    "sv-tablet-start",
    "sv-tablet-skip",
    "sv-tablet-back",
    "sv-tablet-of",
    "sv-tablet-sending",
    "sv-tablet-thanks",
    "sv-tablet-thanks-note",
    "sv-tablet-error",
    "sv-tablet-retry",
    "sv-tablet-session",
    "sv-tablet-ticket",
    "sv-tablet-fullscreen",
];

/// Full screen at the counter, facing the visitor; signed in as the counter's staff.
pub async fn tablet(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let Some(a) = c.actor.clone() else {
        return Ok(Redirect::to(&format!("/masuk?next=/konsol/{id}/survei")).into_response());
    };
    // The console's own check: who may operate this counter may hold its tablet.
    let view = s.app.console(&a, id).await.web(&c)?;
    let elements: Vec<serde_json::Value> = ELEMENTS
        .into_iter()
        .map(|e| {
            serde_json::json!({
                "code": e.code(),
                "name": if c.lang == Lang::En { e.name_en() } else { e.name() },
                "question": if c.lang == Lang::En { e.question_en() } else { e.question() },
                "labels": e.labels(),
                "labels_en": e.labels_en(),
            })
        })
        .collect();
    let data = crate::pages::queue::script_json(&serde_json::json!({
        "counter": id, "lang": c.lang.code(), "elements": elements, "poll_ms": 3000,
    }));
    render(TabletPage {
        c: &c,
        counter_id: id,
        counter_name: format!("{} · {}", view.counter_code, view.counter_name),
        data,
        texts: crate::pages::queue::texts(c.lang, TABLET_TEXTS),
    })
}
