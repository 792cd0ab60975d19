//! "Play in it yourself": a small web page of the local Discord where a newcomer picks a
//! simulated member, reads #general as that member sees it, types messages and slash commands,
//! clicks the buttons and fills the forms the bot sends. Every action is the same Discord
//! protocol the real client speaks: a MESSAGE_CREATE or an INTERACTION_CREATE dispatched through
//! [`FakeDiscord::dispatch`], answered by the real bot over REST.
//!
//! Server-rendered HTML that works without JavaScript: plain forms, each POST answered with a
//! 303 back to the member's page once the bot answered (or its answer window passed).

mod actions;
mod feed;
mod markup;
mod message;
mod modal;
mod page;
mod slash;

use crate::{FakeDiscord, FakeMember};
use axum::{
    Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use serde_json::Value;
use std::{
    collections::HashMap,
    io,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};
use tokio::net::TcpListener;

/// A member's permissions in the guild, by user id (what their interactions carry).
pub type Permissions = dyn Fn(u64) -> u64 + Send + Sync;

/// Something to tell a member once, on their next page.
#[derive(Clone, Debug, Default)]
pub(crate) struct Note {
    /// What went wrong (shown in red), or what happened.
    pub text: String,
    /// What they had typed, put back in the box so they can fix it.
    pub typed: String,
}

/// The page's world: the fake, where members play, and what each member has pending.
pub(crate) struct Play {
    pub fake: FakeDiscord,
    pub guild: u64,
    pub channel: u64,
    permissions: Box<Permissions>,
    notes: Mutex<HashMap<u64, Note>>,
    /// user id → the form (modal callback body) the bot opened for them and they have not sent.
    modals: Mutex<HashMap<u64, Value>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Play {
    /// The human member `user`, if they are in the guild now.
    pub fn member(&self, user: u64) -> Option<FakeMember> {
        self.fake
            .members(self.guild)
            .into_iter()
            .find(|m| m.user_id == user && !m.bot)
    }

    pub fn permissions(&self, user: u64) -> u64 {
        (self.permissions)(user)
    }

    pub fn tell(&self, user: u64, text: impl Into<String>, typed: &str) {
        lock(&self.notes).insert(
            user,
            Note {
                text: text.into(),
                typed: typed.to_owned(),
            },
        );
    }

    /// The note for `user`, taken: it shows once.
    pub fn take_note(&self, user: u64) -> Option<Note> {
        lock(&self.notes).remove(&user)
    }

    pub fn open_modal(&self, user: u64, body: Value) {
        lock(&self.modals).insert(user, body);
    }

    pub fn modal(&self, user: u64) -> Option<Value> {
        lock(&self.modals).get(&user).cloned()
    }

    pub fn close_modal(&self, user: u64) -> Option<Value> {
        lock(&self.modals).remove(&user)
    }
}

pub(crate) type Shared = Arc<Play>;

/// Serves the play pages on `listener` for members of `guild`, who talk in `channel`;
/// `permissions` gives each member's permissions (e.g. Manage Server for admins).
pub async fn serve(
    listener: TcpListener,
    fake: FakeDiscord,
    guild: u64,
    channel: u64,
    permissions: impl Fn(u64) -> u64 + Send + Sync + 'static,
) -> io::Result<()> {
    let play = Arc::new(Play {
        fake,
        guild,
        channel,
        permissions: Box::new(permissions),
        notes: Mutex::new(HashMap::new()),
        modals: Mutex::new(HashMap::new()),
    });
    let app = Router::new()
        .route("/", get(members))
        .route("/as/{user}", get(member))
        .route("/as/{user}/send", post(actions::send))
        .route("/as/{user}/click", post(actions::click))
        .route("/as/{user}/select", post(actions::select))
        .route("/as/{user}/modal", post(actions::submit_modal))
        .route("/as/{user}/dismiss", post(actions::dismiss))
        .route("/as/{user}/attachment/{message}/{n}", get(attachment))
        .fallback(|| async { not_found("No such page.") })
        .with_state(play);
    axum::serve(listener, app).await
}

/// A 404 page.
pub(crate) fn not_found(what: &str) -> Response {
    (StatusCode::NOT_FOUND, page::error_page(what)).into_response()
}

/// `/`: pick a member.
async fn members(State(play): State<Shared>) -> Html<String> {
    let mut humans: Vec<FakeMember> = play
        .fake
        .members(play.guild)
        .into_iter()
        .filter(|m| !m.bot)
        .collect();
    humans.sort_by(|a, b| a.username.cmp(&b.username));
    let admins: Vec<bool> = humans
        .iter()
        .map(|m| play.permissions(m.user_id) & slash::MANAGE_GUILD != 0)
        .collect();
    page::members_page(&play, &humans, &admins)
}

/// `/as/{user}`: #general as `user` sees it.
async fn member(State(play): State<Shared>, Path(user): Path<u64>) -> Response {
    let Some(member) = play.member(user) else {
        return not_found("No such member here (they may have left the server).");
    };
    page::member_page(&play, &member).into_response()
}

/// `/as/{user}/attachment/{message}/{n}`: a file on a message `user` may see.
async fn attachment(
    State(play): State<Shared>,
    Path((user, message, n)): Path<(u64, u64, usize)>,
) -> Response {
    let file = play
        .fake
        .message(message)
        .filter(|m| feed::visible_to(&play, m, user))
        .and_then(|m| m.attachments.get(n).cloned());
    let Some(file) = file else {
        return not_found("No such file, or it is not yours to see.");
    };
    let kind = match file.filename.rsplit_once('.').map(|(_, ext)| ext) {
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("csv" | "txt" | "md" | "rs") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    ([(header::CONTENT_TYPE, kind)], file.content).into_response()
}
