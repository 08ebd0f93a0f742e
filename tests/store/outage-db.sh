#!/usr/bin/env bash
# The outage test's own MariaDB, through scripts/lib/mariadb.sh:
#   outage-db.sh start NAME   start (or reuse) .run/db-NAME; prints PD_MYSQL_DSN=…
#   outage-db.sh stop NAME    stop it (its data folder stays for the next run)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../scripts/lib/common.sh"
source "$here/../../scripts/lib/mariadb.sh"

# The test process's descriptors (its MySQL sockets, ctest's pipes) must not
# leak into a long-lived mariadbd started from here. 255 is bash's own.
for fd in /proc/$$/fd/*; do
  n="${fd##*/}"
  if [[ "$n" =~ ^[0-9]+$ ]] && ((n > 2 && n != 255)); then eval "exec $n>&-" 2>/dev/null || true; fi
done

case "${1:-}" in
  start) pd_db_start "$2"; echo "PD_MYSQL_DSN=$PD_MYSQL_DSN" ;;
  stop) pd_db_stop "$2"; echo "stopped" ;;
  *) echo "usage: $0 start|stop NAME" >&2; exit 2 ;;
esac
