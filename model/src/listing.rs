//! A marketplace listing: its current version, whether it is on sale, and its spotlight.

use crate::Entity;
use chrono::{DateTime, Utc};
use studio_schema::economy::ListingDetails;
use studio_schema::{Event, ListingId, UserId};

/// A listing as it stands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Listing {
    pub seller: UserId,
    /// The current version; buyers of older versions keep theirs.
    pub version: i64,
    pub details: ListingDetails,
    pub active: bool,
    pub featured_until: Option<DateTime<Utc>>,
}

impl Entity for Listing {
    type Key = ListingId;

    fn keys(event: &Event, each: &mut dyn FnMut(ListingId)) {
        match event {
            Event::ListingCreated(p) | Event::ListingEdited(p) => each(p.listing),
            Event::ListingDelisted(d) => each(d.listing),
            Event::ListingExpired(e) => each(e.listing),
            Event::ListingRenewed(r) => each(r.listing),
            Event::ListingFeatured(f) => each(f.listing),
            _ => {}
        }
    }

    /// A new version replaces the details and puts the listing on sale, keeping its spotlight.
    fn evolve(slot: &mut Option<Self>, _: ListingId, event: &Event) {
        match event {
            Event::ListingCreated(p) | Event::ListingEdited(p) => {
                let featured_until = slot.as_ref().and_then(|l| l.featured_until);
                *slot = Some(Self {
                    seller: p.seller,
                    version: p.version,
                    details: p.details.clone(),
                    active: true,
                    featured_until,
                });
            }
            Event::ListingDelisted(_) | Event::ListingExpired(_) => {
                if let Some(l) = slot {
                    l.active = false;
                }
            }
            Event::ListingRenewed(_) => {
                if let Some(l) = slot {
                    l.active = true;
                }
            }
            Event::ListingFeatured(f) => {
                if let Some(l) = slot {
                    l.featured_until = Some(f.until);
                }
            }
            _ => {}
        }
    }
}
