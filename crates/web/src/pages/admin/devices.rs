//! The MPP manager's devices page: kiosks, boards and survey tablets, each
//! paired once with a code typed (or scanned) on the device.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use qrcode::QrCode;
use qrcode::render::svg;
use satuatap_domain::device::DeviceKind;
use satuatap_service::Error;
use satuatap_service::devices::{DeviceInput, DeviceState, DeviceView, NewPairing};
use satuatap_store::{CounterRow, MppRow};
use serde::{Deserialize, Serialize};

use super::{NavItem, nav, staff};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::flash;
use crate::pages::{FormErrors, PageResult, render};
use crate::state::{AppState, WebResultExt};

#[derive(Template)]
#[template(path = "admin/devices.html")]
struct DevicesPage<'a> {
    c: &'a Ctx,
    nav: Vec<NavItem>,
    m: MppRow,
    devices: Vec<DeviceView>,
    counters: Vec<CounterRow>,
    zones: Vec<String>,
    f: DeviceForm,
    errors: FormErrors,
    /// A code just made: shown once, big, with its QR code for a scanner.
    pairing: Option<(Shown, String)>,
}

/// A pairing code carried to the page after the post (see [`crate::flash`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Shown {
    pub device_id: i64,
    pub name: String,
    pub kind: DeviceKind,
    pub pairing_code: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl From<&NewPairing> for Shown {
    fn from(p: &NewPairing) -> Shown {
        Shown {
            device_id: p.device.id,
            name: p.device.name.clone(),
            kind: p.device.kind,
            pairing_code: p.pairing_code.clone(),
            expires_at: p.expires_at,
        }
    }
}

impl DevicesPage<'_> {
    fn kind_label(&self, k: &DeviceKind) -> &'static str {
        if self.c.lang == crate::i18n::Lang::En { k.label_en() } else { k.label() }
    }
    fn state_label(&self, s: &DeviceState) -> String {
        self.c.t(match s {
            DeviceState::AwaitingPairing => "dev-state-awaiting",
            DeviceState::PairingExpired => "dev-state-expired",
            DeviceState::Paired => "dev-state-paired",
            DeviceState::Revoked => "dev-state-revoked",
        })
    }
    fn when(&self, at: &Option<chrono::DateTime<chrono::Utc>>) -> String {
        at.as_ref().map(|t| crate::pages::fmt_instant(self.c.lang, t, &self.m.time_zone)).unwrap_or_else(|| "—".into())
    }
    fn place(&self, d: &DeviceView) -> String {
        match (d.kind, &d.counter_code, &d.zone) {
            (DeviceKind::Tablet, Some(code), _) => format!("{} {code}", self.c.t("dev-counter")),
            (DeviceKind::Board, _, Some(z)) => z.clone(),
            (DeviceKind::Board, _, None) => self.c.t("dev-all-zones"),
            _ => "—".into(),
        }
    }
    fn pair_url(&self) -> String {
        "/perangkat".into()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DeviceForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub counter_id: Option<String>,
    #[serde(default)]
    pub zone: Option<String>,
}

fn qr_svg(text: &str) -> String {
    QrCode::new(text.as_bytes())
        .map(|q| q.render::<svg::Color<'_>>().min_dimensions(160, 160).quiet_zone(true).build())
        .unwrap_or_default()
}

async fn page(s: &AppState, c: &Ctx, id: i64, f: DeviceForm, errors: FormErrors, pairing: Option<Shown>) -> PageResult {
    let a = staff(c)?;
    let devices = s.app.devices(&a, id).await.web(c)?;
    let m = s.app.mpp(id).await.web(c)?;
    let counters = s.app.mpp_counters(&a, id).await.web(c)?;
    let mut zones: Vec<String> =
        s.app.providers(Some(&a), id).await.web(c)?.into_iter().filter_map(|p| p.zone).collect();
    zones.sort();
    zones.dedup();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let pairing = pairing.map(|p| {
        let svg = qr_svg(&p.pairing_code);
        (p, svg)
    });
    let nav = nav(&a, &format!("/admin/mpp/{id}/perangkat"));
    render(DevicesPage { c, nav, m, devices, counters, zones, f, errors, pairing }).map(|r| (status, r).into_response())
}

pub async fn list(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, headers: HeaderMap) -> PageResult {
    let (shown, clear) = flash::take::<Shown>(&s, &headers);
    let shown = shown.filter(|p| p.expires_at > s.app.now());
    let r = page(&s, &c, id, DeviceForm::default(), FormErrors::default(), shown).await?;
    Ok(flash::clearing(clear, r))
}

/// Back to the list with the new code in the flash: a reload does not make another device.
fn show_once(s: &AppState, mpp: i64, p: &NewPairing) -> PageResult {
    Ok(flash::redirect(s, &format!("/admin/mpp/{mpp}/perangkat#pairing"), &Shown::from(p)))
}

pub async fn create(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>, Form(f): Form<DeviceForm>) -> PageResult {
    let a = staff(&c)?;
    let counter = f.counter_id.as_deref().map(str::trim).filter(|v| !v.is_empty());
    let input = DeviceInput {
        name: f.name.clone(),
        kind: f.kind.clone(),
        counter_id: counter.map(|v| v.parse::<i64>().map_err(|_| v.to_string())),
        zone: f.zone.clone(),
    };
    match s.app.register_device(&a, id, &input).await {
        Ok(p) => show_once(&s, id, &p),
        Err(Error::Invalid(errs)) => page(&s, &c, id, f, FormErrors::from_fields(c.lang, &errs), None).await,
        Err(e) => Err(WebError::In(c.lang, e)),
    }
}

pub async fn repair(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let a = staff(&c)?;
    let p = s.app.repair_device(&a, id).await.web(&c)?;
    show_once(&s, p.device.mpp_id, &p)
}

pub async fn revoke(State(s): State<AppState>, c: Ctx, Path(id): Path<i64>) -> PageResult {
    let a = staff(&c)?;
    let d = s.app.revoke_device(&a, id).await.web(&c)?;
    Ok(Redirect::to(&format!("/admin/mpp/{}/perangkat", d.mpp_id)).into_response())
}
