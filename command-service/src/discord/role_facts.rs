//! Discord's facts about a guild's roles, read over REST just before a settings command that names
//! a role is decided: the roles (their positions, which are managed), the owner, and the roles of
//! Studio's own member. The rule that reads them is [`crate::rules::roles`]; without them it refuses,
//! so a slow or failing Discord costs the admin a retry, never a role handed out unchecked.

use crate::rules::roles::{GuildRole, GuildRoles};
use std::sync::Arc;
use std::time::Duration;
use studio_schema::GuildId;
use tokio::sync::OnceCell;
use twilight_http::Client;
use twilight_model::id::Id;
use twilight_model::id::marker::UserMarker;

/// How long Discord may take to answer, at most; the partition waits for it.
pub const WITHIN: Duration = Duration::from_secs(2);

/// Asks Discord; remembers Studio's own user id once it is known.
pub struct RoleFacts {
    http: Arc<Client>,
    bot: OnceCell<Id<UserMarker>>,
}

impl RoleFacts {
    #[must_use]
    pub fn new(http: Arc<Client>) -> Self {
        Self {
            http,
            bot: OnceCell::new(),
        }
    }

    /// The guild's roles as Discord has them now, or `None` when Discord did not answer in time
    /// ([`WITHIN`]) or answered with an error.
    pub async fn gather(&self, guild: GuildId) -> Option<GuildRoles> {
        match tokio::time::timeout(WITHIN, self.ask(guild)).await {
            Ok(Ok(facts)) => Some(facts),
            Ok(Err(why)) => {
                tracing::warn!(%guild, error = %why, "the guild's roles could not be read; the role is not handed out");
                None
            }
            Err(_) => {
                tracing::warn!(%guild, "Discord did not list the guild's roles in time; the role is not handed out");
                None
            }
        }
    }

    /// [`RoleFacts::gather`] for each of `guilds`, all at once.
    pub async fn gather_all(&self, guilds: &[GuildId]) -> Vec<(GuildId, Option<GuildRoles>)> {
        futures_util::future::join_all(
            guilds
                .iter()
                .map(|g| async move { (*g, self.gather(*g).await) }),
        )
        .await
    }

    async fn ask(&self, guild: GuildId) -> Result<GuildRoles, String> {
        let id = Id::new_checked(guild.get()).ok_or("guild id 0")?;
        let bot = *self
            .bot
            .get_or_try_init(|| async {
                let me = self.http.current_user().await.map_err(|e| e.to_string())?;
                Ok::<_, String>(me.model().await.map_err(|e| e.to_string())?.id)
            })
            .await?;
        let (listed, member) = tokio::join!(self.http.guild(id), self.http.guild_member(id, bot));
        let listed = listed
            .map_err(|e| format!("guild: {e}"))?
            .model()
            .await
            .map_err(|e| format!("guild: {e}"))?;
        let member = member
            .map_err(|e| format!("Studio's member: {e}"))?
            .model()
            .await
            .map_err(|e| format!("Studio's member: {e}"))?;
        Ok(GuildRoles {
            guild: guild.0,
            owner: listed.owner_id.get().cast_signed(),
            roles: listed
                .roles
                .iter()
                .map(|r| GuildRole {
                    id: r.id.get().cast_signed(),
                    position: r.position,
                    managed: r.managed,
                })
                .collect(),
            bot_roles: member.roles.iter().map(|r| r.get().cast_signed()).collect(),
        })
    }
}
