#!/usr/bin/env bash
# backup.sh [FILE]: dump Shareline's database with pg_dump in its custom format.
#
# The database is the one DATABASE_URL names (a postgres:// URL or a libpq "key=value" string),
# else database "shareline" on the local server through libpq's defaults (PGHOST, PGPORT, PGUSER,
# the Unix socket, your OS user name). FILE defaults to
# backups/shareline-YYYYMMDD-HHMMSS.dump (backups/ is created). Prints the file name.
#
# The dump holds everything Shareline keeps, so it is written readable by its owner only (mode
# 0600, in a directory created 0700). A password in DATABASE_URL never reaches pg_dump's command
# line, which every user of the machine can read (ps): it is taken out of the connection string
# and handed to pg_dump in a private password file (PGPASSFILE), removed afterwards.
#
# Restore with scripts/restore.sh FILE (see there). A private cluster started by shareline itself
# (.shareline/pg) listens only on a Unix socket: point DATABASE_URL at it while it runs, e.g.
#   DATABASE_URL="host=$PWD/.shareline/pg dbname=shareline" scripts/backup.sh
set -euo pipefail
umask 077

command -v pg_dump >/dev/null 2>&1 || {
	echo "backup.sh: pg_dump not found: install the PostgreSQL client tools (apt-get install postgresql-client)" >&2
	exit 1
}

file="${1:-}"
if [[ -z "$file" ]]; then
	mkdir -p backups
	file="backups/shareline-$(date +%Y%m%d-%H%M%S).dump"
else
	mkdir -p "$(dirname -- "$file")"
fi
conn="${DATABASE_URL:-dbname=shareline}"

# shellcheck source=scripts/pgpass.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/pgpass.sh"
# Write to a temporary name first so that a failed dump never leaves a truncated FILE behind.
tmp="$file.partial.$$"
trap 'rm -f -- "$tmp" ${pgpass_file:+"$pgpass_file"}' EXIT
pgpass_from_conn
pg_dump --format=custom --no-password --file="$tmp" --dbname="$conn"
chmod 600 -- "$tmp"
mv -f -- "$tmp" "$file"
echo "$file"
