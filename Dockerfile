# syntax=docker/dockerfile:1
#
# One image holding Studio's three services; the container's command picks one:
#   gateway-worker | command-service | projector | projector replay
# docker-compose.yml runs each of them from this image.

FROM rust:1-bookworm AS builder
WORKDIR /src
# Compile-time checked queries use the committed .sqlx/ data: no database needed to build.
ENV SQLX_OFFLINE=true \
    CARGO_TERM_COLOR=never
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
        --bin gateway-worker --bin command-service --bin projector \
 && mkdir -p /out \
 && cp target/release/gateway-worker target/release/command-service target/release/projector /out/

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --user-group --uid 10001 --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin studio
COPY --from=builder /out/ /usr/local/bin/
USER studio
ENV RUST_LOG=info
CMD ["command-service"]
