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
}

impl Keys {
    /// From a master secret of at least 32 bytes.
    pub fn from_secret(secret: &[u8]) -> Keys {
        Keys { csrf: derive(secret, b"satuatap csrf v1") }
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
