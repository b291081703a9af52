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

# GPU-backend tests run on Mesa's lavapipe (a CPU Vulkan driver) with the Khronos validation
# layer and check modules with spirv-val; gcc builds the C baseline of the benchmarks. Install them when missing.
need=()
[ -e /usr/share/vulkan/icd.d/lvp_icd.x86_64.json ] || need+=(mesa-vulkan-drivers)
command -v spirv-val >/dev/null 2>&1 || need+=(spirv-tools)
ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 || need+=(libvulkan1)
[ -e /usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json ] || need+=(vulkan-validationlayers)
if [ ${#need[@]} -gt 0 ]; then
    echo "== installing ${need[*]}"
    SUDO=""
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
    if command -v apt-get >/dev/null 2>&1; then
        $SUDO apt-get update -q >/dev/null || true
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}" >/dev/null ||
            echo "test.sh: could not install ${need[*]}: the Vulkan tests will say they are skipped" >&2
    else
        echo "test.sh: no apt-get: install ${need[*]} for the Vulkan tests" >&2
    fi
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
