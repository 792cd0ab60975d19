//! The REST half: an axum server that answers twilight-http the way Discord does. One fallback
//! handler strips `/api/v10` and the query, checks the Authorization header, records the request,
//! and routes by `(method, path segments)` to small per-resource modules. Every refusal that
//! is the bot's fault is also recorded as a violation.

mod application;
mod body;
mod channels;
mod guilds;
mod interactions;
mod messages;

use crate::{
    records::RecordedRequest,
    state::{Inner, record},
};
use axum::serve::ListenerExt;
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use body::Body;
use serde_json::{Value, json};
use std::{sync::Arc, time::Instant};
use tokio::{net::TcpListener, sync::watch};

/// A successful answer.
pub(crate) struct Reply {
    status: u16,
    body: Option<Value>,
}

impl Reply {
    fn json(body: Value) -> Self {
        Self {
            status: 200,
            body: Some(body),
        }
    }

    fn created(body: Value) -> Self {
        Self {
            status: 201,
            body: Some(body),
        }
    }

    fn no_content() -> Self {
        Self {
            status: 204,
            body: None,
        }
    }
}

/// A Discord error answer, `{"code": N, "message": "..."}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: u16,
    code: u64,
    message: String,
    /// Set when the bot is at fault: recorded in `violations()`.
    violation: Option<String>,
    errors: Option<Value>,
}

impl ApiError {
    /// The bot broke a rule; Discord refuses and the fake records why.
    pub fn violation(status: u16, code: u64, message: &str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.to_owned(),
            violation: Some(detail.into()),
            errors: None,
        }
    }

    /// Discord refuses for a reason the bot must handle (DMs closed, member left).
    pub fn refused(status: u16, code: u64, message: &str) -> Self {
        Self {
            status,
            code,
            message: message.to_owned(),
            violation: None,
            errors: None,
        }
    }

    /// 400 / 50035 Invalid Form Body listing the problems.
    pub fn invalid_form(problems: Vec<String>) -> Self {
        Self {
            status: 400,
            code: 50035,
            message: "Invalid Form Body".to_owned(),
            violation: Some(format!("invalid form body: {}", problems.join("; "))),
            errors: Some(json!({"_errors": problems
                .iter()
                .map(|p| json!({"code": "BASE_TYPE_INVALID", "message": p}))
                .collect::<Vec<_>>()})),
        }
    }

    pub fn unknown(what: &str, code: u64, detail: impl Into<String>) -> Self {
        Self::violation(404, code, &format!("Unknown {what}"), detail)
    }

    fn body(&self) -> Value {
        let mut body = json!({"code": self.code, "message": self.message});
        if let Some(errors) = &self.errors {
            body["errors"] = errors.clone();
        }
        body
    }
}

pub(crate) type Result<T = Reply> = std::result::Result<T, ApiError>;

/// One request, as route handlers see it.
pub(crate) struct Ctx<'a> {
    pub inner: &'a Inner,
    pub query: Option<&'a str>,
    pub body: &'a Body,
}

impl Ctx<'_> {
    /// The JSON body; a missing or malformed one is an invalid form body.
    pub fn json(&self) -> Result<&Value> {
        match (&self.body.json, &self.body.error) {
            (Some(json), _) => Ok(json),
            (None, Some(error)) => Err(ApiError::invalid_form(vec![error.clone()])),
            (None, None) => Err(ApiError::invalid_form(vec!["the body is empty".to_owned()])),
        }
    }

    /// Whether the query string has `key=true`.
    pub fn query_flag(&self, key: &str) -> bool {
        self.query
            .unwrap_or_default()
            .split('&')
            .any(|pair| pair == format!("{key}=true"))
    }
}

/// Parses a snowflake path segment; a malformed one is refused like an unknown object.
pub(crate) fn snowflake(segment: &str, what: &str, code: u64) -> Result<u64> {
    segment
        .parse()
        .map_err(|_| ApiError::unknown(what, code, format!("malformed {what} id {segment:?}")))
}

/// Serves the REST API until `shutdown` turns true.
pub(crate) async fn serve(
    listener: TcpListener,
    inner: Arc<Inner>,
    mut shutdown: watch::Receiver<bool>,
) {
    let app = Router::new()
        .route("/attachments/{id}/{name}", axum::routing::get(attachment))
        .fallback(handle)
        .with_state(Arc::clone(&inner));
    let stop = async move {
        let _ = shutdown.changed().await;
    };
    // Answers go out as they are written (no Nagle delay), as Discord's API sends them.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "local Discord: TCP_NODELAY not set");
        }
    });
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await
    {
        inner.violation(format!("REST server stopped: {error}"));
    }
}

/// A file a member attached to a command, as Discord's CDN serves it (no token needed).
async fn attachment(
    State(inner): State<Arc<Inner>>,
    axum::extract::Path((id, name)): axum::extract::Path<(String, String)>,
) -> Response {
    let file = id
        .parse::<u64>()
        .ok()
        .and_then(|id| inner.rest().uploads.get(&id).cloned())
        .filter(|file| file.filename == name);
    match file {
        Some(file) => (
            [(header::CONTENT_TYPE, "application/octet-stream")],
            file.content,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn handle(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let full_path = uri.path();
    let path = full_path
        .strip_prefix("/api/v10")
        .unwrap_or(full_path)
        .to_owned();
    let query = uri.query().map(str::to_owned);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let body = body::parse(content_type, &bytes);
    let ctx = Ctx {
        inner: &inner,
        query: query.as_deref(),
        body: &body,
    };
    let result = if !full_path.starts_with("/api/v10/") {
        Err(ApiError::violation(
            404,
            0,
            "404: Not Found",
            "path outside /api/v10",
        ))
    } else if let Some(error) = authorization(&inner, &path, &headers) {
        Err(error)
    } else if let Some(injected) =
        out_of_service(&inner, &path).or_else(|| rate_limited(&inner, &path))
    {
        let recorded = RecordedRequest {
            method: method.to_string(),
            path,
            query,
            body: body.recorded(),
            status: injected.status().as_u16(),
            at: Instant::now(),
        };
        record(&mut inner.rest().requests, recorded);
        return injected;
    } else {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        route(&ctx, &method, &segments)
    };
    let route_name = format!("{method} {path}");
    let (status, json) = match &result {
        Ok(reply) => (reply.status, reply.body.clone()),
        Err(error) => (error.status, Some(error.body())),
    };
    if let Err(ApiError {
        violation: Some(detail),
        ..
    }) = &result
    {
        inner.violation(format!("{route_name} → {status}: {detail}"));
    } else if let Err(error) = &result {
        inner.publish(|| crate::records::PeerEvent::Refused {
            route: route_name.clone(),
            status,
            code: error.code,
        });
    }
    let recorded = RecordedRequest {
        method: method.to_string(),
        path,
        query,
        body: body.recorded(),
        status,
        at: Instant::now(),
    };
    record(&mut inner.rest().requests, recorded);
    tracing::debug!(%route_name, status, "local Discord REST");
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match json {
        Some(json) => (status, axum::Json(json)).into_response(),
        None => status.into_response(),
    }
}

/// Interaction callbacks and webhooks carry no Authorization; everything else needs the bot's.
fn authorization(inner: &Inner, path: &str, headers: &HeaderMap) -> Option<ApiError> {
    if path.starts_with("/interactions/") || path.starts_with("/webhooks/") {
        return None;
    }
    let expected = format!("Bot {}", inner.config.token);
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if sent == Some(expected.as_str()) {
        return None;
    }
    let detail = match sent {
        None => "no Authorization header".to_owned(),
        Some(_) => "wrong Authorization header (expected \"Bot <token>\")".to_owned(),
    };
    Some(ApiError::violation(401, 0, "401: Unauthorized", detail))
}

/// Answers 503 while an injected outage for this path is pending.
fn out_of_service(inner: &Inner, path: &str) -> Option<Response> {
    let mut rest = inner.rest();
    let entry = rest
        .outages
        .iter_mut()
        .find(|(prefix, left)| *left > 0 && path.starts_with(prefix.as_str()))?;
    entry.1 -= 1;
    drop(rest);
    let body = json!({"message": "503: Service Unavailable", "code": 0});
    Some((StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response())
}

/// Answers 429 while an injected rate limit for this path is pending.
fn rate_limited(inner: &Inner, path: &str) -> Option<Response> {
    let mut rest = inner.rest();
    let entry = rest
        .rate_limits
        .iter_mut()
        .find(|(prefix, left)| *left > 0 && path.starts_with(prefix.as_str()))?;
    entry.1 -= 1;
    drop(rest);
    let body =
        json!({"message": "You are being rate limited.", "retry_after": 0.05, "global": false});
    let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-scope", "user"),
        ("x-ratelimit-bucket", "fake-bucket"),
        ("x-ratelimit-limit", "5"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset-after", "0.05"),
        ("retry-after", "1"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    Some(response)
}

fn route(ctx: &Ctx<'_>, method: &Method, segments: &[&str]) -> Result {
    use Method as M;
    match (method.clone(), segments) {
        (M::GET, ["gateway", "bot"]) => application::gateway_bot(ctx),
        (M::GET, ["gateway"]) => application::gateway(ctx),
        (M::GET, ["users", "@me"]) => application::current_user(ctx),
        (M::GET, ["applications", "@me"]) => application::current_application(ctx),
        (m, ["applications", app, "commands"]) => application::commands(ctx, &m, app, None),
        (m, ["applications", app, "guilds", guild, "commands"]) => {
            application::commands(ctx, &m, app, Some(guild))
        }
        (M::POST, ["interactions", id, token, "callback"]) => {
            interactions::callback(ctx, id, token)
        }
        (M::POST, ["webhooks", app, token]) => interactions::followup(ctx, app, token),
        (m, ["webhooks", app, token, "messages", message]) => {
            interactions::webhook_message(ctx, &m, app, token, message)
        }
        (M::POST, ["users", "@me", "channels"]) => channels::open_dm(ctx),
        (M::POST, ["channels", channel, "messages"]) => channels::create_message(ctx, channel),
        (m, ["channels", channel, "messages", message]) => {
            channels::message(ctx, &m, channel, message)
        }
        (m, ["channels", channel, "permissions", target]) => {
            channels::permission(ctx, &m, channel, target)
        }
        (M::GET, ["channels", channel]) => channels::get_channel(ctx, channel),
        (M::DELETE, ["channels", channel]) => channels::delete_channel(ctx, channel),
        (m, ["guilds", guild, "channels"]) => channels::guild_channels(ctx, &m, guild),
        (M::GET, ["guilds", guild]) => guilds::get_guild(ctx, guild),
        (M::GET, ["guilds", guild, "members"]) => guilds::list_members(ctx, guild),
        (m, ["guilds", guild, "members", user]) => guilds::member(ctx, &m, guild, user),
        (m, ["guilds", guild, "members", user, "roles", role]) => {
            guilds::member_role(ctx, &m, guild, user, role)
        }
        (m, ["guilds", guild, "roles"]) => guilds::roles(ctx, &m, guild),
        _ => Err(no_route()),
    }
}

/// The answer for a route local Discord does not know.
pub(crate) fn no_route() -> ApiError {
    ApiError::violation(
        404,
        0,
        "404: Not Found",
        "route not implemented by local Discord (or not a Discord route)",
    )
}
