//! Secrets: random tokens, keyed hashes, password hashing.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

type HmacSha256 = Hmac<Sha256>;

/// Keys derived from the installation's master secret. Several nodes sharing a
/// database must share the secret (`SATUATAP_SECRET_KEY`).
#[derive(Clone)]
pub struct Keys {
    csrf: [u8; 32],
    /// Encrypts personal data at rest (NIK, phone, e-mail, names of bookings).
    seal: [u8; 32],
    /// Keyed hashes for matching personal data without decrypting it.
    blind: [u8; 32],
}

impl Keys {
    /// From a master secret of at least 32 bytes.
    pub fn from_secret(secret: &[u8]) -> Keys {
        Keys {
            csrf: derive(secret, b"satuatap csrf v1"),
            seal: derive(secret, b"satuatap pii seal v1"),
            blind: derive(secret, b"satuatap pii blind index v1"),
        }
    }

    /// Encrypt personal data: `v1:` + base64url(nonce ‖ ciphertext), XChaCha20-Poly1305.
    pub fn seal(&self, plain: &str) -> Result<String> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let cipher = chacha20poly1305::XChaCha20Poly1305::new_from_slice(&self.seal)
            .map_err(|_| Error::Internal("seal key".into()))?;
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
        let sealed = cipher
            .encrypt(&chacha20poly1305::XNonce::from(nonce), plain.as_bytes())
            .map_err(|_| Error::Internal("sealing failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("v1:{}", URL_SAFE_NO_PAD.encode(out)))
    }

    /// Decrypt what [`Keys::seal`] produced.
    pub fn open(&self, sealed: &str) -> Result<String> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let bad = || Error::Internal("sealed value unreadable".into());
        let raw = URL_SAFE_NO_PAD.decode(sealed.strip_prefix("v1:").ok_or_else(bad)?).map_err(|_| bad())?;
        if raw.len() < 24 {
            return Err(bad());
        }
        let (nonce, body) = raw.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().map_err(|_| bad())?;
        let cipher = chacha20poly1305::XChaCha20Poly1305::new_from_slice(&self.seal).map_err(|_| bad())?;
        let plain = cipher.decrypt(&chacha20poly1305::XNonce::from(nonce), body).map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }

    /// A keyed hash to find records by a personal value (`kind` separates uses).
    pub fn blind_index(&self, kind: &str, value: &str) -> String {
        mac(&self.blind, format!("{kind}:{value}").as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A fresh random master secret, base64url text (for a new data directory).
    pub fn generate_secret() -> Result<String> {
        random_token(48)
    }

    /// The CSRF token bound to a session (or anonymous visitor) id.
    pub fn csrf_token(&self, bound_to: &str) -> String {
        URL_SAFE_NO_PAD.encode(mac(&self.csrf, bound_to.as_bytes()))
    }

    pub fn csrf_valid(&self, bound_to: &str, token: &str) -> bool {
        let Ok(given) = URL_SAFE_NO_PAD.decode(token.trim()) else {
            return false;
        };
        let Ok(mut m) = HmacSha256::new_from_slice(&self.csrf) else {
            return false;
        };
        m.update(bound_to.as_bytes());
        m.verify_slice(&given).is_ok()
    }
}

fn derive(secret: &[u8], label: &[u8]) -> [u8; 32] {
    mac(secret, label)
}

fn mac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

/// `n` random bytes as base64url text.
pub fn random_token(n: usize) -> Result<String> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// What the database keeps of a session id or API token: its SHA-256, so a
/// leaked database does not hand out live credentials.
pub fn token_hash(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes), off the async threads.
pub async fn hash_password(password: &str) -> Result<String> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(format!("hashing failed: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
}

pub async fn verify_password(password: &str, hash: &str) -> bool {
    let (pw, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| Argon2::default().verify_password(pw.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_are_bound() {
        let k = Keys::from_secret(b"0123456789abcdef0123456789abcdef");
        let t = k.csrf_token("session-a");
        assert!(k.csrf_valid("session-a", &t));
        assert!(!k.csrf_valid("session-b", &t));
        assert!(!k.csrf_valid("session-a", "garbage!"));
        let other = Keys::from_secret(b"another secret of enough length!!");
        assert!(!other.csrf_valid("session-a", &t));
    }

    #[test]
    fn personal_data_is_sealed_and_matched_by_keyed_hash() {
        let k = Keys::from_secret(b"0123456789abcdef0123456789abcdef");
        let a = k.seal("3271051205850001").unwrap();
        let b = k.seal("3271051205850001").unwrap();
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("3271"));
        assert_eq!(k.open(&a).unwrap(), "3271051205850001");
        let other = Keys::from_secret(b"another secret of enough length!!");
        assert!(other.open(&a).is_err());
        let mut tampered = a.clone();
        tampered.pop();
        tampered.push(if a.ends_with('A') { 'B' } else { 'A' });
        assert!(k.open(&tampered).is_err());
        assert_eq!(k.blind_index("nik", "3271051205850001"), k.blind_index("nik", "3271051205850001"));
        assert_ne!(k.blind_index("nik", "3271051205850001"), k.blind_index("phone", "3271051205850001"));
        assert_ne!(k.blind_index("nik", "3271051205850001"), other.blind_index("nik", "3271051205850001"));
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_token(32).unwrap();
        let b = random_token(32).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash("x"), token_hash("x"));
        assert_eq!(token_hash("x").len(), 64);
    }

    #[tokio::test]
    async fn passwords_verify() {
        let h = hash_password("rahasia-sekali").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("rahasia-sekali", &h).await);
        assert!(!verify_password("salah", &h).await);
        assert!(!verify_password("x", "not a hash").await);
    }
}
