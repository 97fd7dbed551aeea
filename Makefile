# Liaison. `make test` is what CI runs.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: run build test vet lint bench clean

run:
	$(GO) run .

build:
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o bin/liaison .

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1)

# The whole suite, with the race detector. Store and API tests also run
# against Postgres when LIAISON_TEST_POSTGRES_URL is set (.ci/run sets it).
test: vet
	$(GO) test -race -count=1 -timeout 20m ./...

# Go benchmarks of the store's hot queries (compare with benchstat), then
# the load run over real HTTP: 100,000 meetings and 1,000,000 action items,
# seeded once into bench-data/ and reused, and the list and statistics
# again at 10k, 100k and 1M action items.
LOADRUN_FLAGS ?= -scale
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./store/
	$(GO) run ./cmd/loadrun $(LOADRUN_FLAGS)

clean:
	rm -rf bin data
