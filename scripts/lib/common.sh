# Sourced by the scripts in scripts/. Paths and small helpers, nothing else.
PD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PD_BUILD="${PD_BUILD:-$PD_ROOT/build}"
PD_BUILD_ASAN="${PD_BUILD_ASAN:-$PD_ROOT/build-asan}"
PD_RUN_DIR="${PD_RUN_DIR:-$PD_ROOT/.run}"

pd_say() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
pd_die() { pd_say "error: $*"; exit 1; }
