# pgpass.sh: sourced by backup.sh and restore.sh.
#
# pgpass_from_conn takes the password out of the connection string in $conn (a postgres:// URL,
# with the password in the userinfo or a ?password= parameter, or a libpq key=value string) and,
# when there was one, writes it to a private password file (mode 0600) and exports PGPASSFILE,
# so that the password never reaches a client's command line, which every user of the machine
# can read (ps). $conn keeps the rest; $pgpass_file names the file, for the caller to remove.
pgpass_file=""

# percent_decode TEXT: the bytes a URL's %XX escapes stand for.
percent_decode() {
	local s="${1//\\/\\\\}"
	printf '%b' "${s//%/\\x}"
}

pgpass_from_conn() {
	local password="" have_password=false
	local scheme rest authority tail userinfo path query param re
	local -a kept params
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
	pgpass_write "$password" "$have_password"
}

# pgpass_write PASSWORD HAVE: the password file, when HAVE is true.
pgpass_write() {
	local password="$1"
	if $2; then
		if [[ "$password" == *$'\n'* ]]; then
			echo "a password with a line break cannot be passed to the PostgreSQL tools safely" >&2
			return 1
		fi
		pgpass_file="$(umask 077 && mktemp "${TMPDIR:-/tmp}/shareline-pgpass.XXXXXX")"
		chmod 600 -- "$pgpass_file"
		# One line matching every host, port, database and user; \ and : escaped as .pgpass wants.
		local escaped="${password//\\/\\\\}"
		printf '*:*:*:*:%s\n' "${escaped//:/\\:}" >"$pgpass_file"
		export PGPASSFILE="$pgpass_file"
		unset PGPASSWORD
	fi
}
