"""The dedup index in Redis, against a real redis-server started here on
127.0.0.1 (Debian's package; .ci/run installs it)."""
import json
import shutil
import subprocess
import time

import pytest

from conftest import free_port, run_luigi
from pipeline.config import ConfigError, DedupConfig
from pipeline.corpus import State, load_index
from pipeline.dedup import Candidate, deduplicate, fingerprint_texts
from pipeline.shared_index import parse_redis_url

REDIS_SERVER = shutil.which("redis-server")



@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--appendonly", "no", "--dir", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def _manifest(clean):
    return {r["id"]: (r["status"], r.get("duplicate_of"), r.get("reason"))
            for r in map(json.loads, (clean / "manifest.jsonl").read_text().splitlines())}


def test_redis_url_is_checked():
    assert parse_redis_url("redis://10.0.0.5:6390/2") == {"host": "10.0.0.5", "port": 6390, "db": 2}
    with pytest.raises(ConfigError):
        parse_redis_url("http://localhost/0")


def test_a_redis_that_does_not_answer_stops_the_run_before_its_shards(sample_raw, tmp_path):
    """Nothing listens on the port: one line and exit code 35 at planning,
    no shard cleaned for nothing."""
    clean = tmp_path / "clean"
    url = f"redis://127.0.0.1:{free_port()}/0"
    result = run_luigi(sample_raw, clean, "--dedup-redis", url)
    assert result.returncode == 35, result.stderr[-2000:]
    assert f"ERROR: CleanCorpus cannot run: the Redis dedup index at {url} cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(clean.glob(".state/batches/*/shards/*"))
    assert not (clean / "manifest.jsonl").exists()


def test_two_batches_with_the_index_in_redis_publish_what_the_in_memory_index_does(sample_raw, tmp_path, redis_url):
    import redis
    later = sample_raw / "wire"
    held_back = tmp_path / "held-back"
    shutil.move(later, held_back)  # batch A without the wire copy, batch B adds it
    results = {}
    for mode, extra in (("memory", ()), ("redis", ("--dedup-redis", redis_url))):
        clean = tmp_path / f"clean-{mode}"
        assert run_luigi(sample_raw, clean, *extra).returncode == 0
        shutil.copytree(held_back, later)
        proc = run_luigi(sample_raw, clean, *extra)
        assert proc.returncode == 0, proc.stderr[-2000:]
        shutil.rmtree(later)
        results[mode] = _manifest(clean)
    assert results["redis"] == results["memory"]
    assert results["redis"]["wire/harbour-solar-copy"][:2] == ("duplicate", "harbour-solar")
    client = redis.Redis(**parse_redis_url(redis_url))
    assert any(k.startswith(b"newsclean:") and k.endswith(b":segments") for k in client.scan_iter())


def test_redis_index_catches_up_with_published_runs_only(tmp_path, redis_url):
    """A new process sees what earlier runs published, inserts only the
    segments it lacks, and rebuilds when Redis and the folder disagree."""
    from pipeline.corpus import segment_path, write_segment
    config = DedupConfig()
    story = ("The harbour authority said on Monday that dredging of the main channel would begin in April and take "
             "about six weeks, during which larger vessels would have to wait for high tide at the outer anchorage.")
    other = ("Two new wind turbines were lifted into place on the northern ridge on Saturday, completing a project "
             "that has divided the valley for nearly a decade, while opponents still argue about the skyline.")
    fp_story, fp_other = fingerprint_texts([story, other], config)
    clean = tmp_path / "clean"
    write_segment(segment_path(clean, "run1"), [("story", fp_story)], [], config.num_perm)
    write_segment(segment_path(clean, "run2"), [("other", fp_other)], [], config.num_perm)
    state = State(segments=["run1"], index_key=config.index_key())

    index = load_index(clean, state, config, redis_url)
    assert index.segments() == ["run1"] and len(index) == 1
    state.segments.append("run2")
    index = load_index(clean, state, config, redis_url)  # a later run: only run2 is inserted
    assert index.segments() == ["run1", "run2"] and len(index) == 2

    copy = [Candidate("copy", story.upper(), fingerprint_texts([story.upper()], config)[0])]
    texts = {"story": story, "other": other}
    decisions = deduplicate(copy, index, texts.get, config)
    assert decisions[0].duplicate_of == "story" and decisions[0].how == "exact"
    # Nothing of this run reached Redis: the next process does not see "copy".
    assert load_index(clean, state, config, redis_url).candidates(copy[0].fingerprint) == ["story"]

    state.segments = ["run2"]  # the folder no longer holds run1: Redis is rebuilt from the folder
    index = load_index(clean, state, config, redis_url)
    assert index.segments() == ["run2"] and index.candidates(fp_story) == []
