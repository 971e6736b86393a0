#!/usr/bin/env bash
# Makes the Python venv the core's tests use, once: target/py-venv with aiosmtpd (a real SMTP server the
# mail tests start on loopback, see tests/smtp/smtp_server.py) and pandas + openpyxl (the reports tests
# read exports back as a spreadsheet would, see tests/py/read_report.py). Safe to run again: it only
# installs what is missing. The tests find the venv here, or wherever PAYDESK_PY_VENV points.
# Usage: scripts/python-tools.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv="${PAYDESK_PY_VENV:-$root/target/py-venv}"
# Pinned to a minor version: the test server uses aiosmtpd's SMTP class and its auth hooks directly.
aiosmtpd='aiosmtpd==1.4.*'

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$aiosmtpd"
fi
if ! "$venv/bin/python" -c 'import pandas, openpyxl' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'pandas>=2,<3' 'openpyxl>=3.1,<4'
fi
echo "python-tools: $venv ($("$venv/bin/python" -c 'import aiosmtpd; print("aiosmtpd", aiosmtpd.__version__)'))"
