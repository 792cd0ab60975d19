//! Each command's kind: a short, stable name for operators (the `kind` label of
//! `studio_commands_decided_total`). One per variant, so the label's values are few and known.

use super::command::{Command, Commission, Market, TeamCmd, TournamentCmd};

impl Command {
    /// The command's kind, e.g. `pay`, `market_buy`, `team_deposit`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PostMessage { .. } => "post_message",
            Self::RecordJoin(_) => "record_join",
            Self::RecordLeave { .. } => "record_leave",
            Self::SeeMembers(_) => "see_members",
            Self::AdjustXp { .. } => "adjust_xp",
            Self::Pay { .. } => "pay",
            Self::AdjustCredits { .. } => "adjust_credits",
            Self::Market(m) => m.kind(),
            Self::GiveRep { .. } => "give_rep",
            Self::React { .. } => "react",
            Self::PurgeRep { .. } => "purge_rep",
            Self::SetProfile { .. } => "set_profile",
            Self::Contact { .. } => "contact",
            Self::Tournament(t) => t.kind(),
            Self::ReachRank { .. } => "reach_rank",
            Self::PublishHead { .. } => "publish_head",
            Self::Import(_) => "import",
            Self::ChangeSettings { .. } => "change_settings",
            Self::Daily { .. } => "daily",
            Self::ClaimQuest { .. } => "claim_quest",
            Self::Spotlight { .. } => "spotlight",
            Self::Team(t) => t.kind(),
            Self::ShowSettings => "show_settings",
            Self::Commission(c) => c.kind(),
            Self::StartSeason { .. } => "start_season",
            Self::ShowSeason => "show_season",
            Self::Undo(_) => "undo",
        }
    }
}

impl Market {
    fn kind(&self) -> &'static str {
        match self {
            Self::Publish { .. } => "market_publish",
            Self::Delist { .. } => "market_delist",
            Self::Expire { .. } => "market_expire",
            Self::Renew { .. } => "market_renew",
            Self::Buy { .. } => "market_buy",
            Self::Review { .. } => "market_review",
            Self::Refund { .. } => "market_refund",
            Self::Dispute { .. } => "market_dispute",
            Self::Resolve { .. } => "market_resolve",
            Self::Feature { .. } => "market_feature",
        }
    }
}

impl Commission {
    fn kind(&self) -> &'static str {
        match self {
            Self::Offer { .. } => "commission_offer",
            Self::Accept { .. } => "commission_accept",
            Self::Fund { .. } => "commission_fund",
            Self::Milestone { .. } => "commission_milestone",
            Self::Deliver { .. } => "commission_deliver",
            Self::Release { .. } => "commission_release",
            Self::Cancel { .. } => "commission_cancel",
            Self::Dispute { .. } => "commission_dispute",
            Self::Resolve { .. } => "commission_resolve",
            Self::AutoRelease { .. } => "commission_auto_release",
            Self::DeadlineRefund { .. } => "commission_deadline_refund",
        }
    }
}

impl TournamentCmd {
    fn kind(&self) -> &'static str {
        match self {
            Self::Create { .. } => "tournament_create",
            Self::Enter { .. } => "tournament_enter",
            Self::Results { .. } => "tournament_results",
            Self::Cancel { .. } => "tournament_cancel",
        }
    }
}

impl TeamCmd {
    fn kind(&self) -> &'static str {
        match self {
            Self::Create { .. } => "team_create",
            Self::Join { .. } => "team_join",
            Self::Invite { .. } => "team_invite",
            Self::Answer { .. } => "team_answer",
            Self::Leave { .. } => "team_leave",
            Self::Kick { .. } => "team_kick",
            Self::Transfer { .. } => "team_transfer",
            Self::Disband { .. } => "team_disband",
            Self::Deposit { .. } => "team_deposit",
            Self::Pay { .. } => "team_pay",
            Self::Spend { .. } => "team_spend",
            Self::AddMilestone { .. } => "team_add_milestone",
            Self::CompleteMilestone { .. } => "team_complete_milestone",
            Self::ReopenMilestone { .. } => "team_reopen_milestone",
        }
    }
}
