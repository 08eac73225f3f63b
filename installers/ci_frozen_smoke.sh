#!/usr/bin/env bash
# CI (called by .ci/run after the tests): build the one-folder bundle once with installers/wadesk.spec
# and run it frozen -- `WaDesk --smoke-test` on the sample shop in a temporary folder, `wadesk-cli
# demo --customers 1000 --json` in a temporary data folder -- failing on a non-zero exit or anything
# on stderr (installers/check_frozen.py). Nothing is cached; the build is deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
[ -x "$PY" ] || PY=.venv/Scripts/python.exe
[ -x "$PY" ] || { echo "ci_frozen_smoke: run 'python dev.py test' first (it creates .venv)" >&2; exit 1; }
"$PY" -m pip install --quiet -e '.[build]'

work=$(mktemp -d "${TMPDIR:-/tmp}/wadesk-frozen.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "Building the frozen bundle (installers/wadesk.spec) ..."
"$PY" installers/build.py --dist "$work/dist" --work "$work/build"
echo "Running the frozen bundle ..."
"$PY" installers/check_frozen.py "$work/dist/WaDesk"
