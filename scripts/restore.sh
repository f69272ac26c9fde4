#!/usr/bin/env bash
# restore.sh FILE: restore a dump made by scripts/backup.sh (pg_dump --format=custom).
#
# Restores into the database DATABASE_URL names, else database "shareline" on the local server
# through libpq's defaults. The database must exist (an empty one, or Shareline's own: existing
# objects are dropped first with --clean --if-exists). Everything happens in one transaction:
# on any error nothing changes. Stop the server first, or at least expect its connections to
# block while the restore runs; start it again afterwards (it applies any newer migrations).
#
# A password in DATABASE_URL never reaches pg_restore's command line, which every user of the
# machine can read (ps): it is taken out of the connection string and handed over in a private
# password file (PGPASSFILE, mode 0600), removed afterwards, as backup.sh does.
#
#   scripts/restore.sh backups/shareline-20260101-120000.dump
#   make restore FILE=backups/shareline-20260101-120000.dump
set -euo pipefail

if [[ $# -ne 1 || -z "${1:-}" ]]; then
	echo "usage: scripts/restore.sh FILE   (a dump made by scripts/backup.sh; the target is \$DATABASE_URL, else database shareline)" >&2
	exit 2
fi
file="$1"
if [[ ! -f "$file" ]]; then
	echo "restore.sh: no such file: $file" >&2
	exit 2
fi
command -v pg_restore >/dev/null 2>&1 || {
	echo "restore.sh: pg_restore not found: install the PostgreSQL client tools (apt-get install postgresql-client)" >&2
	exit 1
}
conn="${DATABASE_URL:-dbname=shareline}"

# shellcheck source=scripts/pgpass.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/pgpass.sh"
trap 'rm -f -- ${pgpass_file:+"$pgpass_file"}' EXIT
pgpass_from_conn

pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --no-password \
	--dbname="$conn" -- "$file"
echo "restored $file"
