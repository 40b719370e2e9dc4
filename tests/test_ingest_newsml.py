import datetime
import time
from pathlib import Path

import pytest

from ingest.document import IngestError
from ingest.newsml import UNTIL_LIFTED, embargoed_until, read_newsml

WIRE = Path(__file__).parent / "data" / "ingest" / "wire"
UTC = datetime.UTC


def fixture(name: str) -> bytes:
    return (WIRE / name).read_bytes()


def item(inner_meta: str = "", content: str = "", item_meta: str = "", root_attrs: str = ""):
    """A minimal text newsItem around the parts a test is about."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:1" version="1" '
        f'standard="NewsML-G2" standardversion="2.33" {root_attrs}>'
        '<itemMeta><itemClass qcode="ninat:text"/><provider literal="Wire"/>'
        f"<versionCreated>2025-02-12T10:00:00Z</versionCreated>{item_meta}</itemMeta>"
        f"<contentMeta><headline>A headline</headline>{inner_meta}</contentMeta>"
        f"<contentSet>{content}</contentSet></newsItem>"
    ).encode()


PLAIN = '<inlineData contenttype="text/plain">One paragraph.</inlineData>'


def test_a_plain_text_item_is_read_paragraph_by_paragraph():
    extracted = read_newsml(fixture("newsml-text.xml"))
    assert extracted.kind == "newsml"
    assert extracted.headline == "EU gas storage falls below half for the first time since 2022"
    assert extracted.dek.startswith("Cold weather and weak wind drew down reserves")
    assert len(extracted.paragraphs) == 4
    assert extracted.paragraphs[0].startswith("BRUSSELS, Feb 12 - Gas storage")
    assert extracted.paragraphs[2] == (
        '"There is no risk to supply this winter," an agency spokeswoman said. '
        '"But refilling for next winter will cost more and start from lower."'
    )
    # No provider name: the copyright holder is the publisher.
    assert extracted.publisher == "Example Wire Service"
    # No contentCreated: the first version's time.
    assert extracted.published_at == datetime.datetime(2025, 2, 12, 10, 30, tzinfo=UTC)
    assert extracted.language == "en"
    # The guid is a URN, not an address, and there is no canonical link.
    assert extracted.url == ""
    assert extracted.authors == []


def test_an_embargoed_item_is_read_and_says_until_when():
    data = fixture("newsml-text.xml")
    assert read_newsml(data).paragraphs
    until = embargoed_until(data)
    assert until == datetime.datetime(2025, 2, 13, 5, 0, tzinfo=UTC)
    assert until.utcoffset() is not None
    assert embargoed_until(fixture("newsml-xhtml.xml")) is None
    assert embargoed_until(item(content=PLAIN, item_meta="<embargoed/>")) == UNTIL_LIFTED


def test_an_xhtml_item_keeps_its_structure_and_metadata():
    extracted = read_newsml(fixture("newsml-xhtml.xml"))
    assert extracted.headline == "Rail strike called off after overnight pay talks"
    assert extracted.dek == "Union accepts a two-year offer; trains to run normally on Friday"
    assert extracted.authors == ["Hannah Patel", "Luis Romero"]
    assert extracted.publisher == "Example Wire Service"
    assert extracted.published_at == datetime.datetime(2025, 2, 12, 14, 10, tzinfo=UTC)
    assert extracted.url == "https://wire.example.com/news/2025/02/12/rail-strike-talks"
    assert extracted.language == "en-GB"
    assert extracted.section == "labour"
    assert extracted.keywords == [
        "labour",
        "strike",
        "railway transport",
        "National Union of Rail Workers",
        "rail strike",
        "pay talks",
    ]
    assert [b.tag for b in extracted.blocks] == [
        "p", "p", "h2", "ul", "ul", "ul", "blockquote", "h3", "p",
    ]  # fmt: skip
    assert extracted.blocks[6].text.startswith('"This is the best offer our members')
    # Inline markup is part of its paragraph; the page title and the comment are not copy.
    assert extracted.blocks[-1].text.endswith(
        "relieved. Trains will run to the normal timetable, the operators said."
    )
    assert "Picture attached" not in extracted.text
    assert extracted.text.count("Rail strike called off") == 0


def test_a_message_gives_its_first_text_item_in_nitf():
    extracted = read_newsml(fixture("newsml-message.xml"))
    assert extracted.headline == "Cross-Channel ferries resume after gales"
    assert extracted.paragraphs == [
        "Ferries between Dover and Calais resumed sailing on Wednesday evening after gales "
        "closed the port for most of the day.",
        "Queues of lorries stretched for six miles on the approach to the port, police said.",
    ]
    # The byline, not the NITF head, gives the author; the headline is not body copy.
    assert extracted.authors == ["Tom Ellis"]
    assert extracted.publisher == "Example Wire Service"
    # contentCreated is a date only: the first version's time says more.
    assert extracted.published_at == datetime.datetime(2025, 2, 12, 18, 40, tzinfo=UTC)
    assert extracted.keywords == ["maritime transport"]
    assert extracted.section == ""


def test_a_canceled_item_is_refused_with_the_agencys_note():
    with pytest.raises(IngestError) as raised:
        read_newsml(fixture("newsml-canceled.xml"))
    message = str(raised.value)
    assert message.startswith("The wire item is canceled: 'EU gas storage falls below half")
    assert "The agency figures it quoted were wrong" in message


def test_a_withheld_item_is_refused():
    data = item(content=PLAIN, item_meta='<pubStatus qcode="stat:withheld"/>')
    with pytest.raises(IngestError, match="The wire item is withheld"):
        read_newsml(data)


def test_the_published_date_headline_roles_and_html_inline_data():
    data = item(
        inner_meta=(
            "<contentCreated>2025-02-12T09:15:00</contentCreated>"
            '<creator qcode="staff:x"/><by>BY JANE ROE</by>'
            '<subject type="cpnat:abstract" qcode="medtop:15000000"><name>sport</name></subject>'
            '<headline role="hld:subhead">The dek</headline>'
            '<description role="drol:summary">Not the dek: there is a subhead.</description>'
        ),
        content=(
            '<inlineData contenttype="text/html">&lt;p&gt;First.&lt;/p&gt;'
            "&lt;h2&gt;Then&lt;/h2&gt;&lt;p&gt;Second.&lt;/p&gt;</inlineData>"
        ),
        root_attrs='xml:lang="de"',
    )
    extracted = read_newsml(data)
    assert extracted.published_at == datetime.datetime(2025, 2, 12, 9, 15, tzinfo=UTC)
    assert extracted.dek == "The dek"
    assert extracted.authors == ["JANE ROE"]
    assert extracted.section == "sport"
    assert extracted.language == "de"
    assert [(b.tag, b.text) for b in extracted.blocks] == [
        ("p", "First."),
        ("h2", "Then"),
        ("p", "Second."),
    ]


def test_a_base64_inline_data_is_decoded():
    data = item(
        content='<inlineData contenttype="text/plain; charset=utf-8" encoding="base64">'
        "wqtHcsO8w59lwrsgYXVzIEvDtmxuLgoKWndlaXRlciBBYnNhdHou</inlineData>"
    )
    assert read_newsml(data).paragraphs == ["«Grüße» aus Köln.", "Zweiter Absatz."]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "The wire item is empty"),
        (b"Gas storage fell below half.", "is not well-formed XML"),
        (b"<newsItem><headline>x</newsItem>", "is not well-formed XML"),
        (
            b"<newsItem><itemMeta/></newsItem>",
            "its root element is <newsItem> with no namespace",
        ),
        (
            b'<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body/></nitf>',
            "not a NewsML-G2 news item: its root element is <nitf> in namespace",
        ),
        (
            b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>',
            "its root element is <rss>",
        ),
    ],
)
def test_what_is_not_a_newsml_g2_item_is_refused(data, says):
    with pytest.raises(IngestError, match=says):
        read_newsml(data)


def test_an_item_without_text_is_refused():
    remote = '<remoteContent href="https://wire.example.com/a.txt" contenttype="text/plain"/>'
    with pytest.raises(IngestError, match="has no text of its own"):
        read_newsml(item(content=remote))
    with pytest.raises(IngestError, match="has no text of its own"):
        read_newsml(item(content='<inlineData contenttype="text/plain">  </inlineData>'))


def test_a_picture_item_is_refused():
    data = item(content=PLAIN).replace(b"ninat:text", b"ninat:picture")
    with pytest.raises(IngestError, match="has no text item, only picture"):
        read_newsml(data)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE newsItem [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE newsItem [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE newsItem SYSTEM "https://attacker.example.com/newsml.dtd">',
    ],
)
def test_an_item_with_a_dtd_is_refused_before_it_is_parsed(doctype):
    data = item(content='<inlineData contenttype="text/plain">&b; &x;</inlineData>')
    data = data.replace(b"?>", b"?>" + doctype.encode(), 1)
    started = time.monotonic()
    with pytest.raises(IngestError, match="declares a DTD"):
        read_newsml(data)
    with pytest.raises(IngestError, match="declares a DTD"):
        read_newsml(data.decode().replace('"UTF-8"', '"UTF-16"').encode("utf-16"))
    assert time.monotonic() - started < 0.1


def test_a_dtd_named_in_the_text_is_not_a_dtd():
    data = item(
        content='<inlineData contenttype="text/plain">Write &lt;!DOCTYPE html&gt; '
        "first.</inlineData>"
    )
    assert read_newsml(data).paragraphs == ["Write <!DOCTYPE html> first."]
