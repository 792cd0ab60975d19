//! The twilight-http client, pointed at Discord or at a local Discord-protocol peer.

use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;
use twilight_http::Client;

/// Builds the REST client. `api_host` is `host:port` of a plain-HTTP Discord API (tests, the local
/// demo); without it the client talks to discord.com with its rate limiter.
#[must_use]
pub fn build(token: &SecretString, api_host: Option<&str>) -> Client {
    let builder = Client::builder()
        .token(token.expose_secret().to_owned())
        .timeout(Duration::from_secs(5));
    match api_host {
        Some(host) => builder
            .proxy(host.to_owned(), true)
            .ratelimiter(None)
            .build(),
        None => builder.build(),
    }
}
