#!/usr/bin/env bash
# Installs the npm packages of the given folders (each with a package.json
# and a package-lock.json that pins every version) from the npm registry,
# with `npm ci`. Skips a folder whose node_modules already matches its lock.
# Usage: scripts/setup-npm.sh FOLDER...
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in "$@"; do
  stamp="$dir/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
    continue
  fi
  echo "setup-npm: installing the packages of $dir"
  (cd "$dir" && timeout 600 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
done
