//! Text a member types: what Studio can store and show. One rule, checked at the edge for every
//! free-text value (slash command string options and form inputs) before anything is decided.
//!
//! - U+0000 cannot be held by Postgres (neither `text` nor `jsonb`): an event carrying it could
//!   never be appended, so it is refused here rather than failing the guild's batch.
//! - The other C0 control characters (U+0001–U+001F) are invisible or meaningless on Discord; tab,
//!   line feed and carriage return are ordinary text and pass.
//! - Unicode noncharacters (U+FDD0–U+FDEF and the last two code points of every plane, U+FFFE and
//!   U+FFFF among them) are "not for interchange": nothing a member means to say.
//! - Lone surrogates never reach this rule: a Rust `str` cannot hold one, and `serde_json` refuses
//!   an unpaired `\uD800`-style escape, so such a payload is unreadable before it is a string.

/// Whether `c` is a character Studio refuses in member text.
#[must_use]
pub fn is_unstorable(c: char) -> bool {
    let u = u32::from(c);
    let control = u < 0x20 && !matches!(c, '\t' | '\n' | '\r');
    let noncharacter = (0xFDD0..=0xFDEF).contains(&u) || u & 0xFFFE == 0xFFFE;
    control || noncharacter
}

/// The first character of `text` Studio refuses, if any.
#[must_use]
pub fn first_unstorable(text: &str) -> Option<char> {
    text.chars().find(|&c| is_unstorable(c))
}

/// Checks the value of field `field` (an option or form input name, as the member sees it).
///
/// # Errors
/// A private explanation naming the field and the character, for the member.
pub fn check(field: &str, text: &str) -> Result<(), String> {
    match first_unstorable(text) {
        None => Ok(()),
        Some(c) => Err(format!(
            "❌ The {} contains a character Studio cannot store (U+{:04X}). Remove it and try again.",
            field_label(field),
            u32::from(c)
        )),
    }
}

/// A field's name as shown in a refusal: its words, never itself something unshowable (a forged
/// payload chooses the names too).
fn field_label(field: &str) -> String {
    let label: String = field
        .chars()
        .take(32)
        .map(|c| if c == '_' { ' ' } else { c })
        .collect();
    if label.is_empty() || label.chars().any(|c| is_unstorable(c) || c.is_control()) {
        "text".to_owned()
    } else {
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_passes_with_tabs_newlines_emoji_and_accents() {
        for text in [
            "",
            "thanks for the jam build",
            "line one\nline two\r\n\tindented",
            "café — 日本語 — 🎮🦀",
            "fn main() { println!(\"hi\"); }",
            "\u{7F}\u{85}\u{FEFF}\u{FFFD}\u{10FFFD}",
        ] {
            assert_eq!(check("note", text), Ok(()), "{text:?}");
        }
    }

    #[test]
    fn nul_is_refused_naming_the_field_and_the_character() {
        assert_eq!(
            check("note", "hi\u{0}there"),
            Err(
                "❌ The note contains a character Studio cannot store (U+0000). Remove it and try again."
                    .to_owned()
            )
        );
    }

    #[test]
    fn every_other_c0_control_except_tab_newline_and_return_is_refused() {
        for u in 0..0x20_u32 {
            let c = char::from_u32(u).unwrap_or_default();
            assert_eq!(
                is_unstorable(c),
                !matches!(c, '\t' | '\n' | '\r'),
                "U+{u:04X}"
            );
        }
        let refused = check("reason", "bell\u{7}");
        assert!(
            refused
                .as_ref()
                .is_err_and(|r| r.contains("U+0007") && r.contains("The reason")),
            "{refused:?}"
        );
    }

    #[test]
    fn noncharacters_are_refused() {
        for c in [
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{FDD0}',
            '\u{FDEF}',
            '\u{1FFFE}',
            '\u{10FFFF}',
        ] {
            assert!(is_unstorable(c), "U+{:04X}", u32::from(c));
        }
        for c in ['\u{FDCF}', '\u{FDF0}', '\u{FFFD}', '\u{1FFFD}'] {
            assert!(!is_unstorable(c), "U+{:04X}", u32::from(c));
        }
        assert_eq!(first_unstorable("ok\u{FFFF}\u{0}"), Some('\u{FFFF}'));
    }

    #[test]
    fn lone_surrogates_never_become_strings() {
        for escaped in [r#""\ud800""#, r#""a\udfffb""#, r#""\ud83d x""#] {
            assert!(
                serde_json::from_str::<String>(escaped).is_err(),
                "{escaped}"
            );
        }
        assert_eq!(
            serde_json::from_str::<String>(r#""\ud83e\udd80""#)
                .ok()
                .as_deref(),
            Some("🦀"),
            "a surrogate pair is one character"
        );
    }

    #[test]
    fn a_field_name_is_shown_in_words_and_never_unshowable() {
        let refused = |field| check(field, "\u{0}").err().unwrap_or_default();
        assert!(refused("developer_note").contains("The developer note contains"));
        assert!(refused("bad\u{0}name").contains("The text contains"));
        assert!(refused("").contains("The text contains"));
        assert!(refused(&"n".repeat(500)).len() < 200);
    }
}
