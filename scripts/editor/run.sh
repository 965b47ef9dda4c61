#!/usr/bin/env bash
# npm run test:editor — tests in real editors (Neovim, Emacs + eglot; VS Code via code-server + Chromium).
# Installs what it needs: Debian packages when running as root (else it names them and stops), npm packages
# into .cache/editor. Slower than `npm test`, so it is a separate command; .ci/run runs both.
set -euo pipefail
cd "$(dirname "$0")/../.."

APT_PACKAGES=(neovim emacs-nox elpa-eglot chromium libkrb5-dev pkg-config)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "test:editor needs these Debian packages (run as root to install them automatically): ${missing[*]}" >&2
    exit 2
  fi
fi

echo "== build"
npm run build --silent
npx tsc -p tsconfig.test.json

echo "== Neovim and Emacs"
node --test --test-reporter=spec out/test/editor/editors.editor.js

bash scripts/editor/install.sh
npx tsc -p tsconfig.extension.json
echo "== VS Code (code-server): the extension's own test suite in the extension host"
node scripts/editor/code-server.mjs extension-tests

echo "== VS Code (code-server + Chromium): the packaged VSIX driven through the UI"
npm run package --silent
node --test --test-reporter=spec test/editor/browser.editor.mjs
echo "screenshots: test-output/screenshots/"
