"""The run report, rendered by a real headless browser (Debian's chromium;
.ci/run installs it) and looked at: the charts are there, drawn, and the
page is not blank."""
import re
import shutil
import struct
import subprocess
import zlib

import pytest

from conftest import run_luigi

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _png_pixels(path) -> bytes:
    """The raw (filtered) scanlines of a PNG: enough to tell a blank page."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    return zlib.decompress(idat)


@pytest.fixture
def report(sample_raw, tmp_path):
    clean = tmp_path / "clean"
    assert run_luigi(sample_raw, clean).returncode == 0
    (path,) = (clean / "reports").glob("*/report.html")
    return path


def test_report_is_a_page_with_charts_a_browser_draws(report, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    base = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(base + ["--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120).stdout
    # The browser parsed the page into the sections and bars the run calls for.
    for section in ("removal-reasons", "rejections", "cluster-sizes", "lengths", "samples"):
        assert f'id="{section}"' in dom, section
    reasons = re.search(r'<section id="removal-reasons">(.*?)</section>', dom, re.S).group(1)
    assert reasons.count('class="bar"') >= 5  # the sample articles lose lines for many reasons
    assert "2 documents" in dom  # the wire copy and its original
    assert "<details>" in dom and "spam" in dom

    shot = tmp_path / "report.png"
    subprocess.run(base + ["--window-size=1000,1400", f"--screenshot={shot}", report.as_uri()],
                   capture_output=True, timeout=120)
    pixels = _png_pixels(shot)
    # Not a blank page: many distinct values, and a good share of non-white.
    assert len(set(pixels)) > 20
    assert sum(1 for b in pixels[::7] if b < 200) > len(pixels[::7]) * 0.02


def test_removed_lines_report_is_written_as_json_lines_would_be():
    """The report's lines are formatted by hand for speed: byte for byte
    what ``dumps_jsonl`` writes, for awkward lines and scores."""
    from pipeline.batch import _json_string, _removed_line
    from pipeline.corpus import dumps_jsonl

    for doc_id, reason, line, score in [
            ("news/é-1", "spam", 'He said "go" \\ now\ttab \u2028 \x00 ünïcode 😀', 0.1234),
            ("d", "model", "plain", None), ("d", "header", "x", 1.0), ("d", "model", "x", 3.5e-05),
            ("d", "model", "x", float("nan")), ("d", "model", "x", 2)]:
        expected = dumps_jsonl([{"id": doc_id, "reason": reason, "line": line, "score": score}])
        assert _removed_line(_json_string(doc_id), reason, line, score) == expected
