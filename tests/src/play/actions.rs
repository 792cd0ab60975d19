//! What a member does on the page, each sent as Discord's client would send it: a message
//! (MESSAGE_CREATE), a slash command, a button click, a select choice or a form submit
//! (INTERACTION_CREATE). An interaction's POST waits until the bot answered (or its window
//! passed), then redirects (303) back to the member's page, where the answer shows.

use super::{Shared, feed, message, modal, not_found, slash};
use axum::Form;
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use serde_json::Value;
use std::time::Duration;
use tokio::time::Instant;

/// A form's fields, in order (a field may repeat: a multiple select).
type Fields = Form<Vec<(String, String)>>;

/// Discord's longest message.
const MESSAGE_MAX: usize = 2000;
/// How long a deferred answer may take to arrive after its acknowledgement.
const DEFERRED_WAIT: Duration = Duration::from_secs(5);

fn field<'f>(form: &'f [(String, String)], name: &str) -> &'f str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Back to the member's page.
fn back(user: u64) -> Response {
    Redirect::to(&format!("/as/{user}")).into_response()
}

/// Waits until the bot answered interaction `id`: acknowledged, and a deferred answer filled
/// in. A form it opened becomes the member's open form; no answer in the window is told.
async fn answered(play: &Shared, user: u64, id: u64, typed: &str) {
    let fake = &play.fake;
    let window = fake.config().interaction_window + Duration::from_millis(500);
    let deadline = Instant::now() + window;
    let acked = loop {
        if let Some(kind) = fake.interaction(id).and_then(|i| i.acked) {
            break kind;
        }
        if Instant::now() >= deadline {
            play.tell(
                user,
                "Studio did not answer in time: Discord shows “The application did not respond”.",
                typed,
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    if acked == 9 {
        if let Some(callback) = fake.answer_to(id) {
            play.open_modal(user, callback.body);
        }
        return;
    }
    if acked == 5 {
        let deadline = Instant::now() + DEFERRED_WAIT;
        while Instant::now() < deadline && fake.original_message(id).is_some_and(|m| m.loading()) {
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// Sends interaction `d` (id `id`) as `user`'s client would, waits for the bot's answer, and goes
/// back to the member's page.
async fn interact(play: &Shared, user: u64, (id, d): (u64, Value)) -> Response {
    play.fake.dispatch("INTERACTION_CREATE", d);
    answered(play, user, id, "").await;
    back(user)
}

/// POST `/as/{user}/send`: a message, or a slash command when it starts with `/`.
pub(crate) async fn send(
    State(play): State<Shared>,
    Path(user): Path<u64>,
    Form(form): Fields,
) -> Response {
    let Some(member) = play.member(user) else {
        return not_found("No such member here.");
    };
    let typed = field(&form, "text").trim();
    if typed.is_empty() {
        return back(user);
    }
    let fake = &play.fake;
    if !typed.starts_with('/') {
        if typed.chars().count() > MESSAGE_MAX {
            play.tell(user, "A message has at most 2000 characters.", typed);
            return back(user);
        }
        let (_, d) = fake.message_create(play.guild, play.channel, &member, typed);
        fake.dispatch("MESSAGE_CREATE", d);
        // A moment for what the bot says back (a level-up, say).
        tokio::time::sleep(Duration::from_millis(300)).await;
        return back(user);
    }
    let commands = fake.registered_commands();
    let members = fake.members(play.guild);
    let guild = play.guild;
    let channel_named = |name: &str| fake.channel_by_name(guild, name).map(|(id, _)| id);
    let permissions = play.permissions(user);
    let parsed = slash::parse(
        typed,
        &slash::Context {
            commands: &commands,
            members: &members,
            permissions,
            channel_named: &channel_named,
        },
    );
    match parsed {
        Err(problem) => play.tell(user, problem, typed),
        Ok(command) => {
            let (id, d) = fake.slash_command(
                play.guild,
                play.channel,
                &member,
                permissions,
                &command.name,
                command.options,
            );
            fake.dispatch("INTERACTION_CREATE", d);
            answered(&play, user, id, "").await;
        }
    }
    back(user)
}

/// The message `user` acts on, with component `custom_id` on it enabled; or why not.
fn target(
    play: &Shared,
    user: u64,
    form: &[(String, String)],
) -> Result<(crate::SentMessage, Value), &'static str> {
    let message = field(form, "message")
        .parse::<u64>()
        .ok()
        .and_then(|id| play.fake.message(id))
        .filter(|m| feed::visible_to(play, m, user))
        .ok_or("That message is gone.")?;
    let component = message::find(&message.message, field(form, "custom_id"))
        .cloned()
        .ok_or("That button or menu is no longer on the message.")?;
    if component.get("disabled").and_then(Value::as_bool) == Some(true) {
        return Err("That button is disabled.");
    }
    Ok((message, component))
}

/// POST `/as/{user}/click`: a button.
pub(crate) async fn click(
    State(play): State<Shared>,
    Path(user): Path<u64>,
    Form(form): Fields,
) -> Response {
    let Some(member) = play.member(user) else {
        return not_found("No such member here.");
    };
    let (message, _) = match target(&play, user, &form) {
        Ok(found) => found,
        Err(problem) => {
            play.tell(user, problem, "");
            return back(user);
        }
    };
    let interaction = play.fake.button_click(
        play.guild,
        play.channel,
        &member,
        play.permissions(user),
        field(&form, "custom_id"),
        Some(&message),
    );
    interact(&play, user, interaction).await
}

/// POST `/as/{user}/select`: a choice in a string (or user) select.
pub(crate) async fn select(
    State(play): State<Shared>,
    Path(user): Path<u64>,
    Form(form): Fields,
) -> Response {
    let Some(member) = play.member(user) else {
        return not_found("No such member here.");
    };
    let (message, component) = match target(&play, user, &form) {
        Ok(found) => found,
        Err(problem) => {
            play.tell(user, problem, "");
            return back(user);
        }
    };
    let values: Vec<&str> = form
        .iter()
        .filter(|(k, v)| k == "values" && !v.is_empty())
        .map(|(_, v)| v.as_str())
        .collect();
    let bound = |key: &str, default: u64| {
        component
            .get(key)
            .and_then(Value::as_u64)
            .unwrap_or(default)
    };
    let (min, max) = (bound("min_values", 1), bound("max_values", 1));
    let count = values.len() as u64;
    let offered = |v: &&str| {
        component.get("type").and_then(Value::as_u64) == Some(5)
            || component
                .get("options")
                .and_then(Value::as_array)
                .is_some_and(|o| {
                    o.iter()
                        .any(|o| o.get("value").and_then(Value::as_str) == Some(v))
                })
    };
    if count < min || count > max || !values.iter().all(offered) {
        play.tell(
            user,
            format!("Choose between {min} and {max} of the menu's options."),
            "",
        );
        return back(user);
    }
    let interaction = play.fake.select_menu(
        play.guild,
        play.channel,
        &member,
        play.permissions(user),
        field(&form, "custom_id"),
        &values,
        Some(&message),
    );
    interact(&play, user, interaction).await
}

/// POST `/as/{user}/modal`: the form the bot opened, filled in.
pub(crate) async fn submit_modal(
    State(play): State<Shared>,
    Path(user): Path<u64>,
    Form(form): Fields,
) -> Response {
    let Some(member) = play.member(user) else {
        return not_found("No such member here.");
    };
    let Some(body) = play
        .modal(user)
        .filter(|b| modal::custom_id(b) == field(&form, "custom_id"))
    else {
        play.tell(user, "That form was closed.", "");
        return back(user);
    };
    let answers = match modal::answers(&body, &form) {
        Ok(answers) => answers,
        Err(problem) => {
            play.tell(user, problem, "");
            return back(user);
        }
    };
    play.close_modal(user);
    let fields: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let interaction = play.fake.modal_submit(
        play.guild,
        play.channel,
        &member,
        play.permissions(user),
        modal::custom_id(&body),
        &fields,
    );
    interact(&play, user, interaction).await
}

/// POST `/as/{user}/dismiss`: closes the open form without sending it (as Discord's Cancel).
pub(crate) async fn dismiss(State(play): State<Shared>, Path(user): Path<u64>) -> Response {
    play.close_modal(user);
    back(user)
}
