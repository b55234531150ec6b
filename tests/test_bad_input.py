"""A raw folder full of what scrapers really save, through the Luigi
command: the run goes on, every file is accounted for with a clear status,
nothing outside the raw folder is read and nothing outside the clean folder
is written."""
import gzip
import json
import os

from conftest import run_luigi

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
    slow = Document(id="slow", source="slow.txt", text="\n".join([ARTICLE] * 3000), kind="text")
    fine = Document(id="fine", source="fine.txt", text=ARTICLE, kind="text")
    out = {d.id: d for d in clean_documents([slow, fine], CleanConfig(doc_time_limit=0.05))}
    assert (out["slow"].status, out["slow"].reason) == ("rejected", "timeout")
    assert out["fine"].status == "kept"
