import numpy as np
import pytest
from datasketch import MinHash
from datasketch.lsh import _optimal_param
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import DedupConfig
from pipeline.dedup import (SCHEME, SEED, Candidate, DedupIndex, deduplicate, exact_hash, fingerprint_texts,
                            _identity, _permutations, hash_words, lsh_bands, shingle_hashes, signatures,
                            similarity)

STORY = ("The harbour authority said on Monday that dredging of the main channel would begin in April and "
         "take about six weeks, during which larger vessels would have to wait for high tide. Fishing boats "
         "will be allowed to use the eastern berth, which is deep enough at all states of the tide. The work "
         "is part of a £14m plan to keep the port open to cargo ships after 2030, when the current licence "
         "ends. Local businesses said they supported the plan but wanted more notice of closures. The "
         "authority promised to publish a timetable of restrictions two weeks in advance and to hold a public "
         "meeting at the town hall in March for anyone affected by the works.")
OTHER = ("Two new wind turbines were lifted into place on the northern ridge on Saturday, completing a project "
         "that has divided the valley for nearly a decade. Supporters say the turbines will power about 3,000 "
         "homes, while opponents argue they spoil one of the last unbroken skylines in the county. A judicial "
         "review brought by residents failed last year. The operator has promised to fund a community "
         "energy scheme worth £50,000 a year for the lifetime of the turbines, and the first grants will be "
         "awarded in the autumn to insulation projects in the valley's villages and schools.")

CONFIG = DedupConfig()


def candidates(**texts):
    fps = fingerprint_texts(list(texts.values()), CONFIG)
    return [Candidate(k, t, fp) for (k, t), fp in zip(texts.items(), fps)]


def decide(index=None, published=None, **texts):
    index = index or DedupIndex(CONFIG)
    result = deduplicate(candidates(**texts), index, lambda i: (published or {}).get(i), CONFIG)
    return {d.id: d for d in result}


def test_hash_normalisation_folds_case_quotes_dashes_and_wrapping():
    a = "“It’s over” – she said,\nsmiling."
    b = '"IT\'S  over" - she said, smiling!'
    assert hash_words(a) == hash_words(b)
    assert exact_hash(hash_words(a)) == exact_hash(hash_words(b))


def test_shingles_are_unique_and_cover_short_texts():
    assert len(shingle_hashes("a b a b a b".split(), 2)) == 2
    assert len(shingle_hashes(["short"], 5)) == 1
    assert shingle_hashes([], 5).size == 0



@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["the", "port", "é", "2030", "tide", "日本"]), max_size=12), st.integers(1, 6))
def test_shingle_hashes_are_the_xxh32_of_the_space_joined_grams(words, size):
    """The definition every published signature was made with: changing it
    would make new documents incomparable with the published index."""
    import xxhash
    grams = [" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))] if words else []
    expected = sorted({xxhash.xxh32_intdigest(g.encode("utf-8")) for g in grams})
    assert shingle_hashes(words, size).tolist() == expected

def test_signatures_are_deterministic():
    one, two = fingerprint_texts([STORY, STORY], CONFIG)
    assert one.exact == two.exact and np.array_equal(one.signature, two.signature)
    assert one.signature.dtype == np.uint32 and one.signature.shape == (CONFIG.num_perm,)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=300), max_size=5), st.sampled_from([16, 128]))
def test_signatures_are_datasketch_minhash(sets, num_perm):
    # The index and every published signature rest on datasketch's affine32
    # MinHash; the batch computation must give exactly its values.
    shingle_sets = [np.unique(np.array(s, dtype=np.uint32)) for s in sets]
    expected = [MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME, hashfunc=lambda v: v) for _ in sets]
    for m, s in zip(expected, shingle_sets):
        m.update_batch(s.tolist())
    got = signatures(shingle_sets, num_perm)
    assert got.dtype == np.uint32 and got.shape == (len(sets), num_perm)
    for row, m in zip(got, expected):
        assert np.array_equal(row, m.hashvalues)


@pytest.mark.parametrize("num_perm", [1, 16, 128, 256])
def test_permutations_are_datasketchs(num_perm):
    # Drawn without importing datasketch; they must be its own, value for value.
    a, b = _permutations(num_perm)
    expected_a, expected_b = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME, hashfunc=_identity).permutations
    assert a.dtype == expected_a.dtype == np.uint32
    assert np.array_equal(a, expected_a) and np.array_equal(b, expected_b)


@pytest.mark.parametrize("num_perm", [16, 64, 100, 128, 256])
def test_lsh_bands_are_the_ones_datasketch_picks(num_perm):
    # The local index, the packed one and Redis (datasketch's MinHashLSH)
    # must band a signature alike, or one finds candidates another misses.
    for threshold in [round(t, 2) for t in np.arange(0.05, 1.0, 0.05)] + [0.3, 0.33, 0.8, 0.85, 0.99]:
        assert lsh_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5), threshold


def test_the_shard_path_never_imports_datasketch_or_scipy():
    # datasketch imports scipy: ~0.8 s that a run paid before its shard
    # processes forked (or each shard paid) for two small arrays.
    import subprocess
    import sys
    from pathlib import Path
    code = ("import sys; from pipeline.dedup import DedupIndex, fingerprint_texts; from pipeline.config import DedupConfig; "
            "fps = fingerprint_texts(['one two three four five six seven'], DedupConfig()); "
            "index = DedupIndex(DedupConfig()); index.band_keys(fps[0].signature); "
            "print('datasketch' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.split() == ["False", "False"]


def test_exact_copy_with_other_formatting():
    d = decide(a=STORY, b=STORY.upper().replace(". ", ".\n"))
    assert d["a"].duplicate_of is None
    assert d["b"].duplicate_of == "a" and d["b"].how == "exact"


def test_light_edit_is_a_near_duplicate():
    edited = STORY.replace("six weeks", "ten weeks").replace("Monday", "Friday")
    d = decide(a=STORY, b=edited)
    assert d["b"].duplicate_of == "a" and d["b"].how == "jaccard" and d["b"].similarity >= CONFIG.threshold


def test_abridged_copy_is_caught_by_containment():
    abridged = STORY[: int(len(STORY) * 0.6)]
    d = decide(a=STORY, b=abridged)
    assert d["b"].duplicate_of == "a" and d["b"].how in ("containment", "jaccard")


def test_different_stories_are_not_merged():
    d = decide(a=STORY, b=OTHER)
    assert d["a"].duplicate_of is None and d["b"].duplicate_of is None


def test_most_complete_copy_survives_and_no_chaining():
    abridged = STORY[: int(len(STORY) * 0.6)]
    d = decide(short=abridged, full=STORY)
    assert d["full"].duplicate_of is None and d["short"].duplicate_of == "full"


def test_earliest_date_wins():
    a, b = candidates(late=STORY, early=STORY + " Extra closing words here.")
    a.date, b.date = "2026-05-02", "2026-05-01"
    index = DedupIndex(CONFIG)
    d = {x.id: x for x in deduplicate([a, b], index, lambda i: None, CONFIG)}
    assert d["early"].duplicate_of is None and d["late"].duplicate_of == "early"


def test_published_article_wins_over_a_later_more_complete_copy():
    index = DedupIndex(CONFIG)
    [old] = candidates(old=STORY[:-60])
    index.add("old", old.fingerprint)
    d = decide(index=index, published={"old": STORY[:-60]}, new=STORY)
    assert d["new"].duplicate_of == "old"


def test_index_remove_forgets_an_article():
    index = DedupIndex(CONFIG)
    [old] = candidates(old=STORY)
    index.add("old", old.fingerprint)
    index.remove("old")
    assert len(index) == 0 and index.candidates(old.fingerprint) == [] and not index.exact


def test_similarity():
    a = np.array([1, 2, 3, 4], dtype=np.uint32)
    assert similarity(a, a) == (1.0, 0.0)  # containment needs enough shingles to be trusted
    assert similarity(a, np.array([], dtype=np.uint32)) == (0.0, 0.0)


def test_config_rejects_nonsense():
    with pytest.raises(ValueError, match="threshold"):
        DedupConfig(threshold=1.5)


def _edit_every(text: str, n: int) -> str:
    """Replace every ``n``-th word: an edited copy."""
    return " ".join("reportedly" if i % n == n - 1 else w for i, w in enumerate(text.split()))


def test_copy_with_a_word_changed_in_every_fifteen_is_a_duplicate():
    # 5-gram Jaccard of such a copy is about 0.5: the default threshold was
    # chosen on planted corpora (bench/dedup_bench.py) to catch it.
    copy = _edit_every(STORY, 15)
    jaccard, _ = similarity(*[shingle_hashes(hash_words(t), CONFIG.shingle_size) for t in (STORY, copy)])
    assert 0.45 < jaccard < 0.8
    decisions = decide(a=STORY, b=copy)
    # The copy is longer ("reportedly"), so it is the one kept.
    assert decisions["a"].duplicate_of == "b" and decisions["a"].how == "jaccard"


def test_reports_of_one_template_are_not_merged():
    template = ("{name} Inc said its board declared a quarterly dividend of {cts} cts a share, payable on "
                "{month} {day} to shareholders of record on {month} {rec}. The company paid {prev} cts a share "
                "in the previous quarter. {name} said net income for the year rose to {net} mln dlrs from "
                "{old} mln dlrs, on revenues of {rev} mln dlrs, and that it expects to {plan}.")
    a = template.format(name="Harbour Freight", cts=12, month="April", day=15, rec=1, prev=10, net="14.2",
                        old="11.9", rev=230, plan="open four new depots on the east coast next year")
    b = template.format(name="Valley Mills", cts=31, month="May", day=2, rec=18, prev=31, net="3.6",
                        old="4.4", rev=57, plan="close its oldest flour mill and move production north")
    decisions = decide(a=a, b=b)
    assert decisions["a"].duplicate_of is None and decisions["b"].duplicate_of is None


# The harbour story told in Chinese for these tests, and another port's news.
STORY_ZH = ("港务局周一表示，主航道的疏浚工程将于四月开始，为期约六周，在此期间大型船只需要等待涨潮才能进港。"
            "渔船将被允许使用东侧泊位，该泊位在任何潮位下都有足够的水深。"
            "这项工程是一项耗资一千四百万英镑计划的一部分，目的是在现有许可证于二〇三〇年到期后继续让货船进出港口。"
            "当地商户表示支持该计划，但希望能提前得到关闭通知。"
            "港务局承诺将提前两周公布限制时间表，并将于三月在市政厅举行公开会议，听取受工程影响的居民意见。")
OTHER_ZH = ("北港码头周三迎来今年第一艘大型邮轮，约两千名游客在港口下船游览老城区。"
            "市政府表示，今年预计将有四十艘邮轮停靠，比去年增加一倍，旅游收入有望突破三亿元。"
            "但部分居民担心游客过多会造成交通拥堵，并要求在旺季限制每天进港的邮轮数量。"
            "港口管理方称，将在码头附近增设两条公交线路，并在周末开放临时停车场。")


def edited_zh() -> str:
    """STORY_ZH with two characters changed and its last sentence another."""
    copy = STORY_ZH.replace("周一", "周二").replace("六周", "七周")
    return copy[:copy.rindex("港务局承诺")] + "港务局表示将另行通知。"


def test_a_chinese_copy_with_a_few_characters_changed_is_a_duplicate():
    # Chinese puts no spaces between words: each character is a word for
    # the shingles. Cut at punctuation instead, the text was a dozen
    # clause-long words, and changing two characters hid the copy.
    copy = edited_zh()
    words = hash_words(STORY_ZH)
    assert words[:4] == ["港", "务", "局", "周"]
    decisions = decide(a=STORY_ZH, b=copy, c=OTHER_ZH)
    assert decisions["b"].duplicate_of == "a"
    assert decisions["c"].duplicate_of is None
    old = DedupConfig(tokens=1)  # the scheme indexes built before it keep
    jaccard, _ = similarity(*[shingle_hashes(hash_words(t, old.tokens), old.shingle_size) for t in (STORY_ZH, copy)])
    assert jaccard < CONFIG.threshold


def test_words_keep_their_combining_marks_and_thai_is_cut_by_character():
    # Hindi vowel signs are combining marks: "मेरी" and "मेरे" (my, feminine
    # and masculine) were both cut to "म", "र".
    assert hash_words("मेरी किताब") == ["मेरी", "किताब"]
    assert hash_words("मेरी किताब") != hash_words("मेरे किताब")
    # A Thai consonant keeps the vowel mark above it.
    assert hash_words("กินข้าว") == ["กิ", "น", "ข้", "า", "ว"]
    text = "Déjà vu: “the harbour’s plan” – 2030."
    assert hash_words(text) == hash_words(text, 1) == ["déjà", "vu", "the", "harbour", "s", "plan", "2030"]


def test_an_index_is_bound_to_its_word_scheme():
    assert "tokens" not in DedupConfig(tokens=1).index_key()  # as indexes built before the scheme was named
    assert DedupConfig().index_key()["tokens"] == DedupConfig().tokens == 2
    with pytest.raises(ValueError, match="tokens"):
        DedupConfig(tokens=3)
