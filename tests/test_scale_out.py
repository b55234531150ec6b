"""Scale-out on Luigi's central scheduler: a real ``luigid`` on 127.0.0.1
and two separate worker processes share one run; the clean folder they
produce is the one a local run produces."""
import filecmp
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import LUIGI, free_port, run_luigi

LUIGID = Path(sys.executable).parent / "luigid"



@pytest.fixture
def scheduler(tmp_path):
    port = free_port()
    (tmp_path / "luigid-log").mkdir()
    proc = subprocess.Popen([str(LUIGID), "--address", "127.0.0.1", "--port", str(port),
                             "--state-path", str(tmp_path / "luigid.pickle"), "--logdir", str(tmp_path / "luigid-log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("luigid did not start")
            time.sleep(0.1)
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_two_workers_on_luigid_produce_the_local_run_folder(sample_raw, tmp_path, scheduler):
    local = tmp_path / "clean-local"
    proc = run_luigi(sample_raw, local, "--shard-size", "2")
    assert proc.returncode == 0
    count = int(re.search(r"new or changed files in (\d+) shards", proc.stderr).group(1))
    assert count >= 3

    shared = tmp_path / "clean-shared"
    cmd = [str(LUIGI), "--module", "tasks", "CleanCorpus", "--raw-dir", str(sample_raw), "--clean-dir", str(shared),
           "--shard-size", "2", "--scheduler-host", "127.0.0.1", "--scheduler-port", str(scheduler),
           "--no-lock", "--worker-keep-alive"]
    env = {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}
    workers = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outputs = [w.communicate(timeout=300) for w in workers]
    for w, (_, err) in zip(workers, outputs):
        assert w.returncode == 0, err[-2000:]
    # Both workers scheduled the run on luigid and the shards were run by
    # them (luigi may hand a shard to a second worker that had found it
    # incomplete just before the first finished it: the work is repeated,
    # the output is the same).
    assert all("Done scheduling tasks" in err for _, err in outputs)
    shards = [set(re.findall(r" running   CleanShard\(.*?shard=(\d+)\)", err)) for _, err in outputs]
    assert set().union(*shards) == {str(i) for i in range(count)}, shards

    assert _tree(shared) == _tree(local)
    mismatch = filecmp.cmpfiles(local, shared, _tree(local), shallow=False)[1:]
    assert mismatch == ([], []), mismatch
