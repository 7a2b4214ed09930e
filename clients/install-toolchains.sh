#!/bin/sh
# Installs Debian's packaged toolchains that generate, build and run the Go and Python clients of
# the contract (see README "Using the API from other languages"), but only those that are missing.
# Only Debian's packages: no PyPI, no Go module proxy. The exact names matter:
#  - protoc-gen-go (1.28) and golang-github-golang-protobuf-1-5-dev, never golang-goprotobuf-dev
#    (protoc-gen-go 1.3.5 refuses proto3 `optional`) nor golang-github-golang-protobuf-1-3-dev
#    (what golang-google-grpc-dev pulls in by default: the first RecordHeartbeat panics in its
#    marshaler);
#  - protobuf-compiler (protoc 3.21) and protobuf-compiler-grpc (grpc_python_plugin), never
#    python3-grpc-tools (its protoc 3.5 refuses proto3 `optional`);
#  - libprotobuf-dev: the well-known types (google/protobuf/*.proto) protoc needs, only recommended
#    by protobuf-compiler, so missing with --no-install-recommends.
set -eu

PACKAGES="golang-go protobuf-compiler libprotobuf-dev protoc-gen-go protoc-gen-go-grpc golang-google-protobuf-dev
golang-github-golang-protobuf-1-5-dev golang-google-grpc-dev golang-golang-x-crypto-dev
protobuf-compiler-grpc python3 python3-grpcio python3-protobuf"

missing=""
for package in $PACKAGES; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
  case "$status" in
    ii*) ;;
    *) missing="$missing $package" ;;
  esac
done

if [ -z "$missing" ]; then
  echo "install-toolchains: every package is installed"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "install-toolchains: missing Debian packages:$missing" >&2
  echo "install-toolchains: run this script as root, or: sudo apt-get update && sudo apt-get install --no-install-recommends$missing" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-toolchains: missing packages:$missing, and apt-get is not here (a Debian 12 system is needed)" >&2
  exit 1
fi

echo "install-toolchains: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# One transaction, so that apt satisfies golang-google-grpc-dev with the 1.5 Go protobuf, not 1.3.
apt-get install -y --no-install-recommends $missing
