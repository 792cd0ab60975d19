//! The gateway half: a WebSocket server that speaks Discord's gateway protocol to a real
//! twilight shard. HELLO, IDENTIFY (token checked, READY + GUILD_CREATE), heartbeats, RESUME
//! with replay, and the server-side disruptions tests ask for (op 7, op 9, a dropped TCP
//! connection). Frames are always TEXT; twilight accepts them whatever `compress` it asked for.

use crate::{
    records::PeerEvent,
    sessions::{Outgoing, ResumeRefused, envelope},
    state::{Inner, record},
};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::{sync::Arc, time::Duration};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{mpsc, watch},
};
use tokio_websockets::{CloseCode, Message, ServerBuilder};

const HEARTBEAT_ACK: &str = r#"{"t":null,"s":null,"op":11,"d":null}"#;

/// Accepts gateway connections until `shutdown` turns true.
pub(crate) async fn serve(
    listener: TcpListener,
    inner: Arc<Inner>,
    shutdown: watch::Receiver<bool>,
) {
    let mut stop = shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Each dispatch goes out as it is made, as Discord's gateway sends it: with
                    // Nagle's algorithm a dispatch written while the one before is unacknowledged
                    // waits for the client's delayed ACK (up to 40 ms on Linux).
                    if let Err(error) = stream.set_nodelay(true) {
                        tracing::warn!(%error, "local Discord: TCP_NODELAY not set");
                    }
                    tokio::spawn(connection(stream, Arc::clone(&inner), shutdown.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "local Discord: gateway accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = stop.changed() => return,
        }
    }
}

async fn connection(stream: TcpStream, inner: Arc<Inner>, mut shutdown: watch::Receiver<bool>) {
    let (request, mut ws) = match ServerBuilder::new().accept(stream).await {
        Ok(accepted) => accepted,
        // A bare TCP probe (a readiness check) closes before sending anything: not a client.
        Err(error) if error.to_string().contains("unexpected end of file") => return,
        Err(error) => {
            inner.violation(format!("gateway: WebSocket handshake failed: {error}"));
            return;
        }
    };
    let query = request.uri().query().unwrap_or_default().to_owned();
    if !(query.split('&').any(|p| p == "v=10") && query.split('&').any(|p| p == "encoding=json")) {
        inner.violation(format!(
            "gateway: connected with {:?}, expected ?v=10&encoding=json",
            request.uri()
        ));
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let conn = inner.gateway().register_conn(tx.clone());
    let hello = json!({"heartbeat_interval": inner.config.heartbeat_interval_ms});
    let _ = tx.send(Outgoing::Text(envelope(None, None, 10, &hello)));
    let mut identified = false;
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outgoing::Text(text)) => {
                    if ws.send(Message::text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close(code, reason)) => {
                    let _ = ws.send(Message::close(CloseCode::try_from(code).ok(), &reason)).await;
                    // Let the client answer the close handshake, briefly.
                    let _ = tokio::time::timeout(Duration::from_secs(1), async {
                        while let Some(Ok(_)) = ws.next().await {}
                    })
                    .await;
                    break;
                }
                Some(Outgoing::Kill) | None => break,
            },
            incoming = ws.next() => match incoming {
                Some(Ok(message)) if message.is_close() => break,
                Some(Ok(message)) => {
                    if let Some(text) = message.as_text() {
                        on_frame(&inner, conn, &tx, text, &mut identified);
                    } else if message.is_binary() {
                        inner.violation("gateway: client sent a binary frame".to_owned());
                    }
                }
                Some(Err(error)) => {
                    tracing::debug!(%error, "local Discord: gateway connection error");
                    break;
                }
                None => break,
            },
            _ = shutdown.changed() => break,
        }
    }
    // Dropping `ws` closes the TCP connection; without a close frame when killed.
    inner.gateway().unregister_conn(conn);
    inner.publish(|| PeerEvent::Disconnected);
}

fn close(tx: &mpsc::UnboundedSender<Outgoing>, code: u16, reason: &str) {
    let _ = tx.send(Outgoing::Close(code, reason.to_owned()));
}

fn on_frame(
    inner: &Inner,
    conn: u64,
    tx: &mpsc::UnboundedSender<Outgoing>,
    text: &str,
    identified: &mut bool,
) {
    let frame: Value = match serde_json::from_str(text) {
        Ok(frame) => frame,
        Err(error) => {
            inner.violation(format!("gateway: undecodable frame ({error}): {text}"));
            close(tx, 4002, "Error while decoding payload.");
            return;
        }
    };
    let op = frame.get("op").and_then(Value::as_u64);
    record(&mut inner.gateway().frames, frame.clone());
    match op {
        Some(1) => {
            let _ = tx.send(Outgoing::Text(HEARTBEAT_ACK.to_owned()));
        }
        Some(2) | Some(6) if *identified => {
            inner.violation(
                "gateway: IDENTIFY/RESUME on an already authenticated connection".to_owned(),
            );
            close(tx, 4005, "Already authenticated.");
        }
        Some(2) => *identified = identify(inner, conn, tx, &frame),
        Some(6) => *identified = resume(inner, conn, tx, &frame),
        Some(3 | 4 | 8) => {}
        other => {
            inner.violation(format!("gateway: unknown opcode {other:?}: {text}"));
            close(tx, 4001, "Unknown opcode.");
        }
    }
}

fn token_ok(
    inner: &Inner,
    tx: &mpsc::UnboundedSender<Outgoing>,
    frame: &Value,
    what: &str,
) -> bool {
    let token = frame
        .pointer("/d/token")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if token.strip_prefix("Bot ").unwrap_or(token) == inner.config.token {
        return true;
    }
    inner.violation(format!("gateway: {what} with a wrong token"));
    close(tx, 4004, "Authentication failed.");
    false
}

fn identify(inner: &Inner, conn: u64, tx: &mpsc::UnboundedSender<Outgoing>, frame: &Value) -> bool {
    if !token_ok(inner, tx, frame, "IDENTIFY") {
        return false;
    }
    if frame
        .pointer("/d/intents")
        .and_then(Value::as_u64)
        .is_none()
    {
        inner.violation("gateway: IDENTIFY without intents".to_owned());
        close(tx, 4013, "Invalid intent(s).");
        return false;
    }
    let guild_creates = inner.rest().guild_creates();
    let guilds: Vec<Value> = guild_creates
        .iter()
        .map(|g| json!({"id": g.get("id"), "unavailable": true}))
        .collect();
    let mut user = inner.bot_user();
    user["mfa_enabled"] = json!(false);
    user["verified"] = json!(true);
    let ready = json!({
        "v": 10,
        "user": user,
        "guilds": guilds,
        "session_id": "",
        "resume_gateway_url": inner.gateway_url,
        "shard": frame.pointer("/d/shard").cloned().unwrap_or(json!([0, 1])),
        "application": {"id": inner.config.application_id.to_string(), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
    });
    let session_id = inner.gateway().identify(conn, ready, guild_creates);
    inner.publish(|| PeerEvent::Identified { session_id });
    true
}

fn resume(inner: &Inner, conn: u64, tx: &mpsc::UnboundedSender<Outgoing>, frame: &Value) -> bool {
    if !token_ok(inner, tx, frame, "RESUME") {
        return false;
    }
    let session_id = frame
        .pointer("/d/session_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let seq = frame.pointer("/d/seq").and_then(Value::as_u64).unwrap_or(0);
    let result = inner.gateway().resume(conn, &session_id, seq);
    match result {
        Ok(replayed) => {
            inner.publish(|| PeerEvent::Resumed {
                session_id,
                replayed,
            });
            true
        }
        Err(ResumeRefused::SeqFromTheFuture) => {
            inner.violation(format!(
                "gateway: RESUME with seq {seq} beyond what was sent"
            ));
            close(tx, 4007, "Invalid seq.");
            false
        }
        Err(reason) => {
            tracing::info!(?reason, %session_id, "local Discord: resume refused");
            let _ = tx.send(Outgoing::Text(envelope(None, None, 9, &json!(false))));
            false
        }
    }
}
