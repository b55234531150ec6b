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


def test_texts_are_made_durable_in_one_sync_before_the_manifest_names_them(sample_raw, tmp_path, monkeypatch):
    """Article texts are written without an fsync each; one sync of the
    file system makes them durable, after the last text and before the
    manifest (the consumers' commit point) is put in place. The real calls
    run; this only records their order."""
    import luigi

    from pipeline import batch
    from tasks import CleanCorpus

    events = []
    real_fsync, real_replace, real_sync = os.fsync, os.replace, batch.sync_filesystem

    def fsync(fd):
        events.append("fsync")
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", Path(dst).name))
        return real_replace(src, dst)

    def sync(folder):
        events.append("sync")
        return real_sync(folder)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(batch, "sync_filesystem", sync)
    clean = tmp_path / "clean"
    assert luigi.build([CleanCorpus(raw_dir=str(sample_raw), clean_dir=str(clean))], local_scheduler=True,
                       workers=1, log_level="WARNING")

    texts = [i for i, e in enumerate(events) if isinstance(e, tuple) and e[1].endswith(".txt")]
    manifest = events.index(("replace", "manifest.jsonl"))
    published = [p for p in clean.rglob("*.txt") if ".state" not in p.parts]
    assert len(texts) == len(published) >= 3
    assert "fsync" not in events[texts[0]:texts[-1]]  # no fsync per text
    assert events.count("sync") == 1
    assert texts[-1] < events.index("sync") < manifest
