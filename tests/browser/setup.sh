#!/usr/bin/env bash
# The CTest fixture `browser.setup`: installs the browser tests' tooling
# (playwright-core, pinned in package-lock.json) into the build tree with
# `npm ci`, never into the source tree. Skipped when DEST already holds an
# install made from the same lock file. No browser is downloaded: the tests
# drive Debian's /usr/bin/chromium.
#   tests/browser/setup.sh SOURCE_DIR DEST    (DEST = ${CMAKE_BINARY_DIR}/browser)
set -euo pipefail
src=${1:?usage: setup.sh SOURCE_DIR DEST}
dest=${2:?usage: setup.sh SOURCE_DIR DEST}

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "browser.setup: $tool is missing (scripts/deps.sh installs nodejs and npm)" >&2; exit 1; }
done
[[ -x /usr/bin/chromium ]] || { echo "browser.setup: /usr/bin/chromium is missing (scripts/deps.sh installs chromium)" >&2; exit 1; }

hash=$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)
stamp="$dest/node_modules/.kunren-lock-sha256"
if [[ -f "$stamp" && $(cat "$stamp") == "$hash" && -f "$dest/node_modules/playwright-core/package.json" ]]; then
  echo "browser.setup: playwright-core already installed in $dest (lock $hash)"
  exit 0
fi

mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
cd "$dest"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --include=dev --no-audit --no-fund --loglevel=error >npm-ci.log 2>&1 || { cat npm-ci.log >&2; echo "browser.setup: npm ci failed in $dest" >&2; exit 1; }
echo "$hash" >"$stamp"
echo "browser.setup: installed playwright-core $(node -p 'require("./node_modules/playwright-core/package.json").version') in $dest"
