# Shareline. `make run` serves the app; `make test` runs every test, the browser test included.
# go.mod names Go 1.27: the go command fetches that toolchain from the module proxy once.
export GOTOOLCHAIN ?= go1.27.3
GO ?= go
BIN := bin/shareline

.PHONY: run build test test-private generate check vulncheck lint-openapi clean tools

## run: build and serve on http://127.0.0.1:8080 (DATABASE_URL, else the local PostgreSQL, else a private cluster in .shareline/pg)
run: build
	./$(BIN) serve

## build: compile the binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/shareline

## test: every test, with the race detector, against a real PostgreSQL, a real Chromium and a real S3 server (SeaweedFS, built once by scripts/weed.sh into ~/.cache/shareline/weed)
test: tools
	@weed=$$(GO=$(GO) bash scripts/weed.sh) || exit 1; \
	SHARELINE_WEED="$$weed" SHARELINE_REQUIRE_S3=1 $(GO) test -race -count=1 ./...

## tools: the page checkers the browser tests run (axe-core, the Nu HTML Checker), from npm into tools/npm
tools: tools/npm/node_modules/.installed
tools/npm/node_modules/.installed: tools/npm/package.json tools/npm/package-lock.json
	npm ci --prefix tools/npm --no-audit --no-fund --ignore-scripts
	touch $@

## test-private: the pglocal and store tests on a private cluster, no server reachable (PGHOST is an empty directory); its temporary directory is removed and the cluster stopped even on failure
test-private:
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/shareline-private.XXXXXX") || exit 1; \
	data="$$tmp/shareline-test-pg"; \
	running() { pid=$$(head -n 1 "$$1/postmaster.pid" 2>/dev/null) && [ -n "$$pid" ] && ps -o comm= -p "$$pid" 2>/dev/null | grep -q postgres; }; \
	cleanup() { \
		find "$$tmp" -maxdepth 3 -name postmaster.pid 2>/dev/null | while read -r f; do \
			dir=$${f%/postmaster.pid}; running "$$dir" || continue; \
			echo "test-private: stopping the PostgreSQL left running in $$dir (pid $$pid)"; kill -INT "$$pid"; \
			for i in $$(seq 100); do running "$$dir" || break; sleep 0.1; done; \
		done; \
		rm -rf "$$tmp"; \
	}; \
	trap cleanup EXIT; trap 'exit 130' INT TERM HUP; \
	chmod 755 "$$tmp" && mkdir "$$tmp/nosock" || exit 1; \
	echo "test-private: PGHOST=$$tmp/nosock (no server there); private clusters under TMPDIR=$$tmp"; \
	PGHOST="$$tmp/nosock" PGPORT=5432 DATABASE_URL= TMPDIR="$$tmp" $(GO) test -count=1 ./internal/pglocal/... ./internal/postgres/...; \
	status=$$?; \
	if [ -f "$$data/PG_VERSION" ]; then \
		echo "test-private: the store tests used a private PostgreSQL $$(cat "$$data/PG_VERSION") cluster in $$data"; \
	else \
		echo "test-private: no private cluster in $$data: the store tests did not take the private-cluster path"; status=1; \
	fi; \
	if running "$$data"; then echo "test-private: the tests left the private cluster running (pid $$pid)"; status=1; fi; \
	exit $$status

## generate: regenerate the templ components after editing templates/*.templ
generate:
	$(GO) tool templ generate

## check: what must hold before a commit (formatting, vet, staticcheck, generated code and go.mod up to date)
check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt would change the files above"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) tool templ generate >/dev/null 2>&1 && git diff --exit-code -- '*_templ.go'
	$(GO) mod tidy -diff
	@for f in scripts/*.sh .ci/run; do bash -n "$$f" || { echo "$$f: not valid bash"; exit 1; }; done

## lint-openapi: Redocly CLI and Spectral on the OpenAPI document, failing on any error or warning. The npm packages (versions pinned in internal/server/openapilint) are installed once into OPENAPI_LINT_DIR and reused
OPENAPI_LINT_DIR ?= $(HOME)/.cache/shareline/openapi-lint
LINT := internal/server/openapilint
lint-openapi:
	@mkdir -p "$(OPENAPI_LINT_DIR)"
	@cmp -s $(LINT)/package-lock.json "$(OPENAPI_LINT_DIR)/package-lock.json" && test -x "$(OPENAPI_LINT_DIR)/node_modules/.bin/spectral" || { \
		cp $(LINT)/package.json $(LINT)/package-lock.json "$(OPENAPI_LINT_DIR)/" && \
		npm ci --prefix "$(OPENAPI_LINT_DIR)" --no-audit --no-fund --loglevel=error; }
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "$(OPENAPI_LINT_DIR)/node_modules/.bin/redocly" lint --config $(LINT)/redocly.yaml internal/server/openapi.json
	"$(OPENAPI_LINT_DIR)/node_modules/.bin/spectral" lint --fail-severity=warn --ruleset $(LINT)/.spectral.yaml internal/server/openapi.json

## vulncheck: govulncheck against a local vulnerability database (VULNCHECK names the script)
VULNCHECK ?= ../shared/tools/vulncheck
vulncheck:
	$(VULNCHECK) ./...

clean:
	rm -rf bin

.PHONY: demo bench load

## demo: load 200 made-up providers, evaluations and answers into the default database
demo: build
	./$(BIN) demo --providers 200

## bench: from a clean checkout, measure on a fresh database with 10,000 providers and print one table (scripts/bench.sh)
bench:
	GO=$(GO) bash scripts/bench.sh

## load: build bin/shareline-load and drive a running server (LOAD_ARGS="--token ... --email ... --password ...")
load:
	$(GO) build -o bin/shareline-load ./cmd/shareline-load
	./bin/shareline-load $(LOAD_ARGS)

.PHONY: backup restore

## backup: pg_dump the database ($DATABASE_URL, else shareline) to backups/shareline-YYYYMMDD-HHMMSS.dump (scripts/backup.sh)
backup:
	bash scripts/backup.sh

## restore: restore a dump into the database ($DATABASE_URL, else shareline): make restore FILE=backups/....dump
restore:
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/shareline-....dump"; exit 2; }
	bash scripts/restore.sh $(FILE)
