#!/bin/sh
# Make implementations/pyomq/.venv: a Python with pyomq and nothing else.
# pyomq is a ZeroMQ stack in Rust (omq.rs); it must never share an
# interpreter with pyzmq, whose `zmq` module the harness itself imports.
# Idempotent and quiet: a second run only checks the pin.
set -eu
PIN="0.21.0"
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
python=${PYTHON:-python3}

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import pyomq, sys; sys.exit(pyomq.__version__ != '$PIN')" 2>/dev/null; then
    exit 0
fi
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { echo "implementations/pyomq/setup.sh: error: pyomq $PIN needs Python >= 3.11 ($python is older)" >&2; exit 1; }
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install -qq --disable-pip-version-check "pyomq==$PIN"
"$venv/bin/python" -c "import pyomq; assert pyomq.__version__ == '$PIN', pyomq.__version__"
