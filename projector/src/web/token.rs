//! The auditors' token (`STUDIO_AUDIT_TOKEN`), kept only as its SHA-256 and compared in constant
//! time: how long a wrong guess takes says nothing about the token, its length included.

use sha2::{Digest, Sha256};
use std::fmt;

/// The token the auditors' pages ask for.
#[derive(Clone)]
pub struct Token([u8; 32]);

impl Token {
    /// The token whose text is `secret`.
    #[must_use]
    pub fn new(secret: String) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    /// Whether `offered` is the token, in a time that does not depend on where they differ.
    #[must_use]
    pub fn admits(&self, offered: &str) -> bool {
        let offered: [u8; 32] = Sha256::digest(offered.as_bytes()).into();
        self.0
            .iter()
            .zip(offered.iter())
            .fold(0_u8, |differ, (a, b)| differ | (a ^ b))
            == 0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_token_itself_is_admitted() {
        let token = Token::new("s3cret-token".to_owned());
        assert!(token.admits("s3cret-token"));
        for wrong in ["", "s3cret-toke", "s3cret-token ", "S3cret-token", "x"] {
            assert!(!token.admits(wrong), "{wrong:?}");
        }
        assert_eq!(format!("{token:?}"), "Token(…)");
    }
}
