"""The planted near-duplicate benchmark in small, through the Luigi command:
a floor under its figures so a regression is noticed (the full figures come
from ``python -m bench.dedup_bench``)."""
import pytest

from conftest import SHARED, run_luigi


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    if not (SHARED / "data" / "bbc-news").is_dir() or not (SHARED / "data" / "reuters-21578").is_dir():
        pytest.skip("../shared/data is not present")
    from bench.planted import generate
    out = tmp_path_factory.mktemp("planted")
    truth = generate(out, seed=7, originals=160, copy_share=0.5, templates=12)
    return out, truth


def test_planted_copies_are_found_and_different_stories_never_merged(planted):
    from bench.dedup_bench import pipeline_clusters, score
    out, truth = planted
    proc = run_luigi(out / "raw", out / "clean", "--workers", "2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    clusters = truth["clusters"]
    found, _ = pipeline_clusters(out / "clean", sorted(clusters))
    s = score(clusters, found)
    assert s["false_pairs"] == 0, s
    assert s["f1"] >= 0.95, s
