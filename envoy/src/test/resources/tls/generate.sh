#!/bin/sh
# Regenerates the test PKI in this directory (OpenSSL 3): two CAs and a server certificate that only test-ca signed.
# Everything here is a TEST FIXTURE. The server key is committed on purpose and is therefore public: never use any of
# these files for anything but tests. The CA keys are not kept; rerunning this replaces every file.
set -eu
cd "$(dirname "$0")"
days=36500   # ~100 years: the tests must not start failing because a fixture expired
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ca() { # file, common name
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days "$days" \
    -keyout "$work/$1.key" -out "$1.pem" -subj "/O=llm-xds tests/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash"
}

ca test-ca "llm-xds test CA"
ca other-ca "llm-xds other test CA (signs nothing here)"

# The names Envoy dials the TLS mock by: 127.0.0.1 (a local Envoy: IP SAN) and host.testcontainers.internal
# (Envoy in a container: DNS SAN); localhost for people trying it by hand.
cat > "$work/server.ext" <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,DNS:host.testcontainers.internal,IP:127.0.0.1
authorityKeyIdentifier=keyid
subjectKeyIdentifier=hash
EXT
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
  -out "$work/server.csr" -subj "/O=llm-xds tests/CN=llm-xds test server"
openssl x509 -req -sha256 -days "$days" -in "$work/server.csr" -CA test-ca.pem -CAkey "$work/test-ca.key" \
  -set_serial "0x$(openssl rand -hex 8)" -extfile "$work/server.ext" -out server.pem

openssl verify -CAfile test-ca.pem server.pem
