//! The marketplace: publish, delist, buy, review, refund, dispute, feature.

use super::Decision;
use super::credits::{cover, text};
use crate::domain::command::{Draft, Market};
use crate::domain::{GuildState, Outcome, Rejection};
use crate::rules::economy as rules;
use chrono::{DateTime, TimeDelta, Utc};
use studio_model::listing::Listing;
use studio_model::purchase::{Purchase, PurchaseStatus};
use studio_schema::content::{self, Content};
use studio_schema::economy::{
    DisputeRejected, ListingDelisted, ListingDetails, ListingExpired, ListingFeatured,
    ListingPublished, ListingPurchased, ListingRenewed, ListingReviewed, PurchaseDisputed,
    PurchaseRefunded,
};
use studio_schema::money::Postings;
use studio_schema::{Account, Credits, Event, ListingId, UserId, Xp};

pub(super) fn decide(state: &GuildState, command: &Market, now: DateTime<Utc>) -> Decision {
    match command {
        Market::Publish {
            seller,
            listing,
            draft,
        } => publish(state, *seller, *listing, draft, now),
        Market::Delist { actor, listing } => {
            let l = own_listing(state, *listing, *actor)?;
            if !l.active {
                return Err(Rejection::ListingInactive(*listing));
            }
            Ok((
                vec![Event::ListingDelisted(ListingDelisted {
                    listing: *listing,
                    seller: l.seller,
                    by: *actor,
                })],
                Outcome::Delisted {
                    listing: *listing,
                    title: l.details.title.clone(),
                },
            ))
        }
        Market::Expire { listing, day } => Ok(expire(state, *listing, *day, now)),
        Market::Renew {
            seller,
            listing,
            day,
        } => renew(state, *seller, *listing, *day, now),
        Market::Buy {
            buyer,
            listing,
            version,
        } => buy(state, *buyer, *listing, *version, now),
        Market::Review {
            reviewer,
            listing,
            stars,
            text: body,
        } => review(state, *reviewer, *listing, stars, body),
        Market::Refund {
            seller,
            listing,
            buyer,
            reason,
        } => {
            own_listing(state, *listing, *seller)?;
            let reason = text(reason, "The reason", rules::NOTE_CHARS)?;
            refund(state, *seller, *listing, *buyer, reason)
        }
        Market::Dispute {
            buyer,
            listing,
            reason,
        } => {
            let l = listing_of(state, *listing)?;
            let p = purchase_of(state, *listing, *buyer)?;
            match p.status {
                PurchaseStatus::Refunded => return Err(Rejection::AlreadyRefunded),
                PurchaseStatus::Disputed => return Err(Rejection::AlreadyDisputed),
                PurchaseStatus::Active => {}
            }
            let reason = text(reason, "The reason", rules::NOTE_CHARS)?;
            // The sale's proceeds are held while the dispute stands, so a refund always pays.
            let (seller, held) = (Account::Member(l.seller), p.proceeds());
            let balance = state.balance(seller);
            if balance < held {
                return Err(Rejection::SellerCannotCoverDispute {
                    balance,
                    needed: held,
                });
            }
            Ok((
                vec![Event::PurchaseDisputed(PurchaseDisputed {
                    listing: *listing,
                    buyer: *buyer,
                    seller: l.seller,
                    reason,
                    postings: Postings::new()
                        .mov(seller, Account::Dispute(*listing, *buyer), held)
                        .build(),
                })],
                Outcome::PurchaseDisputed {
                    listing: *listing,
                    title: l.details.title.clone(),
                    seller: l.seller,
                },
            ))
        }
        Market::Resolve {
            actor,
            actor_can_manage_guild,
            listing,
            buyer,
            refund: give_back,
            note,
        } => {
            if !actor_can_manage_guild {
                return Err(Rejection::AdminOnly);
            }
            listing_of(state, *listing)?;
            if purchase_of(state, *listing, *buyer)?.status != PurchaseStatus::Disputed {
                return Err(Rejection::NotDisputed);
            }
            let note = text(note, "The note", rules::NOTE_CHARS)?;
            if *give_back {
                return refund(state, *actor, *listing, *buyer, note);
            }
            let hold = Account::Dispute(*listing, *buyer);
            let seller = listing_of(state, *listing)?.seller;
            Ok((
                vec![Event::DisputeRejected(DisputeRejected {
                    listing: *listing,
                    buyer: *buyer,
                    by: *actor,
                    note,
                    postings: Postings::new()
                        .mov(hold, Account::Member(seller), state.balance(hold))
                        .build(),
                })],
                Outcome::DisputeRejected {
                    listing: *listing,
                    buyer: *buyer,
                },
            ))
        }
        Market::Feature {
            seller,
            listing,
            days,
        } => {
            let l = own_listing(state, *listing, *seller)?;
            if !l.active {
                return Err(Rejection::ListingInactive(*listing));
            }
            if !(1..=rules::MAX_FEATURE_DAYS).contains(days) {
                return Err(Rejection::BadDays {
                    max: rules::MAX_FEATURE_DAYS,
                });
            }
            let cost = Credits(rules::FEATURE_COST_PER_DAY.0 * days);
            let wallet = Account::Member(*seller);
            cover(state, wallet, cost)?;
            let from = l.featured_until.filter(|u| *u > now).unwrap_or(now);
            let until = from + TimeDelta::days(*days);
            Ok((
                vec![Event::ListingFeatured(ListingFeatured {
                    listing: *listing,
                    seller: *seller,
                    cost,
                    until,
                    postings: Postings::new().mov(wallet, Account::Treasury, cost).build(),
                })],
                Outcome::Featured {
                    listing: *listing,
                    until,
                    cost,
                    balance: Credits(state.balance(wallet).0 - cost.0),
                },
            ))
        }
    }
}

fn listing_of(state: &GuildState, listing: ListingId) -> Result<&Listing, Rejection> {
    state
        .listings
        .get(&listing)
        .ok_or(Rejection::NoSuchListing(listing))
}

fn own_listing(
    state: &GuildState,
    listing: ListingId,
    actor: UserId,
) -> Result<&Listing, Rejection> {
    let l = listing_of(state, listing)?;
    if l.seller != actor {
        return Err(Rejection::NotTheSeller(listing));
    }
    Ok(l)
}

fn purchase_of(
    state: &GuildState,
    listing: ListingId,
    buyer: UserId,
) -> Result<&Purchase, Rejection> {
    state
        .purchases
        .get(&(listing, buyer))
        .ok_or(Rejection::NotABuyer(listing))
}

fn details(draft: &Draft) -> Result<ListingDetails, Rejection> {
    Ok(ListingDetails {
        title: text(&draft.title, "The title", rules::TITLE_CHARS)?,
        description: text(
            &draft.description,
            "The description",
            rules::DESCRIPTION_CHARS,
        )?,
        language: rules::language(&draft.language).ok_or(Rejection::BadText {
            field: "The language or engine (no `:`)".into(),
            max: rules::LANGUAGE_CHARS,
        })?,
        price: rules::parse_amount(&draft.price).ok_or(Rejection::BadPrice {
            max: rules::MAX_AMOUNT.0,
        })?,
        code_sha256: content::sha256_hex(&code(draft)?),
    })
}

/// The code of a draft, as checked: what its event's hash is of, and what buyers receive.
fn code(draft: &Draft) -> Result<String, Rejection> {
    text(&draft.code, "The code or link", rules::CODE_CHARS)
}

/// The code a decided command published, to keep apart from the log in the transaction that appends
/// `events` (the log holds only its hash). Pure.
#[must_use]
pub fn published_code(
    guild: studio_schema::GuildId,
    command: &crate::domain::Command,
    events: &[Event],
) -> Option<Content> {
    let crate::domain::Command::Market(Market::Publish { draft, .. }) = command else {
        return None;
    };
    let body = code(draft).ok()?;
    events.iter().find_map(|event| match event {
        Event::ListingCreated(p) | Event::ListingEdited(p)
            if p.details.code_sha256 == content::sha256_hex(&body) =>
        {
            Some(Content {
                guild,
                listing: p.listing,
                version: p.version,
                body: body.clone(),
            })
        }
        _ => None,
    })
}

fn publish(
    state: &GuildState,
    seller: UserId,
    listing: Option<ListingId>,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Decision {
    let details = details(draft)?;
    let (listing, version) = match listing {
        Some(id) => {
            let l = own_listing(state, id, seller)?;
            if !l.active {
                return Err(Rejection::ListingInactive(id));
            }
            (id, l.version + 1)
        }
        None => {
            let rank = state
                .settings
                .rank(state.member(seller).tenure.time_in_guild(now));
            if !rules::may_sell(rank, state.settings.beginners_may_sell) {
                return Err(Rejection::RankTooLow {
                    needed: rules::SELLING_RANK.to_string(),
                    rank: rank.to_string(),
                });
            }
            (state.next_listing(), 1)
        }
    };
    let outcome = Outcome::Listed {
        listing,
        version,
        title: details.title.clone(),
        price: details.price,
    };
    let published = ListingPublished {
        listing,
        seller,
        version,
        details,
        published_at: Some(now),
    };
    let event = if version == 1 {
        Event::ListingCreated(published)
    } else {
        Event::ListingEdited(published)
    };
    Ok((vec![event], outcome))
}

/// A listing whose time on sale ran out goes off sale, at the moment it ran out; anything else
/// (renewed since, delisted, not due yet) records nothing.
fn expire(
    state: &GuildState,
    listing: ListingId,
    day: TimeDelta,
    now: DateTime<Utc>,
) -> (Vec<Event>, Outcome) {
    let (Some(l), Some(clock)) = (state.listings.get(&listing), state.listing_clock(listing))
    else {
        return (Vec::new(), Outcome::Recorded);
    };
    match rules::listing_expires_at(clock.since, state.settings.listing_days, day) {
        Some(at) if l.active && !clock.expired && at <= now => (
            vec![Event::ListingExpired(ListingExpired {
                listing,
                seller: l.seller,
                at,
            })],
            Outcome::ListingExpired {
                listing,
                seller: l.seller,
                title: l.details.title.clone(),
            },
        ),
        _ => (Vec::new(), Outcome::Recorded),
    }
}

/// The seller puts their listing on sale for another period: one on sale or whose time ran out,
/// not one taken off the marketplace.
fn renew(
    state: &GuildState,
    seller: UserId,
    listing: ListingId,
    day: TimeDelta,
    now: DateTime<Utc>,
) -> Decision {
    let l = own_listing(state, listing, seller)?;
    let expired = state.listing_clock(listing).is_some_and(|c| c.expired);
    if !l.active && !expired {
        return Err(Rejection::ListingInactive(listing));
    }
    Ok((
        vec![Event::ListingRenewed(ListingRenewed {
            listing,
            seller,
            at: now,
        })],
        Outcome::Renewed {
            listing,
            title: l.details.title.clone(),
            until: rules::listing_expires_at(now, state.settings.listing_days, day),
        },
    ))
}

fn buy(
    state: &GuildState,
    buyer: UserId,
    listing: ListingId,
    version: i64,
    now: DateTime<Utc>,
) -> Decision {
    let l = listing_of(state, listing)?;
    if !l.active {
        return Err(Rejection::ListingInactive(listing));
    }
    if l.seller == buyer {
        return Err(Rejection::OwnListing);
    }
    if state
        .purchases
        .get(&(listing, buyer))
        .is_some_and(|p| p.status != PurchaseStatus::Refunded)
    {
        return Err(Rejection::AlreadyBought(listing));
    }
    let price = l.details.price;
    if l.version != version {
        return Err(Rejection::ListingChanged { listing, price });
    }
    let wallet = Account::Member(buyer);
    cover(state, wallet, price)?;
    let rank = state
        .settings
        .rank(state.member(l.seller).tenure.time_in_guild(now));
    let tax_percent = state.settings.tax_percent(rank);
    let tax = rules::percent_of(price, tax_percent);
    let postings = Postings::new()
        .mov(wallet, Account::Member(l.seller), price)
        .mov(Account::Member(l.seller), Account::Treasury, tax)
        .build();
    Ok((
        vec![Event::ListingPurchased(ListingPurchased {
            listing,
            version,
            buyer,
            seller: l.seller,
            price,
            tax,
            tax_percent,
            seller_rank: rank.to_string(),
            // A sale earns XP unless the seller still holds the XP of this buyer's earlier
            // purchase: a refund takes it back, so buy, refund, buy cannot farm XP (nor could it
            // before refunds took XP back: those refunds left it with the seller).
            seller_xp: if state
                .purchases
                .get(&(listing, buyer))
                .is_some_and(|p| p.seller_xp.0 > 0)
            {
                Xp(0)
            } else {
                rules::SALE_XP
            },
            postings,
        })],
        Outcome::Purchased {
            listing,
            title: l.details.title.clone(),
            version,
            buyer,
            seller: l.seller,
            price,
            tax,
            tax_percent,
            balance: Credits(state.balance(wallet).0 - price.0),
        },
    ))
}

fn review(
    state: &GuildState,
    reviewer: UserId,
    listing: ListingId,
    stars: &str,
    body: &str,
) -> Decision {
    let l = listing_of(state, listing)?;
    if l.seller == reviewer {
        return Err(Rejection::OwnListing);
    }
    let p = purchase_of(state, listing, reviewer)?;
    if p.status == PurchaseStatus::Refunded {
        return Err(Rejection::NotABuyer(listing));
    }
    if p.reviewed {
        return Err(Rejection::AlreadyReviewed(listing));
    }
    let stars = stars
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|s| (1..=5).contains(s))
        .ok_or(Rejection::BadStars)?;
    let body = text(body, "The review", rules::REVIEW_CHARS)?;
    Ok((
        vec![Event::ListingReviewed(ListingReviewed {
            listing,
            seller: l.seller,
            reviewer,
            stars,
            text: body,
            reviewer_xp: rules::REVIEW_XP,
        })],
        Outcome::Reviewed {
            listing,
            title: l.details.title.clone(),
            seller: l.seller,
            stars,
            xp: rules::REVIEW_XP,
        },
    ))
}

/// Gives a buyer the price back: the seller returns what they received, the treasury its tax.
fn refund(
    state: &GuildState,
    by: UserId,
    listing: ListingId,
    buyer: UserId,
    reason: String,
) -> Decision {
    let l = listing_of(state, listing)?;
    let p = purchase_of(state, listing, buyer)?;
    if p.status == PurchaseStatus::Refunded {
        return Err(Rejection::AlreadyRefunded);
    }
    // What a dispute holds pays first (all of it, for a dispute since holds exist); the seller
    // pays the rest.
    let (seller, hold) = (Account::Member(l.seller), Account::Dispute(listing, buyer));
    let from_hold = state.balance(hold).min(p.proceeds());
    let from_seller = Credits(p.proceeds().0 - from_hold.0);
    let balance = state.balance(seller);
    if balance < from_seller {
        return Err(Rejection::SellerCannotRefund {
            balance,
            needed: from_seller,
        });
    }
    let postings = Postings::new()
        .mov(hold, Account::Member(buyer), from_hold)
        .mov(seller, Account::Member(buyer), from_seller)
        .mov(Account::Treasury, Account::Member(buyer), p.tax)
        .build();
    // The sale's XP goes back too (no more than the seller has: XP never goes below zero).
    let seller_xp = Xp(p.seller_xp.0.min(state.member(l.seller).xp.0).max(0));
    Ok((
        vec![Event::PurchaseRefunded(PurchaseRefunded {
            listing,
            buyer,
            seller: l.seller,
            by,
            reason,
            postings,
            seller_xp,
        })],
        Outcome::Refunded {
            listing,
            title: l.details.title.clone(),
            buyer,
            seller: l.seller,
            amount: p.price,
        },
    ))
}
