"""`nicmodel report`: one self-contained HTML page with every section, rendered by headless
Chromium (Debian's package) without console errors; the screenshot is kept in the test's folder."""

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from nicmodel.cli import main

from conftest import DEFAULT, ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Counter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.images, self.external = {}, 0, []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        if tag == "img" and a.get("src", "").startswith("data:image/png;base64,"):
            self.images += 1
        for key in ("src", "href"):
            if key in a and not a[key].startswith("data:"):
                self.external.append(a[key])


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", str(DEFAULT), "--compare", str(ROOT / "pipelines" / "cachegen-async.yaml"),
                 "--trace", str(ROOT / "validation" / "traces" / "h100_copy.csv"), "--set", "gpu=h100-sxm",
                 "--uncertainty", "100", "-o", str(out)]) == 0
    return out


def test_every_section_is_there_and_self_contained(report):
    text = report.read_text()
    for section in ("Design", "Evaluation", "Uncertainty", "Design table", "Sensitivity", "Comparison",
                    "Validation against h100_copy.csv"):
        assert f"<h2>{section}" in text, section
    c = _Counter()
    c.feed(text)
    assert c.tags["table"] >= 6 and c.images >= 4
    assert c.external == [] and "<script" not in text  # nothing fetched, nothing run


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium package (apt-get install chromium)")
def test_renders_in_headless_chromium(report):
    shot = report.with_suffix(".png")
    base = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    run = subprocess.run(base + ["--window-size=1200,2400", f"--screenshot={shot}", "--enable-logging=stderr",
                                 "--v=0", report.as_uri()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 50_000
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    dom = subprocess.run(base + ["--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert len(re.findall(r"<table", dom)) >= 6 and len(re.findall(r"<img", dom)) >= 4
    print(f"screenshot: {shot}")


def test_report_needs_an_output_file(capsys):
    assert main(["report", str(DEFAULT)]) == 2
    assert "-o report.html" in capsys.readouterr().err


def test_serving_section_from_either_model(tmp_path):
    """The serving section follows --model: the analytical model (default) and the simulator,
    each with its SLO-bound rate; `both` puts them side by side."""
    out = tmp_path / "both.html"
    assert main(["report", str(DEFAULT), "--model", "both", "--uncertainty", "0", "-o", str(out)]) == 0
    page = out.read_text()
    assert "Serving (analytical serving model)" in page and "Serving (simulator, 200 requests, seed 0)" in page
    rates = [float(x) for x in re.findall(r"SLO-bound rate ([0-9.]+) requests/s", page)]
    assert len(rates) == 2 and all(r > 0 for r in rates)


def test_serving_section_says_when_the_answer_is_unvalidated():
    """A design whose decode's attention at the batch that fits loads the SMs past what the co-runners
    were measured beside (64 sequences on an H200: 512 blocks, a load of 1.94, here against a
    measured 1.5) gets the serving models' UNVALIDATED note in its report section; within it (the
    default, 32 sequences) it does not."""
    import nicmodel
    from nicmodel.api.reporting import _serving_section
    two = "".join(_serving_section(nicmodel.load(ROOT / "pipelines" / "cachegen-async.yaml",
                                                 ["gpu=h200", "serving.max_batch=64",
                                                  "gpu.interference.grid_load_measured=1.5"])))
    assert "UNVALIDATED" in two and "2 waves" in two
    assert "UNVALIDATED" not in "".join(_serving_section(nicmodel.load(ROOT / "pipelines" / "cachegen-async.yaml",
                                                                        ["gpu=h200"])))
