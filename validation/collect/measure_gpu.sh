#!/usr/bin/env bash
# GPU interference on another GPU with the fixed collector (interference_grid.py: kernel descriptors
# recorded after every measurement, co-runners launched at a random point of the decode step): the
# sections the model's held-out checks use, each a run folder under OUT. Then, on this repository:
#   cp -r OUT validation/traces/<gpu>/<date>
#   python validation/collect/make_interference_traces.py --run <gpu>/<date>/grid --run <gpu>/<date>/regime:regime \
#       --run <gpu>/<date>/widths:widths --run <gpu>/<date>/short:short --run <gpu>/<date>/onewave:onewave \
#       --run <gpu>/<date>/dataplane_points:regime --run <gpu>/<date>/drain:drain --gpu <spec> --out <gpu>_clean_interference.csv
#   nicmodel validate validation/traces/<gpu>_clean_interference.csv
# (every point held out: nothing in the GPU specs is fitted to it). The placement section (placement_probe.py)
# writes where one-wave launches' blocks land and the issue curve alone (OUT/placement/curve.csv), from which
# the GPU's issue_warps is measured as the H200's was (tests/test_calibration.py). The decode_shapes section
# (decode_shapes.py) records decode's own kernels' launch shapes at each decode point (their grids change with
# the batch), for gpu.decode_kernels.
#
# Usage: validation/collect/measure_gpu.sh OUT [--quick]
#   SECTIONS   which to run (default: all, in this order):
#              grid regime widths short onewave dataplane_points drain placement decode_shapes
#   TORCHAC_PATH  a built torchac_cuda (CacheGen's decoder); or TORCHAC_SRC, its sources
#              (LMCache/third_party/torchac_cuda), built here; without either the decoder's rows are skipped
#   --quick    a few points of each section: a check that everything runs (minutes)
# Device time: about 30 minutes for all sections (the budgets below, plus start-up and calibration).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUT [--quick]" >&2; exit 2; }
out=$(mkdir -p "$1" && cd "$1" && pwd)
quick=${2:-}
[ -z "$quick" ] || [ "$quick" = "--quick" ] || { echo "$0: unknown option $quick (expected --quick)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
sections=${SECTIONS:-grid regime widths short onewave dataplane_points drain placement decode_shapes}

if [ -z "${TORCHAC_PATH:-}" ] && [ -n "${TORCHAC_SRC:-}" ]; then
    (cd "$TORCHAC_SRC" && python3 setup.py build_ext --inplace) > "$out/torchac_build.log" 2>&1 \
        || echo "torchac_cuda did not build (see $out/torchac_build.log): the decoder's rows are skipped" >&2
    TORCHAC_PATH=$(cd "$TORCHAC_SRC" && pwd)
    export TORCHAC_PATH
fi

run() {  # run <folder> <budget seconds> <collector options...>
    local folder=$1 budget=$2
    shift 2
    [ -n "$quick" ] && budget=120  # the synthetic sections stop calibrating with 60 s left
    echo "== $folder" >&2
    python3 "$here/interference_grid.py" "$out/$folder" --phase random --budget "$budget" $quick "$@" \
        2>&1 | tee "$out/$folder.log"
}

for section in $sections; do
    case $section in
        grid) run grid 400 ;;
        regime) run regime 130 --regime ;;
        widths) run widths 100 --widths ;;
        short) run short 200 --short ;;
        onewave) run onewave 230 --onewave ;;
        dataplane_points) run dataplane_points 230 --dataplane --points 32x1024,32x4096,8x8192,1x8192 ;;
        drain) run drain 300 --drain ;;
        placement) echo "== placement" >&2
                   python3 "$here/placement_probe.py" "$out/placement" $quick 2>&1 | tee "$out/placement.log" ;;
        decode_shapes) echo "== decode_shapes" >&2
                       python3 "$here/decode_shapes.py" "$out/decode_shapes" 2>&1 | tee "$out/decode_shapes.log" ;;
        *) echo "$0: unknown section $section" >&2; exit 2 ;;
    esac
done
