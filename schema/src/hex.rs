//! Lower-case hex, the one spelling of hashes Studio writes and reads (the log's code hashes, chain
//! heads, exports). Pure.

use std::fmt::Write;

/// `bytes` in lower-case hex.
#[must_use]
pub fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// The bytes `hex` spells (either case), or `None` if it is not hex.
#[must_use]
pub fn decode(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_and_non_hex_is_refused() {
        assert_eq!(encode(&[0, 171, 255]), "00abff");
        assert_eq!(decode("00ABff"), Some(vec![0, 171, 255]));
        for bad in ["0", "zz", "0g", "é0"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
