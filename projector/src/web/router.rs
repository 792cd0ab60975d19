//! Which page answers which path, and what every page checks first: that the guild it names is
//! in the views ([`Web::guild`]), and for the auditors' pages that the token is right
//! ([`Web::auditor`]).

use super::answer::{Answer, Refusal};
use super::params::{self, Params};
use super::{Token, explain, guilds, leaderboard, ledger, listing, market, member};
use axum::Router;
use axum::routing::get;
use sqlx::PgPool;
use std::sync::Arc;
use studio_schema::GuildId;
use studio_views::checkpoints;

/// What the pages share: the read-only pool and the auditors' token, if any.
pub struct Web {
    pub pool: PgPool,
    token: Option<Token>,
}

/// The pages' shared state.
pub type State = axum::extract::State<Arc<Web>>;

/// Every page, and a 404 page for any other path.
pub fn router(pool: PgPool, token: Option<Token>) -> Router {
    Router::new()
        .route("/", get(guilds::get))
        .route("/g/{guild}/leaderboard", get(leaderboard::get))
        .route("/g/{guild}/market", get(market::get))
        .route("/g/{guild}/listing/{listing}", get(listing::get))
        .route("/g/{guild}/member/{user}", get(member::get))
        .route("/g/{guild}/ledger", get(ledger::get))
        .route("/g/{guild}/explain/{account}", get(explain::get))
        .fallback(not_found)
        .with_state(Arc::new(Web { pool, token }))
}

async fn not_found() -> Answer {
    Err(Refusal::NotFound("There is no such page.".to_owned()))
}

impl Web {
    /// The guild `segment` names, if the views include it.
    ///
    /// # Errors
    /// 404 when they do not (or it is not an id); 503 when the views cannot be read.
    pub async fn guild(&self, segment: &str) -> Result<GuildId, Refusal> {
        let unknown = || Refusal::NotFound(format!("Studio knows no guild {segment:?}."));
        let guild = params::guild(segment).ok_or_else(unknown)?;
        match checkpoints::projected(&self.pool, guild).await? {
            Some(_) => Ok(guild),
            None => Err(unknown()),
        }
    }

    /// The token an auditor's request offers, once checked: the auditors' pages do not exist
    /// without `STUDIO_AUDIT_TOKEN` (404), and show nothing without the right `?token=` (403).
    ///
    /// # Errors
    /// 404 without a token configured; 403 without the right one.
    pub fn auditor<'p>(&self, params: &'p Params) -> Result<&'p str, Refusal> {
        let Some(token) = &self.token else {
            return Err(Refusal::NotFound("There is no such page.".to_owned()));
        };
        match params.get("token") {
            Some(offered) if token.admits(offered) => Ok(offered),
            _ => Err(Refusal::Forbidden),
        }
    }
}
