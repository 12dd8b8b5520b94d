"""Cost: prices with provenance, the server's cost per hour and per request, `size --minimize
cost`, and the SmartNIC's break-even price against GPU decoding."""

from __future__ import annotations

import json

import pytest

from nicmodel import load
from nicmodel.cli import main
from nicmodel.planning.cost import break_even_price, server_cost, serving_cost

from conftest import DEFAULT

GPU_DECODE = DEFAULT.parent / "cachegen-async.yaml"


def test_server_cost_by_hand():
    # L40S 1.861 USD/h + BlueField-3 2,500 USD over 26,280 h = 0.09513 USD/h
    c = server_cost(load(DEFAULT))
    assert c["gpu_usd_per_hour"] == pytest.approx(1.861)
    assert c["nic_usd_per_hour"] == pytest.approx(2500 / 26280)
    assert c["server_usd_per_hour"] == pytest.approx(1.861 + 2500 / 26280)
    assert server_cost(load(GPU_DECODE))["nic_usd_per_hour"] == 0.0  # GPU decoding runs nothing on the NIC


def test_cost_per_million_requests_by_hand():
    # 1.95613 USD/h at 8 requests/s: 1.95613 / 28,800 requests x 1e6 = 67.92 USD per million
    c = serving_cost(load(DEFAULT), 8.0)
    assert c["usd_per_million_requests"] == pytest.approx((1.861 + 2500 / 26280) / (8 * 3600) * 1e6)


def test_break_even_price_by_hand():
    # equal cost per request: (G + P/A) / r_nic = G / r_gpu -> P = A G (r_nic / r_gpu - 1)
    assert break_even_price(10.0, 8.0, 2.0, 26280.0) == pytest.approx(26280 * 2.0 * 0.25)
    assert break_even_price(8.0, 10.0, 2.0, 26280.0) < 0  # slower with the NIC: never pays


def test_gpu_without_a_price_is_refused_for_cost(capsys):
    assert main(["size", str(DEFAULT), "--choose", "gpu=l4,l40s", "--minimize", "cost"]) == 2
    assert "hourly_price" in capsys.readouterr().err


def test_size_minimizes_cost(capsys):
    assert main(["size", str(DEFAULT), "--choose", "gpu=l40s,h100-sxm,h200", "--target", "fetch_latency<=200ms",
                 "--minimize", "cost", "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["best"]["choice"] == {"gpu": "l40s"}  # the cheapest GPU meeting the target
    assert r["best"]["metrics"]["cost"] * 3600 == pytest.approx(1.861 + 2500 / 26280)


def test_nic_price_command(capsys):
    assert main(["nic-price", str(DEFAULT), str(GPU_DECODE), "--bandwidths", "10Gbps,40Gbps", "--uncertainty", "4",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["bandwidth"] for r in rows] == ["10Gbps", "40Gbps"]
    for r in rows:
        expected = break_even_price(r["smartnic_max_rate_per_s"], r["gpu_max_rate_per_s"], 1.861, 26280.0)
        assert r["break_even_nic_price_usd"] == pytest.approx(expected)
        low, high = r["break_even_interval_usd"]
        assert low <= high and 0 <= r["offload_pays_share"] <= 1
        assert r["nominal_outside_interval"] == (not low <= r["break_even_nic_price_usd"] <= high)


def test_nic_price_nominal_row_does_not_move_with_the_number_of_draws():
    """The nominal answer is the specs' own: with 0, 2 or 5 paired draws beside it, the same rates and
    break-even to the last digit (the stacked rate search once ran every point until all had converged,
    so at 40 Gbps the nominal break-even read 6,405 USD with no draws and 6,531 with some)."""
    from nicmodel.planning.cost import nic_break_even
    keys = ("smartnic_max_rate_per_s", "gpu_max_rate_per_s", "break_even_nic_price_usd")
    rows = [[tuple(r[k] for k in keys) for r in nic_break_even(str(DEFAULT), str(GPU_DECODE), ["20Gbps", "40Gbps"],
                                                                 draws=n)] for n in (0, 2, 5)]
    assert rows[0] == rows[1] == rows[2]
