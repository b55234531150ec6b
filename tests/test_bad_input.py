"""A raw folder full of what scrapers really save, through the Luigi
command: the run goes on, every file is accounted for with a clear status,
nothing outside the raw folder is read and nothing outside the clean folder
is written."""
import gzip
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from conftest import as_other_user, run_luigi

ARTICLE = ("The harbour authority said on Monday that dredging of the main channel would begin in April and take "
           "about six weeks, during which larger vessels would have to wait for high tide at the outer anchorage. "
           "Fishing boats will be allowed to use the eastern berth, which is deep enough at all states of the tide.")


def _manifest(clean):
    return {r["id"]: r for r in map(json.loads, (clean / "manifest.jsonl").read_text(encoding="utf-8").splitlines())}


def test_garbage_folder_is_accounted_for(tmp_path):
    raw, clean, outside = tmp_path / "raw", tmp_path / "clean", tmp_path / "outside"
    raw.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(ARTICLE + " This text lives outside the raw folder.", encoding="utf-8")
    files = {
        "good.txt": ARTICLE.encode(),
        "image.html": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
        "report.html": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40,
        "broken-utf8.txt": ARTICLE.encode() + b" \xff\xfe\xfa caf\xe9 \xc3",
        "utf16.txt": ARTICLE.encode("utf-16"),
        "cp1252-declared.html": (f"<html><head><meta charset='windows-1252'></head><body><article><p>{ARTICLE}"
                                 " Caf\u00e9 \u2018quoted\u2019.</p></article></body></html>").encode("cp1252"),
        "latin1-undeclared.txt": (ARTICLE + " Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e.").encode("latin-1"),
        "empty.txt": b"",
        "blank.txt": b" \n\t\n  \n",
        "bomb.txt.gz": gzip.compress(b"a " * (20 * 1024 * 1024)),
        "deep.html": b"<html><body>" + b"<div>" * 100_000 + ARTICLE.encode() + b"</div>" * 100_000 + b"</body></html>",
        "feed.jsonl": b"\n".join([json.dumps({"text": ARTICLE + " From the feed."}).encode(), b"{not json",
                                  json.dumps({"text": 42}).encode(), json.dumps(["a", "list"]).encode()]),
        "with space.txt": (ARTICLE + " A file name with spaces.").encode(),
        "caf\u00e9 \u65b0\u95fb.txt": (ARTICLE + " A file name in other scripts.").encode(),
        "new\nline.txt": (ARTICLE + " A file name with a newline.").encode(),
    }
    for name, data in files.items():
        (raw / name).write_bytes(data)
    with open(raw / "huge.txt", "wb") as fh:  # 100 MB (sparse): refused by size before it is read
        fh.write(ARTICLE.encode())
        fh.truncate(100 * 1024 * 1024)
    files["huge.txt"] = b""
    os.symlink(outside / "secret.txt", raw / "link-out.txt")
    os.symlink(outside, raw / "dir-out")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if clean not in p.parents and p != clean}

    result = run_luigi(raw, clean, "--max-doc-bytes", str(16 * 1024 * 1024))
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = _manifest(clean)
    # Every file but the links out of the folder has at least one record.
    sources = {r["source"].split("#")[0] for r in manifest.values()}
    assert sources == set(files), set(files) ^ sources
    by_source = {}
    for r in manifest.values():
        by_source.setdefault(r["source"].split("#")[0], []).append(r)
    status = {name: [(r["status"], r.get("reason")) for r in recs] for name, recs in by_source.items()}
    assert status["good.txt"][0][0] in ("kept", "duplicate")
    assert status["image.html"][0][0] == "rejected" and status["report.html"][0][0] == "rejected"
    assert status["empty.txt"] == [("rejected", "empty")] and status["blank.txt"] == [("rejected", "empty")]
    assert status["bomb.txt.gz"] == [("rejected", "too_large")]
    assert status["huge.txt"] == [("rejected", "too_large")]
    assert status["deep.html"] == [("rejected", "no_article_found")]  # lxml refuses 100,000 levels
    for name in ("good.txt", "broken-utf8.txt", "utf16.txt", "latin1-undeclared.txt", "with space.txt", "new\nline.txt"):
        assert status[name][0][0] in ("kept", "duplicate"), (name, status[name])
    assert status["cp1252-declared.html"][0][0] in ("kept", "duplicate", "rejected")
    assert sorted(s for s, _ in status["feed.jsonl"]).count("rejected") == 3
    # Nothing outside the raw folder was read, nothing outside the clean folder written.
    assert not any("secret" in r["source"] or "outside" in r["source"] for r in manifest.values())
    assert "lives outside the raw folder" not in "".join(p.read_text(encoding="utf-8", errors="replace")
                                                            for p in clean.rglob("*.txt"))
    after = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if clean not in p.parents and p != clean}
    assert after == before


def test_a_document_over_the_time_limit_is_rejected_and_the_rest_go_on():
    from pipeline.clean import clean_documents
    from pipeline.config import CleanConfig
    from pipeline.document import Document
    clean_documents([Document(id="warm", source="warm.txt", text=ARTICLE)], CleanConfig())  # load the models first
    # 20,000 different lines take the cleaner seconds; the limit stops it at 0.3 s.
    slow = Document(id="slow", source="slow.txt", text="\n".join(f"{ARTICLE} ({i})" for i in range(20000)))
    fine = Document(id="fine", source="fine.txt", text=ARTICLE, kind="text")
    out = {d.id: d for d in clean_documents([slow, fine], CleanConfig(doc_time_limit=0.3))}
    assert (out["slow"].status, out["slow"].reason) == ("rejected", "timeout")
    assert out["fine"].status == "kept"


STORY = ("The river authority opened the new flood barrier at Millbrook on Friday, two years after the town's "
         "worst floods in a century.\n\nThe barrier, which cost £14m, can be raised in twenty minutes and protects "
         "about 900 homes, engineers said.\n\nResidents who had campaigned for it said they would sleep better this "
         "winter, though some shops have still not reopened.\n")
OTHER = ("A village school that was due to close in the summer will stay open after a local charity agreed to "
         "fund a second teacher for three years.\n\nParents had collected more than 4,000 signatures, and the "
         "county council said on Tuesday it would review the number of pupils again in 2029.\n\nThe school, "
         "which has 41 pupils, was built in 1874 and is one of the oldest still in use in the county.\n")


def _luigi_as_another_user(base: Path, *args: str) -> tuple[int, str]:
    """The command's own entry point (``luigi.retcodes``) run in a forked
    child that gave up root, so file permissions apply even when the tests
    run as root; returns its exit code and what it wrote to stderr."""
    import importlib

    import luigi.retcodes

    import tasks  # noqa: F401
    # Imported before the child loses access to the interpreter's own files
    # (they may sit in root's home): what a run imports on demand.
    for name in ("multiprocessing.queues", "multiprocessing.synchronize", "multiprocessing.connection",
                 "luigi.lock", "mmap", "pipeline.batch", "pipeline.report", "pipeline.linemodel", "pipeline.spam"):
        importlib.import_module(name)
    from pipeline import compiled
    compiled.warm_up()  # numba's llvmlite finds its shared library through importlib.resources, on first use
    err = base / f"stderr-{len(list(base.glob('stderr-*')))}.txt"

    def run() -> int:
        os.chdir(base)
        os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT, 0o644), 2)
        sys.stderr = os.fdopen(2, "w", buffering=1)
        # Luigi sets its logging up once per process: if an earlier test in
        # this one did, its handlers still write to the stream of then.
        import logging
        for logger in (logging.getLogger(), logging.getLogger("luigi-interface"), logging.getLogger("luigi")):
            for handler in logger.handlers:
                if type(handler) is logging.StreamHandler:
                    handler.setStream(sys.stderr)
        try:
            luigi.retcodes.run_with_retcodes(["--module", "tasks", "CleanCorpus", *args,
                                              "--lock-pid-dir", str(base / "pids")])
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 1
        return 0

    code = as_other_user(run)
    return code, err.read_text(encoding="utf-8")


def test_file_names_that_are_not_utf8_are_reported_not_a_failed_run(tmp_path):
    """Linux allows any bytes in a name; the manifest, ledger and texts are
    UTF-8. Such a file (or a file in such a folder) was a UnicodeEncodeError
    at planning, and nothing was published: now it is one rejection record
    each, one line and exit code 30, and the rest is published."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (Path(os.fsdecode(bytes(raw) + b"/caf\xe9.txt"))).write_text(ARTICLE.replace("harbour", "river"))
    folder = Path(os.fsdecode(bytes(raw) + b"/d\xfcsseldorf"))
    folder.mkdir()
    (folder / "story.txt").write_text(ARTICLE.replace("harbour", "canal"))
    result = run_luigi(raw, clean)
    assert result.returncode == 30, result.stderr[-3000:]
    assert "ERROR: CleanCorpus: 2 raw files could not be read: caf\\xe9.txt (file name not UTF-8, rename it), " \
           "d\\xfcsseldorf/story.txt (file name not UTF-8, rename it)" in result.stderr
    assert "Traceback" not in result.stderr
    records = _manifest(clean)
    assert records["good"]["status"] == "kept"
    for doc_id in ("caf\\xe9", "d\\xfcsseldorf/story"):
        assert (records[doc_id]["status"], records[doc_id]["reason"]) == \
            ("rejected", "unreadable: file name not UTF-8, rename it")
    assert run_luigi(raw, clean).returncode == 0  # said once
    os.rename(bytes(raw) + b"/caf\xe9.txt", raw / "cafe.txt")
    assert run_luigi(raw, clean).returncode == 0
    cafe = _manifest(clean)["cafe"]
    assert (cafe["status"], cafe["duplicate_of"]) == ("duplicate", "good")  # read at last (one word differs)


def test_an_unreadable_file_is_one_sentence_a_non_zero_exit_and_read_once_it_can_be():
    base = Path(tempfile.mkdtemp(prefix="unreadable-run-"))
    try:
        base.chmod(0o777)
        raw, clean = base / "raw", base / "clean"
        raw.mkdir(mode=0o755)
        raw.chmod(0o755)
        (raw / "barrier.txt").write_text(STORY, encoding="utf-8")
        (raw / "school.txt").write_text(OTHER, encoding="utf-8")
        (raw / "school.txt").chmod(0o000)
        args = ("--raw-dir", str(raw), "--clean-dir", str(clean))

        code, err = _luigi_as_another_user(base, *args)
        assert code == 30, err[-3000:]
        assert "ERROR: CleanCorpus: 1 raw file could not be read: school.txt (Permission denied); everything " \
               "else was published" in err
        assert "Traceback" not in err
        records = {r["source"]: r for r in _manifest(clean).values()}
        assert records["barrier.txt"]["status"] == "kept"
        assert (records["school.txt"]["status"], records["school.txt"]["reason"]) == \
            ("rejected", "unreadable: Permission denied")
        # Nothing new for the pipeline, yet the file is not forgotten: once
        # readable (chmod leaves its mtime alone), the next run reads it.
        assert _luigi_as_another_user(base, *args)[0] == 0
        (raw / "school.txt").chmod(0o644)
        code, err = _luigi_as_another_user(base, *args)
        assert code == 0, err[-3000:]
        records = {r["source"]: r for r in _manifest(clean).values()}
        assert records["school.txt"]["status"] == "kept"
        assert "4,000 signatures" in (clean / records["school.txt"]["path"]).read_text(encoding="utf-8")

        # A published article whose raw file changes and cannot be read keeps its published version.
        (raw / "barrier.txt").chmod(0o000)
        os.utime(raw / "barrier.txt", ns=(time.time_ns(),) * 2)
        code, err = _luigi_as_another_user(base, *args)
        assert code == 30 and "barrier.txt (Permission denied)" in err
        records = {r["source"]: r for r in _manifest(clean).values()}
        assert records["barrier.txt"]["status"] == "kept"
        assert "flood barrier" in (clean / records["barrier.txt"]["path"]).read_text(encoding="utf-8")
        # ... and stays in the dedup index: a copy of it is still a copy.
        (raw / "copy.txt").write_text(STORY, encoding="utf-8")
        code, err = _luigi_as_another_user(base, *args)
        assert code == 0, err[-3000:]  # (the unreadable file was reported once, by the run before)
        records = {r["source"]: r for r in _manifest(clean).values()}
        assert (records["copy.txt"]["status"], records["copy.txt"]["duplicate_of"]) == ("duplicate", "barrier")
        assert records["barrier.txt"]["status"] == "kept"
    finally:
        shutil.rmtree(base)


def test_the_time_limit_holds_when_a_library_swallows_the_interruption():
    import time

    from pipeline.clean import _within_limit
    from pipeline.config import CleanConfig
    swallowed = []

    def stage(doc, config):
        # As a __del__ run by the garbage collector does: the first
        # interruption is swallowed, the work goes on.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                while time.monotonic() < deadline:
                    pass
            except Exception as exc:  # noqa: BLE001 - the library's behaviour under test
                if swallowed:
                    raise
                swallowed.append(exc)

    started = time.monotonic()
    assert _within_limit(stage, None, CleanConfig(doc_time_limit=0.2)) is False
    assert swallowed and time.monotonic() - started < 2
