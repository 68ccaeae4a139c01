//! API token secrets: random, shown once, stored only as a hash.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Every secret starts with this, so leaked tokens are easy to recognise (and to scan for).
pub const SECRET_PREFIX: &str = "cchc_";
/// How many leading characters of the secret are kept in clear to tell tokens apart.
const DISPLAY_PREFIX_LEN: usize = 12;

#[derive(Debug)]
pub struct NewSecret {
    pub secret: String,
    pub hash: Vec<u8>,
    pub display_prefix: String,
}

/// 256 random bits from the OS generator: far beyond brute force, which is why a plain
/// SHA-256 (not a slow password hash) is the right way to store it.
pub fn generate_secret() -> NewSecret {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_secret(&secret);
    let display_prefix = secret.chars().take(DISPLAY_PREFIX_LEN).collect();
    NewSecret {
        secret,
        hash,
        display_prefix,
    }
}

/// Prefix of signing secrets, so one is not mistaken for a bearer token.
pub const SIGNING_SECRET_PREFIX: &str = "whsec_";

/// A signing secret for an integration's HMAC signatures: 256 random bits.
pub fn generate_signing_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SIGNING_SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_hash_to_what_is_stored() {
        let a = generate_secret();
        let b = generate_secret();
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with(SECRET_PREFIX));
        assert_eq!(a.secret.len(), SECRET_PREFIX.len() + 43);
        assert_eq!(a.hash, hash_secret(&a.secret));
        assert_ne!(a.hash, hash_secret(&b.secret));
        assert_eq!(a.display_prefix, a.secret[..12]);
    }
}
