//! What the accessibility study reads and a regency sets: registered population
//! (seeded from Dukcapil's figures), per-district population a regency enters,
//! its thresholds, and where booked visitors are registered (counts per MPP,
//! month and district of the NIK).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::{Result, StoreError, Tx, on_conn};

const REGENCY_POPULATION: &str = include_str!("../registry/population/regencies-population.csv");
const PROVINCE_POPULATION: &str = include_str!("../registry/population/provinces-population.csv");
pub const POPULATION_SOURCE: &str = "Dukcapil Kemendagri, semester II 2024";

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PopulationRow {
    pub code: String,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AccessSettingsRow {
    pub regency_code: String,
    pub radius_km: f64,
    pub minutes: i64,
    pub detour: f64,
    pub speed_kmh: f64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DistrictPopulationRow {
    pub district_code: String,
    pub population: i64,
    pub year: Option<i64>,
    pub source: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OriginRow {
    pub district_code: String,
    pub visitors: i64,
}

impl Tx {
    /// Load the registered population once (a database that has it is left alone).
    pub(crate) async fn seed_population(&mut self) -> Result<()> {
        let have: i64 =
            on_conn!(self, |c| sqlx::query_scalar("SELECT COUNT(*) FROM regency_population").fetch_one(c).await)?;
        if have > 0 {
            return Ok(());
        }
        for (text, table, key) in [
            (REGENCY_POPULATION, "regency_population", "regency_code"),
            (PROVINCE_POPULATION, "province_population", "province_code"),
        ] {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            for r in reader.records() {
                let r = r.map_err(|e| StoreError::Corrupt(format!("population CSV: {e}")))?;
                let num = |i: usize| -> Result<i64> {
                    r[i].parse().map_err(|_| StoreError::Corrupt(format!("population CSV: {} column {i}", &r[0])))
                };
                let sql = sqlx::AssertSqlSafe(format!(
                    "INSERT INTO {table} ({key}, male, female, total, source) VALUES ($1, $2, $3, $4, $5)"
                ));
                let (male, female, total) = (num(2)?, num(3)?, num(4)?);
                on_conn!(self, |c| sqlx::query(sql)
                    .bind(r[0].to_string())
                    .bind(male)
                    .bind(female)
                    .bind(total)
                    .bind(POPULATION_SOURCE)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))?;
            }
        }
        Ok(())
    }

    pub async fn regency_populations(&mut self) -> Result<Vec<PopulationRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT regency_code AS code, total FROM regency_population ORDER BY regency_code"
        )
        .fetch_all(c)
        .await)?)
    }

    pub async fn province_populations(&mut self) -> Result<Vec<PopulationRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT province_code AS code, total FROM province_population ORDER BY province_code"
        )
        .fetch_all(c)
        .await)?)
    }

    pub async fn access_settings(&mut self, regency: &str) -> Result<Option<AccessSettingsRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT regency_code, radius_km, minutes, detour, speed_kmh, updated_at FROM access_settings
             WHERE regency_code = $1"
        )
        .bind(regency)
        .fetch_optional(c)
        .await)?)
    }

    pub async fn all_access_settings(&mut self) -> Result<Vec<AccessSettingsRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT regency_code, radius_km, minutes, detour, speed_kmh, updated_at FROM access_settings"
        )
        .fetch_all(c)
        .await)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn set_access_settings(
        &mut self,
        regency: &str,
        radius_km: f64,
        minutes: i64,
        detour: f64,
        speed_kmh: f64,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO access_settings (regency_code, radius_km, minutes, detour, speed_kmh, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (regency_code) DO UPDATE SET radius_km = $2, minutes = $3, detour = $4, speed_kmh = $5,
                updated_by = $6, updated_at = $7"
        )
        .bind(regency)
        .bind(radius_km)
        .bind(minutes)
        .bind(detour)
        .bind(speed_kmh)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The district figures a regency entered (none: the study estimates them).
    pub async fn district_populations(&mut self, regency: Option<&str>) -> Result<Vec<DistrictPopulationRow>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT district_code, population, year, source, updated_at FROM district_population
             WHERE ($1 IS NULL OR regency_code = $1) ORDER BY district_code"
        )
        .bind(regency)
        .fetch_all(c)
        .await)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn set_district_population(
        &mut self,
        district: &str,
        regency: &str,
        population: i64,
        year: Option<i64>,
        source: Option<&str>,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_conn!(self, |c| {
            sqlx::query(
            "INSERT INTO district_population (district_code, regency_code, population, year, source, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (district_code) DO UPDATE SET population = $3, year = $4, source = $5, updated_by = $6,
                updated_at = $7"
        )
        .bind(district)
        .bind(regency)
        .bind(population)
        .bind(year)
        .bind(source)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Add `n` booked visitors of a month from a district at once (the demo's past).
    pub async fn add_visitor_origins(&mut self, mpp_id: i64, month: NaiveDate, district: &str, n: i64) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO visitor_origins (mpp_id, month, district_code, visitors) VALUES ($1, $2, $3, $4)
             ON CONFLICT (mpp_id, month, district_code) DO UPDATE SET visitors = visitor_origins.visitors + $4"
        )
        .bind(mpp_id)
        .bind(month)
        .bind(district)
        .bind(n)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Count one booked visitor from the district of their NIK, in the booking's transaction.
    pub async fn count_visitor_origin(&mut self, mpp_id: i64, month: NaiveDate, district: &str) -> Result<()> {
        on_conn!(self, |c| sqlx::query(
            "INSERT INTO visitor_origins (mpp_id, month, district_code, visitors) VALUES ($1, $2, $3, 1)
             ON CONFLICT (mpp_id, month, district_code) DO UPDATE SET visitors = visitor_origins.visitors + 1"
        )
        .bind(mpp_id)
        .bind(month)
        .bind(district)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Booked visitors of `mpps` since `from` (a month), per district of registration.
    pub async fn visitor_origins(&mut self, mpps: &[i64], from: NaiveDate) -> Result<Vec<OriginRow>> {
        if mpps.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = mpps.iter().map(i64::to_string).collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT district_code, CAST(SUM(visitors) AS BIGINT) AS visitors FROM visitor_origins
             WHERE mpp_id IN ({}) AND month >= $1 GROUP BY district_code ORDER BY district_code",
            list.join(",")
        ));
        Ok(on_conn!(self, |c| sqlx::query_as(sql).bind(from).fetch_all(c).await)?)
    }
}
