//! What operators and orchestrators probe, the same for every service: `/metrics` (Prometheus' text
//! format, rendered by the service: see [`crate::exposition`]), `/healthz` (the process answers) and
//! `/readyz` (it can do its work now; 503 with the reason when not). Served on
//! `STUDIO_METRICS_ADDR` ([`crate::config::metrics_addr`]).
//!
//! It owns only the HTTP; each service says how its metrics are rendered and when it is ready.
//! Behind the `probes` feature, so crates that only read the contract never build an HTTP server.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::get;
use std::future::Future;
use std::net::SocketAddr;
use tracing::{info, warn};

/// Prometheus' text exposition format, version 0.0.4.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Whether a service can do its work now; the reason when it cannot (the body of the 503).
pub type Readiness = Result<(), &'static str>;

/// Listens on `addr` and serves `/metrics` (the body `render` gives), `/healthz` and `/readyz`
/// (what `ready` says) in the background until the process ends. Returns the address listened on.
///
/// # Errors
/// Nothing can listen on `addr` (in use, not this host's): the operator set `STUDIO_METRICS_ADDR`
/// and would otherwise probe nothing.
pub async fn serve<R, RF, Q, QF>(
    addr: SocketAddr,
    render: R,
    ready: Q,
) -> std::io::Result<SocketAddr>
where
    R: Fn() -> RF + Clone + Send + Sync + 'static,
    RF: Future<Output = String> + Send + 'static,
    Q: Fn() -> QF + Clone + Send + Sync + 'static,
    QF: Future<Output = Readiness> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = Router::new()
        .route(
            "/metrics",
            get(move || {
                let render = render.clone();
                async move { ([(header::CONTENT_TYPE, CONTENT_TYPE)], render().await) }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/readyz",
            get(move || {
                let ready = ready.clone();
                async move {
                    match ready().await {
                        Ok(()) => (StatusCode::OK, "ready"),
                        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, why),
                    }
                }
            }),
        );
    info!(addr = %bound, "serving /metrics, /healthz and /readyz");
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            warn!(error = %err, "metrics server stopped");
        }
    });
    Ok(bound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn get(addr: SocketAddr, path: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream
            .write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())
            .await
            .expect("request");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .await
            .expect("response");
        response
    }

    #[tokio::test]
    async fn probes_answer_what_the_service_says() {
        let ready = Arc::new(AtomicBool::new(false));
        let flag = ready.clone();
        let addr = serve(
            "127.0.0.1:0".parse().expect("an address"),
            || async { "studio_x_total 3\n".to_owned() },
            move || {
                let flag = flag.clone();
                async move {
                    if flag.load(Ordering::Relaxed) {
                        Ok(())
                    } else {
                        Err("nats disconnected")
                    }
                }
            },
        )
        .await
        .expect("listening");

        let metrics = get(addr, "/metrics").await;
        assert!(metrics.starts_with("HTTP/1.0 200"), "{metrics}");
        assert!(metrics.contains(CONTENT_TYPE), "{metrics}");
        assert!(metrics.ends_with("\r\n\r\nstudio_x_total 3\n"), "{metrics}");
        assert!(get(addr, "/healthz").await.starts_with("HTTP/1.0 200"));
        let not_ready = get(addr, "/readyz").await;
        assert!(
            not_ready.starts_with("HTTP/1.0 503") && not_ready.ends_with("nats disconnected"),
            "{not_ready}"
        );
        ready.store(true, Ordering::Relaxed);
        let now_ready = get(addr, "/readyz").await;
        assert!(
            now_ready.starts_with("HTTP/1.0 200") && now_ready.ends_with("ready"),
            "{now_ready}"
        );
    }

    #[tokio::test]
    async fn an_address_in_use_is_an_error_not_silence() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let addr = taken.local_addr().expect("its address");
        let result = serve(addr, || async { String::new() }, || async { Ok(()) }).await;
        assert!(result.is_err());
    }
}
