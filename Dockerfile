# cchc: HTTP API (cchc-api) and background worker (cchc-worker) in one image.
#
#   docker build -t cchc .
#   docker run --rm -e DATABASE_URL=postgres://... -p 8080:8080 cchc            # API (serve)
#   docker run --rm -e DATABASE_URL=postgres://... cchc migrate                  # apply migrations
#   docker run --rm -e DATABASE_URL=postgres://... --entrypoint cchc-worker cchc run
#
# The SQL migrations are embedded into the binaries at build time; the image
# needs no network access at run time except to PostgreSQL and SMTP.

############################ build stage ############################
FROM rust:1-bookworm AS builder
WORKDIR /src

# 1. Dependency cache: build every third-party crate against stub sources, so
#    this layer is reused as long as Cargo.toml/Cargo.lock do not change.
#    Best effort only: if the stub build fails (e.g. a manifest names a target
#    file the stubs do not provide), the full build below still does all work.
COPY Cargo.toml Cargo.lock ./
COPY shared/domain/Cargo.toml shared/domain/Cargo.toml
COPY shared/db/Cargo.toml shared/db/Cargo.toml
COPY shared/excel/Cargo.toml shared/excel/Cargo.toml
COPY shared/app/Cargo.toml shared/app/Cargo.toml
COPY shared/testkit/Cargo.toml shared/testkit/Cargo.toml
COPY api/Cargo.toml api/Cargo.toml
COPY worker/Cargo.toml worker/Cargo.toml
RUN for crate in shared/domain shared/db shared/excel shared/app shared/testkit api worker; do \
        mkdir -p "$crate/src" && touch "$crate/src/lib.rs"; done \
    && printf 'fn main() {}\n' > api/src/main.rs \
    && printf 'fn main() {}\n' > worker/src/main.rs \
    && (cargo build --release --locked -p cchc-api -p cchc-worker \
        || echo "dependency pre-build failed; continuing with the full build") \
    && rm -rf shared/domain/src shared/db/src shared/excel/src shared/app/src shared/testkit/src \
        api/src worker/src \
        target/release/.fingerprint/cchc-* \
        target/release/deps/cchc_* target/release/deps/libcchc_* \
        target/release/cchc-api target/release/cchc-worker

# 2. The real build (target/ is excluded by .dockerignore, so the cache above
#    survives this COPY).
COPY . .
RUN cargo build --release --locked -p cchc-api -p cchc-worker \
    && install -D -m 0755 target/release/cchc-api /out/cchc-api \
    && install -D -m 0755 target/release/cchc-worker /out/cchc-worker

############################ runtime stage ############################
FROM debian:bookworm-slim

# Unpinned on purpose: take bookworm's current security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --gid 10001 cchc \
    && useradd --uid 10001 --gid 10001 --create-home --home-dir /home/cchc \
        --shell /usr/sbin/nologin cchc \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/cchc/files

COPY --from=builder /out/cchc-api /out/cchc-worker /usr/local/bin/

USER 10001:10001
WORKDIR /home/cchc

ENV CCHC_BIND=0.0.0.0:8080
# Uploaded files; mount a volume here (a new named volume takes this directory's owner).
ENV CCHC_STORAGE_URL=/var/lib/cchc/files
VOLUME ["/var/lib/cchc/files"]
EXPOSE 8080

# No HEALTHCHECK: the image has no HTTP client. Readiness endpoint: GET /readyz.
ENTRYPOINT ["cchc-api"]
CMD ["serve"]
