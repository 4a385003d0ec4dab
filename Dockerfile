# One agent-cluster node (a Temporal worker process). Built by docker-compose.yml for node-a/b/c;
# NODE_ID, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and METRICS_PORT come from the environment.
FROM node:20-slim

WORKDIR /app
# Dependencies first, so source edits do not re-run npm ci. Dev dependencies included: the worker
# runs its TypeScript through tsx, as in development.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .
USER node

ENV METRICS_PORT=9464
EXPOSE 9464
CMD ["node", "--import", "tsx", "workers/node.ts"]
