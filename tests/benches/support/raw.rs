//! The raw primitives Studio is built on, measured on this machine in the same run as Studio's own
//! figures, so each figure is read as a ratio to what the machine can do at all: JetStream
//! publish (pipelined: every publish sent, then every ack awaited) and consume (a pull consumer,
//! batches of 1 000), Postgres `COPY` and a catch-up read of the event log in guild order.

use async_nats::jetstream::{self, consumer::pull};
use futures_util::StreamExt;
use sqlx::PgPool;
use std::time::Instant;

/// What one message or row looks like: about the size of a `MESSAGE_CREATE` Studio reads.
const PAYLOAD: &[u8] = &[b'x'; 600];

/// Messages per second JetStream stores with every publish in flight at once (acks awaited in
/// windows of 5 000), and messages per second a pull consumer reads them back. `publisher`
/// publishes and creates the stream as the gateway worker does (`subjects`' gateway stream);
/// `reader` reads as the command service does.
pub async fn jetstream(
    publisher: async_nats::Client,
    reader: async_nats::Client,
    subjects: &studio_schema::subjects::Subjects,
    messages: usize,
) -> (f64, f64) {
    // Publishes wait for room when 10 000 acks are pending, rather than failing.
    let js = jetstream::context::ContextBuilder::new()
        .max_ack_inflight(10_000)
        .backpressure_on_inflight(true)
        .build(publisher);
    let name = subjects.gateway_stream();
    let subject = subjects.gateway_subject(Some(42), "RAW");
    js.get_or_create_stream(subjects.gateway_stream_config())
        .await
        .expect("raw stream");

    let window = 5_000;
    let started = Instant::now();
    let mut acks = Vec::with_capacity(window);
    for _ in 0..messages {
        acks.push(
            js.publish(subject.clone(), PAYLOAD.into())
                .await
                .expect("publish"),
        );
        if acks.len() == window {
            for ack in acks.drain(..) {
                ack.await.expect("ack");
            }
        }
    }
    for ack in acks {
        ack.await.expect("ack");
    }
    let publish = per_second(messages, started);
    eprintln!("raw: {messages} published ({publish:.0}/s); reading them back");

    let stream = jetstream::new(reader)
        .get_stream(&name)
        .await
        .expect("the raw stream, to read");
    let consumer = stream
        .create_consumer(pull::Config {
            ack_policy: jetstream::consumer::AckPolicy::None,
            ..Default::default()
        })
        .await
        .expect("raw consumer");
    let started = Instant::now();
    let mut read = 0;
    while read < messages {
        let mut batch = consumer
            .fetch()
            .max_messages(1_000)
            .messages()
            .await
            .expect("fetch");
        while let Some(message) = batch.next().await {
            message.expect("message");
            read += 1;
        }
    }
    let consume = per_second(messages, started);
    // Where the users of deploy/nats-users.conf run, neither may delete it: it goes with the run.
    let _ = js.delete_stream(&name).await;
    (publish, consume)
}

/// Rows per second Postgres takes by `COPY` into an event-log-shaped table.
pub async fn copy(pool: &PgPool, rows: usize) -> f64 {
    sqlx::raw_sql(
        "DROP TABLE IF EXISTS raw_copy;
         CREATE UNLOGGED TABLE raw_copy (guild_id bigint, guild_seq bigint, payload jsonb);",
    )
    .execute(pool)
    .await
    .expect("raw table");
    let body = String::from_utf8_lossy(PAYLOAD);
    let mut data = String::new();
    for seq in 0..rows {
        data.push_str(&format!("42\t{seq}\t{{\"text\": \"{body}\"}}\n"));
    }
    let started = Instant::now();
    let mut conn = pool.acquire().await.expect("connection");
    let mut copy = conn
        .copy_in_raw("COPY raw_copy (guild_id, guild_seq, payload) FROM STDIN")
        .await
        .expect("copy in");
    copy.send(data.as_bytes()).await.expect("copy data");
    copy.finish().await.expect("copy finish");
    drop(conn);
    let rate = per_second(rows, started);
    sqlx::raw_sql("DROP TABLE raw_copy")
        .execute(pool)
        .await
        .expect("drop raw table");
    rate
}

/// Events per second read back from `event_log` in guild order, as a replay reads them (every
/// column a fold needs, streamed, nothing decoded beyond the row).
pub async fn catch_up_read(pool: &PgPool) -> f64 {
    let started = Instant::now();
    let mut rows = sqlx::query_as::<_, (i64, i64, String, serde_json::Value)>(
        "SELECT guild_id, guild_seq, event_type, payload FROM event_log ORDER BY guild_id, guild_seq",
    )
    .fetch(pool);
    let mut n = 0;
    while let Some(row) = rows.next().await {
        row.expect("row");
        n += 1;
    }
    per_second(n, started)
}

fn per_second(n: usize, since: Instant) -> f64 {
    n as f64 / since.elapsed().as_secs_f64().max(1e-9)
}
