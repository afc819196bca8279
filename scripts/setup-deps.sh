#!/usr/bin/env bash
# Installs every Debian 12 package Integrator builds, tests and benchmarks with.
# Idempotent: when all packages are present it only runs dpkg-query and exits.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache lld
  libcaf-dev                        # actor runtime (CAF 0.17.6)
  libboost1.81-dev                  # Beast, Asio (header-only)
  libboost-json1.81-dev libboost-url1.81-dev libboost-test1.81-dev
  libsimdjson-dev                   # on-demand JSON parsing of records
  librocksdb-dev                    # the store of one node
  libpq-dev postgresql-15           # the store of a cluster; its tests start a private server
  libcaf-openssl0.17                # TLS between the nodes of a cluster
  libssl-dev libsodium-dev          # TLS; secret encryption and token hashing
  libcurl4-openssl-dev              # outbound HTTP/FTP/SFTP/S3
  libre2-dev                        # linear-time regular expressions in filters
  tzdata                            # IANA time zones for flow schedules
  libhowardhinnant-date-dev         # date/tz: time zones for dateFormat and schedules
  wrk                               # API benchmark load generator
  python3                           # benchmark drivers (bench/*.py)
  openssl                           # test certificates for the TLS connection tests
  clang libclang-rt-14-dev          # libFuzzer and sanitizers (tests/fuzz)
  gnuplot-nox                       # plots of the flow comparison (bench/compare.py)
)

# Node.js and npm run the handlebars.js compatibility test; machines of this
# project's kind ship them, a bare Debian 12 gets Debian's packages.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-deps: missing packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi
echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
