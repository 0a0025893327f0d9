//! The public results of the evaluation: the ranking of a published cycle
//! (national or one province, with the change from last year) and each MPP's
//! printable report card.

use askama::Template;
use axum::extract::{Path, State};
use satuatap_domain::evaluation::{AspectDef, format_hundredths};
use satuatap_service::evaluation::results::ReportCard;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::pages::{PageResult, render};
use crate::state::{AppState, WebResultExt};

// --- public results -----------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct ResultsParams {
    #[serde(default)]
    tahun: Option<String>,
    #[serde(default)]
    provinsi: Option<String>,
}

#[derive(Template)]
#[template(path = "evaluation/results.html")]
struct ResultsPage<'a> {
    c: &'a Ctx,
    cycles: Vec<satuatap_service::evaluation::cycle::CycleView>,
    shown: Option<satuatap_service::evaluation::cycle::CycleView>,
    rows: Vec<satuatap_service::evaluation::results::ResultRow>,
    aspects: Vec<AspectDef>,
    /// Provinces present in the results, and the one chosen.
    provinces: Vec<(String, String)>,
    province: Option<String>,
    /// The signed incentive list's qualifying count, when there is one.
    incentives: Option<usize>,
}

impl ResultsPage<'_> {
    fn idx(&self, h: &i64) -> String {
        format_hundredths(u32::try_from(*h).unwrap_or(0), self.c.lang == crate::i18n::Lang::Id)
    }
    fn change(&self, r: &satuatap_service::evaluation::results::ResultRow) -> String {
        change_text(self.c, r.change_hundredths)
    }
    fn chosen(&self, code: &str) -> bool {
        self.province.as_deref() == Some(code)
    }
    fn aspect_name(&self, key: &str) -> String {
        self.aspects.iter().find(|a| a.key == key).map(|a| a.name.clone()).unwrap_or_else(|| key.to_string())
    }
    /// The aspects as horizontal bars (0–5), drawn on the server.
    fn bars(&self, r: &satuatap_service::evaluation::results::ResultRow) -> String {
        aspect_bars(self.c, &r.aspects, |k| self.aspect_name(k), 1.0)
    }
}

/// Aspect scores (0–5) as horizontal bars drawn on the server; `scale` enlarges them.
fn aspect_bars(
    c: &Ctx,
    aspects: &[satuatap_domain::evaluation::AspectScore],
    name_of: impl Fn(&str) -> String,
    scale: f64,
) -> String {
    let (row_h, label_w, bar_w, chars) = (16.0 * scale, 122.0 * scale, 120.0 * scale, 22);
    let font = 10.0 * scale;
    let width = label_w + bar_w + 38.0 * scale;
    let h = row_h * aspects.len() as f64;
    // Enlarged bars scale down with the screen (CSS `.bars.wide`); small ones keep their size.
    let size = if scale > 1.0 {
        r#"class="bars wide""#.to_string()
    } else {
        format!(r#"class="bars" width="{width:.0}" height="{h:.0}""#)
    };
    let mut out = format!(
        r#"<svg {size} viewBox="0 0 {width:.0} {h:.0}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        crate::svg::esc(&c.t("evr-aspects"))
    );
    for (i, a) in aspects.iter().enumerate() {
        let w = f64::from(a.hundredths) / 500.0 * bar_w;
        let y = i as f64 * row_h;
        let name = name_of(&a.key);
        let short: String = if name.chars().count() > chars {
            name.chars().take(chars - 1).chain(std::iter::once('…')).collect()
        } else {
            name.clone()
        };
        out.push_str(&format!(
            r##"<g><title>{n}: {v}</title><text x="0" y="{ty:.1}" font-size="{font:.1}" fill="#444">{s}</text><rect x="{lx:.1}" y="{ry:.1}" width="{w:.1}" height="{bh:.1}" fill="#0a5c4d"/><text x="{tx:.1}" y="{ty:.1}" font-size="{font:.1}" fill="#222">{v}</text></g>"##,
            n = crate::svg::esc(&name),
            s = crate::svg::esc(&short),
            v = format_hundredths(a.hundredths, c.lang == crate::i18n::Lang::Id),
            ty = y + 10.0 * scale,
            ry = y + 2.0 * scale,
            lx = label_w,
            bh = 10.0 * scale,
            tx = label_w + 4.0 * scale + w,
        ));
    }
    out.push_str("</svg>");
    out
}

/// A change from last year in words (`+0,12`, `−0,30`), or a dash.
pub(super) fn change_text(c: &Ctx, change: Option<i64>) -> String {
    match change {
        Some(d) => {
            let v = format_hundredths(u32::try_from(d.unsigned_abs()).unwrap_or(0), c.lang == crate::i18n::Lang::Id);
            match d.signum() {
                1 => format!("▲ +{v}"),
                -1 => format!("▼ −{v}"),
                _ => format!("= {v}"),
            }
        }
        None => "—".into(),
    }
}

pub async fn results(
    State(s): State<AppState>,
    c: Ctx,
    axum::extract::Query(p): axum::extract::Query<ResultsParams>,
) -> PageResult {
    let cycles = s.app.cycles().await.web(&c)?;
    let year = p.tahun.as_deref().and_then(|y| y.trim().parse::<i64>().ok());
    // The chosen year, else the latest published cycle.
    let mut shown = None;
    let mut rows = Vec::new();
    for cy in &cycles {
        if year.is_some_and(|y| y != cy.year) || (year.is_none() && cy.published_at.is_none()) {
            continue;
        }
        rows = s.app.cycle_results(None, cy.id).await.web(&c)?;
        shown = Some(cy.clone());
        break;
    }
    let mut provinces: Vec<(String, String)> =
        rows.iter().map(|r| (r.province_code.clone(), r.province_name.clone())).collect();
    provinces.sort_by(|a, b| a.1.cmp(&b.1));
    provinces.dedup();
    let province = p.provinsi.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
    if let Some(code) = &province {
        rows.retain(|r| &r.province_code == code);
    }
    let (aspects, incentives) = match &shown {
        Some(cy) => {
            // A list not signed yet is not found for the public; any other error is one.
            let inc = match s.app.incentives(None, cy.id).await {
                Ok(v) => Some(v.qualifying),
                Err(satuatap_service::Error::NotFound) => None,
                Err(e) => return Err(crate::error::WebError::In(c.lang, e)),
            };
            (s.app.instrument(cy.instrument_id).await.web(&c)?.aspects, inc)
        }
        None => (Vec::new(), None),
    };
    render(ResultsPage { c: &c, cycles, shown, rows, aspects, provinces, province, incentives })
}

// --- the report card ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "evaluation/card.html")]
struct CardPage<'a> {
    c: &'a Ctx,
    r: ReportCard,
    print: bool,
    printed_at: String,
}

impl CardPage<'_> {
    fn comma(&self) -> bool {
        self.c.lang == crate::i18n::Lang::Id
    }
    fn idx(&self, h: &i64) -> String {
        format_hundredths(u32::try_from(*h).unwrap_or(0), self.comma())
    }
    fn change(&self) -> String {
        change_text(self.c, self.r.result.change_hundredths)
    }
    fn aspect_name(&self, key: &str) -> String {
        self.r.aspect_names.iter().find(|a| a.key == key).map(|a| a.name.clone()).unwrap_or_else(|| key.into())
    }
    fn score(&self, v: &Option<i64>) -> String {
        v.map_or("—".into(), |v| v.to_string())
    }
    fn bars(&self) -> String {
        aspect_bars(self.c, &self.r.result.aspects, |k| self.aspect_name(k), 1.6)
    }
    fn figures(&self) -> Vec<(String, String)> {
        let Some(o) = &self.r.objective else { return Vec::new() };
        satuatap_domain::evaluation::Rule::ALL
            .iter()
            .map(|r| (self.c.tf("rule", r.as_str()), super::assessment::figure_text(self.c, *r, o)))
            .collect()
    }
}

async fn card_page(s: &AppState, c: &Ctx, id: i64, print: bool) -> PageResult {
    let r = s.app.report_card(c.actor.as_ref(), id).await.web(c)?;
    let printed_at = crate::pages::fmt_date(c.lang, s.app.now().with_timezone(&chrono_tz::Asia::Jakarta).date_naive());
    render(CardPage { c, r, print, printed_at })
}

pub async fn card(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    card_page(&s, &c, id, false).await
}

pub async fn card_print(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    card_page(&s, &c, id, true).await
}
