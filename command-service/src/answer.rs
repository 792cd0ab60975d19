//! What a member is answered: the rendering of decided outcomes and of views. Sending goes through
//! the outbox (`crate::outbox`), after the outcome is durable.

use crate::discord::custom_id::{Action, Period, ProfileTab, ShopTab, Slot};
use crate::discord::render;
use crate::discord::{boards, forms, help, receipts, shop};
use crate::domain::Outcome;
use crate::rules::economy as rules;
use crate::views;
use crate::views::{community, economy};
use chrono::Utc;
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use studio_schema::{GuildId, UserId};
use tracing::{debug, warn};
use twilight_http::Client;
use twilight_model::application::interaction::application_command::CommandOptionValue;
use twilight_model::application::interaction::{Interaction, InteractionData};
use twilight_model::guild::Permissions;
use twilight_model::http::interaction::InteractionResponse;
use twilight_model::id::Id;
use twilight_model::id::marker::ApplicationMarker;
use twilight_util::snowflake::Snowflake;

/// Discord invalidates an interaction not answered within 3 s. Studio answers only when it can
/// still do so with margin for the REST call.
pub const ANSWER_DEADLINE: Duration = Duration::from_millis(2_800);
/// A command older than this when its batch is settled is deferred first (Discord shows "thinking…"
/// and the token stays valid for 15 minutes), so a slow batch cannot make its answer late.
pub const DEFER_AFTER: Duration = Duration::from_millis(1_200);
/// How long an answer that shows views waits for them to include the guild's latest events.
const VIEW_WAIT: Duration = Duration::from_millis(1_500);

/// Counters an operator reads in the logs.
#[derive(Debug, Default)]
pub struct Metrics {
    pub stale_interactions: AtomicU64,
    pub answered: AtomicU64,
    pub duplicates: AtomicU64,
    /// Side effects sent (answers included), and those that failed for good.
    pub effects_sent: AtomicU64,
    pub effects_failed: AtomicU64,
    /// Dispatches the intake rejected and moved past.
    pub rejected: AtomicU64,
    /// Time from the start of a command's decision to its commit.
    pub decision_to_durable: crate::latency::Histogram,
}

/// What an answer task needs.
#[derive(Clone)]
pub struct Answerer {
    pub pool: PgPool,
    pub http: Arc<Client>,
    pub application_id: Id<ApplicationMarker>,
    pub metrics: Arc<Metrics>,
}

/// How long ago Discord created the interaction (from its snowflake).
#[must_use]
pub fn age(interaction: &Interaction) -> Duration {
    let created_ms = interaction.id.timestamp();
    let now_ms = Utc::now().timestamp_millis();
    Duration::from_millis(u64::try_from(now_ms - created_ms).unwrap_or(0))
}

/// Whether the interaction is too old to answer; counts it if so.
pub fn is_stale(metrics: &Metrics, interaction: &Interaction) -> bool {
    let stale = age(interaction) > ANSWER_DEADLINE;
    if stale {
        let n = metrics.stale_interactions.fetch_add(1, Ordering::Relaxed) + 1;
        warn!(interaction = %interaction.id, stale_interactions_total = n,
              "interaction older than Discord's 3 s window: dropped unanswered");
    }
    stale
}

impl Answerer {
    /// Tells Discord the answer is coming (a private "thinking…"); whether it is now deferred. An
    /// interaction an earlier life of this service already deferred counts as deferred.
    pub async fn defer(&self, interaction: &Interaction) -> bool {
        if is_stale(&self.metrics, interaction) {
            return false;
        }
        // An earlier life of this service may have deferred it already: a second deferral would be
        // a second answer to Discord.
        if matches!(
            self.original(&interaction.token).await,
            Ok(crate::outbox::send::Original::Thinking | crate::outbox::send::Original::Answered)
        ) {
            return true;
        }
        let response = InteractionResponse {
            kind: twilight_model::http::interaction::InteractionResponseType::DeferredChannelMessageWithSource,
            data: Some(twilight_model::http::interaction::InteractionResponseData {
                flags: Some(twilight_model::channel::message::MessageFlags::EPHEMERAL),
                ..Default::default()
            }),
        };
        let result = self
            .http
            .interaction(self.application_id)
            .create_response(interaction.id, &interaction.token, &response)
            .await;
        match result {
            Ok(_) => true,
            Err(err) => {
                let acknowledged = crate::outbox::send::api_code(&err)
                    == Some(crate::outbox::send::ALREADY_ACKNOWLEDGED);
                if !acknowledged {
                    warn!(interaction = %interaction.id, error = %err, "deferral failed");
                }
                acknowledged
            }
        }
    }

    /// The answer of an interaction that shows views, once they include the guild's events up to
    /// `head`.
    pub async fn view(
        &self,
        guild: GuildId,
        head: i64,
        interaction: &Interaction,
    ) -> InteractionResponse {
        match self.render_query(guild, head, interaction).await {
            Ok(response) => response,
            Err(err) => {
                warn!(error = %err, "views unavailable");
                render::ephemeral("Studio could not read its views just now — please try again.")
            }
        }
    }

    async fn render_query(
        &self,
        guild: GuildId,
        head: i64,
        interaction: &Interaction,
    ) -> Result<InteractionResponse, sqlx::Error> {
        let Some(clicker) = interaction.author_id().map(|a| UserId::from_u64(a.get())) else {
            return Ok(render::ephemeral("I could not tell who you are."));
        };
        let caught_up = views::wait_for(&self.pool, guild, head, VIEW_WAIT).await?;
        if !caught_up {
            debug!(%guild, head, "views still catching up; answering with what they have");
        }
        let now = Utc::now();
        let (action, update) = match &interaction.data {
            Some(InteractionData::ApplicationCommand(data)) => match data.name.as_str() {
                "profile" => {
                    let target = data
                        .options
                        .iter()
                        .find(|o| o.name == "member")
                        .and_then(|o| match o.value {
                            CommandOptionValue::User(u) => Some(UserId::from_u64(u.get())),
                            _ => None,
                        })
                        .unwrap_or(clicker);
                    let action = Action::Profile {
                        tab: ProfileTab::Stats,
                        target,
                        owner: clicker,
                    };
                    (action, false)
                }
                "balance" => {
                    let statement = economy::statement(&self.pool, guild, clicker).await?;
                    return Ok(render::private_embed(shop::statement_embed(&statement)));
                }
                "sell" => return Ok(forms::listing(None)),
                "teams" => (
                    Action::Teams {
                        browse: false,
                        page: 0,
                        owner: clicker,
                        slot: Slot::Period,
                    },
                    false,
                ),
                "help" => {
                    let only = data.options.iter().find_map(|o| match &o.value {
                        CommandOptionValue::String(s) if o.name == "command" => Some(s.as_str()),
                        _ => None,
                    });
                    return Ok(render::private_embed(help::embed(only)));
                }
                "find" => {
                    let role = data.options.iter().find_map(|o| match &o.value {
                        CommandOptionValue::String(s) if o.name == "role" => {
                            crate::rules::profile::role(s)
                        }
                        _ => None,
                    });
                    let min = data.options.iter().find_map(|o| match o.value {
                        CommandOptionValue::Integer(n) if o.name == "min_years" => Some(n),
                        _ => None,
                    });
                    let (Some(role), Some(min_years)) = (
                        role.and_then(|r| {
                            crate::rules::profile::ROLES.iter().position(|x| *x == r)
                        }),
                        u8::try_from(min.unwrap_or(0)).ok(),
                    ) else {
                        return Ok(render::ephemeral(&format!(
                            "❌ I could not read that search.\n{}",
                            help::usage("find")
                        )));
                    };
                    let action = Action::Find {
                        role: u8::try_from(role).unwrap_or(0),
                        min_years,
                        page: 0,
                        owner: clicker,
                        slot: Slot::Period,
                    };
                    (action, false)
                }
                "tournament" => {
                    let rows = crate::views::community::tournaments(&self.pool, guild).await?;
                    return Ok(render::private_embed(crate::discord::boards::tournaments(
                        &rows,
                    )));
                }
                "commission" => {
                    let rows = economy::commissions(&self.pool, guild, clicker).await?;
                    return Ok(render::private_embed(shop::commissions_embed(&rows)));
                }
                "market" => {
                    let admin = interaction
                        .member
                        .as_ref()
                        .and_then(|m| m.permissions)
                        .is_some_and(|p| {
                            p.contains(Permissions::MANAGE_GUILD)
                                || p.contains(Permissions::ADMINISTRATOR)
                        });
                    if !admin {
                        return Ok(render::ephemeral(
                            "❌ You need the Manage Server permission to see disputes.",
                        ));
                    }
                    let rows = economy::disputes(&self.pool, guild).await?;
                    return Ok(render::private_embed(shop::disputes_embed(&rows)));
                }
                "shop" => {
                    let language =
                        data.options
                            .iter()
                            .find(|o| o.name == "language")
                            .and_then(|o| match &o.value {
                                CommandOptionValue::String(s) => Some(s.as_str()),
                                _ => None,
                            });
                    let language = match language.map(rules::language) {
                        Some(None) => {
                            return Ok(render::ephemeral(
                                "❌ A language or engine is 1 to 32 characters, without `:`.",
                            ));
                        }
                        Some(l) => l,
                        None => None,
                    };
                    let action = Action::Shop {
                        tab: ShopTab::Market,
                        page: 0,
                        owner: clicker,
                        slot: Slot::Period,
                        language,
                    };
                    (action, false)
                }
                "leaderboard" => {
                    let action = Action::Leaderboard {
                        period: Period::AllTime,
                        page: 0,
                        owner: clicker,
                        slot: Slot::Period,
                    };
                    (action, false)
                }
                _ => return Ok(render::ephemeral("❌ Studio cannot answer that.")),
            },
            Some(InteractionData::MessageComponent(data)) => {
                // The intake refused buttons that are not Studio's or not the clicker's.
                let Some(action) = Action::parse(&data.custom_id) else {
                    return Ok(render::ephemeral("❌ That button is not one of Studio's."));
                };
                (action, true)
            }
            _ => return Ok(render::ephemeral("❌ Studio cannot answer that.")),
        };
        self.show(guild, action, update, now).await
    }

    async fn show(
        &self,
        guild: GuildId,
        action: Action,
        update: bool,
        now: chrono::DateTime<Utc>,
    ) -> Result<InteractionResponse, sqlx::Error> {
        let pool = &self.pool;
        Ok(match action {
            Action::Profile { tab, target, owner } => {
                let view = views::member(pool, guild, target, now).await?;
                let rules = views::settings::current(pool, guild).await?;
                render::profile(&view, &rules, tab, owner, now, update)
            }
            Action::Leaderboard {
                period,
                page,
                owner,
                ..
            } => {
                let page = views::leaderboard(pool, guild, period, page, now).await?;
                render::leaderboard(&page, owner, update)
            }
            Action::Shop {
                tab,
                page,
                owner,
                language,
                ..
            } => match tab {
                ShopTab::Market => {
                    let listings =
                        economy::market(pool, guild, language.as_deref(), page, now).await?;
                    let tab = shop::Tab::Market {
                        page,
                        language: language.as_deref(),
                        listings: &listings,
                    };
                    shop::view(&tab, owner, now, update)
                }
                ShopTab::Mine => {
                    let listings = economy::mine(pool, guild, owner, page).await?;
                    shop::view(
                        &shop::Tab::Mine {
                            page,
                            listings: &listings,
                        },
                        owner,
                        now,
                        update,
                    )
                }
                ShopTab::History => {
                    let history = economy::history(pool, guild, owner).await?;
                    shop::view(&shop::Tab::History(&history), owner, now, update)
                }
                ShopTab::Credits => {
                    let statement = economy::statement(pool, guild, owner).await?;
                    shop::view(&shop::Tab::Credits(&statement), owner, now, update)
                }
            },
            Action::Edit { listing, owner } => {
                match economy::listing(pool, guild, listing).await? {
                    Some((row, _)) if row.seller() != owner => render::ephemeral(&format!(
                        "❌ Only the seller of listing #{listing} can edit it."
                    )),
                    Some((row, _)) if !row.active => render::ephemeral(&format!(
                        "❌ Listing #{listing} is not on sale any more."
                    )),
                    Some((row, code)) => forms::listing(Some((&row, &code))),
                    None => render::ephemeral(&format!("❌ There is no listing #{listing}.")),
                }
            }
            Action::Review { listing, owner } | Action::Dispute { listing, owner } => {
                let owned = economy::owned_code(pool, guild, listing, owner).await?;
                match (economy::listing(pool, guild, listing).await?, owned) {
                    (Some((row, _)), Some(_)) if matches!(action, Action::Review { .. }) => {
                        forms::review(&row)
                    }
                    (Some((row, _)), Some(_)) => forms::dispute(&row),
                    _ => render::ephemeral(&format!("❌ You do not own listing #{listing}.")),
                }
            }
            Action::Code { listing, owner } => {
                match economy::owned_code(pool, guild, listing, owner).await? {
                    Some((title, code)) => {
                        render::private_embeds(receipts::code_embeds(&title, &code))
                    }
                    None => render::ephemeral(&format!(
                        "❌ You do not own listing #{listing} (or it was refunded)."
                    )),
                }
            }
            Action::EditProfile { owner } => {
                let current = community::profile(pool, guild, owner).await?;
                forms::profile(current.as_ref())
            }
            Action::Contact { member, .. } => forms::contact(member),
            Action::Find {
                role,
                min_years,
                page,
                owner,
                ..
            } => {
                let name = crate::rules::profile::ROLES
                    .get(usize::from(role))
                    .copied()
                    .unwrap_or("Other");
                let (matches, total) =
                    community::find(pool, guild, name, i64::from(min_years), page).await?;
                boards::find(role, min_years, page, owner, &matches, total, update)
            }
            Action::Teams {
                browse,
                page,
                owner,
                ..
            } => {
                let (rows, total) =
                    crate::views::teams::page(pool, guild, owner, browse, page).await?;
                crate::discord::teams::board(&rows, total, browse, page, owner, update)
            }
            Action::CreateTeam { .. } => {
                forms::team(views::settings::current(pool, guild).await?.team_fee.0)
            }
            Action::Buy { .. }
            | Action::Delist { .. }
            | Action::Refund { .. }
            | Action::ClaimQuest { .. }
            | Action::JoinTeam { .. } => render::ephemeral("❌ Studio cannot answer that."),
        })
    }
}

/// The answer to a decided command: a refusal of bad input comes with the command's help.
#[must_use]
pub fn answer_for(interaction: &Interaction, outcome: &Outcome) -> InteractionResponse {
    let command = match &interaction.data {
        Some(InteractionData::ApplicationCommand(data)) => Some(data.name.as_str()),
        Some(InteractionData::ModalSubmit(data)) => {
            crate::discord::custom_id::Form::parse(&data.custom_id).map(|f| f.command())
        }
        _ => None,
    };
    match (outcome, command) {
        (Outcome::Rejected(r), Some(name)) if r.is_bad_input() => {
            render::ephemeral(&format!("❌ {r}\n{}", help::usage(name)))
        }
        _ => render::outcome(outcome),
    }
}
