//! Reads of the national registry and of MPP coverage across it.

use satuatap_store::{District, Province, ProvinceCoverage, Regency, RegencyCoverage};

use crate::{App, Error, Result};

impl App {
    pub async fn provinces(&self) -> Result<Vec<Province>> {
        Ok(self.store.read().await?.provinces().await?)
    }

    pub async fn province(&self, code: &str) -> Result<Province> {
        self.store.read().await?.province(code).await?.ok_or(Error::NotFound)
    }

    pub async fn regency(&self, code: &str) -> Result<Regency> {
        self.store.read().await?.regency(code).await?.ok_or(Error::NotFound)
    }

    pub async fn regencies(&self, province_code: Option<&str>) -> Result<Vec<Regency>> {
        Ok(self.store.read().await?.regencies(province_code).await?)
    }

    pub async fn districts(&self, regency_code: &str) -> Result<Vec<District>> {
        Ok(self.store.read().await?.districts(regency_code).await?)
    }

    pub async fn province_coverage(&self) -> Result<Vec<ProvinceCoverage>> {
        Ok(self.store.read().await?.province_coverage().await?)
    }

    pub async fn regency_coverage(&self, province_code: Option<&str>) -> Result<Vec<RegencyCoverage>> {
        Ok(self.store.read().await?.regency_coverage(province_code).await?)
    }
}
