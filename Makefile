# Two commands on a fresh clone: `make demo` and `make test`. Everything else
# (install, build) happens on the way, only when it is missing or stale.
SHELL := /bin/bash
NODE_MODULES := node_modules/.install-stamp
BUILD := dist/.build-stamp
SOURCES := $(shell find proto server client bench -name '*.ts' -o -name '*.tsx' -o -name '*.proto' 2>/dev/null)

.PHONY: install build typecheck test demo server client bench clean

# better-sqlite3 compiles SQLite from source, never trying its prebuilt
# binary (a download from GitHub, which would also ignore the flag below);
# HAVE_FDATASYNC makes SQLite sync its WAL with fdatasync instead of fsync,
# which also journals the file's mtime: a shorter wait at every commit
# (README, Performance). Any other install still works, with fsync;
# `make bench` prints which of the two it measured.
SQLITE_BUILD := CPPFLAGS=-DHAVE_FDATASYNC=1 npm_config_build_from_source=better-sqlite3

install: $(NODE_MODULES)
$(NODE_MODULES): package-lock.json
	$(SQLITE_BUILD) npm ci --no-audit --no-fund
	@touch $@

build: $(BUILD)
$(BUILD): $(NODE_MODULES) $(SOURCES) tsconfig.json
	npm run -s build
	@touch $@

typecheck: $(NODE_MODULES)
	npm run -s typecheck

# JEST_ARGS lets .ci/run ask for a JSON summary.
test: build typecheck
	npm test -- $(JEST_ARGS)

server: build
	node dist/server/main.js $(ARGS)

client: build
	@test -n "$(ID)" || { echo 'usage: make client ID=+111111111 [ARGS="--server 127.0.0.1:50051"]'; exit 2; }
	NODE_ENV=production node dist/client/main.js --id '$(ID)' $(ARGS)

demo: build
	@bash client/demo.sh

# MALLOC=jemalloc preloads Debian's libjemalloc2 into the whole bench, its
# limits too, so each ratio still compares like with like (README, Performance).
JEMALLOC := $(firstword $(wildcard /usr/lib/*/libjemalloc.so.2 /usr/lib/libjemalloc.so.2))
# Recursive (=): the errors stop only a bench that asked for it.
ifeq ($(MALLOC),jemalloc)
BENCH_PRELOAD = LD_PRELOAD=$(or $(JEMALLOC),$(error MALLOC=jemalloc needs libjemalloc.so.2: apt-get install libjemalloc2))
else ifneq ($(MALLOC),)
BENCH_PRELOAD = $(error MALLOC can only be jemalloc)
endif

bench: build
	$(BENCH_PRELOAD) node dist/bench/main.js $(if $(QUICK),--quick,)

clean:
	rm -rf dist
