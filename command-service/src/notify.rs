//! What a decided outcome does besides answering: direct messages to the other party, and a
//! private channel for a commission once it is accepted. Best effort: a failure is logged, never
//! retried, and changes nothing that was decided.

use crate::answer::Answerer;
use crate::discord::receipts::{self, Dm};
use crate::domain::{Outcome, Step, TeamStep};
use studio_schema::money::TeamId;
use studio_schema::{CommissionId, GuildId, UserId};
use tracing::{info, warn};
use twilight_model::channel::ChannelType;
use twilight_model::channel::permission_overwrite::{PermissionOverwrite, PermissionOverwriteType};
use twilight_model::guild::Permissions;
use twilight_model::id::Id;
use twilight_model::id::marker::GuildMarker;

/// What the parties of a deal may do in its room.
const PARTY: Permissions = Permissions::VIEW_CHANNEL
    .union(Permissions::SEND_MESSAGES)
    .union(Permissions::READ_MESSAGE_HISTORY)
    .union(Permissions::ATTACH_FILES);

impl Answerer {
    /// Sends the outcome's direct messages and, for an accepted commission, opens its room.
    pub async fn side_effects(&self, guild: Option<Id<GuildMarker>>, outcome: &Outcome) {
        for dm in receipts::dms(outcome) {
            self.direct_message(&dm).await;
        }
        match outcome {
            Outcome::RankUp {
                guild,
                member,
                rank,
                roles,
                announce_in,
            } => {
                if let Some(channel) = announce_in {
                    let text = format!("🎖️ <@{member}> reached the **{rank}** rank!");
                    let sent = self
                        .http
                        .create_message(Id::new(channel.get().max(1)))
                        .content(&text)
                        .await;
                    if let Err(err) = sent {
                        warn!(%channel, error = %err, "rank-up announcement failed");
                    }
                }
                let dm = Dm {
                    to: *member,
                    content: format!(
                        "🎖️ You reached the **{rank}** rank in the server! See what it unlocks with /profile → Rank Info."
                    ),
                    embeds: Vec::new(),
                };
                self.direct_message(&dm).await;
                for role in roles {
                    self.give_role(*guild, *member, *role).await;
                }
            }
            Outcome::Rejoined {
                guild,
                member,
                roles,
            } => {
                for role in roles {
                    self.give_role(*guild, *member, *role).await;
                }
            }
            Outcome::SettingChanged { roles, .. } => {
                if let Some(guild) = guild {
                    let guild = GuildId(guild.get().cast_signed());
                    for (member, give, take) in roles {
                        for role in give {
                            self.give_role(guild, *member, *role).await;
                        }
                        for role in take {
                            self.take_role(guild, *member, *role).await;
                        }
                    }
                }
            }
            _ => {}
        }
        if let (
            Some(guild),
            Outcome::Team {
                team,
                step,
                members,
                ..
            },
        ) = (guild, outcome)
        {
            self.follow_team(guild, *team, step, members).await;
        }
        if let (
            Some(guild),
            Outcome::Commission {
                commission,
                client,
                developer,
                step: Step::Accepted,
            },
        ) = (guild, outcome)
        {
            self.open_deal_room(guild, *commission, *client, *developer)
                .await;
        }
    }

    /// Gives a member a role (Discord's member-role API is idempotent).
    async fn give_role(&self, guild: GuildId, member: UserId, role: i64) {
        let result = self
            .http
            .add_guild_member_role(
                Id::new(guild.get().max(1)),
                Id::new(member.get().max(1)),
                Id::new(role.cast_unsigned().max(1)),
            )
            .await;
        match result {
            Ok(_) => info!(%member, role, "rank role given"),
            Err(err) => warn!(%member, role, error = %err, "rank role not given"),
        }
    }

    /// Takes a role from a member (idempotent too).
    async fn take_role(&self, guild: GuildId, member: UserId, role: i64) {
        let result = self
            .http
            .remove_guild_member_role(
                Id::new(guild.get().max(1)),
                Id::new(member.get().max(1)),
                Id::new(role.cast_unsigned().max(1)),
            )
            .await;
        match result {
            Ok(_) => info!(%member, role, "rank role taken"),
            Err(err) => warn!(%member, role, error = %err, "rank role not taken"),
        }
    }

    /// Sends a direct message; a member with closed DMs is logged, not retried.
    pub async fn direct_message(&self, dm: &Dm) {
        let channel = match self
            .http
            .create_private_channel(Id::new(dm.to.get().max(1)))
            .await
        {
            Ok(response) => match response.model().await {
                Ok(channel) => channel.id,
                Err(err) => return warn!(to = %dm.to, error = %err, "DM channel unreadable"),
            },
            Err(err) => return warn!(to = %dm.to, error = %err, "DM channel not opened"),
        };
        let message = self.http.create_message(channel).content(&dm.content);
        let sent = message.embeds(&dm.embeds).await;
        if let Err(err) = sent {
            warn!(to = %dm.to, error = %err, "DM not delivered (closed DMs?)");
        }
    }

    /// Studio's own user id, for its overwrite on private channels.
    async fn own_id(&self) -> Option<Id<twilight_model::id::marker::GenericMarker>> {
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
    ) -> Option<Id<twilight_model::id::marker::ChannelMarker>> {
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
    async fn follow_team(
        &self,
        guild: Id<GuildMarker>,
        team: TeamId,
        step: &TeamStep,
        members: &[UserId],
    ) {
        let member = |id: UserId| PermissionOverwrite {
            allow: PARTY,
            deny: Permissions::empty(),
            id: Id::new(id.get().max(1)),
            kind: PermissionOverwriteType::Member,
        };
        match step {
            TeamStep::Created { owner, .. } => {
                let Some(bot) = self.own_id().await else {
                    return;
                };
                let overwrites = [
                    PermissionOverwrite {
                        allow: Permissions::empty(),
                        deny: Permissions::VIEW_CHANNEL,
                        id: guild.cast(),
                        kind: PermissionOverwriteType::Role,
                    },
                    member(*owner),
                    PermissionOverwrite {
                        allow: PARTY,
                        deny: Permissions::empty(),
                        id: bot,
                        kind: PermissionOverwriteType::Member,
                    },
                ];
                let name = crate::rules::team::channel_name(team);
                match self
                    .http
                    .create_guild_channel(guild, &name)
                    .kind(ChannelType::GuildText)
                    .permission_overwrites(&overwrites)
                    .await
                {
                    Ok(_) => info!(%name, "team channel opened"),
                    Err(err) => warn!(%name, error = %err, "team channel not created"),
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

    /// A text channel only the client, the developer and Studio can see, for the deal's talk.
    async fn open_deal_room(
        &self,
        guild: Id<GuildMarker>,
        commission: CommissionId,
        client: UserId,
        developer: UserId,
    ) {
        let bot = match self.http.current_user().await {
            Ok(response) => response.model().await.map(|u| u.id.cast()),
            Err(err) => return warn!(error = %err, "deal room: cannot tell who Studio is"),
        };
        let Ok(bot) = bot else {
            return warn!("deal room: cannot read Studio's user");
        };
        let member = |id: UserId| PermissionOverwrite {
            allow: PARTY,
            deny: Permissions::empty(),
            id: Id::new(id.get().max(1)),
            kind: PermissionOverwriteType::Member,
        };
        let overwrites = [
            PermissionOverwrite {
                allow: Permissions::empty(),
                deny: Permissions::VIEW_CHANNEL,
                id: guild.cast(),
                kind: PermissionOverwriteType::Role,
            },
            member(client),
            member(developer),
            PermissionOverwrite {
                allow: PARTY,
                deny: Permissions::empty(),
                id: bot,
                kind: PermissionOverwriteType::Member,
            },
        ];
        let name = format!("commission-{}", commission.0);
        let created = self
            .http
            .create_guild_channel(guild, &name)
            .kind(ChannelType::GuildText)
            .permission_overwrites(&overwrites)
            .await;
        let channel = match created {
            Ok(response) => match response.model().await {
                Ok(channel) => channel.id,
                Err(err) => return warn!(error = %err, "deal room unreadable"),
            },
            Err(err) => return warn!(%commission, error = %err, "deal room not created"),
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
}
