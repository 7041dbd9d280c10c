# Sourced by start.sh and test.sh (from the repository root): make the project's virtual
# environment .venv (reused when healthy), install a pinned requirements file and the project
# itself (editable, for the lstm-lab command) into it. Never touches the system's Python, so it
# works where pip refuses global installs (PEP 668, "externally-managed-environment").
#
#   . scripts/_venv.sh && venv_setup requirements.txt    # then run .venv/bin/python ...
#
# Re-runs are fast: a stamp .venv/.requirements-<sha256> records what is installed already.

VENV=.venv
VENV_PY="$VENV/bin/python"

_venv_die() { echo "error: $*" >&2; exit 1; }

# Print the command of the first Python >= 3.11 on PATH (python3.11 preferred).
_venv_pick_python() {
  local cand
  for cand in python3.11 python3 python3.13 python3.12; do
    if command -v "$cand" >/dev/null 2>&1 &&
       "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
      echo "$cand"; return 0
    fi
  done
  return 1
}

# Healthy: its python runs, is >= 3.11 and has pip.
_venv_healthy() {
  [ -x "$VENV_PY" ] &&
    "$VENV_PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 &&
    "$VENV_PY" -m pip --version >/dev/null 2>&1
}

# apt-get install the given packages (through sudo unless root); fails without apt-get.
_venv_apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || return 1
    sudo="sudo"
  fi
  $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

_venv_create() {
  local py ver
  py="$(_venv_pick_python)" ||
    _venv_die "LSTM Lab needs Python 3.11 or newer (python3.11 or python3 on PATH); install it and run this again."
  ver="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  [ ! -e "$VENV" ] || echo "$VENV does not work (no Python >= 3.11 with pip in it): making it again." >&2
  rm -rf "$VENV"
  echo "Creating $VENV with $(command -v "$py") (Python $ver) ..." >&2
  if "$py" -m venv "$VENV" >/dev/null 2>&1 && _venv_healthy; then
    return 0
  fi
  rm -rf "$VENV"
  # Debian and Ubuntu ship venv's ensurepip separately, in python3.X-venv / python3-venv.
  if ! "$py" -c 'import ensurepip' >/dev/null 2>&1; then
    echo "Python $ver cannot make virtual environments (ensurepip is missing): installing python$ver-venv ..." >&2
    _venv_apt_install "python$ver-venv" || _venv_apt_install python3-venv ||
      _venv_die "could not install python$ver-venv; install it (sudo apt-get install python$ver-venv) and run this again."
  fi
  "$py" -m venv "$VENV" || _venv_die "'$py -m venv $VENV' failed; see the message above."
  _venv_healthy || _venv_die "$VENV was created but its Python or pip does not work."
}

# For a requirements file and each file it includes with -r/-c (recursively), one line each:
# a short sha256 of that file's contents together with its own includes.
_venv_req_hashes() {
  "$VENV_PY" - "$1" <<'PY'
import hashlib, pathlib, re, sys

lines = []

def digest(path, stack=()):
    path = path.resolve()
    if path in stack:
        return b""
    text = path.read_bytes()
    out = hashlib.sha256(text).digest()
    for m in re.finditer(rb"^\s*(?:-r|-c|--requirement|--constraint)[\s=]+(\S+)", text, re.M):
        out += digest(path.parent / m.group(1).decode(), stack + (path,))
    lines.append(hashlib.sha256(out).hexdigest()[:16])
    return out

digest(pathlib.Path(sys.argv[1]))
print("\n".join(reversed(lines)))
PY
}

_venv_pip() { "$VENV_PY" -m pip install --quiet --disable-pip-version-check "$@"; }

# venv_setup REQUIREMENTS_FILE: a healthy .venv with that file's packages and the project installed.
venv_setup() {
  local req="$1" hashes h project
  [ -f "$req" ] || _venv_die "$req not found."
  _venv_healthy || _venv_create
  hashes="$(_venv_req_hashes "$req")" || _venv_die "could not read $req."
  if [ ! -e "$VENV/.requirements-${hashes%%$'\n'*}" ]; then
    echo "Installing $req into $VENV (pinned; only when it changes) ..." >&2
    _venv_pip -r "$req" || _venv_die "pip could not install $req into $VENV; see the message above."
    for h in $hashes; do touch "$VENV/.requirements-$h"; done  # its includes are installed too
  fi
  # The lstm-lab command (editable, so it runs this checkout). The app and the tests do not need
  # it, so a failure only warns, and is not retried until pyproject.toml changes.
  project="$VENV/.project-$(_venv_req_hashes pyproject.toml)"
  if [ ! -e "$project" ]; then
    _venv_pip --no-deps -e . >/dev/null 2>&1 ||
      echo "warning: could not install the lstm-lab command into $VENV (pip install -e . failed); run '$VENV_PY -m pip install --no-deps -e .' to see why." >&2
    touch "$project"
  fi
}
