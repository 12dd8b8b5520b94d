"""`nicmodel nic-price`: the SmartNIC price at which offloading breaks even against GPU decoding."""

from __future__ import annotations

import argparse


from .. import limits
from ..output.jsontext import strict_json
from .common import checked, common, emit


def register(sub) -> None:
    p = sub.add_parser("nic-price", help="the SmartNIC price at which a SmartNIC design costs the same per request "
                                         "as a GPU-decoding design")
    p.add_argument("smartnic", help="the SmartNIC design (e.g. pipelines/shadowserve.yaml)")
    p.add_argument("gpu_design", help="the design it replaces (e.g. pipelines/cachegen-async.yaml)")
    p.add_argument("--bandwidths", default="10Gbps,20Gbps,40Gbps", help="link rates, one row each")
    p.add_argument("--uncertainty", type=checked(limits.count, 0, 4096), default=32, metavar="N",
                   help="paired draws of the uncertain numbers for the interval (default 32; 0 for none)")
    p.add_argument("--seed", type=checked(limits.seed), default=0)
    p.add_argument("--confirm", action="store_true",
                   help="also the nominal answer from the simulator (SLO-rate search, 3 seeds; seconds per link rate)")
    common(p, ["text", "markdown", "csv", "json"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import api
    rows = api.nic_price(args.smartnic, args.gpu_design, [b.strip() for b in args.bandwidths.split(",")],
                         args.set, args.uncertainty, args.seed, args.confirm)
    if args.format == "json":
        emit(strict_json(rows, indent=2) + "\n", args.output)
        return 0
    table = []
    for r in rows:
        interval = r.get("break_even_interval_usd")
        table.append([r["bandwidth"], round(r["smartnic_max_rate_per_s"], 3), round(r["gpu_max_rate_per_s"], 3),
                      _usd(r["smartnic_usd_per_million_requests"]), _usd(r["gpu_usd_per_million_requests"]),
                      f"{r['break_even_nic_price_usd']:,.0f}" + (f" [{interval[0]:,.0f}, {interval[1]:,.0f}]" if interval else ""),
                      f"{r['listed_nic_price_usd']:,.0f}",
                      f"{r['offload_pays_share'] * 100:.0f}%" if "offload_pays_share" in r else "",
                      _span(r.get("break_even_across_model_error_usd")),
                      _span(_ends(r.get("break_even_across_assumptions_usd")))]
                     + ([f"{r['simulated']['smartnic_max_rate_per_s']:.3g} vs {r['simulated']['gpu_max_rate_per_s']:.3g}/s: "
                         f"{r['simulated']['break_even_nic_price_usd']:,.0f}"] if "simulated" in r else []))
    headers = ["link", "SmartNIC max rate (/s)", "GPU decode max rate (/s)", "SmartNIC USD per M requests",
               "GPU decode USD per M requests", "break-even NIC price (USD) [90%]", "listed NIC price (USD)",
               "offload pays (share of draws)", "break-even across model error (USD)",
               "break-even across assumptions (USD)"] + (["simulated: max rates, break-even"] if rows and "simulated" in rows[0] else [])
    if args.format == "csv":
        from ..output.tables import _csv
        emit(_csv(headers, table), args.output)
        return 0
    head = (f"{rows[0]['smartnic_design']} against {rows[0]['gpu_design']}: the SmartNIC price at which both cost the "
            "same per request at their SLO-bound rates (analytical serving model; GPU hourly price and NIC "
            "amortization from the specs)\n") if rows else ""
    from ..output.markdown import github_table
    from ..output.runs import interference_error_text
    notes = "".join(f"note: at {r['bandwidth']} the nominal break-even ({r['break_even_nic_price_usd']:,.0f} USD) lies "
                    "outside its 90% interval over the draws: the nominal numbers are not typical of their ranges, "
                    "so read the share of draws in which offload pays\n"
                    for r in rows if r.get("nominal_outside_interval"))
    bases = sorted({r["interference_basis"] for r in rows if r.get("interference_basis")})
    notes += "".join(f"GPU decoding's interference rests on: {b}\n" for b in bases)
    errors = dict.fromkeys(interference_error_text(r["interference_error"]) for r in rows if r.get("interference_error"))
    notes += "".join(f"its model's held-out error beside the GPU kernels: {e}\n" for e in errors)
    notes += "".join(f"FLIPS WITHIN THE MODEL'S ERROR at {r['bandwidth']}: offload "
                     f"{'pays' if r['break_even_nic_price_usd'] > r['listed_nic_price_usd'] else 'does not pay'} as fitted "
                     f"(break-even {r['break_even_nic_price_usd']:,.0f} USD against the listed "
                     f"{r['listed_nic_price_usd']:,.0f}), but the break-even spans "
                     f"{r['break_even_across_model_error_usd'][0]:,.0f} to {r['break_even_across_model_error_usd'][1]:,.0f} "
                     "USD across the interference model's held-out error\n"
                     for r in rows if r.get("verdict_flips_within_model_error"))
    for r in rows:
        if r.get("verdict_flips_within_assumptions"):
            pays = r["break_even_nic_price_usd"] > r["listed_nic_price_usd"]
            ends = ", ".join(f"gpu.interference.{e} ({r['break_even_across_assumptions_usd'][e]:,.0f} USD)"
                             for e in r["verdict_flips_within_assumptions"])
            notes += (f"FLIPS WITHIN AN ASSUMPTION'S RANGE at {r['bandwidth']}: offload "
                      f"{'pays' if pays else 'does not pay'} as given (break-even {r['break_even_nic_price_usd']:,.0f} "
                      f"USD against the listed {r['listed_nic_price_usd']:,.0f}), but {'not' if pays else 'it does'} "
                      f"with {ends} (assumed; an end of its range)\n")
    emit(head + github_table(table, headers=headers) + "\n" + notes, args.output)
    return 0


def _span(span: list[float] | None) -> str:
    return "" if not span else f"{span[0]:,.0f} to {span[1]:,.0f}"


def _ends(prices: dict[str, float] | None) -> list[float] | None:
    """The lowest and highest break-even over the assumptions' ends."""
    return [min(prices.values()), max(prices.values())] if prices else None


def _usd(x: float | None) -> str:
    return "" if x is None else f"{x:,.2f}"
