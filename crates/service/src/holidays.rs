//! The holiday calendar: national holidays and cuti bersama (national admins)
//! and closures of one MPP (its manager). Deadlines and "open now" read it.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use satuatap_domain::Invalid;
use satuatap_domain::validate::Checker;
use satuatap_domain::workdays::add_working_days;
use satuatap_store::Holiday;
use serde::Deserialize;

use crate::mpps::parse_date;
use crate::{Actor, App, Error, Result, audit};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HolidayInput {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    /// `national` or `cuti_bersama` for the national list; ignored for an MPP's own.
    #[serde(default)]
    pub kind: Option<String>,
}

impl App {
    /// Holidays of one scope and year: national (`None`) or one MPP's own.
    pub async fn holidays(&self, mpp_id: Option<i64>, year: i32) -> Result<Vec<Holiday>> {
        let mut tx = self.store.read().await?;
        Ok(tx.holidays_of(mpp_id, year).await?)
    }

    /// Add a holiday: national ones by national admins, an MPP's own by its manager.
    pub async fn add_holiday(&self, actor: &Actor, mpp_id: Option<i64>, input: &HolidayInput) -> Result<Holiday> {
        match mpp_id {
            None => actor.require(actor.is_national())?,
            Some(m) => actor.require(actor.manages_mpp(m))?,
        }
        let mut c = Checker::new();
        let date = parse_date(&mut c, "date", Some(&input.date));
        if date.is_none() && !c.has("date") {
            c.push("date", Invalid::Required);
        }
        let name = c.text("name", &input.name, 160);
        let name_en = c.opt_text("name_en", input.name_en.as_deref(), 160);
        let kind = match mpp_id {
            Some(_) => "local",
            None => match input.kind.as_deref().map(str::trim).unwrap_or("national") {
                "" | "national" => "national",
                "cuti_bersama" => "cuti_bersama",
                _ => {
                    c.push("kind", Invalid::NotAllowed);
                    "national"
                }
            },
        };
        let date = c.finish(date).map_err(Error::Invalid)?.ok_or_else(|| Error::field("date", Invalid::Required))?;
        let mut tx = self.store.begin().await?;
        if let Some(m) = mpp_id {
            tx.mpp(m).await?.ok_or(Error::NotFound)?;
        }
        let id = tx.insert_holiday(mpp_id, date, &name, name_en.as_deref(), kind, self.now()).await.map_err(|e| {
            if e.violates(satuatap_store::Constraint::HolidayDate) {
                Error::field("date", Invalid::Taken)
            } else {
                e.into()
            }
        })?;
        let row = tx.holiday(id).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(mpp_id, "holiday", id, "create"),
            None::<&()>,
            Some(&row),
        )
        .await?;
        self.recount_complaint_deadlines(&mut tx, mpp_id).await?;
        self.recount_application_deadlines(&mut tx, mpp_id).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn delete_holiday(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let h = tx.holiday(id).await?.ok_or(Error::NotFound)?;
        match h.mpp_id {
            None => actor.require(actor.is_national())?,
            Some(m) => actor.require(actor.manages_mpp(m))?,
        }
        tx.delete_holiday(id).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(h.mpp_id, "holiday", id, "delete"),
            Some(&h),
            None::<&()>,
        )
        .await?;
        self.recount_complaint_deadlines(&mut tx, h.mpp_id).await?;
        self.recount_application_deadlines(&mut tx, h.mpp_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The date `n` working days after `start` for an MPP: skips weekends,
    /// national holidays, cuti bersama and the MPP's own closures.
    pub async fn add_working_days(&self, mpp_id: i64, start: NaiveDate, n: u32) -> Result<NaiveDate> {
        let mut tx = self.store.read().await?;
        // Enough calendar for n working days even across long holiday seasons.
        let horizon = start + chrono::Duration::days(i64::from(n) * 3 + 30);
        let closed: HashSet<NaiveDate> =
            tx.closures(Some(mpp_id), start, horizon).await?.into_iter().map(|h| h.date).collect();
        let d = add_working_days(start, n, &closed);
        debug_assert!(d.year() >= start.year());
        Ok(d)
    }
}
