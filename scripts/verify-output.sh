#!/usr/bin/env bash
# Checks a compiled output tree with third-party tools that know AWS independently
# of orgc: cfn-lint (policy documents and CloudFormation resource shapes), parliament
# (IAM policy lint) and botocore's service models (the request shape of every API
# call an output file stands for). Zero findings, or it fails.
#
# Usage: scripts/verify-output.sh [OUT_DIR]
#   Without OUT_DIR, compiles the example org into a temporary directory first.
# The tools are installed into a virtualenv outside the repository
# (ORGC_VERIFY_VENV, default ${TMPDIR:-/tmp}/orgc-verify-venv).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${ORGC_VERIFY_VENV:-${TMPDIR:-/tmp}/orgc-verify-venv}"
if [ ! -x "$venv/bin/cfn-lint" ] || [ ! -x "$venv/bin/parliament" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check cfn-lint botocore parliament
fi

out="${1:-}"
if [ -z "$out" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  out="$tmp/out"
  cargo run --quiet --release -- compile org --out "$out" --quiet
fi

"$venv/bin/python" scripts/verify_output.py "$out"
