//! Private channels: a commission's deal room, and each team's channel kept in step with its
//! membership. Best effort, like every side effect: a failure is logged and changes nothing decided.

use super::PARTY;
use crate::answer::Answerer;
use crate::domain::TeamStep;
use studio_schema::money::TeamId;
use studio_schema::{CommissionId, UserId};
use tracing::{info, warn};
use twilight_model::channel::ChannelType;
use twilight_model::channel::permission_overwrite::{PermissionOverwrite, PermissionOverwriteType};
use twilight_model::guild::Permissions;
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GenericMarker, GuildMarker};

impl Answerer {
    /// A text channel only the client, the developer and Studio can see, for the deal's talk.
    pub(super) async fn open_deal_room(
        &self,
        guild: Id<GuildMarker>,
        commission: CommissionId,
        client: UserId,
        developer: UserId,
    ) {
        let name = format!("commission-{}", commission.0);
        let Some(channel) = self.open_private(guild, &name, &[client, developer]).await else {
            return;
        };
        info!(%commission, %channel, "deal room opened");
        let welcome = format!(
            "🤝 Commission #{commission}: <@{client}> (client) and <@{developer}> (developer). \
             Only you two (and server admins) see this channel. Next: the client funds the escrow \
             with `/commission fund id:{commission}`."
        );
        if let Err(err) = self.http.create_message(channel).content(&welcome).await {
            warn!(%commission, error = %err, "deal room welcome not posted");
        }
    }

    /// Opens a text channel only `members`, Studio and the server's admins see.
    async fn open_private(
        &self,
        guild: Id<GuildMarker>,
        name: &str,
        members: &[UserId],
    ) -> Option<Id<ChannelMarker>> {
        let bot = self.own_id().await?;
        let overwrite = |id: Id<GenericMarker>| PermissionOverwrite {
            allow: PARTY,
            deny: Permissions::empty(),
            id,
            kind: PermissionOverwriteType::Member,
        };
        let mut overwrites = vec![
            PermissionOverwrite {
                allow: Permissions::empty(),
                deny: Permissions::VIEW_CHANNEL,
                id: guild.cast(),
                kind: PermissionOverwriteType::Role,
            },
            overwrite(bot),
        ];
        overwrites.extend(members.iter().map(|m| overwrite(Id::new(m.get().max(1)))));
        let created = self
            .http
            .create_guild_channel(guild, name)
            .kind(ChannelType::GuildText)
            .permission_overwrites(&overwrites)
            .await;
        match created {
            Ok(response) => match response.model().await {
                Ok(channel) => Some(channel.id),
                Err(err) => {
                    warn!(%name, error = %err, "private channel unreadable");
                    None
                }
            },
            Err(err) => {
                warn!(%name, error = %err, "private channel not created");
                None
            }
        }
    }

    /// Studio's own user id, for its overwrite on private channels.
    async fn own_id(&self) -> Option<Id<GenericMarker>> {
        match self.http.current_user().await {
            Ok(response) => response.model().await.map(|u| u.id.cast()).ok(),
            Err(err) => {
                warn!(error = %err, "cannot tell who Studio is");
                None
            }
        }
    }

    /// The team's private channel, found by its name.
    async fn team_channel(
        &self,
        guild: Id<GuildMarker>,
        team: TeamId,
    ) -> Option<Id<ChannelMarker>> {
        let name = crate::rules::team::channel_name(team);
        let channels = match self.http.guild_channels(guild).await {
            Ok(response) => response.models().await.ok()?,
            Err(err) => {
                warn!(%name, error = %err, "team channel: guild channels unreadable");
                return None;
            }
        };
        channels
            .into_iter()
            .find(|c| c.name.as_deref() == Some(name.as_str()))
            .map(|c| c.id)
    }

    /// Keeps a team's private channel in step with its membership: opened at creation with the
    /// owner in it, a member added on joining and removed on leaving, deleted on disbanding.
    pub(super) async fn follow_team(
        &self,
        guild: Id<GuildMarker>,
        team: TeamId,
        step: &TeamStep,
        members: &[UserId],
    ) {
        match step {
            TeamStep::Created { owner, .. } => {
                let name = crate::rules::team::channel_name(team);
                if self.open_private(guild, &name, &[*owner]).await.is_some() {
                    info!(%name, "team channel opened");
                }
            }
            TeamStep::Joined { .. } | TeamStep::Left { .. } | TeamStep::Kicked { .. } => {
                let Some(channel) = self.team_channel(guild, team).await else {
                    return;
                };
                // Every current member is let in again (this heals a missed update); the one who
                // went is shut out.
                for m in members {
                    let overwrite = twilight_model::http::permission_overwrite::PermissionOverwrite {
                        allow: Some(PARTY),
                        deny: None,
                        id: Id::new(m.get().max(1)),
                        kind: twilight_model::http::permission_overwrite::PermissionOverwriteType::Member,
                    };
                    if let Err(err) = self
                        .http
                        .update_channel_permission(channel, &overwrite)
                        .await
                    {
                        warn!(%m, error = %err, "team channel: member not let in");
                    }
                }
                if let TeamStep::Left { member: gone } | TeamStep::Kicked { member: gone } = step {
                    let user = Id::new(gone.get().max(1));
                    if let Err(err) = self
                        .http
                        .delete_channel_permission(channel)
                        .member(user)
                        .await
                    {
                        warn!(%gone, error = %err, "team channel: member not shut out");
                    }
                }
            }
            TeamStep::Disbanded { .. } => {
                if let Some(channel) = self.team_channel(guild, team).await
                    && let Err(err) = self.http.delete_channel(channel).await
                {
                    warn!(%channel, error = %err, "team channel not deleted");
                }
            }
            _ => {}
        }
    }
}
