import datetime
import re
from pathlib import Path

import pytest

from ingest.document import Block, IngestError
from ingest.extract import read_document, repair_mojibake, sniff
from ingest.junk import clean_blocks

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "ingest"
SEED = (ROOT / "articles" / "demo" / "trump-putin-call.scraped.txt").read_bytes()
REFERENCE = (ROOT / "articles" / "demo" / "trump-putin-call.txt").read_text(encoding="utf-8")
WORDPRESS = (DATA / "trump-putin-call.wordpress.html").read_bytes()

JUNK = [
    "Contact Information",
    "Westminster Buildings",
    "Call Now",
    "newsletter",
    "Source link",
    "administrator",
    "Leave a Reply",
    "Required fields",
]


def words(text):
    return " ".join(text.split())


def reference_paragraphs():
    return [words(p) for p in REFERENCE.split("\n\n") if p.strip()]


def assert_seed_copy(extracted):
    assert [words(p) for p in extracted.paragraphs] == reference_paragraphs()
    for junk in JUNK:
        assert junk.lower() not in extracted.text.lower(), junk


# -- The seed ----------------------------------------------------------------------------


def test_scraped_seed_keeps_every_paragraph_in_order_and_no_junk():
    extracted = read_document(SEED, filename="trump-putin-call.scraped.txt")
    assert extracted.kind == "text"
    assert_seed_copy(extracted)
    assert all(block.tag == "p" for block in extracted.blocks)


def test_scraped_seed_reports_what_it_removed_and_invents_no_metadata():
    extracted = read_document(SEED)
    assert extracted.removed == [
        "Contact Information",
        "37 Westminster Buildings, Theatre Square, Nottingham, NG1 6LG",
        "We Are Available 24/ 7. Call Now.",
        "Unlock the White House Watch newsletter for free",
        "Source link",
        "administrator",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
    ]
    # Its first lines are junk, so it has no title of its own.
    assert extracted.headline == ""
    assert extracted.authors == [] and extracted.published_at is None
    assert extracted.publisher == "" and extracted.url == ""


def test_seed_in_a_wordpress_page_keeps_the_copy_and_drops_the_furniture():
    extracted = read_document(WORDPRESS, content_type="text/html; charset=UTF-8")
    assert extracted.kind == "html"
    assert_seed_copy(extracted)
    for furniture in ["Recent Posts", "Post navigation", "cookies", "Share this", "Tagged"]:
        assert furniture not in extracted.text


def test_wordpress_page_metadata_is_read_and_absent_metadata_stays_empty():
    extracted = read_document(WORDPRESS, url="https://elsewhere.example/copy")
    assert extracted.headline == (
        "Trump says US and Russia will begin Ukraine peace talks \u2018immediately\u2019"
    )
    assert extracted.dek.startswith("The president spoke to Vladimir Putin")
    assert extracted.publisher == "Midlands Law Desk"
    # The canonical link wins over where the page was fetched.
    assert extracted.url == "https://midlandslawdesk.example/2025/02/12/trump-putin-call/"
    assert extracted.published_at == datetime.datetime(2025, 2, 12, 21, 47, 10, tzinfo=datetime.UTC)
    assert extracted.language == "en-GB"
    assert extracted.section == "World"
    assert extracted.keywords == ["Ukraine", "Russia"]
    # The byline is the WordPress user "administrator": no one's name.
    assert extracted.authors == []


def test_seed_text_pasted_with_windows_line_ends_and_no_blank_lines():
    lines = [p for p in SEED.decode("utf-8").split("\n") if p.strip()]
    extracted = read_document("\r\n".join(lines).encode("utf-8"))
    assert_seed_copy(extracted)


# -- Junk rules --------------------------------------------------------------------------


def blocks(*texts):
    return [Block("p", text) for text in texts]


NEWS = "The council voted on Tuesday to close the library, its leader said."


@pytest.mark.parametrize(
    "junk",
    [
        "Share this article",
        "Click to share on Twitter (Opens in new window)",
        "Subscribe to continue reading",
        "This article is for subscribers only.",
        "Read more: Council closes three libraries",
        "Related: What the budget means for you",
        "We use cookies to give you the best experience on our website.",
        "Sign up to our daily briefing",
        "Subscribe to The Morning newsletter",
        "Your email address will not be published.",
        "Facebook Twitter LinkedIn WhatsApp",
        "[Read: Why the library closed]",
        "Lire aussi : La bibliothèque ferme ses portes",
        "Lesen Sie auch: Die Bibliothek schließt",
        "Leia mais: Biblioteca fecha as portas",
        "Den kompletten Beitrag lesen Sie in der neuen Ausgabe der Zeitschrift.",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "Redakteurin im Ressort Politik der Rheinischen Post.",
        "Wirtschaftskorrespondent der F.A.Z. in Berlin.",
        "Jane Smith, reporter at The Bugle.",
        "Moscow correspondent for Reuters.",
        "Correspondante à Berlin pour l’Écho du Nord.",
        "Repórter da Folha em Brasília.",
        "Periodista de El Diario en Sevilla.",
    ],
)
def test_whole_block_junk_is_removed_wherever_it_stands(junk):
    kept, removed = clean_blocks(blocks(NEWS, junk, NEWS))
    assert removed == [junk]
    assert [b.text for b in kept] == [NEWS, NEWS]


@pytest.mark.parametrize(
    "news",
    [
        "Readers who sign up to the newsletter will get the report first, the editor said.",
        "The minister told residents to call the helpline now if they smell gas.",
        "Share prices fell by 4% after the announcement.",
        "Photograph: Jane Smith/Reuters",
        "© Getty Images",
        "Contact tracing will end next month, the health secretary said.",
        "Read the minutes of the meeting, the council told residents on Tuesday.",
        "Our standards of care are falling, nurses told the inquiry on Monday afternoon.",
        "Correspondents in Moscow said the talks had broken down.",
        "Our correspondent in Kyiv reported heavy shelling overnight.",
        "Reporter der Zeitung in Berlin sagten, die Lage sei ernst.",
        "Correspondant à Moscou, Pierre Martin a été expulsé lundi.",
    ],
)
def test_news_that_mentions_junk_words_and_image_credits_are_kept(news):
    kept, removed = clean_blocks(blocks(NEWS, news, NEWS))
    assert removed == []
    assert [b.text for b in kept] == [NEWS, news, NEWS]


def test_a_contact_block_at_the_end_goes_with_its_unmarked_lines():
    kept, removed = clean_blocks(
        blocks(NEWS, "Photo: AP", "Contact us", "Theatre Square", "Nottingham", "0115 496 0123")
    )
    assert [b.text for b in kept] == [NEWS, "Photo: AP"]
    assert removed == ["Contact us", "Theatre Square", "Nottingham", "0115 496 0123"]


def test_a_title_after_a_leading_contact_block_is_kept():
    kept, removed = clean_blocks(
        blocks("Contact Information", "Nottingham, NG1 6LG", "Library to close", NEWS)
    )
    assert [b.text for b in kept] == ["Library to close", NEWS]
    assert removed == ["Contact Information", "Nottingham, NG1 6LG"]


def test_short_lines_without_a_contact_cue_are_kept():
    kept, removed = clean_blocks(blocks("Library to close", "By Jane Smith", NEWS, "Nottingham"))
    assert removed == []
    assert len(kept) == 4


# -- Bad input ---------------------------------------------------------------------------


def refusal(data, *, sniffed=True, **kwargs):
    with pytest.raises(IngestError) as caught:
        read_document(data, **kwargs)
    if sniffed:
        # Refused before any reader is chosen, with the same words.
        with pytest.raises(IngestError, match=re.escape(str(caught.value))):
            sniff(data, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", "This is a PDF file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "This is a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "This is a JPEG image"),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml word/document.xml", "a Word document"),
        (b"PK\x03\x04\x14\x00\x00\x00notes.txt", "a ZIP archive"),
        (b"Some text\x00\x00\x00\x01\x02 then more", "a binary file"),
    ],
)
def test_files_that_are_not_text_are_refused_by_name(data, says):
    message = refusal(data)
    assert says in message
    assert "paste its text instead" in message


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  \n"])
def test_empty_input_is_refused(data):
    assert "empty" in refusal(data)


def test_input_over_the_size_cap_is_refused_with_the_limit(settings):
    settings.INGEST_MAX_BYTES = 1_000_000
    message = refusal(b"word " * 200_001)
    assert "1.1 MB" in message and "1 MB limit" in message


def test_a_page_that_is_all_boilerplate_is_refused():
    message = refusal((DATA / "paywall-only.html").read_bytes(), sniffed=False)
    assert "all boilerplate" in message


def test_bytes_that_are_no_text_in_any_encoding_are_refused():
    import random

    noise = bytes(b or 1 for b in random.Random(19).randbytes(4000))
    assert "cannot be read as text" in refusal(noise)


def mangle(text):
    """UTF-8 read as Windows-1252, as a misconfigured site serves it."""
    return "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8")
    )


def test_utf8_read_as_windows_1252_is_repaired():
    mangled = mangle(REFERENCE)
    assert "â€œimmediatelyâ€" in mangled
    extracted = read_document(mangled.encode("utf-8"))
    assert [words(p) for p in extracted.paragraphs] == reference_paragraphs()


def test_mojibake_that_cannot_be_repaired_is_refused_not_drafted():
    # The closing quote's last byte was lost along the way: "â€" stands alone.
    garbled = REFERENCE.replace("\u201d", "\u00e2\u20ac").replace("\u201c", "\u00e2\u20ac\u0153")
    assert "garbled by a wrong character encoding" in refusal(garbled.encode("utf-8"))


def test_correct_accents_and_quotes_are_left_alone():
    text = "Ångström, São Paulo, naïve façade — “Œuvre” ‘à’ … € ™. Müller–Lüdenscheid"
    assert repair_mojibake(text) == text


LATIN_PAGE = (
    '<html lang="fr"><head><meta charset="iso-8859-1"><title>Le café rouvre</title></head>'
    "<body><article><h1>Le café rouvre</h1>"
    + "<p>Le café de la gare a rouvert ses portes après des travaux, a déclaré le maire.</p>" * 3
    + "</article></body></html>"
)


def test_a_latin_1_page_declared_by_meta_charset_reads_correctly():
    extracted = read_document(LATIN_PAGE.encode("latin-1"))
    assert extracted.headline == "Le café rouvre"
    assert extracted.paragraphs[0] == (
        "Le café de la gare a rouvert ses portes après des travaux, a déclaré le maire."
    )
    assert extracted.language == "fr"


def test_a_page_declared_latin_1_but_sent_as_utf8_reads_correctly():
    extracted = read_document(LATIN_PAGE.encode("utf-8"), content_type="text/html; charset=latin1")
    assert extracted.paragraphs[0].startswith("Le café de la gare a rouvert")


def test_utf16_with_a_byte_order_mark_reads_correctly():
    extracted = read_document(SEED.decode("utf-8").encode("utf-16"))
    assert_seed_copy(extracted)


def test_utf8_with_stray_windows_1252_bytes_reads_correctly():
    data = SEED + "\n\nLe maire a parlé d’un “succès”.".encode("cp1252")
    extracted = read_document(data)
    assert extracted.paragraphs[-1] == "Le maire a parlé d’un “succès”."


def test_a_windows_1252_text_without_declaration_reads_correctly():
    text = "Le café de la gare a rouvert ses portes après des travaux, a déclaré le maire.\n\n" * 4
    extracted = read_document(text.encode("cp1252"))
    assert extracted.paragraphs[0].startswith("Le café de la gare a rouvert ses portes après")


# -- Kinds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kwargs", "kind"),
    [
        (WORDPRESS, {}, "html"),
        (b"<p>The council voted to close the library.</p>", {}, "html"),
        (SEED, {}, "text"),
        (b'{"uri": "urn:x", "type": "text", "headline": "H"}', {}, "ninjs"),
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', {}, "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>', {}, "feed"),
        (
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            b' xmlns="http://purl.org/rss/1.0/"/>',
            {},
            "feed",
        ),
        (b"not xml at all", {"content_type": "application/rss+xml"}, "feed"),
        (
            b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g" version="1"/>',
            {},
            "newsml",
        ),
        (b'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"/>', {}, "newsml"),
    ],
)
def test_sniff_tells_the_kind_of_input(data, kwargs, kind):
    assert sniff(data, **kwargs) == kind


@pytest.mark.parametrize(
    ("data", "kwargs", "says"),
    [
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', {}, "<svg>"),
        (b'<newsItem xmlns="urn:other"/>', {}, "NewsML-G2 namespace"),
        (b"[1, 2, 3]", {}, "ninjs item is one object"),
        (b'{"headline": ', {"filename": "item.json"}, "JSON file cannot be read"),
    ],
)
def test_sniff_refuses_what_no_reader_takes(data, kwargs, says):
    with pytest.raises(IngestError, match=re.escape(says)):
        sniff(data, **kwargs)


def test_read_document_leaves_wire_items_to_their_readers():
    with pytest.raises(IngestError, match="ninjs"):
        read_document(b'{"uri": "urn:x"}')


# -- Size --------------------------------------------------------------------------------


def test_a_two_megabyte_page_comes_out_whole():
    page = WORDPRESS.decode("utf-8")
    start = page.index("<p>President Donald")
    end = page.index('<p><a href="https://www.ft.com')
    copy = page[start:end]
    repeats = 2 * 1024 * 1024 // len(copy.encode("utf-8")) + 1
    data = (page[:start] + copy * repeats + page[end:]).encode("utf-8")
    assert len(data) > 2 * 1024 * 1024

    extracted = read_document(data)
    assert [words(p) for p in extracted.paragraphs] == reference_paragraphs() * repeats
    assert "Westminster Buildings" not in extracted.text


# -- Structure and metadata of other pages -----------------------------------------------

PARAGRAPH = (
    "<p>The council voted on Tuesday to close the central library after a long debate "
    "about the budget, its leader said in a statement to reporters.</p>"
)


def page(head="", body=""):
    return (
        f"<!DOCTYPE html><html><head>{head}</head><body><header><nav><a href='/'>Home</a> "
        f"<a href='/local'>Local</a></nav></header><article>{body}</article>"
        "<footer>Borough Gazette</footer></body></html>"
    ).encode()


def test_headings_lists_and_quotes_keep_their_structure():
    extracted = read_document(
        page(
            body=PARAGRAPH
            + "<h2>What happens next</h2>"
            + PARAGRAPH
            + "<ul><li>The building closes in June.</li><li>Books move to the town hall.</li></ul>"
            + "<h3>The vote</h3><ol><li>Seven voted for.</li><li>Four against.</li></ol>"
            + "<blockquote><p>It is a sad day for the town, but the money is not there.</p>"
            + "</blockquote>"
            + PARAGRAPH
        )
    )
    assert [block.tag for block in extracted.blocks] == [
        "p", "h2", "p", "ul", "ul", "h3", "ol", "ol", "blockquote", "p",
    ]  # fmt: skip
    assert extracted.blocks[3] == Block("ul", "The building closes in June.")
    assert extracted.blocks[8].text == "It is a sad day for the town, but the money is not there."


def test_json_ld_in_a_list_with_a_list_of_types_and_authors_is_read():
    ld = (
        '[{"@context": "https://schema.org", "@type": ["NewsArticle", "ReportageNewsArticle"],'
        ' "headline": "Central library to close", "description": "Councillors voted 7-4.",'
        ' "datePublished": "2025-03-04T09:30:00+01:00",'
        ' "author": [{"@type": "Person", "name": "Jane Smith"}, {"name": "Omar Haddad"}],'
        ' "publisher": {"@type": "Organization", "name": "Borough Gazette"},'
        ' "articleSection": ["Local", "Politics"], "keywords": ["libraries", "budget"]}]'
    )
    head = (
        '<script type="application/ld+json">{"broken": </script>'
        f'<script type="application/ld+json">{ld}</script>'
    )
    extracted = read_document(page(head=head, body=PARAGRAPH * 3))
    assert extracted.headline == "Central library to close"
    assert extracted.dek == "Councillors voted 7-4."
    assert extracted.authors == ["Jane Smith", "Omar Haddad"]
    assert extracted.published_at == datetime.datetime(2025, 3, 4, 8, 30, tzinfo=datetime.UTC)
    assert extracted.publisher == "Borough Gazette"
    assert extracted.section == "Local"
    assert extracted.keywords == ["libraries", "budget"]


def test_json_ld_graph_references_are_followed():
    ld = (
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebPage", "@id": "#page", "name": "Not the article"},'
        '{"@type": "NewsArticle", "headline": "Library closes", "author": {"@id": "#jane"},'
        ' "publisher": {"@id": "#org"}, "keywords": "libraries, budget"},'
        '{"@type": "Person", "@id": "#jane", "name": "Jane Smith"},'
        '{"@type": "Organization", "@id": "#org", "name": "Borough Gazette"}]}'
    )
    head = f'<script type="application/ld+json">{ld}</script>'
    extracted = read_document(page(head=head, body=PARAGRAPH * 3))
    assert extracted.headline == "Library closes"
    assert extracted.authors == ["Jane Smith"]
    assert extracted.publisher == "Borough Gazette"
    assert extracted.keywords == ["libraries", "budget"]


def test_a_page_without_metadata_leaves_it_empty_but_for_its_title_and_address():
    extracted = read_document(
        page(head="<title>Library to close | Borough Gazette</title>", body=PARAGRAPH * 3),
        url="https://gazette.example/library",
    )
    assert extracted.headline == "Library to close"
    assert extracted.url == "https://gazette.example/library"
    assert extracted.dek == extracted.publisher == extracted.section == extracted.language == ""
    assert extracted.authors == [] and extracted.keywords == []
    assert extracted.published_at is None


def test_relative_canonical_link_resolves_against_the_fetched_address():
    head = '<link rel="canonical" href="/news/library-to-close">'
    extracted = read_document(
        page(head=head, body=PARAGRAPH * 3), url="https://gazette.example/amp/123"
    )
    assert extracted.url == "https://gazette.example/news/library-to-close"


def test_the_h1_is_the_headline_and_is_not_repeated_in_the_body():
    extracted = read_document(page(body="<h1>Central library to close</h1>" + PARAGRAPH * 3))
    assert extracted.headline == "Central library to close"
    assert "Central library to close" not in extracted.text


# -- Plain text --------------------------------------------------------------------------

LEDE = "The council voted on Tuesday to close the central library, its leader said."


def test_a_short_first_line_without_a_full_stop_is_the_headline_of_a_text():
    extracted = read_document(f"Central library to close\n\n{LEDE}\n\n{LEDE}".encode())
    assert extracted.headline == "Central library to close"
    assert extracted.paragraphs == [LEDE, LEDE]


@pytest.mark.parametrize(
    "first",
    [
        LEDE,
        "Libraries",
        "central library to close",
        "The council has voted, after a long and often angry debate that went on late into the"
        " night, to close the central library",
    ],
)
def test_a_first_block_that_is_not_clearly_a_title_stays_copy(first):
    extracted = read_document(f"{first}\n\n{LEDE}".encode())
    assert extracted.headline == ""
    assert extracted.paragraphs[0] == first


def test_bullets_and_quotes_in_a_text_become_lists_and_quotes():
    text = (
        f"{LEDE}\n\n- The building closes in June.\n- Books move to the town hall.\n\n"
        "1. Seven voted for.\n2. Four voted against.\n\n> It is a sad day for the town.\n\n"
        f"{LEDE}"
    )
    extracted = read_document(text.encode())
    assert [(b.tag, b.text) for b in extracted.blocks[1:6]] == [
        ("ul", "The building closes in June."),
        ("ul", "Books move to the town hall."),
        ("ol", "Seven voted for."),
        ("ol", "Four voted against."),
        ("blockquote", "It is a sad day for the town."),
    ]


def test_whitespace_inside_paragraphs_is_normalised():
    extracted = read_document(
        f"The council  voted\non Tuesday.\u00a0 It\tsaid so.\n\n{LEDE}".encode()
    )
    assert extracted.paragraphs[0] == "The council voted on Tuesday. It said so."


def test_a_date_is_not_taken_for_a_phone_number():
    kept, removed = clean_blocks(blocks("Library to close", "23.10.2018", NEWS))
    assert removed == []
    assert len(kept) == 3


def test_an_h1_that_the_title_does_not_contain_is_not_the_headline():
    head = "<title>Babies who eat peanuts early may avoid allergy | WebMD</title>"
    extracted = read_document(page(head=head, body="<h1>Allergies Health Center</h1>" + PARAGRAPH))
    assert extracted.headline == "Babies who eat peanuts early may avoid allergy"


def test_an_og_title_that_is_the_sites_name_is_not_the_headline():
    head = (
        '<meta property="og:title" content="Borough Gazette - Latest News">'
        '<meta name="application-name" content="Borough Gazette - Latest News">'
        "<title>Central library to close</title>"
    )
    extracted = read_document(page(head=head, body="<h1>Central library to close</h1>" + PARAGRAPH))
    assert extracted.headline == "Central library to close"


@pytest.mark.parametrize(
    "og_title",
    [
        "Council budget: Central library to close",
        "Central library to close | Borough Gazette",
        "Central library to close - Borough Gazette",
    ],
)
def test_a_kicker_or_site_name_beside_the_json_ld_headline_is_dropped(og_title):
    ld = '{"@type": "NewsArticle", "headline": "Central library to close"}'
    head = (
        f'<meta property="og:title" content="{og_title}">'
        f'<script type="application/ld+json">{ld}</script>'
    )
    extracted = read_document(page(head=head, body=PARAGRAPH * 3))
    assert extracted.headline == "Central library to close"


def test_an_og_title_unlike_the_json_ld_headline_stays_the_headline():
    ld = '{"@type": "NewsArticle", "headline": "Library closure approved by council 7-4"}'
    head = (
        '<meta property="og:title" content="Central library to close: what it means">'
        f'<script type="application/ld+json">{ld}</script>'
    )
    extracted = read_document(page(head=head, body=PARAGRAPH * 3))
    assert extracted.headline == "Central library to close: what it means"


# -- A portal page: the article among other stories ----------------------------------------

STORY = [
    "The council voted on Tuesday to close the central library after a long debate about "
    "the budget, its leader said.",
    "The building will shut in June and its books will move to the town hall, where a "
    "smaller reading room opens in the autumn.",
    "Seven councillors voted for the plan and four against it after an evening of questions "
    "from residents in the public gallery.",
    "Campaigners said they would ask the courts to review the decision, which they called a "
    "blow to children and older readers.",
    "The library opened in 1904 with money from a local brewer and has lent more than a "
    "million books since it was rebuilt in 1968.",
    "Its staff of eleven will be offered jobs in other council offices, the leader said, and "
    "the building itself will be sold next year.",
]
TOWNS = ["Ashford", "Bexley", "Croydon", "Dartford", "Epsom", "Farnham", "Guildford", "Hastings"]


def teasers(count):
    return "".join(
        f"<li><div><p>Residents of {TOWNS[i % len(TOWNS)]} gathered on day {i} to hear the "
        f"mayor, Ruth Ellis, explain why the bus station would shut for a year while builders "
        "replace its roof, a decision that shopkeepers in the high street said would cost them "
        "dearly over the coming months as visitors stay away from the old market square.</p>"
        "</div></li>"
        for i in range(count)
    )


def portal(article):
    return (
        "<!DOCTYPE html><html><head><title>Library to close</title></head><body>"
        f"<div id='stream'><ul>{teasers(40)}</ul></div>{article}</body></html>"
    ).encode()


def test_a_story_among_a_stream_of_teasers_comes_out_without_them():
    story = "".join(f"<p>{p}</p>" for p in STORY)
    extracted = read_document(
        portal(f"<div><header><h1>Library to close</h1></header><article>{story}</article></div>")
    )
    assert extracted.paragraphs == STORY
    assert "Residents of" not in extracted.text


def test_copy_outside_an_article_element_round_the_header_alone_is_kept():
    story = "".join(f"<p>{p}</p>" for p in STORY)
    extracted = read_document(
        portal(f"<article><h1>Library to close</h1></article><div class='body'>{story}</div>")
    )
    assert all(paragraph in extracted.paragraphs for paragraph in STORY)


def test_a_heading_that_is_the_headline_with_its_kicker_is_not_copy():
    ld = '{"@type": "NewsArticle", "headline": "Central library to close"}'
    head = f'<script type="application/ld+json">{ld}</script>'
    body = "<h2>Council budget : Central library to close</h2>" + PARAGRAPH * 3
    extracted = read_document(page(head=head, body=body))
    assert extracted.headline == "Central library to close"
    assert "Council budget" not in extracted.text
    assert extracted.paragraphs[0].startswith("The council voted")
