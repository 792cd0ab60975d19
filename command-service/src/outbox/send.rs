//! Sending one [`Effect`] on Discord, idempotently where Discord allows: member roles are PUT/DELETE,
//! room permissions are overwrites by member id, a room is opened once and remembered by id.
//!
//! Each send says whether it is done (and how), or failed for now (retry) or for good (record it).

use super::{CodeRef, Effect, Reply, Room, WhenLate};
use crate::answer::{ANSWER_DEADLINE, Answerer};
use crate::discord::mentions::{self, Pings};
use crate::discord::receipts::{self, Dm};
use studio_schema::content::{self, Kept};
use studio_schema::outbox;
use studio_schema::{GuildId, UserId};
use twilight_http::api_error::ApiError;
use twilight_http::error::{Error as HttpError, ErrorType};
use twilight_http::request::Request;
use twilight_http::routing::Route;
use twilight_model::channel::ChannelType;
use twilight_model::channel::permission_overwrite::{PermissionOverwrite, PermissionOverwriteType};
use twilight_model::guild::Permissions;
use twilight_model::http::interaction::InteractionResponse;
use twilight_model::id::Id;
use twilight_model::id::marker::{ChannelMarker, GenericMarker, GuildMarker};
use twilight_util::snowflake::Snowflake;

/// What the members of a room may do in it.
const PARTY: Permissions = Permissions::VIEW_CHANNEL
    .union(Permissions::SEND_MESSAGES)
    .union(Permissions::READ_MESSAGE_HISTORY)
    .union(Permissions::ATTACH_FILES);

/// Discord: the interaction was already acknowledged (an earlier life of this answer got through).
pub(crate) const ALREADY_ACKNOWLEDGED: u64 = 40_060;

/// Why an effect is not done.
#[derive(Debug)]
pub enum Failure {
    /// Worth trying again later (Discord or the network was unavailable).
    Transient(String),
    /// Will never succeed (closed DMs, a deleted channel, a missing permission): recorded, not retried.
    Permanent(String),
}

impl Failure {
    fn from_http(err: &HttpError) -> Self {
        match err.kind() {
            ErrorType::Response { status, .. }
                if status.is_client_error() && status.get() != 429 =>
            {
                Self::Permanent(err.to_string())
            }
            ErrorType::BuildingRequest | ErrorType::Json | ErrorType::Unauthorized => {
                Self::Permanent(err.to_string())
            }
            _ => Self::Transient(err.to_string()),
        }
    }

    fn database(err: &sqlx::Error) -> Self {
        Self::Transient(format!("postgres: {err}"))
    }
}

pub(crate) fn api_code(err: &HttpError) -> Option<u64> {
    match err.kind() {
        ErrorType::Response {
            error: ApiError::General(general),
            ..
        } => Some(general.code),
        _ => None,
    }
}

/// How an effect was done, for the outbox's `result`.
pub type Done = Result<String, Failure>;

impl Answerer {
    /// Sends one effect; `id` is its outbox row, the idempotency key of the messages it creates.
    /// `retry`: an earlier attempt may have got through (a sweeper's send).
    pub async fn send(&self, id: i64, effect: &Effect, retry: bool) -> Done {
        let nonce = format!("studio-{id}");
        match effect {
            Effect::Answer {
                reply,
                response,
                when_late,
                code,
            } => {
                let response = match code {
                    Some(code) => {
                        let body = self.code(code).await?;
                        &receipts::with_code(response, &code.title, code.listing, body.as_deref())
                    }
                    None => &**response,
                };
                self.answer(reply, response, *when_late, &nonce, retry)
                    .await
            }
            Effect::Query {
                guild,
                head,
                reply,
                query,
            } => self.answer_query(*guild, *head, reply, query).await,
            Effect::Dm(dm) => self.dm(dm, &nonce).await,
            Effect::Deliver { code, buyer, price } => {
                let body = self.code(code).await?;
                let dm =
                    receipts::delivery(*buyer, code.listing, &code.title, *price, body.as_deref());
                self.dm(&dm, &nonce).await
            }
            Effect::Post {
                channel,
                content,
                pings,
            } => {
                let body = mentions::body(content, &[], pings);
                self.create_message_once(Id::new((*channel).max(1)), body, &nonce)
                    .await
                    .map(|()| "posted".to_owned())
            }
            Effect::MemberRole {
                guild,
                member,
                role,
                give,
            } => self.member_role(*guild, *member, *role, *give).await,
            Effect::OpenRoom {
                room,
                members,
                welcome,
                pings,
            } => {
                let welcome = welcome.as_deref().map(|w| mentions::body(w, &[], pings));
                self.open_room(room, members, welcome, &nonce).await
            }
            Effect::RoomMembers {
                room,
                members,
                gone,
            } => self.room_members(room, members, *gone).await,
            Effect::CloseRoom { room } => self.close_room(room).await,
        }
    }

    /// The code `code` names, or `None` when it was erased on request.
    async fn code(&self, code: &CodeRef) -> Result<Option<String>, Failure> {
        let kept = content::read(&self.pool, code.guild, code.listing, code.version)
            .await
            .map_err(|e| Failure::database(&e))?;
        match kept {
            Some(Kept::Body(body)) => Ok(Some(body)),
            Some(Kept::Forgotten(_)) => Ok(None),
            None => Err(Failure::Permanent(format!(
                "no code kept for listing {} version {}",
                code.listing, code.version
            ))),
        }
    }

    /// Answers an interaction: within Discord's window directly (or by editing the deferred response);
    /// after it, a decided command is told by DM — never silently executed. Sent again after a crash,
    /// it looks at what Discord shows first, so the member is answered once.
    async fn answer(
        &self,
        reply: &Reply,
        response: &InteractionResponse,
        late: WhenLate,
        nonce: &str,
        retry: bool,
    ) -> Done {
        let interactions = self.http.interaction(self.application_id);
        let in_window = age_ms(reply) <= ANSWER_DEADLINE.as_millis();
        // A retry, or a deferred answer, looks at what Discord shows first: an earlier attempt may
        // have answered (done) or only deferred (edit it).
        let mut shown = if retry || reply.deferred {
            self.original(&reply.token).await?
        } else {
            Original::Missing
        };
        if matches!(shown, Original::Missing) && in_window {
            match interactions
                .create_response(reply.id, &reply.token, response)
                .await
            {
                Ok(_) => return Ok("answered".into()),
                Err(err) if api_code(&err) == Some(ALREADY_ACKNOWLEDGED) => {
                    shown = self.original(&reply.token).await?;
                }
                Err(err) => return Err(Failure::from_http(&err)),
            }
        }
        let thinking = match shown {
            Original::Answered => return Ok("answered before".into()),
            Original::Thinking => true,
            Original::Missing => false,
        };
        if thinking && let Some(data) = &response.data {
            let edited = mentions::edit(&interactions, &reply.token, data).await;
            match edited {
                Ok(_) => return Ok("edited".into()),
                Err(err) if late == WhenLate::Drop => return Ok(format!("not answered: {err}")),
                Err(_) => {} // the token expired: tell by DM below
            }
        }
        match (late, reply.member) {
            (WhenLate::Drop, _) => Ok("expired: past Discord's window".into()),
            (WhenLate::TellByDm, None) => Ok("expired: nobody to tell".into()),
            (WhenLate::TellByDm, Some(member)) => {
                let data = response.data.clone().unwrap_or_default();
                let content = format!(
                    "⏱️ Studio could not answer your command in time; here is what happened:\n{}",
                    data.content.unwrap_or_default()
                );
                let dm = Dm {
                    to: member,
                    content: crate::discord::render::truncate(&content, 2000),
                    embeds: data.embeds.unwrap_or_default(),
                    pings: Pings::nobody(),
                };
                self.dm(&dm, nonce).await.map(|_| "told by DM".into())
            }
        }
    }

    /// What Discord shows as an interaction's response now. Discord knows its token only once the
    /// interaction was acknowledged; a deferred response carries the loading flag until edited.
    pub(crate) async fn original(&self, token: &str) -> Result<Original, Failure> {
        let shown = self
            .http
            .interaction(self.application_id)
            .response(token)
            .await;
        Ok(match shown {
            Ok(response) => match response.model().await {
                Ok(message)
                    if message.flags.is_some_and(|f| {
                        f.contains(twilight_model::channel::message::MessageFlags::LOADING)
                    }) =>
                {
                    Original::Thinking
                }
                _ => Original::Answered,
            },
            Err(err) => match Failure::from_http(&err) {
                Failure::Permanent(_) => Original::Missing,
                transient @ Failure::Transient(_) => return Err(transient),
            },
        })
    }

    /// Renders a query's view and answers it; a view too late to show is dropped.
    async fn answer_query(
        &self,
        guild: GuildId,
        head: i64,
        reply: &Reply,
        query: &crate::query::Query,
    ) -> Done {
        if age_ms(reply) > ANSWER_DEADLINE.as_millis() {
            return Ok("expired: past Discord's window".into());
        }
        let response = self.view(guild, head, query).await;
        self.answer(reply, &response, WhenLate::Drop, "", false)
            .await
    }

    /// Sends a direct message once (`nonce` is its idempotency key); closed DMs are a permanent
    /// failure.
    pub async fn dm(&self, dm: &Dm, nonce: &str) -> Done {
        let channel = self
            .http
            .create_private_channel(Id::new(dm.to.get().max(1)))
            .await
            .map_err(|e| Failure::from_http(&e))?
            .model()
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?;
        let body = mentions::body(&dm.content, &dm.embeds, &dm.pings);
        self.create_message_once(channel.id, body, nonce)
            .await
            .map(|()| "sent".into())
    }

    /// Creates a message with Discord's idempotency key: the same `nonce` with `enforce_nonce` within
    /// a few minutes returns the first message instead of posting a second (a retry after a crash
    /// between sending and marking done).
    async fn create_message_once(
        &self,
        channel: Id<ChannelMarker>,
        body: mentions::Body,
        nonce: &str,
    ) -> Result<(), Failure> {
        let mut body = body.into_json();
        if let Some(fields) = body.as_object_mut() {
            fields.insert("nonce".into(), nonce.into());
            fields.insert("enforce_nonce".into(), true.into());
        }
        let request = Request::builder(&Route::CreateMessage {
            channel_id: channel.get(),
        })
        .json(&body)
        .build()
        .map_err(|e| Failure::Permanent(e.to_string()))?;
        self.http
            .request::<twilight_model::channel::Message>(request)
            .await
            .map(|_| ())
            .map_err(|e| Failure::from_http(&e))
    }

    async fn member_role(
        &self,
        guild: GuildId,
        member: UserId,
        role: studio_schema::RoleId,
        give: bool,
    ) -> Done {
        let (guild, user, role_id) = (
            Id::new(guild.get().max(1)),
            Id::new(member.get().max(1)),
            Id::new(role.get().max(1)),
        );
        let result = if give {
            self.http.add_guild_member_role(guild, user, role_id).await
        } else {
            self.http
                .remove_guild_member_role(guild, user, role_id)
                .await
        };
        result
            .map(|_| if give { "role given" } else { "role taken" }.into())
            .map_err(|e| Failure::from_http(&e))
    }

    /// Opens a room once: a room already remembered is not opened again, and a channel of its name that
    /// an interrupted earlier attempt created is adopted rather than duplicated. `nonce` keys its
    /// welcome.
    async fn open_room(
        &self,
        room: &Room,
        members: &[UserId],
        welcome: Option<mentions::Body>,
        nonce: &str,
    ) -> Done {
        let guild_id: Id<GuildMarker> = Id::new(room.guild.get().max(1));
        if outbox::room(&self.pool, room.guild.0, &room.name)
            .await
            .map_err(|e| Failure::database(&e))?
            .is_some()
        {
            return Ok("already open".into());
        }
        let existing = self
            .http
            .guild_channels(guild_id)
            .await
            .map_err(|e| Failure::from_http(&e))?
            .models()
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?
            .into_iter()
            .find(|c| c.name.as_deref() == Some(room.name.as_str()))
            .map(|c| c.id);
        let channel = match existing {
            Some(channel) => channel,
            None => self.create_room(guild_id, &room.name, members).await?,
        };
        outbox::remember_room(
            &self.pool,
            room.guild.0,
            &room.name,
            channel.get().cast_signed(),
        )
        .await
        .map_err(|e| Failure::database(&e))?;
        if existing.is_none()
            && let Some(welcome) = welcome
        {
            // The room is open either way; a lost welcome is not worth a second room.
            let _ = self.create_message_once(channel, welcome, nonce).await;
        }
        Ok(format!("opened {channel}"))
    }

    async fn create_room(
        &self,
        guild: Id<GuildMarker>,
        name: &str,
        members: &[UserId],
    ) -> Result<Id<ChannelMarker>, Failure> {
        let bot: Id<GenericMarker> = self
            .http
            .current_user()
            .await
            .map_err(|e| Failure::from_http(&e))?
            .model()
            .await
            .map_err(|e| Failure::Transient(e.to_string()))?
            .id
            .cast();
        let member = |id: Id<GenericMarker>| PermissionOverwrite {
            allow: PARTY,
            deny: Permissions::empty(),
            id,
            kind: PermissionOverwriteType::Member,
        };
        let mut overwrites = vec![
            PermissionOverwrite {
                allow: Permissions::empty(),
                deny: Permissions::VIEW_CHANNEL,
                id: guild.cast(),
                kind: PermissionOverwriteType::Role,
            },
            member(bot),
        ];
        overwrites.extend(members.iter().map(|m| member(Id::new(m.get().max(1)))));
        self.http
            .create_guild_channel(guild, name)
            .kind(ChannelType::GuildText)
            .permission_overwrites(&overwrites)
            .await
            .map_err(|e| Failure::from_http(&e))?
            .model()
            .await
            .map(|c| c.id)
            .map_err(|e| Failure::Transient(e.to_string()))
    }

    async fn room_id(&self, room: &Room) -> Result<Id<ChannelMarker>, Failure> {
        match outbox::room(&self.pool, room.guild.0, &room.name)
            .await
            .map_err(|e| Failure::database(&e))?
        {
            Some(id) => Ok(Id::new(id.cast_unsigned().max(1))),
            // Opened by an effect still on its way: try again after it.
            None => Err(Failure::Transient(format!("{} is not open yet", room.name))),
        }
    }

    /// Lets every current member in again (healing a missed update) and shuts the one who went out.
    async fn room_members(&self, room: &Room, members: &[UserId], gone: Option<UserId>) -> Done {
        let channel = self.room_id(room).await?;
        for m in members {
            let overwrite = twilight_model::http::permission_overwrite::PermissionOverwrite {
                allow: Some(PARTY),
                deny: None,
                id: Id::new(m.get().max(1)),
                kind: twilight_model::http::permission_overwrite::PermissionOverwriteType::Member,
            };
            self.http
                .update_channel_permission(channel, &overwrite)
                .await
                .map_err(|e| Failure::from_http(&e))?;
        }
        if let Some(gone) = gone {
            self.http
                .delete_channel_permission(channel)
                .member(Id::new(gone.get().max(1)))
                .await
                .map_err(|e| Failure::from_http(&e))?;
        }
        Ok(format!("{} members set", members.len()))
    }

    async fn close_room(&self, room: &Room) -> Done {
        let channel = self.room_id(room).await?;
        match self.http.delete_channel(channel).await {
            Ok(_) => {}
            Err(err) => match Failure::from_http(&err) {
                // Already gone: closing is done.
                Failure::Permanent(_) => {}
                transient @ Failure::Transient(_) => return Err(transient),
            },
        }
        outbox::forget_room(&self.pool, room.guild.0, &room.name)
            .await
            .map_err(|e| Failure::database(&e))?;
        Ok(format!("closed {channel}"))
    }
}

/// An interaction's response as Discord shows it.
pub(crate) enum Original {
    Answered,
    Thinking,
    Missing,
}

/// How long ago Discord created the interaction, in ms (from its snowflake).
fn age_ms(reply: &Reply) -> u128 {
    let now = chrono::Utc::now().timestamp_millis();
    u128::try_from(now - reply.id.timestamp()).unwrap_or(0)
}
