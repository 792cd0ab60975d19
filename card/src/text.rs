//! The card's texts: escaping for XML, cutting to fit, initials and number grouping.

/// `s` made safe as XML character data: the five markup characters become entities, whitespace
/// controls become spaces, and characters XML 1.0 forbids (other C0 controls, U+FFFE, U+FFFF) are
/// dropped. The only escaping the card does: every text goes through here.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `s` without the characters `covers` rejects (those no bundled font can draw, which would show
/// as empty boxes) and the joiners and variation selectors that went with them, its whitespace runs
/// collapsed to one space, trimmed.
pub fn drawable(s: &str, covers: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dropped = false;
    for c in s.chars() {
        let joins = matches!(c, '\u{200d}' | '\u{fe00}'..='\u{fe0f}');
        if !covers(c) || (dropped && joins) {
            dropped = true;
            continue;
        }
        dropped = false;
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// `s` cut to at most `max_chars` characters whose `width` is at most `room`, the last character an
/// ellipsis when cut (a lone ellipsis when nothing else fits).
pub fn fit(s: &str, max_chars: usize, room: f32, width: impl Fn(&str) -> f32) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= max_chars && width(s) <= room {
        return s.to_owned();
    }
    let mut keep = chars.len().min(max_chars.saturating_sub(1));
    loop {
        let mut cut: String = chars[..keep].iter().collect();
        cut.truncate(cut.trim_end().len());
        cut.push('…');
        if keep == 0 || width(&cut) <= room {
            return cut;
        }
        keep -= 1;
    }
}

/// The initials on a card's avatar: the first letter of each of the name's first two words that
/// have a letter, uppercased (one character each: `ß` gives `S`); `"?"` when the name has no letter at all.
///
/// ```
/// assert_eq!(studio_card::initials("ada lovelace byron"), "AL");
/// assert_eq!(studio_card::initials("  42 _cyber_ punk"), "CP");
/// assert_eq!(studio_card::initials("!!! 123"), "?");
/// ```
#[must_use]
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphabetic()))
        .take(2)
        .map(|c| c.to_uppercase().next().unwrap_or(c))
        .collect();
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters
    }
}

/// `n` with its thousands grouped by commas: `-1234567` is `"-1,234,567"`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_markup_and_drops_what_xml_forbids() {
        assert_eq!(
            escape("<script>&\"'</script>"),
            "&lt;script&gt;&amp;&quot;&apos;&lt;/script&gt;"
        );
        assert_eq!(escape("a\tb\nc\u{0}d\u{1b}e\u{ffff}"), "a b cde");
        assert_eq!(escape("héllo 🎉 שלום"), "héllo 🎉 שלום");
    }

    /// One pixel per character.
    fn count(s: &str) -> f32 {
        s.chars().map(|_| 1.0).sum()
    }

    #[test]
    fn drawable_drops_what_cannot_be_drawn_and_collapses_spaces() {
        let ascii = |c: char| c.is_ascii();
        assert_eq!(
            drawable("  🎉 Ada \t\n  🎉  Lovelace 🎉 ", ascii),
            "Ada Lovelace"
        );
        assert_eq!(drawable("🎉🎉", ascii), "");
        let joiners = |c: char| c.is_ascii() || c == '\u{200d}' || c == '\u{fe0f}';
        assert_eq!(drawable("a 👩\u{200d}👩\u{200d}👧 b", joiners), "a b");
        assert_eq!(drawable("a ❤\u{fe0f} b", joiners), "a b");
        assert_eq!(drawable("a\u{200d}b", joiners), "a\u{200d}b");
        assert_eq!(drawable("", ascii), "");
    }

    #[test]
    fn fit_cuts_to_the_characters_and_the_room_with_an_ellipsis() {
        assert_eq!(fit("short", 24, 100.0, count), "short");
        assert_eq!(fit(&"x".repeat(24), 24, 100.0, count), "x".repeat(24));
        assert_eq!(
            fit(&"x".repeat(25), 24, 100.0, count),
            format!("{}…", "x".repeat(23))
        );
        assert_eq!(fit(&"🎉".repeat(30), 24, 100.0, count).chars().count(), 24);
        assert_eq!(fit("abc     defgh", 8, 100.0, count), "abc…");
        assert_eq!(fit("abcdefgh", 24, 5.0, count), "abcd…");
        assert_eq!(fit("abcdefgh", 24, 0.0, count), "…");
        assert_eq!(fit("", 24, 0.0, count), "");
    }

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("ada"), "A");
        assert_eq!(initials("ada lovelace byron"), "AL");
        assert_eq!(initials("  ada   lovelace "), "AL");
        assert_eq!(initials("_x_ 9lives"), "XL");
        assert_eq!(initials("123 !!! zed"), "Z");
        assert_eq!(initials("élodie ßtraße"), "ÉS");
        assert_eq!(initials("Ωmega"), "Ω");
        assert_eq!(initials(""), "?");
        assert_eq!(initials("   "), "?");
        assert_eq!(initials("🎉 42 !!"), "?");
    }

    #[test]
    fn grouped_puts_commas_between_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(-1_234_567), "-1,234,567");
        assert_eq!(grouped(i64::MIN), "-9,223,372,036,854,775,808");
    }
}
