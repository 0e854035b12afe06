# syntax=docker/dockerfile:1
# One image for every Earshot service: the command picks the service, e.g.
#   docker run --rm earshot node services/router/dist/main.js
#   docker run --rm earshot node packages/store/dist/cli/migrate.js
# Build: docker build --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) -t earshot .
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
COPY . .
RUN npm ci && npm run build
# Stage what the runtime needs. Every workspace's package.json goes along (npm ci refuses a lock file
# that names workspaces it cannot find); dist holds what `npm run build` (tsc -b) compiled. Data files read at run time
# go along too: migrations, the classifier model, example policies, and the api's console (static files, no build).
RUN set -eu; \
    mkdir -p /out/manifests /out/app/deploy; \
    cp package.json package-lock.json .npmrc /out/manifests/; \
    for dir in packages/* services/*; do \
      mkdir -p "/out/manifests/$dir"; cp "$dir/package.json" "/out/manifests/$dir/"; \
      if [ -d "$dir/dist" ]; then mkdir -p "/out/app/$dir"; cp -R "$dir/dist" "/out/app/$dir/"; fi; \
    done; \
    cp -R packages/store/migrations /out/app/packages/store/; \
    cp -R packages/nlp/models /out/app/packages/nlp/; \
    mkdir -p /out/app/packages/triage; cp -R packages/triage/examples /out/app/packages/triage/; \
    cp deploy/healthcheck.cjs /out/app/deploy/; \
    mkdir -p /out/app/services/api; cp -R services/api/console /out/app/services/api/; \
    rm -f /out/app/services/api/console/README.md; \
    find /out/app \( -name '*.map' -o -name '*.tsbuildinfo' \) -delete

FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="earshot" \
      org.opencontainers.image.description="Social-listening triage: ingest, classify, route and escalate brand mentions. One image; the command picks the service." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/earshot/earshot" \
      org.opencontainers.image.documentation="docs/operations.md" \
      org.opencontainers.image.base.name="docker.io/library/node:20-bookworm-slim"
ENV NODE_ENV=production npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
WORKDIR /app
COPY --from=build /out/manifests/ ./
# No install scripts: the production dependencies need none (the native extras of ssh2 are optional).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force && rm -rf /root/.npm /tmp/*
COPY --from=build /out/app/ ./
# The node user of the base image, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
# /healthz, /readyz and /metrics of every service (HTTP_PORT).
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "deploy/healthcheck.cjs", "/healthz"]
CMD ["node", "services/router/dist/main.js"]
