//! Answering a [`Query`]: its view, read from the projector's views once they include the guild's
//! latest events (so a member sees their own writes), rendered by [`crate::discord`].

use super::Answerer;
use crate::discord::custom_id::{ProfileTab, ShopTab};
use crate::discord::{boards, card, export, forms, help, receipts, render, shop, teams};
use crate::query::{Board, Opening, Query};
use crate::views::{self, DISPUTES, FIND_PAGE, LISTED, PAGE, RECENT_ENTRIES, offset};
use chrono::{DateTime, Utc};
use std::time::Duration;
use studio_schema::content::{self, Kept};
use studio_schema::{Account, GuildId, ListingId, UserId};
use studio_views::market::ListingSummary;
use studio_views::{commissions, ledger, market, profiles, settings, tournaments};
use tracing::{debug, warn};
use twilight_model::http::interaction::InteractionResponse;

/// How long an answer that shows views waits for them to include the guild's latest events.
const VIEW_WAIT: Duration = Duration::from_millis(1_500);

impl Answerer {
    /// The answer to `query`, from views that include the guild's events up to `head`.
    pub async fn view(&self, guild: GuildId, head: i64, query: &Query) -> InteractionResponse {
        match self.render(guild, head, query).await {
            Ok(response) => response,
            Err(err) => {
                warn!(error = %err, "views unavailable");
                render::ephemeral("Studio could not read its views just now — please try again.")
            }
        }
    }

    async fn render(
        &self,
        guild: GuildId,
        head: i64,
        query: &Query,
    ) -> Result<InteractionResponse, sqlx::Error> {
        let pool = &self.pool;
        let caught_up = views::wait_for(pool, &self.projected, guild, head, VIEW_WAIT).await?;
        if !caught_up {
            debug!(%guild, head, "views still catching up; answering with what they have");
        }
        Ok(match query {
            Query::Board { board, update } => self.board(guild, board, *update, Utc::now()).await?,
            Query::Form { form } => self.form(guild, form).await?,
            Query::Statement { member } => {
                let account = Account::Member(*member);
                let statement = ledger::statement(pool, guild, account, RECENT_ENTRIES).await?;
                render::private_embed(shop::statement_embed(&statement))
            }
            Query::Help { command } => render::private_embed(help::embed(command.as_deref())),
            Query::ExportMine { member } => {
                let now = Utc::now();
                let view = views::member(pool, guild, *member, now).await?;
                let rules = settings::current(pool, guild).await?;
                let account = Account::Member(*member);
                let statement = ledger::statement(pool, guild, account, export::ENTRIES).await?;
                export::mine(guild, &view, &rules, &statement, now)
            }
            Query::ExportGuild => {
                let (rows, _) =
                    studio_views::members::ranked(pool, guild, export::MEMBERS, 0).await?;
                export::guild(guild, &rows)
            }
            Query::Tournaments => {
                let rows = tournaments::latest(pool, guild, LISTED).await?;
                render::private_embed(boards::tournaments(&rows))
            }
            Query::Commissions { member } => {
                let rows = commissions::of_member(pool, guild, *member, RECENT_ENTRIES).await?;
                render::private_embed(shop::commissions_embed(&rows))
            }
            Query::Preview { change } => self.preview(guild, change).await,
            Query::Disputes => {
                let rows = market::disputes(pool, guild, DISPUTES).await?;
                render::private_embed(shop::disputes_embed(&rows))
            }
            Query::Code { listing, owner } => {
                let Some((title, version)) =
                    market::owned_version(pool, guild, *listing, *owner).await?
                else {
                    return Ok(render::ephemeral(&format!(
                        "❌ You do not own listing #{listing} (or it was refunded)."
                    )));
                };
                match content::read(pool, &self.sealer, guild, *listing, version).await? {
                    Some(Kept::Body(code)) => {
                        render::private_embeds(receipts::code_embeds(&title, &code))
                    }
                    Some(Kept::Forgotten(_)) => render::ephemeral(&receipts::forgotten(*listing)),
                    Some(Kept::Unreadable) => {
                        warn!(%listing, version, "code sealed with another STUDIO_CONTENT_KEY");
                        render::ephemeral(&format!(
                            "❌ Studio cannot open the code of listing #{listing} just now; the server's operators have been told."
                        ))
                    }
                    None => render::ephemeral(&format!(
                        "❌ The code of listing #{listing} is not available yet; try again in a moment."
                    )),
                }
            }
        })
    }

    /// A board: a new message, or the clicked one updated.
    async fn board(
        &self,
        guild: GuildId,
        board: &Board,
        update: bool,
        now: DateTime<Utc>,
    ) -> Result<InteractionResponse, sqlx::Error> {
        let pool = &self.pool;
        Ok(match board {
            Board::Profile {
                tab,
                target,
                owner,
                name,
            } => {
                let view = views::member(pool, guild, *target, now).await?;
                let rules = settings::current(pool, guild).await?;
                let card = if *tab == ProfileTab::Stats {
                    let place = studio_views::members::place(pool, guild, *target).await?;
                    let (view, rules, name, own) =
                        (view.clone(), rules.clone(), name.clone(), target == owner);
                    // About 10 ms of drawing: off the tasks that answer others.
                    tokio::task::spawn_blocking(move || {
                        card::rank_card(&view, &rules, name.as_deref(), own, place, now)
                    })
                    .await
                    .ok()
                    .flatten()
                } else {
                    None
                };
                render::profile(&view, &rules, *tab, *owner, now, update, card)
            }
            Board::Leaderboard {
                period,
                page,
                owner,
            } => {
                let page = views::leaderboard(pool, guild, *period, *page, now).await?;
                render::leaderboard(&page, *owner, update)
            }
            Board::Shop {
                tab,
                page,
                owner,
                language,
            } => {
                let (page, owner) = (*page, *owner);
                match tab {
                    ShopTab::Market => {
                        let listings = market::on_sale(
                            pool,
                            guild,
                            language.as_deref(),
                            now,
                            PAGE,
                            offset(page, PAGE),
                        )
                        .await?;
                        let tab = shop::Tab::Market {
                            page,
                            language: language.as_deref(),
                            listings: &listings,
                        };
                        shop::view(&tab, owner, now, update)
                    }
                    ShopTab::Mine => {
                        let listings =
                            market::by_seller(pool, guild, owner, PAGE, offset(page, PAGE)).await?;
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
                        let history = market::history(pool, guild, owner, PAGE).await?;
                        shop::view(&shop::Tab::History(&history), owner, now, update)
                    }
                    ShopTab::Credits => {
                        let account = Account::Member(owner);
                        let statement =
                            ledger::statement(pool, guild, account, RECENT_ENTRIES).await?;
                        shop::view(&shop::Tab::Credits(&statement), owner, now, update)
                    }
                }
            }
            Board::Find {
                role,
                min_years,
                page,
                owner,
            } => {
                let name = crate::rules::profile::ROLES
                    .get(usize::from(*role))
                    .copied()
                    .unwrap_or("Other");
                let (matches, total) = profiles::find(
                    pool,
                    guild,
                    name,
                    i64::from(*min_years),
                    FIND_PAGE,
                    offset(*page, FIND_PAGE),
                )
                .await?;
                boards::find(*role, *min_years, *page, *owner, &matches, total, update)
            }
            Board::Teams {
                browse,
                page,
                owner,
            } => {
                let size = crate::rules::team::BROWSE_PAGE;
                let (rows, total) = studio_views::teams::page(
                    pool,
                    guild,
                    *owner,
                    *browse,
                    size,
                    offset(*page, size),
                )
                .await?;
                teams::board(&rows, total, *browse, *page, *owner, update)
            }
        })
    }

    /// A form, filled in with what the views hold; refused privately when what it names is not
    /// the member's to change.
    async fn form(
        &self,
        guild: GuildId,
        form: &Opening,
    ) -> Result<InteractionResponse, sqlx::Error> {
        let pool = &self.pool;
        Ok(match form {
            Opening::Sell => forms::listing(None),
            Opening::Edit { listing, owner } => {
                match market::listing(pool, guild, *listing).await? {
                    Some(row) if row.seller() != *owner => render::ephemeral(&format!(
                        "❌ Only the seller of listing #{listing} can edit it."
                    )),
                    Some(row) if !row.active => render::ephemeral(&format!(
                        "❌ Listing #{listing} is not on sale any more."
                    )),
                    Some(row) => {
                        // The seller's own code, to edit; none once erased on request.
                        let code =
                            match content::read(pool, &self.sealer, guild, *listing, row.version)
                                .await?
                            {
                                Some(Kept::Body(code)) => code,
                                Some(Kept::Forgotten(_) | Kept::Unreadable) | None => String::new(),
                            };
                        forms::listing(Some((&row, &code)))
                    }
                    None => render::ephemeral(&format!("❌ There is no listing #{listing}.")),
                }
            }
            Opening::Review { listing, owner } => {
                match self.purchased(guild, *listing, *owner).await? {
                    Some(row) => forms::review(&row),
                    None => not_owned(*listing),
                }
            }
            Opening::Dispute { listing, owner } => {
                match self.purchased(guild, *listing, *owner).await? {
                    Some(row) => forms::dispute(&row),
                    None => not_owned(*listing),
                }
            }
            Opening::Profile { owner } => {
                let current = profiles::saved(pool, guild, *owner).await?;
                forms::profile(current.as_ref())
            }
            Opening::Contact { member } => forms::contact(*member),
            Opening::Team => forms::team(settings::current(pool, guild).await?.team_fee.0),
        })
    }

    /// The listing `owner` bought, while they still own it.
    async fn purchased(
        &self,
        guild: GuildId,
        listing: ListingId,
        owner: UserId,
    ) -> Result<Option<ListingSummary>, sqlx::Error> {
        let owned = market::owned_version(&self.pool, guild, listing, owner).await?;
        let row = market::listing(&self.pool, guild, listing).await?;
        Ok(owned.and(row))
    }
}

fn not_owned(listing: ListingId) -> InteractionResponse {
    render::ephemeral(&format!("❌ You do not own listing #{listing}."))
}
