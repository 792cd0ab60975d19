//! Studio's domain events: facts in the past tense, tagged by `type`, versioned by [`SCHEMA_VERSION`].
//!
//! An event carries only what was true when it happened (amounts, timestamps decided once), so a
//! replay never re-reads a clock or re-rolls a die. Old payloads are upcast in [`Event::decode`];
//! events in the log are never rewritten.

use crate::community::{
    MemberContacted, ProfileUpdated, QuestAssigned, QuestClaimed, ReputationGiven,
    ReputationRevoked, SpotlightBought, TournamentCancelled, TournamentCreated, TournamentEntered,
    TournamentPaid,
};
use crate::economy::{
    CommissionDelivered, CommissionDisputed, CommissionFunded, CommissionOffered,
    CommissionSettled, CommissionStep, CreditsAdjusted, CreditsTransferred, DisputeRejected,
    ListingDelisted, ListingExpired, ListingFeatured, ListingPublished, ListingPurchased,
    ListingRenewed, ListingReviewed, MilestoneReleased, PurchaseDisputed, PurchaseRefunded,
};
use crate::ids::{ChannelId, MessageId, SeasonId, UserId, Xp};
use crate::money::Posting;
use crate::teams::{
    TeamCreated, TeamDisbanded, TeamMembershipChanged, TeamMilestoneChanged, TeamOwnerChanged,
    TeamWalletMoved,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The payload version written with every new event.
pub const SCHEMA_VERSION: i32 = 1;

/// Everything that can happen in a guild.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    /// A member joined the guild (GUILD_MEMBER_ADD).
    MemberJoined {
        member: UserId,
        at: DateTime<Utc>,
        bot: bool,
    },
    /// A member left the guild (GUILD_MEMBER_REMOVE); time away does not count toward tenure.
    MemberLeft {
        member: UserId,
        at: DateTime<Utc>,
    },
    /// A member first seen without a join event (GUILD_CREATE, member chunks, a first message),
    /// seeded with Discord's `joined_at`.
    MemberSeen {
        member: UserId,
        joined_at: DateTime<Utc>,
        bot: bool,
        /// When Studio first saw them (absent in events recorded before it was kept): a rank the
        /// member's tenure had crossed before then is recorded without announcing it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seen_at: Option<DateTime<Utc>>,
    },
    /// A member posted a message; `xp` is what it earned (0 inside the cooldown or when too short).
    /// `posted_at` is the message's own timestamp, which the cooldown is decided from, so a restart
    /// or a redelivery cannot reset it.
    MessagePosted {
        member: UserId,
        channel: ChannelId,
        message: MessageId,
        xp: Xp,
        posted_at: DateTime<Utc>,
    },
    /// An admin gave a member XP.
    XpGranted {
        member: UserId,
        xp: Xp,
        reason: String,
        by: UserId,
    },
    /// An admin took XP from a member; `xp` is what was actually removed.
    XpRevoked {
        member: UserId,
        xp: Xp,
        reason: String,
        by: UserId,
    },
    /// A member paid another.
    CreditsTransferred(CreditsTransferred),
    /// An admin issued credits from the mint.
    CreditsGranted(CreditsAdjusted),
    /// An admin took credits into the treasury.
    CreditsRevoked(CreditsAdjusted),
    /// A listing's first version went up on the marketplace.
    ListingCreated(ListingPublished),
    /// A listing got a new version.
    ListingEdited(ListingPublished),
    ListingDelisted(ListingDelisted),
    /// A listing's time on the marketplace ran out.
    ListingExpired(ListingExpired),
    /// A seller put a listing on sale for another period.
    ListingRenewed(ListingRenewed),
    ListingPurchased(ListingPurchased),
    ListingReviewed(ListingReviewed),
    PurchaseRefunded(PurchaseRefunded),
    PurchaseDisputed(PurchaseDisputed),
    DisputeRejected(DisputeRejected),
    ListingFeatured(ListingFeatured),
    CommissionOffered(CommissionOffered),
    /// The developer accepted an offer.
    CommissionAccepted(CommissionStep),
    CommissionFunded(CommissionFunded),
    MilestoneReleased(MilestoneReleased),
    CommissionDelivered(CommissionDelivered),
    CommissionDisputed(CommissionDisputed),
    CommissionSettled(CommissionSettled),
    ReputationGiven(ReputationGiven),
    ReputationRevoked(ReputationRevoked),
    TournamentCreated(TournamentCreated),
    TournamentEntered(TournamentEntered),
    TournamentPaid(TournamentPaid),
    TournamentCancelled(TournamentCancelled),
    ProfileUpdated(ProfileUpdated),
    MemberContacted(MemberContacted),
    QuestAssigned(QuestAssigned),
    QuestClaimed(QuestClaimed),
    SpotlightBought(SpotlightBought),
    TeamCreated(TeamCreated),
    TeamMembershipChanged(TeamMembershipChanged),
    TeamOwnerChanged(TeamOwnerChanged),
    TeamWalletMoved(TeamWalletMoved),
    TeamMilestoneChanged(TeamMilestoneChanged),
    TeamDisbanded(TeamDisbanded),
    /// An admin changed one of the guild's rules; `None` leaves a setting as it was.
    GuildSettingsChanged {
        by: UserId,
        #[serde(flatten)]
        change: crate::settings::SettingsChange,
    },
    /// A member's time in the guild reached a rank at `at` (the moment the threshold was crossed,
    /// decided once by the scheduler).
    RankReached {
        member: UserId,
        rank: String,
        at: DateTime<Utc>,
    },
    /// An admin started season `season` (the one after the guild's last) at `at`. Nothing is reset:
    /// the season's leaderboard counts the XP earned after this event in the log, and all-time XP
    /// keeps everything.
    SeasonStarted {
        season: SeasonId,
        name: String,
        by: UserId,
        at: DateTime<Utc>,
    },
    /// An admin undid an earlier admin action; the events appended with it reverse the rest.
    ActionUndone(crate::undo::ActionUndone),
    /// The scheduler posted the guild's chain head — the event at `seq` and its `hash` (hex) — to
    /// the audit channel at `at`, outside the database. This event comes after that head, so it
    /// moves the head itself: the head it names is the one just before it.
    ChainHeadPublished {
        seq: i64,
        hash: String,
        at: DateTime<Utc>,
    },
}

/// A payload that cannot be read as any known event.
#[derive(Debug, thiserror::Error)]
#[error("cannot decode {event_type} v{schema_version}: {source}")]
pub struct DecodeError {
    pub event_type: String,
    pub schema_version: i32,
    #[source]
    pub source: serde_json::Error,
}

impl Event {
    /// The stored `event_type`: the variant's name.
    #[must_use]
    pub fn event_type(&self) -> &'static str {
        match self {
            Self::MemberJoined { .. } => "MemberJoined",
            Self::MemberLeft { .. } => "MemberLeft",
            Self::MemberSeen { .. } => "MemberSeen",
            Self::MessagePosted { .. } => "MessagePosted",
            Self::XpGranted { .. } => "XpGranted",
            Self::XpRevoked { .. } => "XpRevoked",
            Self::CreditsTransferred(_) => "CreditsTransferred",
            Self::CreditsGranted(_) => "CreditsGranted",
            Self::CreditsRevoked(_) => "CreditsRevoked",
            Self::ListingCreated(_) => "ListingCreated",
            Self::ListingEdited(_) => "ListingEdited",
            Self::ListingDelisted(_) => "ListingDelisted",
            Self::ListingExpired(_) => "ListingExpired",
            Self::ListingRenewed(_) => "ListingRenewed",
            Self::ListingPurchased(_) => "ListingPurchased",
            Self::ListingReviewed(_) => "ListingReviewed",
            Self::PurchaseRefunded(_) => "PurchaseRefunded",
            Self::PurchaseDisputed(_) => "PurchaseDisputed",
            Self::DisputeRejected(_) => "DisputeRejected",
            Self::ListingFeatured(_) => "ListingFeatured",
            Self::CommissionOffered(_) => "CommissionOffered",
            Self::CommissionAccepted(_) => "CommissionAccepted",
            Self::CommissionFunded(_) => "CommissionFunded",
            Self::MilestoneReleased(_) => "MilestoneReleased",
            Self::CommissionDelivered(_) => "CommissionDelivered",
            Self::CommissionDisputed(_) => "CommissionDisputed",
            Self::CommissionSettled(_) => "CommissionSettled",
            Self::GuildSettingsChanged { .. } => "GuildSettingsChanged",
            Self::RankReached { .. } => "RankReached",
            Self::ReputationGiven(_) => "ReputationGiven",
            Self::ReputationRevoked(_) => "ReputationRevoked",
            Self::TournamentCreated(_) => "TournamentCreated",
            Self::TournamentEntered(_) => "TournamentEntered",
            Self::TournamentPaid(_) => "TournamentPaid",
            Self::TournamentCancelled(_) => "TournamentCancelled",
            Self::ProfileUpdated(_) => "ProfileUpdated",
            Self::QuestAssigned(_) => "QuestAssigned",
            Self::QuestClaimed(_) => "QuestClaimed",
            Self::SpotlightBought(_) => "SpotlightBought",
            Self::TeamCreated(_) => "TeamCreated",
            Self::TeamMembershipChanged(_) => "TeamMembershipChanged",
            Self::TeamOwnerChanged(_) => "TeamOwnerChanged",
            Self::TeamWalletMoved(_) => "TeamWalletMoved",
            Self::TeamMilestoneChanged(_) => "TeamMilestoneChanged",
            Self::TeamDisbanded(_) => "TeamDisbanded",
            Self::MemberContacted(_) => "MemberContacted",
            Self::SeasonStarted { .. } => "SeasonStarted",
            Self::ActionUndone(_) => "ActionUndone",
            Self::ChainHeadPublished { .. } => "ChainHeadPublished",
        }
    }

    /// The member whose membership or XP the event changes, if any.
    #[must_use]
    pub fn member(&self) -> Option<UserId> {
        match self {
            Self::MemberJoined { member, .. }
            | Self::MemberLeft { member, .. }
            | Self::MemberSeen { member, .. }
            | Self::MessagePosted { member, .. }
            | Self::XpGranted { member, .. }
            | Self::XpRevoked { member, .. }
            | Self::RankReached { member, .. } => Some(*member),
            Self::ListingPurchased(p) => Some(p.seller),
            Self::ListingReviewed(r) => Some(r.reviewer),
            Self::ReputationGiven(r) => Some(r.receiver),
            Self::ReputationRevoked(r) => Some(r.receiver),
            Self::QuestClaimed(q) => Some(q.member),
            Self::PurchaseRefunded(r) => Some(r.seller),
            _ => None,
        }
    }

    /// XP the event adds to [`Event::member`] besides messages and admin changes (a sale, a review),
    /// or takes back (negative: a refunded sale).
    #[must_use]
    pub fn earned_xp(&self) -> Xp {
        match self {
            Self::ListingPurchased(p) => p.seller_xp,
            Self::ListingReviewed(r) => r.reviewer_xp,
            Self::QuestClaimed(q) => q.xp,
            Self::PurchaseRefunded(r) => Xp(-r.seller_xp.0),
            _ => Xp(0),
        }
    }

    /// The reputation the event adds to [`Event::member`] (+1, -1, or 0).
    #[must_use]
    pub fn reputation_change(&self) -> i64 {
        match self {
            Self::ReputationGiven(_) => 1,
            Self::ReputationRevoked(_) => -1,
            _ => 0,
        }
    }

    /// The credits the event moves: lines that sum to zero (none for an event that moves nothing).
    #[must_use]
    pub fn postings(&self) -> &[Posting] {
        match self {
            Self::CreditsTransferred(e) => &e.postings,
            Self::CreditsGranted(e) | Self::CreditsRevoked(e) => &e.postings,
            Self::ListingPurchased(e) => &e.postings,
            Self::PurchaseRefunded(e) => &e.postings,
            Self::PurchaseDisputed(e) => &e.postings,
            Self::DisputeRejected(e) => &e.postings,
            Self::ListingFeatured(e) => &e.postings,
            Self::CommissionFunded(e) => &e.postings,
            Self::MilestoneReleased(e) => &e.postings,
            Self::CommissionSettled(e) => &e.postings,
            Self::TournamentCreated(e) => &e.postings,
            Self::TournamentPaid(e) => &e.postings,
            Self::TournamentCancelled(e) => &e.postings,
            Self::QuestClaimed(e) => &e.postings,
            Self::SpotlightBought(e) => &e.postings,
            Self::TeamCreated(e) => &e.postings,
            Self::TeamWalletMoved(e) => &e.postings,
            Self::TeamMilestoneChanged(e) => &e.postings,
            Self::TeamDisbanded(e) => &e.postings,
            Self::ActionUndone(e) => &e.postings,
            _ => &[],
        }
    }

    /// Reads a stored payload, upcasting older versions to the current shape.
    ///
    /// # Errors
    /// The payload does not match any known version of its type.
    pub fn decode(
        event_type: &str,
        schema_version: i32,
        payload: serde_json::Value,
    ) -> Result<Self, DecodeError> {
        Self::upcast(event_type, schema_version, payload)
    }

    /// [`Event::decode`] straight from the stored JSON text, without building a
    /// `serde_json::Value` first (what every read of the log does: it is most of a replay's decode).
    ///
    /// # Errors
    /// The payload does not match any known version of its type.
    pub fn decode_text(
        event_type: &str,
        schema_version: i32,
        payload: &str,
    ) -> Result<Self, DecodeError> {
        let mut text = serde_json::Deserializer::from_str(payload);
        let event = Self::upcast(event_type, schema_version, &mut text)?;
        text.end().map_err(|source| DecodeError {
            event_type: event_type.to_owned(),
            schema_version,
            source,
        })?;
        Ok(event)
    }

    /// The one place a stored version becomes the current shape, whatever holds the payload.
    fn upcast<'de>(
        event_type: &str,
        schema_version: i32,
        payload: impl serde::Deserializer<'de, Error = serde_json::Error>,
    ) -> Result<Self, DecodeError> {
        // Version 1 is the only version so far; an upcaster per old version goes here.
        Self::deserialize(payload).map_err(|source| DecodeError {
            event_type: event_type.to_owned(),
            schema_version,
            source,
        })
    }

    /// The stored payload.
    ///
    /// # Errors
    /// Never in practice: every field serializes.
    pub fn encode(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Member 7 granted 50 XP by member 1 for `reason`.
    fn granted(reason: &str) -> Event {
        Event::XpGranted {
            member: UserId(7),
            xp: Xp(50),
            reason: reason.into(),
            by: UserId(1),
        }
    }

    #[test]
    fn an_event_round_trips_through_its_stored_form() {
        let event = granted("great demo");
        let payload = event.encode().expect("encodes");
        assert_eq!(payload["type"], "XpGranted");
        let back = Event::decode(event.event_type(), SCHEMA_VERSION, payload).expect("decodes");
        assert_eq!(back, event);
    }

    #[test]
    fn settings_changes_written_before_more_settings_existed_still_decode() {
        let old = serde_json::json!({
            "type": "GuildSettingsChanged", "by": 1, "beginners_may_sell": true, "pro_dev_role": null,
        });
        let back = Event::decode("GuildSettingsChanged", SCHEMA_VERSION, old).expect("decodes");
        let Event::GuildSettingsChanged { change, .. } = &back else {
            panic!("{back:?}");
        };
        assert_eq!(change.beginners_may_sell, Some(true));
        assert_eq!(change.message_xp, None);
        let payload = back.encode().expect("encodes");
        assert_eq!(
            Event::decode("GuildSettingsChanged", SCHEMA_VERSION, payload).expect("decodes"),
            back
        );
    }

    #[test]
    fn an_unknown_payload_is_a_decode_error_not_a_panic() {
        let err = Event::decode("Nope", 1, serde_json::json!({"type": "Nope"}));
        assert!(err.is_err());
        for text in [
            r#"{"type": "Nope"}"#,
            r#"{"type": "XpGranted""#,
            "[1, 2]",
            "",
        ] {
            let err = Event::decode_text("Nope", 1, text);
            assert!(err.is_err(), "{text} decoded");
        }
    }

    #[test]
    fn the_stored_text_decodes_to_what_the_value_decodes_to() {
        let event = granted("great \"demo\" \u{1f3ae}");
        let payload = event.encode().expect("encodes");
        // Postgres gives jsonb back with its keys reordered: the tag is not first.
        let text = r#"{"by": 1, "xp": 50, "type": "XpGranted", "member": 7, "reason": "great \"demo\" 🎮"}"#;
        let from_text = Event::decode_text("XpGranted", SCHEMA_VERSION, text).expect("decodes");
        assert_eq!(from_text, event);
        assert_eq!(
            Event::decode("XpGranted", SCHEMA_VERSION, payload).expect("decodes"),
            from_text
        );
        let trailing = format!("{text} x");
        assert!(Event::decode_text("XpGranted", SCHEMA_VERSION, &trailing).is_err());
    }
}
