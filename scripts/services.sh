#!/usr/bin/env bash
# Studio's backing services for development and tests: PostgreSQL and NATS with JetStream.
#
# Sourced by scripts/test and scripts/run (`. scripts/services.sh`), it exports
#   DATABASE_URL  used as is when already set; otherwise a private Postgres cluster in .local/postgres,
#                 127.0.0.1:${STUDIO_PG_PORT:-55432}, database `studio`, user `postgres`, trust auth
#   NATS_URL      used as is when already set; otherwise a private nats-server with JetStream,
#                 127.0.0.1:${STUDIO_NATS_PORT:-54222}, store in .local/nats, and no anonymous user: the
#                 users and permissions of deploy/nats-users.conf, whose passwords it generates once into
#                 .local/nats-passwords and exports as
#   STUDIO_NATS_GATEWAY_PASSWORD, STUDIO_NATS_COMMAND_PASSWORD, STUDIO_NATS_PROJECTOR_PASSWORD
#                 (scripts/run and the tests give each service its own user: studio_nats_credentials)
# installing the Debian packages `postgresql` and `nats-server` first when they are missing (apt-get,
# through sudo when not root). A second call reuses what is already running. The private servers keep
# running after the calling script ends, so the next run starts at once.
#
# Run directly:
#   scripts/services.sh [start]   provision/reuse both and print the export lines
#   scripts/services.sh status    show what is running
#   scripts/services.sh stop      stop the private Postgres and NATS (their data stays in .local/)
#
# Other knobs: STUDIO_PG_BIN (folder with initdb/pg_ctl/psql), STUDIO_LOCAL_DIR (default <repo>/.local).
#
# Written to be sourced into `set -euo pipefail` scripts and into an interactive shell alike: it changes no
# shell option, reports failures by return status, and defines only names starting with studio_/_studio_.

# shellcheck disable=SC2016,SC2034 # sh -c scripts in single quotes; *_PROVISIONED are read by the callers
STUDIO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
STUDIO_LOCAL="${STUDIO_LOCAL_DIR:-$STUDIO_ROOT/.local}"

_studio_say() { printf '[services] %s\n' "$*" >&2; }
_studio_err() { printf '[services] ERROR: %s\n' "$*" >&2; }

_studio_is_root() { [ "$(id -u)" -eq 0 ]; }

# runuser lives in /usr/sbin, which a PATH may lack
_studio_runuser() {
  local r
  r="$(command -v runuser 2>/dev/null)" || r=/usr/sbin/runuser
  [ -x "$r" ] || r=/sbin/runuser
  "$r" "$@"
}

# true when something accepts TCP connections on 127.0.0.1:$1
_studio_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# apt-get install, through sudo when not root; quiet, with the full output in .local/apt.log
_studio_apt_install() {
  local -a sudo=()
  if ! command -v apt-get >/dev/null 2>&1; then
    _studio_err "no apt-get here: install $* yourself, or set DATABASE_URL / NATS_URL"
    return 1
  fi
  if ! _studio_is_root; then
    if ! command -v sudo >/dev/null 2>&1; then
      _studio_err "need root to install $*: run as root, install sudo, or set DATABASE_URL / NATS_URL"
      return 1
    fi
    sudo=(sudo)
  fi
  mkdir -p "$STUDIO_LOCAL" || return 1
  local log="$STUDIO_LOCAL/apt.log"
  _studio_say "installing Debian package(s): $* (apt-get, log in ${log#"$STUDIO_ROOT"/})"
  # Try with the current package lists first; refresh them and retry when that fails (fresh images have none).
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$log" 2>&1; then
    if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"; } >>"$log" 2>&1; then
      _studio_err "apt-get install $* failed; last lines of $log:"
      tail -n 15 "$log" >&2
      return 1
    fi
  fi
}

# ---------------------------------------------------------------------------------------------- Postgres

_STUDIO_PG_USER=postgres # the database superuser of the private cluster (and its OS owner when root)

# Folder holding initdb, pg_ctl, postgres, psql, pg_isready. Prints it, or fails.
_studio_pg_find_bindir() {
  local datadir="${1:-}" v d best=""
  if [ -n "${STUDIO_PG_BIN:-}" ]; then
    printf '%s\n' "$STUDIO_PG_BIN"
    return 0
  fi
  # An existing cluster needs the binaries of its own major version.
  if [ -n "$datadir" ] && [ -f "$datadir/PG_VERSION" ]; then
    v="$(cat "$datadir/PG_VERSION")"
    if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then
      printf '%s\n' "/usr/lib/postgresql/$v/bin"
      return 0
    fi
  fi
  # Debian: /usr/lib/postgresql/<major>/bin, highest major first.
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n 1)" = "$d" ]; then
        best="$d"
      fi
    fi
  done
  if [ -n "$best" ]; then
    printf '%s\n' "$best"
    return 0
  fi
  # Elsewhere: initdb on the PATH.
  if d="$(command -v initdb 2>/dev/null)"; then
    dirname -- "$d"
    return 0
  fi
  return 1
}

# Run a server-side Postgres tool as the cluster's owner (postgres refuses to run as root).
_studio_pg_as_owner() {
  if _studio_is_root; then
    (cd / && _studio_runuser -u "$_STUDIO_PG_USER" -- env LC_ALL=C "$@")
  else
    (cd / && env LC_ALL=C "$@")
  fi
}

# Create (when needed) the cluster folder and set STUDIO_PG_DIR to its real path.
_studio_pg_prepare_dir() {
  local link="$STUDIO_LOCAL/postgres" alt home sum
  mkdir -p "$STUDIO_LOCAL" || return 1
  if _studio_is_root; then
    if ! id -u "$_STUDIO_PG_USER" >/dev/null 2>&1; then
      _studio_err "no '$_STUDIO_PG_USER' system user to run the private Postgres as (install the Debian package postgresql)"
      return 1
    fi
    # The postgres user must reach the folder; under a private home (/root/...) it cannot: keep the cluster
    # in the postgres user's home instead and link it from .local/postgres.
    if [ ! -e "$link" ] && [ ! -L "$link" ] && ! _studio_runuser -u "$_STUDIO_PG_USER" -- test -x "$STUDIO_LOCAL" 2>/dev/null; then
      home="$(getent passwd "$_STUDIO_PG_USER" | cut -d: -f6)"
      sum="$(printf '%s' "$STUDIO_ROOT" | cksum | cut -d' ' -f1)"
      alt="${home:-/var/lib/postgresql}/studio-$sum"
      mkdir -p "$alt" || return 1
      ln -s "$alt" "$link" || return 1
      _studio_say "postgres: user '$_STUDIO_PG_USER' cannot enter $STUDIO_LOCAL; cluster kept in $alt (linked as .local/postgres)"
    fi
    mkdir -p "$link" || return 1
    chown "$_STUDIO_PG_USER:" "$link" || return 1
  else
    mkdir -p "$link" || return 1
  fi
  chmod 700 "$link" || return 1
  STUDIO_PG_DIR="$(cd -P -- "$link" && pwd)" || return 1
}

# Port the running cluster listens on, from postmaster.pid (4th line).
_studio_pg_running_port() { sed -n 4p "$1/postmaster.pid" 2>/dev/null; }

_studio_pg_url() { printf 'postgres://%s@127.0.0.1:%s/%s' "$_STUDIO_PG_USER" "$1" "${2:-studio}"; }

# Ensure database `studio` exists on the server at port $1.
_studio_pg_create_db() {
  local port="$1" psql="$2/psql" exists
  exists="$(PGCONNECT_TIMEOUT=5 "$psql" -X -q -t -A -d "$(_studio_pg_url "$port" postgres)" \
    -c "SELECT 1 FROM pg_database WHERE datname = 'studio'" 2>&1)" || {
    _studio_err "postgres: cannot query the server on 127.0.0.1:$port: $exists"
    return 1
  }
  if [ "$exists" != "1" ]; then
    PGCONNECT_TIMEOUT=5 "$psql" -X -q -v ON_ERROR_STOP=1 -d "$(_studio_pg_url "$port" postgres)" -c 'CREATE DATABASE studio' >/dev/null || return 1
    _studio_say "postgres: created database studio"
  fi
}

studio_postgres_up() {
  if [ -n "${DATABASE_URL:-}" ]; then
    _studio_say "postgres: using DATABASE_URL from the environment"
    export DATABASE_URL
    return 0
  fi
  local port="${STUDIO_PG_PORT:-55432}" bindir pgdata run sock_dir running_port rc
  # Binaries first: installing the package also creates the `postgres` user that owns the cluster as root.
  if ! bindir="$(_studio_pg_find_bindir "$STUDIO_LOCAL/postgres/data")"; then
    _studio_apt_install postgresql || return 1
    bindir="$(_studio_pg_find_bindir)" || {
      _studio_err "postgres: no initdb found even after installing the postgresql package"
      return 1
    }
  fi
  _studio_pg_prepare_dir || return 1
  pgdata="$STUDIO_PG_DIR/data"
  run="$STUDIO_PG_DIR/run"

  # Already running?
  rc=0
  if [ -f "$pgdata/PG_VERSION" ]; then
    _studio_pg_as_owner "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1 || rc=$?
  else
    rc=4
  fi
  if [ "$rc" -eq 0 ]; then
    running_port="$(_studio_pg_running_port "$pgdata")"
    if [ "$running_port" = "$port" ] && "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 10; then
      _studio_say "postgres: reusing private cluster on 127.0.0.1:$port (.local/postgres)"
      export DATABASE_URL
      DATABASE_URL="$(_studio_pg_url "$port")"
      STUDIO_PG_PROVISIONED=1
      _studio_pg_create_db "$port" "$bindir" || return 1
      return 0
    fi
    _studio_say "postgres: private cluster runs on port ${running_port:-?}, wanted $port: restarting it"
    _studio_pg_as_owner "$bindir/pg_ctl" stop -D "$pgdata" -m fast -w >/dev/null || return 1
  fi

  # Port taken by another server (say another checkout of Studio)? Reuse it if it is a Postgres that
  # lets `postgres` in without a password; otherwise give up with a hint.
  if _studio_port_open "$port"; then
    if PGCONNECT_TIMEOUT=5 "$bindir/psql" -X -q -t -A -d "$(_studio_pg_url "$port" postgres)" -c 'SELECT 1' >/dev/null 2>&1; then
      _studio_say "postgres: 127.0.0.1:$port is already served by another Postgres (not .local/postgres): using it"
      export DATABASE_URL
      DATABASE_URL="$(_studio_pg_url "$port")"
      _studio_pg_create_db "$port" "$bindir" || return 1
      return 0
    fi
    _studio_err "postgres: port $port is taken by something else; choose another with STUDIO_PG_PORT=..."
    return 1
  fi

  if [ ! -f "$pgdata/PG_VERSION" ]; then
    _studio_say "postgres: initdb of a private cluster in .local/postgres (PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'))"
    if ! _studio_pg_as_owner "$bindir/initdb" -D "$pgdata" -U "$_STUDIO_PG_USER" --auth-local=trust --auth-host=trust \
      -E UTF8 --no-locale >"$STUDIO_PG_DIR/initdb.log" 2>&1; then
      _studio_err "postgres: initdb failed; see $STUDIO_PG_DIR/initdb.log"
      tail -n 15 "$STUDIO_PG_DIR/initdb.log" >&2
      return 1
    fi
    # Settings that depend on the port and the project's path live in studio.conf, rewritten at each start.
    printf "\n# Studio's private development cluster (scripts/services.sh)\ninclude_if_exists = 'studio.conf'\n" \
      >>"$pgdata/postgresql.conf"
  fi

  # Unix socket next to the data (a socket path is limited to 107 bytes: none when the path is too long;
  # everything connects over 127.0.0.1 anyway).
  sock_dir="$run"
  if [ "$((${#run} + 16))" -gt 100 ]; then sock_dir=""; fi
  if _studio_is_root; then
    _studio_runuser -u "$_STUDIO_PG_USER" -- mkdir -p "$run" || return 1
  else
    mkdir -p "$run" || return 1
  fi
  if ! _studio_pg_as_owner sh -c 'cat >"$1"' sh "$pgdata/studio.conf" <<EOF; then
# Written by scripts/services.sh at each start: do not edit.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock_dir'
max_connections = 300
EOF
    _studio_err "postgres: cannot write $pgdata/studio.conf"
    return 1
  fi

  _studio_say "postgres: starting private cluster on 127.0.0.1:$port (log .local/postgres/postgres.log)"
  if ! _studio_pg_as_owner "$bindir/pg_ctl" start -D "$pgdata" -l "$STUDIO_PG_DIR/postgres.log" -w -t 60 >/dev/null; then
    _studio_err "postgres: failed to start; last lines of $STUDIO_PG_DIR/postgres.log:"
    tail -n 15 "$STUDIO_PG_DIR/postgres.log" >&2
    return 1
  fi
  if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30; then
    _studio_err "postgres: started but not accepting connections on 127.0.0.1:$port"
    return 1
  fi
  export DATABASE_URL
  DATABASE_URL="$(_studio_pg_url "$port")"
  STUDIO_PG_PROVISIONED=1
  _studio_pg_create_db "$port" "$bindir" || return 1
}

studio_postgres_stop() {
  local link="$STUDIO_LOCAL/postgres" pgdata bindir
  if [ ! -f "$link/data/PG_VERSION" ]; then
    _studio_say "postgres: no private cluster in .local/postgres"
    return 0
  fi
  pgdata="$(cd -P -- "$link" && pwd)/data"
  bindir="$(_studio_pg_find_bindir "$pgdata")" || {
    _studio_err "postgres: no pg_ctl found"
    return 1
  }
  if _studio_pg_as_owner "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
    _studio_pg_as_owner "$bindir/pg_ctl" stop -D "$pgdata" -m fast -w >/dev/null || return 1
    _studio_say "postgres: stopped private cluster (data kept in .local/postgres)"
  else
    _studio_say "postgres: private cluster not running"
  fi
}

studio_postgres_status() {
  local link="$STUDIO_LOCAL/postgres" pgdata bindir
  if [ ! -f "$link/data/PG_VERSION" ]; then
    _studio_say "postgres: no private cluster in .local/postgres"
    return 0
  fi
  pgdata="$(cd -P -- "$link" && pwd)/data"
  bindir="$(_studio_pg_find_bindir "$pgdata")" || return 1
  if _studio_pg_as_owner "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
    _studio_say "postgres: running on 127.0.0.1:$(_studio_pg_running_port "$pgdata") (.local/postgres)"
  else
    _studio_say "postgres: private cluster not running"
  fi
}

# -------------------------------------------------------------------------------------------------- NATS

# The private nats-server has one user per service, with the permissions of deploy/nats-users.conf (the
# template compose and the tests use too), and no anonymous user. Their passwords are generated once into
# .local/nats-passwords (mode 600, never committed) and exported as these variables; nats-server reads them
# from its environment, and scripts/run gives each service its own as NATS_USER / NATS_PASSWORD
# (studio_nats_credentials).
_STUDIO_NATS_PASSWORD_VARS=(STUDIO_NATS_GATEWAY_PASSWORD STUDIO_NATS_COMMAND_PASSWORD STUDIO_NATS_PROJECTOR_PASSWORD)

_studio_nats_find() {
  local b
  if b="$(command -v nats-server 2>/dev/null)"; then
    printf '%s\n' "$b"
  elif [ -x /usr/sbin/nats-server ]; then
    printf '%s\n' /usr/sbin/nats-server
  else
    return 1
  fi
}

# pid of our private nats-server, if it runs
_studio_nats_pid() {
  local pid
  pid="$(cat "$STUDIO_LOCAL/nats.pid" 2>/dev/null)" || return 1
  case "$pid" in '' | *[!0-9]*) return 1 ;; esac
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = nats-server ] || return 1
  printf '%s\n' "$pid"
}

# the INFO line the server on port $1 greets with
_studio_nats_info() {
  local line
  line="$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && read -r -t 3 line <&3 && printf '%s' "$line") 2>/dev/null)" || return 1
  printf '%s\n' "$line"
}

# true when the server on port $1 greets like a NATS server with JetStream
_studio_nats_is_jetstream() {
  case "$(_studio_nats_info "$1")" in INFO*'"jetstream":true'*) return 0 ;; *) return 1 ;; esac
}

# true when the server on port $1 asks every client for credentials
_studio_nats_requires_auth() {
  case "$(_studio_nats_info "$1")" in INFO*'"auth_required":true'*) return 0 ;; *) return 1 ;; esac
}

# Generate the users' passwords when missing (24 random bytes each, in hex after a letter: nats-server parses
# what it reads from its environment as a configuration value, so a password must be letters and digits
# starting with a letter to stay a string), then export them.
_studio_nats_passwords() {
  local file="$STUDIO_LOCAL/nats-passwords" var key value
  mkdir -p "$STUDIO_LOCAL" || return 1
  if [ ! -s "$file" ]; then
    (
      umask 077
      for var in "${_STUDIO_NATS_PASSWORD_VARS[@]}"; do
        printf '%s=p%s\n' "$var" "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
      done >"$file"
    ) || return 1
    _studio_say "nats: generated the NATS users' passwords into ${file#"$STUDIO_ROOT"/}"
  fi
  while IFS='=' read -r key value; do
    for var in "${_STUDIO_NATS_PASSWORD_VARS[@]}"; do
      if [ "$key" = "$var" ] && [ -n "$value" ]; then export "$var=$value"; fi
    done
  done <"$file"
  for var in "${_STUDIO_NATS_PASSWORD_VARS[@]}"; do
    case "${!var:-}" in
    '' | [!A-Za-z]* | *[!A-Za-z0-9]*)
      _studio_err "nats: $var in $file is missing or not letters and digits starting with a letter (delete the file to generate new passwords)"
      return 1
      ;;
    esac
  done
}

# The private server's configuration for port $1: listen on loopback, JetStream in .local/nats, and the users
# of deploy/nats-users.conf (copied next to it: nats-server includes relative paths only).
_studio_nats_config() {
  cat <<EOF_CONF
# Written by scripts/services.sh at each start: do not edit. Users and permissions: deploy/nats-users.conf.
listen: "127.0.0.1:$1"
pid_file: "$STUDIO_LOCAL/nats.pid"
max_payload: 8MB
jetstream {
  store_dir: "$STUDIO_LOCAL/nats"
}
include nats-users.conf
EOF_CONF
}

# What the running server must have been started with for port $1: its configuration, users and passwords.
_studio_nats_fingerprint() {
  { _studio_nats_config "$1" && cat "$STUDIO_ROOT/deploy/nats-users.conf" "$STUDIO_LOCAL/nats-passwords"; } | cksum
}

# The private server's users are unknown here: forget their passwords so that nothing sends them elsewhere.
_studio_nats_forget_passwords() {
  local var
  for var in "${_STUDIO_NATS_PASSWORD_VARS[@]}"; do unset "$var"; done
}

studio_nats_up() {
  if [ -n "${NATS_URL:-}" ]; then
    # CI's NATS, or one of your own: used as is; its users, if any, are yours to pass
    # (STUDIO_NATS_*_PASSWORD, which scripts/run and the tests hand to each service).
    _studio_say "nats: using NATS_URL from the environment"
    export NATS_URL
    return 0
  fi
  local port="${STUDIO_NATS_PORT:-54222}" pid bin i fingerprint
  local conf="$STUDIO_LOCAL/nats.conf" log="$STUDIO_LOCAL/nats.log" portfile="$STUDIO_LOCAL/nats.port"
  local stamp="$STUDIO_LOCAL/nats.fingerprint"

  _studio_nats_passwords || return 1
  fingerprint="$(_studio_nats_fingerprint "$port")" || return 1

  if pid="$(_studio_nats_pid)"; then
    if [ "$(cat "$portfile" 2>/dev/null)" = "$port" ] && _studio_port_open "$port" &&
      [ "$(cat "$stamp" 2>/dev/null)" = "$fingerprint" ]; then
      _studio_say "nats: reusing private nats-server on 127.0.0.1:$port (pid $pid)"
      export NATS_URL="nats://127.0.0.1:$port"
      STUDIO_NATS_PROVISIONED=1
      return 0
    fi
    _studio_say "nats: private nats-server (pid $pid) runs with another port, users or passwords: restarting it"
    studio_nats_stop || return 1
  fi

  if _studio_port_open "$port"; then
    if _studio_nats_is_jetstream "$port" && ! _studio_nats_requires_auth "$port"; then
      _studio_say "nats: 127.0.0.1:$port is already served by another nats-server with JetStream (not ours) that lets anyone in: using it, without NATS users"
      _studio_nats_forget_passwords
      export NATS_URL="nats://127.0.0.1:$port"
      return 0
    fi
    _studio_err "nats: port $port is taken by something else (another checkout's NATS?); choose another with STUDIO_NATS_PORT=..., or set NATS_URL"
    return 1
  fi

  if ! bin="$(_studio_nats_find)"; then
    _studio_apt_install nats-server || return 1
    bin="$(_studio_nats_find)" || {
      _studio_err "nats: no nats-server found even after installing the nats-server package"
      return 1
    }
  fi

  mkdir -p "$STUDIO_LOCAL/nats" || return 1
  rm -f "$STUDIO_LOCAL/nats.pid" "$stamp"
  cp "$STUDIO_ROOT/deploy/nats-users.conf" "$STUDIO_LOCAL/nats-users.conf" || return 1
  _studio_nats_config "$port" >"$conf" || return 1
  if ! "$bin" -c "$conf" -t >>"$log" 2>&1; then
    _studio_err "nats: $conf is not a valid configuration for $bin; last lines of $log:"
    tail -n 5 "$log" >&2
    return 1
  fi
  _studio_say "nats: starting private nats-server with JetStream on 127.0.0.1:$port, users of deploy/nats-users.conf (log .local/nats.log)"
  printf '%s\n' "$port" >"$portfile"
  # In its own session so that Ctrl-C in the calling terminal does not stop it; the subshell keeps the
  # job out of an interactive shell's job table. It reads the users' passwords from its environment.
  (setsid "$bin" -c "$conf" </dev/null >>"$log" 2>&1 &)
  for i in $(seq 1 150); do
    if _studio_port_open "$port"; then
      printf '%s\n' "$fingerprint" >"$stamp"
      export NATS_URL="nats://127.0.0.1:$port"
      STUDIO_NATS_PROVISIONED=1
      return 0
    fi
    if [ "$i" -gt 10 ] && ! _studio_nats_pid >/dev/null; then break; fi
    sleep 0.1
  done
  _studio_err "nats: nats-server did not come up on 127.0.0.1:$port; last lines of $log:"
  tail -n 15 "$log" >&2
  return 1
}

# studio_nats_credentials SERVICE: the NATS_USER=... and NATS_PASSWORD=... lines of SERVICE (gateway-worker,
# command-service, projector) when its password is known; nothing otherwise (a NATS without users).
studio_nats_credentials() {
  local var
  case "$1" in
  gateway-worker) var=STUDIO_NATS_GATEWAY_PASSWORD ;;
  command-service) var=STUDIO_NATS_COMMAND_PASSWORD ;;
  projector) var=STUDIO_NATS_PROJECTOR_PASSWORD ;;
  *) return 0 ;;
  esac
  if [ -n "${!var:-}" ]; then
    printf 'NATS_USER=%s\nNATS_PASSWORD=%s\n' "$1" "${!var}"
  fi
}

# ------------------------------------------------------------------------------------------------ db roles

# Each service logs in to Postgres as its own role (created by the migrations; schema/src/migrate.rs), with
# a password from STUDIO_DB_*_PASSWORD: taken from the environment when set, else generated once into
# .local/db-passwords (mode 600, never committed) and exported. `projector migrate`, run as the owner
# (DATABASE_URL), sets them on the roles.
_STUDIO_DB_PASSWORD_VARS=(STUDIO_DB_GATEWAY_PASSWORD STUDIO_DB_COMMAND_PASSWORD STUDIO_DB_PROJECTOR_PASSWORD)

studio_db_passwords() {
  local file="$STUDIO_LOCAL/db-passwords" var key value
  mkdir -p "$STUDIO_LOCAL" || return 1
  if [ ! -s "$file" ]; then
    (
      umask 077
      for var in "${_STUDIO_DB_PASSWORD_VARS[@]}"; do
        printf '%s=p%s\n' "$var" "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
      done >"$file"
    ) || return 1
    _studio_say "postgres: generated the service roles' passwords into ${file#"$STUDIO_ROOT"/}"
  fi
  while IFS='=' read -r key value; do
    for var in "${_STUDIO_DB_PASSWORD_VARS[@]}"; do
      if [ "$key" = "$var" ] && [ -n "$value" ] && [ -z "${!var:-}" ]; then export "$var=$value"; fi
    done
  done <"$file"
}

# studio_db_url ROLE PASSWORD: DATABASE_URL (the owner's) with ROLE and PASSWORD as its login.
studio_db_url() {
  local scheme="${DATABASE_URL%%://*}" rest="${DATABASE_URL#*://}" authority path=""
  case "$rest" in */*) authority="${rest%%/*}" path="/${rest#*/}" ;; *) authority="$rest" ;; esac
  authority="${authority##*@}"
  printf '%s://%s:%s@%s%s\n' "$scheme" "$1" "$2" "$authority" "$path"
}

# studio_db_credentials SERVICE: the DATABASE_URL=… line for the service's own role (none for others).
studio_db_credentials() {
  local role var
  case "$1" in
  gateway-worker) role=studio_gateway var=STUDIO_DB_GATEWAY_PASSWORD ;;
  command-service) role=studio_commands var=STUDIO_DB_COMMAND_PASSWORD ;;
  projector) role=studio_projector var=STUDIO_DB_PROJECTOR_PASSWORD ;;
  *) return 0 ;;
  esac
  printf 'DATABASE_URL=%s\n' "$(studio_db_url "$role" "${!var:-}")"
}

studio_nats_stop() {
  local pid i
  if ! pid="$(_studio_nats_pid)"; then
    _studio_say "nats: private nats-server not running"
    rm -f "$STUDIO_LOCAL/nats.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    _studio_err "nats: nats-server (pid $pid) did not stop within 10 s"
    return 1
  fi
  rm -f "$STUDIO_LOCAL/nats.pid"
  _studio_say "nats: stopped private nats-server (data kept in .local/nats)"
}

studio_nats_status() {
  local pid
  if pid="$(_studio_nats_pid)"; then
    _studio_say "nats: running on 127.0.0.1:$(cat "$STUDIO_LOCAL/nats.port" 2>/dev/null) (pid $pid, .local/nats; users of deploy/nats-users.conf, passwords in .local/nats-passwords)"
  else
    _studio_say "nats: private nats-server not running"
  fi
}

# ------------------------------------------------------------------------------------------------ entry

studio_services_up() {
  studio_postgres_up || return 1
  studio_nats_up || return 1
}

studio_services_stop() {
  local rc=0
  studio_postgres_stop || rc=1
  studio_nats_stop || rc=1
  return "$rc"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # executed: scripts/services.sh [start|stop|status]
  set -euo pipefail
  case "${1:-start}" in
  start | up)
    studio_services_up
    printf 'export DATABASE_URL=%q\nexport NATS_URL=%q\n' "$DATABASE_URL" "$NATS_URL"
    if [ "${STUDIO_NATS_PROVISIONED:-}" = 1 ]; then
      # the NATS users' passwords, read from their file rather than shown here
      printf 'set -a; . %q; set +a\n' "$STUDIO_LOCAL/nats-passwords"
    fi
    ;;
  stop | down) studio_services_stop ;;
  status)
    studio_postgres_status
    studio_nats_status
    ;;
  *)
    printf 'usage: %s [start|stop|status]\n' "$0" >&2
    exit 2
    ;;
  esac
else
  # sourced: provision (or reuse) and export DATABASE_URL and NATS_URL (and the NATS users' passwords)
  studio_services_up
fi
