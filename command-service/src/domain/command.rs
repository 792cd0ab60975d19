//! What members and Discord ask of a guild.

use crate::rules::tenure::Rank;
use chrono::{DateTime, TimeDelta, Utc};
use studio_schema::money::TeamId;
use studio_schema::{ChannelId, CommissionId, ListingId, MessageId, TournamentId, UserId};

/// A member as Discord first shows them to us.
#[derive(Clone, Debug, PartialEq)]
pub struct SeenMember {
    pub member: UserId,
    pub joined_at: DateTime<Utc>,
    pub bot: bool,
}

/// A request to change a guild's state. Each one is identified by the Discord object that caused it.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// A message was posted (MESSAGE_CREATE).
    PostMessage {
        author: SeenMember,
        /// The author's roles as Discord sent them with the message (XP rules by role).
        roles: Vec<studio_schema::RoleId>,
        channel: ChannelId,
        message: MessageId,
        content_chars: usize,
        posted_at: DateTime<Utc>,
    },
    /// A member joined (GUILD_MEMBER_ADD).
    RecordJoin(SeenMember),
    /// A member left (GUILD_MEMBER_REMOVE) at `at`: when the gateway received it, so a backlog
    /// processed late does not count the wait as time in the guild.
    RecordLeave { member: UserId, at: DateTime<Utc> },
    /// Discord listed members (GUILD_CREATE, GUILD_MEMBERS_CHUNK).
    SeeMembers(Vec<SeenMember>),
    /// `/xp give` or `/xp remove` by an admin.
    AdjustXp {
        actor: UserId,
        actor_can_manage_guild: bool,
        member: UserId,
        member_is_bot: bool,
        amount: i64,
        give: bool,
        reason: String,
    },
    /// `/pay member amount [note]`.
    Pay {
        from: UserId,
        to: UserId,
        to_is_bot: bool,
        amount: i64,
        note: Option<String>,
    },
    /// `/credits grant|revoke` by an admin: from the mint, or into the treasury.
    AdjustCredits {
        actor: UserId,
        actor_can_manage_guild: bool,
        member: UserId,
        member_is_bot: bool,
        amount: i64,
        grant: bool,
        reason: String,
    },
    /// Something done on the marketplace.
    Market(Market),
    /// `/rep member [reason]` (or, with `message`, a reputation reaction on it).
    GiveRep {
        giver: UserId,
        receiver: UserId,
        receiver_is_bot: bool,
        at: DateTime<Utc>,
        message: Option<MessageId>,
        reason: Option<String>,
    },
    /// `giver` added (or removed) reaction `emoji` (`reputation::reaction_key`) on `message` by
    /// `author`; it counts as reputation only if it is the guild's reputation reaction.
    React {
        added: bool,
        giver: UserId,
        author: Option<UserId>,
        message: MessageId,
        emoji: String,
        at: DateTime<Utc>,
    },
    /// An admin removes every point `giver` gave (an alt account).
    PurgeRep {
        actor: UserId,
        actor_can_manage_guild: bool,
        giver: UserId,
        reason: String,
    },
    /// The profile form, as typed.
    SetProfile {
        member: UserId,
        role: String,
        years: String,
        skills: String,
        links: String,
        open: String,
    },
    /// Contact from `/find`: a short message delivered by DM.
    Contact {
        from: UserId,
        to: UserId,
        message: String,
        at: DateTime<Utc>,
    },
    /// A tournament step.
    Tournament(TournamentCmd),
    /// The scheduler: a member's time in the guild has reached `rank`.
    ReachRank { member: UserId, rank: Rank },
    /// The scheduler: the chain head at `seq` is due in the audit channel. `hash` is the event's
    /// hash as the log holds it, read before deciding (`None` until read: then nothing is posted).
    PublishHead { seq: i64, hash: Option<String> },
    /// An admin changes the guild's rules.
    ChangeSettings {
        actor: UserId,
        actor_can_manage_guild: bool,
        change: Box<studio_schema::settings::SettingsChange>,
        /// For a change of the roles Studio hands out: who asks, and Discord's facts about the
        /// guild's roles once the intake has gathered them ([`crate::rules::roles`]).
        role_facts: Option<Box<crate::rules::roles::RoleFacts>>,
    },
    /// A member asks for today's quest (`at`: when); `roll` is drawn at random by the caller and
    /// used only if the member has no quest yet that day.
    Daily {
        member: UserId,
        at: chrono::DateTime<chrono::Utc>,
        roll: u64,
    },
    /// A member claims today's completed quest.
    ClaimQuest {
        member: UserId,
        at: chrono::DateTime<chrono::Utc>,
    },
    /// A member of the premium rank buys a spotlight for `text` (at the interaction's time).
    Spotlight {
        member: UserId,
        text: String,
        at: chrono::DateTime<chrono::Utc>,
    },
    /// A team action.
    Team(TeamCmd),
    /// Anyone asks for the rules in force.
    ShowSettings,
    /// A step of a commission.
    Commission(Commission),
    /// `/season start name`: an admin starts the next season.
    StartSeason {
        actor: UserId,
        actor_can_manage_guild: bool,
        name: String,
    },
    /// `/season show`: anyone asks which season is in force.
    ShowSeason,
    /// An admin undoes an earlier admin action (`/undo`, or the Undo button on its answer).
    Undo(Box<Undo>),
    /// Members' XP and credits imported from another bot's export: by an operator
    /// (`projector import`) or by an admin who uploads the file (`/import`).
    Import(Box<Import>),
}

/// An import of members' levels ([`Command::Import`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The admin who uploaded the file, or [`UserId::OPERATOR`].
    pub by: UserId,
    pub by_can_manage_guild: bool,
    pub file: ImportFile,
}

/// The file an import reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportFile {
    /// Read already (by the operator's command line).
    Read(studio_schema::import::Read),
    /// Uploaded to Discord: fetched and read before deciding, so the decider stays pure.
    Upload(Upload),
}

/// A file an admin attached to `/import`, as Discord describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    pub url: String,
    pub filename: String,
    /// Its size in bytes, as Discord gives it.
    pub size: u64,
    pub format: studio_schema::import::Format,
    /// The file read, or why it could not be; `None` before the intake fetched it.
    pub read: Option<Result<studio_schema::import::Read, String>>,
}

/// Which action an undo names: a log position (`/undo`), or the command whose answer carried the
/// Undo button (its interaction id, the action's causation in the log).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UndoTarget {
    Position(i64),
    Button(String),
}

/// `/undo position [reason]`, or the Undo button.
#[derive(Clone, Debug, PartialEq)]
pub struct Undo {
    pub actor: UserId,
    pub actor_can_manage_guild: bool,
    pub target: UndoTarget,
    pub reason: String,
    /// When the admin asked (the button lasts [`crate::rules::undo::BUTTON_LASTS`]).
    pub at: DateTime<Utc>,
    /// What the log holds for the target, read by the intake just before the undo is decided;
    /// `None` when it could not be read (the undo is refused then).
    pub found: Option<Found>,
    /// The operator's login, when an operator asked from the command line (`actor` is then
    /// [`studio_schema::UserId::OPERATOR`]).
    pub operator: Option<String>,
}

/// The action an undo names, as the log holds it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Found {
    /// Its events, in order, with their positions and times (empty: no such action).
    pub events: Vec<(i64, DateTime<Utc>, studio_schema::Event)>,
    /// The guild's settings changes before its first event, in order.
    pub settings_before: Vec<studio_schema::settings::SettingsChange>,
}

/// What a seller typed in the `/sell` modal, unchecked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub description: String,
    pub language: String,
    pub price: String,
    pub code: String,
}

/// Marketplace commands. Every one names its actor; everything a button claims is checked again.
#[derive(Clone, Debug, PartialEq)]
pub enum Market {
    /// `/sell` (a new listing) or Edit (a new version of `listing`).
    Publish {
        seller: UserId,
        listing: Option<ListingId>,
        draft: Draft,
    },
    Delist {
        actor: UserId,
        listing: ListingId,
    },
    /// The scheduler: a listing's time on sale ran out (`/settings listing-days`, days of `day`).
    Expire {
        listing: ListingId,
        day: TimeDelta,
    },
    /// A seller puts a listing on sale for another period (it may have expired).
    Renew {
        seller: UserId,
        listing: ListingId,
        /// How long a day lasts (set by the intake from its configuration).
        day: TimeDelta,
    },
    /// Buy: `version` is the one the buyer was shown; a newer one is not bought blind.
    Buy {
        buyer: UserId,
        listing: ListingId,
        version: i64,
    },
    Review {
        reviewer: UserId,
        listing: ListingId,
        stars: String,
        text: String,
    },
    /// The seller refunds one buyer.
    Refund {
        seller: UserId,
        listing: ListingId,
        buyer: UserId,
        reason: String,
    },
    Dispute {
        buyer: UserId,
        listing: ListingId,
        reason: String,
    },
    /// An admin resolves a buyer's dispute: refund, or reject.
    Resolve {
        actor: UserId,
        actor_can_manage_guild: bool,
        listing: ListingId,
        buyer: UserId,
        refund: bool,
        note: String,
    },
    /// The seller pays to feature a listing for `days`.
    Feature {
        seller: UserId,
        listing: ListingId,
        days: i64,
    },
}

/// How an admin resolves a disputed commission.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    Release,
    Refund,
    /// The developer's share of what is left, in percent.
    Split(i64),
}

/// Commission commands.
#[derive(Clone, Debug, PartialEq)]
pub enum Commission {
    Offer {
        client: UserId,
        developer: UserId,
        developer_is_bot: bool,
        amount: i64,
        description: String,
        deadline_days: i64,
        /// How long a deadline day lasts (a day; shorter only for tests and demos:
        /// `STUDIO_DEADLINE_DAY_SECS`).
        deadline_day: TimeDelta,
    },
    Accept {
        developer: UserId,
        commission: CommissionId,
    },
    Fund {
        client: UserId,
        commission: CommissionId,
    },
    Milestone {
        client: UserId,
        commission: CommissionId,
        amount: i64,
        note: String,
    },
    /// The developer delivers; the client then has `review_window` to release or dispute.
    Deliver {
        developer: UserId,
        commission: CommissionId,
        review_window: TimeDelta,
    },
    Release {
        client: UserId,
        commission: CommissionId,
    },
    /// Withdraw before funding (either party), or the client's refund after a missed deadline.
    Cancel {
        actor: UserId,
        commission: CommissionId,
    },
    Dispute {
        actor: UserId,
        commission: CommissionId,
        reason: String,
    },
    Resolve {
        actor: UserId,
        actor_can_manage_guild: bool,
        commission: CommissionId,
        resolution: Resolution,
    },
    /// The scheduler: release a delivered commission whose review window has passed.
    AutoRelease { commission: CommissionId },
    /// The scheduler: refund the client of a funded commission whose deadline passed without a
    /// delivery.
    DeadlineRefund { commission: CommissionId },
}

/// Tournament commands.
#[derive(Clone, Debug, PartialEq)]
pub enum TournamentCmd {
    /// An admin opens a tournament with a prize pool from the treasury (or else the mint).
    Create {
        actor: UserId,
        actor_can_manage_guild: bool,
        name: String,
        prize: i64,
        from_treasury: bool,
        days: i64,
    },
    Enter {
        member: UserId,
        tournament: TournamentId,
    },
    /// An admin records the placings, first first.
    Results {
        actor: UserId,
        actor_can_manage_guild: bool,
        tournament: TournamentId,
        placings: Vec<UserId>,
    },
    Cancel {
        actor: UserId,
        actor_can_manage_guild: bool,
        tournament: TournamentId,
    },
}

/// Team commands; `actor` is the member acting, every other rule is checked by the decider.
#[derive(Clone, Debug, PartialEq)]
pub enum TeamCmd {
    Create {
        owner: UserId,
        name: String,
        description: String,
        open: String,
    },
    /// Join an open team, accept an invitation, or ask to join an invite-only team.
    Join {
        member: UserId,
        team: TeamId,
    },
    Invite {
        actor: UserId,
        team: TeamId,
        member: UserId,
    },
    /// The owner accepts or declines a member's request.
    Answer {
        actor: UserId,
        team: TeamId,
        member: UserId,
        accept: bool,
    },
    Leave {
        member: UserId,
        team: TeamId,
    },
    Kick {
        actor: UserId,
        team: TeamId,
        member: UserId,
    },
    Transfer {
        actor: UserId,
        team: TeamId,
        to: UserId,
    },
    Disband {
        actor: UserId,
        team: TeamId,
    },
    Deposit {
        member: UserId,
        team: TeamId,
        amount: i64,
    },
    Pay {
        actor: UserId,
        team: TeamId,
        member: UserId,
        amount: i64,
        memo: String,
    },
    Spend {
        actor: UserId,
        team: TeamId,
        amount: i64,
        memo: String,
    },
    AddMilestone {
        actor: UserId,
        team: TeamId,
        title: String,
        reward: i64,
    },
    CompleteMilestone {
        actor: UserId,
        team: TeamId,
        milestone: u32,
    },
    ReopenMilestone {
        actor: UserId,
        team: TeamId,
        milestone: u32,
    },
}
