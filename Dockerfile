# One image for the server and the workers (docker-compose.yml picks the command).

# The dashboard's production build needs the dev dependencies (Next checks TypeScript, Tailwind
# runs in PostCSS); the image that runs it does not.
FROM node:20-bookworm-slim AS ui
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
RUN npm run build:ui && rm -rf .next/cache

FROM node:20-bookworm-slim
# Training jobs (the Models page, POST /api/models/train) run a child process of the trainer with
# Debian's Python, PyTorch and ONNX (lib/training/job-process.ts, models/train/finetune.py).
RUN apt-get update && apt-get install -y --no-install-recommends python3-torch python3-onnx && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Dev dependencies are only for tests, type-checking and the UI build; sources run through tsx.
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
# Its stamp (.next/pulse-build.json) matches these sources, so `npm start` does not rebuild.
COPY --from=ui /app/.next ./.next
ENV NODE_ENV=production HOST=0.0.0.0
USER node
CMD ["npm", "start"]
