//! MPP locations: the national registry entries, their hours and status.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use satuatap_domain::catalog::MppStatus;
use satuatap_domain::hours::{OpenStatus, OpeningHours, WEEKDAYS, status_at, weekday_key};
use satuatap_domain::region::{is_district_code, province_of, zone_for_province};
use satuatap_domain::text::{is_slug, slugify};
use satuatap_domain::validate::Checker;
use satuatap_domain::{FieldError, Invalid};
use satuatap_store::mpps::MppFilter;
use satuatap_store::{Holiday, MppData, MppRow};
use serde::Deserialize;

use crate::input::{Loose, loose};
use crate::{Actor, App, Error, Result, audit};

/// An MPP as submitted by a form or the API. Hours are per weekday text
/// (`07:30-16:00`, `07:30-12:00, 13:00-16:00`, or empty for closed).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MppInput {
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(default)]
    pub regency_code: String,
    #[serde(default)]
    pub district_code: Option<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<f64>)]
    pub latitude: Loose<f64>,
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<f64>)]
    pub longitude: Loose<f64>,
    #[serde(default)]
    pub hours_mon: Option<String>,
    #[serde(default)]
    pub hours_tue: Option<String>,
    #[serde(default)]
    pub hours_wed: Option<String>,
    #[serde(default)]
    pub hours_thu: Option<String>,
    #[serde(default)]
    pub hours_fri: Option<String>,
    #[serde(default)]
    pub hours_sat: Option<String>,
    #[serde(default)]
    pub hours_sun: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub opened_on: Option<String>,
}

impl MppInput {
    fn hours_text(&self, key: &str) -> Option<&str> {
        match key {
            "mon" => self.hours_mon.as_deref(),
            "tue" => self.hours_tue.as_deref(),
            "wed" => self.hours_wed.as_deref(),
            "thu" => self.hours_thu.as_deref(),
            "fri" => self.hours_fri.as_deref(),
            "sat" => self.hours_sat.as_deref(),
            "sun" => self.hours_sun.as_deref(),
            _ => None,
        }
    }

    /// The input that reproduces a stored MPP (to prefill an edit form).
    pub fn from_row(m: &MppRow) -> MppInput {
        let h = &m.hours.0;
        let day = |i: usize| Some(OpeningHours::format_day(h.day(WEEKDAYS[i])));
        MppInput {
            slug: Some(m.slug.clone()),
            name: m.name.clone(),
            nickname: m.nickname.clone(),
            regency_code: m.regency_code.clone(),
            district_code: m.district_code.clone(),
            address: m.address.clone(),
            latitude: m.latitude.map(Ok),
            longitude: m.longitude.map(Ok),
            hours_mon: day(0),
            hours_tue: day(1),
            hours_wed: day(2),
            hours_thu: day(3),
            hours_fri: day(4),
            hours_sat: day(5),
            hours_sun: day(6),
            phone: m.phone.clone(),
            email: m.email.clone(),
            website: m.website.clone(),
            status: Some(m.status.0.as_str().to_string()),
            opened_on: m.opened_on.map(|d| d.to_string()),
        }
    }
}

fn coord(c: &mut Checker, field: &str, v: &Loose<f64>, min: f64, max: f64) -> Option<f64> {
    match v {
        None => None,
        Some(Ok(x)) if (min..=max).contains(x) => Some(*x),
        Some(_) => {
            c.push(field, Invalid::OutOfRange { min: min as i64, max: max as i64 });
            None
        }
    }
}

pub(crate) fn parse_date(c: &mut Checker, field: &str, v: Option<&str>) -> Option<NaiveDate> {
    let v = v.map(str::trim).filter(|s| !s.is_empty())?;
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) if (2000..=2100).contains(&d.year()) => Some(d),
        _ => {
            c.push(field, Invalid::Format { hint: "hint-date" });
            None
        }
    }
}

/// What the public sees of an MPP right now.
#[derive(Debug, Clone)]
pub struct MppNow {
    pub status: OpenStatus,
    pub local_now: chrono::NaiveDateTime,
    /// Closures (national and local) today, in the MPP's zone.
    pub today_closures: Vec<Holiday>,
    /// The coming closures within 60 days.
    pub upcoming_closures: Vec<Holiday>,
}

impl App {
    async fn parse_mpp(&self, input: &MppInput) -> Result<MppData> {
        let mut c = Checker::new();
        let name = c.text("name", &input.name, 160);
        let nickname = c.opt_text("nickname", input.nickname.as_deref(), 80);
        let slug = match input.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                if !is_slug(s) {
                    c.push("slug", Invalid::Format { hint: "hint-slug" });
                }
                s.to_string()
            }
            None => slugify(&name).chars().take(80).collect::<String>().trim_end_matches('-').to_string(),
        };
        let address = c.text("address", &input.address, 300);
        let regency_code = input.regency_code.trim().to_string();
        let mut tx = self.store.read().await?;
        let regency = if regency_code.is_empty() {
            c.push("regency_code", Invalid::Required);
            None
        } else {
            let r = tx.regency(&regency_code).await?;
            if r.is_none() {
                c.push("regency_code", Invalid::Unknown);
            }
            r
        };
        let district_code = input.district_code.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        if let Some(d) = &district_code {
            let found = if is_district_code(d) { tx.district(d).await? } else { None };
            match found {
                Some(row) if row.regency_code == regency_code => {}
                Some(_) => c.push("district_code", Invalid::NotAllowed),
                None => c.push("district_code", Invalid::Unknown),
            }
        }
        drop(tx);
        let latitude = coord(&mut c, "latitude", &input.latitude, -11.5, 6.5);
        let longitude = coord(&mut c, "longitude", &input.longitude, 94.0, 141.5);
        let mut hours = OpeningHours::default();
        for d in WEEKDAYS {
            let key = weekday_key(d);
            let field = format!("hours_{key}");
            let text = input.hours_text(key).unwrap_or("");
            if text.chars().count() > 60 {
                c.push(&field, Invalid::TooLong { max: 60 });
                continue;
            }
            match OpeningHours::parse_day(text) {
                Some(r) => hours.set_day(d, r),
                None => c.push(&field, Invalid::Format { hint: "hint-hours" }),
            }
        }
        let phone = c.opt_text("phone", input.phone.as_deref(), 40);
        let email = c.opt_email("email", input.email.as_deref());
        let website = c.opt_url("website", input.website.as_deref());
        let status = match input.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => MppStatus::Planned,
            Some(s) => MppStatus::parse(s).unwrap_or_else(|| {
                c.push("status", Invalid::NotAllowed);
                MppStatus::Planned
            }),
        };
        let opened_on = parse_date(&mut c, "opened_on", input.opened_on.as_deref());
        let time_zone = regency
            .as_ref()
            .and_then(|r| zone_for_province(province_of(&r.code)))
            .unwrap_or(Tz::Asia__Jakarta)
            .name()
            .to_string();
        c.finish(MppData {
            slug,
            name,
            nickname,
            regency_code,
            district_code,
            address,
            latitude,
            longitude,
            time_zone,
            hours,
            phone,
            email,
            website,
            status,
            opened_on,
        })
        .map_err(Error::Invalid)
    }

    fn slug_taken(e: satuatap_store::StoreError) -> Error {
        if e.violates(satuatap_store::Constraint::MppSlug) { Error::field("slug", Invalid::Taken) } else { e.into() }
    }

    /// Register a new MPP location (national admins only).
    pub async fn create_mpp(&self, actor: &Actor, input: &MppInput) -> Result<MppRow> {
        actor.require(actor.is_national())?;
        let data = self.parse_mpp(input).await?;
        let mut tx = self.store.begin().await?;
        let id = tx.insert_mpp(&data, self.now()).await.map_err(Self::slug_taken)?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(id), "mpp", id, "create"),
            None::<&()>,
            Some(&data),
        )
        .await?;
        let row = tx.mpp(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// Update an MPP. Its manager may change everything but where it is in the
    /// registry (regency, slug) and its status, which are the ministry's.
    pub async fn update_mpp(&self, actor: &Actor, id: i64, input: &MppInput) -> Result<MppRow> {
        actor.require(actor.manages_mpp(id))?;
        let data = self.parse_mpp(input).await?;
        let mut tx = self.store.begin().await?;
        let before = tx.mpp(id).await?.ok_or(Error::NotFound)?;
        if !actor.is_national() {
            let mut errs = Vec::new();
            if data.regency_code != before.regency_code {
                errs.push(FieldError::new("regency_code", Invalid::NotAllowed));
            }
            if data.slug != before.slug {
                errs.push(FieldError::new("slug", Invalid::NotAllowed));
            }
            if data.status != before.status.0 {
                errs.push(FieldError::new("status", Invalid::NotAllowed));
            }
            if !errs.is_empty() {
                return Err(Error::Invalid(errs));
            }
        }
        let before_data = MppInput::from_row(&before);
        tx.update_mpp(id, &data, self.now()).await.map_err(Self::slug_taken)?;
        if data.name != before.name || data.regency_code != before.regency_code {
            tx.touch_services(id, None).await?;
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(id), "mpp", id, "update"),
            Some(&mpp_audit(&before_data)),
            Some(&data),
        )
        .await?;
        let row = tx.mpp(id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn mpp(&self, id: i64) -> Result<MppRow> {
        let mut tx = self.store.read().await?;
        tx.mpp(id).await?.ok_or(Error::NotFound)
    }

    pub async fn mpp_by_slug(&self, slug: &str) -> Result<MppRow> {
        let mut tx = self.store.read().await?;
        tx.mpp_by_slug(slug).await?.ok_or(Error::NotFound)
    }

    pub async fn mpps(&self, filter: &MppFilter) -> Result<Vec<MppRow>> {
        let mut tx = self.store.read().await?;
        Ok(tx.mpps(filter).await?)
    }

    /// The MPPs an actor administers: all for national admins, else their own.
    pub async fn managed_mpps(&self, actor: &Actor) -> Result<Vec<MppRow>> {
        if actor.is_national() {
            return self.mpps(&MppFilter::default()).await;
        }
        let id = actor.mpp_id.filter(|_| actor.role.is_staff()).ok_or(Error::Forbidden)?;
        self.mpps(&MppFilter { only_id: Some(id), ..MppFilter::default() }).await
    }

    /// Open now or not, in the MPP's own zone, with today's closures.
    pub async fn mpp_now(&self, mpp: &MppRow, now: DateTime<Utc>) -> Result<MppNow> {
        let tz: Tz = mpp.time_zone.parse().unwrap_or(Tz::Asia__Jakarta);
        let local_now = now.with_timezone(&tz).naive_local();
        let today = local_now.date();
        let mut tx = self.store.read().await?;
        let closures = tx.closures(Some(mpp.id), today, today + Duration::days(60)).await?;
        let closed: HashSet<NaiveDate> = closures.iter().map(|h| h.date).collect();
        let status = status_at(&mpp.hours.0, tz, now, &closed);
        let (today_closures, upcoming_closures) = closures.into_iter().partition(|h| h.date == today);
        Ok(MppNow { status, local_now, today_closures, upcoming_closures })
    }
}

/// The audit view of an MPP's editable fields.
fn mpp_audit(i: &MppInput) -> serde_json::Value {
    serde_json::json!({
        "slug": i.slug, "name": i.name, "nickname": i.nickname, "regency_code": i.regency_code,
        "district_code": i.district_code, "address": i.address,
        "hours": [&i.hours_mon, &i.hours_tue, &i.hours_wed, &i.hours_thu, &i.hours_fri, &i.hours_sat, &i.hours_sun],
        "phone": i.phone, "email": i.email, "website": i.website, "status": i.status, "opened_on": i.opened_on,
    })
}
