//! Profiles and recruitment: the roles a member can pick, field limits, how `/find` ranks, and
//! how often a member may contact others.

/// The primary roles of a game-dev team. Append only: a role's index is in `/find`'s buttons.
pub const ROLES: [&str; 9] = [
    "Programmer",
    "Artist",
    "3D Modeler",
    "Designer",
    "Sound",
    "Writer",
    "Producer",
    "Other",
    "Builder",
];
/// Most years of experience a profile may claim.
pub const MAX_YEARS: i64 = 60;
pub const SKILLS_CHARS: usize = 200;
pub const LINKS_CHARS: usize = 300;
pub const MESSAGE_CHARS: usize = 300;
/// Contacts one member may send per day (UTC), and at most one per recipient.
pub const CONTACTS_PER_DAY: usize = 3;

/// The role as listed, if `raw` names one (any case, surrounding spaces ignored).
#[must_use]
pub fn role(raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    ROLES.iter().copied().find(|r| r.eq_ignore_ascii_case(raw))
}

/// Years of experience typed as text.
#[must_use]
pub fn years(raw: &str) -> Option<i64> {
    raw.trim()
        .parse()
        .ok()
        .filter(|y| (0..=MAX_YEARS).contains(y))
}

/// A yes/no answer typed as text.
#[must_use]
pub fn yes(raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "open" => Some(true),
        "no" | "n" | "false" | "closed" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_years_and_answers_are_read_forgivingly_but_strictly() {
        assert_eq!(role(" 3d modeler "), Some("3D Modeler"));
        assert_eq!(role("wizard"), None);
        assert_eq!(years("7"), Some(7));
        for bad in ["-1", "61", "seven", ""] {
            assert_eq!(years(bad), None, "{bad}");
        }
        assert_eq!(yes("Yes"), Some(true));
        assert_eq!(yes("maybe"), None);
    }
}
