#!/usr/bin/env bash
# Installs what fuzzing pbx-entitlements needs: a nightly toolchain (libFuzzer's
# sanitizer coverage needs -Z flags) and cargo-fuzz. Idempotent: does nothing that is
# already there.
set -euo pipefail

if ! command -v rustup >/dev/null 2>&1; then
    echo "install.sh: rustup is required (https://rustup.rs)" >&2
    exit 1
fi

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "install.sh: installing the nightly toolchain"
    rustup toolchain install nightly --profile minimal
else
    echo "install.sh: nightly toolchain present"
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "install.sh: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
else
    echo "install.sh: $(cargo fuzz --version) present"
fi
