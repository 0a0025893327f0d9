//! The export SP4N-LAPOR! staff ingest (docs/LAPOR_EXPORT.md): every report of
//! an MPP in a period, confidential reporters masked, as JSON or CSV.

use super::*;

/// One record of the SP4N-LAPOR! export (docs/LAPOR_EXPORT.md).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LaporRecord {
    pub nomor: String,
    pub kanal: String,
    pub mpp: String,
    pub kode_wilayah: String,
    pub kategori: String,
    pub judul: String,
    pub isi: String,
    pub tanggal_kejadian: Option<NaiveDate>,
    pub tanggal_laporan: String,
    pub instansi_tujuan: Option<String>,
    pub layanan: Option<String>,
    pub status: String,
    pub status_lapor: String,
    pub anonim: bool,
    pub rahasia: bool,
    pub nama_pelapor: Option<String>,
    pub email_pelapor: Option<String>,
    pub telepon_pelapor: Option<String>,
    pub batas_verifikasi: Option<String>,
    pub batas_tindak_lanjut: Option<String>,
    pub terlambat: bool,
    pub tindak_lanjut_terakhir: Option<String>,
    pub penilaian: Option<i64>,
    pub jumlah_lampiran: i64,
}

/// Column order of the CSV export (the field names of [`LaporRecord`]).
pub const LAPOR_COLUMNS: [&str; 24] = [
    "nomor",
    "kanal",
    "mpp",
    "kode_wilayah",
    "kategori",
    "judul",
    "isi",
    "tanggal_kejadian",
    "tanggal_laporan",
    "instansi_tujuan",
    "layanan",
    "status",
    "status_lapor",
    "anonim",
    "rahasia",
    "nama_pelapor",
    "email_pelapor",
    "telepon_pelapor",
    "batas_verifikasi",
    "batas_tindak_lanjut",
    "terlambat",
    "tindak_lanjut_terakhir",
    "penilaian",
    "jumlah_lampiran",
];

impl App {
    /// Reports of an MPP filed in a date range, in the SP4N-LAPOR! export shape.
    /// Confidential reporters are masked; the export itself is audited.
    pub async fn export_complaints(
        &self,
        actor: &Actor,
        mpp_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<LaporRecord>> {
        actor.require(actor.manages_mpp(mpp_id))?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let m = tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        let tz = mpp_tz(&m);
        let bound = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(tz).earliest()).map(|t| t.with_timezone(&Utc))
        };
        let rows = tx
            .complaints(&ComplaintFilter {
                mpp_id: Some(mpp_id),
                from: from.and_then(bound),
                to: to.map(|d| d + chrono::Duration::days(1)).and_then(bound),
                limit: 100_000,
                ..ComplaintFilter::default()
            })
            .await?;
        let mut answers: std::collections::HashMap<i64, Option<String>> =
            tx.latest_answers(mpp_id).await?.into_iter().collect();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows.into_iter().rev() {
            let last_answer = answers.remove(&row.id).flatten();
            let status = row.status.0;
            let open =
                |s: &Option<String>| -> Result<Option<String>> { s.as_deref().map(|x| self.keys.open(x)).transpose() };
            let (name, email, phone) = if row.confidential {
                (row.reporter_name_masked.clone(), row.email_masked.clone(), row.phone_masked.clone())
            } else {
                (open(&row.reporter_name_sealed)?, open(&row.email_sealed)?, open(&row.phone_sealed)?)
            };
            let fmt = |t: Option<DateTime<Utc>>| t.map(|t| t.with_timezone(&tz).to_rfc3339());
            out.push(LaporRecord {
                nomor: reference(row.id),
                kanal: "MPP (satuatap)".into(),
                mpp: row.mpp_name.clone(),
                kode_wilayah: m.regency_code.clone(),
                kategori: row.kind.0.label().into(),
                judul: row.title.clone(),
                isi: row.body.clone(),
                tanggal_kejadian: row.happened_on,
                tanggal_laporan: row.created_at.with_timezone(&tz).to_rfc3339(),
                instansi_tujuan: row.provider_name.clone(),
                layanan: row.service_name.clone(),
                status: row.status.0.as_str().into(),
                status_lapor: status.lapor().into(),
                anonim: row.anonymous,
                rahasia: row.confidential,
                nama_pelapor: name,
                email_pelapor: email,
                telepon_pelapor: phone,
                batas_verifikasi: fmt(row.verify_due_at),
                batas_tindak_lanjut: fmt(row.answer_due_at),
                terlambat: current_due(&row).is_some_and(|d| d <= now) || row.escalated_at.is_some(),
                tindak_lanjut_terakhir: last_answer,
                penilaian: row.rating,
                jumlah_lampiran: row.attachments,
            });
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(mpp_id), "complaint", "export", "export"),
            None::<&()>,
            Some(&serde_json::json!({"records": out.len(), "from": from, "to": to})),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }
}

/// The CSV of an export, with a header row (see [`crate::csv::Sheet`]).
pub fn lapor_csv(records: &[LaporRecord]) -> String {
    let mut sheet = crate::csv::Sheet::new(&LAPOR_COLUMNS);
    for r in records {
        let v = serde_json::to_value(r).unwrap_or_default();
        sheet.row(LAPOR_COLUMNS.iter().map(|k| match v.get(*k) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }));
    }
    sheet.into_string()
}
