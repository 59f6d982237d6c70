# The `watch` agent (and every other command) as an image.
#   docker build -t superset-gitops:0.1.0 .
#   docker run --rm superset-gitops:0.1.0 --version
# A content repository builds its own image on top of it with its metadata/ folder (see
# scripts/container/README.md), and runs it as scripts/container/watch-agent.k8s.yaml shows.
# The base images are arguments so a registry mirror (or a local stand-in) can be named.
ARG BUILD_IMAGE=node:20-bookworm
ARG RUNTIME_IMAGE=node:20-bookworm-slim

# Builder: compiles the TypeScript and the native ZooKeeper client (node-gyp: python3, make and g++
# are in the full node image), then drops the dev dependencies.
FROM ${BUILD_IMAGE} AS build
# The node image has Node's headers under /usr/local/include/node: node-gyp uses them, downloads none.
ENV npm_config_nodedir=/usr/local
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY schemas ./schemas
COPY scripts/bundle.mjs scripts/bundle-axios.mjs ./scripts/
COPY scripts/bundle-shims ./scripts/bundle-shims
RUN npm ci --no-audit --no-fund \
  && npm prune --omit=dev --no-audit --no-fund \
  && node bin/superset-gitops.js --version

# Runtime: the slim Node image, the built package, and a user of its own (no root, no shell needed).
FROM ${RUNTIME_IMAGE}
ENV NODE_ENV=production
RUN useradd --system --uid 10001 --user-group --home-dir /work --create-home superset-gitops
COPY --from=build /src/package.json /opt/superset-gitops/package.json
COPY --from=build /src/bin /opt/superset-gitops/bin
COPY --from=build /src/dist /opt/superset-gitops/dist
COPY --from=build /src/schemas /opt/superset-gitops/schemas
COPY --from=build /src/node_modules /opt/superset-gitops/node_modules
RUN ln -s /opt/superset-gitops/bin/superset-gitops.js /usr/local/bin/superset-gitops
WORKDIR /work
USER 10001:10001
EXPOSE 8080
# The agent's own health endpoint (--health-port 8080): JSON with leader, state and the last poll.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["superset-gitops"]
CMD ["watch", "--env", "production", "--dir", "/work/metadata", "--health-port", "8080", "--health-host", "0.0.0.0"]
