#!/usr/bin/env bash
# The CTest fixture `xlsx.setup`: installs the XLSX read-back check's tooling
# (exceljs and jszip, pinned in package-lock.json) into the build tree with
# `npm ci`, never into the source tree. Skipped when DEST already holds an
# install made from the same lock file. Dev only: kunren never needs it.
#   tests/xlsx/setup.sh SOURCE_DIR DEST    (DEST = ${CMAKE_BINARY_DIR}/xlsx)
set -euo pipefail
src=${1:?usage: setup.sh SOURCE_DIR DEST}
dest=${2:?usage: setup.sh SOURCE_DIR DEST}

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "xlsx.setup: $tool is missing (scripts/deps.sh installs nodejs and npm)" >&2; exit 1; }
done

hash=$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)
stamp="$dest/node_modules/.kunren-lock-sha256"
if [[ -f "$stamp" && $(cat "$stamp") == "$hash" && -f "$dest/node_modules/exceljs/package.json" ]]; then
  echo "xlsx.setup: exceljs already installed in $dest (lock $hash)"
  exit 0
fi

mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
cd "$dest"
npm ci --include=dev --no-audit --no-fund --loglevel=error >npm-ci.log 2>&1 || { cat npm-ci.log >&2; echo "xlsx.setup: npm ci failed in $dest" >&2; exit 1; }
echo "$hash" >"$stamp"
echo "xlsx.setup: installed exceljs $(node -p 'require("./node_modules/exceljs/package.json").version') in $dest"
