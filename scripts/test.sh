#!/usr/bin/env bash
# Sets up everything the test suite needs on a fresh machine, then runs lint, type checks and the tests.
# CI runs exactly this (.ci/run). Extra arguments go to pytest, which runs in parallel workers (pyproject's addopts:
# -n auto --dist loadfile); `bash scripts/test.sh -n 0 tests/...::test_x` runs one test in one process.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests use (installed only when missing; needs root or sudo).
APT_PACKAGES=(redis-server apertium apertium-eng-spa chromium)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  apt_log="$(mktemp)"
  echo "installing ${missing[*]} (apt-get; its output is shown only if it fails)"
  if ! { $SUDO apt-get update -qq \
         && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log"
    exit 1
  fi
  rm -f "$apt_log"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
# simalign 0.4 is the reference the SimAlign tests compare against, awesome-align 0.1.7 the one of
# bench/align_vs_awesome.py and its test; --no-deps, because their own requirements would replace the pinned torch
# (simalign's imports are covered by the dev extra; awesome-align's download imports, boto3 and requests, are stubbed
# by the bench).
if ! { .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[all,dev]' \
       && .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps simalign==0.4 awesome-align==0.1.7; \
     } >.venv/install.log 2>&1; then
  cat .venv/install.log
  exit 1
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest -q "$@"
