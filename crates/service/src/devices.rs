//! Devices an MPP runs unattended: registered by its manager, paired once by
//! a one-time code typed on the device, identified afterwards by a credential
//! only the device holds (the database keeps hashes of both). Check-in and
//! kiosk tickets need a paired kiosk of that MPP.

use chrono::{DateTime, Utc};
use satuatap_domain::Invalid;
use satuatap_domain::booking::{booking_code, normalize_code};
use satuatap_domain::device::{CREDENTIAL_PREFIX, DeviceKind, PAIRING_VALID, SEEN_EVERY};
use satuatap_domain::validate::Checker;
use satuatap_store::devices::{DeviceRow, NewDevice};
use serde::{Deserialize, Serialize};

use crate::crypto::{random_token, token_hash};
use crate::input::{Loose, loose};
use crate::{Actor, App, Error, Refusal, Result, audit};

/// A paired device acting on a request.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub mpp_id: i64,
    pub kind: DeviceKind,
    pub name: String,
    pub counter_id: Option<i64>,
    pub zone: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DeviceInput {
    #[serde(default)]
    pub name: String,
    /// `kiosk`, `board` or `tablet`.
    #[serde(default)]
    pub kind: String,
    /// The counter a survey tablet stands at (tablets only).
    #[serde(default, deserialize_with = "loose")]
    #[schema(value_type = Option<i64>)]
    pub counter_id: Loose<i64>,
    /// The zone a board shows, e.g. `Lantai 3, Zona B` (boards only; all zones when empty).
    #[serde(default)]
    pub zone: Option<String>,
}

/// Where a device stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    /// Registered; its pairing code has not been typed in yet.
    AwaitingPairing,
    /// The pairing code expired unused: make a new one.
    PairingExpired,
    Paired,
    Revoked,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeviceView {
    pub id: i64,
    pub mpp_id: i64,
    pub kind: DeviceKind,
    pub name: String,
    pub counter_id: Option<i64>,
    pub counter_code: Option<String>,
    pub zone: Option<String>,
    pub state: DeviceState,
    pub pairing_expires_at: Option<DateTime<Utc>>,
    pub paired_at: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub last_ip: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl DeviceView {
    fn of(d: &DeviceRow, now: DateTime<Utc>) -> DeviceView {
        let state = if d.revoked_at.is_some() {
            DeviceState::Revoked
        } else if d.paired_at.is_some() {
            DeviceState::Paired
        } else if d.pairing_expires_at.is_some_and(|e| e > now) {
            DeviceState::AwaitingPairing
        } else {
            DeviceState::PairingExpired
        };
        DeviceView {
            id: d.id,
            mpp_id: d.mpp_id,
            kind: d.kind.0,
            name: d.name.clone(),
            counter_id: d.counter_id,
            counter_code: d.counter_code.clone(),
            zone: d.zone.clone(),
            state,
            pairing_expires_at: d.pairing_expires_at,
            paired_at: d.paired_at,
            last_seen_at: d.last_seen_at,
            last_ip: d.last_ip.clone(),
            revoked_at: d.revoked_at,
            created_at: d.created_at,
        }
    }
}

/// A device with a fresh pairing code: show the code once, type it on the device.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NewPairing {
    pub device: DeviceView,
    /// `XXXX-XXXX`, valid for 24 hours, usable once.
    pub pairing_code: String,
    pub expires_at: DateTime<Utc>,
}

/// A device just paired: keep `credential` on the device (it is not shown again).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Paired {
    pub device: DeviceView,
    /// Send as `X-Device-Token` (pages keep it in a cookie).
    pub credential: String,
    /// The page this device should show, e.g. `/mpp/kota-bogor/kiosk`.
    pub page: String,
}

impl App {
    fn new_pairing_code() -> Result<(String, String)> {
        let mut random = [0u8; 5];
        getrandom::fill(&mut random).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
        let code = booking_code(&random);
        let hash = token_hash(&format!("pair:{code}"));
        Ok((code, hash))
    }

    /// Register a device of an MPP and make its pairing code (the MPP's manager).
    pub async fn register_device(&self, actor: &Actor, mpp_id: i64, input: &DeviceInput) -> Result<NewPairing> {
        actor.require(actor.manages_mpp(mpp_id))?;
        let mut c = Checker::new();
        let name = c.text("name", &input.name, 80);
        let kind = match DeviceKind::parse(input.kind.trim()) {
            Some(k) => Some(k),
            None => {
                c.push("kind", if input.kind.trim().is_empty() { Invalid::Required } else { Invalid::NotAllowed });
                None
            }
        };
        let counter_id = match &input.counter_id {
            None => None,
            Some(Ok(id)) => Some(*id),
            Some(Err(_)) => {
                c.push("counter_id", Invalid::Format { hint: "hint-number" });
                None
            }
        };
        let zone = c.opt_text("zone", input.zone.as_deref(), 80);
        if kind == Some(DeviceKind::Tablet) && counter_id.is_none() && !c.has("counter_id") {
            c.push("counter_id", Invalid::Required);
        }
        let mut tx = self.store.begin().await?;
        tx.mpp(mpp_id).await?.ok_or(Error::NotFound)?;
        if let Some(id) = counter_id
            && tx.counter(id).await?.is_none_or(|k| k.mpp_id != mpp_id)
        {
            c.push("counter_id", Invalid::Unknown);
        }
        let kind = c.finish(kind).map_err(Error::Invalid)?.ok_or_else(|| Error::field("kind", Invalid::Required))?;
        let (code, hash) = Self::new_pairing_code()?;
        let now = self.now();
        let expires_at = now + PAIRING_VALID;
        let new = NewDevice {
            mpp_id,
            kind,
            name,
            counter_id: counter_id.filter(|_| kind == DeviceKind::Tablet),
            zone: zone.filter(|_| kind == DeviceKind::Board),
            pairing_hash: hash,
            pairing_expires_at: expires_at,
            created_by: actor.audit_id(),
        };
        let id = tx.insert_device(&new, now).await?;
        let row = tx.device(id).await?.ok_or(Error::NotFound)?;
        let view = DeviceView::of(&row, now);
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(mpp_id), "device", id, "create"),
            None::<&()>,
            Some(&view),
        )
        .await?;
        tx.commit().await?;
        Ok(NewPairing { device: view, pairing_code: code, expires_at })
    }

    /// An MPP's devices (its manager).
    pub async fn devices(&self, actor: &Actor, mpp_id: i64) -> Result<Vec<DeviceView>> {
        actor.require(actor.manages_mpp(mpp_id))?;
        let mut tx = self.store.read().await?;
        let now = self.now();
        Ok(tx.devices(mpp_id).await?.iter().map(|d| DeviceView::of(d, now)).collect())
    }

    async fn managed_device(&self, actor: &Actor, id: i64) -> Result<DeviceRow> {
        let mut tx = self.store.read().await?;
        let d = tx.device(id).await?.ok_or(Error::NotFound)?;
        if !actor.is_staff_of(d.mpp_id) {
            return Err(Error::NotFound);
        }
        actor.require(actor.manages_mpp(d.mpp_id))?;
        Ok(d)
    }

    /// A new pairing code for a device (a replaced screen); the old credential stops working.
    pub async fn repair_device(&self, actor: &Actor, id: i64) -> Result<NewPairing> {
        let d = self.managed_device(actor, id).await?;
        let (code, hash) = Self::new_pairing_code()?;
        let now = self.now();
        let expires_at = now + PAIRING_VALID;
        let mut tx = self.store.begin().await?;
        if !tx.reset_device_pairing(id, &hash, expires_at).await? {
            return Err(Error::NotFound);
        }
        let row = tx.device(id).await?.ok_or(Error::NotFound)?;
        let view = DeviceView::of(&row, now);
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(d.mpp_id), "device", id, "repair"),
            Some(&DeviceView::of(&d, now)),
            Some(&view),
        )
        .await?;
        tx.commit().await?;
        Ok(NewPairing { device: view, pairing_code: code, expires_at })
    }

    /// Stop a device for good (lost, stolen, retired).
    pub async fn revoke_device(&self, actor: &Actor, id: i64) -> Result<DeviceView> {
        let d = self.managed_device(actor, id).await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.revoke_device(id, now).await?;
        let row = tx.device(id).await?.ok_or(Error::NotFound)?;
        let view = DeviceView::of(&row, now);
        audit::record(
            &mut tx,
            self,
            actor,
            audit::Change::new(Some(d.mpp_id), "device", id, "revoke"),
            Some(&DeviceView::of(&d, now)),
            Some(&view),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Exchange a pairing code typed on the device for its credential.
    pub async fn pair_device(&self, code: &str, ip: Option<&str>) -> Result<Paired> {
        let code = normalize_code(code);
        let hash = token_hash(&format!("pair:{code}"));
        let credential = format!("{CREDENTIAL_PREFIX}{}", random_token(32)?);
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let Some(id) = tx.pair_device(&hash, &token_hash(&credential), ip, now).await? else {
            return Err(Error::refused(Refusal::PairingInvalid));
        };
        let row = tx.device(id).await?.ok_or(Error::NotFound)?;
        let view = DeviceView::of(&row, now);
        let mut actor = Actor::system();
        actor.email = format!("device:{id}");
        actor.ip = ip.map(str::to_string);
        audit::record(
            &mut tx,
            self,
            &actor,
            audit::Change::new(Some(row.mpp_id), "device", id, "pair"),
            None::<&()>,
            Some(&view),
        )
        .await?;
        let slug = tx.mpp(row.mpp_id).await?.map(|m| m.slug).unwrap_or_default();
        tx.commit().await?;
        let page = match (row.kind.0, row.counter_id) {
            (DeviceKind::Kiosk, _) => format!("/mpp/{slug}/kiosk"),
            (DeviceKind::Board, _) => format!("/mpp/{slug}/papan"),
            (DeviceKind::Tablet, Some(counter)) => format!("/konsol/{counter}/survei"),
            (DeviceKind::Tablet, None) => format!("/mpp/{slug}"),
        };
        Ok(Paired { device: view, credential, page })
    }

    /// The device a credential belongs to, if it is paired and not revoked.
    /// Records when it was last seen (at most once a minute).
    pub async fn device_by_credential(&self, credential: &str, ip: Option<&str>) -> Result<Option<Device>> {
        if !credential.starts_with(CREDENTIAL_PREFIX) {
            return Ok(None);
        }
        let hash = token_hash(credential);
        let row = {
            let mut tx = self.store.read().await?;
            tx.device_by_credential(&hash).await?
        };
        let Some(row) = row else { return Ok(None) };
        let now = self.now();
        if row.last_seen_at.is_none_or(|at| now - at >= SEEN_EVERY) {
            let mut tx = self.store.begin().await?;
            tx.touch_device(row.id, ip, now).await?;
            tx.commit().await?;
        }
        Ok(Some(Device {
            id: row.id,
            mpp_id: row.mpp_id,
            kind: row.kind.0,
            name: row.name,
            counter_id: row.counter_id,
            zone: row.zone,
        }))
    }
}

/// Check-in and kiosk tickets: a paired kiosk of this MPP, or its staff at a desk.
pub fn require_kiosk(device: Option<&Device>, actor: Option<&Actor>, mpp_id: i64) -> Result<()> {
    let kiosk = device.is_some_and(|d| d.kind == DeviceKind::Kiosk && d.mpp_id == mpp_id);
    let staff = actor.is_some_and(|a| a.is_staff_of(mpp_id));
    if kiosk || staff { Ok(()) } else { Err(Error::refused(Refusal::DeviceRequired)) }
}
