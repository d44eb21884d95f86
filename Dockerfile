# The foi-tracker image: the release binary on slim Debian, run as a user of its own.
# The base images are arguments so that an operator behind a registry mirror can name others:
#   docker build --build-arg RUST_IMAGE=mirror.example/rust:1-bookworm \
#                --build-arg DEBIAN_IMAGE=mirror.example/debian:bookworm-slim .
# Both must be Debian bookworm (or the same glibc), since the binary links the system's glibc.
ARG RUST_IMAGE=docker.io/library/rust:1-bookworm
ARG DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${RUST_IMAGE} AS build
WORKDIR /src
COPY . .
# The cache mounts keep the downloaded crates and the compiled dependencies between builds,
# so a rebuild after a source change compiles only foi-tracker itself. The binary is copied
# out of the cache, which is no part of the layer. (`RUN --mount` needs BuildKit, Docker's
# builder since 23.0, or buildah, which podman builds with.)
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin foi-tracker \
    && install -D -m 0755 target/release/foi-tracker /out/foi-tracker

FROM ${DEBIAN_IMAGE}
# No package is added: SQLite, libpq and OpenSSL are compiled into the binary, lettre trusts
# the web PKI roots it carries (webpki-roots), and templates, static files, reference data and
# migrations are embedded. The binary needs glibc and libgcc only, which the base has.
RUN useradd --system --user-group --uid 10001 --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin foi-tracker \
    && install -d -m 0700 -o foi-tracker -g foi-tracker /data
COPY --from=build /out/foi-tracker /usr/local/bin/foi-tracker

# The SQLite file and the mail folder live on the volume; nothing else is written. With
# PostgreSQL (FOI_DATABASE_URL=postgres://…) the volume keeps only mail not yet sent by SMTP.
ENV FOI_DATABASE_URL=sqlite:///data/foi-tracker.db \
    FOI_MAIL_DIR=/data/mail \
    FOI_BIND=0.0.0.0:8080 \
    FOI_LOG_FORMAT=json
VOLUME /data
WORKDIR /data
USER foi-tracker:foi-tracker
EXPOSE 8080

# A slim image has no curl: the binary asks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["foi-tracker", "healthcheck"]

# serve finishes the requests in flight on SIGTERM, then exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["foi-tracker"]
CMD ["serve"]
