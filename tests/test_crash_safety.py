"""A run killed with SIGKILL at several points, then run again, ends with
exactly the clean folder of an uninterrupted run."""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import LUIGI, ROOT, run_luigi


def _files(root: Path) -> dict[str, bytes]:
    """What a consumer sees (everything outside .state) and the pipeline's
    committed state (state.json, the ledger and the index segments)."""
    out = {}
    for p in root.rglob("*"):
        rel = p.relative_to(root).as_posix()
        if not p.is_file():
            continue
        if rel.startswith(".state/") and not (rel == ".state/state.json" or rel.startswith((".state/index/",
                                                                                            ".state/ledger/"))):
            continue
        out[rel] = p.read_bytes()
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    base = tmp_path_factory.mktemp("reference")
    raw = base / "raw"
    import shutil
    shutil.copytree(ROOT / "raw", raw)
    clean = base / "clean"
    t0 = time.perf_counter()
    assert run_luigi(raw, clean, "--shard-size", "2").returncode == 0
    return raw, _files(clean), time.perf_counter() - t0


# Kill right after each step leaves its mark: planned, a shard cleaned,
# duplicates decided, the first article text written, the manifest written,
# the ledger written, the state committed.
MARKS = [".state/batches/*/plan.json", ".state/batches/*/shards/0000[0-9].jsonl", ".state/batches/*/decisions.jsonl",
         "*.txt", "manifest.jsonl", ".state/ledger/*.jsonl", ".state/state.json"]


@pytest.mark.parametrize("mark", MARKS)
def test_killed_run_then_rerun_gives_the_uninterrupted_folder(reference, tmp_path, mark):
    raw, expected, seconds = reference
    clean = tmp_path / "clean"
    env = {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}
    proc = subprocess.Popen([str(LUIGI), "--module", "tasks", "CleanCorpus", "--raw-dir", str(raw),
                             "--clean-dir", str(clean), "--shard-size", "2", "--workers", "2"],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while proc.poll() is None and not list(clean.glob(mark)) and time.monotonic() < deadline:
        time.sleep(0.002)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)  # the command and its worker processes
    proc.wait()
    assert killed, f"the run finished before {mark} appeared"
    # Nothing half-written is visible to consumers, killed or not.
    if (clean / "manifest.jsonl").exists():
        for line in (clean / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            assert line.startswith("{") and line.endswith("}")
    assert not [p for p in clean.glob("*") if p.name.startswith((".tmp", "tmp"))]
    result = run_luigi(raw, clean, "--shard-size", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    got = _files(clean)
    assert sorted(got) == sorted(expected)
    assert [k for k in expected if got[k] != expected[k]] == []
