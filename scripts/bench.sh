#!/usr/bin/env bash
# bench.sh: measure Shareline on this machine and print one markdown table.
#
# Builds bin/shareline and bin/shareline-load, makes a fresh database (shareline_bench, dropped
# and recreated), loads demo providers, runs the Go benchmarks (among them the evidence file
# store's upload and download throughput, BenchmarkStore), starts the server (timing a
# restart to /readyz), drives it with the load tool while sampling its resident memory, and
# prints every figure beside the targets of issue 6, then the targets of issue 17: each
# scenario's throughput as a share of its floor (the durable one-row write, and the HTTP write
# and read floors on the server's own stack, measured in the same run with the same clients).
#
# Settings (environment):
#   BENCH_PROVIDERS  providers to load            (10000)
#   BENCH_CLIENTS    concurrent clients           (16)
#   BENCH_DURATION   time per load scenario       (5s)
#   BENCH_SINGLE     time per scenario of a second, one-client pass that shows each request's
#                    own latency without queueing (3s; 0 skips it)
#   BENCH_GO_TIME    -benchtime of Go benchmarks  (1s; 0 skips them)
#   BENCH_SCENARIOS  load scenarios to run        (all; e.g. list-page,compare-page,portfolio-csv
#                    for the scaling runs in BENCHMARKS.md)
#   BENCH_DB         database name                (shareline_bench)
#   BENCH_ADDR       address the server listens   (127.0.0.1:18080)
#   BENCH_DIR        where logs and raw output go (a new temporary directory)
#   BENCH_BASELINE   the BENCH_DIR of an earlier run: its figures fill the "before" column of
#                    the issue 17 table (unset: the column is left empty)
#   BENCH_SMALL      the BENCH_DIR of a run at 1,000 providers: the list page's one-client p50
#                    growth is this run's over that one's
#   BENCH_PROFILE    seconds of CPU profile of the server during a save-answer run at
#                    BENCH_CLIENTS clients (0, the default, skips it); written to
#                    $BENCH_DIR/save.pprof with its top functions in save-top.txt
# The database is found through createdb/psql and libpq's defaults (PGHOST, PGPORT, PGUSER);
# without them, DATABASE_URL must name a database to use, or shareline finds one itself.
set -euo pipefail

cd "$(dirname "$0")/.."
GO=${GO:-go}
PROVIDERS=${BENCH_PROVIDERS:-10000}
CLIENTS=${BENCH_CLIENTS:-16}
DURATION=${BENCH_DURATION:-5s}
SINGLE=${BENCH_SINGLE:-3s}
GO_TIME=${BENCH_GO_TIME:-1s}
DB=${BENCH_DB:-shareline_bench}
ADDR=${BENCH_ADDR:-127.0.0.1:18080}
WORK=${BENCH_DIR:-$(mktemp -d -t shareline-bench.XXXXXX)}
PROFILE=${BENCH_PROFILE:-0}
METRICS_ADDR=${BENCH_METRICS_ADDR:-127.0.0.1:18090}
mkdir -p "$WORK"
BASE="http://$ADDR"
export SHARELINE_ADMIN_EMAIL=bench@localhost
export SHARELINE_ADMIN_PASSWORD="bench-$(date +%s)-password"
# The load tool's clients share one token: the per-token API limit would measure itself.
export SHARELINE_API_RATE_LIMIT=off
SERVER_PID=
SAMPLER_PID=
STARTUP=

say() { echo "bench: $*" >&2; }

cleanup() {
	[ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
	stop_server
}
trap cleanup EXIT

# fresh_database drops and recreates $DB on the libpq default server and exports DATABASE_URL.
fresh_database() {
	if command -v createdb >/dev/null && command -v psql >/dev/null && psql -XAtqc 'SELECT 1' postgres >/dev/null 2>&1; then
		local info host port user
		info=$(psql -XAtqc "SELECT coalesce(host(inet_server_addr()), split_part(current_setting('unix_socket_directories'), ',', 1)), current_setting('port'), current_user" postgres)
		IFS='|' read -r host port user <<<"$info"
		dropdb --if-exists --force "$DB"
		createdb "$DB"
		export DATABASE_URL="postgres:///$DB?host=$host&port=$port&user=$user"
		say "fresh database $DB on $host:$port"
	elif [ -n "${DATABASE_URL:-}" ]; then
		say "no createdb/psql: using DATABASE_URL as given (the demo load refuses a database with providers)"
	else
		say "no createdb/psql and no DATABASE_URL: shareline picks the database (a private cluster if no server answers)"
	fi
}

# start_server starts bin/shareline serve and waits for /readyz 200; it sets SERVER_PID, and
# STARTUP to the seconds taken.
start_server() {
	local start now
	start=$(date +%s%N)
	if [ "$PROFILE" != 0 ]; then
		SHARELINE_METRICS_ADDR=$METRICS_ADDR SHARELINE_PPROF=true ./bin/shareline serve --addr "$ADDR" >>"$WORK/server.log" 2>&1 &
	else
		./bin/shareline serve --addr "$ADDR" >>"$WORK/server.log" 2>&1 &
	fi
	SERVER_PID=$!
	for _ in $(seq 1 3000); do
		if curl -fs -o /dev/null "$BASE/readyz"; then
			now=$(date +%s%N)
			STARTUP=$(awk -v ns=$((now - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
			return 0
		fi
		kill -0 "$SERVER_PID" 2>/dev/null || { say "the server exited: see $WORK/server.log"; tail -5 "$WORK/server.log" >&2; return 1; }
		sleep 0.01
	done
	say "the server was not ready within 30 s: see $WORK/server.log"
	return 1
}

stop_server() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	SERVER_PID=
}

# sample_rss writes the server's resident memory (KB) every 100 ms until the server stops.
sample_rss() {
	while kill -0 "$1" 2>/dev/null; do
		ps -o rss= -p "$1" >>"$WORK/rss.txt" 2>/dev/null || true
		sleep 0.1
	done
}

# print_table merges the demo load, the Go benchmarks, the load tool's table and the memory
# samples into one markdown table, beside the targets of issue 6.
print_table() {
	awk -v machine="$MACHINE" -v startup="$STARTUP" -v clients="$CLIENTS" '
	function row(figure, value, target, met) { printf "| %s | %s | %s | %s |\n", figure, value, target, met }
	function trim(s) { gsub(/^ +| +$/, "", s); return s }
	function ok(b) { return b ? "yes" : "**no**" }
	BEGIN {
		print "| figure | value | target | met |"
		print "|---|---|---|---|"
		row("machine", machine, "", "")
		target["save-answer"] = "p99 ≤ 50 ms"; limit["save-answer"] = 50; pct["save-answer"] = 9
		target["compare-page"] = "median ≤ 100 ms"; limit["compare-page"] = 100
		target["report-pdf"] = "median ≤ 200 ms"; limit["report-pdf"] = 200
		target["portfolio-csv"] = "≤ 2 s, memory growth < 20 MB"; limit["portfolio-csv"] = 2000
		split("list-page list-page-deep list-page-offset list-page-search evaluation-page report-page", pages, " ")
		for (i in pages) { target[pages[i]] = "median ≤ 20 ms"; limit[pages[i]] = 20 }
	}
	FILENAME ~ /demo.txt$/ && /^added/ {
		row("demo load", $0, "100,000 providers well under 2 min (see the demo figures)", "")
	}
	# The evidence file store (internal/filestore): upload and download throughput of a 25 MiB
	# file through the PostgreSQL store, in MB/s (10^6 bytes a second, as go test counts).
	FILENAME ~ /gobench.txt$/ && /^BenchmarkStore\/(upload|download)/ {
		dir = $1; sub(/^BenchmarkStore\//, "", dir); sub(/-[0-9]+$/, "", dir)
		for (i = 5; i < NF; i++) if ($(i + 1) == "MB/s") rate = $i
		row("evidence file " dir ", PostgreSQL store (25 MiB file)", rate " MB/s", "", "")
		next
	}
	# The same through the server handler: the multipart stream, the type check, the store and
	# the new version of the answer (upload); the file as an attachment (download).
	FILENAME ~ /gobench.txt$/ && /^BenchmarkEvidenceFile\/(upload|download)/ {
		dir = $1; sub(/^BenchmarkEvidenceFile\//, "", dir); sub(/-[0-9]+$/, "", dir)
		for (i = 5; i < NF; i++) if ($(i + 1) == "MB/s") rate = $i
		row("evidence file " dir " through the API (25 MiB PDF)", rate " MB/s", "", "")
		next
	}
	FILENAME ~ /gobench.txt$/ && /^Benchmark/ {
		value = sprintf("%.3f ms/op", $3 / 1e6)
		for (i = 5; i < NF; i += 2) value = value ", " $i " " $(i + 1)
		row("Go " $1, value, "", "")
	}
	FILENAME ~ /load[0-9]*\.md$/ && /^\| [a-z]/ && $0 !~ /^\| scenario/ {
		n = split($0, c, "|")
		name = trim(c[2])
		if (c[3] ~ /skipped/) { row(name, trim(c[3]), target[name], "") ; next }
		p = pct[name] ? pct[name] : 7
		value = sprintf("%s req/s; p50 %s, p95 %s, p99 %s ms; %s errors of %s; %s KB/resp", trim(c[6]), trim(c[7]), trim(c[8]), trim(c[9]), trim(c[5]), trim(c[4]), trim(c[11]))
		met = ""
		if (name in limit) met = ok(trim(c[5]) == 0 && trim(c[p]) != "–" && trim(c[p]) + 0 <= limit[name])
		if (name == "portfolio-csv" && split(trim(c[12]), m, " → ") == 2) {
			value = value sprintf("; server RSS %s → %s MB", m[1], m[2])
			met = ok(met == "yes" && m[2] - m[1] < 20)
		}
		row(name " (" trim(c[3]) " clients)", value, target[name], met)
	}
	FILENAME ~ /load.md$/ && /^- [a-z-]+ \/ [a-z-]+: / {
		row($2 " / " substr($4, 1, length($4) - 1) " (" clients " clients)", $5, "", "")
	}
	FILENAME ~ /rss.txt$/ && $1 + 0 > peak { peak = $1 + 0 }
	END {
		row("server peak RSS during the load", sprintf("%.1f MB", peak / 1024), "≤ 150 MB", ok(peak > 0 && peak / 1024 <= 150))
		row("start-up on a migrated database to /readyz 200", startup " s", "≤ 1 s", ok(startup + 0 <= 1))
	}' "$WORK/demo.txt" "$WORK/gobench.txt" "$WORK/load.md" "$WORK/load1.md" "$WORK/rss.txt"
}

# figures reads one run's raw output (a BENCH_DIR) and prints the figures of issue 17's targets,
# one "name value" line each.
figures() {
	awk '
	function trim(s) { gsub(/^ +| +$/, "", s); return s }
	FILENAME ~ /load\.md$/ && /^- [a-z-]+ \/ [a-z-]+: / { print "ratio:" $2 "/" substr($4, 1, length($4) - 1), $5 }
	FILENAME ~ /load\.md$/ && /^\| save-answer / { n = split($0, c, "|"); print "save-p99", trim(c[9]) }
	FILENAME ~ /load1\.md$/ && /^\| list-page / { n = split($0, c, "|"); print "list-p50-1", trim(c[7]) }
	' "$1/load.md" "$1/load1.md" 2>/dev/null
}

# print_targets prints issue 17's table: the figures of BENCH_BASELINE (before) and of this run.
print_targets() {
	figures "$WORK" >"$WORK/figures.txt"
	: >"$WORK/figures-before.txt"
	[ -n "${BENCH_BASELINE:-}" ] && figures "$BENCH_BASELINE" >"$WORK/figures-before.txt"
	: >"$WORK/figures-small.txt"
	[ -n "${BENCH_SMALL:-}" ] && figures "$BENCH_SMALL" >"$WORK/figures-small.txt"
	awk -v clients="$CLIENTS" '
	function ok(b) { return b ? "yes" : "**no**" }
	FILENAME ~ /figures-before/ { before[$1] = $2; next }
	FILENAME ~ /figures-small/ { small[$1] = $2; next }
	{ now[$1] = $2 }
	function target(label, key, want, atLeast,   b, n, met) {
		b = (key in before) ? before[key] : "–"
		n = (key in now) ? now[key] : "–"
		met = n == "–" ? "" : ok(atLeast ? n + 0 >= want : n + 0 <= want)
		printf "| %s | %s | %s | %s %s | %s |\n", label, b, n, atLeast ? "≥" : "≤", want, met
	}
	END {
		print "| figure (issue 17) | before | now | target | met |"
		print "|---|---|---|---|---|"
		target("save-answer / HTTP write floor, " clients " clients", "ratio:save-answer/http-write-floor", 0.5, 1)
		target("save-answer / database write floor, " clients " clients", "ratio:save-answer/write-floor", 0.15, 1)
		target("evaluation page / HTTP read floor, " clients " clients", "ratio:evaluation-page/http-read-floor", 0.5, 1)
		target("list page / HTTP read floor, " clients " clients", "ratio:list-page/http-read-floor", 0.3, 1)
		target("save p99 at " clients " clients, ms", "save-p99", 15, 0)
		if ("list-p50-1" in small && "list-p50-1" in now) {
			printf "| list page p50 growth from 1,000 providers, one client | | %.2f× (%s → %s ms) | ≤ 1.5× | %s |\n",
				now["list-p50-1"] / small["list-p50-1"], small["list-p50-1"], now["list-p50-1"], ok(now["list-p50-1"] / small["list-p50-1"] <= 1.5)
		} else {
			print "| list page p50 growth from 1,000 providers, one client | | (set BENCH_SMALL to a 1,000-provider run) | ≤ 1.5× | |"
		}
	}' "$WORK/figures-before.txt" "$WORK/figures-small.txt" "$WORK/figures.txt"
}

say "building into bin/ (raw output in $WORK)"
$GO build -o bin/shareline ./cmd/shareline
$GO build -o bin/shareline-load ./cmd/shareline-load
# Not grep -q: it would stop reading at the match, and pipefail would count help's SIGPIPE.
if ! ./bin/shareline help | grep '^  demo ' >/dev/null; then
	say "bin/shareline has no demo subcommand: register demoCmd in cmd/shareline/main.go"
	exit 1
fi
fresh_database
./bin/shareline migrate >"$WORK/migrate.log" 2>&1

say "loading $PROVIDERS demo providers"
./bin/shareline demo --providers "$PROVIDERS" --seed 1 --quiet | tee "$WORK/demo.txt" >&2

: >"$WORK/gobench.txt"
if [ "$GO_TIME" != 0 ]; then
	say "running the Go benchmarks (-benchtime=$GO_TIME)"
	$GO test -run='^$' -bench=. -benchmem -benchtime="$GO_TIME" ./... >"$WORK/gobench.txt" 2>&1 || { cat "$WORK/gobench.txt" >&2; exit 1; }
fi

say "first start (creates the admin), then a timed restart on the migrated database"
start_server
TOKEN=$(./bin/shareline token create --email "$SHARELINE_ADMIN_EMAIL" --name bench)
stop_server
: >"$WORK/rss.txt"
start_server
sample_rss "$SERVER_PID" &
SAMPLER_PID=$!

say "load: $CLIENTS clients, $DURATION per scenario"
export SHARELINE_TOKEN=$TOKEN SHARELINE_EMAIL=$SHARELINE_ADMIN_EMAIL SHARELINE_PASSWORD=$SHARELINE_ADMIN_PASSWORD
./bin/shareline-load --url "$BASE" --clients "$CLIENTS" --duration "$DURATION" ${BENCH_SCENARIOS:+--scenarios "$BENCH_SCENARIOS"} \
	--database-url "${DATABASE_URL:-}" --pid "$SERVER_PID" >"$WORK/load.md" 2>"$WORK/load.log" || { cat "$WORK/load.log" >&2; exit 1; }
: >"$WORK/load1.md"
if [ "$SINGLE" != 0 ]; then
	say "load: 1 client, $SINGLE per scenario"
	./bin/shareline-load --url "$BASE" --clients 1 --duration "$SINGLE" --pid "$SERVER_PID" --database-url "${DATABASE_URL:-}" \
		--scenarios "${BENCH_SCENARIOS:-write-floor,http-write-floor,http-read-floor,save-answer,list-page,evaluation-page,report-page,report-pdf,compare-page}" \
		>"$WORK/load1.md" 2>>"$WORK/load.log" || { cat "$WORK/load.log" >&2; exit 1; }
fi
if [ "$PROFILE" != 0 ]; then
	say "profile: save-answer at $CLIENTS clients, $PROFILE s of CPU profile"
	./bin/shareline-load --url "$BASE" --clients "$CLIENTS" --duration "$((PROFILE + 2))s" --scenarios save-answer \
		>"$WORK/profile-load.md" 2>>"$WORK/load.log" &
	LOAD_PID=$!
	sleep 1
	curl -fsS -o "$WORK/save.pprof" "http://$METRICS_ADDR/debug/pprof/profile?seconds=$PROFILE"
	wait "$LOAD_PID"
	$GO tool pprof -top -nodecount=40 bin/shareline "$WORK/save.pprof" >"$WORK/save-top.txt" 2>&1 || true
	$GO tool pprof -top -cum -nodecount=40 bin/shareline "$WORK/save.pprof" >"$WORK/save-top-cum.txt" 2>&1 || true
fi
stop_server
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=

MACHINE="$(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), PostgreSQL $(psql -XAtqc 'SHOW server_version' postgres 2>/dev/null || echo '(version unknown)')"
print_table
echo
print_targets
for f in "$WORK/load.md" "$WORK/load1.md"; do
	if grep -q '^Errors' "$f"; then
		echo
		sed -n '/^Errors/,$p' "$f" | grep -v '^save-answer throughput'
	fi
done
say "raw output in $WORK"
