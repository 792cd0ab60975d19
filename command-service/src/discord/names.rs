//! A member's name as an interaction shows it (Discord sends names with each interaction; Studio
//! keeps none). Used only to draw it, never stored.

use studio_schema::UserId;
use twilight_model::application::interaction::{Interaction, InteractionData};
use twilight_model::user::User;

/// `who`'s name as `i` shows it: their server nickname, else their display name, else their user
/// name. `None` when the interaction does not show them.
#[must_use]
pub fn of(i: &Interaction, who: UserId) -> Option<String> {
    let is = |id: u64| id == who.get();
    if let Some(member) = &i.member
        && let Some(user) = member.user.as_ref().filter(|u| is(u.id.get()))
    {
        return Some(member.nick.clone().unwrap_or_else(|| shown(user)));
    }
    if let Some(user) = i.user.as_ref().filter(|u| is(u.id.get())) {
        return Some(shown(user));
    }
    let Some(InteractionData::ApplicationCommand(data)) = &i.data else {
        return None;
    };
    let resolved = data.resolved.as_ref()?;
    let (id, user) = resolved.users.iter().find(|(id, _)| is(id.get()))?;
    let nick = resolved.members.get(id).and_then(|m| m.nick.clone());
    Some(nick.unwrap_or_else(|| shown(user)))
}

fn shown(user: &User) -> String {
    user.global_name
        .clone()
        .unwrap_or_else(|| user.name.clone())
}
