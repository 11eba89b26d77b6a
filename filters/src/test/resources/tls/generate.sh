#!/bin/sh
# Regenerates the test PKI of the Redis TLS tests (OpenSSL 3): two CAs and a server certificate only test-ca signed.
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

ca test-ca "llm-xds redis test CA"
ca other-ca "llm-xds other redis test CA (signs nothing here)"

# One DNS name and no IP: the store connects to 127.0.0.1 with SNI redis.test. With an IP SAN, a wrong SNI would still
# pass, because the JDK checks the peer's address when the SNI name does not match. clientAuth: cluster nodes present
# the same certificate to each other on the TLS cluster bus.
cat > "$work/server.ext" <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:redis.test
authorityKeyIdentifier=keyid
subjectKeyIdentifier=hash
EXT
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
  -out "$work/server.csr" -subj "/O=llm-xds tests/CN=redis.test"
openssl x509 -req -sha256 -days "$days" -in "$work/server.csr" -CA test-ca.pem -CAkey "$work/test-ca.key" \
  -set_serial "0x$(openssl rand -hex 8)" -extfile "$work/server.ext" -out server.pem

openssl verify -CAfile test-ca.pem server.pem
