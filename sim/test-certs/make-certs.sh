#!/bin/sh
# Makes the TEST-ONLY certificates used by sim/local-smtp-server.ts. Run once; the output is
# committed so tests never depend on openssl at run time. The private keys are public: never trust
# these certificates outside the test suite.
#
#   ca.pem / ca.key              "EC20 Mail Test CA", signs the server certificate
#   server.pem / server.key      localhost, smtp.example.test, IP 127.0.0.1 (signed by ca)
#   other-ca.pem / other-ca.key  an unrelated CA: verifying the server against it must fail
#
# Validity: from 2000-01-01 to 2125-01-01, so neither a machine with a clock set in the past nor
# the passing years break the suite. `openssl ca` is used because it is the only OpenSSL 3.0 tool
# that takes an explicit start date. RSA 2048 because a modem's TLS stack surely supports it.
set -eu
cd "$(dirname "$0")"
START=20000101000000Z
END=21250101000000Z
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cat > "$WORK/ca.cnf" <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = $WORK
database = $WORK/index.txt
new_certs_dir = $WORK
serial = $WORK/serial
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
organizationName = optional
commonName = supplied
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,DNS:smtp.example.test,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
: > "$WORK/index.txt"
echo 1000 > "$WORK/serial"

sign() { # csr, out, signer cert ("" = self-signed with key), signer key, extensions
  if [ -z "$3" ]; then
    openssl ca -batch -config "$WORK/ca.cnf" -selfsign -keyfile "$4" -in "$1" -out "$2" \
      -startdate "$START" -enddate "$END" -extensions "$5" -notext
  else
    openssl ca -batch -config "$WORK/ca.cnf" -cert "$3" -keyfile "$4" -in "$1" -out "$2" \
      -startdate "$START" -enddate "$END" -extensions "$5" -notext
  fi
}

for pair in "ca:EC20 Mail Test CA" "other-ca:Unrelated Test CA"; do
  name=${pair%%:*}
  openssl req -new -newkey rsa:2048 -nodes -keyout "$name.key" -out "$WORK/$name.csr" \
    -subj "/O=ec20-mail tests/CN=${pair#*:}"
  sign "$WORK/$name.csr" "$name.pem" "" "$name.key" v3_ca
done

openssl req -new -newkey rsa:2048 -nodes -keyout server.key -out "$WORK/server.csr" \
  -subj "/O=ec20-mail tests/CN=localhost"
sign "$WORK/server.csr" server.pem ca.pem ca.key v3_server

openssl verify -CAfile ca.pem server.pem
