# Liaison. `make test` is what CI runs.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: run build test vet lint bench fuzz screenshots clean

run:
	$(GO) run .

build:
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o bin/liaison .

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1)

# The whole suite, with the race detector, through gotestsum; the fuzz
# targets run their seed corpora. Store and API tests also run against
# Postgres when LIAISON_TEST_POSTGRES_URL is set (.ci/run sets it), and the
# browser tests where Chromium is installed; the last line says what was
# skipped and why.
test: vet
	@json=$$(mktemp); \
	$(GO) tool gotestsum --format pkgname --hide-summary=skipped --jsonfile "$$json" \
		--post-run-command "$(GO) run ./cmd/testsummary" -- -race -count=1 -timeout 20m ./...; \
	status=$$?; rm -f "$$json"; exit $$status

# Each fuzz target for FUZZTIME; what fails is kept in testdata/fuzz.
FUZZTIME ?= 1m
fuzz:
	$(GO) test ./api -run '^$$' -fuzz '^FuzzBindJSON$$' -fuzztime $(FUZZTIME)
	$(GO) test ./api -run '^$$' -fuzz '^FuzzQuery$$' -fuzztime $(FUZZTIME)
	$(GO) test ./store -run '^$$' -fuzz '^FuzzCursor$$' -fuzztime $(FUZZTIME)

# The README's screenshots, from the demonstration data pinned to its
# dates; tests write none unless asked like this.
screenshots:
	LIAISON_SCREENSHOTS=1 $(GO) test ./api -run '^TestBrowser$$' -count=1

# Go benchmarks of the store's hot queries (compare with benchstat), then
# the load run over real HTTP: 100,000 meetings and 1,000,000 action items,
# seeded once into bench-data/ and reused, and the list and statistics
# again at 10k, 100k and 1M action items.
LOADRUN_FLAGS ?= -duration 30s -fixed
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./store/
	$(GO) run ./cmd/loadrun $(LOADRUN_FLAGS)

clean:
	rm -rf bin data
