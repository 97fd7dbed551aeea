# Liaison: build with cgo (SQLite through mattn/go-sqlite3), run as non-root.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/liaison .

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin liaison \
 && mkdir -p /data && chown liaison:liaison /data
COPY --from=build /out/liaison /usr/local/bin/liaison
USER liaison
WORKDIR /data
# Two malloc arenas for SQLite from the process's start (docs/ARCHITECTURE.md).
ENV LIAISON_ADDR=0.0.0.0:8080 \
    LIAISON_DATABASE_URL=sqlite:///data/liaison.db \
    MALLOC_ARENA_MAX=2
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["liaison", "healthcheck"]
ENTRYPOINT ["liaison"]
CMD ["serve"]
