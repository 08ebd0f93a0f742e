# Sourced by scripts/run, scripts/test and bench helpers: a private MariaDB
# instance under .run/db-<name>/ (own data folder, socket and TCP port on
# 127.0.0.1), never the system's service.
#
#   pd_db_start NAME   start (or reuse, when already running) the instance,
#                      create database `paneldialer` and user `paneldialer`,
#                      apply sql/migrations/*.sql in order, and export
#                      PD_MYSQL_DSN=mysql://paneldialer:…@127.0.0.1:PORT/paneldialer
#                      and PD_DB_SOCKET
#   pd_db_stop NAME    shut the instance down (data kept for the next start)
#   pd_db_sql NAME     a mariadb client on the instance as root (stdin: SQL)
#   pd_db_migrate DSN_DB_ARGS…  apply migrations with a client command line
#
# Works as root (mariadbd --user=root) and as an ordinary user.

PD_DB_NAME=paneldialer
PD_DB_USER=paneldialer
PD_DB_PASS=paneldialer-secret

pd_db_dir() { printf '%s/db-%s' "$PD_RUN_DIR" "$1"; }

pd_db_bin() {
  local name
  for name in "$@"; do
    command -v "$name" >/dev/null 2>&1 && { command -v "$name"; return 0; }
    [ -x "/usr/sbin/$name" ] && { echo "/usr/sbin/$name"; return 0; }
  done
  return 1
}

# True when nothing listens on 127.0.0.1:PORT (it can be bound).
pd_db_port_free() {
  python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

pd_db_free_port() {
  python3 - <<'EOF' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
EOF
}

# pd_db_client NAME [args…]: the mariadb client connected as the instance's
# administrator over the socket: the account named after the OS user that ran
# mariadb-install-db (root when run as root), authenticated by unix_socket.
pd_db_client() {
  local dir; dir="$(pd_db_dir "$1")"; shift
  mariadb --no-defaults --protocol=socket -S "$dir/mysqld.sock" -u"$(id -un)" "$@"
}

pd_db_sql() { pd_db_client "$1" --batch --skip-column-names; }

pd_db_running() {
  local dir; dir="$(pd_db_dir "$1")"
  [ -S "$dir/mysqld.sock" ] && pd_db_client "$1" -e 'SELECT 1' >/dev/null 2>&1
}

pd_db_start() {
  local name="$1" dir mariadbd install_db port user_opt=()
  dir="$(pd_db_dir "$name")"
  mariadbd="$(pd_db_bin mariadbd mysqld)" || pd_die "mariadbd not found (scripts/setup installs mariadb-server)"
  install_db="$(pd_db_bin mariadb-install-db mysql_install_db)" || pd_die "mariadb-install-db not found"
  [ "$(id -u)" -eq 0 ] && user_opt=(--user=root)
  mkdir -p "$dir"

  if ! pd_db_running "$name"; then
    if [ ! -d "$dir/data/mysql" ]; then
      pd_say "initialising private MariaDB in $dir"
      rm -rf "$dir/data"
      "$install_db" --no-defaults "${user_opt[@]}" --datadir="$dir/data" \
        --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" --skip-test-db >"$dir/install.log" 2>&1 \
        || { cat "$dir/install.log" >&2; pd_die "mariadb-install-db failed"; }
    fi
    # A restarted instance keeps its port when it can, so that programs
    # still running with its DSN reconnect to it.
    port="$(cat "$dir/port" 2>/dev/null || true)"
    if [[ ! "$port" =~ ^[0-9]+$ ]] || ! pd_db_port_free "$port"; then
      port="$(pd_db_free_port)"
    fi
    echo "$port" >"$dir/port"
    "$mariadbd" --no-defaults "${user_opt[@]}" --datadir="$dir/data" \
      --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" \
      --bind-address=127.0.0.1 --port="$port" --log-error="$dir/error.log" \
      --innodb-buffer-pool-size=256M --innodb-log-file-size=256M \
      --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      >/dev/null 2>&1 &
    local i
    for i in $(seq 1 300); do
      pd_db_running "$name" && break
      sleep 0.1
    done
    pd_db_running "$name" || { tail -20 "$dir/error.log" >&2; pd_die "private MariaDB did not start"; }
    pd_say "private MariaDB '$name' up on 127.0.0.1:$port (socket $dir/mysqld.sock)"
  fi
  port="$(cat "$dir/port")"

  pd_db_sql "$name" <<EOF
CREATE DATABASE IF NOT EXISTS $PD_DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$PD_DB_USER'@'localhost' IDENTIFIED BY '$PD_DB_PASS';
CREATE USER IF NOT EXISTS '$PD_DB_USER'@'127.0.0.1' IDENTIFIED BY '$PD_DB_PASS';
GRANT ALL PRIVILEGES ON \`${PD_DB_NAME}\`.* TO '$PD_DB_USER'@'localhost';
GRANT ALL PRIVILEGES ON \`${PD_DB_NAME}\`.* TO '$PD_DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`${PD_DB_NAME}\_%\`.* TO '$PD_DB_USER'@'localhost';
GRANT ALL PRIVILEGES ON \`${PD_DB_NAME}\_%\`.* TO '$PD_DB_USER'@'127.0.0.1';
EOF
  export PD_DB_SOCKET="$dir/mysqld.sock"
  export PD_DB_ROOT_SOCKET="$dir/mysqld.sock"
  export PD_MYSQL_DSN="mysql://$PD_DB_USER:$PD_DB_PASS@127.0.0.1:$port/$PD_DB_NAME"
  pd_db_apply_migrations "$name"
}

# Applies sql/migrations/NNNN_*.sql not yet recorded in dialer_schema_version.
# The C++ migrator (paneldialer-db migrate) does the same with the same
# table; this shell version lets the scripts prepare a database before any
# binary is built.
pd_db_apply_migrations() {
  local name="$1" file version applied newest
  pd_db_sql "$name" <<EOF
CREATE TABLE IF NOT EXISTS $PD_DB_NAME.dialer_schema_version (
  version INT UNSIGNED NOT NULL PRIMARY KEY,
  name VARCHAR(190) NOT NULL,
  applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
EOF
  applied="$(echo "SELECT COALESCE(MAX(version),0) FROM $PD_DB_NAME.dialer_schema_version" | pd_db_sql "$name")"
  newest=0
  for file in "$PD_ROOT"/sql/migrations/[0-9][0-9][0-9][0-9]_*.sql; do
    version="$(basename "$file")"; version=$((10#${version%%_*}))
    ((version > newest)) && newest=$version
    ((version <= applied)) && continue
    pd_say "applying migration $(basename "$file")"
    { echo "USE $PD_DB_NAME;"; cat "$file";
      echo "INSERT INTO dialer_schema_version(version, name) VALUES ($version, '$(basename "$file")');"; } \
      | pd_db_sql "$name" || pd_die "migration $(basename "$file") failed"
  done
  ((applied > newest)) && pd_die "database schema version $applied is newer than this code ($newest): refusing to use it"
  return 0
}

pd_db_stop() {
  local name="$1" dir pid
  dir="$(pd_db_dir "$name")"
  [ -f "$dir/mysqld.pid" ] || return 0
  pid="$(cat "$dir/mysqld.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  local i
  for i in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/mysqld.pid"
}

# pd_dsn_client DSN [args…]: the mariadb client on the server a DSN names
# (mysql://user:pass@host:port/db or mysql://user:pass@localhost/db?socket=/path).
pd_dsn_client() {
  local dsn="$1"; shift
  local rest auth hostport db query user pass host port socket=""
  [[ "$dsn" == mysql://* ]] || pd_die "not a mysql:// DSN: $dsn"
  rest="${dsn#mysql://}"
  auth="${rest%%@*}"; rest="${rest#*@}"
  hostport="${rest%%/*}"; rest="${rest#*/}"
  db="${rest%%\?*}"
  [[ "$rest" == *\?* ]] && query="${rest#*\?}" || query=""
  user="$(printf '%b' "${auth%%:*}")"
  pass="$(printf '%b' "${auth#*:}")"
  user="$(python3 -c 'import sys,urllib.parse;print(urllib.parse.unquote(sys.argv[1]))' "$user")"
  pass="$(python3 -c 'import sys,urllib.parse;print(urllib.parse.unquote(sys.argv[1]))' "$pass")"
  host="${hostport%%:*}"
  [[ "$hostport" == *:* ]] && port="${hostport#*:}" || port=3306
  [[ "$query" == socket=* ]] && socket="$(python3 -c 'import sys,urllib.parse;print(urllib.parse.unquote(sys.argv[1]))' "${query#socket=}")"
  if [ -n "$socket" ]; then
    MYSQL_PWD="$pass" mariadb --no-defaults --protocol=socket -S "$socket" -u"$user" "$db" "$@"
  else
    MYSQL_PWD="$pass" mariadb --no-defaults --protocol=tcp -h"$host" -P"$port" -u"$user" "$db" "$@"
  fi
}
