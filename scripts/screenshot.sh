#!/usr/bin/env bash
# Renders an HTML file with headless Chromium, the way a reviewer sees it.
#
#   scripts/screenshot.sh HTML OUT.png [WIDTH] [HEIGHT]   screenshot (default 1200 x 6000 px)
#   scripts/screenshot.sh HTML OUT.pdf                    print to PDF (the print stylesheet, A4)
#
# HTML may carry a fragment (report.html#sec-p5) to screenshot from that
# anchor. Chromium runs with a throw-away profile and no network services;
# the report itself must not need any network either.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 HTML OUT.png|OUT.pdf [WIDTH] [HEIGHT]" >&2
  exit 2
fi
html=$1
out=$2
width=${3:-1200}
height=${4:-6000}

file=${html%%#*}
fragment=""
[[ "$html" == *"#"* ]] && fragment="#${html#*#}"
[[ -f "$file" ]] || { echo "$0: no such file: $file" >&2; exit 2; }
url="file://$(realpath "$file")$fragment"
out_abs="$(realpath -m "$out")"

chromium_bin=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$chromium_bin" ]] || { echo "$0: chromium not found (apt-get install chromium)" >&2; exit 3; }

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

args=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
      --disable-background-networking --disable-component-update --disable-sync
      --user-data-dir="$profile" --hide-scrollbars)
case "$out" in
  *.pdf) args+=(--no-pdf-header-footer --print-to-pdf="$out_abs") ;;
  *)     args+=(--window-size="$width,$height" --screenshot="$out_abs") ;;
esac

"$chromium_bin" "${args[@]}" "$url" >/dev/null 2>&1 || {
  echo "$0: chromium failed for $url" >&2
  exit 1
}
[[ -s "$out_abs" ]] || { echo "$0: no output written to $out" >&2; exit 1; }
echo "$out"
