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

# percent_decode TEXT: the bytes a URL's %XX escapes stand for.
percent_decode() {
	local s="${1//\\/\\\\}"
	printf '%b' "${s//%/\\x}"
}

# Take the password out of the connection string: conn keeps the rest, password the password.
password=""
have_password=false
if [[ "$conn" =~ ^postgres(ql)?:// ]]; then
	scheme="${conn%%://*}://"
	rest="${conn#*://}"
	authority="${rest%%[/?]*}"
	tail="${rest:${#authority}}"
	if [[ "$authority" == *@* ]]; then
		userinfo="${authority%@*}"
		if [[ "$userinfo" == *:* ]]; then
			password="$(percent_decode "${userinfo#*:}")"
			have_password=true
			userinfo="${userinfo%%:*}"
		fi
		authority="$userinfo@${authority##*@}"
	fi
	# A password may also come as a query parameter: ?password=... or &password=...
	if [[ "$tail" == *\?* ]]; then
		path="${tail%%\?*}"
		query="${tail#*\?}"
		kept=()
		IFS='&' read -r -a params <<<"$query"
		for param in "${params[@]}"; do
			if [[ "$param" == password=* ]]; then
				password="$(percent_decode "${param#password=}")"
				have_password=true
			elif [[ -n "$param" ]]; then
				kept+=("$param")
			fi
		done
		tail="$path"
		if ((${#kept[@]} > 0)); then
			tail="$path?$(IFS='&'; echo "${kept[*]}")"
		fi
	fi
	conn="$scheme$authority$tail"
else
	# key=value form: password=secret or password='quoted \' secret', anywhere in the string.
	re="(^|[[:space:]])password[[:space:]]*=[[:space:]]*('(([^'\\\\]|\\\\.)*)'|([^'[:space:]][^[:space:]]*))"
	if [[ "$conn" =~ $re ]]; then
		if [[ "${BASH_REMATCH[2]:0:1}" == "'" ]]; then
			password="$(printf '%s' "${BASH_REMATCH[3]}" | sed -E 's/\\(.)/\1/g')" # \' is ', \\ is \
		else
			password="${BASH_REMATCH[5]}"
		fi
		have_password=true
		conn="${conn/"${BASH_REMATCH[0]}"/${BASH_REMATCH[1]}}"
	fi
fi

# Write to a temporary name first so that a failed dump never leaves a truncated FILE behind.
tmp="$file.partial.$$"
passfile=""
cleanup() { rm -f -- "$tmp" ${passfile:+"$passfile"}; }
trap cleanup EXIT
if $have_password; then
	if [[ "$password" == *$'\n'* ]]; then
		echo "backup.sh: a password with a line break cannot be passed to pg_dump safely" >&2
		exit 1
	fi
	passfile="$(mktemp "${TMPDIR:-/tmp}/shareline-pgpass.XXXXXX")"
	# One line matching every host, port, database and user; \ and : escaped as .pgpass wants.
	escaped="${password//\\/\\\\}"
	printf '*:*:*:*:%s\n' "${escaped//:/\\:}" >"$passfile"
	export PGPASSFILE="$passfile"
	unset PGPASSWORD
fi
pg_dump --format=custom --no-password --file="$tmp" --dbname="$conn"
chmod 600 -- "$tmp"
mv -f -- "$tmp" "$file"
echo "$file"
