"""Unicode repair with ftfy, then whitespace and line-break normalisation.

ftfy configuration, chosen for a corpus that keeps the author's typography:
- fix mojibake (``fix_encoding``) and inconsistent UTF-8, C1 controls, lossy
  sequences: these are damage, never intent;
- ``unescape_html=True``: scraped text and JSONL exports often carry
  ``&amp;``/``&#8217;`` left by the scraper; extracted HTML never does;
- keep typographic quotes (``uncurl_quotes=False``) and full-width forms
  (``fix_character_width=False``): they are the author's, and the dedup
  stage folds them itself when it compares texts;
- Latin ligatures (``ﬁ``) are expanded: they are a rendering artefact;
- output is NFC.
"""
from __future__ import annotations

import functools
import re

import ftfy

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=True,
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=True,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=True,
    fix_surrogates=True,
    remove_control_chars=True,
    normalization="NFC",
    explain=False,
)

_LINE_BREAKS = re.compile(r"[\r\u2028\u2029\x0b\x0c\x85]")  # after "\r\n" -> "\n"
# Runs of spaces other than one plain space (which is left alone: matching
# every single space between words doubled normalize_whitespace's time).
_SPACE = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
_SPACES = re.compile(rf" {_SPACE}+|[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{_SPACE}*")
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BLANK_RUNS = re.compile(r"\n{3,}")


# A line ftfy could change: anything but tab, newline, printable ASCII other
# than "&" (entities) and the typographic quotes, dashes and ellipsis of
# English news. ftfy fixes text line by line, and with FTFY_CONFIG leaves
# every other line exactly as it is: those seven characters are mojibake
# only after a lead character (Ã, â, Â…), and in every one-byte encoding ftfy
# tries, none of them encodes to a UTF-8 lead byte followed by continuation
# bytes (tests/test_normalize.py checks the premise against ftfy). They are
# most of the non-ASCII of English news: 1,648 of 3,682 lines of 150
# benchmark pages went to ftfy without them in this set, 535 with.
FTFY_SAFE = "‘’“”–—…"
_NEEDS_FTFY = re.compile(rf"[^\t\n -%'-~{FTFY_SAFE}]")


def fix_unicode(text: str) -> str:
    """``ftfy.fix_text`` with FTFY_CONFIG, run only on the lines that need
    it (same result, since ftfy fixes each line on its own: most lines of
    scraped news are plain ASCII or hold only FTFY_SAFE characters); a text
    with no such line skips ftfy entirely. The lines are found by one regex
    search from where the last one ended, not by testing every line."""
    match = _NEEDS_FTFY.search(text)
    if match is None:
        return text
    out: list[str] = []
    done = 0  # text[:done] is in out
    while match:
        start = text.rfind("\n", 0, match.start()) + 1
        end = _line_end(text, match.end())
        out.append(text[done:start])
        out.append(_fix_line(text[start:end]))
        done = end
        match = _NEEDS_FTFY.search(text, end)
    out.append(text[done:])
    return "".join(out)


# Lines up to this long are fixed through a cache (of at most 8,192 lines,
# so at most ~16M characters): a site's chrome ("© 2026 The Post", "Marks &
# Spencer") recurs from page to page, and ``normalize`` hands ftfy each line
# again to see that nothing changes.
_CACHED_LINE_CHARS = 2000


def _fix_line(line: str) -> str:
    """``ftfy.fix_text`` of one line (with its newline): the segment ftfy
    itself fixes on its own."""
    if len(line) > _CACHED_LINE_CHARS:
        return ftfy.fix_text(line, FTFY_CONFIG)
    return _fix_short_line(line)


@functools.lru_cache(maxsize=1 << 13)
def _fix_short_line(line: str) -> str:
    return ftfy.fix_text(line, FTFY_CONFIG)


def _line_end(text: str, pos: int) -> int:
    """Just past the newline that ends the line holding ``pos`` (the
    text's end on its last line)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end + 1


def normalize_whitespace(text: str) -> str:
    """One space between words, no spaces at line ends, ``\\n`` line breaks,
    at most one blank line in a row, no leading or trailing blank lines."""
    text = _LINE_BREAKS.sub("\n", text.replace("\r\n", "\n"))
    text = _INVISIBLE.sub("", text)
    text = _CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    if "\n\n\n" in text:
        text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")


def normalize(text: str) -> str:
    """``fix_unicode`` then ``normalize_whitespace``, until nothing changes.

    ftfy sees each line before whitespace is normalised, and what that does
    (dropping an invisible character or a control, turning a Unicode space
    into a plain one) can leave mojibake that ftfy fixes on a second look:
    ``"\\xadÃ\\x80"`` -> ``"Ã€"`` -> ``"À"``. (Those characters cannot be
    dropped before ftfy: ``"Ã\\xad"`` is the mojibake of ``"í"``.) So ftfy
    looks again at what came out, which costs little where no line needs
    it, and normalising normalised text changes nothing."""
    text = normalize_whitespace(fix_unicode(text))
    for _ in range(_MAX_ROUNDS):
        again = fix_unicode(text)
        if again == text:
            break
        text = normalize_whitespace(again)
    return text


_MAX_ROUNDS = 4
