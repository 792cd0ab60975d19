//! What a decided outcome does besides answering: direct messages to the other party, and a
//! private channel for a commission once it is accepted. Best effort: a failure is logged, never
//! retried, and changes nothing that was decided.

mod rooms;

use crate::answer::Answerer;
use crate::discord::receipts::{self, Dm};
use crate::domain::{Outcome, Step};
use studio_schema::{GuildId, UserId};
use tracing::{info, warn};
use twilight_model::guild::Permissions;
use twilight_model::id::Id;
use twilight_model::id::marker::GuildMarker;

/// What the parties of a deal may do in its room.
pub(crate) const PARTY: Permissions = Permissions::VIEW_CHANNEL
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
        self.member_role(guild, member, role, true).await;
    }

    /// Takes a role from a member (idempotent too).
    async fn take_role(&self, guild: GuildId, member: UserId, role: i64) {
        self.member_role(guild, member, role, false).await;
    }

    async fn member_role(&self, guild: GuildId, member: UserId, role: i64, give: bool) {
        let (guild, user, role_id) = (
            Id::new(guild.get().max(1)),
            Id::new(member.get().max(1)),
            Id::new(role.cast_unsigned().max(1)),
        );
        let result = if give {
            self.http.add_guild_member_role(guild, user, role_id).await
        } else {
            self.http
                .remove_guild_member_role(guild, user, role_id)
                .await
        };
        match result {
            Ok(_) => info!(%member, role, give, "member role changed"),
            Err(err) => warn!(%member, role, give, error = %err, "member role not changed"),
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
}
