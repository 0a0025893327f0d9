//! The MPP manager's dashboard over the API: the figures as JSON, or one of its
//! tables (`days`, `services`, `providers`) as CSV.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use satuatap_service::dashboard::{DashboardQuery, GroupRow, MppDashboard};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ApiQuery, Id};
use crate::api::national::csv_response;
use crate::ctx::Ctx;
use crate::error::{ApiError, ErrorEnvelope};
use crate::state::{AppState, WebResultExt};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TableParam {
    /// As CSV: `days`, `services`, `providers`, `counters`, `officers` or `hours` (the
    /// weekday × hour averages); JSON (the whole dashboard) when absent.
    #[serde(default)]
    pub csv: Option<String>,
}

fn minutes(v: Option<f64>) -> String {
    v.map(|m| format!("{m}")).unwrap_or_default()
}

fn rate(v: Option<f64>) -> String {
    v.map(|r| format!("{r:.4}")).unwrap_or_default()
}

fn group_sheet(rows: &[GroupRow], with_provider: bool) -> String {
    let mut head = vec!["id", "name"];
    if with_provider {
        head.push("provider");
    }
    head.extend([
        "visitors",
        "served",
        "no_show",
        "no_show_rate",
        "bookings_checked_in",
        "walk_ins",
        "wait_p50_min",
        "wait_p90_min",
        "service_p50_min",
        "service_p90_min",
    ]);
    let mut sheet = satuatap_service::csv::Sheet::new(&head);
    for r in rows {
        let mut cells = vec![r.id.to_string(), r.name.clone()];
        if with_provider {
            cells.push(r.provider_name.clone().unwrap_or_default());
        }
        cells.extend([
            r.totals.visitors.to_string(),
            r.totals.served.to_string(),
            r.totals.no_show.to_string(),
            rate(r.totals.no_show_rate),
            r.totals.bookings_checked_in.to_string(),
            r.totals.walk_ins.to_string(),
            minutes(r.times.wait_p50),
            minutes(r.times.wait_p90),
            minutes(r.times.service_p50),
            minutes(r.times.service_p90),
        ]);
        sheet.row(cells);
    }
    sheet.into_string()
}

/// One table of the dashboard as CSV.
pub(crate) fn table_csv(d: &MppDashboard, table: &str) -> Option<Response> {
    let name = |t: &str| format!("dasbor-mpp-{}-{t}-{}-{}.csv", d.mpp_id, d.from, d.to);
    let body = match table {
        "days" => {
            let mut sheet =
                satuatap_service::csv::Sheet::new(&["day", "visitors", "served", "no_show", "bookings_checked_in"]);
            for r in &d.days {
                sheet.row([
                    r.day.to_string(),
                    r.visitors.to_string(),
                    r.served.to_string(),
                    r.no_show.to_string(),
                    r.bookings_checked_in.to_string(),
                ]);
            }
            sheet.into_string()
        }
        "services" => group_sheet(&d.services, true),
        "providers" => group_sheet(&d.providers, false),
        "counters" => group_sheet(&d.counters, true),
        "officers" => group_sheet(&d.officers, false),
        "hours" => {
            let mut head = vec!["weekday".to_string(), "days".to_string()];
            head.extend(d.heat_hours.iter().map(|h| format!("h{h:02}")));
            let head: Vec<&str> = head.iter().map(String::as_str).collect();
            let mut sheet = satuatap_service::csv::Sheet::new(&head);
            for r in &d.heat {
                let mut cells = vec![r.weekday.to_string(), r.days.to_string()];
                cells.extend(r.average.iter().map(|v| format!("{v}")));
                sheet.row(cells);
            }
            sheet.into_string()
        }
        _ => return None,
    };
    Some(csv_response(body, &name(table)))
}

/// The manager's dashboard: the queue now, today, and a period of at most 366 days from the rollups.
#[utoipa::path(get, path = "/mpps/{id}/dashboard", tag = "dashboard", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path), DashboardQuery, TableParam),
    responses((status = 200, description = "The dashboard (JSON), or one table as CSV",
        content((MppDashboard = "application/json"), (String = "text/csv"))),
        (status = 422, description = "`invalid_input`: the period is backwards or longer than 366 days (`period_days`), or `csv` is not a table", body = ErrorEnvelope)))]
pub async fn dashboard(
    State(s): State<AppState>,
    c: Ctx,
    Id(id): Id,
    ApiQuery(q): ApiQuery<DashboardQuery>,
    ApiQuery(t): ApiQuery<TableParam>,
) -> Result<Response, ApiError> {
    let a = c.api_actor()?;
    let d = s.app.mpp_dashboard(a, id, &q).await.api(&c)?;
    match t.csv.as_deref() {
        None => Ok(Json(d).into_response()),
        Some(table) => table_csv(&d, table).ok_or_else(|| ApiError::bad_query(c.lang, format!("csv: {table}"))),
    }
}
