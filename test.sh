#!/usr/bin/env bash
# Runs every check CI runs: formatting, clippy, and all tests of the workspace.
# Works on a fresh Debian machine with a Rust toolchain; installs what the tests need.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v cargo >/dev/null 2>&1; then
    echo "test.sh: cargo is required (install Rust from https://rustup.rs)" >&2
    exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
