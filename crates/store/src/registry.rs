//! The national registry of provinces, regencies/cities and districts
//! (Kemendagri codes; data from idn-area-data under the ODbL, see registry/wilayah).

use crate::model::{District, Province, ProvinceCoverage, Regency, RegencyCoverage};
use crate::{Result, StoreError, Tx, on_conn};

const PROVINCES: &str = include_str!("../registry/wilayah/provinces.csv");
const REGENCIES: &str = include_str!("../registry/wilayah/regencies.csv");
const DISTRICTS: &str = include_str!("../registry/wilayah/districts.csv");
const HOLIDAYS: &str = include_str!("../registry/holidays/national.csv");

/// District inside points and areas; regency and district shapes (MIT, see registry/geo).
/// Read once by `service::atlas`, never per request.
pub const GEO_DISTRICT_POINTS: &str = include_str!("../registry/geo/districts-geo.csv");
pub const GEO_REGENCIES: &str = include_str!("../registry/geo/regencies.geojson");
pub const GEO_DISTRICTS: &str = include_str!("../registry/geo/districts.geojson");

fn rows(csv_text: &str) -> Result<Vec<csv::StringRecord>> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Corrupt(format!("registry CSV: {e}")))
}

impl Tx {
    /// Load the registry once; a database that has it already is left alone.
    pub(crate) async fn seed_registry(&mut self) -> Result<()> {
        let have: i64 = on_conn!(self, |c| sqlx::query_scalar("SELECT COUNT(*) FROM provinces").fetch_one(c).await)?;
        if have > 0 {
            return Ok(());
        }
        for r in rows(PROVINCES)? {
            on_conn!(self, |c| sqlx::query("INSERT INTO provinces (code, name) VALUES ($1, $2)")
                .bind(&r[0])
                .bind(&r[1])
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        for r in rows(REGENCIES)? {
            on_conn!(self, |c| sqlx::query("INSERT INTO regencies (code, province_code, name) VALUES ($1, $2, $3)")
                .bind(&r[0])
                .bind(&r[1])
                .bind(&r[2])
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        // Districts in batches: one round trip per 500 rows.
        let districts = rows(DISTRICTS)?;
        for chunk in districts.chunks(500) {
            let mut sql = String::from("INSERT INTO districts (code, regency_code, name) VALUES ");
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3));
            }
            on_conn!(self, |c| {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for r in chunk {
                    q = q.bind(r[0].to_string()).bind(r[1].to_string()).bind(r[2].to_string());
                }
                q.execute(c).await.map(|r| r.rows_affected())
            })?;
        }
        // The national holiday calendar starts from the seed; administrators keep it after.
        let now = chrono::Utc::now();
        for r in rows(HOLIDAYS)? {
            let date = chrono::NaiveDate::parse_from_str(&r[0], "%Y-%m-%d")
                .map_err(|e| StoreError::Corrupt(format!("holiday seed {}: {e}", &r[0])))?;
            self.insert_holiday(None, date, &r[2], Some(&r[3]), &r[1], now).await?;
        }
        Ok(())
    }

    pub async fn provinces(&mut self) -> Result<Vec<Province>> {
        Ok(on_conn!(self, |c| sqlx::query_as("SELECT code, name FROM provinces ORDER BY code").fetch_all(c).await)?)
    }

    pub async fn province(&mut self, code: &str) -> Result<Option<Province>> {
        Ok(on_conn!(self, |c| sqlx::query_as("SELECT code, name FROM provinces WHERE code = $1")
            .bind(code)
            .fetch_optional(c)
            .await)?)
    }

    pub async fn regency(&mut self, code: &str) -> Result<Option<Regency>> {
        Ok(on_conn!(self, |c| sqlx::query_as("SELECT code, province_code, name FROM regencies WHERE code = $1")
            .bind(code)
            .fetch_optional(c)
            .await)?)
    }

    pub async fn regencies(&mut self, province_code: Option<&str>) -> Result<Vec<Regency>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT code, province_code, name FROM regencies WHERE ($1 IS NULL OR province_code = $1) ORDER BY code"
        )
        .bind(province_code)
        .fetch_all(c)
        .await)?)
    }

    pub async fn district(&mut self, code: &str) -> Result<Option<District>> {
        Ok(on_conn!(self, |c| sqlx::query_as("SELECT code, regency_code, name FROM districts WHERE code = $1")
            .bind(code)
            .fetch_optional(c)
            .await)?)
    }

    pub async fn districts(&mut self, regency_code: &str) -> Result<Vec<District>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT code, regency_code, name FROM districts WHERE regency_code = $1 ORDER BY code"
        )
        .bind(regency_code)
        .fetch_all(c)
        .await)?)
    }

    /// Every province with how many of its regencies have an operating MPP.
    pub async fn province_coverage(&mut self) -> Result<Vec<ProvinceCoverage>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT p.code, p.name,
                    (SELECT COUNT(*) FROM regencies r WHERE r.province_code = p.code) AS regencies,
                    (SELECT COUNT(DISTINCT m.regency_code) FROM mpps m JOIN regencies r ON r.code = m.regency_code
                      WHERE r.province_code = p.code AND m.status = 'operating') AS regencies_with_mpp,
                    (SELECT COUNT(*) FROM mpps m JOIN regencies r ON r.code = m.regency_code
                      WHERE r.province_code = p.code AND m.status = 'operating') AS mpps_operating
             FROM provinces p ORDER BY p.code"
        )
        .fetch_all(c)
        .await)?)
    }

    /// Regencies (of one province, or all) with their operating and planned MPP counts.
    pub async fn regency_coverage(&mut self, province_code: Option<&str>) -> Result<Vec<RegencyCoverage>> {
        Ok(on_conn!(self, |c| sqlx::query_as(
            "SELECT r.code, r.province_code, r.name,
                    (SELECT COUNT(*) FROM mpps m WHERE m.regency_code = r.code AND m.status = 'operating') AS operating,
                    (SELECT COUNT(*) FROM mpps m WHERE m.regency_code = r.code AND m.status = 'planned') AS planned
             FROM regencies r WHERE ($1 IS NULL OR r.province_code = $1) ORDER BY r.code"
        )
        .bind(province_code)
        .fetch_all(c)
        .await)?)
    }
}
