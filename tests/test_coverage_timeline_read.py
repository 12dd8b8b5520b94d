"""The coverage launches' block timeline read as declared (validation/calibration/coverage_timeline_read.py):
a launch's growth split by hand into the wait before its first block, its blocks' late starts, and its
last blocks' run, each over its span alone, and the three summing to its span over alone."""

import csv

import pytest

from conftest import script_module

HEAD = ["batch", "context", "priority", "corunner", "launches_per_step", "step", "launch", "enqueue_after_step_start_us",
        "first_start_us", "last_start_us", "late_blocks", "block_p50_us", "block_p90_us", "block_max_us",
        "alone_block_p50_us", "span_us", "alone_span_us", "sms_used", "most_on_one_sm", "decode_step_us",
        "decode_alone_us"]


@pytest.fixture(scope="module")
def read():
    return script_module("validation/calibration/coverage_timeline_read.py", "coverage_timeline_read")


def row(first, last, span, most=1, block=16.0, corunner="one132"):
    values = [52, 3840, "equal", corunner, 32, 0, 0, 100.0, first, last, 0, block, block, block, 16.0, span, 16.0,
              132, most, 15000.0, 14700.0]
    return dict(zip(HEAD, (str(v) for v in values)))


def test_a_launch_split_by_hand(read):
    # waited 24 us for its first block, its last started 8 us later, ran 32 us more: 64 us, 4x its 16 alone
    wait, late, run = read.split(row(24.0, 32.0, 64.0))
    assert (wait, late, run) == pytest.approx((1.5, 0.5, 2.0))
    assert wait + late + run == pytest.approx(64.0 / 16.0)


def test_the_summary_of_two_launches(read, tmp_path):
    rows = [row(24.0, 32.0, 64.0, most=3, block=20.0), row(0.0, 0.0, 16.0), row(1.0, 1.0, 17.0, corunner="scatter")]
    with open(tmp_path / "launches.csv", "w", newline="") as handle:
        w = csv.DictWriter(handle, HEAD)
        w.writeheader()
        w.writerows(rows)
    cells = read.read(tmp_path)
    assert list(cells) == [(52, 3840, 132, "equal")]  # the scatter is not a oneN launch
    s = read.summary(cells[(52, 3840, 132, "equal")])
    assert s["growth"] == pytest.approx((4.0 + 1.0) / 2)
    assert (s["wait"], s["late"], s["run"]) == pytest.approx((0.75, 0.25, 1.5))
    assert s["waited_share"] == 0.5  # 24 us is more than half of 16; 0 is not
    assert s["stacked_share"] == 0.5 and s["block_p50"] == pytest.approx((20 / 16 + 1) / 2)


GRID_HEAD = ("section,corunner,batch,context_tokens,decode_priority,k,m,steps,decode_alone_s,decode_beside_s,"
             "decode_slowdown,corunner_alone_s,corunner_beside_s,corunner_slowdown,offered_duty,busy_share,"
             "inside_launches,cpu_per_step_s,graph,repeat,role,phase")


def grid_file(folder, decode_alone_s, slowdowns):
    folder.mkdir(parents=True)
    lines = [GRID_HEAD] + [f"short,sho_alu_g16_i2048_{path},52,3840,equal,11,1,8,{decode_alone_s},0,0,0.0005,0,{s},"
                           f"0.3,0.7,66,8e-05,1,0,held-out,random" for path, s in slowdowns]
    (folder / "interference_grid.csv").write_text("\n".join(lines) + "\n")


def test_the_parts_combined_by_hand(read, tmp_path):
    # beside attention alone 2.0x (1.0 and 1.0 slowdown), beside the rest 1.5x; attention 9 ms of 15: a = 0.6;
    # harmonic mean 1 / (0.6 / 2.0 + 0.4 / 1.5) = 1.7647
    grid_file(tmp_path / "att" / "b52", 0.009, [("graph", 1.0), ("python", 1.0)])
    grid_file(tmp_path / "rest" / "b52", 0.006, [("graph", 0.25), ("python", 0.75)])
    [(key, t_att, t_rest, a, harmonic, seen)] = read.phases(tmp_path / "att", tmp_path / "rest", {})
    assert key == (52, 3840, 16, "equal") and seen is None
    assert (t_att, t_rest, a) == pytest.approx((2.0, 1.5, 0.6))
    assert harmonic == pytest.approx(1.0 / (0.3 + 0.4 / 1.5))
