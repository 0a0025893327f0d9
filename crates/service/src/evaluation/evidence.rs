//! Evidence files of a self-assessment: PDFs or images checked by their bytes
//! like complaint attachments (type, size), at most five per indicator, added
//! and removed by the MPP's manager only while the indicator may change, and
//! served only as downloads to those who may read the assessment (audited).

use chrono::{DateTime, Utc};
use satuatap_domain::Invalid;
use satuatap_domain::validate::Checker;
use satuatap_store::evaluation::{EvidenceData, EvidenceMeta, NewEvidence};
use serde::Serialize;

use super::cycle::{AssessmentView, keys_of, to_fix};
use crate::upload::{Upload, check_uploads};
use crate::{Actor, App, Error, Refusal, Result, audit};

/// Files one indicator may carry.
pub const MAX_EVIDENCE_PER_INDICATOR: usize = 5;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvidenceView {
    pub id: i64,
    pub indicator_key: String,
    pub filename: String,
    /// `application/pdf`, `image/jpeg`, `image/png` or `image/webp`, read off the bytes.
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

impl From<EvidenceMeta> for EvidenceView {
    fn from(e: EvidenceMeta) -> Self {
        EvidenceView {
            id: e.id,
            indicator_key: e.indicator_key,
            filename: e.filename,
            content_type: e.content_type,
            size: e.size,
            created_at: e.created_at,
        }
    }
}

impl App {
    /// Attach files to one indicator (the MPP's manager, while it may change).
    pub async fn add_evidence(&self, actor: &Actor, id: i64, key: &str, uploads: &[Upload]) -> Result<AssessmentView> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let a = Self::managers_assessment(&mut tx, actor, id).await?;
        let aspects = self.instrument_of(&mut tx, &a).await?;
        let mut c = Checker::new();
        if !keys_of(&aspects).iter().any(|k| k == key) {
            c.push("indicator_key", Invalid::Unknown);
        } else if a.status == "returned" && !to_fix(&a).iter().any(|k| k == key) {
            c.push("indicator_key", Invalid::NotAllowed);
        }
        let held = tx.evidence_of(id).await?.iter().filter(|e| e.indicator_key == key).count();
        let room = MAX_EVIDENCE_PER_INDICATOR.saturating_sub(held);
        if uploads.iter().all(|u| u.data.is_empty()) {
            c.push("files", Invalid::Required);
        }
        let files = check_uploads(&mut c, "files", uploads, room, "bukti");
        c.finish(()).map_err(Error::Invalid)?;
        if !tx.touch_assessment(id, &["draft", "returned"], now).await? {
            return Err(Error::refused(Refusal::AssessmentState));
        }
        let mut names = Vec::new();
        for ((name, ctype, sha), u) in files.iter().zip(uploads.iter().filter(|u| !u.data.is_empty())) {
            let e = NewEvidence {
                assessment_id: id,
                indicator_key: key,
                filename: name,
                content_type: ctype,
                sha256: sha,
                data: &u.data,
                by: actor.audit_id(),
            };
            let eid = tx.insert_evidence(&e, now).await?;
            names.push(serde_json::json!({"id": eid, "filename": name, "sha256": sha}));
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(a.mpp_id), "eval_assessment", id, "evidence_add"),
            None::<&()>,
            Some(&serde_json::json!({"indicator": key, "files": names})),
        )
        .await?;
        tx.commit().await?;
        self.assessment(actor, id).await
    }

    /// Remove a file (the MPP's manager, while its indicator may change).
    pub async fn remove_evidence(&self, actor: &Actor, id: i64, evidence_id: i64) -> Result<AssessmentView> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let a = Self::managers_assessment(&mut tx, actor, id).await?;
        let e = tx.evidence(evidence_id).await?.filter(|e| e.assessment_id == id).ok_or(Error::NotFound)?;
        if a.status == "returned" && !to_fix(&a).contains(&e.indicator_key) {
            return Err(Error::field("indicator_key", Invalid::NotAllowed));
        }
        if !tx.touch_assessment(id, &["draft", "returned"], now).await? {
            return Err(Error::refused(Refusal::AssessmentState));
        }
        tx.delete_evidence(evidence_id, id).await?;
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(a.mpp_id), "eval_assessment", id, "evidence_remove"),
            Some(&serde_json::json!({"id": e.id, "indicator": e.indicator_key, "filename": e.filename})),
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        self.assessment(actor, id).await
    }

    /// A file for those who may read its assessment; each download is audited.
    pub async fn evidence_file(&self, actor: &Actor, evidence_id: i64) -> Result<EvidenceData> {
        let mut tx = self.store.begin().await?;
        let e = tx.evidence(evidence_id).await?.ok_or(Error::NotFound)?;
        let a = tx.assessment(e.assessment_id).await?.ok_or(Error::NotFound)?;
        if !Self::may_read(actor, &a) {
            return Err(Error::NotFound);
        }
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(a.mpp_id), "eval_evidence", e.id, "view"),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(e)
    }
}
