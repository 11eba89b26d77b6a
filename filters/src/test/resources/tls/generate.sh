#!/bin/sh
# Regenerates the test PKI of the Redis TLS tests (OpenSSL 3): two CAs and a server certificate only test-ca signed.
# TEST FIXTURES: server.key is committed on purpose and is therefore public; the CA keys are thrown away. Rerunning
# replaces every file.
set -eu
cd "$(dirname "$0")"
keys=$(mktemp -d)
trap 'rm -rf "$keys"' EXIT

# A self-signed (or, with -CA, CA-signed) EC P-256 certificate valid ~100 years: a fixture must not expire.
cert() { # common name, more options of `openssl req`
  cn=$1
  shift
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 36500 \
    -subj "/O=llm-xds tests/CN=$cn" "$@"
}

for ca in test-ca other-ca; do
  cert "llm-xds redis $ca" -keyout "$keys/$ca.key" -out "$ca.pem" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
done

# One DNS name and no IP: the store connects to 127.0.0.1 with SNI redis.test. With an IP SAN, a wrong SNI would
# still pass, because the JDK checks the address when the SNI name does not match. clientAuth: cluster nodes show
# the same certificate to each other on the TLS cluster bus.
cert redis.test -CA test-ca.pem -CAkey "$keys/test-ca.key" -keyout server.key -out server.pem \
  -addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" \
  -addext "extendedKeyUsage=serverAuth,clientAuth" -addext "subjectAltName=DNS:redis.test"

openssl verify -CAfile test-ca.pem server.pem
