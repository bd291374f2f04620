#!/usr/bin/env bash
# The keyboard fuzz of docs/reliability.md: random keys (control keys, function keys, Latin and
# Cyrillic letters) and resizes down to 1x1 against the real haven in tmux, then haven check.
#
#   scripts/fuzz-keys.sh [KEYS] [SEED]      default: 100000 keys, seed 10
set -euo pipefail
cd "$(dirname "$0")/.."
HAVEN_FUZZ_KEYS="${1:-100000}" HAVEN_FUZZ_SEED="${2:-10}" swift test --filter KeyboardFuzzInTmuxTests 2>&1 \
    | grep -E "keyboard fuzz|error|Executed [0-9]+ tests?" 
