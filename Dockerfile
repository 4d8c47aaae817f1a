# One image for the server and the workers (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Dev dependencies are only for tests and type-checking; sources run through tsx.
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
ENV NODE_ENV=production HOST=0.0.0.0
USER node
CMD ["npm", "start"]
