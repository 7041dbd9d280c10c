#!/usr/bin/env bash
# Install the pinned packages and start LSTM Lab on the bundled airline data.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -r requirements.txt
exec python3 -m streamlit run app.py "$@"
