//! What a page answers: the page ([`Page`]), or a refusal ([`Refusal`]) as a small page of its own
//! — 404 for what does not exist, 400 for a query the page cannot take, 403 for an auditor's page
//! without the right token (no data at all), 503 when the views cannot be read — with the headers
//! every answer carries: no scripts, no framing, no referrer (an auditor's link holds the token).

use super::html;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::warn;

/// What every page answers: a page, or why not.
pub type Answer = Result<Page, Refusal>;

/// A page to show.
#[derive(Debug)]
pub struct Page {
    html: String,
    /// An auditor's page: never kept by a cache.
    private: bool,
}

impl Page {
    /// A page members may read.
    #[must_use]
    pub fn public(html: String) -> Self {
        Self {
            html,
            private: false,
        }
    }

    /// An auditor's page.
    #[must_use]
    pub fn private(html: String) -> Self {
        Self {
            html,
            private: true,
        }
    }
}

/// Why a page is not shown.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// 404: no such guild, member, listing, page or account (the message says which).
    NotFound(String),
    /// 400: a query parameter the page cannot take (the message says which and why).
    BadRequest(String),
    /// 403: an auditor's page without the right token.
    Forbidden,
    /// 503: the views could not be read just now.
    Unavailable,
}

impl From<sqlx::Error> for Refusal {
    fn from(err: sqlx::Error) -> Self {
        warn!(error = %err, "web page: views unreadable");
        Self::Unavailable
    }
}

impl From<crate::Error> for Refusal {
    fn from(err: crate::Error) -> Self {
        warn!(error = %err, "web page: log unreadable");
        Self::Unavailable
    }
}

impl Refusal {
    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The refusal's page.
    #[must_use]
    pub fn render(&self) -> String {
        let (title, text) = match self {
            Self::NotFound(what) => ("Not found", what.as_str()),
            Self::BadRequest(why) => ("Bad request", why.as_str()),
            Self::Forbidden => (
                "Forbidden",
                "This page is for auditors, with the token the operators gave them.",
            ),
            Self::Unavailable => (
                "Unavailable",
                "Studio could not read its views just now — please try again.",
            ),
        };
        html::page(
            title,
            None,
            &format!(
                "<p>{}</p>\n<p>{}</p>",
                html::escape(text),
                html::link("/", "All guilds")
            ),
        )
    }
}

fn respond(status: StatusCode, html: String, private: bool) -> Response {
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CACHE_CONTROL,
            if private { "no-store" } else { "no-cache" },
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        respond(StatusCode::OK, self.html, self.private)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        // A refusal never shows data, so it is never worth keeping either.
        respond(self.status(), self.render(), true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_answer_their_status_with_a_page_and_no_data() {
        let forbidden = Refusal::Forbidden.into_response();
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            forbidden.headers()[header::CACHE_CONTROL],
            HeaderValue::from_static("no-store")
        );
        assert_eq!(
            Refusal::NotFound("x".into()).into_response().status(),
            StatusCode::NOT_FOUND
        );
        let bad = Refusal::BadRequest("page=<b>".into()).render();
        assert!(bad.contains("page=&lt;b&gt;"), "{bad}");
    }
}
