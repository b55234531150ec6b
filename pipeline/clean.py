"""The per-document stages, composed: extract, normalise, clean, gate."""
from __future__ import annotations

from collections.abc import Callable, Iterable

import contextlib
import gc
import itertools
import math
import re
import signal
import threading
from collections import Counter

from .boilerplate import clean_extracted, clean_texts, line_key
from .config import CleanConfig
from .document import KEPT, Document, count_words, has_unspaced_script
from .extract import extract_html, extract_page, looks_like_html
from .language import LANGUAGE_CODES, detect_language
from .markdown import looks_like_markdown, unmark
from .normalize import fix_unicode, normalize, normalize_whitespace
from .spam import SURE, spam_verdict

# A short line (a menu item, a site slogan, a copyright notice) that recurs
# in this share of a shard's documents, and in at least
# CleanConfig.recurring_min_docs of them, is the site's chrome. Long lines
# never count: wire copies share whole paragraphs.
RECURRING_SHARE = 0.005
RECURRING_MAX_WORDS = 12
# A long recurring line is chrome when the documents holding it (a sample of
# this many) share less than this share (Jaccard) of the word trigrams of
# their other lines: different stories share almost none, copies of one
# story, even edited, most.
CHROME_SAMPLE_DOCS = 8
CHROME_DOC_OVERLAP = 0.3

# The metadata key that says how an HTML page's article was found: "page"
# when it is the whole page cleaned as scraped text (CleanConfig.html_fallback).
EXTRACTION = "extraction"

# A document is rejected as spam when spam outweighs the rest and it has at
# least this many spam lines (or too little text besides). Only lines the
# spam verdict is sure of count (spam.SURE: the rules, or the lexical model
# at SURE_PROBABILITY or more): a site's chrome that the model finds only
# likely spam ("Subscriber Agreement", shipping offers in ten currencies) is
# removed with the rest of the chrome, but is no evidence that the page is
# spam rather than an article with a long footer.
SPAM_DOC_MIN_LINES = 3

# What a scraper saves when it gets no article: a "not found" page, a bot
# check or block page, a server error. Once its navigation is removed such a
# page is a few sentences that say so, which the gate took for an article
# (and which then replaced the article it was a re-scrape of). A clean text
# this short that says one of these things is rejected as ``error_page``.
# Phrases a short news story could use ("the ferry service is unavailable",
# "too many requests") count only in an error page's wording. On real
# articles: no match in 2,225 BBC and 19,043 Reuters stories, one in the 890
# true bodies of the extraction benchmarks (a text of 1,299 words).
ERROR_PAGE_MAX_WORDS = 150
ERROR_PAGE = re.compile(r"""\b(?:
    (?:page|article|content|file)\s+(?:(?:that\s+)?you(?:'re|\s+are|\s+were)?\s+(?:looking\s+for|requested)\s+)?
        (?:could\s*n[o'’]t|can\s*n[o'’]t|cannot|was\s+not|wasn[’']t|does\s*n[o'’]t|is\s+no\s+longer)\s+
        (?:be\s+)?(?:found|exists?|available)
  | 404\s*(?:error|[-:|–]\s*(?:page\s+)?not\s+found) | error\s+404 | page\s+not\s+found
  | ^access\s+denied | access\s+to\s+this\s+(?:page|site|resource)\s+(?:has\s+been\s+|is\s+)?denied
  | you\s+(?:have\s+been|are|were)\s+blocked | unable\s+to\s+access\s+(?:this\s+)?\S+\.\w
  | (?:enable|turn\s+on)\s+(?:cookies|javascript)(?:\s+and\s+(?:cookies|javascript))?\s+(?:in\s+your\s+browser\s+)?to\s+continue
  | are\s+you\s+a\s+(?:robot|human) | verify\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human
  | checking\s+(?:if\s+the\s+site\s+connection\s+is\s+secure|your\s+browser\s+before)
  | unusual\s+traffic\s+from\s+your | 429\s+too\s+many\s+requests | 50[23]\s+(?:bad\s+gateway|service\s+unavailable)
  | (?:service|site|server)\s+is\s+temporarily\s+unavailable[^\n]{0,120}try\s+again
  | security\s+service\s+to\s+protect\s+itself
  # The same in the other languages the cleaner knows chrome in (German,
  # French, Spanish, Portuguese, Italian, Dutch, Indonesian): "page not
  # found", "error 404", "the page you are looking for does not exist".
  | (?:fehler|erreur|erro|errore|fout|kesalahan)\s+404
  | seite\s+(?:wurde\s+)?nicht\s+gefunden | seite\s+(?:existiert\s+nicht|konnte\s+nicht\s+gefunden\s+werden)
  | page\s+(?:non\s+trouv[ée]e|introuvable) | page\s+(?:que\s+vous\s+(?:recherchez|cherchez)\s+|demand[ée]e\s+)?
        (?:n[’']existe\s+(?:pas|plus)|est\s+introuvable)
  | p[áa]gina\s+(?:no\s+encontrada|n[ãa]o\s+(?:foi\s+)?encontrada|non\s+trovata|niet\s+gevonden)
  | p[áa]gina\s+(?:que\s+(?:buscas|busca|est[áa]s?\s+buscando|voc[êe]\s+(?:procura|est[áa]\s+procurando))\s+|
        solicitada\s+)?(?:no\s+existe|n[ãa]o\s+existe)
  | pagina\s+(?:che\s+stai\s+cercando\s+|richiesta\s+)?(?:non\s+esiste|potrebbe\s+essere\s+stata\s+rimossa
        |non\s+[èe]\s+(?:pi[ùu]\s+)?disponibile)
  | (?:seite|page|p[áa]gina)\s+(?:ist\s+nicht\s+mehr\s+verf[üu]gbar|n[’']est\s+plus\s+disponible
        |ya\s+no\s+est[áa]\s+disponible|n[ãa]o\s+est[áa]\s+mais\s+dispon[íi]vel)
  | pagina\s+(?:die\s+(?:je|u)\s+zoekt\s+)?(?:bestaat\s+niet|is\s+niet\s+gevonden|kon\s+niet\s+worden\s+gevonden)
  | halaman\s+(?:yang\s+anda\s+cari\s+)?tidak\s+(?:ditemukan|tersedia)
)""", re.IGNORECASE | re.VERBOSE | re.MULTILINE)


def clean_document(doc: Document, config: CleanConfig = CleanConfig()) -> Document:
    """Run one document through every per-document stage, in place.

    Afterwards ``doc.text`` is the clean body (paragraphs separated by one
    blank line, a list's items on lines of their own, no trailing newline)
    and ``doc.status`` is ``"kept"`` (so far: deduplication comes later) or
    ``"rejected"`` with a reason.
    """
    return finish(prepare(doc, config), config)


def clean_documents(docs: Iterable[Document], config: CleanConfig = CleanConfig(),
                    progress: Callable[[int, int], None] | None = None) -> list[Document]:
    """Clean a batch of documents; short lines that recur in many of them
    (a site's chrome) are removed as ``recurring``. ``progress(done, total)``
    is called as documents are finished."""
    with _fewer_collections():
        return _clean_documents(docs, config, progress)


# The cleaner makes and drops hundreds of thousands of small objects (lines,
# tuples, lists) per shard, none of them in reference cycles, while its
# caches of seen lines keep many more alive. With Python's default
# threshold (700 allocations) the collector ran hundreds of times a shard,
# each run scanning the young objects and often the caches: 10-20% of the
# cleaning time (1,000 planted documents in one process, three runs
# alternating with the default: 4.1-5.2 s against 5.3-5.7 s). Collections
# still happen, every this many allocations.
GC_THRESHOLD = 100_000


@contextlib.contextmanager
def _fewer_collections():
    previous = gc.get_threshold()
    gc.set_threshold(max(GC_THRESHOLD, previous[0]), *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _clean_documents(docs: Iterable[Document], config: CleanConfig,
                     progress: Callable[[int, int], None] | None) -> list[Document]:
    prepared = [_limited(prepare, doc, config) for doc in docs]
    # Only the full cleaner removes recurring lines (the light pass for
    # extracted HTML does not), so only its texts are searched for them.
    recurring = recurring_lines([d.text for d in prepared if not d.rejected and not _light(d, config)],
                                config.recurring_min_docs)
    done = 0
    for batch in _batches(prepared):
        before = [(doc.text, dict(doc.metadata), doc.status) for doc in batch]
        if not _within_limit(finish_many, batch, config, recurring):
            # One of them ran past the limit: each again on its own, each within it.
            for doc, (text, metadata, status) in zip(batch, before):
                doc.text, doc.metadata, doc.status, doc.removed = text, metadata, status, []
                _limited(finish, doc, config, recurring)
        done += len(batch)
        if progress:
            progress(done, len(prepared))
    return prepared


# Documents whose lines the line model scores together (one walk of its
# trees per cleaning pass costs far less per line over many documents), and
# at most this many characters of them, so that a batch of normal documents
# takes about a second, far within one document's time limit.
FINISH_BATCH = 64
FINISH_BATCH_CHARS = 256 * 1024


def _batches(docs: list[Document]):
    batch, chars = [], 0
    for doc in docs:
        if batch and (len(batch) == FINISH_BATCH or chars + len(doc.text) > FINISH_BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(doc)
        chars += len(doc.text) + len(doc.page_text)
    if batch:
        yield batch


class _TimeUp(Exception):
    pass


def _limited(stage, doc: Document, config: CleanConfig, *args) -> Document:
    """Run one stage on one document within ``config.doc_time_limit``
    seconds; past it the document is rejected as ``timeout``. The limit is
    a timer signal, so it applies in a process's main thread (where Luigi
    runs tasks) and interrupts Python code, not a single long C call."""
    if doc.rejected:
        return doc
    if not _within_limit(stage, doc, config, *args):
        doc.text = ""
        doc.reject("timeout")
    return doc


# After the limit the timer fires again every this many seconds until the
# stage has stopped: a library that swallows exceptions (one raised inside a
# ``__del__`` run by the garbage collector is only printed) must not let a
# document run on unlimited.
_RETRY_SECONDS = 0.05


def _within_limit(stage, arg, config: CleanConfig, *args) -> bool:
    """Run ``stage(arg, config, *args)``; False if it ran past
    ``config.doc_time_limit`` seconds (it is then interrupted)."""
    limit = config.doc_time_limit
    if not limit or threading.current_thread() is not threading.main_thread():
        stage(arg, config, *args)
        return True
    state = {"done": False, "fired": False}

    def time_up(signum, frame):
        if not state["done"]:
            state["fired"] = True
            raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, limit, _RETRY_SECONDS)
    try:
        try:
            stage(arg, config, *args)
        finally:
            state["done"] = True
    except _TimeUp:
        state["done"] = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return not state["fired"]


def recurring_lines(texts: list[str], min_docs: int) -> frozenset[str]:
    """Keys of the lines that are a site's chrome, by recurring across the
    documents of a batch: found in at least ``min_docs`` documents (and in
    at least 0.5% of them), and

    - short (a menu item, a slogan, a copyright notice), or
    - long (a teaser of a related story, a site's blurb) but shared by
      documents that are otherwise different: wire copies of one story
      share long paragraphs too, and those must stay. The documents that
      hold such a line are compared by the word trigrams of their other
      lines; if a sample of them overlaps by less than ``CHROME_DOC_OVERLAP``
      on average, the line is chrome.
    """
    if min_docs <= 0:
        return frozenset()
    needed = max(min_docs, math.ceil(RECURRING_SHARE * len(texts)))
    counts: Counter = Counter()
    doc_keys = []
    for text in texts:
        keys = {line_key(line): len(line.split()) for line in text.split("\n") if line.strip()}
        keys.pop("", None)
        doc_keys.append(keys)
        counts.update(keys.keys())
    frequent = {key for key, n in counts.items() if n >= needed}
    chrome = {key for key in frequent if len(key.split()) <= RECURRING_MAX_WORDS}
    long_frequent = sorted(frequent - chrome)
    if long_frequent:
        holders: dict[str, list[int]] = {key: [] for key in long_frequent}
        for i, keys in enumerate(doc_keys):
            for key in keys:
                if key in holders and len(holders[key]) < CHROME_SAMPLE_DOCS:
                    holders[key].append(i)
        trigrams_of: dict[int, set[tuple[str, ...]]] = {}

        def own_trigrams(i: int) -> set[tuple[str, ...]]:
            if i not in trigrams_of:
                trigrams_of[i] = {tuple(w[k:k + 3]) for key in doc_keys[i] if key not in frequent
                                  for w in (key.split(),) for k in range(max(1, len(w) - 2))}
            return trigrams_of[i]

        # Lines of one template are held by the same first documents: each
        # pair of documents is compared once.
        overlap_of: dict[tuple[int, int], float] = {}

        def overlap(a: int, b: int) -> float:
            if (a, b) not in overlap_of:
                overlap_of[a, b] = _jaccard(own_trigrams(a), own_trigrams(b))
            return overlap_of[a, b]

        for key, docs in holders.items():
            overlaps = [overlap(a, b) for j, a in enumerate(docs) for b in docs[j + 1:]]
            if overlaps and sum(overlaps) / len(overlaps) < CHROME_DOC_OVERLAP:
                chrome.add(key)
    return frozenset(chrome)


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def prepare(doc: Document, config: CleanConfig) -> Document:
    """Extract (HTML) and normalise: ``doc.text`` becomes normalised text."""
    if doc.rejected:
        return doc
    text = doc.text
    if doc.kind != "html" and looks_like_html(text):
        doc.kind = "html"  # a page's source saved as text, an export's HTML under "content"
    if doc.kind == "html":
        if not text.strip():
            return doc.reject("empty")  # nothing to look for an article in
        if config.html_fallback:
            text, found, doc.page_text = extract_page(text, config)
        else:
            text, found = extract_html(text, config)
        for key, value in found.items():
            doc.metadata.setdefault(key, value)
        if not text.strip() and not doc.page_text:
            return doc.reject("no_article_found")
    elif doc.kind == "markdown" or looks_like_markdown(text):
        text = unmark(text)
    doc.metadata = {k: normalize_whitespace(fix_unicode(v)) if isinstance(v, str) else v
                    for k, v in doc.metadata.items()}
    doc.text = normalize(text)
    return doc


def finish(doc: Document, config: CleanConfig, recurring: frozenset[str] = frozenset()) -> Document:
    """Remove boilerplate and spam from prepared text, then the quality gate."""
    finish_many([doc], config, recurring)
    return doc


def finish_many(docs: list[Document], config: CleanConfig, recurring: frozenset[str] = frozenset()) -> None:
    """``finish`` each document, in place; the texts that get the full
    cleaner are cleaned together (``clean_texts``). A document already
    finished (kept or rejected) is left alone, so a batch interrupted by the
    time limit can be finished one by one."""
    light = [d for d in docs if d.status is None and _light(d, config)]
    full = [d for d in docs if d.status is None and not _light(d, config)]
    found_nothing = {id(d) for d in light if not d.text.strip()}  # only the page can have the article
    results = [clean_extracted(d.text, config, title=d.metadata.get("title")) for d in light]
    # HTML pages whose lines long enough to be prose have more than
    # html_fallback times the words of trafilatura's result are also
    # cleaned as scraped text.
    factor = config.html_fallback
    bar = [factor * count_words(result.text) for result in results]  # what the page's result must exceed
    pages = [i for i, d in enumerate(light) if factor and d.page_text and _prose_words(d.page_text) > bar[i]]
    cleaned = clean_texts([d.text for d in full] + [normalize(light[i].page_text) for i in pages], config,
                          titles=[d.metadata.get("title") for d in full + [light[i] for i in pages]],
                          recurring=recurring, wanted=[-1] * len(full) + [int(bar[i]) for i in pages])
    for i, page in zip(pages, cleaned[len(full):]):
        if count_words(page.text) > bar[i]:
            results[i] = page
            light[i].metadata[EXTRACTION] = "page"
    for doc, result in zip(light + full, results + cleaned[:len(full)]):
        for key, value in result.metadata.items():
            doc.metadata.setdefault(key, value)
        doc.removed = result.removed
        doc.text = result.text
        doc.page_text = ""
        if id(doc) in found_nothing and EXTRACTION not in doc.metadata:
            doc.reject("no_article_found")  # trafilatura found nothing, nor did the fallback
            continue
        quality_gate(doc, config)


# Lines of at least this many words can be an article's prose. Only the
# words of such lines of a page are counted in deciding whether cleaning it
# as scraped text could find more than trafilatura did: on the 890
# benchmark pages, 22% of them would be cleaned again if every word
# counted, 8% this way, and the pages where the fallback is taken are the
# same 24 (on each of them, the words of such lines are at least 1.4 times
# what the test asks for).
PROSE_LINE_WORDS = 10


def _prose_words(page: str) -> int:
    """Words in the lines of ``page`` (``render_page``'s: one space between
    words, none at the ends) of at least ``PROSE_LINE_WORDS`` words."""
    lines = page.split("\n")
    if not has_unspaced_script(page):
        counts = map(str.count, lines, itertools.repeat(" "))
        return sum(n + 1 for n in counts if n + 1 >= PROSE_LINE_WORDS)
    return sum(n for n in map(count_words, lines) if n >= PROSE_LINE_WORDS)


def _light(doc: Document, config: CleanConfig) -> bool:
    """Whether ``doc`` gets the light pass (``clean_extracted``) rather than
    the full cleaner."""
    return doc.kind == "html" and config.html_cleaning == "light"


# A text that is one phrase over and over ("word word word ...", keyword
# stuffing) is no article, however long: its word 5-grams each occur many
# times. Measured (``python -m bench.repetition_check``) on 21,258 BBC and
# Reuters stories and the 890 true bodies of the extraction benchmarks, a
# text's 5-grams occur at most 3.9 times each on average (a shop's offer
# terms; a meal plan 3.3; a story the wire sent twice 1.9; any news story
# under 1.5); a sentence repeated over a page, as many times as it is
# repeated. Only texts with few distinct words are counted (at most 30%:
# long tables and lists, as few as 12%), so the count costs articles nothing.
REPETITIVE_MIN_WORDS = 50
REPETITIVE_DISTINCT = 0.3
REPETITIVE_REPEATS = 8.0


def is_repetitive(text: str) -> bool:
    """Whether ``text`` is mostly repetition (``REPETITIVE_*``)."""
    words = text.split()
    n = len(words)
    if n < REPETITIVE_MIN_WORDS or len(set(words)) > REPETITIVE_DISTINCT * n:
        return False
    words = [word.casefold() for word in words]
    return n - 4 >= REPETITIVE_REPEATS * len(set(zip(words, words[1:], words[2:], words[3:], words[4:])))


def quality_gate(doc: Document, config: CleanConfig) -> Document:
    """Reject what is not worth publishing, saying why."""
    words = count_words(doc.text)
    if words < ERROR_PAGE_MAX_WORDS:
        # A page too short to publish anyway is told by its removed lines
        # too (the cleaner may have taken the message itself for chrome).
        said = doc.text if words >= config.min_words else "\n".join([doc.text, *(line for _, line, _ in doc.removed)])
        if ERROR_PAGE.search(said):
            return doc.reject("error_page")
    spam = [line for reason, line, _ in doc.removed if reason == "spam" and spam_verdict(line) == SURE]
    spam_chars = sum(map(len, spam))
    # One long line judged spam (a contact box, a promotion) does not make
    # an article spam; several, or spam and too little else, do.
    if spam and (len(spam) >= SPAM_DOC_MIN_LINES or words < config.min_words) \
            and spam_chars > config.max_spam_share * (spam_chars + len(doc.text)):
        return doc.reject("spam")
    if words == 0:
        return doc.reject("empty")
    if words < config.min_words:
        return doc.reject("too_short")
    if is_repetitive(doc.text):
        return doc.reject("repetitive")
    language = doc.metadata.get("language")  # (a JSONL record may name its own)
    if language is None:
        language = detect_language(doc.text)
        if language:
            doc.metadata["language"] = language
    elif config.languages and language not in LANGUAGE_CODES:
        # A record's own label that names no code ("German", "deu"): the
        # text is judged, so a filter on languages lets nothing through
        # for how an export spelt its label.
        language = detect_language(doc.text)
    if config.languages and language in LANGUAGE_CODES and language not in config.languages:
        return doc.reject(f"language: {language}")
    doc.status = KEPT
    return doc


