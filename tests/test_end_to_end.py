"""The command a user runs, on folders of the test's own."""
import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT, run_luigi

ARTICLE = ("The {town} rowing club has raised £{n},000 to replace its boathouse roof, which was damaged in "
           "the February storms. Volunteers organised a sponsored row of 200 miles over a weekend, taking "
           "turns on two machines set up in the market square. The club's chair said the new roof would be "
           "fitted in the summer so that junior training can continue through the winter months. The council "
           "has also offered a grant towards new changing rooms, subject to planning permission being granted "
           "later this year by the county.")


def manifest(clean: Path) -> list[dict]:
    return [json.loads(line) for line in (clean / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def by_source(clean: Path) -> dict[str, dict]:
    return {r["source"]: r for r in manifest(clean)}


def test_pipeline_package_never_imports_luigi():
    code = "import sys, pipeline, pipeline.batch, pipeline.corpus; print('luigi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
    for path in (ROOT / "pipeline").glob("*.py"):
        assert "import luigi" not in path.read_text(), path


def test_scheduled_run_with_nothing_new_does_not_load_datasketch():
    # datasketch imports scipy (~0.5 s): half of what a run that finds
    # nothing new would take under cron. It is loaded when there is work.
    code = "import sys, tasks; print('datasketch' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_html_under_the_light_pass_never_loads_the_compiled_models(tmp_path):
    # Each shard is a fresh process: importing numba there cost ~0.3 s of
    # CPU a shard, a fifth of the HTML benchmark's extra time over
    # trafilatura alone. Text still loads it, and so does a page where
    # trafilatura misses the article (the fallback cleans it as text; a run
    # loads numba before its shard processes fork if it has HTML).
    page = ("<html><head><title>Ferry timetable changes</title></head><body><article>"
            + "".join(f"<p>The island ferry will run an extra crossing on {day} from next month, the operator "
                      f"said, after a summer of queues at the harbour.</p>" for day in ("Fridays", "Saturdays", "Sundays"))
            + "</article></body></html>")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    (tmp_path / "note.txt").write_text("The council met on Tuesday to agree the budget for the new library. " * 5,
                                       encoding="utf-8")
    code = ("import sys; from pipeline.clean import clean_documents; from pipeline.config import CleanConfig, ReadConfig; "
            "from pipeline.sources import read_source; "
            "docs = read_source(sys.argv[1], sys.argv[2], 'x', ReadConfig()); "
            "out = clean_documents(docs, CleanConfig()); "
            "print(out[0].status, 'numba' in sys.modules)")
    for name, expected in (("page.html", "kept False"), ("note.txt", "kept True")):
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path), name], capture_output=True, text=True,
                             cwd=ROOT, check=True)
        assert out.stdout.strip() == expected, (name, out.stdout, out.stderr[-2000:])


def test_html_warm_up_builds_what_each_shard_would_build_again():
    # Built once in the scheduling process, inherited by every forked shard:
    # the date parser, jusText's stop lists of all languages, the public
    # suffix list (the last two were 0.37 s of CPU per HTML shard).
    code = ("from pipeline.extract import warm_up; from trafilatura import external; import tld.utils as tld; "
            "before = (external.JT_STOPLIST is not None, bool(tld.tld_names)); warm_up(); "
            "print(*before, external.JT_STOPLIST is not None, bool(tld.tld_names))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False", "True", "True"], out.stderr[-2000:]


def test_sample_run_publishes_clean_articles_and_accounts_for_everything(sample_raw, tmp_path):
    clean = tmp_path / "clean"
    result = run_luigi(sample_raw, clean, "--workers", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    records = by_source(clean)
    # one record per raw document: 6 single-document files and 4 JSONL lines
    assert len(records) == 9
    assert sum(r["status"] == "kept" for r in records.values()) == 6
    copy = records["wire/harbour-solar-copy.txt"]
    assert copy["status"] == "duplicate" and copy["duplicate_of"] == "harbour-solar"
    assert records["exports/valley-post.jsonl#2"]["reason"] in ("too_short", "empty")
    assert records["exports/valley-post.jsonl#4"]["reason"].startswith("bad_json")
    assert records["rail-strike.html"]["title"] == "Rail strike called off after late-night deal"
    assert records["rail-strike.html"]["date"] == "2026-09-03"
    for r in records.values():
        assert set(r) >= {"id", "source", "status", "path", "duplicate_of", "reason", "title", "url", "date",
                          "chars", "sha256", "run"}
        if r["status"] != "kept":
            assert r["path"] is None
            continue
        text = (clean / r["path"]).read_text(encoding="utf-8")
        assert text.endswith("\n") and not text.endswith("\n\n") and "\n\n\n" not in text
        assert unicodedata.is_normalized("NFC", text)
        assert r["chars"] == len(text)
        assert not text.startswith(r["title"] or "\0")
    solar = (clean / "harbour-solar.txt").read_text(encoding="utf-8")
    assert solar.startswith("Port Elsworth switched on") and "Photograph" not in solar and "Donate" not in solar
    assert "Courier" not in solar and "Related" not in solar and "Reply" not in solar
    ledger = (clean / "ledger-returned.txt").read_text(encoding="utf-8")
    assert "GOOD LUCK" not in ledger and "list 1 of" not in ledger and "No fine will be charged" in ledger
    rail = (clean / "rail-strike.txt").read_text(encoding="utf-8")
    assert "“Our members stood firm" in rail and "cheap-tickets" not in rail and "Getty" not in rail
    reports = list((clean / "reports").glob("*/summary.json"))
    assert len(reports) == 1 and json.loads(reports[0].read_text())["documents"] == 9
    assert "kept 6, duplicates 1, rejected 2" in result.stderr
    assert not list(clean.rglob("*.tmp"))


def test_second_run_with_nothing_new_does_nothing(sample_raw, tmp_path):
    clean = tmp_path / "clean"
    assert run_luigi(sample_raw, clean).returncode == 0
    before = {p: p.stat().st_mtime_ns for p in clean.rglob("*") if p.is_file()}
    again = run_luigi(sample_raw, clean)
    assert again.returncode == 0
    assert "complete ones were encountered" in again.stderr and "ran successfully" not in again.stderr
    assert {p: p.stat().st_mtime_ns for p in clean.rglob("*") if p.is_file()} == before


def test_new_batch_is_deduplicated_against_what_was_published(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "first.txt").write_text(ARTICLE.format(town="Halbury", n=18))
    (raw / "other.txt").write_text(ARTICLE.format(town="Elsworth", n=40).replace("boathouse", "clubhouse")
                                   .replace("rowing", "cricket").replace("row", "walk").replace("February", "March")
                                   .replace("junior", "senior").replace("summer", "spring"))
    assert run_luigi(raw, clean).returncode == 0
    first_text = (clean / "first.txt").read_text()
    # The copy is longer and dated: within one batch it would win, but the
    # published article is never replaced by a later copy.
    (raw / "later").mkdir()
    (raw / "later" / "copy.txt").write_text(ARTICLE.format(town="Halbury", n=18) + " Photos: club archive.\n"
                                            + "The club was founded in 1881 and has 240 members.")
    (raw / "later" / "new.txt").write_text(ARTICLE.format(town="Millbrook", n=7).replace("rowing club", "choir")
                                           .replace("boathouse roof", "church organ").replace("storms", "floods")
                                           .replace("sponsored row of 200 miles", "sponsored sing of 24 hours")
                                           .replace("two machines", "two stages").replace("junior training",
                                                                                          "rehearsals"))
    second = run_luigi(raw, clean)
    assert second.returncode == 0, second.stderr[-2000:]
    records = by_source(clean)
    assert records["later/copy.txt"]["status"] == "duplicate"
    assert records["later/copy.txt"]["duplicate_of"] == "first"
    assert records["later/new.txt"]["status"] == "kept"
    assert records["first.txt"]["run"] != records["later/new.txt"]["run"]
    assert (clean / "first.txt").read_text() == first_text
    assert len(manifest(clean)) == 4


def test_a_chinese_copy_is_found_and_an_older_folder_keeps_its_word_scheme(tmp_path):
    from test_dedup import OTHER_ZH, STORY_ZH, edited_zh
    from pipeline.config import DedupConfig
    from pipeline.corpus import STATE, State
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "port.txt").write_text(STORY_ZH)
    (raw / "cruise.txt").write_text(OTHER_ZH)
    assert run_luigi(raw, clean).returncode == 0
    state_file = clean / STATE / "state.json"
    assert json.loads(state_file.read_text())["index_key"]["tokens"] == 2
    (raw / "copy.txt").write_text(edited_zh())
    second = run_luigi(raw, clean)
    assert second.returncode == 0, second.stderr[-2000:]
    assert by_source(clean)["copy.txt"]["duplicate_of"] == "port"
    # A folder whose index was built before the scheme was named keeps the
    # first one, as its signatures were made with it, and so still misses
    # such a copy; its runs go on without an error.
    old_clean = tmp_path / "old-clean"
    (old_clean / STATE).mkdir(parents=True)
    State(index_key=DedupConfig(tokens=1).index_key()).save(old_clean)
    (raw / "copy.txt").rename(tmp_path / "copy.txt")
    assert run_luigi(raw, old_clean).returncode == 0
    (tmp_path / "copy.txt").rename(raw / "copy.txt")
    third = run_luigi(raw, old_clean)
    assert third.returncode == 0, third.stderr[-2000:]
    assert "tokens" not in json.loads((old_clean / STATE / "state.json").read_text())["index_key"]
    assert by_source(old_clean)["copy.txt"]["status"] == "kept"


def test_a_jsonl_export_with_its_own_text_field_is_read_when_named(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "feed.jsonl").write_text(json.dumps({"body": ARTICLE.format(town="Halbury", n=18),
                                                "headline": "Rowing club raises roof money"}) + "\n")
    assert run_luigi(raw, clean).returncode == 0
    assert "neither 'html'" in by_source(clean)["feed.jsonl#1"]["reason"]
    (raw / "feed.jsonl").rename(raw / "feed2.jsonl")
    result = run_luigi(raw, clean, "--jsonl-text-fields", "body")
    assert result.returncode == 0, result.stderr[-2000:]
    assert by_source(clean)["feed2.jsonl#1"]["status"] == "kept"


def test_a_crawls_warc_file_is_published_page_by_page(tmp_path):
    from test_sources import write_warc
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()

    def page(town: str, n: int) -> bytes:
        body = "".join(f"<p>{p}.</p>" for p in ARTICLE.format(town=town, n=n).split(". "))
        return (f"<html><head><title>{town} rowing club</title></head><body><nav><a href='/'>Home</a></nav>"
                f"<article><h1>{town} rowing club raises roof money</h1>{body}</article></body></html>").encode()

    write_warc(raw / "crawl.warc.gz", [("https://x.example/halbury", "200 OK", "text/html", page("Halbury", 18)),
                                       ("https://x.example/style.css", "200 OK", "text/css", b"p { margin: 0 }"),
                                       ("https://y.example/copy", "200 OK", "text/html", page("Halbury", 18)),
                                       ("https://x.example/old", "301 Moved Permanently", "text/html", b"")])
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    records = by_source(clean)
    assert set(records) == {"crawl.warc.gz#3", "crawl.warc.gz#7", "crawl.warc.gz#9"}
    first, copy, moved = records["crawl.warc.gz#3"], records["crawl.warc.gz#7"], records["crawl.warc.gz#9"]
    assert first["status"] == "kept" and first["url"] == "https://x.example/halbury"
    assert "sponsored row of 200 miles" in (clean / "crawl#3.txt").read_text()
    assert copy["status"] == "duplicate" and copy["duplicate_of"] == "crawl#3"
    assert moved["status"] == "rejected" and moved["reason"] == "http_status: 301"
    assert run_luigi(raw, clean).returncode == 0  # nothing new: nothing published twice
    assert len(manifest(clean)) == 3


def _retract(clean: Path, *extra: str) -> subprocess.CompletedProcess:
    from conftest import LUIGI
    env = {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}
    return subprocess.run([str(LUIGI), "--module", "tasks", "Retract", "--clean-dir", str(clean), *extra],
                          cwd=clean.parent, capture_output=True, text=True, env=env, timeout=300)


def _rowing_and_choir_published(tmp_path: Path) -> tuple[Path, Path, str, str]:
    """raw/ and clean/ with two stories published; the folders and the stories."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    rowing, choir, _ = _three_stories()
    (raw / "rowing.txt").write_text(rowing)
    (raw / "choir.txt").write_text(choir)
    assert run_luigi(raw, clean).returncode == 0
    return raw, clean, rowing, choir


def test_a_retracted_article_is_withdrawn_and_never_published_again(tmp_path):
    raw, clean, rowing, choir = _rowing_and_choir_published(tmp_path)
    # Unknown or unpublished ids change nothing.
    before = (clean / "manifest.jsonl").read_text()
    for ids, message in (("rowing,nosuch", "not in the manifest: nosuch"), ("", "no article to retract")):
        result = _retract(clean, "--ids", ids)
        assert result.returncode != 0 and message in result.stderr, result.stderr[-2000:]
    result = _retract(tmp_path / "elsewhere", "--ids", "rowing")
    assert result.returncode != 0 and "no corpus is published" in result.stderr
    assert not (tmp_path / "elsewhere").exists()
    assert (clean / "manifest.jsonl").read_text() == before and (clean / "rowing.txt").exists()

    result = _retract(clean, "--ids", "rowing", "--reason", "takedown request 17")
    assert result.returncode == 0, result.stderr[-2000:]
    record = by_source(clean)["rowing.txt"]
    assert (record["status"], record["reason"], record["path"]) == ("retracted", "takedown request 17", None)
    assert not (clean / "rowing.txt").exists() and (clean / "choir.txt").exists()
    assert _retract(clean, "--ids", "rowing").returncode == 0  # done already: nothing to do
    # A later copy is a copy of the withdrawn article, and a new version of
    # its file is not published either.
    (raw / "later").mkdir()
    (raw / "later" / "copy.txt").write_text(rowing + " The club thanked everyone who took part.")
    (raw / "rowing.txt").write_text(rowing.replace("£", "about £") + " Training resumes on Monday.")
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    records = by_source(clean)
    assert records["later/copy.txt"]["status"] == "duplicate" and records["later/copy.txt"]["duplicate_of"] == "rowing"
    assert records["rowing.txt"]["status"] == "retracted" and records["rowing.txt"]["reason"] == "takedown request 17"
    assert not (clean / "rowing.txt").exists() and not (clean / "later" / "copy.txt").exists()
    assert sorted(p.name for p in clean.glob("**/*.txt")) == ["choir.txt"]


def test_a_withdrawn_article_stays_in_the_index_when_its_file_becomes_a_copy(tmp_path):
    # The withdrawn text's signature must outlive its file: here the file
    # is rewritten as a copy of another article, and a copy of the withdrawn
    # text comes a run later.
    raw, clean, rowing, choir = _rowing_and_choir_published(tmp_path)
    assert _retract(clean, "--ids", "rowing", "--reason", "court order").returncode == 0
    (raw / "rowing.txt").write_text(choir)
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    assert by_source(clean)["rowing.txt"]["status"] == "retracted"
    (raw / "mirror.txt").write_text(rowing + " The club thanked everyone who took part.")
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    record = by_source(clean)["mirror.txt"]
    assert (record["status"], record["duplicate_of"]) == ("duplicate", "rowing")
    assert sorted(p.name for p in clean.glob("**/*.txt")) == ["choir.txt"]


def test_a_file_named_like_a_jsonl_record_loses_nothing(tmp_path):
    """``a#2.txt`` beside ``a.jsonl``: the file and both records are
    published, each under its own id."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    rowing, choir, cricket = _three_stories()
    (raw / "a#2.txt").write_text(rowing)
    (raw / "a.jsonl").write_text("\n".join(json.dumps({"text": t}) for t in (choir, cricket)) + "\n")
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    records = by_source(clean)
    assert {src: (r["id"], r["status"]) for src, r in records.items()} == {
        "a#2.txt": ("a#2.txt", "kept"), "a.jsonl#1": ("a#1", "kept"), "a.jsonl#2": ("a#2", "kept")}
    assert "Halbury" in (clean / "a#2.txt.txt").read_text()
    assert "Millbrook" in (clean / "a#1.txt").read_text() and "Elsworth" in (clean / "a#2.txt").read_text()


def test_a_shorter_jsonl_export_retracts_nothing(tmp_path):
    """A changed JSONL file replaces the records at the lines it still has;
    the articles of lines it no longer has stay published and stay in the
    dedup index."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    rowing, choir, cricket = _three_stories()
    (raw / "feed.jsonl").write_text("\n".join(json.dumps({"text": t}) for t in (rowing, choir, cricket)) + "\n")
    assert run_luigi(raw, clean).returncode == 0
    assert [r["status"] for r in manifest(clean)] == ["kept"] * 3
    corrected = rowing.replace("£18,000", "£19,000")
    (raw / "feed.jsonl").write_text(json.dumps({"text": corrected}) + "\n")
    (raw / "copy.txt").write_text(cricket)
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    records = by_source(clean)
    assert [records[f"feed.jsonl#{n}"]["status"] for n in (1, 2, 3)] == ["kept"] * 3
    assert "£19,000" in (clean / "feed#1.txt").read_text() and "Elsworth" in (clean / "feed#3.txt").read_text()
    assert (records["copy.txt"]["status"], records["copy.txt"]["duplicate_of"]) == ("duplicate", "feed#3")
    # The file grows back: its third line replaces the article published from it.
    (raw / "feed.jsonl").write_text("\n".join(json.dumps({"text": t}) for t in (corrected, choir, rowing)) + "\n")
    assert run_luigi(raw, clean).returncode == 0
    records = by_source(clean)
    assert (records["feed.jsonl#3"]["status"], records["feed.jsonl#3"]["duplicate_of"]) == ("duplicate", "feed#1")
    assert not (clean / "feed#3.txt").exists()


def test_records_a_jsonl_exports_new_version_no_longer_gives_leave_the_manifest(tmp_path):
    """A gzipped export that could not be unpacked is one rejection of the
    file; once it can be read, its records replace that rejection. A bad
    line the export no longer has leaves the manifest too; an article of a
    line it no longer has stays (see the test above)."""
    import gzip
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    rowing, choir, cricket = _three_stories()
    (raw / "feed.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00 cut short")
    (raw / "later.jsonl").write_text("")
    assert run_luigi(raw, clean).returncode == 0
    assert {r["id"]: r["reason"].split(":")[0] for r in manifest(clean)} == {"feed": "bad_gzip", "later": "empty"}
    with gzip.open(raw / "feed.jsonl.gz", "wt") as fh:
        fh.write("\n".join(json.dumps({"text": t}) for t in (rowing, choir)) + "\n")
    (raw / "later.jsonl").write_text(json.dumps({"text": cricket}) + "\n{broken\n")
    assert run_luigi(raw, clean).returncode == 0
    assert {r["id"]: r["status"] for r in manifest(clean)} == {
        "feed#1": "kept", "feed#2": "kept", "later#1": "kept", "later#2": "rejected"}
    (raw / "later.jsonl").write_text(json.dumps({"text": cricket.replace("£40,000", "£41,000")}) + "\n")
    assert run_luigi(raw, clean).returncode == 0
    assert {r["id"]: r["status"] for r in manifest(clean)} == {"feed#1": "kept", "feed#2": "kept", "later#1": "kept"}
    assert "£41,000" in (clean / "later#1.txt").read_text()


@pytest.mark.parametrize("name", ["feed.jsonl", "feed.jsonl.gz"])
def test_a_changed_export_is_read_again_only_where_it_changed(tmp_path, name):
    """A scraper appends to its export, corrects a line, or the export gets
    shorter: a run reads the lines that differ from the published version
    (and new ones), and publishes what reading the whole export again
    publishes. ``whole`` is the same folder with the line hashes taken away
    before each run, as a folder published before they were kept. (The
    export starts with blank lines: hashes are kept from
    LINE_HASHES_MIN_LINES lines on. A gzipped export is written anew each
    time, its bytes all different: its text's lines are compared.)"""
    import gzip

    from pipeline.corpus import LINE_HASHES_MIN_LINES, State
    raw = tmp_path / "raw"
    raw.mkdir()
    rowing, choir, cricket = _three_stories()
    fourth = ("The library in Tarnby will open on Sundays from next month after volunteers offered to staff it. "
              "Readers had asked for weekend hours for years, and a survey last autumn found that most of them "
              "work during the week. The county said the trial would run until the end of the year and be "
              "judged by how many books are borrowed. A reading group for children will meet there every "
              "second Sunday, and the local history society will hold talks in the upstairs room.")
    fifth = ("A bakery on the high street of Ashcombe has won a regional prize for its sourdough, beating more "
             "than sixty entries from across the south west. The owners, who opened the shop four years ago, "
             "said they would put the prize money towards a second oven. Judges praised the crust and the "
             "flavour of the loaf, which is proved for two days before it is baked. Queues formed outside the "
             "shop on Saturday morning as news of the award spread through the town.")
    clean, whole = tmp_path / "clean", tmp_path / "whole"

    def run_both(lines: list[str]) -> dict:
        text = "".join(line + "\n" for line in [""] * LINE_HASHES_MIN_LINES + lines).encode()
        (raw / name).write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
        for folder in (clean, whole):
            shutil.rmtree(whole / ".state" / "lines", ignore_errors=True)
            result = run_luigi(raw, folder)
            assert result.returncode == 0, result.stderr[-2000:]
        assert {r["id"]: {k: v for k, v in r.items() if k != "run"} for r in manifest(clean)} == {
            r["id"]: {k: v for k, v in r.items() if k != "run"} for r in manifest(whole)}
        for r in manifest(clean):
            if r["path"]:
                assert (clean / r["path"]).read_text() == (whole / r["path"]).read_text()
        return {short(r["id"]): dict(r, duplicate_of=r["duplicate_of"] and short(r["duplicate_of"]))
                for r in manifest(clean)}

    def short(doc_id: str) -> str:  # feed#<line> counted from the first record line
        return f"feed#{int(doc_id.split('#')[1]) - LINE_HASHES_MIN_LINES}"

    def documents_read(folder: Path) -> int:
        return State.load(folder).runs[-1]["documents"]

    line = [json.dumps({"text": t}) for t in (rowing, choir, cricket, fourth, fifth)]
    blank = ["", " ", "", "", ""]  # lines too, between the changes
    first = run_both([line[0], line[1], "{not json", *blank, line[2]])
    # Line 2 corrected, a copy of line 1 and a new story appended.
    corrected = json.dumps({"text": choir.replace("£7,000", "£8,000")})
    second = run_both([line[0], corrected, "{not json", *blank, line[2], line[0], line[3]])
    # (a compressed export's changed lines are read as one part, from the
    # first to the last: lines 2 to 11 here, the bad line and line 9 again)
    gz = name.endswith(".gz")
    assert documents_read(clean) == (5 if gz else 3) and documents_read(whole) == 6
    assert {i: second[i]["run"] == first[i]["run"] for i in first} == {
        "feed#1": True, "feed#2": False, "feed#3": not gz, "feed#9": not gz}
    assert "£8,000" in (clean / second["feed#2"]["path"]).read_text()
    assert (second["feed#10"]["status"], second["feed#10"]["duplicate_of"]) == ("duplicate", "feed#1")
    assert second["feed#11"]["status"] == "kept"
    # Shorter, its first two lines unchanged: nothing to read, the articles
    # of the lines it no longer has stay, the bad line and the copy leave.
    third = run_both([line[0], corrected])
    assert documents_read(clean) == 0
    assert {i: r["status"] for i, r in third.items()} == {
        "feed#1": "kept", "feed#2": "kept", "feed#9": "kept", "feed#11": "kept"}
    # Grown again past its old length: lines 3 to 12 are read (five of them
    # records), copies of what lines 2, 9 and 11 published among them.
    run_both([line[0], corrected, line[3], line[4], *blank, line[4], line[2], line[1]])
    assert documents_read(clean) == 5
    assert not list((clean / ".state" / "batches").glob("*/lines/*"))  # moved into the state
    assert len(list((clean / ".state" / "lines").iterdir())) == 1  # the export's current version only


def test_a_raw_folder_named_like_a_text_beside_its_namesake(tmp_path):
    """``a.html`` and the folder ``a.txt/``: the text ``clean/a.txt`` and the
    folder ``clean/a.txt/`` were one name, publishing failed on every run.
    A text an earlier version published under ``a.txt/`` is still read for
    deduplication and goes, with the folder, when its file changes."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    (raw / "a.txt").mkdir(parents=True)
    rowing, choir, cricket = _three_stories()
    page = f"<html><body><article><p>{choir}</p></article></body></html>"
    (raw / "a.txt" / "b.txt").write_text(rowing)
    (raw / "a.html").write_text(page)
    assert run_luigi(raw, tmp_path / "fresh").returncode == 0
    records = by_source(tmp_path / "fresh")
    assert {s: (r["status"], r["path"]) for s, r in records.items()} == {
        "a.html": ("kept", "a.txt"), "a.txt/b.txt": ("kept", "a.txt~/b.txt")}
    assert "Millbrook" in (tmp_path / "fresh" / "a.txt").read_text()
    assert "Halbury" in (tmp_path / "fresh" / "a.txt~" / "b.txt").read_text()
    # A corpus as an earlier version left it: the text under a.txt/.
    (raw / "a.html").unlink()
    assert run_luigi(raw, clean).returncode == 0
    (clean / "a.txt~").rename(clean / "a.txt")
    [record] = manifest(clean)
    (clean / "manifest.jsonl").write_text(json.dumps(dict(record, path="a.txt/b.txt")) + "\n")
    (raw / "near.txt").write_text(rowing.replace("£18,000", "£18,500"))  # a near copy: checked on the text
    assert run_luigi(raw, clean).returncode == 0
    assert by_source(clean)["near.txt"]["duplicate_of"] == "a.txt/b"
    (raw / "a.txt" / "b.txt").write_text(cricket)
    assert run_luigi(raw, clean).returncode == 0
    assert by_source(clean)["a.txt/b.txt"]["path"] == "a.txt~/b.txt" and not (clean / "a.txt").exists()
    assert "Elsworth" in (clean / "a.txt~" / "b.txt").read_text()
    (raw / "a.html").write_text(page)
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    assert by_source(clean)["a.html"]["path"] == "a.txt" and (clean / "a.txt").is_file()


def test_copies_with_dates_in_other_formats_keep_the_earliest(tmp_path):
    """A JSONL record's date is as the export wrote it; copies are ordered
    by its day, not by the string ("2026-11-24" sorted before "Fri, 20 Nov
    2026", so the later copy was kept)."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    rowing, _, _ = _three_stories()
    records = [{"text": rowing + " Updated.", "date": "2026-11-24T09:00:00Z"},
               {"text": rowing, "date": "Fri, 20 Nov 2026 08:00:00 GMT"}]
    (raw / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    assert run_luigi(raw, clean).returncode == 0
    records = by_source(clean)
    assert records["feed.jsonl#2"]["status"] == "kept" and records["feed.jsonl#1"]["duplicate_of"] == "feed#2"
    assert records["feed.jsonl#2"]["date"] == "Fri, 20 Nov 2026 08:00:00 GMT"  # the manifest has it as given


def test_a_rejected_new_version_leaves_the_published_article(tmp_path):
    """A re-scrape that got an error page (too short, spam, binary...) does
    not take the article out of the corpus: the published text, its record
    and its place in the dedup index stay, and the run's summary names it.
    A later version that is kept replaces it as usual."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    rowing, choir, _ = _three_stories()
    (raw / "story.txt").write_text(rowing)
    (raw / "feed.jsonl").write_text(json.dumps({"text": choir}) + "\n")
    assert run_luigi(raw, clean).returncode == 0
    first = {r["id"]: r for r in manifest(clean)}
    (raw / "story.txt").write_text("Page not found\nSorry, the page you requested could not be found. It may have "
                                   "been moved or deleted. Please check the address and try again.\n")
    (raw / "feed.jsonl").write_text(json.dumps({"text": ""}) + "\n")
    (raw / "copy.txt").write_text(rowing)
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    records = {r["id"]: r for r in manifest(clean)}
    assert records["story"] == first["story"] and records["feed#1"] == first["feed#1"]
    assert "Halbury" in (clean / "story.txt").read_text() and "Millbrook" in (clean / "feed#1.txt").read_text()
    assert (records["copy"]["status"], records["copy"]["duplicate_of"]) == ("duplicate", "story")
    [summary] = [json.loads(p.read_text()) for p in (clean / "reports").glob("*/summary.json")
                 if json.loads(p.read_text())["run"] == records["copy"]["run"]]
    assert summary["not_replaced"] == ["feed.jsonl#1 (empty)", "story.txt (error_page)"]
    assert "2 new versions rejected, the published articles kept" in result.stderr
    # Unchanged since: nothing to do. A good new version replaces the article.
    assert "nothing new" in run_luigi(raw, clean).stderr
    (raw / "story.txt").write_text(rowing.replace("£18,000", "£19,000"))
    assert run_luigi(raw, clean).returncode == 0
    assert "£19,000" in (clean / "story.txt").read_text()
    assert {r["id"]: r["status"] for r in manifest(clean)}["copy"] == "duplicate"


def test_a_correction_stays_the_article_its_copies_do_not_take_its_place(tmp_path):
    """A published article's file is corrected (same length); its copy,
    decided again with it, sorted first by id: the copy was kept and the
    correction became its duplicate, so the corpus held the old text."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    rowing, _, _ = _three_stories()
    (raw / "story.txt").write_text(rowing)
    assert run_luigi(raw, clean).returncode == 0
    (raw / "a-copy.txt").write_text(rowing)
    assert run_luigi(raw, clean).returncode == 0
    (raw / "story.txt").write_text(rowing.replace("£18,000", "£19,000"))
    assert run_luigi(raw, clean).returncode == 0
    records = {r["id"]: r for r in manifest(clean)}
    assert records["story"]["status"] == "kept" and "£19,000" in (clean / "story.txt").read_text()
    assert (records["a-copy"]["status"], records["a-copy"]["duplicate_of"]) == ("duplicate", "story")
    assert not (clean / "a-copy.txt").exists()


def _three_stories() -> tuple[str, str, str]:
    rowing = ARTICLE.format(town="Halbury", n=18)
    choir = (ARTICLE.format(town="Millbrook", n=7).replace("rowing club", "choir").replace("boathouse roof", "organ")
             .replace("sponsored row of 200 miles", "sponsored sing of 24 hours").replace("storms", "floods")
             .replace("two machines", "two stages").replace("junior training", "rehearsals"))
    cricket = (ARTICLE.format(town="Elsworth", n=40).replace("boathouse", "clubhouse").replace("rowing", "cricket")
               .replace("row", "walk").replace("February", "March").replace("junior", "senior")
               .replace("summer", "spring"))
    return rowing, choir, cricket


def test_a_corrected_file_with_a_hash_sign_in_its_name_replaces_its_article(tmp_path):
    """Publishing found a record's raw file by cutting its source at the
    first "#": for "story#live.txt" that was "story", the ledger recorded
    nothing published for the file, and its corrected version came out as
    a duplicate of its own old version, its text deleted."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    rowing, _, _ = _three_stories()
    (raw / "story#live.txt").write_text(rowing)
    assert run_luigi(raw, clean).returncode == 0
    (raw / "story#live.txt").write_text(rowing.replace("£18,000", "£19,000"))
    assert run_luigi(raw, clean).returncode == 0
    [record] = manifest(clean)
    assert (record["id"], record["status"]) == ("story#live", "kept")
    assert "£19,000" in (clean / "story#live.txt").read_text()


def test_records_of_a_jsonl_file_with_a_long_name_are_published(tmp_path):
    """A name of 249 bytes + ".jsonl" is allowed; "#10.txt" after it is
    not (255 bytes a name): publishing failed on every run, nothing was
    published. Such texts get a shortened name, which the manifest gives."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    story = ("The {0} authority said on Monday that work on the {0} bridge would begin in April and take about {1} "
             "weeks, during which larger vessels would have to wait for high tide at the outer anchorage while crews "
             "worked through the night on the {0} east section of the wall. Story number {1} about the {0}, which "
             "officials described at length in a statement.")
    places = ["harbour", "river", "canal", "port", "dock", "quay", "pier", "marina", "lock", "basin", "estuary"]
    (raw / ("x" * 249 + ".jsonl")).write_text("".join(json.dumps({"text": story.format(p, n)}) + "\n"
                                                      for n, p in enumerate(places)))
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    records = manifest(clean)
    assert len(records) == 11 and {r["status"] for r in records} == {"kept"}
    for r in records:
        assert (clean / r["path"]).read_text().startswith("The ")
    assert run_luigi(raw, clean).returncode == 0


def _parts_publish_as_the_whole(tmp_path, monkeypatch, split: dict[str, int]) -> list[dict]:
    """Publish tmp_path/raw through the library, shard by shard, once with
    its files whole and once in parts (``split``: the planner's constants
    that make them parts); the two folders must publish the same records
    and texts. Returns the manifest."""
    from pipeline import corpus
    from pipeline.batch import clean_shard, decide, publish
    from pipeline.config import CleanConfig, DedupConfig, ReadConfig, fingerprint
    raw = tmp_path / "raw"

    def publish_all(clean):
        plan = corpus.plan_batch(raw, clean, fingerprint(CleanConfig()), 2)
        shards = [clean_shard(str(raw), plan, i, ReadConfig(), CleanConfig(), DedupConfig())
                  for i in range(len(plan.shards))]
        publish(str(clean), plan, shards, decide(str(clean), plan, shards, DedupConfig()), DedupConfig())
        return plan

    whole = publish_all(tmp_path / "whole")
    assert [f.part for f in whole.files] == [None]
    for name, value in split.items():
        monkeypatch.setattr(corpus, name, value)
    parted = publish_all(tmp_path / "parted")
    assert len(parted.files) > 3 and len(parted.shards) > 1

    def strip(record):
        return {k: v for k, v in record.items() if k != "run"}
    assert [strip(r) for r in manifest(tmp_path / "parted")] == [strip(r) for r in manifest(tmp_path / "whole")]
    for r in manifest(tmp_path / "whole"):
        if r["path"]:
            assert (tmp_path / "parted" / r["path"]).read_text() == (tmp_path / "whole" / r["path"]).read_text()
    return manifest(tmp_path / "whole")


def _export_lines(stories: int) -> list[str]:
    """The lines of an export: distinct stories and copies, and after every
    fifth story a blank line and a bad one."""
    rowing, choir, cricket = _three_stories()
    lines = []
    for n in range(stories):
        lines.append(json.dumps({"text": (rowing, choir, cricket)[n % 3].replace("£", f"{n} x £")}))
        if n % 5 == 0:
            lines += ["", "{not json"]
    return lines


def test_a_large_jsonl_export_is_cleaned_in_parts_with_the_same_result(tmp_path, monkeypatch):
    """An export over JSONL_PART_BYTES is planned in parts cut at line ends,
    cleaned in separate shards (in parallel, each holding one part): the
    published folder is the one the whole file gives, record for record."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "feed.jsonl").write_text("\n".join(_export_lines(12)))  # (no final newline)
    records = _parts_publish_as_the_whole(tmp_path, monkeypatch, {"JSONL_SPLIT_BYTES": 1000, "JSONL_PART_LINES": 4})
    assert {r["status"] for r in records} == {"kept", "duplicate", "rejected"}


def test_a_gzipped_export_is_cleaned_in_parts_with_the_same_result(tmp_path, monkeypatch):
    """A compressed export is planned in parts too (each entered by
    decompressing up to it, at most COMPRESSED_MAX_PARTS of them): the
    published folder is the one reading it whole gives, record for record."""
    import gzip

    from pipeline import corpus
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "feed.jsonl.gz").write_bytes(gzip.compress("\n".join(_export_lines(50)).encode()))
    monkeypatch.setattr(corpus, "LINE_HASHES_MIN_LINES", 10 ** 9)  # read whole first
    records = _parts_publish_as_the_whole(tmp_path, monkeypatch, {
        "LINE_HASHES_MIN_LINES": 64, "JSONL_PART_LINES": 10, "COMPRESSED_MAX_PARTS": 4})
    assert {r["status"] for r in records} == {"kept", "duplicate", "rejected"} and len(records) == 60


def test_a_large_warc_file_is_cleaned_in_parts_with_the_same_result(tmp_path, monkeypatch):
    from test_sources import write_warc
    raw = tmp_path / "raw"
    raw.mkdir()
    pages = []
    for n, story in enumerate(_three_stories() * 4):  # distinct stories and copies
        body = "".join(f"<p>{p}.</p>" for p in story.replace("£", f"{n} x £").split(". "))
        pages.append((f"https://x.example/{n}", "200 OK" if n != 5 else "404 Not Found", "text/html",
                      f"<html><body><article>{body}</article></body></html>".encode()))
    write_warc(raw / "crawl.warc.gz", pages)
    records = _parts_publish_as_the_whole(tmp_path, monkeypatch, {"WARC_SPLIT_BYTES": 1000, "WARC_PART_RECORDS": 5})
    assert {r["status"] for r in records} == {"kept", "duplicate", "rejected"} and len(records) == 12


def test_a_large_export_of_blank_lines_is_accounted_for(tmp_path):
    """An export too large to read whole but holding no record (blank lines
    only) is planned as one part, so it gets the file's ``empty`` record, as
    a small one does; planned in parts, each part had no record to give and
    the file went unreported."""
    from pipeline import corpus
    from pipeline.batch import clean_shard
    from pipeline.config import CleanConfig, DedupConfig, ReadConfig, fingerprint
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "blank.jsonl").write_bytes(b"\n \r\n\t\n" * (corpus.JSONL_SPLIT_BYTES // 3))
    (raw / "mixed.jsonl").write_bytes(b"\n" * corpus.JSONL_SPLIT_BYTES + json.dumps({"text": "x"}).encode() + b"\n")
    plan = corpus.plan_batch(raw, tmp_path / "clean", fingerprint(CleanConfig()), 100)
    by_path = {}
    for f in plan.files:
        by_path.setdefault(f.path, []).append(f.part)
    assert by_path["blank.jsonl"] == [None]
    assert len(by_path["mixed.jsonl"]) > 1  # a file with a record is still read in parts
    records = [r for i in range(len(plan.shards))
               for r in clean_shard(str(raw), plan, i, ReadConfig(), CleanConfig(), DedupConfig()).records]
    blank = [r for r in records if r["file"] == "blank.jsonl"]
    assert [(r["id"], r["status"], r["reason"]) for r in blank] == [
        ("blank", "rejected", "empty: no records in the export")]
    assert [r["source"] for r in records if r["file"] == "mixed.jsonl"] == [f"mixed.jsonl#{corpus.JSONL_SPLIT_BYTES + 1}"]


def test_two_documents_of_a_run_with_one_id_stop_the_run(tmp_path):
    """Ids an older version gave out can still meet a new JSONL file's
    records: deciding refuses rather than publish one over the other."""
    import numpy as np
    import pytest

    from pipeline.batch import Shard, decide
    from pipeline.config import DedupConfig
    from pipeline.corpus import Plan, StateError
    from pipeline.document import REJECTED
    records = [{"id": "a#2", "source": source, "status": REJECTED, "reason": "empty"}
               for source in ("a#2.txt", "a.jsonl#2")]
    with pytest.raises(StateError, match="two documents of this run have the id 'a#2'"):
        decide(str(tmp_path), Plan(run="run1", files=[], shards=[]), [Shard(records, np.zeros((0, 128)))],
               DedupConfig())


def test_copies_of_an_article_whose_file_changes_are_decided_again(tmp_path):
    """copy.txt was a duplicate of story.txt; story.txt then holds another
    story: the copy is the only text of the first story left, so it is
    published. A correction of the same story leaves a copy a copy."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    rowing, choir, cricket = _three_stories()
    (raw / "story.txt").write_text(rowing)
    (raw / "z-copy.txt").write_text(rowing.replace("market square", "square"))  # shorter: the original wins
    (raw / "z-other.txt").write_text(cricket)
    (raw / "z-other-copy.txt").write_text(cricket.replace("market square", "square"))
    assert run_luigi(raw, clean).returncode == 0
    assert by_source(clean)["z-copy.txt"]["duplicate_of"] == "story"
    (raw / "story.txt").write_text(choir)
    (raw / "z-other.txt").write_text(cricket.replace("£40,000", "£41,000"))
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    records = by_source(clean)
    assert records["story.txt"]["status"] == "kept" and "Millbrook" in (clean / "story.txt").read_text()
    assert records["z-copy.txt"]["status"] == "kept" and "Halbury" in (clean / "z-copy.txt").read_text()
    assert (records["z-other-copy.txt"]["status"], records["z-other-copy.txt"]["duplicate_of"]) == \
        ("duplicate", "z-other")


def test_changed_raw_file_is_processed_again(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "story.txt").write_text(ARTICLE.format(town="Halbury", n=18))
    assert run_luigi(raw, clean).returncode == 0
    (raw / "story.txt").write_text(ARTICLE.format(town="Halbury", n=19))  # a correction
    assert run_luigi(raw, clean).returncode == 0
    [record] = manifest(clean)
    assert record["status"] == "kept"
    assert "£19,000" in (clean / "story.txt").read_text()


def test_the_folder_of_a_run_never_published_is_removed_once_abandoned(tmp_path):
    """A run that failed after its shards were written, before raw/ changed
    again, leaves its folder (the texts it cleaned) under batches/: the
    next run plans a run of its own. Publishing removes such folders once
    nothing in them changed for ABANDONED_BATCH_SECONDS, and leaves the
    published runs' folders and a run that may still be going on."""
    from pipeline import corpus
    from pipeline.batch import SHARD_FILES, clean_shard, write_shard
    from pipeline.config import CleanConfig, DedupConfig, ReadConfig, fingerprint
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    rowing, choir, cricket = _three_stories()
    (raw / "rowing.txt").write_text(rowing)
    assert run_luigi(raw, clean).returncode == 0
    (raw / "choir.txt").write_text(choir)
    plan = corpus.plan_batch(raw, clean, fingerprint(CleanConfig()), 10)
    corpus.write_plan(clean, plan)
    base = corpus.batch_dir(clean, plan.run) / "shards" / "00000"
    base.parent.mkdir()
    files = {key: open(f"{base}{suffix}", "wb") for key, suffix in SHARD_FILES.items()}
    write_shard(clean_shard(str(raw), plan, 0, ReadConfig(), CleanConfig(), DedupConfig()), files)
    for fh in files.values():
        fh.close()
    abandoned = corpus.batch_dir(clean, plan.run)
    recent = abandoned.with_name("0123456789abcdef")
    shutil.copytree(abandoned, recent)
    days_ago = time.time() - corpus.ABANDONED_BATCH_SECONDS - 3600
    for path in [abandoned, *abandoned.rglob("*")]:
        os.utime(path, (days_ago, days_ago))
    (raw / "cricket.txt").write_text(cricket)
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not abandoned.exists() and recent.exists()
    assert f"untouched for {corpus.ABANDONED_BATCH_SECONDS // 86400} days: {plan.run}" in result.stderr
    published = [r["run"] for r in corpus.State.load(clean).runs]
    assert len(published) == 2 and all((corpus.batch_dir(clean, r) / "published.json").exists() for r in published)
    assert {r["status"] for r in manifest(clean)} == {"kept"} and len(manifest(clean)) == 3


def test_missing_raw_folder_fails_with_non_zero_exit(tmp_path):
    result = run_luigi(tmp_path / "missing", tmp_path / "clean")
    assert result.returncode == 35  # [retcode] scheduling_error
    assert "ERROR: CleanCorpus cannot run: the raw folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "clean" / "manifest.jsonl").exists()


def test_bad_parameter_fails_with_non_zero_exit(sample_raw, tmp_path):
    for args, code, message in (
            (("--dedup-threshold", "3"), 35, "dedup threshold must be in (0, 1]"),
            (("--max-passes", "0"), 35, "max_passes must be >= 1"),
            (("--shard-size", "0"), 35, "shard_size must be >= 1, not 0"),
            (("--html-bias", "precise"), 35, "html_bias must be balanced, precision or recall, not 'precise'"),
            (("--workers", "0"), 35, "--workers 0 runs nothing: give 1 or more"),  # Luigi's: ran nothing, exit 0
            (("--jsonl-text-fields", "text,,body"), 35, "JSONL fields must be non-empty names"),
            (("--languages", "english"), 35, "languages must be two-letter codes such as en or de, not 'english'"),
            # A value Luigi cannot read as its type stops the command in
            # Luigi's own parsing (its code for an uncaught exception).
            (("--min-words", "2O"), 40, "a parameter's value cannot be read: invalid literal for int() with base 10: "
                                        "'2O'")):
        result = run_luigi(sample_raw, tmp_path / "clean", *args)
        assert result.returncode == code, (args, result.stderr[-2000:])
        assert f"ERROR: CleanCorpus cannot run: {message}" in result.stderr
        assert "Traceback" not in result.stderr


def test_raw_and_clean_folders_that_overlap_are_refused(sample_raw, tmp_path):
    """A clean folder inside the raw one would be read back as input by the
    next run (it was: 68 documents from its own texts, manifest and
    reports); a raw folder inside the clean one would get texts written
    among its files."""
    inside = sample_raw / "clean"
    for raw, clean, message in ((sample_raw, inside, "must not be inside the raw folder"),
                                (sample_raw, sample_raw, "must be different folders"),
                                (sample_raw, sample_raw.parent, "must not be inside the clean folder")):
        result = run_luigi(raw, clean)
        assert result.returncode == 35, result.stderr[-2000:]
        assert "ERROR: CleanCorpus cannot run: the " in result.stderr and message in result.stderr
        assert "Traceback" not in result.stderr
    assert not inside.exists()


def test_a_second_raw_folder_into_one_clean_folder_is_refused(tmp_path):
    """Ids are paths inside the raw folder: another raw folder's story.txt
    replaced the first one's published article. A raw folder that moved
    (its old path gone) is the same folder."""
    first, second, clean = tmp_path / "a", tmp_path / "b", tmp_path / "clean"
    first.mkdir()
    second.mkdir()
    rowing, choir, _ = _three_stories()
    (first / "story.txt").write_text(rowing)
    (second / "story.txt").write_text(choir)
    assert run_luigi(first, clean).returncode == 0
    result = run_luigi(second, clean)
    assert result.returncode == 35, result.stderr[-2000:]
    assert f"ERROR: CleanCorpus cannot run: the clean folder '{clean}' holds the articles of the raw folder " \
           f"'{first}'" in result.stderr
    assert "Halbury" in (clean / "story.txt").read_text()
    first.rename(tmp_path / "moved")
    (tmp_path / "moved" / "more.txt").write_text(choir)
    assert run_luigi(tmp_path / "moved", clean).returncode == 0
    assert by_source(clean)["more.txt"]["status"] == "kept" and "Halbury" in (clean / "story.txt").read_text()


def test_one_cleaning_pass_when_asked(tmp_path):
    """A page whose stray "0" survives the first pass beside chrome and goes
    in the second: --max-passes 1 keeps it, the default does not."""
    raw = tmp_path / "raw"
    raw.mkdir()
    sentence = "Opening hours will be cut at four of them, saving about £210,000 a year, the committee said."
    (raw / "page.txt").write_text("\n".join(["Home", sentence, "0", "Menu", sentence]), encoding="utf-8")
    texts = {}
    for passes in ("1", "8"):
        clean = tmp_path / f"clean-{passes}"
        assert run_luigi(raw, clean, "--max-passes", passes, "--min-words", "5").returncode == 0
        texts[passes] = (clean / "page.txt").read_text(encoding="utf-8")
    assert texts["1"] == f"{sentence}\n\n0\n"
    assert texts["8"] == f"{sentence}\n"


def test_runs_from_any_folder_with_the_installed_defaults(sample_raw, tmp_path):
    elsewhere = tmp_path / "cron-home"
    elsewhere.mkdir()
    assert not (elsewhere / "luigi.cfg").exists()
    result = run_luigi(sample_raw, tmp_path / "clean", cwd=elsewhere)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(manifest(tmp_path / "clean")) == 9


def test_failing_task_exits_non_zero(sample_raw, tmp_path):
    not_a_folder = tmp_path / "clean"
    not_a_folder.write_text("a file where the clean folder should be")
    result = run_luigi(sample_raw, not_a_folder)
    assert result.returncode != 0
    assert not_a_folder.read_text() == "a file where the clean folder should be"


def test_seed_articles_through_the_command(seeds, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(seeds, raw)
    result = run_luigi(raw, tmp_path / "clean")
    assert result.returncode == 0, result.stderr[-2000:]
    records = manifest(tmp_path / "clean")
    assert len(records) == 5 and all(r["status"] == "kept" for r in records)
    assert all(r["title"] for r in records)


def test_file_that_vanishes_during_a_run_is_recorded_and_seen_again(tmp_path):
    from pipeline.batch import clean_shard, decide, publish
    from pipeline.config import CleanConfig, DedupConfig, ReadConfig, fingerprint
    from pipeline.corpus import State, plan_batch
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "story.txt").write_text(ARTICLE.format(town="Halbury", n=18))
    plan = plan_batch(raw, clean, fingerprint(CleanConfig()), 10)
    (raw / "story.txt").rename(tmp_path / "aside.txt")  # gone between planning and reading
    shard = clean_shard(str(raw), plan, 0, ReadConfig(), CleanConfig(), DedupConfig())
    decisions = decide(str(clean), plan, [shard], DedupConfig())
    publish(str(clean), plan, [shard], decisions, DedupConfig())
    [record] = manifest(clean)
    assert record["status"] == "rejected" and record["reason"] == "vanished"
    assert "story.txt" not in State.load(clean).ledger
    (tmp_path / "aside.txt").rename(raw / "story.txt")
    assert run_luigi(raw, clean).returncode == 0
    [record] = manifest(clean)
    assert record["status"] == "kept"
    # A published article whose file changes, then goes before it is read,
    # stays published, and in the dedup index.
    (raw / "story.txt").write_text(ARTICLE.format(town="Halbury", n=19))
    plan = plan_batch(raw, clean, fingerprint(CleanConfig()), 10)
    (raw / "story.txt").unlink()
    shard = clean_shard(str(raw), plan, 0, ReadConfig(), CleanConfig(), DedupConfig())
    publish(str(clean), plan, [shard], decide(str(clean), plan, [shard], DedupConfig()), DedupConfig())
    assert [(r["status"], r["run"]) for r in manifest(clean)] == [("kept", record["run"])]
    assert "£18,000" in (clean / "story.txt").read_text()
    (raw / "copy.txt").write_text(ARTICLE.format(town="Halbury", n=18))
    assert run_luigi(raw, clean).returncode == 0
    assert by_source(clean)["copy.txt"]["duplicate_of"] == "story"


def test_two_runs_started_at_once_on_one_clean_folder_leave_it_consistent(tmp_path):
    """Two cron jobs with different settings over one clean folder: they
    take turns on the state lock, the later one decides again against what
    the earlier published, and the folder ends consistent."""
    from conftest import LUIGI
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    clean = tmp_path / "clean"
    env = {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}
    procs = [subprocess.Popen([str(LUIGI), "--module", "tasks", "CleanCorpus", "--raw-dir", str(raw),
                               "--clean-dir", str(clean), "--min-words", str(words)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for words in (20, 21)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
    records = {r["id"]: r for r in manifest(clean)}
    assert len(manifest(clean)) == len(records) == 9  # every document once
    kept = [r for r in records.values() if r["status"] == "kept"]
    assert len({r["id"] for r in kept}) == len(kept) == 6
    for r in kept:
        assert (clean / f"{r['id']}.txt").exists()
    dup = records["wire/harbour-solar-copy"]
    assert dup["status"] == "duplicate" and records[dup["duplicate_of"]]["status"] == "kept"
    # A third run finds nothing new.
    assert run_luigi(raw, clean).returncode == 0
    assert {r["id"]: r for r in manifest(clean)} == records


def test_progress_bar_only_on_a_terminal():
    import io
    from tasks.corpus import _TerminalBar

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = _TerminalBar("shard 1/2", stream)
        for done in range(1, 4):
            bar.show(done, 3)
    assert pipe.getvalue() == ""  # cron, logs: quiet
    assert tty.getvalue().endswith("\rshard 1/2 [" + "#" * 30 + "] 3/3 documents\n")


def test_files_that_appear_or_change_during_a_run_are_taken_by_the_next_run(tmp_path):
    from pipeline.batch import clean_shard, decide, publish
    from pipeline.config import CleanConfig, DedupConfig, ReadConfig, fingerprint
    from pipeline.corpus import State, plan_batch
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "story.txt").write_text(ARTICLE.format(town="Halbury", n=18))
    plan = plan_batch(raw, clean, fingerprint(CleanConfig()), 10)
    # While the run works: a new file lands, and the planned one is rewritten.
    (raw / "late.txt").write_text(
        "Westmoor's only cinema will reopen in March after a two-year restoration of its 1930s auditorium, "
        "the trust that owns it said on Monday.\n\nThe work cost £2.4m, most of it raised by residents, and "
        "restored the original plasterwork, seats and a projection booth that still holds a carbon-arc "
        "projector.\n\nVolunteers will run the box office and cafe, and the first season opens with films "
        "shot in the county over the past century, chosen by pupils of the local secondary school.")
    (raw / "story.txt").write_text(ARTICLE.format(town="Eastleigh", n=27))
    os.utime(raw / "story.txt", ns=(time.time_ns() + 10**9,) * 2)
    shard = clean_shard(str(raw), plan, 0, ReadConfig(), CleanConfig(), DedupConfig())
    decisions = decide(str(clean), plan, [shard], DedupConfig())
    publish(str(clean), plan, [shard], decisions, DedupConfig())
    assert [r["source"] for r in manifest(clean)] == ["story.txt"]
    assert "late.txt" not in State.load(clean).ledger

    assert run_luigi(raw, clean).returncode == 0
    kept = {r["source"]: r for r in manifest(clean) if r["status"] == "kept"}
    assert set(kept) == {"story.txt", "late.txt"}
    texts = {source: (clean / record["path"]).read_text() for source, record in kept.items()}
    assert "Westmoor" in texts["late.txt"] and "Eastleigh" in texts["story.txt"]
    assert run_luigi(raw, clean).returncode == 0 and len(manifest(clean)) == len(kept)


def test_removed_lines_report_holds_each_shards_lines_in_order(sample_raw, tmp_path):
    """The shards format their part of the removed-lines report; the run's
    report is their parts, document by document, and its counts add up."""
    from collections import Counter

    from pipeline.batch import clean_shard, decide, publish
    from pipeline.clean import clean_documents
    from pipeline.config import CleanConfig, DedupConfig, ReadConfig, fingerprint
    from pipeline.corpus import plan_batch
    from pipeline.sources import read_source
    clean = tmp_path / "clean"
    plan = plan_batch(sample_raw, clean, fingerprint(CleanConfig()), 2)
    assert len(plan.shards) >= 3
    shards = [clean_shard(str(sample_raw), plan, i, ReadConfig(), CleanConfig(), DedupConfig())
              for i in range(len(plan.shards))]
    summary = publish(str(clean), plan, shards, decide(str(clean), plan, shards, DedupConfig()), DedupConfig())

    expected: dict[str, list] = {}
    for files in plan.shards:  # each shard cleaned again, as a whole, as clean_shard does
        docs = [d for i in files for d in read_source(str(sample_raw), plan.files[i].path, plan.files[i].id,
                                                          ReadConfig())]
        for doc in clean_documents(docs, CleanConfig()):
            expected[doc.id] = [{"id": doc.id, "line": line, "reason": reason, "score": score}
                                for reason, line, score in doc.removed]
    (report,) = (clean / "reports").glob("*/removed.jsonl")
    written = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert written == [row for rows in expected.values() for row in rows]
    assert sum(map(len, expected.values())) > 20
    assert {r["id"]: r["lines_removed"] for r in manifest(clean)} == {k: len(v) for k, v in expected.items()}
    assert summary["lines_removed"] == dict(Counter(row["reason"] for row in written))


def test_shards_carry_each_kept_texts_shingles_through_their_files(sample_raw, tmp_path):
    """Deciding verifies candidate pairs with the shingles the shards
    computed: written and read back, they are those of each kept text."""
    from pipeline.batch import SHARD_FILES, clean_shard, read_shard, write_shard
    from pipeline.config import CleanConfig, DedupConfig, ReadConfig, fingerprint
    from pipeline.corpus import plan_batch
    from pipeline.dedup import hash_words, shingle_hashes
    plan = plan_batch(sample_raw, tmp_path / "clean", fingerprint(CleanConfig()), 3)
    kept = 0
    for i in range(len(plan.shards)):
        shard = clean_shard(str(sample_raw), plan, i, ReadConfig(), CleanConfig(), DedupConfig())
        paths = {name: tmp_path / f"{i}{suffix}" for name, suffix in SHARD_FILES.items()}
        files = {name: open(path, "wb") for name, path in paths.items()}
        write_shard(shard, files)
        for fh in files.values():
            fh.close()
        back = read_shard(paths, report=False)
        for record in back.records:
            if record["status"] != "kept":
                assert "shingles" not in record
                continue
            kept += 1
            start, end = record["shingles"]
            expected = shingle_hashes(hash_words(record["text"]), DedupConfig().shingle_size)
            assert back.shingles[start:end].tolist() == expected.tolist() and len(expected) > 10
    assert kept >= 5


def test_an_article_trafilatura_misses_is_published_from_the_whole_page(tmp_path):
    """A site that puts its article in a block trafilatura takes for a
    sidebar: the run publishes it from the page cleaned as scraped text and
    says so in the record, the summary and the log."""
    from test_extract import PARAGRAPHS, _page
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "sidebar.html").write_text(_page("comments-area sidebar"), encoding="utf-8")
    other = ("<html><head><title>Library hours</title></head><body><article>"
             "<p>The county library will open until nine on weekdays from March, after readers asked for evening "
             "hours in a survey that drew more than two thousand replies last autumn.</p>"
             "<p>Staff will work in two shifts, and the reading room on the first floor will close at six while "
             "the lending desk and the children's corner stay open.</p></article></body></html>")
    (raw / "article.html").write_text(other, encoding="utf-8")
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-2000:]
    records = {r["id"]: r for r in map(json.loads, (clean / "manifest.jsonl").read_text().splitlines())}
    assert records["sidebar"]["status"] == "kept" and records["sidebar"]["extraction"] == "page"
    assert records["article"]["status"] == "kept" and "extraction" not in records["article"]
    assert (clean / "sidebar.txt").read_text(encoding="utf-8") == "\n\n".join(PARAGRAPHS) + "\n"
    [summary] = [json.loads(p.read_text()) for p in (clean / "reports").glob("*/summary.json")]
    assert summary["extracted_from_page"] == 1
    assert "1 HTML page whose article trafilatura missed, found in the whole page" in result.stderr
