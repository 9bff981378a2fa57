#!/usr/bin/env bash
# Installs the headless browser the portal's browser tests drive: Debian's chromium and
# chromium-driver. Idempotent: does nothing when both are already installed.
set -euo pipefail

missing=()
for package in chromium chromium-driver; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "chromium and chromium-driver are installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
/usr/bin/chromium --version
