//! The IKM results: per MPP and nationally, as a page, a print view and CSV.

use super::*;
use crate::pages::{PageResult, render};

// --- IKM results ---------------------------------------------------------------------------

/// A decimal in the visitor's language: `84,26` in Indonesian, `84.26` in English.
pub fn dec(lang: Lang, v: f64, places: usize) -> String {
    let s = format!("{v:.places$}");
    if lang == Lang::Id { s.replace('.', ",") } else { s }
}

/// A count with thousands separators (`1.234` / `1,234`).
pub fn int(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let sep = if lang == Lang::Id { '.' } else { ',' };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

fn roman(n: u32) -> &'static str {
    ["I", "II", "III", "IV"].get(n.saturating_sub(1) as usize).copied().unwrap_or("")
}

pub fn period_label(lang: Lang, p: &Period) -> String {
    match *p {
        Period::Quarter(y, q) => {
            lang.ta("sv-period-quarter", &[("n", &q.to_string()), ("roman", roman(q)), ("year", &y.to_string())])
        }
        Period::Semester(y, h) => {
            lang.ta("sv-period-semester", &[("n", &h.to_string()), ("roman", roman(h)), ("year", &y.to_string())])
        }
        Period::Year(y) => lang.ta("sv-period-year", &[("year", &y.to_string())]),
        Period::Range(a, b) => {
            format!("{} – {}", crate::pages::fmt_date_short(lang, a), crate::pages::fmt_date_short(lang, b))
        }
    }
}

pub fn grade_label(lang: impl Into<Lang>, letter: &str) -> String {
    let lang: Lang = lang.into();
    lang.t(&format!("sv-grade-{letter}"))
}

/// The IKM range of a grade (`88,31–100,00`).
pub fn grade_range(lang: impl Into<Lang>, letter: &str) -> String {
    let lang: Lang = lang.into();
    lang.t(&format!("sv-grade-range-{letter}"))
}

/// A choice of the period selector.
pub struct PeriodOption {
    pub key: String,
    pub label: String,
    pub selected: bool,
}

/// The quarters, semesters and year of the current and the previous year that
/// have begun, newest year first.
pub struct PeriodGroup {
    pub year: i32,
    pub options: Vec<PeriodOption>,
}

pub fn period_groups(lang: Lang, today: NaiveDate, chosen: &Period) -> Vec<PeriodGroup> {
    use chrono::Datelike;
    let year = today.year();
    let mut groups = Vec::new();
    for y in [year, year - 1] {
        let mut all: Vec<Period> = (1..=4).map(|q| Period::Quarter(y, q)).collect();
        all.extend((1..=2).map(|h| Period::Semester(y, h)));
        all.push(Period::Year(y));
        let options = all
            .into_iter()
            .filter(|p| p.bounds().0 <= today)
            .map(|p| PeriodOption { key: p.key(), label: period_label(lang, &p), selected: p == *chosen })
            .collect();
        groups.push(PeriodGroup { year: y, options });
    }
    // A period asked for by address that the list does not hold still shows as chosen.
    let listed = groups.iter().any(|g| g.options.iter().any(|o| o.selected));
    if !listed && !matches!(chosen, Period::Range(..)) {
        groups.insert(
            0,
            PeriodGroup {
                year: chosen.bounds().0.year(),
                options: vec![PeriodOption { key: chosen.key(), label: period_label(lang, chosen), selected: true }],
            },
        );
    }
    groups
}

/// The period of a results page: `periode=2026-Q4`, or `dari`/`sampai` dates, or
/// the current quarter in the MPP's zone (with a warning when what was asked for
/// cannot be read).
pub struct Chosen {
    pub period: Period,
    pub warning: Option<String>,
    pub today: NaiveDate,
}

#[derive(Debug, Default, Deserialize)]
pub struct IkmParams {
    #[serde(default)]
    pub periode: Option<String>,
    #[serde(default)]
    pub dari: Option<String>,
    #[serde(default)]
    pub sampai: Option<String>,
    #[serde(default)]
    pub instansi: Option<String>,
    #[serde(default)]
    pub cetak: Option<String>,
}

pub fn choose_period(s: &AppState, c: &Ctx, p: &IkmParams, tz: &str) -> Chosen {
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Tz::Asia__Jakarta);
    let today = s.app.now().with_timezone(&tz).date_naive();
    let current = s.app.current_quarter(tz);
    let nonempty = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let bad = || Some(c.t("sv-period-invalid"));
    match (nonempty(&p.dari), nonempty(&p.sampai)) {
        (Some(a), Some(b)) => match (a.parse::<NaiveDate>(), b.parse::<NaiveDate>()) {
            (Ok(a), Ok(b)) if a <= b => return Chosen { period: Period::Range(a, b), warning: None, today },
            _ => return Chosen { period: current, warning: bad(), today },
        },
        (Some(_), None) | (None, Some(_)) => return Chosen { period: current, warning: bad(), today },
        _ => {}
    }
    match nonempty(&p.periode) {
        None => Chosen { period: current, warning: None, today },
        Some(k) => match Period::parse(&k) {
            Some(period) => Chosen { period, warning: None, today },
            None => Chosen { period: current, warning: bad(), today },
        },
    }
}

/// One element's row: name, NRR and its bar.
pub struct ElementView {
    pub code: &'static str,
    pub name: &'static str,
    pub nrr: String,
    pub score: String,
    /// The bar's length in percent of the 0–4 scale (`81.3`).
    pub pct: String,
    pub grade: &'static str,
}

/// A report as its page shows it, in the visitor's language.
pub struct ReportView {
    pub key: String,
    pub label: String,
    pub span: String,
    pub has_data: bool,
    pub ikm: Option<String>,
    pub grade: Option<&'static str>,
    pub grade_label: Option<String>,
    pub respondents: String,
    pub served: String,
    pub required: String,
    pub served_zero: bool,
    pub sample_reached: bool,
    pub exceeds_served: bool,
    pub elements: Vec<ElementView>,
    pub weakest: Vec<ElementView>,
}

fn element_grade(score: f64) -> Grade {
    Grade::of_centi((score * 100.0).round().max(0.0) as u64)
}

pub fn report_view(lang: Lang, period: &Period, r: &IkmReport) -> ReportView {
    let elements: Vec<ElementView> = r
        .elements
        .iter()
        .map(|e| ElementView {
            code: e.code,
            name: if lang == Lang::En { e.name_en } else { e.name },
            nrr: dec(lang, e.nrr, 2),
            score: dec(lang, e.score, 2),
            pct: format!("{:.1}", (e.nrr / 4.0 * 100.0).clamp(0.0, 100.0)),
            grade: element_grade(e.score).letter(),
        })
        .collect();
    let weakest = r
        .weakest
        .iter()
        .filter_map(|code| elements.iter().find(|e| e.code == *code))
        .map(|e| ElementView {
            code: e.code,
            name: e.name,
            nrr: e.nrr.clone(),
            score: e.score.clone(),
            pct: e.pct.clone(),
            grade: e.grade,
        })
        .collect();
    ReportView {
        key: period.key(),
        label: period_label(lang, period),
        span: format!("{} – {}", crate::pages::fmt_date_short(lang, r.from), crate::pages::fmt_date_short(lang, r.to)),
        has_data: r.respondents > 0,
        ikm: r.ikm.as_deref().map(|v| crate::pages::dec_text(lang, v)),
        grade: r.grade,
        grade_label: r.grade.map(|g| grade_label(lang, g)),
        respondents: int(lang, r.respondents),
        served: int(lang, r.served),
        required: int(lang, r.required_sample),
        served_zero: r.served == 0,
        sample_reached: r.sample_reached,
        exceeds_served: r.respondents_exceed_served,
        elements,
        weakest,
    }
}

/// A row of a breakdown table (a provider, a service or an MPP).
pub struct GroupRow {
    pub name: String,
    /// The provider of a service, in the per-service table.
    pub provider: Option<String>,
    pub href: Option<String>,
    pub respondents: String,
    pub served: String,
    pub ikm: Option<String>,
    pub grade: Option<&'static str>,
}

fn group_row(lang: Lang, g: &GroupResult, provider: Option<String>, href: Option<String>) -> GroupRow {
    GroupRow {
        name: g.name.clone(),
        provider,
        href,
        respondents: int(lang, g.respondents),
        served: int(lang, g.served),
        ikm: g.ikm.as_deref().map(|v| crate::pages::dec_text(lang, v)),
        grade: g.grade,
    }
}

#[derive(Template)]
#[template(path = "survey/ikm.html")]
struct IkmPage<'a> {
    c: &'a Ctx,
    /// The MPP; none on the national page.
    m: Option<MppRow>,
    /// The provider the report is narrowed to.
    provider: Option<Scoped>,
    r: ReportView,
    groups: Vec<PeriodGroup>,
    dari: String,
    sampai: String,
    warning: Option<String>,
    providers: Vec<GroupRow>,
    services: Vec<GroupRow>,
    mpps: Vec<GroupRow>,
    print: bool,
    printed_at: String,
    /// `periode=…` (and `&instansi=…`) for the print and CSV links.
    query: String,
    /// `periode=…` alone.
    period_query: String,
    base: String,
}

/// The provider a report is narrowed to.
pub struct Scoped {
    pub id: i64,
    pub name: String,
}

/// The report as CSV: one total row, U1–U9, then each breakdown row (dot decimals,
/// stable English column names).
fn report_csv(r: &IkmReport, scope: (&str, &str), groups: &[(&str, &GroupResult, Option<&str>)]) -> String {
    let mut out = satuatap_service::csv::Sheet::new(&[
        "period",
        "from",
        "to",
        "section",
        "id",
        "name",
        "provider",
        "respondents",
        "served",
        "required_sample",
        "sample_reached",
        "nrr",
        "ikm",
        "grade",
    ]);
    let (from, to) = (r.from.to_string(), r.to.to_string());
    let row = |out: &mut satuatap_service::csv::Sheet, section: &str, id: &str, name: &str, rest: [&str; 8]| {
        let mut all = vec![r.period.as_str(), from.as_str(), to.as_str(), section, id, name];
        all.extend(rest);
        out.row(all);
    };
    let (respondents, served, required) =
        (r.respondents.to_string(), r.served.to_string(), r.required_sample.to_string());
    row(
        &mut out,
        "total",
        scope.0,
        scope.1,
        [
            "",
            &respondents,
            &served,
            &required,
            if r.sample_reached { "yes" } else { "no" },
            "",
            r.ikm.as_deref().unwrap_or(""),
            r.grade.unwrap_or(""),
        ],
    );
    for e in &r.elements {
        let (nrr, score) = (format!("{:.4}", e.nrr), format!("{:.2}", e.score));
        let grade = element_grade(e.score).letter();
        row(&mut out, "element", e.code, e.name, ["", &respondents, "", "", "", &nrr, &score, grade]);
    }
    for (section, g, provider) in groups {
        let (id, respondents, served) = (g.id.to_string(), g.respondents.to_string(), g.served.to_string());
        row(
            &mut out,
            section,
            &id,
            &g.name,
            [
                provider.unwrap_or(""),
                &respondents,
                &served,
                "",
                "",
                "",
                g.ikm.as_deref().unwrap_or(""),
                g.grade.unwrap_or(""),
            ],
        );
    }
    out.into_string()
}

fn csv_response(filename: &str, body: String) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    let safe: String =
        filename.chars().map(|ch| if ch.is_ascii_alphanumeric() || "-_.".contains(ch) { ch } else { '_' }).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// What one MPP's report holds: the report, the provider it is narrowed to, and
/// the per-provider and per-service figures.
struct MppResults {
    m: MppRow,
    chosen: Chosen,
    report: IkmReport,
    provider: Option<Scoped>,
    /// Per provider (empty when narrowed to one provider).
    providers: Vec<GroupResult>,
    /// Per service, with the provider's name.
    services: Vec<(GroupResult, String)>,
}

async fn mpp_results(s: &AppState, c: &Ctx, slug: &str, p: &IkmParams) -> Result<MppResults, WebError> {
    let m = s.app.mpp_by_slug(slug).await.web(c)?;
    let chosen = choose_period(s, c, p, &m.time_zone);
    let period = chosen.period;
    let names = s.app.providers(None, m.id).await.web(c)?;
    let provider = match p.instansi.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => {
            let id: i64 = v.parse().map_err(|_| WebError::In(c.lang, Error::NotFound))?;
            let pr = names.iter().find(|x| x.id == id).ok_or(WebError::In(c.lang, Error::NotFound))?;
            Some(Scoped { id: pr.id, name: c.lang.pick(&pr.name, pr.name_en.as_deref()).to_string() })
        }
    };
    let report = s.app.mpp_ikm(m.id, provider.as_ref().map(|x| x.id), None, &period).await.web(c)?;
    let (providers, services) = match &provider {
        Some(p) => (Vec::new(), report.breakdown.iter().map(|g| (g.clone(), p.name.clone())).collect()),
        None => {
            let provider_names: std::collections::HashMap<i64, String> =
                report.breakdown.iter().map(|g| (g.id, g.name.clone())).collect();
            let services = s
                .app
                .mpp_ikm_by_service(m.id, &period)
                .await
                .web(c)?
                .into_iter()
                .map(|g| {
                    let owner = g.provider_id.and_then(|p| provider_names.get(&p).cloned()).unwrap_or_default();
                    (g, owner)
                })
                .collect::<Vec<_>>();
            let mut services = services;
            services.sort_by(|a, b| (&a.1, &a.0.name).cmp(&(&b.1, &b.0.name)));
            (report.breakdown.clone(), services)
        }
    };
    Ok(MppResults { m, chosen, report, provider, providers, services })
}

fn query_of(period: &Period, provider: Option<i64>) -> String {
    let mut q = format!("periode={}", crate::pages::q(&period.key()));
    if let Some(p) = provider {
        q.push_str(&format!("&instansi={p}"));
    }
    q
}

async fn mpp_page(s: &AppState, c: &Ctx, slug: &str, p: IkmParams, print: bool) -> PageResult {
    let res = mpp_results(s, c, slug, &p).await?;
    let lang = c.lang;
    let period = res.chosen.period;
    let base = format!("/mpp/{}/ikm", res.m.slug);
    let providers = res
        .providers
        .iter()
        .map(|g| group_row(lang, g, None, Some(format!("{base}?{}", query_of(&period, Some(g.id))))))
        .collect();
    let services = res.services.iter().map(|(g, prov)| group_row(lang, g, Some(prov.clone()), None)).collect();
    let (dari, sampai) = match period {
        Period::Range(a, b) => (a.to_string(), b.to_string()),
        _ => (String::new(), String::new()),
    };
    render(IkmPage {
        c,
        r: report_view(lang, &period, &res.report),
        groups: period_groups(lang, res.chosen.today, &period),
        dari,
        sampai,
        warning: res.chosen.warning,
        providers,
        services,
        mpps: Vec::new(),
        print,
        printed_at: crate::pages::fmt_instant(lang, &s.app.now(), &res.m.time_zone),
        query: query_of(&period, res.provider.as_ref().map(|x| x.id)),
        period_query: query_of(&period, None),
        provider: res.provider,
        base,
        m: Some(res.m),
    })
}

pub async fn mpp_ikm(
    State(s): State<AppState>,
    c: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<IkmParams>,
) -> PageResult {
    let print = p.cetak.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    mpp_page(&s, &c, &slug, p, print).await
}

pub async fn mpp_ikm_print(
    State(s): State<AppState>,
    c: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<IkmParams>,
) -> PageResult {
    mpp_page(&s, &c, &slug, p, true).await
}

pub async fn mpp_ikm_csv(
    State(s): State<AppState>,
    c: Ctx,
    Path(slug): Path<String>,
    Query(p): Query<IkmParams>,
) -> PageResult {
    let res = mpp_results(&s, &c, &slug, &p).await?;
    let mut groups: Vec<(&str, &GroupResult, Option<&str>)> =
        res.providers.iter().map(|g| ("provider", g, None)).collect();
    groups.extend(res.services.iter().map(|(g, prov)| ("service", g, Some(prov.as_str()))));
    let scope_name = match &res.provider {
        Some(p) => format!("{} — {}", res.m.name, p.name),
        None => res.m.name.clone(),
    };
    let body = report_csv(&res.report, (&res.m.slug, &scope_name), &groups);
    let mut file = format!("ikm-{}-{}", res.m.slug, res.chosen.period.key().replace("..", "_"));
    if let Some(p) = &res.provider {
        file.push_str(&format!("-instansi-{}", p.id));
    }
    Ok(csv_response(&format!("{file}.csv"), body))
}

async fn national_results(
    s: &AppState,
    c: &Ctx,
    p: &IkmParams,
) -> Result<(Chosen, IkmReport, std::collections::HashMap<i64, String>), WebError> {
    let chosen = choose_period(s, c, p, "Asia/Jakarta");
    let report = s.app.national_ikm(&chosen.period).await.web(c)?;
    let slugs = s.app.mpps(&MppFilter::default()).await.web(c)?.into_iter().map(|m| (m.id, m.slug)).collect();
    Ok((chosen, report, slugs))
}

pub async fn national_ikm(State(s): State<AppState>, c: Ctx, Query(p): Query<IkmParams>) -> PageResult {
    let print = p.cetak.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    national_page(&s, &c, p, print).await
}

pub async fn national_ikm_print(State(s): State<AppState>, c: Ctx, Query(p): Query<IkmParams>) -> PageResult {
    national_page(&s, &c, p, true).await
}

async fn national_page(s: &AppState, c: &Ctx, p: IkmParams, print: bool) -> PageResult {
    let (chosen, report, slugs) = national_results(s, c, &p).await?;
    let lang = c.lang;
    let period = chosen.period;
    let mpps = report
        .breakdown
        .iter()
        .map(|g| {
            let href = slugs.get(&g.id).map(|slug| format!("/mpp/{slug}/ikm?{}", query_of(&period, None)));
            group_row(lang, g, None, href)
        })
        .collect();
    let (dari, sampai) = match period {
        Period::Range(a, b) => (a.to_string(), b.to_string()),
        _ => (String::new(), String::new()),
    };
    render(IkmPage {
        c,
        m: None,
        provider: None,
        r: report_view(lang, &period, &report),
        groups: period_groups(lang, chosen.today, &period),
        dari,
        sampai,
        warning: chosen.warning,
        providers: Vec::new(),
        services: Vec::new(),
        mpps,
        print,
        printed_at: crate::pages::fmt_instant(lang, &s.app.now(), "Asia/Jakarta"),
        query: query_of(&period, None),
        period_query: query_of(&period, None),
        base: "/ikm".into(),
    })
}

pub async fn national_ikm_csv(State(s): State<AppState>, c: Ctx, Query(p): Query<IkmParams>) -> PageResult {
    let (chosen, report, _) = national_results(&s, &c, &p).await?;
    let groups: Vec<(&str, &GroupResult, Option<&str>)> = report.breakdown.iter().map(|g| ("mpp", g, None)).collect();
    let body = report_csv(&report, ("national", "Nasional"), &groups);
    Ok(csv_response(&format!("ikm-nasional-{}.csv", chosen.period.key().replace("..", "_")), body))
}

/// The name of an element by its code, in the visitor's language.
pub fn element_name(lang: Lang, code: &str) -> &'static str {
    Element::from_code(code).map(|e| if lang == Lang::En { e.name_en() } else { e.name() }).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_both_languages() {
        assert_eq!(dec(Lang::Id, 84.256, 2), "84,26");
        assert_eq!(dec(Lang::En, 84.256, 2), "84.26");
        assert_eq!(crate::pages::dec_text(Lang::Id, "100.00"), "100,00");
        assert_eq!(int(Lang::Id, 1_234_567), "1.234.567");
        assert_eq!(int(Lang::En, 1_234), "1,234");
        assert_eq!(int(Lang::Id, 384), "384");
    }

    #[test]
    fn period_choices_stop_at_today() {
        let today = NaiveDate::from_ymd_opt(2027, 2, 2).unwrap();
        let g = period_groups(Lang::Id, today, &Period::Quarter(2027, 1));
        let keys: Vec<&str> = g[0].options.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["2027-Q1", "2027-S1", "2027"]);
        assert_eq!(g[1].options.len(), 7);
        assert!(g[0].options[0].selected);
        assert_eq!(g[0].options[0].label, "Triwulan I 2027");
        assert_eq!(period_label(Lang::En, &Period::Semester(2026, 2)), "Second half 2026");
        assert_eq!(period_label(Lang::En, &Period::Semester(2026, 1)), "First half 2026");
        assert_eq!(period_label(Lang::Id, &Period::Semester(2026, 2)), "Semester II 2026");
        assert_eq!(period_label(Lang::En, &Period::Quarter(2026, 4)), "Q4 2026");
    }
}
