#!/usr/bin/env bash
# Renders the compatibility cases with npm's handlebars (installed into the
# build folder on first use) and compares our engine's output with it.
# usage: run_handlebars_compat.sh BUILD_DIR COMPAT_EXE
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$1"
exe="$2"
modules="$build/compat-node"
if [ ! -d "$modules/node_modules/handlebars" ]; then
  mkdir -p "$modules"
  # Without the npm registry there is nothing to compare with: skip (77),
  # which CTest reports as skipped, not passed.
  if ! (cd "$modules" && timeout 300 npm install --silent --no-audit --no-fund handlebars@4.7 >/dev/null); then
    echo "handlebars could not be installed from npm; skipping the comparison" >&2
    exit 77
  fi
fi
status=0
for cases in handlebars_cases.json handlebars_matrix.json; do
  expected="$build/${cases%.json}_expected.json"
  NODE_PATH="$modules/node_modules" node "$here/render_handlebars.js" "$here/$cases" >"$expected"
  echo "$cases:"
  "$exe" "$here/$cases" "$expected" || status=1
done
exit $status
