from pathlib import Path
import os

import pytest

from pipeline.config import DedupConfig
from pipeline.corpus import State, StateError, atomic_write, plan_batch


def test_atomic_write_replaces_whole_file_and_leaves_no_temporaries(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    atomic_write(target, "first")
    atomic_write(target, "second")
    assert target.read_text() == "second"
    assert os.listdir(target.parent) == ["a.txt"]
    assert target.stat().st_mode & 0o044  # readable by consumers, not only the owner


def test_atomic_write_cleans_up_on_failure(tmp_path):
    with pytest.raises(TypeError):
        atomic_write(tmp_path / "a.txt", 42)
    assert os.listdir(tmp_path) == []


def test_plan_is_stable_and_skips_what_the_ledger_has(tmp_path, monkeypatch):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "a.txt").write_text("one")
    (raw / "b.html").write_text("two")
    first = plan_batch(raw, clean, "cfg", shard_size=1)
    again = plan_batch(raw, clean, "cfg", shard_size=1)
    assert first.run == again.run and [f.id for f in first.files] == ["a", "b"]
    assert first.shards == [[0], [1]]
    assert plan_batch(raw, clean, "other-settings", shard_size=1).run != first.run
    # Nor is a run interrupted under another layout of a run's files resumed.
    from pipeline import corpus
    with monkeypatch.context() as patched:
        patched.setattr(corpus, "BATCH_FORMAT", corpus.BATCH_FORMAT + 1)
        assert plan_batch(raw, clean, "cfg", shard_size=1).run != first.run
    state = State(ledger={f.path: {"size": f.size, "mtime_ns": f.mtime_ns, "hash": f.hash, "id": f.id, "kept": []}
                          for f in first.files})
    assert plan_batch(raw, clean, "cfg", 10, state) is None
    os.utime(raw / "a.txt", ns=(1, 1))  # touched, same content: still nothing to do
    assert plan_batch(raw, clean, "cfg", 10, state) is None
    (raw / "a.txt").write_text("changed")
    changed = plan_batch(raw, clean, "cfg", 10, state)
    assert [f.path for f in changed.files] == ["a.txt"] and changed.files[0].id == "a"


def test_ids_that_would_collide_keep_their_extension(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "story.txt").write_text("a")
    (raw / "story.html").write_text("b")
    plan = plan_batch(raw, tmp_path / "clean", "cfg", 10)
    assert sorted(f.id for f in plan.files) == ["story", "story.txt"]


def test_no_file_id_reads_as_a_jsonl_records_id(tmp_path):
    """``a.jsonl``'s records are ``a#1``, ``a#2``…: a file named ``a#2.txt``
    (or ``a#2`` without an extension) must not take one of those ids."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a#2.txt", "a#3", "a.jsonl", "b#x.txt", "c#12.html.gz"):
        (raw / name).write_text("x")
    ids = {f.path: f.id for f in plan_batch(raw, tmp_path / "clean", "cfg", 10).files}
    assert ids == {"a#2.txt": "a#2.txt", "a#3": "a#3#file", "a.jsonl": "a", "b#x.txt": "b#x",
                   "c#12.html.gz": "c#12.html.gz"}


def test_text_names_fit_the_file_system():
    from pipeline.corpus import NAME_MAX, text_name
    assert text_name("sub/story") == "sub/story.txt"
    assert text_name("x" * 251) == "x" * 251 + ".txt"  # 255 bytes: fits
    for doc_id in ("x" * 249 + "#10", "sub/" + "é" * 126, "y" * 252 + ".html"):
        name = text_name(doc_id)
        folder, _, last = name.rpartition("/")
        assert len(last.encode("utf-8")) <= NAME_MAX and name.endswith(".txt")
        assert folder == doc_id.rpartition("/")[0] and name == text_name(doc_id)
    assert text_name("x" * 249 + "#10") != text_name("x" * 249 + "#11")


def test_no_text_name_is_a_folder_of_another_text():
    from pipeline.corpus import text_name
    ids = ["a", "a.txt/b", "a.txt~/b", "a.txt~~/b", "x/a.txt/b.txt/c", "a.txt", "notes.txt.bak/d"]
    names = [text_name(i) for i in ids]
    assert names[:3] == ["a.txt", "a.txt~/b.txt", "a.txt~~/b.txt"]
    assert names[4] == "x/a.txt~/b.txt~/c.txt" and names[6] == "notes.txt.bak/d.txt"
    folders = {f for n in names for f in (str(p) for p in Path(n).parents) if f != "."}
    assert len(set(names)) == len(names) and not folders & set(names)
    # The old place of a text is never the new place of another's.
    from pipeline.corpus import legacy_text_path
    old = {str(legacy_text_path(Path("c"), i)) for i in ids} - {"None"}
    assert old == {"c/a.txt/b.txt", "c/x/a.txt/b.txt/c.txt"}
    assert not old & {f"c/{n}" for n in names}


def test_state_roundtrip_and_index_settings_guard(tmp_path):
    state = State(index_key=DedupConfig().index_key(), segments=["r1"])
    state.save(tmp_path)
    loaded = State.load(tmp_path)
    assert loaded.segments == ["r1"]
    loaded.check_index(DedupConfig(threshold=0.7))  # threshold is not baked into signatures
    with pytest.raises(StateError, match="shingle"):
        loaded.check_index(DedupConfig(shingle_size=3))
    with pytest.raises(StateError, match="tokens=2"):
        loaded.check_index(DedupConfig(tokens=1))


def test_a_clean_folder_keeps_the_word_scheme_its_index_was_built_with(tmp_path):
    from pipeline.corpus import index_tokens
    assert index_tokens(tmp_path) == DedupConfig().tokens  # nothing published: the newest
    State(index_key=DedupConfig(tokens=1).index_key()).save(tmp_path)  # as folders built before it was named
    assert index_tokens(tmp_path) == 1
    State(index_key=DedupConfig().index_key()).save(tmp_path)
    assert index_tokens(tmp_path) == DedupConfig().tokens


def test_the_ledger_is_a_sorted_file_merged_run_by_run_and_a_version_1_state_is_read(tmp_path):
    import json
    from pipeline.corpus import STATE
    entry = {"size": 1, "mtime_ns": 1, "hash": "h", "id": "x", "kept": ["x"]}
    state_dir = tmp_path / STATE
    state_dir.mkdir()
    (state_dir / "state.json").write_text(json.dumps({  # as version 1 wrote it: the ledger inside
        "version": 1, "ledger": {"b.txt": dict(entry, id="b"), "a.txt": dict(entry, id="a")},
        "segments": ["r1"], "index_key": None, "runs": []}))
    state = State.load(tmp_path)
    assert "a.txt" in state.ledger and "c.txt" not in state.ledger
    state.save(tmp_path, {"c.txt": dict(entry, id="c"), "0.txt": dict(entry, id="0"),
                          "b.txt": dict(entry, id="b2")}, name="r2")
    lines = [json.loads(line) for line in (state_dir / "ledger" / "r2.jsonl").read_text().splitlines()]
    assert [(r["path"], r["id"]) for r in lines] == [("0.txt", "0"), ("a.txt", "a"), ("b.txt", "b2"), ("c.txt", "c")]
    loaded = State.load(tmp_path)
    assert json.loads((state_dir / "state.json").read_text())["version"] == 2 and loaded.segments == ["r1"]
    assert loaded.ledger.select(["b.txt", "zzz"]) == {"b.txt": dict(entry, id="b2")}
    loaded.save(tmp_path, {"d.txt": dict(entry, id="d")}, name="r3")
    assert sorted(p.name for p in (state_dir / "ledger").iterdir()) == ["r3.jsonl"]  # the superseded one is gone
    assert [p for p, _ in State.load(tmp_path).ledger] == ["0.txt", "a.txt", "b.txt", "c.txt", "d.txt"]


def test_missing_raw_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        plan_batch(tmp_path / "nope", tmp_path / "clean", "cfg", 10)


def test_deciding_a_run_that_is_already_published_is_refused(tmp_path):
    """With several workers, a worker may be handed DeduplicateRun after
    another published the run; deciding again would call every article a
    copy of itself and empty the run's index segment."""
    from pipeline.batch import RunAlreadyPublished, decide
    from pipeline.corpus import Plan
    State(segments=["run1"], index_key=DedupConfig().index_key()).save(tmp_path)
    with pytest.raises(RunAlreadyPublished):
        decide(str(tmp_path), Plan(run="run1", files=[], shards=[]), [], DedupConfig())


def test_stale_temporaries_of_a_killed_run_are_removed(tmp_path):
    from pipeline.corpus import remove_stale_temporaries
    top = tmp_path / ".story.txt.ab12cd_9.tmp"
    index = tmp_path / ".state" / "index" / ".run1.npz.zz99yy88.tmp"
    luigi_own = tmp_path / ".state" / "batches" / "run1" / ".decisions.jsonl.ab12cd34.tmp"
    keep = tmp_path / "story.txt"
    for p in (top, index, luigi_own, keep):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    assert remove_stale_temporaries(tmp_path) == 2
    assert not top.exists() and not index.exists() and luigi_own.exists() and keep.exists()


def test_shards_are_even_in_bytes_and_capped_in_files(tmp_path):
    from pipeline.corpus import PlannedFile, _shards

    def planned(sizes):
        return [PlannedFile(path=f"f{i}.txt", id=f"f{i}", hash="h", size=n, mtime_ns=0) for i, n in enumerate(sizes)]

    files = planned([10] * 9)
    assert [len(s) for s in _shards(files, 4)] == [3, 3, 3]
    assert [len(s) for s in _shards(files, 9)] == [9]
    assert [len(s) for s in _shards(files, 1)] == [1] * 9
    assert sum(_shards(files, 4), []) == list(range(9))
    # Big texts first, small ones after: shards split the cost (the bytes,
    # plus 2 KB a file), not the count.
    uneven = planned([200_000] * 4 + [18_000] * 40)
    assert [len(s) for s in _shards(uneven, 40)] == [4, 40]  # 808,000 and 800,000
    assert max(len(s) for s in _shards(uneven, 30)) <= 30  # the file cap still holds
    # An HTML page costs about 512 KB more than its size, small or not.
    pages = [PlannedFile(path=f"p{i}.html", id=f"p{i}", hash="h", size=n, mtime_ns=0)
             for i, n in enumerate([10_000] * 10 + [200_000] * 10)]
    assert [len(s) for s in _shards(pages, 12)] == [11, 9]  # 5.93 and 6.41 MB of cost
    # A large run gets enough shards for the workers to balance.
    assert len(_shards(planned([10] * 900), 500)) >= 8
    # HTML pages (~0.5 MB of cost each) go about 48 to a shard, well under
    # the file cap, so that the workers finish close together.
    many = [PlannedFile(path=f"p{i}.html", id=f"p{i}", hash="h", size=0, mtime_ns=0) for i in range(300)]
    assert sorted(len(s) for s in _shards(many, 500)) == [42] + [43] * 6


def test_shards_leave_no_remainder_and_fill_the_last_round_of_workers():
    """Files of uneven size under a file cap: the shards are even, with no
    small remainder shard that one worker runs alone at the end, and a run
    of at least as many shards as workers gets a multiple of them."""
    import random

    from pipeline.corpus import PlannedFile, _shards

    rng = random.Random(1)
    files = [PlannedFile(path=f"f{i}.txt", id=f"f{i}", hash="h", size=rng.randint(500, 6000), mtime_ns=0)
             for i in range(9815)]
    for workers in (1, 2, 3, 4):
        shards = _shards(files, 1000, workers=workers)
        sizes = [len(s) for s in shards]
        assert sum(shards, []) == list(range(len(files)))  # every file once, in order
        assert max(sizes) <= 1000
        assert min(sizes) >= 0.7 * max(sizes), sizes
        if workers > 1:
            assert len(shards) % workers == 0, (workers, sizes)
    # Fewer shards than workers: not split further (a shard finds a site's
    # chrome by lines recurring across its documents).
    small = [PlannedFile(path=f"s{i}.txt", id=f"s{i}", hash="h", size=100, mtime_ns=0) for i in range(30)]
    assert len(_shards(small, 1000, workers=4)) == 1
    # Nor rounded up below MIN_SHARD_FILES documents a shard: 340 files make
    # 3 shards, not 4 of 85.
    some = [PlannedFile(path=f"m{i}.txt", id=f"m{i}", hash="h", size=2000, mtime_ns=0) for i in range(340)]
    assert len(_shards(some, 1000, workers=1)) == len(_shards(some, 1000, workers=2)) == 3
    # A file too big for its share still leaves every shard within the file cap.
    lopsided = [PlannedFile(path=f"l{i}.txt", id=f"l{i}", hash="h", size=n, mtime_ns=0)
                for i, n in enumerate([10**6, 1, 1, 1, 1])]
    assert max(len(s) for s in _shards(lopsided, 2)) <= 2


def test_an_exports_lines_are_hashed_as_the_reader_numbers_them(tmp_path):
    """``jsonl_lines``: the file's content hash, and a hash and end offset
    per line as ``read_source`` numbers the lines, also for a line longer
    than the chunks the file is read in, a CRLF line and a last line
    without a newline; of a compressed export, the lines of its text."""
    import gzip
    import json

    import xxhash

    from pipeline.sources import content_hash, jsonl_lines
    lines = [b'{"text": "a"}', b"", b'{"text": "' + b"long " * 500_000 + b'"}', b"  ", b'{"text": "b"}\r',
             b'{"text": "c"}']
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\n".join(lines))  # (no final newline)
    found = jsonl_lines(path)
    assert found.digest == content_hash(path) and found.content
    assert found.hashes.tolist() == [xxhash.xxh3_64_intdigest(line) for line in lines]
    assert found.ends.tolist() == [sum(len(x) + 1 for x in lines[:i + 1]) for i in range(len(lines) - 1)] + \
        [path.stat().st_size]
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert len(jsonl_lines(path).hashes) == len(lines)
    (tmp_path / "blank.jsonl").write_bytes(b"\n \n")
    assert not jsonl_lines(tmp_path / "blank.jsonl").content
    # A compressed export: the lines of its text, its hash the file's.
    import lzma

    import zstandard
    for name, compress in (("zipped.jsonl", gzip.compress), ("packed.jsonl.xz", lzma.compress)):
        (tmp_path / name).write_bytes(compress(b"\n".join(lines)))
        found = jsonl_lines(tmp_path / name)
        assert found.compressed and found.digest == content_hash(tmp_path / name)
        assert found.hashes.tolist() == [xxhash.xxh3_64_intdigest(line) for line in lines]
    (tmp_path / "frames.jsonl.zst").write_bytes(zstandard.compress(b"\n".join(lines)))
    assert jsonl_lines(tmp_path / "frames.jsonl.zst") is None  # its reader cannot be entered at an offset
    zipped = gzip.compress(b"\n".join(lines))
    (tmp_path / "cut.jsonl.gz").write_bytes(zipped[:len(zipped) // 2])
    assert jsonl_lines(tmp_path / "cut.jsonl.gz") is None  # read whole, the shard says why


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("compressed", [False, True])
def test_the_parts_of_a_changed_export_are_its_changed_lines(tmp_path, monkeypatch, seed, compressed):
    """``_changed_parts``: the parts hold every line that differs from the
    published version or is new, no line twice, at most JSONL_PART_LINES
    each, and between two changed lines read in one part no more than
    CHANGED_GAP_LINES - 1 unchanged ones; read through ``read_source``,
    they give the records of those lines. A compressed export's changed
    lines are read from the first to the last, in at most
    COMPRESSED_MAX_PARTS parts (each decompresses the export up to where it
    starts)."""
    import json
    import random

    from pipeline import corpus
    from pipeline.config import ReadConfig
    from pipeline.sources import jsonl_lines, read_source
    monkeypatch.setattr(corpus, "JSONL_PART_LINES", 7)
    rng = random.Random(seed)
    old = [json.dumps({"text": f"story {n}"}) if rng.random() < 0.9 else "" for n in range(rng.randint(0, 60))]
    new = [line if rng.random() < 0.7 else json.dumps({"text": f"new {n}"}) for n, line in enumerate(old)]
    new = new[:rng.randint(0, len(new))] + [json.dumps({"text": f"more {n}"}) for n in range(rng.randint(1, 20))]
    import gzip
    path = tmp_path / "feed.jsonl"

    def write(lines):
        text = "".join(line + "\n" for line in lines).encode()
        path.write_bytes(gzip.compress(text) if compressed else text)

    write(old)
    published = jsonl_lines(path).hashes
    write(new)
    parts = corpus._changed_parts(jsonl_lines(path), published)
    read = [n for _, _, first, count in parts for n in range(first, first + count)]
    changed = [n + 1 for n, line in enumerate(new) if n >= len(old) or old[n] != line]
    assert len(read) == len(set(read)) and set(changed) <= set(read) <= set(range(1, len(new) + 1))
    if compressed:
        assert read == list(range(changed[0], changed[-1] + 1))
        assert len(parts) <= corpus.COMPRESSED_MAX_PARTS and all(count <= 7 for *_, count in parts)
    else:
        assert all(count <= 7 for *_, count in parts)
        unchanged = sorted(set(read) - set(changed))
        assert all(any(0 < c - n < corpus.CHANGED_GAP_LINES for c in changed) for n in unchanged)
    docs = [d for part in parts for d in read_source(tmp_path, "feed.jsonl", "feed", ReadConfig(), part)]
    assert [d.id for d in docs] == [f"feed#{n}" for n in read if new[n - 1]]
    assert [d.text for d in docs] == [json.loads(new[n - 1])["text"] for n in read if new[n - 1]]


def test_line_hashes_are_kept_for_exports_long_enough_to_be_worth_it(tmp_path):
    """A plan holds the line hashes of the exports of LINE_HASHES_MIN_LINES
    lines or more (compressed ones too), by content hash; a shorter export
    and a text file are read whole when they change."""
    import gzip
    import json

    from pipeline import corpus
    raw = tmp_path / "raw"
    raw.mkdir()
    record = json.dumps({"text": "story"}) + "\n"
    (raw / "long.jsonl").write_text(record * corpus.LINE_HASHES_MIN_LINES)
    (raw / "short.jsonl").write_text(record * (corpus.LINE_HASHES_MIN_LINES - 1))
    (raw / "zipped.jsonl.gz").write_bytes(gzip.compress((record * 100).encode()))
    (raw / "story.txt").write_text("story")
    plan = plan_batch(raw, tmp_path / "clean", "cfg", 10)
    [long] = [f for f in plan.files if f.path == "long.jsonl"]
    [zipped] = [f for f in plan.files if f.path == "zipped.jsonl.gz"]
    assert sorted(plan.line_hashes) == sorted([long.hash, zipped.hash])
    assert len(plan.line_hashes[long.hash]) == corpus.LINE_HASHES_MIN_LINES
    corpus.write_plan(tmp_path / "clean", plan)
    assert (corpus.batch_dir(tmp_path / "clean", plan.run) / corpus.LINES / f"{long.hash}.npy").exists()
