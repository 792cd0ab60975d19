//! What a decision told its member: recorded with the command id, so a duplicate delivery is
//! answered with the original outcome.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use studio_schema::economy::Settlement;
use studio_schema::money::TeamId;
use studio_schema::{
    CommissionId, Credits, GuildId, ListingId, SeasonId, TournamentId, UserId, Xp,
};

/// A rule said no. The member sees its text (each variant's own, below); nothing is written but the
/// record of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Rejection {
    #[error("You need the Manage Server permission to change XP.")]
    NeedsManageGuild,
    #[error("The amount must be a whole number from 1 to {max}.")]
    BadAmount { max: i64 },
    #[error("Bots do not collect XP.")]
    TargetIsBot,
    #[error("Please give a reason (1 to {max} characters).")]
    BadReason { max: usize },
    #[error("{member} has no XP to remove.")]
    NothingToRemove { member: String },
    #[error("The amount must be a whole number of credits from 1 to {max}.")]
    BadCredits { max: i64 },
    #[error("You need the Manage Server permission to do that.")]
    AdminOnly,
    #[error("{0}")]
    BadSetting(String),
    /// A role Studio may not hand out, or this admin may not choose ([`crate::rules::roles`]).
    #[error("{0}")]
    Role(crate::rules::roles::RoleRefusal),
    /// An undo Studio cannot do ([`crate::rules::undo`]).
    #[error("{0}")]
    Undo(crate::rules::undo::UndoRefusal),
    #[error("That is a premium feature: it opens at the {rank} rank.")]
    PremiumOnly { rank: String },
    #[error("One spotlight a week: your next one can be bought after {next}.")]
    SpotlightCooldown { next: String },
    #[error("There is no team #{0}.")]
    NoSuchTeam(i64),
    #[error("Only the team's owner can do that.")]
    TeamOwnerOnly,
    #[error("{member} is already in the team.")]
    AlreadyInTeam { member: String },
    #[error("{member} is not in the team.")]
    NotInTeam { member: String },
    #[error("{member} has not asked to join.")]
    NoRequest { member: String },
    #[error("You asked to join already; the owner will answer.")]
    AlreadyRequested,
    #[error("The owner cannot leave: transfer the team first, or disband it.")]
    OwnerCannotLeave,
    #[error("A team has at most {max} members.")]
    TeamFull { max: usize },
    #[error("A team has at most {max} milestones.")]
    TooManyMilestones { max: usize },
    #[error("There is no milestone #{0}.")]
    NoSuchMilestone(u32),
    #[error("Milestone #{0} is already {1}.")]
    MilestoneAlready(u32, String),
    #[error("Answer yes or no to \"open to everyone\".")]
    BadOpen,
    #[error("You have no quest today yet: run /daily to get one.")]
    NoQuestToday,
    #[error("Your quest is not done yet: {progress}/{target}.")]
    QuestNotDone { progress: u32, target: u32 },
    #[error("You already claimed today's quest. A new one comes tomorrow (UTC).")]
    QuestAlreadyClaimed,
    #[error("You cannot pay yourself.")]
    SelfPayment,
    #[error("Bots do not hold credits.")]
    BotAccount,
    #[error("You have {balance} credits; that needs {needed}.")]
    InsufficientCredits { balance: Credits, needed: Credits },
    #[error("{member} has only {balance} credits to revoke.")]
    NotEnoughToRevoke { member: String, balance: Credits },
    #[error("{field} must be 1 to {max} characters.")]
    BadText { field: String, max: usize },
    #[error("The price must be a whole number of credits from 1 to {max}.")]
    BadPrice { max: i64 },
    #[error("Selling on the marketplace needs the {needed} rank; you are {rank}.")]
    RankTooLow { needed: String, rank: String },
    #[error("There is no listing #{0}.")]
    NoSuchListing(ListingId),
    #[error("Listing #{0} is not on sale any more.")]
    ListingInactive(ListingId),
    #[error("Only the seller of listing #{0} can do that.")]
    NotTheSeller(ListingId),
    #[error("You cannot buy or review your own listing.")]
    OwnListing,
    #[error("You already own listing #{0}.")]
    AlreadyBought(ListingId),
    #[error(
        "Listing #{listing} changed since you saw it: it is now {price} credits. Look again before buying."
    )]
    ListingChanged { listing: ListingId, price: Credits },
    #[error("Only a buyer of listing #{0} can do that.")]
    NotABuyer(ListingId),
    #[error("You already reviewed listing #{0}.")]
    AlreadyReviewed(ListingId),
    #[error("Stars must be a whole number from 1 to 5.")]
    BadStars,
    #[error("That sale was already refunded.")]
    AlreadyRefunded,
    #[error("That purchase is not under dispute.")]
    NotDisputed,
    #[error("That purchase is already under dispute.")]
    AlreadyDisputed,
    #[error("The seller has {balance} credits and cannot cover the {needed} refund.")]
    SellerCannotRefund { balance: Credits, needed: Credits },
    #[error(
        "The seller has {balance} credits left, less than the {needed} this sale paid them, so a \
         refund could not be guaranteed: ask an admin to look at it."
    )]
    SellerCannotCoverDispute { balance: Credits, needed: Credits },
    #[error("A listing can be featured for 1 to {max} days.")]
    BadDays { max: i64 },
    #[error("A deadline must be 1 to {max} days away.")]
    BadDeadline { max: i64 },
    #[error("There is no commission #{0}.")]
    NoSuchCommission(CommissionId),
    #[error("Only {who} of commission #{commission} can do that.")]
    NotYourCommission {
        commission: CommissionId,
        who: String,
    },
    #[error("Commission #{commission} is {status}; that step is not possible now.")]
    WrongStep {
        commission: CommissionId,
        status: String,
    },
    #[error("You cannot commission yourself.")]
    SelfCommission,
    #[error("A milestone must leave something for the final release: at most {max} credits.")]
    BadMilestone { max: Credits },
    #[error("The deadline has not passed yet ({deadline}); deliver, release or dispute instead.")]
    DeadlineNotPassed { deadline: DateTime<Utc> },
    #[error("A prize pool is a whole number of credits from {min} to {max}.")]
    BadPrize { min: i64, max: i64 },
    #[error("There is no open tournament #{0}.")]
    NoSuchTournament(TournamentId),
    #[error("Tournament #{0} no longer takes entries.")]
    TournamentClosed(TournamentId),
    #[error("You already entered tournament #{0}.")]
    AlreadyEntered(TournamentId),
    #[error("Placings must be 1 to 3 different entrants of the tournament.")]
    BadPlacings,
    #[error("The treasury holds {balance} credits; the prize pool needs {needed}.")]
    TreasuryShort { balance: Credits, needed: Credits },
    #[error("The role must be one of: {roles}.")]
    BadRole { roles: String },
    #[error("Years of experience are a whole number from 0 to {max}.")]
    BadYears { max: i64 },
    #[error("Answer yes or no to \"open to work\".")]
    BadYesNo,
    #[error("{member} is not open to work and does not take contacts.")]
    NotOpenToWork { member: String },
    #[error("You already contacted {member} today.")]
    ContactedToday { member: String },
    #[error("You have sent the {cap} contacts you may send today.")]
    ContactCap { cap: usize },
    #[error("You cannot contact yourself.")]
    SelfContact,
    #[error("You cannot give yourself reputation.")]
    SelfRep,
    #[error("You already gave {member} reputation today.")]
    RepAlreadyToday { member: String },
    #[error("You have given the {cap} reputation points you may give today.")]
    RepDailyCap { cap: usize },
    #[error("A split gives the developer 0 to 100 percent.")]
    BadSplit,
    #[error("The review window closed at {at}; the escrow is released to the developer.")]
    ReviewWindowClosed { at: DateTime<Utc> },
}

impl Rejection {
    /// Whether the member typed something the command cannot take (rather than a rule saying no),
    /// so the answer shows the command's help.
    #[must_use]
    pub fn is_bad_input(&self) -> bool {
        // Every variant is named, so a new refusal does not compile until it is classified.
        match self {
            Self::BadAmount { .. }
            | Self::BadReason { .. }
            | Self::BadCredits { .. }
            | Self::BadSetting(_)
            | Self::BadText { .. }
            | Self::BadPrice { .. }
            | Self::BadStars
            | Self::BadDays { .. }
            | Self::BadDeadline { .. }
            | Self::BadMilestone { .. }
            | Self::BadPrize { .. }
            | Self::BadPlacings
            | Self::BadRole { .. }
            | Self::BadYears { .. }
            | Self::BadYesNo
            | Self::BadSplit => true,
            Self::NeedsManageGuild
            | Self::TargetIsBot
            | Self::NothingToRemove { .. }
            | Self::AdminOnly
            | Self::Role(_)
            | Self::Undo(_)
            | Self::PremiumOnly { .. }
            | Self::SpotlightCooldown { .. }
            | Self::NoSuchTeam(_)
            | Self::TeamOwnerOnly
            | Self::AlreadyInTeam { .. }
            | Self::NotInTeam { .. }
            | Self::NoRequest { .. }
            | Self::AlreadyRequested
            | Self::OwnerCannotLeave
            | Self::TeamFull { .. }
            | Self::TooManyMilestones { .. }
            | Self::NoSuchMilestone(_)
            | Self::MilestoneAlready(_, _)
            | Self::BadOpen
            | Self::NoQuestToday
            | Self::QuestNotDone { .. }
            | Self::QuestAlreadyClaimed
            | Self::SelfPayment
            | Self::BotAccount
            | Self::InsufficientCredits { .. }
            | Self::NotEnoughToRevoke { .. }
            | Self::RankTooLow { .. }
            | Self::NoSuchListing(_)
            | Self::ListingInactive(_)
            | Self::NotTheSeller(_)
            | Self::OwnListing
            | Self::AlreadyBought(_)
            | Self::ListingChanged { .. }
            | Self::NotABuyer(_)
            | Self::AlreadyReviewed(_)
            | Self::AlreadyRefunded
            | Self::NotDisputed
            | Self::AlreadyDisputed
            | Self::SellerCannotRefund { .. }
            | Self::SellerCannotCoverDispute { .. }
            | Self::NoSuchCommission(_)
            | Self::NotYourCommission { .. }
            | Self::WrongStep { .. }
            | Self::SelfCommission
            | Self::DeadlineNotPassed { .. }
            | Self::NoSuchTournament(_)
            | Self::TournamentClosed(_)
            | Self::AlreadyEntered(_)
            | Self::TreasuryShort { .. }
            | Self::NotOpenToWork { .. }
            | Self::ContactedToday { .. }
            | Self::ContactCap { .. }
            | Self::SelfContact
            | Self::SelfRep
            | Self::RepAlreadyToday { .. }
            | Self::RepDailyCap { .. }
            | Self::ReviewWindowClosed { .. } => false,
        }
    }
}

/// The result of a decided command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome")]
pub enum Outcome {
    /// Nothing to say (membership updates, messages).
    Recorded,
    /// A message earned XP; `level_up` is the new level when one was reached.
    MessageRewarded {
        member: UserId,
        xp: Xp,
        level_up: Option<i64>,
        /// The channel the guild announces level-ups in, if it chose one.
        #[serde(default)]
        announce_in: Option<studio_schema::ChannelId>,
        /// The roles of the levels reached (`/settings level-role`).
        #[serde(default)]
        level_roles: Vec<studio_schema::RoleId>,
    },
    /// An admin changed a member's XP.
    XpAdjusted {
        member: UserId,
        change: i64,
        total: Xp,
        level: i64,
        /// The new level when the change reached one.
        #[serde(default)]
        level_up: Option<i64>,
        /// The roles of the levels reached (`/settings level-role`).
        #[serde(default)]
        level_roles: Vec<studio_schema::RoleId>,
        reason: String,
    },
    /// A rule refused the command.
    Rejected(Rejection),
    /// A member paid another; `balance` is the payer's after it.
    Paid {
        from: UserId,
        to: UserId,
        amount: Credits,
        balance: Credits,
        note: Option<String>,
    },
    /// An admin granted (positive) or revoked (negative) credits.
    CreditsAdjusted {
        member: UserId,
        change: i64,
        balance: Credits,
        reason: String,
    },
    /// A listing was put up or edited.
    Listed {
        listing: ListingId,
        version: i64,
        title: String,
        price: Credits,
    },
    Delisted {
        listing: ListingId,
        title: String,
    },
    /// An operator's import: `members` members given `xp` XP and `credits` credits in all.
    Imported {
        source: String,
        members: usize,
        xp: i64,
        credits: i64,
    },
    /// A listing's time on sale ran out; its seller is told.
    ListingExpired {
        listing: ListingId,
        seller: UserId,
        title: String,
    },
    /// A seller renewed a listing: on sale until `until` (`None`: listings do not expire).
    Renewed {
        listing: ListingId,
        title: String,
        until: Option<DateTime<Utc>>,
    },
    /// A purchase. The code the buyer now owns is delivered privately, read from where it is kept:
    /// it is never part of an outcome (outcomes are recorded with the commands).
    Purchased {
        listing: ListingId,
        title: String,
        version: i64,
        buyer: UserId,
        seller: UserId,
        price: Credits,
        tax: Credits,
        tax_percent: i64,
        balance: Credits,
    },
    Reviewed {
        listing: ListingId,
        title: String,
        seller: UserId,
        stars: i64,
        xp: Xp,
    },
    Refunded {
        listing: ListingId,
        title: String,
        buyer: UserId,
        seller: UserId,
        amount: Credits,
    },
    PurchaseDisputed {
        listing: ListingId,
        title: String,
        seller: UserId,
    },
    DisputeRejected {
        listing: ListingId,
        buyer: UserId,
    },
    Featured {
        listing: ListingId,
        until: DateTime<Utc>,
        cost: Credits,
        balance: Credits,
    },
    /// A member gave another reputation; `total` is the receiver's reputation now.
    RepGiven {
        giver: UserId,
        receiver: UserId,
        total: i64,
        reason: Option<String>,
    },
    /// An admin undid the action at `original` (its first event's position).
    Undone {
        original: i64,
        action: String,
        reason: String,
    },
    /// An admin removed `count` points `giver` had given.
    RepPurged {
        giver: UserId,
        count: usize,
    },
    /// A member reached a rank; `role` is the Pro-Dev role to give them, if any.
    RankUp {
        guild: GuildId,
        member: UserId,
        rank: String,
        /// The roles the member should hold now (rank roles and the Pro-Dev role).
        #[serde(default)]
        roles: Vec<studio_schema::RoleId>,
        /// The guild's announcement channel (its level-up channel), if it set one.
        #[serde(default)]
        announce_in: Option<studio_schema::ChannelId>,
        /// The rank was crossed before Studio first saw the member (installed in an old server, a
        /// big server's member first seen now): recorded and its roles given, but not news, so
        /// nobody is told ([`crate::rules::tenure::is_news`]).
        #[serde(default)]
        quiet: bool,
    },
    /// A member of the Pro-Dev rank came back: the role is given again.
    Rejoined {
        guild: GuildId,
        member: UserId,
        #[serde(default)]
        roles: Vec<studio_schema::RoleId>,
    },
    /// A member saved their profile.
    ProfileSaved {
        role: String,
        open_to_work: bool,
    },
    /// A contact to deliver by DM.
    Contacted {
        from: UserId,
        to: UserId,
        message: String,
    },
    /// A tournament moved on.
    Tournament {
        tournament: TournamentId,
        name: String,
        step: TournamentStep,
    },
    /// A spotlight was bought: the showcase to post publicly.
    Spotlight {
        member: UserId,
        text: String,
        cost: Credits,
        balance: Credits,
    },
    /// A team changed; `members` are its members after the change.
    Team {
        team: TeamId,
        name: String,
        step: TeamStep,
        members: Vec<UserId>,
    },
    /// An admin changed a guild setting.
    SettingChanged {
        what: String,
        /// Members whose roles change with it: `(member, roles to give, roles to take)`.
        #[serde(default)]
        roles: Vec<(
            UserId,
            Vec<studio_schema::RoleId>,
            Vec<studio_schema::RoleId>,
        )>,
    },
    /// A member's quest of the day and how far they are.
    Quest {
        member: UserId,
        task: String,
        progress: u32,
        target: u32,
        reward: i64,
        streak: u32,
        claimed: bool,
    },
    /// A member claimed a quest.
    QuestClaimed {
        member: UserId,
        reward: i64,
        xp: i64,
        streak: u32,
    },
    /// The rules in force, one line each.
    Settings {
        lines: Vec<String>,
    },
    /// A commission moved on; both parties hear of it.
    Commission {
        commission: CommissionId,
        client: UserId,
        developer: UserId,
        step: Step,
    },
    /// An admin started a season: announced in the channel.
    SeasonStarted {
        season: SeasonId,
        name: String,
    },
    /// The season in force (`None` before a guild's first).
    Season {
        season: Option<studio_model::season::Season>,
    },
    /// The chain head `<guild>:<seq>:<hex>` is posted in the audit channel.
    HeadPublished {
        channel: studio_schema::ChannelId,
        head: String,
    },
}

/// What happened to a commission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step")]
pub enum Step {
    Offered {
        amount: Credits,
        deadline: DateTime<Utc>,
        description: String,
    },
    Accepted,
    Funded {
        amount: Credits,
        fee: Credits,
    },
    Milestone {
        amount: Credits,
    },
    Delivered {
        auto_release_at: DateTime<Utc>,
    },
    Disputed {
        by: UserId,
    },
    Settled {
        settlement: Settlement,
        to_developer: Credits,
        to_client: Credits,
        fee: Credits,
    },
}

/// What happened to a tournament.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step")]
pub enum TournamentStep {
    Created {
        prize: Credits,
        ends_at: DateTime<Utc>,
    },
    Entered {
        member: UserId,
        entrants: usize,
    },
    Paid {
        placings: Vec<(UserId, Credits)>,
    },
    Cancelled {
        returned: Credits,
    },
}

/// What happened to a team.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step")]
pub enum TeamStep {
    Created {
        owner: UserId,
        fee: Credits,
    },
    Joined {
        member: UserId,
    },
    Invited {
        member: UserId,
    },
    Requested {
        member: UserId,
        owner: UserId,
    },
    Declined {
        member: UserId,
    },
    Left {
        member: UserId,
    },
    Kicked {
        member: UserId,
    },
    Transferred {
        from: UserId,
        to: UserId,
    },
    Disbanded {
        returned: Vec<(UserId, Credits)>,
    },
    Deposited {
        member: UserId,
        amount: Credits,
        wallet: Credits,
    },
    Paid {
        member: UserId,
        amount: Credits,
        wallet: Credits,
    },
    Spent {
        amount: Credits,
        wallet: Credits,
    },
    MilestoneAdded {
        milestone: u32,
        title: String,
        reward: Credits,
    },
    MilestoneCompleted {
        milestone: u32,
        title: String,
        paid: Vec<(UserId, Credits)>,
        progress: u8,
    },
    MilestoneReopened {
        milestone: u32,
        title: String,
        progress: u8,
    },
}
