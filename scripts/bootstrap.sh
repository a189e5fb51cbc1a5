#!/usr/bin/env bash
# Prepare this machine for Terpadu; `make setup`, `make run` and `make test` call it.
#
#   scripts/bootstrap.sh run    uv + locked deps, system packages, PostgreSQL + Redis answering,
#                               database, translations, migrate, seed_demo (what `make run` needs)
#   scripts/bootstrap.sh test   the same without migrate/seed_demo: pytest builds its own database
#   scripts/bootstrap.sh check  only uv + locked deps (what `make check` needs: ruff, makemigrations
#                               --check and Django's system checks use no service and no database)
#
# System packages come from scripts/apt-packages.txt. Missing ones are installed with apt-get only
# when running as root; otherwise the script stops and names them. TERPADU_BOOTSTRAP_NONROOT=1
# makes root behave like any other user (no apt-get, no starting system services) — the
# deployment tests use it to check that message.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
MODE="${1:-run}"
case "$MODE" in
  run) export DJANGO_SETTINGS_MODULE=config.settings.local ;;
  test | check) export DJANGO_SETTINGS_MODULE=config.settings.test ;;
  *) echo "usage: $0 [run|test|check]" >&2; exit 2 ;;
esac

APT_LIST=scripts/apt-packages.txt
DOCKER_HINT="docker compose up -d db redis"

say() { printf '==> %s\n' "$*"; }
die() { printf '\nbootstrap: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" = 0 ] && [ "${TERPADU_BOOTSTRAP_NONROOT:-}" != 1 ]; }
systemd_running() { [ -d /run/systemd/system ]; }

# Rows of the apt list without comments: "package proof tag".
apt_rows() { sed -e 's/#.*//' "$APT_LIST" | awk 'NF >= 3 { print $1, $2, $3 }'; }

# Installed = dpkg says so (where dpkg exists) and its proof command is on PATH.
pkg_present() {
  local pkg=$1 proof=$2
  if have dpkg-query; then
    [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || return 1
  fi
  [ "$proof" = - ] || have "$proof"
}

APT_UPDATED=0
apt_install() {
  have apt-get || die "cannot install $* here: no apt-get. Install the equivalent packages yourself."
  say "Installing system packages: $*"
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# --- 1. uv and the locked Python dependencies ------------------------------------------------------
ensure_uv() {
  have uv && return
  if [ -x "$HOME/.local/bin/uv" ]; then export PATH="$HOME/.local/bin:$PATH"; return; fi
  say "uv is missing: installing it with pip"
  if ! python3 -m pip --version >/dev/null 2>&1; then
    if is_root && have apt-get; then
      apt_install python3 python3-pip
    else
      die "uv is missing and so is pip. Install uv (https://docs.astral.sh/uv/), or as root:
    apt-get install -y python3-pip
then run this again."
    fi
  fi
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv 2>/dev/null \
    || python3 -m pip install --quiet uv \
    || die "could not install uv with pip: python3 -m pip install --user uv"
  export PATH="$HOME/.local/bin:$PATH"
  have uv || die "uv was installed but is not on PATH; add \$HOME/.local/bin to PATH."
}

ensure_uv
say "Python dependencies (uv sync --frozen)"
uv sync --frozen --quiet
py() { uv run --no-sync python "$@"; }
if [ "$MODE" = check ]; then
  say "Ready for make check"
  exit 0
fi

# --- 2. system packages -----------------------------------------------------------------------------
# Where PostgreSQL and Redis answer, as the settings name them.
eval "$(py scripts/services.py status)"

missing=() optional_missing=() proofs=()
while read -r pkg proof tag; do
  case "$tag" in
    uv) continue ;;  # only needed to get uv, handled above
    postgres) { [ "$PG_STATE" = down ] && [ "$PG_LOCAL" = 1 ]; } || continue ;;
    redis) { [ "$REDIS_STATE" = down ] && [ "$REDIS_LOCAL" = 1 ]; } || continue ;;
  esac
  pkg_present "$pkg" "$proof" && continue
  if [ "$tag" = test ] && [ "$MODE" = run ] && ! is_root; then
    optional_missing+=("$pkg")
  else
    missing+=("$pkg")
    [ "$proof" = - ] || proofs+=("$proof")
  fi
done < <(apt_rows)

if [ "${#missing[@]}" -gt 0 ] && is_root && have apt-get; then
  apt_install "${missing[@]}" ${optional_missing[@]+"${optional_missing[@]}"}
  missing=() optional_missing=()
fi
if [ "${#optional_missing[@]}" -gt 0 ]; then
  printf 'note: the tests also need: %s (apt-get install -y %s)\n' \
    "${optional_missing[*]}" "${optional_missing[*]}" >&2
fi
if [ "${#missing[@]}" -gt 0 ]; then
  msg="missing system packages: ${missing[*]}"
  [ "${#proofs[@]}" -gt 0 ] && msg+=" (commands not found: ${proofs[*]})"
  msg+="
  Install them as root (Debian/Ubuntu):  sudo apt-get install -y ${missing[*]}
  or run this script as root and it installs them itself."
  case " ${missing[*]} " in
    *" postgresql "* | *" redis-server "*)
      msg+="
  PostgreSQL and Redis can instead run in Docker:  $DOCKER_HINT
  (README, \"PostgreSQL and Redis from Docker\", says which DATABASE_URL to use then)." ;;
  esac
  die "$msg"
fi

# --- 3. PostgreSQL and Redis answer -----------------------------------------------------------------
start_postgres() {
  have pg_lsclusters || die "PostgreSQL does not answer at $PG_HOST:$PG_PORT ($PG_DETAIL).
  Start it, or run it in Docker: $DOCKER_HINT"
  if ! is_root; then
    die "PostgreSQL is installed but not running at $PG_HOST:$PG_PORT. Start it as root:
    sudo pg_ctlcluster $(pg_lsclusters -h | awk 'NR == 1 { print $1, $2 }') start
  or run it in Docker: $DOCKER_HINT"
  fi
  say "Starting PostgreSQL"
  if [ -z "$(pg_lsclusters -h)" ]; then
    pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -n 1)" main
  fi
  if systemd_running; then
    systemctl start postgresql
  else
    pg_lsclusters -h | while read -r ver name _port status _rest; do
      case "$status" in
        online*) ;;
        *) pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start ;;
      esac
    done
  fi
}

start_redis() {
  have redis-server || die "Redis does not answer at $REDIS_HOST:$REDIS_PORT ($REDIS_DETAIL).
  Start it, or run it in Docker: $DOCKER_HINT"
  say "Starting Redis on port $REDIS_PORT"
  if is_root; then
    if systemd_running && [ "$REDIS_PORT" = 6379 ] && systemctl start redis-server 2>/dev/null; then
      return
    fi
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
      --appendonly no --dir /var/lib/redis --logfile /var/log/redis/terpadu.log
  else
    # Any user may run a Redis of their own; it keeps nothing on disk.
    mkdir -p var/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" \
      --appendonly no --dir "$PWD/var/redis" --logfile "$PWD/var/redis/redis.log"
  fi
}

# The role in DATABASE_URL is refused on a local cluster: as root, let it in over loopback
# (development machines only — this is what a fresh Debian install needs).
fix_postgres_auth() {
  is_root && [ "$PG_LOCAL" = 1 ] && have psql && have runuser && id postgres >/dev/null 2>&1 \
    || die "PostgreSQL at $PG_HOST:$PG_PORT refuses the DATABASE_URL login: $PG_DETAIL
  Set DATABASE_URL (environment or .env) to a role that may create databases, e.g.
    postgres://USER:PASSWORD@$PG_HOST:$PG_PORT/terpadu"
  local user=${PG_USER:-postgres} hba tmp
  as_pg() { runuser -u postgres -- "$@"; }
  say "Letting PostgreSQL role '$user' log in over loopback without a password (pg_hba.conf)"
  if ! as_pg psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$user'" | grep -q 1
  then
    as_pg createuser -p "$PG_PORT" --superuser "$user"
  fi
  hba=$(as_pg psql -p "$PG_PORT" -tAc 'SHOW hba_file')
  if ! grep -q "terpadu bootstrap: $user" "$hba"; then
    tmp=$(mktemp)
    printf '# terpadu bootstrap: %s may log in over loopback (development machine)\n' "$user" >"$tmp"
    printf 'host all %s 127.0.0.1/32 trust\nhost all %s ::1/128 trust\n' "$user" "$user" >>"$tmp"
    cat "$hba" >>"$tmp"
    cat "$tmp" >"$hba"
    rm -f "$tmp"
  fi
  as_pg psql -p "$PG_PORT" -tAc 'SELECT pg_reload_conf()' >/dev/null
}

started=0
if [ "$PG_STATE" = down ]; then
  [ "$PG_LOCAL" = 1 ] || die "PostgreSQL at $PG_HOST:$PG_PORT does not answer: $PG_DETAIL"
  start_postgres
  started=1
fi
if [ "$REDIS_STATE" = down ]; then
  [ "$REDIS_LOCAL" = 1 ] || die "Redis at $REDIS_HOST:$REDIS_PORT does not answer: $REDIS_DETAIL"
  start_redis
  started=1
fi
if [ "$started" = 1 ]; then
  say "Waiting for PostgreSQL and Redis"
  py scripts/services.py wait 30 || true
  eval "$(py scripts/services.py status)"
fi
if [ "$PG_STATE" = auth ]; then
  fix_postgres_auth
  eval "$(py scripts/services.py status)"
fi
[ "$PG_STATE" = up ] || die "PostgreSQL at $PG_HOST:$PG_PORT: $PG_STATE ($PG_DETAIL).
  Start it, or run it in Docker: $DOCKER_HINT"
[ "$REDIS_STATE" = up ] || die "Redis at $REDIS_HOST:$REDIS_PORT: $REDIS_STATE ($REDIS_DETAIL).
  Start it, or run it in Docker: $DOCKER_HINT"
say "PostgreSQL $PG_HOST:$PG_PORT and Redis $REDIS_HOST:$REDIS_PORT answer"
[ "$PG_DB_EXISTS" = 1 ] || py scripts/services.py createdb

# --- 4. translations (*.mo are not in git: the build compiles them) -----------------------------------
IGNORE=(--ignore=.venv --ignore=staticfiles --ignore=var --ignore=node_modules)
if [ ! -d locale ]; then
  say "Creating locale/en (makemessages -l en)"
  mkdir -p locale
  py manage.py makemessages -l en "${IGNORE[@]}" -v 0
fi
# Compile only when a catalogue is newer than its .mo (keeps a ready machine fast).
stale=0
while IFS= read -r po; do
  [ "${po%.po}.mo" -nt "$po" ] || stale=1
done < <(find . \( -path ./.venv -o -path ./node_modules -o -path ./staticfiles \) -prune \
           -o -path '*/LC_MESSAGES/*.po' -print)
if [ "$stale" = 1 ]; then
  say "Compiling translations"
  py manage.py compilemessages "${IGNORE[@]}" -v 0
fi

mkdir -p var
if [ "$MODE" = test ]; then
  say "Ready for pytest"
  exit 0
fi

# --- 5. database and demo data -------------------------------------------------------------------------
say "Migrating"
py manage.py migrate --noinput -v 0
say "Demo data (seed_demo)"
py manage.py seed_demo | tee var/demo-logins.txt
echo
say "Terpadu: http://127.0.0.1:${WEB_PORT:-8000}/  (demo logins above; also in var/demo-logins.txt)"
