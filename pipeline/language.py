"""The language of a clean text, for the manifest's ``language`` field
(ISO 639-1), or None where the text does not say clearly.

Two cheap tests, ~0.1 ms a text, where a trained identifier (py3langid,
measured) costs 1.2-1.8 ms, a third of a document's whole budget:

- the script: Japanese kana, Hangul, Thai, Greek, Hebrew, Georgian,
  Armenian and the Indic scripts name one language each; Han without kana
  is Chinese. Cyrillic and Arabic script serve several languages: their
  texts are told by function words, as Latin-script ones are;
- function words: the share of a text's first 400 words that are among the
  commonest short words of each language ("the", "of", "and" / "der",
  "und", "die" / ...). The language with the largest share wins if it has
  at least ``MIN_SHARE`` of the words and ``MARGIN`` times the next one's
  share; otherwise the text is not labelled.
"""
from __future__ import annotations

import re
from collections import Counter

# Words that are common in running text of one language (words two
# languages share, such as "de" or "la", count for both and decide
# nothing; none of another language's list is a common English word, "a",
# "to", "is", "on", "for", "men", as English is the commonest language of
# news corpora, nor a single Latin letter: "Arsenal v Chelsea", the "s" of
# "Slough's").
_FUNCTION_WORDS = {
    "en": "the of and to in is that for it with as was on are be by this have from at which but not or",
    "de": "der die und das ist nicht ein eine zu den mit von sich des auf für im dem auch es wird nach bei",
    "fr": "le la les et des est une du dans pour qui que pas sur au avec ce sont il elle aux ces leur",
    "es": "el la los las y que del en por con una para es se al lo como más pero sus fue este",
    "pt": "o os e que do da dos das em para com um uma não foi ao pelo pela mais se está são",
    "it": "il la che di e per una sono del della non con gli nel alla anche dei ha è questo più",
    "nl": "de het een en van dat op te voor met zijn niet aan ook er bij door wordt naar",
    "id": "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke karena ada oleh",
    "sv": "och att det som en är på för av med till den har inte om ett var jag",
    "da": "og at det som en er på af med til den har ikke et var blev efter meget hvad nu også",
    "no": "og at det som en er på av med til den har ikke et var ble etter mye hva nå også",
    "fi": "ja ei että se oli hän mutta kun myös ovat tai joka niin kuin sen vain",
    "pl": "na że nie się jest jak po ale od przez dla jego są być został jednak który",
    "cs": "na se že je jako ale pro jsou jeho které tak již jsem jsme bylo není když",
    "ro": "și în de la cu că pe nu este un din mai care pentru sunt fost sau",
    "tr": "ve bir bu da de için ile olarak daha çok gibi ama olan en sonra kadar",
    "hu": "az és hogy nem egy meg van de ez volt már csak mint vagy ezt kell lesz",
    "vi": "và của là có trong được cho không những các với này một người đã",
    "ru": "и в не на что с по как это он она к из но за от для они так его",
    "uk": "і в не на що з по як це він вона до із але за від для вони та його",
    "ar": "في من على إلى أن عن مع هذا التي الذي كان هذه ما لا كما",
    "fa": "و در به از که این با را است برای آن یک می تا بر",
    "ur": "اور کے کی میں ہے کو سے نے یہ کہ پر ہیں تھا کا",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_LANGUAGES_OF: dict[str, list[str]] = {}  # a function word -> the languages it is one of
for _lang, _words in _WORDS.items():
    for _word in _words:
        _LANGUAGES_OF.setdefault(_word, []).append(_lang)
MIN_SHARE = 0.08
MIN_WORDS = 25
MARGIN = 1.5
_SAMPLE_WORDS = 400

# Scripts that name one language, by the first character found of each
# (checked in this order: kana before Han, as Japanese writes both).
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("lo", re.compile(r"[\u0e80-\u0eff]")),
    ("km", re.compile(r"[\u1780-\u17ff]")),
    ("my", re.compile(r"[\u1000-\u109f]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ka", re.compile(r"[\u10a0-\u10ff]")),
    ("hy", re.compile(r"[\u0530-\u058f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("bn", re.compile(r"[\u0980-\u09ff]")),
    ("pa", re.compile(r"[\u0a00-\u0a7f]")),
    ("gu", re.compile(r"[\u0a80-\u0aff]")),
    ("ta", re.compile(r"[\u0b80-\u0bff]")),
    ("te", re.compile(r"[\u0c00-\u0c7f]")),
    ("kn", re.compile(r"[\u0c80-\u0cff]")),
    ("ml", re.compile(r"[\u0d00-\u0d7f]")),
    ("si", re.compile(r"[\u0d80-\u0dff]")),
    ("am", re.compile(r"[\u1200-\u137f]")),
)
# Any character of those scripts (one scan settles the Latin-script texts,
# curly quotes and all).
_ANY_SCRIPT = re.compile("|".join(script.pattern for _, script in _SCRIPTS))
# Every code detect_language gives (a JSONL record's own "language" may be
# anything: a filter on languages judges only these).
LANGUAGE_CODES = frozenset(_WORDS) | {lang for lang, _ in _SCRIPTS}
_LETTER = re.compile(r"[^\W\d_]")
_TOKEN = re.compile(r"[^\W\d_]+")
_ASCII_TOKEN = re.compile(r"[a-z]+")  # _TOKEN on ASCII text already case-folded, twice as fast
# Characters in which _SAMPLE_WORDS words are looked for first (news
# averages six a word, spaces and punctuation included).
_FIRST_CHARS = 3000


def _first_words(sample: str) -> list[str]:
    """The first ``_SAMPLE_WORDS`` tokens (``_TOKEN``) of ``sample``,
    case-folded. A regular expression is 0.3 us a match in Python: the
    tokens of a whole sample were most of this module's time, so the
    first ``_FIRST_CHARS`` are read first. If more tokens than wanted start
    there, the wanted ones end there too and are the same as the whole
    sample's (case folding goes character by character)."""
    folded = sample.casefold()
    token = _ASCII_TOKEN if folded.isascii() else _TOKEN
    if len(folded) > _FIRST_CHARS:
        words = token.findall(folded, 0, _FIRST_CHARS)
        if len(words) > _SAMPLE_WORDS:
            return words[:_SAMPLE_WORDS]
    return token.findall(folded)[:_SAMPLE_WORDS]


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None (see the module)."""
    sample = text[:6000]
    if not sample.isascii() and _ANY_SCRIPT.search(sample, 0, 2000):
        letters = len(_LETTER.findall(sample, 0, 2000)) or 1
        for lang, script in _SCRIPTS:
            # the script of at least a fifth of the letters (a Chinese name
            # in an English text does not make it Chinese)
            if len(script.findall(sample, 0, 2000)) * 5 >= letters:
                return lang
    words = _first_words(sample)
    if len(words) < MIN_WORDS:  # ("Net 188,000 vs 354,000 ... per cwt": a few words say nothing)
        return None
    hits = dict.fromkeys(_WORDS, 0)
    for word, n in Counter(words).items():
        for lang in _LANGUAGES_OF.get(word, ()):
            hits[lang] += n
    (best, lang), (second, _) = sorted(((n, lang) for lang, n in hits.items()), reverse=True)[:2]
    if best >= MIN_SHARE * len(words) and best >= MARGIN * second:
        return lang
    return None
