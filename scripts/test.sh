#!/usr/bin/env bash
# Make the project's virtual environment .venv (first run only), install everything the tests need
# into it (pinned Python packages; Debian's chromium for the browser tests) and run every test.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
venv_setup requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
