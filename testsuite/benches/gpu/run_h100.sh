#!/bin/bash
# One complete batch on a machine with an NVIDIA GPU, nvcc and Python (numpy) but no Rust:
# the Vulkan device check, the whole conformance suite through `cwcc run --backend vulkan`
# (and webgpu when the binary has it), and the gpu_vs_nvcc benchmark against nvcc.
#
# From the repository root, with the x86-64 release binaries built elsewhere in .devbin/
# (cwcc and gpu_vs_nvcc) and the Vulkan loader .debs in .gl/ (see docs/benchmarks-gpu.md):
#
#   OUT=/some/dir bash testsuite/benches/gpu/run_h100.sh [--skip-conformance] [--skip-bench]
#
# Everything lands in $OUT: device.txt, conformance_<backend>.txt, conformance_logs.tar.gz,
# nvcc.log, bench.log, bench_table.md. CWCC_BIN and BENCH_BIN name other binaries to test
# (experimental builds); BENCH_ARGS adds options to the benchmark (e.g. --webgpu);
# EXPERIMENTS=1 also times the experiments' switches (see the end of this file).
set -u
ROOT=$(pwd)
OUT=${OUT:-/tmp/cwcc-gpu-out}
mkdir -p "$OUT"
BIN=$ROOT/.devbin
CWCC=${CWCC_BIN:-$BIN/cwcc}
BENCH=${BENCH_BIN:-$BIN/gpu_vs_nvcc}
SKIP_CONF=0
SKIP_BENCH=0
for a in "$@"; do
    case $a in
        --skip-conformance) SKIP_CONF=1 ;;
        --skip-bench) SKIP_BENCH=1 ;;
    esac
done

# The Vulkan loader (the driver ships the NVIDIA ICD, not the loader).
if ! ldconfig -p | grep -q libvulkan.so.1; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
fi
if [ ! -e /usr/share/vulkan/icd.d/nvidia_icd.json ] && [ ! -e /etc/vulkan/icd.d/nvidia_icd.json ] \
    && [ -e /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi

{
    date -u
    nvidia-smi
    nvcc --version | tail -2
    echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"
    "$BENCH" --probe
} > "$OUT/device.txt" 2>&1
cat "$OUT/device.txt"

backends="vulkan"
if "$CWCC" run --help 2>/dev/null | grep -q webgpu; then
    probe=$("$CWCC" run testsuite/conformance/vec_add_f32/kernel.cu --backend webgpu --kernel x --grid 1 --block 1 2>&1)
    case $probe in
        *"not built yet"*) echo "webgpu: not built into this cwcc" ;;
        *) backends="vulkan webgpu" ;;
    esac
fi
# What each GPU backend chose (subgroup size, subnormal emulation, warps through subgroups).
for backend in $backends; do
    (
        cd testsuite/conformance/warp_vote || exit 2
        read -r -a run_args < run.args
        "$CWCC" run kernel.cu "${run_args[@]}" --backend "$backend" --verbose \
            --out-dir /tmp/conf-probe-$backend 2>&1 | grep '^note: running on'
    ) >> "$OUT/device.txt"
done

if [ $SKIP_CONF = 0 ]; then
    LOGS=/tmp/conf-logs
    rm -rf "$LOGS"
    mkdir -p "$LOGS"
    for backend in $backends; do
        result="$OUT/conformance_$backend.txt"
        : > "$result"
        pass=0
        fail=0
        for dir in testsuite/conformance/*/; do
            name=$(basename "$dir")
            [ -f "$dir/run.args" ] || continue
            outdir=/tmp/conf-out/$backend/$name
            rm -rf "$outdir"
            mkdir -p "$outdir"
            log=$LOGS/$backend.$name.log
            (
                cd "$dir" || exit 2
                read -r -a run_args < run.args
                timeout 120 "$CWCC" run kernel.cu "${run_args[@]}" --backend "$backend" \
                    --out-dir "$outdir" --time > "$log" 2>&1 || exit 3
                python3 ../compare.py . "$outdir" >> "$log" 2>&1 || exit 4
            )
            status=$?
            if [ $status = 0 ]; then
                pass=$((pass + 1))
                echo "PASS $name $(grep -o 'kernel time: [0-9.]* ms' "$log" | head -1)" >> "$result"
            else
                fail=$((fail + 1))
                why=$([ $status = 3 ] && echo "run failed" || echo "mismatch")
                echo "FAIL $name ($why): $(grep -v '^kernel time' "$log" | head -3 | tr '\n' ' ' | cut -c1-300)" >> "$result"
            fi
        done
        echo "$backend: $pass passed, $fail failed" | tee -a "$result"
    done
    tar czf "$OUT/conformance_logs.tar.gz" -C "$LOGS" .
fi

if [ $SKIP_BENCH = 0 ]; then
    NV=/tmp/nvcc-bench
    mkdir -p "$NV"
    {
        (cd testsuite/benches/gpu && nvcc -O3 -arch=sm_90 -Xptxas -v -o "$NV/nvcc_harness" nvcc_harness.cu) 2>&1
        "$NV/nvcc_harness" "$NV"
    } > "$OUT/nvcc.log" 2>&1
    cat "$OUT/nvcc.log" | grep -v '^ptxas' | tail -12
    # shellcheck disable=SC2086
    "$BENCH" --nvcc "$NV" --out "$OUT/bench_table.md" ${BENCH_ARGS:-} 2>&1 | tee "$OUT/bench.log"
    # EXPERIMENTS=1: the Vulkan subnormal emulation with its exact results picked by selects
    # instead of branches (`SpirvOptions::exact_by_select`), for the kernels it could help.
    if [ "${EXPERIMENTS:-0}" = 1 ]; then
        CWCC_VK_EXACT_SELECT=1 "$BENCH" --nvcc "$NV" --out "$OUT/bench_select_table.md" \
            --only reduce --only stencil2d --only saxpy --only reduce_warp 2>&1 \
            | tee "$OUT/bench_select.log"
    fi
fi
