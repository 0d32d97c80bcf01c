#!/usr/bin/env bash
# Install the Debian packages named as arguments when missing (as root), or say how.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
else
  echo "缺少系统软件包 / missing Debian packages: ${missing[*]}" >&2
  echo "请执行 / run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
