#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need
# and is missing, then formatting, lints and every test. `.ci/run` calls
# exactly this.
#
# - Debian's chromium: the report's page is opened in a real browser.
# - GNU time: the benchmark's smoke test measures with it.
# - DuckDB, the benchmark's peer engine, into a project-local venv (.venv).
# - Java 17 and pyspark (spark/requirements.txt, into .venv): the Spark
#   entry point is run on local Spark.
#
# Cargo's target directory is whatever CARGO_TARGET_DIR says (default
# ./target), so `cargo run` and this script share one build.
set -euo pipefail
cd "$(dirname "$0")"

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q "$@" >/dev/null
}

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/bin/time ] || missing+=(time)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  apt_install "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c "import duckdb" >/dev/null 2>&1; then
  echo "test.sh: installing benches/requirements.txt into .venv" >&2
  .venv/bin/python -m pip install -q -r benches/requirements.txt
fi
if ! .venv/bin/python -c "import pyspark, pyarrow, pandas" >/dev/null 2>&1; then
  echo "test.sh: installing spark/requirements.txt into .venv" >&2
  .venv/bin/python -m pip install -q -r spark/requirements.txt
fi
# The benchmark and Spark tests run Python with this interpreter.
export CXGAP_PYTHON="$PWD/.venv/bin/python"

cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked
