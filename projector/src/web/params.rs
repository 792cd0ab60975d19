//! What a request names: its path's segments ([`Segments`]: an id that is not one names nothing,
//! 404) and its query ([`Params`]: a value a page cannot take is a 400), read without panicking on
//! anything a client sends.

use super::answer::Refusal;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use std::collections::HashMap;
use studio_schema::{GuildId, ListingId, UserId};

/// Pages of a list a client may ask for, at most.
const MAX_PAGE: u32 = 1_000_000;

/// The path's parameters, in order (`/g/{guild}/member/{user}`: guild, user).
pub struct Segments(pub Vec<String>);

impl<S: Send + Sync> FromRequestParts<S> for Segments {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        Path::<Vec<String>>::from_request_parts(parts, state)
            .await
            .map(|Path(segments)| Self(segments))
            .map_err(|_| Refusal::NotFound("There is no such page.".to_owned()))
    }
}

impl Segments {
    /// The `i`th segment (empty when there is none).
    #[must_use]
    pub fn get(&self, i: usize) -> &str {
        self.0.get(i).map_or("", String::as_str)
    }
}

/// The query's parameters (the last of a repeated one counts).
pub struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Refusal> {
        Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .map(|Query(params)| Self(params))
            .map_err(|_| Refusal::BadRequest("The query string cannot be read.".to_owned()))
    }
}

impl Params {
    /// The parameter `name`, if given.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// `page`: 1 when absent, else a number from 1.
    ///
    /// # Errors
    /// It is not such a number.
    pub fn page(&self) -> Result<u32, Refusal> {
        match self.get("page") {
            None => Ok(1),
            Some(raw) => raw
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| {
                    Refusal::BadRequest(format!(
                        "page={raw:?}: a page is a number from 1 to {MAX_PAGE}."
                    ))
                }),
        }
    }
}

/// A Discord id as a path names it: digits only.
fn snowflake(segment: &str) -> Option<u64> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment
        .parse::<i64>()
        .ok()
        .filter(|id| *id >= 0)
        .map(i64::cast_unsigned)
}

/// The guild a segment names, if it is an id.
#[must_use]
pub fn guild(segment: &str) -> Option<GuildId> {
    snowflake(segment).map(GuildId::from_u64)
}

/// The member a segment names, if it is an id.
#[must_use]
pub fn user(segment: &str) -> Option<UserId> {
    snowflake(segment).map(UserId::from_u64)
}

/// The listing a segment names, if it is a listing number.
#[must_use]
pub fn listing(segment: &str) -> Option<ListingId> {
    snowflake(segment)
        .and_then(|n| i64::try_from(n).ok())
        .map(ListingId)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn pages_count_from_one() {
        assert_eq!(params(&[]).page(), Ok(1));
        assert_eq!(params(&[("page", "3")]).page(), Ok(3));
        for bad in ["0", "-1", "x", "", "99999999999"] {
            assert!(
                matches!(params(&[("page", bad)]).page(), Err(Refusal::BadRequest(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn ids_are_digits_only() {
        assert_eq!(guild("900"), Some(GuildId(900)));
        assert_eq!(user("1001"), Some(UserId(1001)));
        assert_eq!(listing("2"), Some(ListingId(2)));
        for bad in ["", "+5", "-1", "1e3", "abc", "18446744073709551615", " 7"] {
            assert_eq!(guild(bad), None, "{bad:?}");
        }
    }
}
