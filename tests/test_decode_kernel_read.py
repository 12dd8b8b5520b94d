"""Decode's kernels beside the coverage launches, read as declared (validation/calibration/
decode_kernel_read.py): each kernel's excess over the same kernel alone, split by hand into a longer kernel
and a later start, and the GEMVs' by whether a launch runs at their start and what came before them."""

import csv
import json

import pytest

from conftest import script_module

HEAD = ["batch", "context", "corunner_blocks", "stream_role", "name", "start_us", "duration_us", "blocks"]
STEP = [("sdpa_attention", 30.0, 256), ("nvjet_gemv_a", 20.0, 128), ("elementwise", 2.0, 14), ("nvjet_gemv_b", 40.0, 132)]


@pytest.fixture(scope="module")
def read():
    return script_module("validation/calibration/decode_kernel_read.py", "decode_kernel_read")


def write(folder, rows):
    with open(folder / "kernels.csv", "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(HEAD)
        w.writerows(rows)
    (folder / "run.json").write_text(json.dumps({"steps": 2}))


def steps(blocks, stretch=None, delay=None):
    """Two steps of STEP back to back, 1 us apart, kernel i of each longer by stretch[i] and later by delay[i]."""
    rows, t = [], 0.0
    for _ in range(2):
        for i, (name, dur, grid) in enumerate(STEP):
            t += 1.0 + (delay or {}).get(i, 0.0)
            d = dur + (stretch or {}).get(i, 0.0)
            rows.append([52, 3840, blocks, "decode", name, t, d, grid])
            t += d
    return rows


def test_the_excess_split_by_hand(read, tmp_path):
    # beside: the 132-block GEMV (after a 14-block kernel) starts 10 us later and runs 4 us longer, each step;
    # a launch runs over the second step's start of it
    beside = steps(132, stretch={3: 4.0}, delay={3: 10.0})
    second = beside[7]
    corunner = [[52, 3840, 132, "corunner", "one_alu", second[5] - 5.0, 16.0, 132]]
    write(tmp_path, steps(0) + beside + corunner)
    data = read.read(tmp_path)
    alone = read.steps(data[(52, 3840, 0)]["decode"], 4)
    dur, gap = read.alone_means(alone)
    assert dur == pytest.approx([30.0, 20.0, 2.0, 40.0]) and gap == pytest.approx([0.0, 1.0, 1.0, 1.0])
    e = read.excess(data[(52, 3840, 132)], 4, dur, gap)
    assert e["span"] == pytest.approx(3 + 30 + 20 + 2 + 40 + 14)  # alone 95 us a step, 14 more beside
    assert e["busy"] == pytest.approx(16.0 / (2 * 109.0))  # one 16-us launch over two steps' span
    assert e["kinds"]["gemv"] == pytest.approx([4.0, 10.0]) and e["kinds"]["attention"] == pytest.approx([0.0, 0.0])
    # per step: the 132-block GEMV follows a smaller grid; it started while the launch ran in one of two steps
    assert e["gemv"][(True, "after a smaller grid")] == pytest.approx([7.0, 0.5])
    assert e["gemv"][(False, "after a smaller grid")] == pytest.approx([7.0, 0.5])
    assert e["gemv"][(False, "after attention")] == pytest.approx([0.0, 1.0])


def test_a_partial_step_is_refused(read):
    with pytest.raises(ValueError, match="not whole steps"):
        read.steps([{}] * 7, 4)
