#!/usr/bin/env bash
# Installs the Debian 12 packages Kunren needs to build, test and run its demo.
# Idempotent: prints nothing and changes nothing when everything is present.
# Every package here is from Debian's archive (see docs/ARCHITECTURE.md).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake make pkg-config
  # libraries (every find_package sits in cmake/Dependencies.cmake)
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev libssl-dev
  # the store: embedded SQLite, PostgreSQL client, argon2id password hashes
  libsqlite3-dev libpq-dev libsodium-dev
  # the XLSX report: native Excel workbooks with charts
  libxlsxwriter-dev
  # the web server: Boost.Asio/Beast (headers), the access log
  libboost-dev libspdlog-dev
  # the web pages: Mustache templates (one header)
  libkainjow-mustache-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 time python3 jq
  # a throwaway PostgreSQL 15 cluster for the store tests (started by the tests)
  postgresql
  # rendered output checks: the HTML report in a real browser, Japanese glyphs
  chromium fonts-noto-cjk poppler-utils
  # the XLSX report rendered by LibreOffice headless (tests/xlsx/)
  libreoffice-calc-nogui
  # benchmarks: the load generator, the static-file peer and the client of bench/web.sh
  wrk nginx curl
)
# `scripts/deps.sh fuzz` (make fuzz): also clang and its runtime libraries
# (libFuzzer, ASan, UBSan). Not needed by `make test`.
[[ "${1:-}" == fuzz ]] && packages+=(clang libclang-rt-14-dev)
# The browser tests' tooling (playwright-core, from npm, dev only) runs on
# Node.js: Debian's nodejs 18 and npm, unless a node is already on PATH.
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps: installing ${missing[*]}"
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
# nginx is only run by the benchmark, as a throwaway server of its own; the
# package's system service must not start (on port 80) when it is installed.
if [[ " ${missing[*]} " == *" nginx "* && -d /run/systemd/system ]]; then
  "${sudo[@]}" systemctl mask --quiet nginx.service
  echo "deps: nginx is for the benchmarks only; its system service is masked (systemctl unmask nginx to use it)"
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
