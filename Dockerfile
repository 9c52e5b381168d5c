# syntax=docker/dockerfile:1
# Prevail's container image: `prevail serve` (HTTP API, console, signals engine) as a non-root user.
# See docs/deployment.md. No secret is baked in: PREVAIL_DATABASE_URL, the evidence keys, the audit
# signing key and the console secret come from the environment at run time (compose's env_file,
# Kubernetes secrets).
#
#   docker build -t prevail .
#   docker run --env-file deploy/prevail.env -p 127.0.0.1:5100:5100 -v prevail:/var/lib/prevail prevail

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile the TypeScript (dist/) and the review console (build/console/) ---------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# A compiler in case better-sqlite3 has no prebuilt binary for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" would build before the sources are here; the two packages that
# need their install step get it from "npm rebuild".
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY console ./console
RUN npm run build && npm run build:console

# --- runtime: production dependencies only, Debian's ffmpeg, a non-root user -------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /opt/prevail
COPY package.json package-lock.json ./
# ffmpeg: video hashing and live streams (PREVAIL_FFMPEG defaults to /usr/bin/ffmpeg). The
# compiler is only there for better-sqlite3's fallback build and is removed in the same layer.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg python3 make g++ \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && apt-get purge -y python3 make g++ \
 && apt-get autoremove -y \
 && rm -rf /var/lib/apt/lists/* /root/.npm /root/.cache
COPY --from=build /src/dist ./dist
COPY --from=build /src/build/console ./build/console
COPY bin ./bin
RUN groupadd --system prevail \
 && useradd --system --gid prevail --home-dir /var/lib/prevail --shell /usr/sbin/nologin prevail \
 && mkdir -p /var/lib/prevail/data \
 && chown -R prevail:prevail /var/lib/prevail \
 && chmod 0700 /var/lib/prevail
USER prevail
# Listen on every interface of the container; publish the port on the host's loopback and put
# a TLS proxy in front (docs/deployment.md). The loopback names are always allowed Host names,
# so the health check below passes the Host check.
ENV PREVAIL_HOST=0.0.0.0 \
    PREVAIL_PORT=5100 \
    PREVAIL_DATA_DIR=/var/lib/prevail/data
# glibc's, not Prevail's: large allocations (the PDQ index's arrays) on 2 MB transparent huge
# pages when the host kernel's THP mode is madvise or always; large-bank lookups cost 10–35 %
# less CPU (docs/banks.md). With the mode never it does nothing.
ENV GLIBC_TUNABLES=glibc.malloc.hugetlb=1
# V8's young generation at 64 MB a semi-space (node's default is 16): a quarter as many
# collections and less CPU per engine event in most runs, up to about 100 MB more memory; the
# same as deploy/prevail.service (docs/signals-engine.md, "Where the time goes").
ENV NODE_OPTIONS=--max-semi-space-size=64
EXPOSE 5100
VOLUME ["/var/lib/prevail"]
# Liveness only: /status/live answers while the event loop does. Readiness (/status/ready) is
# for the load balancer or orchestrator, which should not restart a container for its database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PREVAIL_PORT || '5100') + '/status/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/opt/prevail/bin/prevail.js"]
CMD ["serve"]
