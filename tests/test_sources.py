import gzip
import json
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import as_other_user
from pipeline.config import ReadConfig
from pipeline.sources import KINDS, discover, read_source, split_name


def test_split_name_drops_extension_and_gz():
    assert split_name("a/b.html.gz") == ("a/b", "html", True)
    assert split_name("story.TXT") == ("story", "text", False)
    assert split_name("feed.jsonl") == ("feed", "jsonl", False)
    assert split_name("picture.png") == ("picture.png", None, False)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet="ab.", min_size=1, max_size=6).filter(lambda p: p not in (".", "..")), min_size=1,
                max_size=3),
       st.sampled_from(["", ".txt", ".TXT", ".html", ".htm", ".jsonl", ".gz", ".html.gz", ".Gz", ".png", "."]))
def test_split_name_reads_suffixes_as_pathlib_does(parts, ending):
    rel = "/".join(parts) + ending
    path = PurePosixPath(rel)
    gz = path.suffix.lower() == ".gz"
    if gz:
        path = path.with_suffix("")
    kind = KINDS.get(path.suffix.lower())
    assert split_name(rel) == (path.with_suffix("").as_posix() if kind else rel, kind, gz)


def test_discover_walks_subfolders_and_skips_hidden(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b")
    (tmp_path / "a.html").write_text("a")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    assert [s.path for s in discover(tmp_path)] == ["a.html", "sub/b.txt"]


def test_the_listing_comes_in_the_order_of_full_paths(tmp_path):
    # The planner walks it beside the ledger, which is sorted by path.
    for rel in ["a0.txt", "a.txt", "a/b.txt", "a/c/d.txt", "a-b/e.txt", "b.txt", "a/b0.txt", "a/b/f.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    paths = [s.path for s in discover(tmp_path)]
    assert paths == sorted(paths) and len(paths) == 8


def test_discover_skips_links_out_of_the_raw_folder(tmp_path):
    raw, outside = tmp_path / "raw", tmp_path / "secret.txt"
    raw.mkdir()
    outside.write_text("not yours")
    (raw / "inside.txt").write_text("mine")
    os.symlink(outside, raw / "link.txt")
    os.symlink(raw / "inside.txt", raw / "alias.txt")
    assert [s.path for s in discover(raw)] == ["alias.txt", "inside.txt"]


def test_unsupported_files_become_rejections(tmp_path):
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    [doc] = read_source(tmp_path, "photo.png", "photo.png")
    assert doc.rejected and doc.reason == "unsupported_format"


def test_gzip_is_read_and_bounded(tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress("Hello world".encode()))
    [doc] = read_source(tmp_path, "a.txt.gz", "a")
    assert doc.text == "Hello world" and doc.kind == "text"
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"0" * 5_000_000))
    [doc] = read_source(tmp_path, "bomb.txt.gz", "bomb", ReadConfig(max_doc_bytes=1_000_000))
    assert doc.rejected and doc.reason == "too_large"


def test_corrupt_gzip_is_rejected(tmp_path):
    (tmp_path / "bad.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    [doc] = read_source(tmp_path, "bad.html.gz", "bad")
    assert doc.rejected and doc.reason == "bad_gzip"


def test_bzip2_xz_and_zstandard_are_read_bounded_and_known_by_their_bytes(tmp_path):
    import bz2
    import lzma

    import zstandard
    body = "<html><body><p>The ferry will run on Sundays from May.</p></body></html>"
    lines = "".join(json.dumps({"text": f"story {n}"}) + "\n" for n in range(1, 4))
    for module, suffix in ((bz2, ".bz2"), (lzma, ".xz"), (zstandard, ".zst")):
        (tmp_path / f"page.html{suffix}").write_bytes(module.compress(body.encode()))
        (tmp_path / f"feed{suffix}.jsonl").write_bytes(module.compress(lines.encode()))  # a plain name
        assert split_name(f"page.html{suffix}") == ("page", "html", True)
        [doc] = read_source(tmp_path, f"page.html{suffix}", "page")
        assert not doc.rejected and doc.text == body and doc.kind == "html", doc.reason
        assert [d.text for d in read_source(tmp_path, f"feed{suffix}.jsonl", "feed")] == \
            ["story 1", "story 2", "story 3"]
        from pipeline.sources import jsonl_ranges
        assert jsonl_ranges(tmp_path / f"feed{suffix}.jsonl", 10, 1) == [(0, -1, 1, 0)]  # read whole
        (tmp_path / f"bomb.txt{suffix}").write_bytes(module.compress(b"0" * 5_000_000))
        [doc] = read_source(tmp_path, f"bomb.txt{suffix}", "bomb", ReadConfig(max_doc_bytes=1_000_000))
        assert doc.rejected and doc.reason == "too_large"
        # Cut off or damaged: rejected with the compression's name, not
        # read as far as it goes nor taken for an unreadable file.
        whole = module.compress(lines.encode() * 50)
        name = {".zst": "zstd"}.get(suffix, suffix[1:])
        (tmp_path / f"cut.jsonl{suffix}").write_bytes(whole[:len(whole) // 2])
        docs = list(read_source(tmp_path, f"cut.jsonl{suffix}", "cut"))
        assert docs[-1].rejected and docs[-1].reason == f"bad_{name}"
        (tmp_path / f"bad.txt{suffix}").write_bytes(whole[:10] + b"garbage" * 20)
        [doc] = read_source(tmp_path, f"bad.txt{suffix}", "bad")
        assert doc.rejected and doc.reason == f"bad_{name}"
    # Zstandard data written in several frames is read through all of them.
    (tmp_path / "frames.jsonl.zst").write_bytes(zstandard.compress(lines[:30].encode()) +
                                                zstandard.compress(lines[30:].encode()))
    assert [d.text for d in read_source(tmp_path, "frames.jsonl.zst", "frames")] == ["story 1", "story 2", "story 3"]


def test_gzip_is_known_by_its_bytes_not_its_name(tmp_path):
    import gzip
    body = "<html><body><p>The ferry will run on Sundays from May.</p></body></html>"
    (tmp_path / "zipped.html").write_bytes(gzip.compress(body.encode()))
    (tmp_path / "plain.html.gz").write_text(body)
    for name, base in (("zipped.html", "zipped"), ("plain.html.gz", "plain")):
        [doc] = read_source(tmp_path, name, base)
        assert not doc.rejected and doc.text == body and doc.kind == "html", doc.reason
    lines = "".join(json.dumps({"text": f"story {n}"}) + "\n" for n in range(1, 4))
    (tmp_path / "feed.jsonl").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "feed2.jsonl.gz").write_text(lines)
    for name, base in (("feed.jsonl", "feed"), ("feed2.jsonl.gz", "feed2")):
        assert [d.text for d in read_source(tmp_path, name, base)] == ["story 1", "story 2", "story 3"]
    # A large gzipped export under a plain name is one part: its offsets are not the text's.
    from pipeline.sources import jsonl_ranges
    assert jsonl_ranges(tmp_path / "feed.jsonl", 10, 1) == [(0, -1, 1, 0)]
    assert len(jsonl_ranges(tmp_path / "feed2.jsonl.gz", 10, 1)) == 3


def test_jsonl_records_and_their_errors(tmp_path):
    lines = [
        json.dumps({"id": 7, "text": "first", "url": "https://x.example/1", "title": "T", "date": "2026-01-02"}),
        "",
        json.dumps({"html": "<p>second</p>"}),
        '{"text": "broken',
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": 42}),
        json.dumps({"title": "no body"}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    docs = list(read_source(tmp_path, "feed.jsonl", "feed"))
    assert [d.id for d in docs] == ["feed#1", "feed#3", "feed#4", "feed#5", "feed#6", "feed#7"]
    assert [d.source for d in docs][0] == "feed.jsonl#1"
    first, second, *bad = docs
    assert first.text == "first" and first.metadata == {"url": "https://x.example/1", "title": "T",
                                                        "date": "2026-01-02", "source_id": "7"}
    assert second.kind == "html" and not second.rejected
    assert [d.reason.split(":")[0] for d in bad] == ["bad_json", "bad_record", "bad_record", "bad_record"]


def test_other_tools_jsonl_exports_are_read_with_their_field_names(tmp_path):
    lines = [  # as news-please writes a record, as a scraper's "content" export, as datatrove nests metadata
        json.dumps({"maintext": "Body one.", "title": "One", "authors": ["Ann Lee", "Bo Park"],
                    "date_publish": "2026-03-01 09:30:00", "source_domain": "x.example", "url": "https://x.example/1"}),
        json.dumps({"content": "Body two.", "raw_html": "  "}),
        json.dumps({"text": "Body three.", "metadata": {"url": "https://y.example/3", "date": "2026-03-02"}}),
        json.dumps({"raw_html": "<p>Body four.</p>", "text": "shorter"}),
        json.dumps({"body": "not a field it knows"}),
        json.dumps({"text": "Body six.", "headline": "Six", "byline": "By Cy Diaz", "published_at": "2026-03-03",
                    "domain": "z.example", "lang": "en-US"}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    one, two, three, four, five, six = read_source(tmp_path, "feed.jsonl", "feed")
    assert (one.text, one.kind) == ("Body one.", "text")
    assert one.metadata == {"title": "One", "author": "Ann Lee, Bo Park", "date": "2026-03-01 09:30:00",
                            "sitename": "x.example", "url": "https://x.example/1"}
    assert (two.text, two.kind) == ("Body two.", "text")  # a blank page beside the text
    assert three.metadata == {"url": "https://y.example/3", "date": "2026-03-02"}
    assert (four.text, four.kind) == ("<p>Body four.</p>", "html")
    assert five.rejected and "'maintext'" in five.reason
    assert six.metadata == {"title": "Six", "author": "By Cy Diaz", "date": "2026-03-03", "sitename": "z.example",
                            "language": "en"}
    # Named fields replace the defaults.
    config = ReadConfig(jsonl_html_fields=(), jsonl_text_fields=("body",))
    *_, five, _ = read_source(tmp_path, "feed.jsonl", "feed", config)
    assert five.text == "not a field it knows"
    assert five.reason is None
    with pytest.raises(ValueError, match="both"):
        ReadConfig(jsonl_text_fields=("text", "html"))


def test_a_jsonl_export_without_records_is_one_rejection(tmp_path):
    (tmp_path / "none.jsonl").write_text("")
    (tmp_path / "blank.jsonl").write_text("\n  \n\n")
    for name, base in (("none.jsonl", "none"), ("blank.jsonl", "blank")):
        [doc] = read_source(tmp_path, name, base)
        assert (doc.id, doc.source, doc.rejected) == (base, name, True)
        assert doc.reason.startswith("empty")
    # One record is enough: no file-level rejection beside it.
    (tmp_path / "one.jsonl").write_text("\n" + json.dumps({"text": "x"}) + "\n\n")
    assert [d.id for d in read_source(tmp_path, "one.jsonl", "one")] == ["one#2"]


def test_an_empty_html_field_gives_way_to_the_text(tmp_path):
    lines = [json.dumps({"html": "", "text": "the article"}), json.dumps({"html": " ", "text": ""}),
             json.dumps({"html": "<p>page</p>", "text": "its text"})]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    docs = list(read_source(tmp_path, "feed.jsonl", "feed"))
    assert [(d.kind, d.text) for d in docs] == [("text", "the article"), ("html", " "), ("html", "<p>page</p>")]


def test_undecodable_and_binary_files_are_rejections(tmp_path):
    (tmp_path / "scan.html").write_bytes(b"%PDF-1.4 binary")
    [doc] = read_source(tmp_path, "scan.html", "scan")
    assert doc.rejected and doc.reason == "binary"


def test_vanished_file_is_a_rejection(tmp_path):
    [doc] = read_source(tmp_path, "gone.txt", "gone")
    assert doc.rejected and doc.reason == "vanished"


def test_unreadable_file_is_a_rejection_with_the_reason():
    # A folder every user can reach (pytest's own tmp folders are private to root).
    base = Path(tempfile.mkdtemp(prefix="unreadable-"))
    try:
        raw = base / "raw"
        raw.mkdir()
        for folder in (base, raw):
            folder.chmod(0o755)
        sentence = "The council met on Tuesday to agree the budget for next year."
        for name, text, mode in (("locked.txt", sentence, 0o000), ("open.txt", sentence, 0o644),
                                 ("feed.jsonl", '{"text": "x"}\n', 0o000)):
            (raw / name).write_text(text)
            (raw / name).chmod(mode)

        def read_all():
            return [(doc.source, doc.reason if doc.rejected else "read")
                    for rel in ("locked.txt", "open.txt", "feed.jsonl") for doc in read_source(raw, rel, rel)]

        rows = as_other_user(read_all) if os.getuid() == 0 else read_all()
    finally:
        shutil.rmtree(base)
    assert rows == [["locked.txt", "unreadable: Permission denied"], ["open.txt", "read"],
                    ["feed.jsonl", "unreadable: Permission denied"]]


def test_discover_skips_a_named_pipe_with_a_warning(tmp_path, caplog):
    (tmp_path / "story.txt").write_text("kept")
    os.mkfifo(tmp_path / "feed.txt")  # opening it to read would wait for a writer forever
    with caplog.at_level("WARNING"):
        assert [s.path for s in discover(tmp_path)] == ["story.txt"]
    assert "feed.txt: not a regular file" in caplog.text


def test_a_jsonl_export_read_in_parts_gives_its_records_once_each(tmp_path):
    """Parts cut anywhere (every line, mid-way through long lines, never)
    read back the records the whole file gives, with their line numbers,
    blank lines and a last line without a newline included."""
    from pipeline.sources import jsonl_ranges, read_source
    records = [json.dumps({"text": f"record {i} " + "word " * (i % 50)}) for i in range(1, 401)]
    for body in ("\n".join(records[:100]) + "\n\n\n" + "\n".join(records[100:]), "\n".join(records) + "\n"):
        (tmp_path / "f.jsonl").write_text(body)
        whole = [(d.id, d.source, d.text) for d in read_source(tmp_path, "f.jsonl", "f")]
        assert len(whole) == 400
        for part_bytes, part_lines in ((1, 10**9), (100, 10**9), (10**9, 1), (10**9, 7), (5000, 33), (10**9, 10**9)):
            parts = jsonl_ranges(tmp_path / "f.jsonl", part_bytes, part_lines)
            got = [(d.id, d.source, d.text) for p in parts for d in read_source(tmp_path, "f.jsonl", "f", part=p)]
            assert got == whole, (part_bytes, part_lines)
            assert sum(p[3] for p in parts) == body.count("\n") + (not body.endswith("\n"))
            assert all(p[3] <= part_lines for p in parts)


def write_warc(path, pages, gzip_records=True):
    """A WARC file as a crawler writes one: its warcinfo, then a request
    and a response record per page; ``pages`` are (url, status, content
    type, body bytes)."""
    import io
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip_records)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "a test"}))
        for url, status, ctype, body in pages:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


PAGE = "<html><body><article><p>The ferry will run on Sundays from May, the council said.</p></article></body></html>"


def test_a_warc_files_html_pages_are_its_documents(tmp_path):
    pages = [("https://x.example/ferry", "200 OK", "text/html; charset=utf-8", PAGE.encode()),
             ("https://x.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n"),
             ("https://x.example/gone", "404 Not Found", "text/html", b"<html><p>Not found</p></html>"),
             ("https://x.example/café", "200 OK", "text/html; charset=windows-1252",
              PAGE.replace("ferry", "café").encode("cp1252"))]
    for name, gzipped in (("crawl.warc.gz", True), ("plain.warc", False)):
        write_warc(tmp_path / name, pages, gzipped)
        docs = list(read_source(tmp_path, name, "crawl"))
        # records: 1 warcinfo, then a request and a response per page
        assert [d.id for d in docs] == ["crawl#3", "crawl#7", "crawl#9"]
        ferry, gone, cafe = docs
        assert ferry.kind == "html" and ferry.text == PAGE and ferry.metadata == {"url": "https://x.example/ferry"}
        assert gone.rejected and gone.reason == "http_status: 404"
        assert "café" in cafe.text and not cafe.rejected
        assert ferry.source == f"{name}#3"


def test_a_warc_file_that_is_empty_cut_off_or_no_warc_is_accounted_for(tmp_path):
    write_warc(tmp_path / "images.warc.gz", [("https://x.example/a.png", "200 OK", "image/png", b"\x89PNG")])
    [doc] = read_source(tmp_path, "images.warc.gz", "images")
    assert doc.id == "images" and doc.rejected and doc.reason.startswith("empty")
    write_warc(tmp_path / "whole.warc.gz", [("https://x.example/ferry", "200 OK", "text/html", PAGE.encode() * 200)])
    data = (tmp_path / "whole.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[:len(data) - 40])
    docs = list(read_source(tmp_path, "cut.warc.gz", "cut"))
    assert docs[-1].rejected and docs[-1].reason == "bad_gzip" and docs[-1].id == "cut"
    (tmp_path / "notes.warc").write_text("Shopping list\n\nmilk\n")
    [doc] = read_source(tmp_path, "notes.warc", "notes")
    assert doc.rejected and doc.reason.startswith("bad_warc")


def test_a_warc_file_read_in_parts_gives_its_pages_once_each(tmp_path):
    from pipeline.sources import warc_ranges
    pages = [(f"https://x.example/{n}", "200 OK" if n % 7 else "404 Not Found", "text/html" if n % 5 else "image/png",
              PAGE.replace("ferry", f"ferry {n}").encode()) for n in range(30)]
    for name, gzipped in (("crawl.warc.gz", True), ("plain.warc", False)):
        write_warc(tmp_path / name, pages, gzipped)
        parts = warc_ranges(tmp_path / name, 3000, 10)
        assert len(parts) > 3 and parts[0][:3] == (0, parts[1][0], 1) and parts[-1][1] == -1
        assert sum(p[3] for p in parts) == 61  # the warcinfo, then a request and a response a page
        whole = [(d.id, d.reason, d.text) for d in read_source(tmp_path, name, "crawl")]
        parted = [(d.id, d.reason, d.text) for p in parts for d in read_source(tmp_path, name, "crawl", part=p)]
        assert parted == whole and len(whole) == 24
    # What cannot be entered at a record, or is cut off, is one part.
    import bz2
    (tmp_path / "crawl.warc.bz2").write_bytes(bz2.compress((tmp_path / "plain.warc").read_bytes()))
    data = (tmp_path / "crawl.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[:-30])
    for name in ("crawl.warc.bz2", "cut.warc.gz"):
        assert warc_ranges(tmp_path / name, 3000, 10) == [(0, -1, 1, 0)]
    assert list(read_source(tmp_path, "cut.warc.gz", "cut"))[-1].reason == "bad_gzip"


def test_an_uncompressed_warc_file_cut_off_anywhere_loses_no_page_silently(tmp_path):
    """warcio gives what there is of a record the file ends in, stops
    without an error in its headers, or fails on what it met: each page
    is read whole, or the file's last document is a rejection."""
    from pipeline.sources import warc_ranges
    pages = [(f"https://x.example/{n}", "200 OK", "text/html", PAGE.replace("ferry", f"ferry {n}").encode() * 3)
             for n in range(3)]
    write_warc(tmp_path / "whole.warc", pages, False)
    data = (tmp_path / "whole.warc").read_bytes()
    starts = [at for at in range(len(data)) if data.startswith(b"WARC/1.", at)]
    ends = starts[1:] + [len(data)]
    responses = [n for n, at in enumerate(starts, start=1) if b"WARC-Type: response" in data[at:at + 300]]
    for cut in range(starts[1] + 1, len(data), 23):
        (tmp_path / "cut.warc").write_bytes(data[:cut])
        whole_pages = {f"cut#{n}" for n in responses if ends[n - 1] <= cut}
        begun = {f"cut#{n}" for n in responses if starts[n - 1] < cut}
        for part in [None, *warc_ranges(tmp_path / "cut.warc", 500, 2)]:
            docs = list(read_source(tmp_path, "cut.warc", "cut", part=part))
            for doc in docs:
                if not doc.rejected:
                    n = responses.index(int(doc.id.split("#")[1]))
                    assert doc.text == pages[n][3].decode(), (cut, doc.id)
            if part is None:
                read = {d.id for d in docs if not d.rejected}
                assert whole_pages <= read <= begun, cut
                assert read == begun or (docs and docs[-1].rejected), cut
