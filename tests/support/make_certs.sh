#!/usr/bin/env bash
# Test certificates of a cluster: a CA, a certificate it signs for each node
# named, and "rogue", self-signed (a node the cluster must not admit).
#   make_certs.sh DIR NAME...   → DIR/ca.pem, DIR/NAME.pem, DIR/NAME.key, DIR/rogue.{pem,key}
set -euo pipefail
dir=${1:?folder}
shift
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Integrator test CA" 2>/dev/null
for n in "$@"; do
  openssl req -newkey rsa:2048 -nodes -keyout "$n.key" -out "$n.csr" -subj "/CN=$n" 2>/dev/null
  openssl x509 -req -in "$n.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$n.pem" -days 2 2>/dev/null
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.pem -days 2 -subj "/CN=rogue" 2>/dev/null
