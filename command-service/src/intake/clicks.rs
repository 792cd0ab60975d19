//! Buttons and submitted forms. A button acts only for the member whose view it is on; what it
//! names is checked again by the rules against current state.

use crate::discord::custom_id::{Action, Form, field};
use crate::domain::{Command, Draft, Market, TeamCmd};
use studio_schema::UserId;
use twilight_model::application::interaction::Interaction;
use twilight_model::application::interaction::modal::{
    ModalInteractionComponent, ModalInteractionData,
};

/// A button acts only for the member who opened its view: the owner named in the custom id must be
/// the clicker, and, when Discord tells who opened the message, that member too (so a forged custom
/// id naming the clicker as owner does not pass).
#[must_use]
pub fn owns_view(interaction: &Interaction, action: &Action, clicker: UserId) -> bool {
    let opener = interaction
        .message
        .as_ref()
        .and_then(|m| m.interaction_metadata.as_ref())
        .map(|meta| UserId::from_u64(meta.user.id.get()));
    action.owner() == clicker && opener.is_none_or(|o| o == clicker)
}

/// What a click asks for: a command, or `Ok(None)` for a click that only shows a view or a form.
///
/// # Errors
/// A private explanation: the button is not Studio's, or the view is another member's.
pub fn button(
    i: &Interaction,
    custom_id: &str,
    clicker: UserId,
) -> Result<Option<Command>, String> {
    let Some(action) = Action::parse(custom_id) else {
        return Err("❌ That button is not one of Studio's.".into());
    };
    if !owns_view(i, &action, clicker) {
        return Err(format!(
            "❌ This view belongs to <@{}>. Open your own with /profile, /leaderboard or /shop.",
            action.owner()
        ));
    }
    Ok(match action {
        Action::Buy {
            listing, version, ..
        } => Some(Command::Market(Market::Buy {
            buyer: clicker,
            listing,
            version,
        })),
        Action::Delist { listing, .. } => Some(Command::Market(Market::Delist {
            actor: clicker,
            listing,
        })),
        Action::Refund { listing, buyer, .. } => Some(Command::Market(Market::Refund {
            seller: clicker,
            listing,
            buyer,
            reason: "Refunded by the seller".into(),
        })),
        Action::JoinTeam { team, .. } => Some(Command::Team(TeamCmd::Join {
            member: clicker,
            team: studio_schema::money::TeamId(team),
        })),
        Action::ClaimQuest { .. } => Some(Command::ClaimQuest {
            member: clicker,
            at: super::slash::created_at(i),
        }),
        _ => None,
    })
}

/// The text inputs of a submitted form, by custom id.
fn inputs(data: &ModalInteractionData) -> Vec<(&str, &str)> {
    fn walk<'a>(c: &'a ModalInteractionComponent, out: &mut Vec<(&'a str, &'a str)>) {
        match c {
            ModalInteractionComponent::ActionRow(row) => {
                for c in &row.components {
                    walk(c, out);
                }
            }
            ModalInteractionComponent::Label(label) => walk(&label.component, out),
            ModalInteractionComponent::TextInput(t) => out.push((&t.custom_id, &t.value)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &data.components {
        walk(c, &mut out);
    }
    out
}

/// The command a submitted form asks for.
///
/// # Errors
/// The form is not Studio's or misses a field.
pub fn form(
    data: &ModalInteractionData,
    actor: UserId,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Command, String> {
    let bad = || "❌ I could not read that form. Please open it again.".to_owned();
    let form = Form::parse(&data.custom_id).ok_or_else(bad)?;
    let inputs = inputs(data);
    let get = |name: &str| {
        inputs
            .iter()
            .find(|(id, _)| *id == name)
            .map(|(_, v)| (*v).to_owned())
            .ok_or_else(bad)
    };
    let draft = || -> Result<Draft, String> {
        Ok(Draft {
            title: get(field::TITLE)?,
            description: get(field::DESCRIPTION)?,
            language: get(field::LANGUAGE)?,
            price: get(field::PRICE)?,
            code: get(field::CODE)?,
        })
    };
    match form {
        Form::Profile => {
            return Ok(Command::SetProfile {
                member: actor,
                role: get(field::ROLE)?,
                years: get(field::YEARS)?,
                skills: get(field::SKILLS)?,
                links: get(field::LINKS)?,
                open: get(field::OPEN)?,
            });
        }
        Form::Team => {
            return Ok(Command::Team(TeamCmd::Create {
                owner: actor,
                name: get(field::NAME)?,
                description: get(field::DESCRIPTION)?,
                open: get(field::OPEN)?,
            }));
        }
        Form::Contact(to) => {
            return Ok(Command::Contact {
                from: actor,
                to,
                message: get(field::TEXT)?,
                at,
            });
        }
        _ => {}
    }
    Ok(Command::Market(match form {
        Form::Sell => Market::Publish {
            seller: actor,
            listing: None,
            draft: draft()?,
        },
        Form::Edit(listing) => Market::Publish {
            seller: actor,
            listing: Some(listing),
            draft: draft()?,
        },
        Form::Review(listing) => Market::Review {
            reviewer: actor,
            listing,
            stars: get(field::STARS)?,
            text: get(field::TEXT)?,
        },
        Form::Dispute(listing) => Market::Dispute {
            buyer: actor,
            listing,
            reason: get(field::TEXT)?,
        },
        Form::Profile | Form::Contact(_) | Form::Team => return Err(bad()),
    }))
}
