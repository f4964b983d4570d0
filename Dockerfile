# `godot-enet serve --agones` as a container image: one match per container, for Agones
# (deploy/agones/, docs/scaling.md). The build context is a folder holding the package as
# `npm pack` makes it (docs/development.md, Releasing), whose prebuilt linux-x64 binary (prebuilds/) is what
# runs, so nothing is compiled here:
#   npm run build:prebuilds && npm pack && docker build -t godot-enet .
FROM node:22-bookworm-slim

# The package with its optional dependency, the Agones SDK (--omit=optional would leave it out).
COPY godot-enet-*.tgz /tmp/
RUN npm install --global --no-audit --no-fund /tmp/godot-enet-*.tgz \
    && rm /tmp/godot-enet-*.tgz && npm cache clean --force

# The node image's unprivileged user: the server needs no privileges (its port is above 1024).
USER node
EXPOSE 7777/udp
ENTRYPOINT ["godot-enet"]
# Agones sends SIGTERM to end the pod: the server disconnects its clients and calls Shutdown.
CMD ["serve", "--agones", "--port", "7777", "--max-clients", "32", "--exit-when-empty", "60"]
