# churn-predictor: the API service image (docs/DEPLOY.md).
#
#   docker build -t churn-predictor:0.1.0 .
#
# BASE_IMAGE is the Node 20 image both stages start from. The default is the public Debian
# bookworm slim image pinned by digest (refresh the digest when rebuilding for a release:
# docs/DEPLOY.md, "Base image"). CI, which cannot reach a public registry, passes a locally
# made Node 20 base instead (scripts/ci-base-image.sh).
ARG BASE_IMAGE=node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0

# ---- build: dependencies, compiled JavaScript and the demo model --------------------------
FROM ${BASE_IMAGE} AS build
# PREBUILT=false installs and compiles here (needs the npm registry). PREBUILT=true takes dist/
# and production node_modules/ made on the host from the build context (CI builds offline:
# .ci/self-check.sh prepares such a context).
ARG PREBUILT=false
WORKDIR /build
COPY . .
RUN set -eu; \
    if [ "$PREBUILT" = true ]; then \
      if [ ! -f dist/cli/main.js ] || [ ! -d node_modules ]; then \
        echo "PREBUILT=true needs dist/ and production node_modules/ in the build context" >&2; exit 1; \
      fi; \
    else \
      # Compilers only for better-sqlite3's fallback when no prebuilt binary fits; this stage is discarded.
      apt-get update; \
      apt-get install -y --no-install-recommends python3 make g++; \
      rm -rf /var/lib/apt/lists/*; \
      npm ci --no-audit --no-fund --cache /tmp/npm-cache; \
      npm prune --omit=dev --no-audit --no-fund --cache /tmp/npm-cache; \
    fi; \
    # Only the compiled addon is needed at run time, not the SQLite sources and object files;
    # nor the packages' tests, docs, examples, type declarations and source maps.
    sq=node_modules/better-sqlite3; \
    rm -rf "$sq/deps" "$sq/src" "$sq/build/Release/obj" "$sq/build/Release/obj.target" "$sq/build/Release/.deps" "$sq/build/deps"; \
    if [ -d "$sq/build" ]; then find "$sq/build" \( -name '*.a' -o -name 'test_extension.node' -o -name '*.mk' -o -name 'Makefile' \) -delete; fi; \
    find node_modules -regextype posix-extended -type d \
      -regex '(.*/)?node_modules/(@[^/]+/)?[^/]+/(test|tests|__tests__|docs|example|examples|benchmark|benchmarks|bench|\.github)' -prune \
      -exec rm -rf {} +; \
    find node_modules dist -type f \( -name '*.md' -o -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \) -delete; \
    mkdir -p /out/app/model /out/data; \
    cp -a package.json bin dist node_modules /out/app/; \
    # The demo model is trained at build time (deterministic seed) so every replica serves the same
    # artifact and the read-only root filesystem needs no write at start.
    node bin/churn.js data generate --rows 5000 --seed 42 --out /tmp/demo-customers.csv; \
    node bin/churn.js train --data /tmp/demo-customers.csv --target Churn --id customerID --positive Yes \
      --seed 42 --out /out/app/model/model.json >/dev/null; \
    rm -f /tmp/demo-customers.csv

# ---- runtime ------------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime
# npm, npx, corepack and yarn are not used at run time; removing them removes their bundled
# dependencies (and their advisories) from what runs.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data \
    MODEL_PATH=/app/model/model.json
WORKDIR /app
# Code and model stay owned by root and read-only to the service user; only /data is its own.
COPY --from=build /out/app /app
COPY --from=build --chown=1000:1000 /out/data /data
USER 1000:1000
VOLUME ["/tmp", "/data"]
EXPOSE 8000
# No curl in the image: Node's own fetch probes /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/churn.js"]
CMD ["start"]
