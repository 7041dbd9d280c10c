#!/usr/bin/env bash
# Make the project's virtual environment .venv (first run only), install the pinned packages into
# it and start LSTM Lab on the bundled airline data. Extra arguments go to `streamlit run app.py` (through ui/serve.py, which warms up first).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
venv_setup requirements.txt
exec .venv/bin/python -m ui.serve "$@"
