//! Studio's web pages: read-only HTML the running projector serves from its own views on
//! `STUDIO_WEB_ADDR` (default `127.0.0.1:9110`; empty or `off`: not served).
//!
//! For members: the guilds (`/`), each guild's leaderboards, its marketplace, a listing and a
//! member's public profile. For auditors, with `?token=` the value of `STUDIO_AUDIT_TOKEN`: the
//! guild's ledger and any account's statement explained event by event from the log
//! ([`crate::audit`]). Server-rendered, no JavaScript, small inline CSS; every piece of text that
//! comes from members goes through one escaping function ([`html::escape`]). The pages never show
//! a listing's code (the projector cannot even read the table that keeps it) nor a member's credits
//! (only the auditors' pages show balances).
//!
//! [`router`] maps the paths to one module per page; each page reads the views with
//! `studio_views`' queries through its own read-only pool, so a page can neither write nor take
//! the tail's connections, and renders with a pure function.

mod answer;
mod explain;
mod guilds;
pub mod html;
mod leaderboard;
mod ledger;
mod listing;
mod market;
mod member;
mod params;
mod router;
mod token;

pub use token::Token;

use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use std::net::SocketAddr;
use std::time::Duration;
use tracing::{info, warn};

/// Where the pages are served when `STUDIO_WEB_ADDR` is unset.
pub const DEFAULT_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 9110);

/// Connections the pages may hold at once (their own pool, apart from the tail's).
const CONNECTIONS: u32 = 4;
/// How long a page waits for a connection before it answers 503.
const ACQUIRE: Duration = Duration::from_secs(3);

/// `STUDIO_WEB_ADDR`, read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addr {
    /// Unset: [`DEFAULT_ADDR`]; a projector that cannot listen there says so and goes on.
    Default,
    /// Set by the operator: a projector that cannot listen there stops.
    Set(SocketAddr),
    /// Set empty or to `off`: no pages.
    Off,
}

impl Addr {
    /// Reads the variable's raw value (`None`: unset).
    ///
    /// # Errors
    /// The value and why it is not a socket address.
    pub fn parse(raw: Option<&str>) -> Result<Self, (String, String)> {
        let Some(raw) = raw else {
            return Ok(Self::Default);
        };
        let value = raw.trim();
        if value.is_empty() || value.eq_ignore_ascii_case("off") {
            return Ok(Self::Off);
        }
        value
            .parse()
            .map(Self::Set)
            .map_err(|e: std::net::AddrParseError| (raw.to_owned(), e.to_string()))
    }
}

/// Starts serving the pages in the background, as `addr` says. Returns where they are served.
///
/// # Errors
/// An address the operator set cannot be listened on, or `DATABASE_URL` is malformed.
pub async fn serve(
    addr: Addr,
    database_url: &str,
    token: Option<Token>,
) -> Result<Option<SocketAddr>, crate::Error> {
    let (at, chosen) = match addr {
        Addr::Off => return Ok(None),
        Addr::Default => (DEFAULT_ADDR, false),
        Addr::Set(at) => (at, true),
    };
    let listener = match tokio::net::TcpListener::bind(at).await {
        Ok(listener) => listener,
        Err(err) if chosen => return Err(crate::Error::Web(at, err)),
        Err(err) => {
            warn!(
                addr = %at,
                error = %err,
                "cannot serve the web pages on the default address; set STUDIO_WEB_ADDR (or `off`)"
            );
            return Ok(None);
        }
    };
    let bound = listener
        .local_addr()
        .map_err(|e| crate::Error::Web(at, e))?;
    let pool = read_only_pool(database_url)?;
    if token.is_none() {
        info!("STUDIO_AUDIT_TOKEN unset: the auditors' pages are not served");
    }
    let app = router::router(pool, token);
    info!(addr = %bound, "serving the web pages");
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            warn!(error = %err, "web pages server stopped");
        }
    });
    Ok(Some(bound))
}

/// The pages' own pool: every transaction read-only, connected lazily, bounded waits.
fn read_only_pool(database_url: &str) -> Result<PgPool, crate::Error> {
    let options = database_url
        .parse::<PgConnectOptions>()?
        .options([("default_transaction_read_only", "on")]);
    Ok(studio_schema::config::pool_options()
        .max_connections(CONNECTIONS)
        .acquire_timeout(ACQUIRE)
        .connect_lazy_with(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_the_default_one_set_or_off() {
        assert_eq!(Addr::parse(None), Ok(Addr::Default));
        assert_eq!(Addr::parse(Some("")), Ok(Addr::Off));
        assert_eq!(Addr::parse(Some(" OFF ")), Ok(Addr::Off));
        assert_eq!(
            Addr::parse(Some("0.0.0.0:8080")),
            Ok(Addr::Set("0.0.0.0:8080".parse().expect("an address")))
        );
        assert!(Addr::parse(Some("localhost")).is_err());
    }
}
