import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
LUIGI = Path(sys.executable).parent / "luigi"


def run_luigi(raw: Path, clean: Path, *extra: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command a user or cron runs, in a folder of the test's own so
    the project's luigi.cfg is not what makes it work."""
    cmd = [str(LUIGI), "--module", "tasks", "CleanCorpus", "--raw-dir", str(raw), "--clean-dir", str(clean), *extra]
    env = {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}
    return subprocess.run(cmd, cwd=cwd or raw.parent, capture_output=True, text=True, env=env, timeout=300)


def as_other_user(fn):
    """``fn()`` in a forked child that gave up root (uid/gid 65534), so file
    permissions apply even when the tests run as root; its return value
    (JSON-serialisable) comes back through a pipe. Import beforehand what
    ``fn`` needs: the child may no longer read the interpreter's files."""
    import json
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.write(write_end, json.dumps(fn()).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the child running as another user returned nothing (see its output above)")
    return json.loads(data)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sample_raw(tmp_path: Path) -> Path:
    """A copy of the sample articles shipped in raw/."""
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    return raw


@pytest.fixture
def seeds() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is not present")
    return path
