//! Side effects as data: everything a committed outcome does on Discord — the answer to the member, the
//! direct messages, announcements, roles, private channels — as [`Effect`]s written to the outbox in the
//! same transaction as the events, then sent by the [`dispatch`]er until done.
//!
//! Turning an outcome into effects is pure ([`for_outcome`]); sending them is [`send`]'s job.

pub mod dispatch;
pub mod send;

use crate::discord::mentions::Pings;
use crate::discord::receipts::{self, Dm};
use crate::domain::{Outcome, Step, TeamStep};
use serde::{Deserialize, Serialize};
use studio_schema::outbox::NewEffect;
use studio_schema::{GuildId, UserId};
use twilight_model::application::interaction::Interaction;
use twilight_model::http::interaction::InteractionResponse;
use twilight_model::id::Id;
use twilight_model::id::marker::InteractionMarker;

/// The interaction an answer goes to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub id: Id<InteractionMarker>,
    pub token: String,
    /// Who used it: told by DM when the answer can no longer reach the interaction.
    pub member: Option<UserId>,
    /// Whether Discord was told "thinking…" first: the answer then edits that response.
    pub deferred: bool,
}

impl Reply {
    #[must_use]
    pub fn to(interaction: &Interaction, deferred: bool) -> Self {
        Self {
            id: interaction.id,
            token: interaction.token.clone(),
            member: interaction.author_id().map(|a| UserId::from_u64(a.get())),
            deferred,
        }
    }
}

/// What a late answer becomes when Discord's window for it has passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WhenLate {
    /// Something was decided: the member is told by DM what happened.
    TellByDm,
    /// Nothing changed (a refusal, a view): nothing is sent.
    Drop,
}

/// A private channel Studio keeps: a team's, or a commission's deal room. Its channel id is remembered
/// under this name once opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub guild: GuildId,
    /// `team-<n>` or `commission-<n>`: the channel's name and its key.
    pub name: String,
}

/// A listing version's code, named by its key: read where it is kept when the effect is sent (see
/// `studio_schema::content`), so neither an outcome nor an outbox row ever holds code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRef {
    pub guild: GuildId,
    pub listing: studio_schema::ListingId,
    pub version: i64,
    pub title: String,
}

impl CodeRef {
    /// The code a purchase delivers, if `outcome` is one.
    #[must_use]
    pub fn purchased(guild: GuildId, outcome: &Outcome) -> Option<Self> {
        match outcome {
            Outcome::Purchased {
                listing,
                version,
                title,
                ..
            } => Some(Self {
                guild,
                listing: *listing,
                version: *version,
                title: title.clone(),
            }),
            _ => None,
        }
    }
}

/// One thing to do on Discord.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// The answer to an interaction.
    Answer {
        reply: Reply,
        response: Box<InteractionResponse>,
        when_late: WhenLate,
        /// Code the answer shows (as embeds), added when it is sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<CodeRef>,
    },
    /// An interaction that shows views: `query`, rendered when sent from views that include `head`.
    Query {
        guild: GuildId,
        head: i64,
        reply: Reply,
        query: Box<crate::query::Query>,
    },
    Dm(Dm),
    /// A purchase's code, sent to its buyer by DM.
    Deliver {
        code: CodeRef,
        buyer: UserId,
        price: studio_schema::Credits,
    },
    /// A public message in a channel (level-up and rank-up announcements).
    Post {
        channel: u64,
        content: String,
        /// Whom it pings (rows written before were Discord's `allowed_mentions`, read the same).
        #[serde(alias = "allowed_mentions")]
        pings: Pings,
    },
    /// Gives or takes a role (Discord's member-role calls are idempotent).
    MemberRole {
        guild: GuildId,
        member: UserId,
        role: studio_schema::RoleId,
        give: bool,
    },
    /// Opens a private channel for `members` (once: a room already opened is not opened again),
    /// with a `welcome` message that pings `pings`.
    OpenRoom {
        room: Room,
        members: Vec<UserId>,
        welcome: Option<String>,
        #[serde(default)]
        pings: Pings,
    },
    /// Lets `members` into a room and shuts `gone` out (permission overwrites by member id).
    RoomMembers {
        room: Room,
        members: Vec<UserId>,
        gone: Option<UserId>,
    },
    /// Deletes a room.
    CloseRoom {
        room: Room,
    },
}

impl Effect {
    /// A short name for operators (the outbox's `kind`).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Answer { .. } => "answer",
            Self::Query { .. } => "query",
            Self::Dm(_) => "dm",
            Self::Deliver { .. } => "deliver",
            Self::Post { .. } => "post",
            Self::MemberRole { .. } => "role",
            Self::OpenRoom { .. } => "open_room",
            Self::RoomMembers { .. } => "room_members",
            Self::CloseRoom { .. } => "close_room",
        }
    }

    /// Whether it is an interaction's answer (sent at once, apart from the guild's other effects).
    #[must_use]
    pub fn is_answer(&self) -> bool {
        matches!(self, Self::Answer { .. } | Self::Query { .. })
    }

    /// The outbox row for it.
    #[must_use]
    pub fn row(&self, guild: GuildId) -> NewEffect {
        NewEffect {
            guild_id: guild.0,
            kind: self.kind(),
            effect: serde_json::to_value(self).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A public message that pings `member` and nobody else.
fn post(channel: u64, member: UserId, content: String) -> Effect {
    Effect::Post {
        channel,
        content,
        pings: Pings::member(member),
    }
}

/// Everything `outcome` does on Discord besides answering the member who acted; `here` is the channel
/// the command came from (where a level-up is announced unless the guild chose a channel). Pure.
#[must_use]
pub fn for_outcome(guild: GuildId, here: Option<u64>, outcome: &Outcome) -> Vec<Effect> {
    let mut effects: Vec<Effect> = receipts::dms(outcome).into_iter().map(Effect::Dm).collect();
    let role = |member: UserId, role: studio_schema::RoleId, give: bool| Effect::MemberRole {
        guild,
        member,
        role,
        give,
    };
    if let (Some(code), Outcome::Purchased { buyer, price, .. }) =
        (CodeRef::purchased(guild, outcome), outcome)
    {
        effects.insert(
            0,
            Effect::Deliver {
                code,
                buyer: *buyer,
                price: *price,
            },
        );
    }
    match outcome {
        Outcome::MessageRewarded {
            member,
            level_up: Some(level),
            announce_in,
            level_roles,
            ..
        } => {
            if let Some(channel) = announce_in.map(|c| c.get()).or(here) {
                effects.push(post(
                    channel,
                    *member,
                    crate::discord::render::level_up_text(*member, *level),
                ));
            }
            effects.extend(level_roles.iter().map(|r| role(*member, *r, true)));
        }
        Outcome::XpAdjusted {
            member,
            level_roles,
            ..
        } => effects.extend(level_roles.iter().map(|r| role(*member, *r, true))),
        Outcome::RankUp {
            member,
            roles,
            quiet: true,
            ..
        } => {
            effects.extend(roles.iter().map(|r| role(*member, *r, true)));
        }
        Outcome::RankUp {
            member,
            rank,
            roles,
            announce_in,
            ..
        } => {
            if let Some(channel) = announce_in {
                effects.push(post(
                    channel.get(),
                    *member,
                    format!("🎖️ <@{member}> reached the **{rank}** rank!"),
                ));
            }
            effects.push(Effect::Dm(Dm {
                to: *member,
                content: format!(
                    "🎖️ You reached the **{rank}** rank in the server! See what it unlocks with /profile → Rank Info."
                ),
                embeds: Vec::new(),
                pings: Pings::nobody(),
            }));
            effects.extend(roles.iter().map(|r| role(*member, *r, true)));
        }
        Outcome::ListingExpired {
            listing,
            seller,
            title,
        } => effects.push(Effect::Dm(Dm {
            to: *seller,
            content: format!(
                "⌛ Your listing #{listing} **{title}** reached the end of its time on sale and is off the marketplace; buyers keep their copies. Put it back on sale with 🔁 Renew #{listing} in /shop → 📦 My Listings."
            ),
            embeds: Vec::new(),
            pings: Pings::nobody(),
        })),
        Outcome::HeadPublished { channel, head } => effects.push(Effect::Post {
            channel: channel.get(),
            content: crate::rules::heads::message(head),
            pings: Pings::nobody(),
        }),
        Outcome::Rejoined { member, roles, .. } => {
            effects.extend(roles.iter().map(|r| role(*member, *r, true)));
        }
        Outcome::SettingChanged { roles, .. } => {
            for (member, give, take) in roles {
                effects.extend(give.iter().map(|r| role(*member, *r, true)));
                effects.extend(take.iter().map(|r| role(*member, *r, false)));
            }
        }
        Outcome::Team {
            team,
            step,
            members,
            ..
        } => {
            let room = Room {
                guild,
                name: crate::rules::team::channel_name(*team),
            };
            match step {
                TeamStep::Created { owner, .. } => effects.push(Effect::OpenRoom {
                    room,
                    members: vec![*owner],
                    welcome: None,
                    pings: Pings::nobody(),
                }),
                TeamStep::Joined { .. } => effects.push(Effect::RoomMembers {
                    room,
                    members: members.clone(),
                    gone: None,
                }),
                TeamStep::Left { member } | TeamStep::Kicked { member } => {
                    effects.push(Effect::RoomMembers {
                        room,
                        members: members.clone(),
                        gone: Some(*member),
                    });
                }
                TeamStep::Disbanded { .. } => effects.push(Effect::CloseRoom { room }),
                _ => {}
            }
        }
        Outcome::Commission {
            commission,
            client,
            developer,
            step: Step::Accepted,
        } => effects.push(Effect::OpenRoom {
            room: Room {
                guild,
                name: format!("commission-{}", commission.0),
            },
            members: vec![*client, *developer],
            welcome: Some(format!(
                "🤝 Commission #{commission}: <@{client}> (client) and <@{developer}> (developer). \
                 Only you two (and server admins) see this channel. Next: the client funds the escrow \
                 with `/commission fund id:{commission}`."
            )),
            pings: Pings::members([*client, *developer]),
        }),
        _ => {}
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio_schema::money::TeamId;

    #[test]
    fn an_effect_survives_the_outbox_round_trip() {
        let effect = Effect::Answer {
            reply: Reply {
                id: Id::new(5),
                token: "tok".into(),
                member: Some(UserId(7)),
                deferred: true,
            },
            response: Box::new(crate::discord::render::ephemeral("hello")),
            when_late: WhenLate::TellByDm,
            code: None,
        };
        let row = effect.row(GuildId(1));
        assert_eq!(row.kind, "answer");
        let back: Effect = serde_json::from_value(row.effect).expect("decodes");
        assert_eq!(back, effect);
    }

    #[test]
    fn a_query_survives_the_outbox_round_trip() {
        use crate::query::{Board, Query};
        let effect = Effect::Query {
            guild: GuildId(1),
            head: 42,
            reply: Reply {
                id: Id::new(5),
                token: "tok".into(),
                member: Some(UserId(7)),
                deferred: false,
            },
            query: Box::new(Query::Board {
                board: Board::Shop {
                    tab: crate::discord::custom_id::ShopTab::Mine,
                    page: 2,
                    owner: UserId(7),
                    language: Some("Rust".into()),
                },
                update: true,
            }),
        };
        let row = effect.row(GuildId(1));
        assert_eq!(row.kind, "query");
        let back: Effect = serde_json::from_value(row.effect).expect("decodes");
        assert_eq!(back, effect);
    }

    #[test]
    fn a_team_member_leaving_is_shut_out_of_the_room_by_name_of_the_team() {
        let outcome = Outcome::Team {
            team: TeamId(3),
            name: "Jam".into(),
            step: TeamStep::Left { member: UserId(9) },
            members: vec![UserId(1)],
        };
        let effects = for_outcome(GuildId(1), None, &outcome);
        assert!(effects.contains(&Effect::RoomMembers {
            room: Room {
                guild: GuildId(1),
                name: "team-3".into()
            },
            members: vec![UserId(1)],
            gone: Some(UserId(9)),
        }));
    }

    #[test]
    fn a_chain_head_is_posted_in_the_audit_channel_pinging_nobody() {
        let head = Outcome::HeadPublished {
            channel: studio_schema::ChannelId(70),
            head: "1:5:ab".into(),
        };
        assert!(matches!(
            &for_outcome(GuildId(1), None, &head)[..],
            [Effect::Post { channel: 70, content, pings }]
                if content.contains("`1:5:ab`") && *pings == Pings::nobody()
        ));
    }

    #[test]
    fn announcements_ping_their_member_a_deal_room_its_parties_and_dms_nobody() {
        use studio_schema::CommissionId;
        let level_up = Outcome::MessageRewarded {
            member: UserId(2),
            xp: studio_schema::Xp(5),
            level_up: Some(2),
            announce_in: None,
            level_roles: Vec::new(),
        };
        assert_eq!(
            for_outcome(GuildId(1), Some(30), &level_up),
            vec![Effect::Post {
                channel: 30,
                content: "🎉 <@2> reached level 2!".into(),
                pings: Pings::member(UserId(2)),
            }]
        );
        let accepted = Outcome::Commission {
            commission: CommissionId(4),
            client: UserId(2),
            developer: UserId(3),
            step: Step::Accepted,
        };
        let room = for_outcome(GuildId(1), None, &accepted);
        assert!(
            room.iter()
                .any(|e| matches!(e, Effect::OpenRoom { pings, .. }
                if *pings == Pings::members([UserId(2), UserId(3)]))),
            "{room:?}"
        );
        for effect in room {
            if let Effect::Dm(dm) = effect {
                assert_eq!(dm.pings, Pings::nobody());
            }
        }
    }

    #[test]
    fn a_post_stored_with_allowed_mentions_still_reads() {
        let stored = serde_json::json!({"effect": "post", "channel": 30, "content": "hi",
            "allowed_mentions": {"parse": [], "users": ["2"]}});
        let read: Effect = serde_json::from_value(stored).expect("decodes");
        assert_eq!(
            read,
            Effect::Post {
                channel: 30,
                content: "hi".into(),
                pings: Pings::member(UserId(2)),
            }
        );
    }

    #[test]
    fn a_rank_up_is_a_dm_and_its_roles() {
        let outcome = Outcome::RankUp {
            guild: GuildId(1),
            member: UserId(2),
            rank: "Expert".into(),
            roles: vec![studio_schema::RoleId(44)],
            announce_in: Some(studio_schema::ChannelId(9)),
            quiet: false,
        };
        let effects = for_outcome(GuildId(1), None, &outcome);
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Dm(Dm { to: UserId(2), .. })))
        );
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Post { channel: 9, .. }))
        );
        let given = Effect::MemberRole {
            guild: GuildId(1),
            member: UserId(2),
            role: studio_schema::RoleId(44),
            give: true,
        };
        assert!(effects.contains(&given));

        // A rank crossed before Studio saw the member: the role, and no DM, no post.
        let quiet = Outcome::RankUp {
            guild: GuildId(1),
            member: UserId(2),
            rank: "Expert".into(),
            roles: vec![studio_schema::RoleId(44)],
            announce_in: Some(studio_schema::ChannelId(9)),
            quiet: true,
        };
        assert_eq!(for_outcome(GuildId(1), None, &quiet), vec![given]);
    }
}
