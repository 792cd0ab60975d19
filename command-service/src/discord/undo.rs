//! The Undo button an admin action's answer carries, and the answer to an undo.

use super::custom_id::Action;
use super::render::ephemeral;
use crate::domain::Outcome;
use crate::rules::undo::BUTTON_LASTS;
use studio_schema::UserId;
use twilight_model::channel::message::component::{ActionRow, ButtonStyle, Component};
use twilight_model::http::interaction::InteractionResponse;
use twilight_util::builder::message::ButtonBuilder;

/// Whether `outcome` is an admin action an Undo button can reverse.
#[must_use]
pub fn offered(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::XpAdjusted { .. }
        | Outcome::CreditsAdjusted { .. }
        | Outcome::DisputeRejected { .. } => true,
        Outcome::RepPurged { count, .. } => *count > 0,
        Outcome::SettingChanged { roles, .. } => roles.is_empty(),
        Outcome::Tournament { step, .. } => {
            matches!(step, crate::domain::TournamentStep::Paid { .. })
        }
        _ => false,
    }
}

/// `response` with an Undo button for `owner`, the admin whose command `action` (its interaction
/// id, the action's causation in the log) took it, when `outcome` is an action that can be undone.
#[must_use]
pub fn with_button(
    mut response: InteractionResponse,
    outcome: &Outcome,
    action: u64,
    owner: UserId,
) -> InteractionResponse {
    if !offered(outcome) {
        return response;
    }
    let button = ButtonBuilder::new(ButtonStyle::Secondary)
        .label(format!("↩️ Undo ({} min)", BUTTON_LASTS.num_minutes()))
        .custom_id(Action::Undo { action, owner }.to_string())
        .build();
    if let Some(data) = response.data.as_mut() {
        data.components
            .get_or_insert_with(Vec::new)
            .push(Component::ActionRow(ActionRow {
                components: vec![button.into()],
                id: None,
            }));
    }
    response
}

/// The answer to an undo that was done.
#[must_use]
pub fn done(original: i64, action: &str, reason: &str) -> InteractionResponse {
    ephemeral(&super::render::truncate(
        &format!(
            "↩️ Undid #{original} ({action}). Reason: {reason}\nThe log keeps both: `projector audit explain` shows the action and its undo."
        ),
        2000,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use studio_schema::Credits;

    fn button_ids(response: &InteractionResponse) -> Vec<String> {
        let json = serde_json::to_value(response).unwrap_or_default();
        json["data"]["components"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
            .filter_map(|b| b["custom_id"].as_str().map(str::to_owned))
            .collect()
    }

    #[test]
    fn an_admin_grant_carries_an_undo_button_for_its_admin_and_a_payment_does_not() {
        let granted = Outcome::CreditsAdjusted {
            member: UserId(2),
            change: 100,
            balance: Credits(100),
            reason: "prize".into(),
        };
        let answer = with_button(ephemeral("ok"), &granted, 77, UserId(1));
        assert_eq!(button_ids(&answer), ["un:77:1"]);
        let paid = Outcome::Paid {
            from: UserId(1),
            to: UserId(2),
            amount: Credits(5),
            balance: Credits(0),
            note: None,
        };
        assert!(button_ids(&with_button(ephemeral("ok"), &paid, 77, UserId(1))).is_empty());
    }
}
