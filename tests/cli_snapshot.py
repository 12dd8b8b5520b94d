"""Every command family's output on the bundled scenarios, written to a folder, for comparing two
versions of nicmodel byte for byte (a refactoring must not change what users see).

    python tests/cli_snapshot.py /tmp/before     # on the old version
    python tests/cli_snapshot.py /tmp/after      # on the new one
    diff -r /tmp/before /tmp/after

Each command's stdout, stderr and exit code go to one file; files a command writes (-o, plots'
data excepted: images embed version strings) are copied in too. Run from the repository root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

P = "pipelines/"
RUN = "import sys; from nicmodel.cli import main; sys.exit(main(sys.argv[1:]))"
COMMANDS: dict[str, list[str]] = {
    "eval": ["eval", P + "shadowserve.yaml"],
    "eval_json": ["eval", P + "shadowserve.yaml", "--set", "network.bandwidth=40Gbps", "--format", "json"],
    "eval_unc": ["eval", P + "shadowserve.yaml", "--uncertainty", "200"],
    "eval_lmcache": ["eval", P + "cachegen-lmcache.yaml"],
    "eval_cpu": ["eval", P + "cpu-decode.yaml", "--format", "json"],
    "eval_optical": ["eval", P + "shadowserve-optical.yaml"],
    "table": ["table", P + "shadowserve.yaml", "--vary", "network.bandwidth=5Gbps,10Gbps,20Gbps,40Gbps,100Gbps",
              "--vary", "design.chunk_tokens=64,256,1024,naive"],
    "table_csv": ["table", P + "shadowserve.yaml", "--vary", "design.chunk_tokens=16,32,64,128,256,512", "--format", "csv"],
    "table_json_unc": ["table", P + "shadowserve.yaml", "--vary", "design.chunk_tokens=64,256", "--uncertainty", "100",
                       "--format", "json"],
    "compare": ["compare", P + "shadowserve.yaml", P + "shadowserve-naive.yaml", P + "shadowserve-copying.yaml"],
    "compare_baselines": ["compare", P + "shadowserve.yaml", P + "cachegen-lmcache.yaml",
                          P + "cachegen-lmcache-pipelined.yaml", P + "cachegen-async.yaml", P + "cpu-decode.yaml"],
    "compare_unc": ["compare", P + "shadowserve.yaml", P + "cachegen-async.yaml", "--uncertainty", "100"],
    "break_even": ["compare", P + "shadowserve.yaml", P + "cachegen-async.yaml", "--break-even",
                   "2:codec.lossless_ratio=1.0..4.0", "--metric", "unloaded_ttft_s", "--at",
                   "network.bandwidth=10Gbps,20Gbps", "--points", "41"],
    "size": ["size", P + "shadowserve.yaml", "--target", "kv_throughput>=60Gbps", "--target", "fetch_latency<=200ms",
             "--choose", "nic=bluefield2,bluefield3", "--choose", "design.chunk_tokens=16..1024", "--choose",
             "nic.arm.cores=4..16", "--minimize", "cores", "--pareto", "fetch_latency,nic_memory"],
    "simulate": ["simulate", P + "shadowserve.yaml"],
    "simulate_rate": ["simulate", P + "shadowserve.yaml", "--requests", "40", "--rate", "5", "--seed", "1"],
    "simulate_json": ["simulate", P + "cachegen-lmcache-pipelined.yaml", "--requests", "6", "--format", "json"],
    "simulate_vary": ["simulate", P + "shadowserve.yaml", "--vary", "design.chunk_tokens=64,256", "--requests", "5",
                      "--jobs", "1", "--replications", "2", "--progress", "off"],
    "simulate_optical": ["simulate", P + "shadowserve-optical.yaml", "--requests", "3"],
    "serve": ["serve", P + "shadowserve.yaml", "--rate", "3", "--requests", "60", "--replications", "2",
              "--jobs", "1", "--progress", "off"],
    "serve_table": ["serve", P + "shadowserve.yaml", P + "cachegen-async.yaml", P + "recompute.yaml",
                    "--bandwidths", "10Gbps,40Gbps", "--rate", "2", "--requests", "40", "--replications", "1",
                    "--jobs", "1", "--progress", "off"],
    "serve_search": ["serve", P + "shadowserve.yaml", "--rate", "3", "--requests", "40", "--replications", "1",
                     "--search", "--format", "json", "--jobs", "1", "--progress", "off"],
    "fabric": ["fabric", "optical-108"],
    "fabric_pair": ["fabric", "optical-108", "--pair", "0", "57", "--bytes", "600 MB"],
    "fabric_json": ["fabric", "optical-8", "--set", "slice=10us", "--set", "routing=vlb", "--pair", "0", "5",
                    "--format", "json"],
    "validate_copy": ["validate", "validation/traces/h100_copy.csv"],
    "validate_decode": ["validate", "validation/traces/h100_decode.csv", "--format", "json"],
    "validate_interference": ["validate", "validation/traces/h100_interference.csv"],
    "validate_reference": ["validate", "validation/reference/bluefield_components.csv"],
    "calibrate": ["calibrate", P + "shadowserve.yaml", "validation/traces/h100_decode.csv", "--set", "gpu=h100-sxm",
                  "--fit", "gpu.decode_efficiency", "--fit", "gpu.step_overhead", "--cv", "loo"],
    "sensitivity": ["sensitivity", P + "shadowserve.yaml", "--samples", "128"],
    "sensitivity_json": ["sensitivity", P + "shadowserve.yaml", "--metric", "fetch_latency_s", "--method", "oat",
                         "--format", "json"],
    "specs": ["specs", "list"],
    "schema": ["schema"],
    "bad_input": ["eval", P + "shadowserve.yaml", "--set", "network.bandwidth=fast"],
    "table_db": ["table", P + "shadowserve.yaml", "--vary", "design.chunk_tokens=64,256", "-o", "{tmp}/runs.sqlite"],
    "query": ["query", "{tmp}/runs.sqlite", "SELECT * FROM design_table"],
}


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    env = {**os.environ, "NICMODEL_SIM_KERNEL": os.environ.get("NICMODEL_SIM_KERNEL", "compiled")}
    for name, argv in COMMANDS.items():
        argv = [a.replace("{tmp}", str(tmp)) for a in argv]
        proc = subprocess.run([sys.executable, "-c", RUN, *argv], capture_output=True, text=True, env=env)
        body = proc.stdout.replace(str(tmp), "{tmp}")
        err = proc.stderr.replace(str(tmp), "{tmp}")
        shown = " ".join(argv).replace(str(tmp), "{tmp}")
        (out / f"{name}.txt").write_text(f"$ nicmodel {shown}\nexit {proc.returncode}\n--- stdout\n{body}"
                                         f"--- stderr\n{err}")
        print(f"{name}: exit {proc.returncode}", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
