"""The published index on disk (pipeline/packed_index.py): packed once or
extended run by run, it answers as the in-memory index built from the same
segments does."""
import numpy as np
import pytest

import pipeline.packed_index as packed_index
from pipeline.config import DedupConfig
from pipeline.corpus import STATE, State, load_index, read_segments, segment_path, write_segment
from pipeline.dedup import DedupIndex, fingerprint_texts

CONFIG = DedupConfig()


def _story(n: int, words: int = 120) -> str:
    rng = np.random.default_rng(n)
    vocab = [f"w{i}" for i in range(3000)]
    return " ".join(rng.choice(vocab, size=words))


def _edited(text: str, seed: int) -> str:
    words = text.split()
    rng = np.random.default_rng(1000 + seed)
    for i in rng.choice(len(words), size=3, replace=False):
        words[i] = "edited"
    return " ".join(words)


# (run, ids taken out, ids kept with the story number of their text)
RUNS = [
    ("run1", [], [("a", 1), ("b", 2), ("c", 3), ("d", 4)]),
    ("run2", ["b"], [("b", 20), ("e", 5)]),  # b changed: its new text is another story
    ("run3", ["c"], [("f", 6)]),  # c's raw file changed and its new version was not kept
    ("run4", [], [("g", 7), ("h", 8), ("i", 9)]),
]


def _write_runs(clean, runs):
    state = State(index_key=CONFIG.index_key())
    for run, removed, kept in runs:
        fps = fingerprint_texts([_story(n) for _, n in kept], CONFIG)
        write_segment(segment_path(clean, run), [(i, fp) for (i, _), fp in zip(kept, fps)], removed, CONFIG.num_perm)
        state.segments.append(run)
    return state


def _replayed(clean, state) -> DedupIndex:
    """The index as the segments define it, built in memory."""
    live = {}
    for _, removed, kept in read_segments(clean, state.segments):
        for doc_id in removed:
            live.pop(doc_id, None)
        live.update(kept)
    index = DedupIndex(CONFIG)
    for doc_id, fp in live.items():
        index.add(doc_id, fp)
    return index


def _queries():
    stories = [1, 2, 3, 4, 5, 6, 7, 8, 9, 20]
    texts = [_edited(_story(n), n) for n in stories] + [_story(n) for n in stories] + [_story(99)]
    return fingerprint_texts(texts, CONFIG)


@pytest.mark.parametrize("chunk", [3, 1 << 22])
def test_extended_run_by_run_answers_as_the_segments_say(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(packed_index, "_CHUNK", chunk)  # 3: every merge crosses many chunk boundaries
    clean = tmp_path / "clean"
    state = _write_runs(clean, RUNS)
    for upto in range(1, len(RUNS) + 1):  # one run published at a time: each load extends the last packing
        partial = State(segments=state.segments[:upto], index_key=state.index_key)
        index = load_index(clean, partial, CONFIG)
        expected = _replayed(clean, partial)
        assert len(index) == len(expected.ids)
        for fp in _queries():
            assert index.candidates(fp) == expected.candidates(fp)
            assert index.exact_match(fp.exact) == expected.exact_match(fp.exact)
    assert len(list((clean / STATE / "packed").iterdir())) == 1  # superseded packings are deleted

    # Packed in one go from all segments: the same arrays.
    extended = index.packed
    fresh = tmp_path / "fresh"
    state = _write_runs(fresh, RUNS)
    once = load_index(fresh, state, CONFIG).packed
    for name in ("keys", "key_rows", "exact", "exact_rows", "idh", "id_rows"):
        got, want = getattr(extended, name), getattr(once, name)
        assert len(got) == len(want)
        # Rows are numbered in the order articles were packed; the sets agree.
    assert sorted(packed_index.iter_packed_ids(extended)) == sorted(packed_index.iter_packed_ids(once)) \
        == ["a", "b", "d", "e", "f", "g", "h", "i"]


def test_a_run_that_takes_out_and_adds_back_an_id_sees_only_the_new_version(tmp_path):
    clean = tmp_path / "clean"
    state = _write_runs(clean, RUNS[:1])
    index = load_index(clean, state, CONFIG)
    old_a, new_a = fingerprint_texts([_story(1), _story(50)], CONFIG)
    index.remove("a")  # a's raw file changed
    assert index.candidates(old_a) == [] and index.exact_match(old_a.exact) is None
    index.add("a", new_a)
    assert index.candidates(new_a) == ["a"] and index.exact_match(new_a.exact) == "a"
    assert index.candidates(old_a) == []


def test_deleting_the_packed_index_is_safe(tmp_path):
    import shutil
    clean = tmp_path / "clean"
    state = _write_runs(clean, RUNS)
    first = load_index(clean, state, CONFIG)
    shutil.rmtree(clean / STATE / "packed")
    again = load_index(clean, state, CONFIG)
    for fp in _queries():
        assert again.candidates(fp) == first.candidates(fp)


def test_an_empty_published_corpus_packs_to_empty_arrays_and_is_extended(tmp_path):
    clean = tmp_path / "clean"
    index = load_index(clean, State(), CONFIG)
    fp = fingerprint_texts([_story(1)], CONFIG)[0]
    assert len(index) == 0 and index.candidates(fp) == [] and index.exact_match(fp.exact) is None
    state = _write_runs(clean, RUNS[:1])
    index = load_index(clean, state, CONFIG)  # extends the empty packing
    assert len(index) == 4 and index.candidates(fp) == ["a"] and index.exact_match(fp.exact) == "a"


def test_what_a_run_killed_while_packing_left_is_ignored_and_deleted(tmp_path):
    import shutil
    clean = tmp_path / "clean"
    state = _write_runs(clean, RUNS)
    partial = State(segments=state.segments[:2], index_key=state.index_key)
    first = load_index(clean, partial, CONFIG).packed
    root = clean / STATE / "packed"
    left = root / ".tmp-1-dead"
    shutil.copytree(first.path, left)  # complete but never renamed: as good as garbage
    (left / "keys.npy").write_bytes(b"torn")
    index = load_index(clean, state, CONFIG)
    assert [p.name for p in root.iterdir()] == [index.packed.path.name]
    expected = _replayed(clean, state)
    for fp in _queries():
        assert index.candidates(fp) == expected.candidates(fp)
