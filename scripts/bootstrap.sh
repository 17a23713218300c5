#!/usr/bin/env bash
# Installs what PoA Reports needs on a Debian or Ubuntu machine, and only what is missing:
# the system libraries and fonts WeasyPrint renders with, then the Python environment (.venv)
# pinned by constraints.txt.
#   scripts/bootstrap.sh         what the app needs
#   scripts/bootstrap.sh --test  also what the tests need (Chromium, a Compose parser, poppler)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

# Pango/HarfBuzz for WeasyPrint; Noto fonts cover Latin, Cyrillic, Arabic and Chinese; gettext
# compiles the translation catalogues (manage.py compilemessages).
system_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig
                 fonts-noto-core fonts-noto-cjk gettext)
if $want_test; then
  # Chromium for the browser tests (never a downloaded browser), docker-compose to validate the
  # production compose file, poppler-utils to turn PDFs into pictures.
  system_packages+=(chromium docker-compose poppler-utils)
fi

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"

missing=()
for package in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "==> Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Python 3.11 (Django 5.2 LTS; the machines run 3.11).
python=""
for candidate in "${PYTHON:-}" python3.11 python3; do
  [[ -z "$candidate" ]] && continue
  if command -v "$candidate" >/dev/null \
     && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    python="$candidate"; break
  fi
done
if [[ -z "$python" ]]; then
  echo "PoA Reports needs Python 3.11 (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "==> Creating .venv with $python"
  if ! "$python" -m venv .venv; then
    # Debian and Ubuntu ship the venv module separately.
    rm -rf .venv
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
    "$python" -m venv .venv
  fi
fi

requirements=requirements.txt
$want_test && requirements=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt requirements-dev.txt constraints.txt "$requirements" \
  | sha256sum | cut -c1-16)-$(basename "$requirements" .txt)"
if [[ ! -f "$stamp" ]]; then
  echo "==> Installing Python packages from $requirements (pinned by constraints.txt)"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements" -c constraints.txt
  touch "$stamp"
fi
