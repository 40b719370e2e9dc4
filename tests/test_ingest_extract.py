import datetime
from pathlib import Path

import pytest

from ingest.document import Block
from ingest.extract import read_document
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
