#!/usr/bin/env bash
# npm run test:editor — tests in real editors (Neovim, Emacs + eglot; VS Code via code-server + Chromium).
# Installs what it needs: Debian packages when running as root (else it names them and stops), npm packages
# into .cache/editor. Slower than `npm test`, so it is a separate command; .ci/run runs both.
# Every stage runs even when an earlier one fails; the summary at the end gives each stage's result, test counts
# and time (logs in test-output/editor/), and the exit status is 1 if any stage failed.
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

LOGS=test-output/editor
rm -rf "$LOGS"
mkdir -p "$LOGS"
summary=()
failed=0

# stage <name> <command...>: runs the command with its output shown and kept in $LOGS/<n>.log, then records
# pass/fail, the number of tests (node:test's "ℹ tests/pass/fail", mocha's "N passing/failing") and seconds.
stage() {
  local name=$1
  shift
  local log="$LOGS/$((${#summary[@]} + 1)).log"
  echo "== $name"
  local start=$SECONDS status=0
  "$@" 2>&1 | tee "$log" || status=$?
  local seconds=$((SECONDS - start)) pass fail
  pass=$(sed -n -e 's/.*ℹ pass \([0-9]*\).*/\1/p' -e 's/.* \([0-9]*\) passing.*/\1/p' "$log" | tail -1)
  fail=$(sed -n -e 's/.*ℹ fail \([0-9]*\).*/\1/p' -e 's/.* \([0-9]*\) failing.*/\1/p' "$log" | tail -1)
  local result=PASS
  if [ "$status" != 0 ]; then result=FAIL; failed=1; fi
  summary+=("$(printf '%-4s  %3s passed  %3s failed  %4ss  %s' "$result" "${pass:-?}" "${fail:-0}" "$seconds" "$name")")
}

echo "== build"
npm run build --silent
npx tsc -p tsconfig.test.json

stage "Neovim (en, es) and Emacs: the language server in their LSP clients" \
  node --test --test-reporter=spec out/test/editor/editors.editor.js

bash scripts/editor/install.sh
npx tsc -p tsconfig.extension.json
stage "VS Code (code-server): the extension's mocha suite in the extension host, display language English" \
  node scripts/editor/code-server.mjs extension-tests --locale en
stage "VS Code (code-server): the same suite, display language Spanish" \
  node scripts/editor/code-server.mjs extension-tests --locale es

echo "== packaging the VSIX"
npm run package --silent
stage "VS Code (code-server + Chromium): the packaged VSIX driven through the UI" \
  node --test --test-reporter=spec test/editor/browser.editor.mjs
echo "screenshots: test-output/screenshots/"

echo
echo "== editor tests: summary (logs in $LOGS/)"
printf '%s\n' "${summary[@]}" "total (with build, install and packaging): ${SECONDS}s" | tee "$LOGS/summary.txt"
exit "$failed"
