#!/bin/sh
# Makes a TEST certificate authority and the certificates of a local mutual-TLS llm-xds stack (OpenSSL 3, EC P-256,
# valid 30 days), in envoy/tls/out or the directory given as $1:
#
#   ca.pem                           the CA every side trusts (its key, ca.key, stays next to it: keep it or delete it)
#   control-plane.pem/.key           llm-xds serve --xds-tls-cert/--xds-tls-key; SANs IP:127.0.0.1, DNS:localhost
#   envoy-edge-1.pem/.key            Envoy's client certificate (envoy/bootstrap-tls.yaml); SANs
#                                    URI:spiffe://llm-xds/node/envoy-edge-1, DNS:envoy-edge-1
#   context-service-local-1.pem/.key the context service, as xDS client (--xds-tls-cert, --node-id
#                                    context-service-local-1) and as ext_proc server (--tls-cert); SANs
#                                    URI:spiffe://llm-xds/node/context-service-local-1, DNS:context-service-local-1,
#                                    DNS:localhost, IP:127.0.0.1
#
# For tests and local runs only: production certificates come from your own CA (see docs/operations.md).
set -eu
out=${1:-"$(dirname "$0")/out"}
mkdir -p "$out"
cd "$out"

# A certificate signed by the CA (or, with -x509 alone, the CA itself): name, extra options of `openssl req`.
cert() {
  name=$1
  shift
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 30 \
    -subj "/O=llm-xds test/CN=$name" -keyout "$name.key" -out "$name.pem" "$@" 2>/dev/null
  chmod 600 "$name.key"
}

leaf() { # name, subjectAltName
  cert "$1" -CA ca.pem -CAkey ca.key \
    -addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth,clientAuth" -addext "subjectAltName=$2"
}

cert ca -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
leaf control-plane "IP:127.0.0.1,DNS:localhost"
leaf envoy-edge-1 "URI:spiffe://llm-xds/node/envoy-edge-1,DNS:envoy-edge-1"
leaf context-service-local-1 \
  "URI:spiffe://llm-xds/node/context-service-local-1,DNS:context-service-local-1,DNS:localhost,IP:127.0.0.1"

for name in control-plane envoy-edge-1 context-service-local-1; do
  openssl verify -CAfile ca.pem "$name.pem" >/dev/null
done
echo "test CA and certificates in $(pwd)"
