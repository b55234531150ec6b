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

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
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
    it (same result, since ftfy works line by line: ~90% of the lines of
    scraped news are plain ASCII); plain ASCII without entities cannot
    hold mojibake, so such a text skips ftfy entirely."""
    if text.isascii() and "&" not in text and "\x1b" not in text:
        return text
    parts = text.split("\n")
    out: list[str] = []
    pending: list[str] = []  # consecutive lines for ftfy, newlines included
    for i, part in enumerate(parts):
        line = part + "\n" if i < len(parts) - 1 else part
        if _NEEDS_FTFY.search(line):
            pending.append(line)
            continue
        if pending:
            out.append(ftfy.fix_text("".join(pending), FTFY_CONFIG))
            pending = []
        out.append(line)
    if pending:
        out.append(ftfy.fix_text("".join(pending), FTFY_CONFIG))
    return "".join(out)


def normalize_whitespace(text: str) -> str:
    """One space between words, no spaces at line ends, ``\\n`` line breaks,
    at most one blank line in a row, no leading or trailing blank lines."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def normalize(text: str) -> str:
    return normalize_whitespace(fix_unicode(text))
