#!/usr/bin/env bash
# Installs the Debian packages that building and testing kindred needs.
# Idempotent: does nothing (and needs no network) when all are present.
set -euo pipefail

PKGS=(
  make gcc clang            # compilers (clang for libFuzzer and the second warning check)
  libclang-rt-14-dev        # libFuzzer and sanitizer runtimes for clang
  libzstd-dev               # AGC segment and metadata codec
  zlib1g-dev                # gzip input (multi-member, bgzip)
  libdeflate-dev            # gzip output
  libxxhash-dev             # fast 64-bit hashing
  libcmocka-dev             # unit tests
  libedit-dev               # line editing in the cmetta REPL
  pkg-config
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "[deps] installing: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
