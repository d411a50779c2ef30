#!/usr/bin/env bash
# A real install: build the wheel, install it into a fresh virtual environment, and from an empty
# folder run the shipped sample through `surveykit validate` and `surveykit report`. Every default
# path must resolve inside the installed package (nothing beside src/ is reachable from there).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" . >/dev/null
# A fresh environment without a pip of its own: the checkout's pip installs into it (pip --python), which
# spares bootstrapping and upgrading a second pip.
"$PYTHON" -m venv --without-pip "$work/venv"
wheel="$(echo "$work"/dist/surveykit-*.whl)"
# The dependencies the wheel declares (and theirs), linked from the checkout's environment where pip
# already installed them (.ci/link_dependencies.py); then the wheel alone, and pip checks that every
# requirement is met. Where one is not installed here, pip installs them all. (--no-compile: only the
# modules that validate and report import are compiled, as they run; the linked ones bring theirs, and
# bytecode one lacked would be written through the link into the checkout's environment, for the same
# interpreter.)
status=0
"$PYTHON" .ci/link_dependencies.py "$wheel" "$work/venv" || status=$?
if [ "$status" -eq 0 ]; then
  "$PYTHON" -m pip --python "$work/venv/bin/python" install --quiet --no-deps --no-compile "$wheel"
  "$PYTHON" -m pip --python "$work/venv/bin/python" check
elif [ "$status" -eq 3 ]; then
  "$PYTHON" -m pip --python "$work/venv/bin/python" install --quiet --no-compile "$wheel"
else
  exit "$status"
fi
mkdir "$work/empty"
cd "$work/empty"
"$work/venv/bin/surveykit" --version
"$work/venv/bin/surveykit" validate
"$work/venv/bin/surveykit" report --out report
for f in report.html report.md tables.xlsx manifest.json; do
  test -s "report/$f" || { echo "install check: report/$f missing" >&2; exit 1; }
done
# The installed package is what ran, not the checkout.
"$work/venv/bin/python" - <<'PY'
import surveykit, sys
from surveykit.io.resources import codebooks_dir, sample_dir
assert "site-packages" in surveykit.__file__, surveykit.__file__
assert (codebooks_dir() / "professional_survey.yaml").is_file() and (sample_dir() / "professional_survey.csv").is_file()
PY
echo "install check: wheel installed in a fresh venv; validate and report ran from an empty folder"
