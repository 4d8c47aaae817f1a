#!/usr/bin/env bash
# Pre-step of `npm test`: the system packages the suite needs. As root on Debian it installs
# what is missing; otherwise it names exactly what to install and fails — never a silent skip.
set -euo pipefail

missing=()
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || missing+=(python3-torch)
/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1 || missing+=(python3-onnx)
command -v fasttext >/dev/null 2>&1 || missing+=(fasttext)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
# The dashboard's browser test drives Debian's chromium (playwright's own download needs the internet).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test prerequisites: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "npm test needs these Debian packages: ${missing[*]}" >&2
echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
exit 1
