"""A full disk and a read-only clean folder: a clear error, a non-zero exit,
and the last good state left as it was. The clean folder is a small tmpfs
mounted by the test (needs root; skipped where mounting is not allowed)."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run_luigi

STORY = ("The valley line will close for three weekends in March while engineers replace a bridge over the "
         "river, the rail operator said on Friday. Buses will replace trains between the two market towns, "
         "and journeys will take about forty minutes longer than usual.")


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _snapshot(clean: Path) -> dict[str, bytes]:
    return {p.relative_to(clean).as_posix(): p.read_bytes() for p in clean.rglob("*")
            if p.is_file() and not p.relative_to(clean).as_posix().startswith(".state/batches/")}


def _fill(mount: Path) -> None:
    with open(mount / "filler", "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass


def test_full_disk_fails_clearly_and_keeps_the_last_good_state(sample_raw, small_disk):
    clean = small_disk / "clean"
    assert run_luigi(sample_raw, clean).returncode == 0
    before = _snapshot(clean)
    (sample_raw / "late-story.txt").write_text(STORY, encoding="utf-8")
    _fill(small_disk)
    result = run_luigi(sample_raw, clean)
    assert result.returncode != 0
    assert "No space left on device" in result.stderr
    assert "CleanCorpus cannot run" in result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(clean) == before  # consumers still see the last good run
    (small_disk / "filler").unlink()
    assert run_luigi(sample_raw, clean).returncode == 0
    records = [json.loads(line) for line in (clean / "manifest.jsonl").read_text().splitlines()]
    assert any(r["id"] == "late-story" for r in records)


def test_read_only_clean_folder_fails_clearly_and_changes_nothing(sample_raw, small_disk):
    clean = small_disk / "clean"
    assert run_luigi(sample_raw, clean).returncode == 0
    before = _snapshot(clean)
    (sample_raw / "late-story.txt").write_text(STORY, encoding="utf-8")
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)]).returncode == 0
    try:
        result = run_luigi(sample_raw, clean)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)])
    assert result.returncode != 0
    assert "Read-only file system" in result.stderr and "CleanCorpus cannot run" in result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(clean) == before
    shutil.rmtree(clean / ".state" / "batches", ignore_errors=True)
