"""The whole cleaner (rules and line model) on scraped pages written for the tests."""
import numpy as np
import pytest

from pipeline.boilerplate import clean_text, split_lines, unquoted
from pipeline.clean import clean_document
from pipeline.document import Document
from pipeline.config import CleanConfig
from pipeline.linefeatures import FEATURES, line_features
from pipeline.linemodel import LineModel, default_model, smooth

ARTICLE = [
    "The county council voted on Thursday to keep all eleven of its branch libraries open for at least another three years, reversing a plan announced in the spring.",
    "Opening hours will be cut at four of them, saving about £210,000 a year, the finance committee said in a report published alongside the vote.",
    "Campaigners who collected 8,000 signatures against the closures called the decision a partial victory and said they would keep pressing for longer hours.",
    "“Libraries are where children learn to love reading, where people without a computer apply for jobs, and where lonely people find company,” said Ann Hale, who led the campaign.",
    "The council leader, Martin Cole, said the authority still faced a gap of £4.5m in next year's budget and that other services would have to find savings instead.",
    "A final decision on the mobile library service, which visits 38 villages, is expected in the spring once a public consultation has closed.",
    "Volunteers already run two of the smaller branches, and the council said it would offer training to groups willing to help at others.",
    "The branches at Halbury and Elsworth will also host a new county archive service from next year, bringing parish records closer to the people who use them.",
]
CHROME_HEAD = ["Skip to main content", "Menu", "Search", "Home › News › Local", "Libraries saved from closure in budget vote",
               "By Jane Doe", "Published 3 March 2026", "Share", "Tweet", "Email"]
CHROME_TAIL = ["Related stories", "Council tax to rise by 4%", "New bridge opens to cyclists",
               "Sign up for our morning newsletter", "Enter your email address", "12 comments",
               "Leave a Reply", "I earn $9,000 a month working from home, check this website for info GOOD LUCK",
               "HERE====)> http://www.jobs.example", "© 2026 The Halbury Post. All rights reserved."]


def page(head=CHROME_HEAD, body=ARTICLE, tail=CHROME_TAIL):
    return "\n".join(head + body + tail)


def test_scraped_page_comes_out_as_its_article():
    result = clean_text(page())
    assert result.text.split("\n\n") == ARTICLE
    assert result.metadata["title"] == "Libraries saved from closure in budget vote"
    assert result.metadata["author"] == "Jane Doe" and result.metadata["date"] == "2026-03-03"
    removed = {line for _, line, _ in result.removed}
    assert removed == set(CHROME_HEAD + CHROME_TAIL)


def test_title_goes_to_metadata_but_a_heading_of_the_same_words_in_the_article_stays():
    # A guide titled like one of its sections: the header's copy is the
    # title, the one among the paragraphs is a heading of the article.
    title = "Libraries saved from closure in budget vote"
    body = ARTICLE[:4] + [title] + ARTICLE[4:]
    result = clean_text(page(body=body))
    assert result.metadata["title"] == title
    assert result.text.split("\n\n") == body
    assert title in [line for _, line, _ in result.removed]  # the header's copy


def test_article_that_ends_the_text_keeps_its_last_paragraphs():
    result = clean_text(page(tail=[]))
    assert result.text.split("\n\n")[-2:] == ARTICLE[-2:]


def test_removed_lines_carry_reasons_and_scores():
    result = clean_text(page())
    reasons = {line: (reason, score) for reason, line, score in result.removed}
    assert reasons["Leave a Reply"][0].startswith("comments")
    assert reasons["HERE====)> http://www.jobs.example"][0] == "spam"
    assert all(score is None or 0.0 <= score <= 1.0 for _, score in reasons.values())


def test_threshold_is_a_knob():
    body = ARTICLE[:4] + ["What the campaigners want next"] + ARTICLE[4:]
    default = clean_text(page(body=body)).text.split("\n\n")
    strict = clean_text(page(body=body), CleanConfig(line_threshold=0.999)).text.split("\n\n")
    assert len(strict) < len(default)


def test_unquoted_treats_an_open_quote_as_running_to_the_end():
    assert unquoted("He said “we will” and left") == "He said  and left"
    assert unquoted("“We are here, and our children are here.") == ""
    assert unquoted("Our readers ‘know’ it") == "Our readers ‘know’ it"


def test_model_file_matches_the_features():
    model = default_model()
    assert model.feature_names[:len(FEATURES)] == FEATURES
    lines = split_lines(page())
    prob = model.predict(line_features(lines), [l.text for l in lines])
    assert prob.shape == (len(lines),) and ((prob >= 0) & (prob <= 1)).all()
    assert model.info["held_out_figures"]


def test_model_refuses_features_it_was_not_trained_on():
    model = default_model()
    lines = split_lines(page())
    with pytest.raises(ValueError, match="retrain"):
        model.predict(line_features(lines)[:, :-1], [l.text for l in lines])


def test_model_round_trips_through_its_file(tmp_path):
    model = default_model()
    model.save(tmp_path / "m.npz")
    again = LineModel.load(tmp_path / "m.npz")
    lines = split_lines(page())
    X, texts = line_features(lines), [l.text for l in lines]
    assert np.allclose(model.predict(X, texts), again.predict(X, texts), atol=1e-3)


def test_smoothing_flips_isolated_doubtful_lines_only():
    p = np.array([0.9, 0.9, 0.45, 0.9, 0.9, 0.1, 0.1, 0.02])
    assert smooth(p, 0.0).tolist() == [True, True, False, True, True, False, False, False]
    assert smooth(p, 1.0).tolist() == [True, True, True, True, True, False, False, False]
    assert smooth(np.array([0.99, 0.01, 0.99]), 1.0).tolist() == [True, False, True]
    assert smooth(np.zeros(0), 1.0).tolist() == []


def test_hard_wrapped_paragraphs_are_joined_and_menus_are_not():
    from pipeline.boilerplate import unwrap
    wrapped = [
        "The county council voted on Thursday to keep all eleven of its",
        "branch libraries open for at least another three years, reversing",
        "a plan announced in the spring after a long campaign.",
    ]
    menu = ["Home", "World news and analysis", "Business", "Sport and results", "Culture"]
    assert unwrap(menu + [""] + wrapped) == menu + ["", " ".join(wrapped)]
    text = "\n".join(CHROME_HEAD + ["\n".join(wrapped), ""] + ARTICLE + CHROME_TAIL)
    assert " ".join(wrapped) in clean_text(text).text


def test_a_list_of_even_lines_is_judged_whole_and_published_item_by_item():
    """Lines of one length that go on with capitals are a list, not a
    wrapped paragraph: judged as one line as before, published with each
    item on a line of its own (joined with spaces, they read as one run-on
    sentence), and cleaning the result again changes nothing."""
    from pipeline.boilerplate import unwrap
    items = [
        "Late opening on Thursdays until nine in the evening at every branch",
        "Free computer classes for older readers twice a month at the central",
        "Homework clubs in the four largest branches during the school terms",
        "Reading groups for teenagers and a mobile library for the villages",
    ]
    assert unwrap(items) == ["\n".join(items)]
    lead = "The plan the council approved on Thursday keeps every branch open and adds the following services:"
    article = ARTICLE[:2] + [lead, ""] + items + [""] + ARTICLE[2:]
    text = "\n".join(CHROME_HEAD + article + CHROME_TAIL)
    cleaned = clean_text(text).text
    assert "\n".join(items) in cleaned.split("\n\n")
    assert clean_text(cleaned).text == cleaned


def test_long_lines_recurring_across_different_articles_are_chrome_but_shared_paragraphs_of_copies_stay():
    from pipeline.clean import clean_documents
    from pipeline.document import Document
    teaser = ("Read next: the mayor of Elsworth explains in a long interview why the town's market square will "
              "be closed to cars from June, and what traders think of it.")
    bodies = [
        ["Dredging of the harbour channel starts in April and will last six weeks.",
         "Larger cargo ships will have to wait for high tide while the work goes on."],
        ["A leaking roof has closed three classrooms at Halbury primary school since January.",
         "Parents were told that repairs cannot begin before the summer holidays."],
        ["Signal failures delayed more than two hundred trains on the valley line last month.",
         "The operator blamed copper theft and promised new cameras at four depots."],
        ["Nurses at the county hospital voted to accept a revised pay offer on Friday.",
         "Their union said the deal ends a dispute that began eighteen months ago."],
        ["A late frost destroyed much of the apple blossom in the orchards east of Elsworth.",
         "Growers expect the smallest harvest in a decade and higher cider prices."],
        ["The museum has received a lottery grant to rebuild its fossil gallery.",
         "Visitors will be able to watch volunteers clean specimens from next spring."],
    ]
    docs = []
    for i, body in enumerate(bodies):  # six different articles under one site's chrome
        docs.append(Document(id=f"d{i}", source=f"d{i}", text="\n".join(CHROME_HEAD + body + [teaser] + CHROME_TAIL),
                             kind="text"))
    for i in range(5):  # five copies of one wire story, sharing its paragraphs
        docs.append(Document(id=f"c{i}", source=f"c{i}", text="\n".join(CHROME_HEAD + ARTICLE + CHROME_TAIL),
                             kind="text"))
    cleaned = {d.id: d for d in clean_documents(docs)}
    for i in range(len(bodies)):
        assert teaser not in cleaned[f"d{i}"].text
        assert ("recurring", teaser) in [(r, line) for r, line, _ in cleaned[f"d{i}"].removed]
    for i in range(5):
        assert all(paragraph in cleaned[f"c{i}"].text for paragraph in ARTICLE[:3])


def test_recurring_chrome_far_from_other_lines_skips_the_passes_and_is_still_accounted_for():
    """Recurring lines far from every other line are taken out before the
    passes (they cost as much as article lines and only neighbour other
    chrome); those near the article stay as its context, bylines and dates
    stay wherever they are, and every line of the text is either published
    or reported as removed."""
    from pipeline.boilerplate import RECURRING_CONTEXT_ABOVE, RECURRING_CONTEXT_BELOW, clean_texts, line_key, \
        strip_recurring
    menu = [f"Section {name}" for name in ("World", "Business", "Sport", "Culture", "Travel", "Food", "Science",
                                           "Health", "Opinion", "Weather")]
    footer = [f"Footer link {name}" for name in ("About", "Careers", "Contact", "Terms", "Privacy", "Cookies",
                                                 "Accessibility", "Advertise")]
    date = "Published 3 March 2026"
    text = "\n".join(menu + [date, "Libraries saved from closure in budget vote", ""] + ARTICLE + [""] + footer)
    recurring = frozenset(line_key(line) for line in menu + footer + [date])
    stripped, removed = strip_recurring(text, recurring)
    left = stripped.split("\n")
    assert [line for _, line, _ in removed] == [line for line in menu + footer if line not in left]
    assert all(reason == "recurring" and score is None for reason, _, score in removed)
    # the chrome right above the title and right below the article stays as their context (above the
    # title, the date line is one of the RECURRING_CONTEXT_ABOVE lines kept)
    assert menu[-(RECURRING_CONTEXT_ABOVE - 1):] == left[:RECURRING_CONTEXT_ABOVE - 1]
    assert footer[:RECURRING_CONTEXT_BELOW] == [line for line in left if line in footer]
    assert menu[0] not in left and footer[-1] not in left
    assert date in left and all(paragraph in left for paragraph in ARTICLE)
    assert strip_recurring(text, frozenset()) == (text, [])

    result = clean_texts([text], recurring=recurring)[0]
    assert all(paragraph in result.text for paragraph in ARTICLE)
    published = [line for line in result.text.split("\n") if line]
    reported = [line for _, line, _ in result.removed]
    assert sorted(published + reported) == sorted(line for line in text.split("\n") if line)
    for line in menu + footer:
        assert ("recurring", line) in [(reason, removed) for reason, removed, _ in result.removed]


def test_evenly_filled_lines_that_end_sentences_are_left_as_they_are():
    # One sentence per line, all of a length: not a wrapped paragraph. (The
    # first version rescanned such a run from every line: cubic in its length.)
    from pipeline.boilerplate import unwrap
    lines = [f"Sentence number {i:04d} of an evenly filled page ends right here." for i in range(3000)]
    assert unwrap(lines) == lines


class _TeaserLovingModel:
    """A line model that is sure of long lines without a full stop (teaser
    lists) and doubts everything else: the shape of the mistake the rule
    below guards against, made on purpose."""
    threshold_keep, smoothing = 0.5, 0.0

    def predict(self, features, texts):
        return np.array([0.9 if len(t.split()) > 15 and not t.endswith(".") else 0.1 for t in texts],
                        dtype=np.float32)


def test_the_model_alone_never_takes_the_last_prose_of_a_text():
    teaser = ("Top Design Agencies Worldwide 2026 Booking Forms That Convert Best Layouts for Small Firms Why "
              "Your Website Is Not Converting and How to Fix It Service Pages That Rank in Search")
    article = ["Spanish film The Sea Inside was named best picture at the festival on Sunday, its jury said.",
               "Its star also won best actor, and the festival gave its ticket profits to a relief fund this year."]
    # (A page with chrome on it: a text without any is plain, and the model
    # alone removes no prose there: test_a_plain_story_keeps_its_tables_and_lists.)
    result = clean_text("\n\n".join(["Advertisement"] + article + [teaser]), model=_TeaserLovingModel())
    assert all(paragraph in result.text for paragraph in article)
    # When the model keeps other prose (a long paragraph ending in "!"), its word stands.
    kept = "The festival also said that next year it would show twice as many films from the region as ever before!"
    result = clean_text("\n\n".join(["Advertisement"] + article + [teaser, kept]), model=_TeaserLovingModel())
    assert kept in result.text and not any(paragraph in result.text for paragraph in article)


def test_documents_are_cleaned_in_batches_bounded_in_count_and_size():
    from pipeline.clean import FINISH_BATCH, FINISH_BATCH_CHARS, _batches
    from pipeline.document import Document
    sizes = [10] * (FINISH_BATCH + 5) + [FINISH_BATCH_CHARS // 2] * 3 + [FINISH_BATCH_CHARS * 2] + [10] * 3
    docs = [Document(id=str(i), source=f"{i}.txt", text="x" * n) for i, n in enumerate(sizes)]
    batches = list(_batches(docs))
    assert [d for batch in batches for d in batch] == docs  # all of them, in order
    assert all(len(batch) <= FINISH_BATCH for batch in batches)
    # Over the character cap only when one document alone is larger.
    assert all(len(batch) == 1 for batch in batches if sum(len(d.text) for d in batch) > FINISH_BATCH_CHARS)
    assert [len(b) for b in batches] == [FINISH_BATCH, 6, 2, 1, 3]


def test_a_batch_of_documents_comes_out_as_each_alone():
    from pipeline.clean import clean_document, clean_documents
    from pipeline.document import Document
    texts = [page(), page(tail=[]), page(head=[]), page(body=ARTICLE[:2]), "", "Menu\nShare\nHome"]
    together = clean_documents([Document(id=str(i), source=f"{i}.txt", text=t) for i, t in enumerate(texts)],
                               CleanConfig(recurring_min_docs=0))
    alone = [clean_document(Document(id=str(i), source=f"{i}.txt", text=t), CleanConfig(recurring_min_docs=0))
             for i, t in enumerate(texts)]
    assert [(d.status, d.reason, d.text, d.removed, d.metadata) for d in together] == \
           [(d.status, d.reason, d.text, d.removed, d.metadata) for d in alone]
    assert {d.status for d in together} == {"kept", "rejected"}


class _LastLineDoubtingModel:
    """A line model that doubts the last line of whatever page it sees (at
    ``doubt``): on its own the shape of an eroding cascade (each pass would
    take the new last paragraph), made on purpose."""
    threshold_keep, smoothing = 0.5, 0.0

    def __init__(self, doubt):
        self.doubt = doubt

    def predict(self, features, texts):
        return np.array([0.9] * (len(texts) - 1) + [self.doubt], dtype=np.float32)[:len(texts)]


def test_the_model_alone_takes_the_articles_prose_only_when_sure():
    from pipeline.boilerplate import MAIN_BLOCK_SURE
    doubtful = 0.5 * (1 + MAIN_BLOCK_SURE) * _LastLineDoubtingModel.threshold_keep  # under the threshold, not sure
    # (A page with chrome on it, a share button above the article: a text
    # without any is plain, and the model removes no prose there.)
    page = "\n\n".join(["Share"] + ARTICLE)
    result = clean_text(page, CleanConfig(max_passes=8), model=_LastLineDoubtingModel(doubtful))
    assert result.text == "\n\n".join(ARTICLE) and [reason for reason, _, _ in result.removed] == ["social"]
    # A sure model takes the line; each later pass then takes the next one
    # down to the last prose, which the model alone never takes.
    sure = 0.5 * MAIN_BLOCK_SURE * _LastLineDoubtingModel.threshold_keep
    result = clean_text(page, CleanConfig(max_passes=8), model=_LastLineDoubtingModel(sure))
    assert result.text == "\n\n".join(ARTICLE[:1])
    assert clean_text(page, CleanConfig(max_passes=1), model=_LastLineDoubtingModel(sure)).text == \
        "\n\n".join(ARTICLE[:-1])
    # Outside the main block of paragraphs (a lone paragraph after a run of
    # short lines) a doubtful model's word is enough.
    tail = "The branch at Elsworth will close for two weeks in August while its roof is repaired, the council said."
    text = "\n".join(["\n\n".join(ARTICLE)] + ["Related stories", "Council tax to rise", "New bridge opens",
                                                "Most read", "Weather"] + [tail])
    assert tail not in clean_text(text, CleanConfig(max_passes=1), model=_LastLineDoubtingModel(doubtful)).text

    # Chrome the rules remove inside the article (advertisement labels, a
    # newsletter prompt) does not cut the last paragraph off its block.
    text = "\n".join(ARTICLE[:-1] + ["Advertisement", "Sign up for our morning newsletter", "Advertisement", ARTICLE[-1]])
    assert clean_text(text, CleanConfig(max_passes=1), model=_LastLineDoubtingModel(doubtful)).text == \
        "\n\n".join(ARTICLE)


GERMAN_ARTICLE = [
    "Der Stadtrat hat am Donnerstag beschlossen, alle elf Stadtteilbibliotheken für mindestens drei weitere Jahre offen zu halten, und damit einen Plan aus dem Frühjahr zurückgenommen.",
    "An vier Standorten werden die Öffnungszeiten allerdings gekürzt, was nach Angaben des Finanzausschusses rund 210.000 Euro im Jahr einsparen soll.",
    "Die Initiative, die mehr als 8.000 Unterschriften gegen die Schließungen gesammelt hatte, sprach von einem Teilerfolg und will sich weiter für längere Öffnungszeiten einsetzen.",
    "„Bibliotheken sind Orte, an denen Kinder das Lesen lieben lernen und Menschen ohne eigenen Computer sich um eine Stelle bewerben“, sagte die Sprecherin der Initiative.",
    "Der Oberbürgermeister wies darauf hin, dass im Haushalt des kommenden Jahres noch immer eine Lücke von 4,5 Millionen Euro klaffe und andere Bereiche sparen müssten.",
    "Über die Zukunft des Bücherbusses, der 38 Dörfer anfährt, soll im Frühjahr entschieden werden, wenn eine Bürgerbefragung abgeschlossen ist.",
    "Ehrenamtliche betreiben bereits zwei der kleineren Zweigstellen, und die Stadt will Gruppen schulen, die an weiteren Standorten helfen möchten.",
]
GERMAN_CHROME_HEAD = ["Zum Inhalt springen", "Startseite", "Lokales", "Politik", "Sport", "Kultur", "Suche",
                      "Bibliotheken bleiben offen", "Von Anna Schmidt", "Teilen"]
GERMAN_CHROME_TAIL = ["Mehr zum Thema", "Neue Radbrücke eröffnet", "Grundsteuer steigt um vier Prozent",
                      "Newsletter abonnieren", "Impressum", "Datenschutz", "Kontakt"]
RUSSIAN_PROSE = ("Городской совет в четверг решил сохранить все одиннадцать районных библиотек открытыми "
                 "как минимум ещё на три года, отказавшись от весеннего плана.")


def test_the_language_of_a_page_is_told_from_its_longer_lines():
    from pipeline.linefeatures import is_english

    def english(text):
        lines = split_lines(text)
        return is_english(lines, line_features(lines))

    assert english(page())
    assert not english("\n".join(GERMAN_CHROME_HEAD + GERMAN_ARTICLE + GERMAN_CHROME_TAIL))
    assert not english("\n".join([RUSSIAN_PROSE] * 4))
    assert english("\n".join(GERMAN_ARTICLE[:1]))  # too little to tell
    # English long lines without stop words (a product list) show no other language.
    products = [f"Stainless Steel Pressure Cooker {i} Quart Induction Compatible Dishwasher Safe Lid Valve"
                for i in range(6)]
    assert english("\n".join(products))


def test_an_article_in_another_language_keeps_its_paragraphs():
    text = "\n".join(GERMAN_CHROME_HEAD + GERMAN_ARTICLE + GERMAN_CHROME_TAIL)
    result = clean_text(text)
    assert all(paragraph in result.text for paragraph in GERMAN_ARTICLE)
    assert not any(line in result.text.split("\n") for line in ["Startseite", "Impressum", "Newsletter abonnieren"])


def test_an_article_in_a_script_without_spaces_is_not_too_short():
    """Words were counted between spaces, so an article in Japanese or
    Chinese was a handful of "words" and rejected as too short (a Japanese
    page of the aeb benchmark scored 0 in both modes)."""
    from pipeline.clean import clean_document
    from pipeline.document import Document, count_words
    japanese = ("市の図書館は来月から開館時間を延長すると発表した。平日は午後九時まで利用できるようになる。"
                "利用者からの要望が多かったため、職員の勤務体制を見直したという。")
    assert len(japanese.split()) == 1 and count_words(japanese) == 37  # 73 characters, 4 punctuation marks
    assert count_words("図書館 library の本") == 1 + 3
    assert count_words("ห้องสมุดเปิดถึงสามทุ่ม") == 6  # Thai: a word per four characters
    assert count_words("The library opens late. Café “Nord” too") == 7
    doc = clean_document(Document(id="j", source="j.html", kind="html",
                                  text=f"<html><body><article><p>{japanese}</p><p>{japanese[:40]}</p></article></body></html>"))
    assert doc.status == "kept", doc.reason


ERROR_PAGES = {
    "not found": "Home\nNews\nSport\nPage not found\nSorry, the page you were looking for could not be found. It may have "
                 "been moved, or the link you followed may be out of date. Try the search box or go back to the home "
                 "page.\nSearch\nContact us\n",
    "block": "Just a moment\nWhy am I seeing this?\nAccess to this page has been denied because we believe you are "
             "using automation tools to browse the website. Please make sure that JavaScript and cookies are enabled "
             "in your browser and that you are not blocking them from loading.\nReference ID: 40c1-99a2\n",
    "robot": "Before you continue\nAre you a robot? We have detected unusual traffic from your computer network. "
             "Please complete the check below so that we know the requests are being sent by you and not by a "
             "program.\nI am not a robot\n",
    "server": "Error\nThe service is temporarily unavailable while we carry out maintenance on our systems. Please "
              "try again later. We expect to be back within the hour and apologise for any inconvenience.\n",
}


def test_error_and_bot_check_pages_are_rejected_not_published():
    """A scraper that got no article saves what the site said instead;
    once its navigation is gone the gate took it for a short article."""
    for name, text in ERROR_PAGES.items():
        doc = clean_document(Document(id=name, source=f"{name}.txt", text=text, kind="text"))
        assert (doc.status, doc.reason) == ("rejected", "error_page"), (name, doc.status, doc.reason, doc.text)
    page = ("<html><head><title>404</title></head><body><nav><a href='/'>Home</a></nav><main><h1>Page not found"
            "</h1><p>The article you requested does not exist or is no longer available on this site. Please "
            "check the address or use the search to find what you were looking for.</p></main></body></html>")
    doc = clean_document(Document(id="p", source="p.html", text=page, kind="html"))
    assert (doc.status, doc.reason) == ("rejected", "error_page")


FOREIGN_ERROR_PAGES = {
    "de": "Startseite\nPolitik\nSport\nFehler 404\nDie Seite wurde nicht gefunden. Vielleicht hat sich die Adresse "
          "geändert, oder der Artikel ist nicht mehr online. Nutzen Sie die Suche oder kehren Sie zur Startseite "
          "zurück.\nSuche\nImpressum\n",
    "fr": "Accueil\nInternational\nErreur 404\nDésolé, la page que vous recherchez n’existe pas ou a été déplacée. "
          "Vérifiez l’adresse saisie ou utilisez le moteur de recherche du site.\nRecherche\nMentions légales\n",
    "es": "Portada\nDeportes\nPágina no encontrada\nLo sentimos, la página que buscas no existe o ha cambiado de "
          "dirección. Puedes volver a la portada o usar el buscador para encontrar lo que necesitas.\nBuscar\n",
    "pt": "Início\nÚltimas\nA página que você procura não existe ou foi removida. Confira o endereço digitado ou "
          "volte para a página inicial para continuar navegando pelo site.\nBusca\n",
    "it": "Home\nCronaca\nErrore 404 - Pagina non trovata\nLa pagina che stai cercando potrebbe essere stata rimossa "
          "o non è più disponibile. Torna alla home page o usa la ricerca.\nCerca\n",
    "nl": "Home\nNieuws\nPagina niet gevonden\nDe pagina die je zoekt bestaat niet meer of is verplaatst. Controleer "
          "het adres of ga terug naar de voorpagina van de site.\nZoeken\n",
    "id": "Beranda\nBerita\nHalaman tidak ditemukan\nMaaf, halaman yang Anda cari mungkin telah dihapus atau "
          "alamatnya salah. Silakan kembali ke beranda atau gunakan fitur pencarian.\nCari\n",
}


def test_error_pages_in_other_languages_are_rejected():
    for lang, text in FOREIGN_ERROR_PAGES.items():
        doc = clean_document(Document(id=lang, source=f"{lang}.txt", text=text, kind="text"))
        assert (doc.status, doc.reason) == ("rejected", "error_page"), (lang, doc.status, doc.reason, doc.text)
    # Short stories that speak of pages and of things not found are not error pages.
    for brief in ("Die Polizei hat die vermisste Wanderin am Sonntag nicht gefunden. Die Suche in den Bergen wird am "
                  "Montag fortgesetzt, teilte ein Sprecher mit. Auf der Seite des Tals ist der Schnee bereits hoch.",
                  "La página web del ayuntamiento publicó el lunes el calendario de obras. El alcalde dijo que la "
                  "nueva biblioteca abrirá en marzo y que el presupuesto no cambia."):
        doc = clean_document(Document(id="b", source="b.txt", text=brief, kind="text"))
        assert doc.status == "kept", (doc.reason, brief)


def test_short_news_about_blocking_and_outages_is_kept():
    briefs = ["Protesters were blocked from entering the town hall on Monday as councillors voted to close two "
              "libraries. The council said the service is temporarily unavailable at both sites, and that a "
              "mobile library would visit the villages twice a week. Campaigners said they would appeal.",
              "The ferry service is unavailable until Friday after storms damaged the pier, the operator said. The "
              "helpline has received too many requests to answer them all, and passengers were told that access "
              "denied to the car park would be restored once the debris is cleared."]
    for brief in briefs:
        doc = clean_document(Document(id="b", source="b.txt", text=brief, kind="text"))
        assert doc.status == "kept", doc.reason


# A scraped page in Chinese, written for this test: menu, headline, date line,
# five paragraphs (one line each, ending in "。"), related links, share bar.
ZH_ARTICLE = [
    "经过一年多的施工，位于城市东部的滨河公园改造工程于今天上午正式完工。改造后的公园新增了三公里长的步行道、两座儿童游乐场和一个可容纳五百人的露天剧场，全部设施向市民免费开放。",
    "公园管理处负责人表示，这次改造最重要的目标是让更多居民能够方便地走到河边。过去，沿河的大部分地段被围墙和停车场占据，居民只能从两个入口进入，而现在沿河一共设置了十一个出入口。",
    "附近居民李女士说，她每天早上都会带孩子来公园散步。她认为新的步行道比以前宽了很多，晚上的照明也更充足，老人和孩子走起来都更放心。",
    "据介绍，改造工程总投资约一点二亿元，其中一部分资金用于治理河道污染。环保部门的监测数据显示，今年河水的主要指标已经连续六个月达到三类水标准，比改造前明显改善。",
    "管理处还计划在明年春天举办第一届河畔音乐节，届时露天剧场将安排二十多场免费演出，欢迎市民参加。",
]
ZH_PAGE = "\n".join(["首页", "新闻", "国际", "财经", "体育", "科技", "登录", "注册",
                     "城市公园改造工程今日完工 市民可免费入园", "2026年3月14日 08:30 来源：本报记者 王明", *ZH_ARTICLE,
                     "相关新闻", "地铁三号线延长段下月试运行", "市图书馆周末延长开放时间", "分享到：微信 微博"])


def test_an_article_in_chinese_keeps_its_paragraphs_apart_and_its_headline_in_metadata():
    # A line of Chinese is one "word" between commas to a word pattern: a
    # paragraph looked like a short label, the page's paragraphs, which end
    # in "。", were joined as one hard-wrapped paragraph, and the page came
    # out empty with all of it as its title.
    doc = clean_document(Document(id="zh", source="zh.txt", text=ZH_PAGE, kind="text"))
    assert doc.status == "kept"
    assert doc.text.split("\n\n") == ZH_ARTICLE
    assert doc.metadata["title"] == "城市公园改造工程今日完工 市民可免费入园"
    assert doc.metadata["date"] == "2026-03-14"


# The same in Hindi (paragraphs of one sentence each, ending in "।").
HI_ARTICLE = [
    "नगर निगम ने सोमवार से शहर के पूर्वी हिस्से में बारह नई बसें चलाना शुरू किया है।",
    "ये बसें सुबह छह बजे से रात ग्यारह बजे तक हर पंद्रह मिनट पर मिलेंगी।",
    "अधिकारियों के अनुसार इससे रोज़ लगभग बीस हज़ार यात्रियों को फ़ायदा होगा।",
    "पहले दिन कई यात्रियों ने कहा कि अब उन्हें ऑटो पर ज़्यादा पैसे नहीं खर्च करने पड़ेंगे।",
    "निगम अगले महीने पश्चिमी इलाक़े के लिए भी ऐसी ही सेवा शुरू करने की योजना बना रहा है।",
]
HI_PAGE = "\n".join(["होम", "देश", "विदेश", "खेल", "लॉग इन", "शहर में नई बस सेवा शुरू, यात्रियों को मिलेगी राहत",
                     "14 मार्च 2026", *HI_ARTICLE, "संबंधित खबरें", "मेट्रो का नया स्टेशन अगले हफ्ते खुलेगा", "शेयर करें"])


def test_an_article_in_hindi_keeps_its_paragraphs_apart_and_loses_its_related_links():
    # "।" ends a sentence: the paragraphs were joined as one hard-wrapped
    # line, with the related-news heading glued to its end.
    doc = clean_document(Document(id="hi", source="hi.txt", text=HI_PAGE, kind="text"))
    assert doc.status == "kept"
    assert doc.text.split("\n\n") == HI_ARTICLE
    assert doc.metadata["title"] == "शहर में नई बस सेवा शुरू, यात्रियों को मिलेगी राहत"


TH_HEADLINE = "กรุงเทพฯ เตรียมเปิดเส้นทางจักรยานใหม่ในย่านเมืองเก่า"
TH_ARTICLE = [
    "กรุงเทพมหานครเตรียมเปิดเส้นทางจักรยานใหม่ในย่านเมืองเก่าภายในเดือนหน้า",
    "ผู้ว่าราชการกรุงเทพมหานครกล่าวว่าโครงการนี้จะช่วยลดปัญหาการจราจรและมลพิษทางอากาศ",
    "เส้นทางใหม่มีความยาวประมาณสิบสองกิโลเมตร และเชื่อมต่อกับสถานีรถไฟฟ้าสามแห่ง",
    "ชาวบ้านในพื้นที่ส่วนใหญ่เห็นด้วยกับโครงการ แต่ผู้ค้าริมทางบางรายกังวลเรื่องพื้นที่ขายของ",
    "สำนักงานเขตจะจัดประชุมรับฟังความคิดเห็นของประชาชนในวันเสาร์ที่จะถึงนี้",
    "คาดว่าการก่อสร้างจะแล้วเสร็จภายในสิ้นปีนี้ หากไม่มีปัญหาเรื่องงบประมาณ",
]
TH_PAGE = "\n".join(["หน้าแรก", "ข่าว", "กีฬา", "บันเทิง", "เข้าสู่ระบบ", "14 มี.ค. 2569 09:30 น.", TH_HEADLINE,
                     *TH_ARTICLE, "แชร์",
                     "ข่าวที่เกี่ยวข้อง", "ตลาดน้ำแห่งใหม่เปิดให้บริการแล้ว", "รถไฟฟ้าสายสีชมพูขยายเวลาเดินรถ",
                     "ติดต่อเรา", "นโยบายความเป็นส่วนตัว"])


def test_an_article_in_thai_keeps_its_paragraphs():
    # Thai marks no sentence end: every paragraph was taken for a wrapped
    # line (all joined, with the share button) or, once apart, for a
    # headline, the article's first paragraph removed as the title pass
    # after pass until the page was rejected as too short.
    doc = clean_document(Document(id="th", source="th.txt", text=TH_PAGE, kind="text"))
    assert doc.status == "kept"
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[-len(TH_ARTICLE):] == TH_ARTICLE
    assert set(paragraphs[:-len(TH_ARTICLE)]) <= {TH_HEADLINE}  # the headline may stay: nothing tells it apart
    assert doc.metadata.get("title") != "เข้าสู่ระบบ"  # "log in"
    assert doc.metadata.get("date") == "2026-03-14"  # the Buddhist era's 2569
    removed = {line: reason for reason, line, _ in doc.removed}
    assert removed["แชร์"] == "social" and removed["ข่าวที่เกี่ยวข้อง"] == "related"


def test_the_headline_byline_and_date_just_above_the_article_are_its_own():
    # A promotion near the top is the page's first paragraph, so the header
    # rules read only the menu above it, never the lines between it and the
    # article, which the model removes: no title, author or date was found.
    # The headline, byline and date there are the article's.
    page = "\n".join([
        "Home", "News", "Sport",
        "Get our morning briefing in your inbox every weekday and start the day knowing what matters in the valley.",
        "Sign up", "Local", "Politics", "Business", "Weather",
        "Harbour channel to be dredged before the autumn",
        "By Mira Okafor",
        "Published March 3, 2026",
        "The harbour board agreed on Monday to dredge the northern channel before the autumn, after two fishing "
        "boats ran aground there in July.",
        "Work will start in September and should take six weeks, during which the slipway will stay open to small "
        "craft at high tide.",
        "The board said the cost would be met from its reserves and from a grant awarded by the county last year.",
        "Most read", "Storm closes coast road", "Ferry fares to rise",
    ])
    doc = clean_document(Document(id="d", source="d.txt", text=page, kind="text"))
    assert doc.status == "kept" and doc.text.startswith("The harbour board agreed")
    assert doc.metadata["date"] == "2026-03-03" and doc.metadata["author"] == "Mira Okafor"
    assert doc.metadata["title"] == "Harbour channel to be dredged before the autumn"
    assert "Published March 3, 2026" not in doc.text and "By Mira Okafor" not in doc.text


def test_a_name_alone_beside_the_date_above_the_article_is_its_author():
    page = "\n".join([
        "Home", "Gardening", "Recipes",
        "Our spring catalogue is out now, with forty new varieties of seed and free delivery on every order.",
        "Shop", "Newsletter",
        "Five vegetables to sow before the last frost",
        "Nina Pineda",
        "March 3, 2026",
        "Broad beans, peas and onions go in early: a cold frame or a fleece keeps the worst of the frost off "
        "the seedlings while the soil warms.",
        "Spinach and radishes follow a week later, and both are ready to pick before the first tomatoes are "
        "even planted out.",
        "Water little and often until the roots are established, and thin the rows once the second leaves show.",
    ])
    doc = clean_document(Document(id="n", source="n.txt", text=page, kind="text"))
    assert doc.status == "kept" and doc.text.startswith("Broad beans")
    assert (doc.metadata["author"], doc.metadata["date"]) == ("Nina Pineda", "2026-03-03")
    assert doc.metadata["title"] == "Five vegetables to sow before the last frost"


def test_a_text_that_is_one_phrase_repeated_is_rejected_as_repetitive():
    from pipeline.clean import is_repetitive
    stuffed = "Cheap flights to Lisbon, book cheap flights to Lisbon today. " * 40
    for text in ("word " * 20_000, stuffed):
        doc = clean_document(Document(id="r", source="r.txt", text=text))
        assert doc.status == "rejected" and doc.reason == "repetitive", (text[:40], doc.reason)
    # An article, and a table of figures whose rows differ only in their
    # numbers, are not.
    table = "\n".join(f"Week {n}: output {100 + 3 * n} tonnes, exports {40 + n} tonnes, stocks {900 - 7 * n} tonnes."
                      for n in range(1, 60))
    assert not is_repetitive(table) and not is_repetitive("\n".join(ARTICLE))
    assert clean_document(Document(id="a", source="a.txt", text="\n".join(ARTICLE))).status == "kept"


SPAM_COMMENTS = ["I earn $9,000 a month working from home, check this website for info GOOD LUCK",
                 "HERE====)> http://www.jobs.example", "Google pay 97$ per hour my last pay check was $8500 GOOD LUCK",
                 "Make money online from home today!!! visit my page >> http://cash.example/start"]


def test_a_page_that_is_mostly_spam_is_rejected_as_spam_and_an_article_beside_it_is_not():
    spam_page = clean_document(Document(id="s", source="s", text="\n".join(
        ["Home", ARTICLE[0], *SPAM_COMMENTS, *SPAM_COMMENTS[:2]]), kind="text"))
    assert (spam_page.status, spam_page.reason) == ("rejected", "spam")
    article = clean_document(Document(id="a", source="a", text=page(tail=SPAM_COMMENTS), kind="text"))
    assert article.status == "kept" and article.text.split("\n\n") == ARTICLE


def test_lines_the_spam_verdict_finds_only_likely_do_not_make_a_page_spam(monkeypatch):
    """The gate counts the lines the verdict is sure of: chrome the lexical
    model finds only likely spam (a footer of offers) is no evidence that
    the page is spam. The same removed lines, once sure, reject the page."""
    from pipeline import clean, spam
    from pipeline.clean import quality_gate

    def gated(verdict):
        monkeypatch.setattr(clean, "spam_verdict", lambda line: verdict)
        doc = Document(id="a", source="a", text="\n\n".join(ARTICLE[:2]), kind="text")
        doc.removed = [("spam", f"Free express shipping on orders over {n} or more, see our international page "
                                "for the rates, the timelines and the countries we ship to", 0.1)
                       for n in ("$60", "65€", "¥990", "₹11,230", "480kr")]
        return quality_gate(doc, CleanConfig())

    assert gated(spam.LIKELY).status == "kept"
    assert (gated(spam.SURE).status, gated(spam.SURE).reason) == ("rejected", "spam")


WIRE_TABLE = ["Shr 41 cts vs 37 cts", "Net 4,210,000 vs 3,815,000", "Revs 61.0 mln vs 55.3 mln", "Nine mths",
              "Shr 1.12 dlrs vs 98 cts", "Net 11.5 mln vs 10.1 mln"]
WIRE_NOTE = ("NOTE: The company said results for the quarter include a gain of 300,000 dlrs from the sale of "
             "its trucking unit, against no such gain a year earlier.")
FIXTURES = ["Leeds v Norwich or Hull", "Bristol City v Stoke", "Reading or Luton v Sunderland"]
CUP_STORY = ["The draw for the fifth round of the cup was made at the club's ground on Monday evening, with "
             "three of the four remaining league leaders kept apart.",
             "Holders Leeds face a trip to the winners of the replay between Norwich and Hull, the only tie "
             "still to be settled after the weekend.",
             "Ties will be played on the weekend of 14 and 15 February, with two games chosen for live "
             "television coverage. The fixtures are:"]


def test_a_plain_story_keeps_its_tables_and_lists():
    """A story told alone, with no line of chrome by its wording (a feed, an
    export), is all article: the table of results above its first
    paragraph and the fixtures below its last stay, and a headline above
    its prose goes, to metadata (above a table it stays). A run of menu
    items (in whatever language), or one line of chrome by its wording (a
    site's link), makes it a scraped page again."""
    from pipeline.clean import clean_document
    from pipeline.document import Document
    wire = ["HARBOUR FREIGHT CORP 3RD QTR NET", *WIRE_TABLE, WIRE_NOTE]
    done = clean_document(Document(id="w", source="w.txt", kind="text", text="\n\n".join(wire)))
    assert (done.status, done.text.split("\n\n")) == ("kept", wire)
    cup = clean_document(Document(id="c", source="c.txt", kind="text",
                                  text="\n\n".join(["Leeds drawn away in fifth round", *CUP_STORY, *FIXTURES])))
    assert cup.text.split("\n\n") == CUP_STORY + FIXTURES
    assert cup.metadata["title"] == "Leeds drawn away in fifth round"
    again = clean_document(Document(id="c", source="c.txt", kind="text", text=cup.text))
    assert again.text == cup.text  # cleaning the clean text changes nothing
    menu = ["Politics", "Business", "Sport", "Weather"]
    cup = clean_document(Document(id="m", source="m.txt", kind="text", text="\n\n".join(menu + CUP_STORY + FIXTURES)))
    assert cup.text.split("\n\n")[:len(CUP_STORY)] == CUP_STORY
    assert not set(menu) & set(cup.text.split("\n\n"))
    for chrome in ("Privacy Policy", "Facebook: The Harbour Gazette", "document-footer"):
        page = clean_document(Document(id="p", source="p.txt", kind="text",
                                       text="\n\n".join(["HARBOUR FREIGHT CORP 3RD QTR NET", *WIRE_TABLE, WIRE_NOTE,
                                                         chrome])))
        assert chrome not in page.text and not set(WIRE_TABLE) <= set(page.text.split("\n\n")), chrome
