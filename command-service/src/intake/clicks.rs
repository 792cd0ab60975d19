//! Buttons and submitted forms. A button acts only for the member whose view it is on; what it
//! names is checked again by the rules against current state.

use super::Asked;
use crate::discord::custom_id::{Action, Form, field};
use crate::domain::{Command, Draft, Market, TeamCmd, Undo, UndoTarget};
use crate::query::{Board, Opening, Query};
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

/// What a click asks for: a command, or the query of a click that only shows a view or a form.
///
/// # Errors
/// A private explanation: the button is not Studio's, or the view is another member's.
pub fn button(i: &Interaction, custom_id: &str, clicker: UserId) -> Result<Asked, String> {
    let Some(action) = Action::parse(custom_id) else {
        return Err("❌ That button is not one of Studio's.".into());
    };
    if !owns_view(i, &action, clicker) {
        return Err(format!(
            "❌ This view belongs to <@{}>. Open your own with /profile, /leaderboard or /shop.",
            action.owner()
        ));
    }
    let board = |board| {
        Ok(Asked::Query(Query::Board {
            board,
            update: true,
        }))
    };
    let form = |form| Ok(Asked::Query(Query::Form { form }));
    let command = |command| Ok(Asked::Command(command));
    match action {
        Action::Buy {
            listing, version, ..
        } => command(Command::Market(Market::Buy {
            buyer: clicker,
            listing,
            version,
        })),
        Action::Delist { listing, .. } => command(Command::Market(Market::Delist {
            actor: clicker,
            listing,
        })),
        Action::Renew { listing, .. } => command(Command::Market(Market::Renew {
            seller: clicker,
            listing,
            // The intake's configured day replaces it before the command is decided.
            day: chrono::TimeDelta::days(1),
        })),
        Action::Refund { listing, buyer, .. } => command(Command::Market(Market::Refund {
            seller: clicker,
            listing,
            buyer,
            reason: "Refunded by the seller".into(),
        })),
        Action::JoinTeam { team, .. } => command(Command::Team(TeamCmd::Join {
            member: clicker,
            team: studio_schema::money::TeamId(team),
        })),
        Action::Undo { action, .. } => command(Command::Undo(Box::new(Undo {
            actor: clicker,
            actor_can_manage_guild: super::slash::can_manage_guild(i),
            target: UndoTarget::Button(action.to_string()),
            reason: "with the Undo button on its answer".into(),
            at: super::slash::created_at(i),
            found: None,
            operator: None,
        }))),
        Action::ClaimQuest { .. } => command(Command::ClaimQuest {
            member: clicker,
            at: super::slash::created_at(i),
        }),
        Action::Profile { tab, target, owner } => board(Board::Profile {
            tab,
            target,
            owner,
            name: None,
        }),
        Action::Leaderboard {
            period,
            page,
            owner,
            slot: _,
        } => board(Board::Leaderboard {
            period,
            page,
            owner,
        }),
        Action::Shop {
            tab,
            page,
            owner,
            slot: _,
            language,
        } => board(Board::Shop {
            tab,
            page,
            owner,
            language,
        }),
        Action::Find {
            role,
            min_years,
            page,
            owner,
            slot: _,
        } => board(Board::Find {
            role,
            min_years,
            page,
            owner,
        }),
        Action::Teams {
            browse,
            page,
            owner,
            slot: _,
        } => board(Board::Teams {
            browse,
            page,
            owner,
        }),
        Action::Edit { listing, owner } => form(Opening::Edit { listing, owner }),
        Action::Review { listing, owner } => form(Opening::Review { listing, owner }),
        Action::Dispute { listing, owner } => form(Opening::Dispute { listing, owner }),
        Action::EditProfile { owner } => form(Opening::Profile { owner }),
        Action::Contact { member, owner: _ } => form(Opening::Contact { member }),
        Action::CreateTeam { owner: _ } => form(Opening::Team),
        Action::Code { listing, owner } => Ok(Asked::Query(Query::Code { listing, owner })),
    }
}

/// The text inputs of a submitted form, by custom id: the only way a form's text is read, once every
/// input (read or not) passed the one rule for member text, [`crate::rules::text`].
///
/// # Errors
/// The refusal naming the first input whose text Studio cannot store.
fn inputs(data: &ModalInteractionData) -> Result<Vec<(&str, &str)>, String> {
    fn walk<'a>(c: &'a ModalInteractionComponent, out: &mut Vec<(&'a str, &'a str)>) {
        match c {
            ModalInteractionComponent::ActionRow(row) => {
                for c in &row.components {
                    walk(c, out);
                }
            }
            ModalInteractionComponent::Label(label) => walk(&label.component, out),
            ModalInteractionComponent::TextInput(t) => out.push((&t.custom_id, &t.value)),
            // One choice (the profile's role); a forged empty choice is missing, and refused.
            ModalInteractionComponent::StringSelect(s) => {
                if let Some(value) = s.values.first() {
                    out.push((&s.custom_id, value));
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &data.components {
        walk(c, &mut out);
    }
    for (field, text) in &out {
        crate::rules::text::check(field, text)?;
    }
    Ok(out)
}

/// The command a submitted form asks for.
///
/// # Errors
/// The form is not Studio's or misses a field.
#[cfg(test)]
fn form(
    data: &ModalInteractionData,
    actor: UserId,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Command, String> {
    read_form(data, actor, at).map(|(_, command)| command)
}

/// The form submitted and the command it asks for.
///
/// # Errors
/// The form is not Studio's or misses a field.
pub fn read_form(
    data: &ModalInteractionData,
    actor: UserId,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(Form, Command), String> {
    let bad = || "❌ I could not read that form. Please open it again.".to_owned();
    let form = Form::parse(&data.custom_id).ok_or_else(bad)?;
    let inputs = inputs(data)
        .map_err(|refusal| format!("{refusal}\n{}", crate::discord::help::usage(form.command())))?;
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
    let command = match form {
        Form::Profile => Command::SetProfile {
            member: actor,
            role: get(field::ROLE)?,
            years: get(field::YEARS)?,
            skills: get(field::SKILLS)?,
            links: get(field::LINKS)?,
            open: get(field::OPEN)?,
        },
        Form::Team => Command::Team(TeamCmd::Create {
            owner: actor,
            name: get(field::NAME)?,
            description: get(field::DESCRIPTION)?,
            open: get(field::OPEN)?,
        }),
        Form::Contact(to) => Command::Contact {
            from: actor,
            to,
            message: get(field::TEXT)?,
            at,
        },
        Form::Sell => Command::Market(Market::Publish {
            seller: actor,
            listing: None,
            draft: draft()?,
        }),
        Form::Edit(listing) => Command::Market(Market::Publish {
            seller: actor,
            listing: Some(listing),
            draft: draft()?,
        }),
        Form::Review(listing) => Command::Market(Market::Review {
            reviewer: actor,
            listing,
            stars: get(field::STARS)?,
            text: get(field::TEXT)?,
        }),
        Form::Dispute(listing) => Command::Market(Market::Dispute {
            buyer: actor,
            listing,
            reason: get(field::TEXT)?,
        }),
    };
    Ok((form, command))
}

#[cfg(test)]
mod tests {
    use super::form;
    use crate::domain::{Command, Market};
    use serde_json::json;
    use studio_schema::UserId;
    use twilight_model::application::interaction::modal::ModalInteractionData;

    fn submitted(custom_id: &str, fields: &[(&str, &str)]) -> ModalInteractionData {
        let components: Vec<_> = fields
            .iter()
            .zip(1..)
            .map(|(&(input, value), n)| {
                json!({"type": 18, "id": 2 * n - 1,
                       "component": {"type": 4, "id": 2 * n, "custom_id": input, "value": value}})
            })
            .collect();
        serde_json::from_value(json!({"custom_id": custom_id, "components": components}))
            .unwrap_or_else(|err| panic!("a modal submission: {err}"))
    }

    fn sell(description: &str) -> ModalInteractionData {
        submitted(
            "f:sell",
            &[
                ("title", "Grid A*"),
                ("description", description),
                ("language", "Rust"),
                ("price", "200"),
                ("code", "fn main() {}\n\tok"),
            ],
        )
    }

    #[test]
    fn a_form_input_with_nul_is_refused_naming_the_field_with_the_usage() {
        let refused = form(&sell("fast\u{0}"), UserId::from_u64(1), chrono::Utc::now());
        let Err(reason) = refused else {
            panic!("expected a refusal, got {refused:?}");
        };
        assert!(
            reason.starts_with(
                "❌ The description contains a character Studio cannot store (U+0000)."
            ),
            "{reason}"
        );
        assert!(reason.contains("Usage: `/sell"), "{reason}");
    }

    #[test]
    fn a_form_with_ordinary_text_is_a_command() {
        let read = form(
            &sell("fast\nand small"),
            UserId::from_u64(1),
            chrono::Utc::now(),
        );
        assert!(
            matches!(read, Ok(Command::Market(Market::Publish { ref draft, .. }))
                if draft.description == "fast\nand small" && draft.code.contains('\t')),
            "{read:?}"
        );
    }

    #[test]
    fn every_input_is_checked_even_one_no_form_reads() {
        for (custom_id, fields) in [
            ("f:contact:5", vec![("text", "hi"), ("stray", "\u{1B}[31m")]),
            ("f:profile", vec![("role", "Artist\u{FFFE}")]),
        ] {
            let read = form(
                &submitted(custom_id, &fields),
                UserId::from_u64(1),
                chrono::Utc::now(),
            );
            assert!(
                read.as_ref().is_err_and(|r| r.contains("cannot store")),
                "{custom_id}: {read:?}"
            );
        }
    }
}
