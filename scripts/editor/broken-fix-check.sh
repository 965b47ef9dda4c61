#!/usr/bin/env bash
# Checks that the editor tests catch a broken quick fix: copies the working tree (tracked and untracked files,
# not what .gitignore leaves out) to a temporary folder, makes prefer-copy's fix write `C0PY` instead of `COPY`
# there, builds and runs `npm run test:editor` in the copy. Exits 0 only if the suite FAILED, and names the stages
# and tests that caught it. Not part of CI (it runs the whole editor suite once more: a few minutes).
#   bash scripts/editor/broken-fix-check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
COPY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dfs-broken-fix-XXXXXX")
trap 'rm -rf "$COPY_DIR"' EXIT

echo "== copying the working tree to $COPY_DIR"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' file; do [ -e "$file" ] && printf '%s\0' "$file"; done \
  | tar --null -T - -cf - | tar -xf - -C "$COPY_DIR"
# Dependencies and the code-server cache are shared, read-only in practice.
ln -s "$ROOT/node_modules" "$COPY_DIR/node_modules"
mkdir -p "$ROOT/.cache/editor"
mkdir -p "$COPY_DIR/.cache"
ln -s "$ROOT/.cache/editor" "$COPY_DIR/.cache/editor"

RULE=shared/rules/prefer-copy.ts
echo "== sabotaging the quick fix in $RULE: it now writes C0PY"
sed -i "s/: 'COPY' }\]/: 'C0PY' }]/" "$COPY_DIR/$RULE"
if ! grep -q "'C0PY'" "$COPY_DIR/$RULE"; then
  echo "broken-fix check: the fix's text edit was not found in $RULE; update this script" >&2
  exit 2
fi
diff -u "$RULE" "$COPY_DIR/$RULE" || true

echo "== npm run test:editor in the copy"
start=$SECONDS
status=0
(cd "$COPY_DIR" && bash scripts/editor/run.sh) > "$COPY_DIR/editor.log" 2>&1 || status=$?
echo "(finished in $((SECONDS - start))s, exit status $status; full output kept in test-output/broken-fix-check.log)"
mkdir -p test-output
cp "$COPY_DIR/editor.log" test-output/broken-fix-check.log

echo "== what caught it"
# Per stage (run.sh keeps one log each): node:test marks a failing test "  ✖ <name>" (indented: inside a describe),
# mocha's spec reporter "N) <name>" in its list, before the "N failing" details.
n=0
while IFS= read -r line; do
  case "$line" in PASS*|FAIL*) ;; *) continue ;; esac
  n=$((n + 1))
  echo "$line"
  log="$COPY_DIR/test-output/editor/$n.log"
  [ -f "$log" ] || continue
  sed -n -e '/✖ failing tests:/q' -e 's/^ \{2,\}✖ /      ✖ /p' "$log"
  awk '/ [0-9]+ failing/ { exit } /^\[workbench\] +[0-9]+\) / { sub(/^\[workbench\] +/, "      "); print }' "$log"
done < <(cat "$COPY_DIR/test-output/editor/summary.txt" 2>/dev/null)

if [ "$status" = 0 ]; then
  echo "broken-fix check FAILED: the editor suite passed with a broken quick fix" >&2
  exit 1
fi
if ! grep -q '^FAIL ' "$COPY_DIR/editor.log"; then
  echo "broken-fix check FAILED: the editor suite stopped before running its stages (exit $status), see test-output/broken-fix-check.log" >&2
  exit 1
fi
echo "broken-fix check passed: the editor suite failed on the broken quick fix"
