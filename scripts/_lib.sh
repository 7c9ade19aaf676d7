# Shared helpers of run-tests, run-demo and bench/: find Odoo, start PostgreSQL, link the addon.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# a bare environment (a CI started with `env -i`) may have a PATH without the sbin folders,
# where runuser and useradd (PostgreSQL's cluster is run as its own user) live
case ":${PATH:-}:" in
    *:/usr/sbin:*) ;;
    *) PATH="${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin" ;;
esac
# The private environment that scripts/setup-odoo prepares (same default as there).
MC_ENV=${MC_ENV_DIR:-.env}
case "$MC_ENV" in /*) ;; *) MC_ENV="$ROOT/$MC_ENV" ;; esac
# The Python to use: $PYTHON, else the first python3 that imports Odoo 18 (the private
# environment of scripts/setup-odoo first, then PATH, then the usual pyenv / local installs, so
# a CI with a bare PATH still finds it), else the private environment once ensure_odoo has
# prepared it. A python3 of the system is never given packages: only the private environment is.
has_odoo() {
    [ -x "$1" ] && "$1" -c 'import odoo.release, sys; sys.exit(odoo.release.version_info[0] != 18)' \
        >/dev/null 2>&1
}
pick_python() {
    if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
    local candidates=("$MC_ENV/venv/bin/python") c
    mapfile -t -O 1 candidates < <(type -ap python3 2>/dev/null)
    candidates+=("${HOME:-/root}/.pyenv/shims/python3" /root/.pyenv/shims/python3
                 /usr/local/bin/python3 /usr/bin/python3)
    for c in "${candidates[@]}"; do
        has_odoo "$c" && { echo "$c"; return; }
    done
    [ -x "$MC_ENV/venv/bin/python" ] && { echo "$MC_ENV/venv/bin/python"; return; }
    echo python3
}
PY=$(pick_python)

# No Odoo 18 found: let scripts/setup-odoo prepare the private environment (it needs ODOO_SRC,
# a cached source, or Odoo's repository), then use its python. Without an Odoo source it still
# prepares the environment with the tests' packages: PY is then that python, and this returns 1.
# $PYTHON (the caller's own choice) is used as it is. MC_NO_SETUP=1 skips the setup.
ensure_odoo() {
    [ -n "${ODOO_BIN:-}" ] && return 0
    [ -n "${PYTHON:-}" ] && { has_odoo "$PY"; return; }
    # another python3 with Odoo 18 (the user's own install) is used as it is; the private
    # environment is always checked by setup-odoo (seconds when it is ready and up to date)
    [ "$PY" != "$MC_ENV/venv/bin/python" ] && has_odoo "$PY" && return 0
    [ "${MC_NO_SETUP:-0}" = 1 ] && { has_odoo "$PY"; return; }
    local out rc vpy
    out=$(bash "$ROOT/scripts/setup-odoo"); rc=$?
    vpy=$(tail -n 1 <<<"$out")
    [ -x "$vpy" ] && PY=$vpy
    [ "$rc" = 0 ] && has_odoo "$PY"
}
WORK=${MC_WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mailchimp_connector.XXXXXX")}
mkdir -p "$WORK"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Sets ODOO_CMD (array) and ODOO_ADDONS (the addons dirs Odoo needs besides ours).
# Odoo is found through ODOO_BIN (a path to odoo-bin) or `import odoo` in $PY.
find_odoo() {
    ODOO_ADDONS=""
    has_odoo "$PY" || ensure_odoo || true
    if [ -n "${ODOO_BIN:-}" ]; then
        [ -e "$ODOO_BIN" ] || { log "ODOO_BIN=$ODOO_BIN does not exist"; return 1; }
        ODOO_CMD=("$PY" "$ODOO_BIN")
        local src
        src=$(cd "$(dirname "$ODOO_BIN")" && pwd)
        [ -d "$src/addons" ] && ODOO_ADDONS="$src/addons"
    elif "$PY" -c 'import odoo.release, sys; sys.exit(0 if odoo.release.version_info[0] == 18 else 1)' \
            >/dev/null 2>&1; then
        ODOO_CMD=("$PY" -m odoo)
        ODOO_ADDONS=$("$PY" -c 'import os, odoo
p = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons")
print(p if os.path.isdir(os.path.join(p, "mass_mailing")) else "")')
    else
        return 1
    fi
    if [ -n "${ODOO_RC:-}" ]; then
        ODOO_CMD+=(-c "$ODOO_RC")
    fi
    return 0
}

# Starts a private PostgreSQL cluster in $WORK/pg (unix socket only) unless PGHOST is given.
# Sets DB_ARGS (array) for odoo-bin.
start_postgres() {
    if [ -n "${PGHOST:-}" ]; then
        DB_ARGS=(--db_host "$PGHOST" --db_port "${PGPORT:-5432}" --db_user "${PGUSER:-odoo}")
        [ -n "${PGPASSWORD:-}" ] && DB_ARGS+=(--db_password "$PGPASSWORD")
        return 0
    fi
    local bindir initdb pg_ctl
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    initdb=$(command -v initdb || echo "$bindir/initdb")
    pg_ctl=$(command -v pg_ctl || echo "$bindir/pg_ctl")
    if [ ! -x "$initdb" ] || [ ! -x "$pg_ctl" ]; then
        log "PostgreSQL server binaries not found (Debian package 'postgresql')"
        return 1
    fi
    local as=()
    if [ "$(id -u)" = 0 ]; then
        # PostgreSQL refuses to run as root: run the cluster as the postgres user
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        as=(runuser -u postgres -- env -C /)
    fi
    PGDIR="$WORK/pg"
    PG_SOCKET="$WORK/pgsock"
    PG_PORT_PRIVATE=$(free_port)
    mkdir -p "$PGDIR" "$PG_SOCKET"
    [ "$(id -u)" = 0 ] && chown -R postgres "$PGDIR" "$PG_SOCKET" && chmod 755 "$WORK"
    "${as[@]}" "$initdb" -D "$PGDIR/data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$WORK/initdb.log" 2>&1 || { log "initdb failed: $(tail -n 5 "$WORK/initdb.log")"; return 1; }
    "${as[@]}" "$pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
        -o "-k $PG_SOCKET -p $PG_PORT_PRIVATE -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
        start >/dev/null || { log "PostgreSQL did not start: $(tail -n 5 "$PGDIR/server.log")"; return 1; }
    PG_STOP=("${as[@]}" "$pg_ctl" -D "$PGDIR/data" -m fast -w stop)
    DB_ARGS=(--db_host "$PG_SOCKET" --db_port "$PG_PORT_PRIVATE" --db_user odoo)
    log "PostgreSQL started (socket $PG_SOCKET, port $PG_PORT_PRIVATE)"
}

stop_postgres() {
    if [ -n "${PG_STOP+x}" ]; then
        "${PG_STOP[@]}" >/dev/null 2>&1 || true
        unset PG_STOP
    fi
}

# Links the checkout as mailchimp_connector in a temporary addons folder; sets ADDONS_PATH.
link_addon() {
    mkdir -p "$WORK/addons"
    ln -sfn "$ROOT" "$WORK/addons/mailchimp_connector"
    ADDONS_PATH="$WORK/addons"
    [ -n "$ODOO_ADDONS" ] && ADDONS_PATH="$ODOO_ADDONS,$ADDONS_PATH"
    return 0
}
