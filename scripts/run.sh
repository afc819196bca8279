#!/usr/bin/env bash
# Builds integratord and runs it in the foreground on its embedded default:
# RocksDB under ./integrator-data, listening on 127.0.0.1:8080. Extra
# arguments go to integratord (see build/integratord --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec build/integratord --data-dir "${INTEGRATOR_DATA_DIR:-$PWD/integrator-data}" "$@"
