#!/usr/bin/env bash
# Builds the portal's front-end assets from the pinned npm packages (package-lock.json):
# NHS.UK frontend's compiled CSS, JS and images into the package's static folder (the
# browser tests read axe-core from node_modules). Run at install time:
#   bash services/portal/build-assets.sh
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --silent
fi
dist=node_modules/nhsuk-frontend/dist/nhsuk
static=src/hubs/portal/static
mkdir -p "$static/nhsuk" "$static/images"
cp "$dist/nhsuk-frontend.min.css" "$dist/nhsuk-frontend.min.js" "$static/nhsuk/"
# The stylesheet names its icons under /assets/images/, where the portal serves its static folder.
cp "$dist"/assets/images/* "$static/images/"
echo "portal assets built: nhsuk-frontend $(node -p "require('./node_modules/nhsuk-frontend/package.json').version")"
