"""The reader's site at 375, 768 and 1280 px, light and dark: what a reader would notice.

Each page of the matrix is opened once, in a fresh browser context, by the
module's ``visits`` fixture: it saves a full-page screenshot (for people, not
compared) and measures the page; each test then asserts one fact about one
visit. Visiting the whole matrix up front keeps to one newsroom for the module:
the live server's tests empty the database after each test.

Screenshots go to $SCREENSHOT_DIR, or to a pytest temporary directory (printed,
and named in every failure message).
"""

import dataclasses
import datetime
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import modify_settings
from django.utils import timezone
from PIL import Image as PILImage
from playwright.sync_api import Error as PlaywrightError

from articles.images import WIDTHS
from articles.models import Image, Source
from tests.factories import (
    BylineFactory,
    CitationFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
    StoryFactory,
)
from tests.pictures import encode

pytestmark = pytest.mark.browser

WIDTHS_SCREEN = (375, 768, 1280)
SCHEMES = ("light", "dark")
HEIGHT = 800
PAGES = ("front", "story", "listing", "search", "404")
LEAD_HEADLINE = "Ceasefire talks open in Geneva as delegations meet face to face"
SEARCH_WORD = "ceasefire"

# Light and dark at every width, then the phone again at twice the pixels (for pictures).
MATRIX = [
    (name, width, scheme, 1) for name in PAGES for width in WIDTHS_SCREEN for scheme in SCHEMES
]
WITH_PICTURES = ("front", "story", "listing", "search")
RETINA = [(name, 375, "light", 2) for name in WITH_PICTURES]
# Which rendition a picture gets does not depend on the colour scheme.
PICTURES_MATRIX = [
    (name, width, "light", 1) for name in WITH_PICTURES for width in WIDTHS_SCREEN
] + RETINA


def key(name, width, scheme, dpr=1):
    return f"{name}-{width}-{scheme}" + ("" if dpr == 1 else f"-{dpr}x")


# The lead story's body: long paragraphs, a subheading, a list and a pull quote.
BODY_PARAGRAPHS = [
    "Delegations from both sides sat down in the same room in Geneva on Monday for the first "
    "time in three years, opening talks that diplomats hope will lead to a ceasefire before "
    "the winter. The meeting, in a lakeside villa lent by the Swiss government, began an hour "
    "late after a dispute over the seating plan and lasted well into the evening.",
    "Neither side would say much as they left. A senior member of the Ukrainian president's "
    "team said the first day had been spent agreeing what the talks would cover, and that the "
    "hard questions of where a line might be drawn and who would guard it had barely been "
    "raised. Officials on the other side spoke of a constructive atmosphere.",
    "The talks follow weeks of telephone diplomacy between Washington, Moscow and European "
    "capitals, and a series of prisoner exchanges that both governments presented as proof of "
    "good faith. Western officials are wary of reading too much into the gestures, pointing "
    "out that similar exchanges before the last round of talks came to nothing.",
    "Swiss officials, who have hosted more than a dozen rounds of negotiations on other "
    "conflicts in the past decade, said the delegations would meet every day this week and "
    "that no end date had been set. The foreign ministry has booked the villa until the end "
    "of the month, and a second, larger venue is being prepared in case the talks widen.",
    "European governments, which have complained for months of being shut out of the "
    "process, sent a team of observers led by the bloc's foreign policy chief. She told "
    "reporters outside the villa that Europe would not accept any settlement reached over "
    "its head, and that the security of the whole continent was at stake in the room.",
    "For the people living near the front line, the talks are a distant affair. In towns "
    "along the river, shelling continued through the night, local officials said, and "
    "residents queued for water in the morning as they have done for most of the year. Few "
    "of those who spoke to reporters expected the fighting to stop soon.",
    "Analysts say the most difficult questions are the ones that have wrecked earlier "
    "attempts: how to verify a ceasefire along a front more than a thousand kilometres long, "
    "what happens to the territory each side holds, and whether any foreign troops would be "
    "stationed in the country to keep the peace once the guns fall silent.",
    "Energy markets reacted cautiously. The price of gas for delivery next month fell by "
    "four per cent in early trading in Amsterdam before recovering most of its losses by the "
    "afternoon, as traders weighed the chance of a deal against the long list of issues "
    "still to be settled and the record of previous rounds of talks.",
    "The Kremlin's spokesman told reporters in Moscow that any agreement would have to "
    "reflect what he called the realities on the ground, a phrase that officials in Kyiv "
    "have long taken to mean that Russia expects to keep the land it holds. He declined to "
    "say whether the delegation had been given the authority to sign anything.",
    "In Washington, officials said the president had spoken to both leaders by telephone "
    "over the weekend and would decide later this month whether to travel to Europe for a "
    "summit if the talks made enough progress. They described the mood in the White House "
    "as hopeful but said that nobody expected a breakthrough this week.",
    "Aid agencies used the opening of the talks to renew their calls for safe passage for "
    "civilians and convoys, saying that access to several towns near the front had become "
    "harder in recent weeks. They asked both delegations to agree on humanitarian corridors "
    "first, whatever happens to the wider negotiations over the coming days.",
    "Diplomats who have taken part in earlier rounds cautioned that the first days of any "
    "negotiation are the easiest, because each side sets out positions it already holds in "
    "public. The real test, they said, would come when the delegations start trading "
    "concessions and have to explain them to their own people at home.",
    "The delegations are due to meet again on Tuesday morning. Swiss officials said that "
    "they would brief reporters at the end of each day but that the talks themselves would "
    "remain closed, and that neither side had asked for the sessions to be broadcast. A "
    "joint statement, if there is one, is not expected before the weekend.",
    "Outside the villa, a small group of protesters carrying flags stood behind barriers for "
    "most of the afternoon, watched by police. Some demanded that no territory be given up; "
    "others held placards calling for an immediate end to the fighting. By nightfall they had "
    "gone, leaving the road to the television crews waiting for the delegations to leave.",
    "Whatever comes of the week in Geneva, officials on all sides agreed that the talks would "
    "be long. One European diplomat compared them to the negotiations that ended other wars "
    "in the region, which took the best part of two years and several collapses before a "
    "text was signed, and said that the aim for now was simply to keep everyone in the room.",
]
PULL_QUOTE = "Europe will not accept any settlement reached over its head."
LIST_ITEMS = [
    "a ceasefire along the whole front, checked by observers",
    "an exchange of all prisoners of war",
    "safe corridors for civilians and aid convoys",
]


def lead_body() -> str:
    paragraphs = [f"<p>{text}</p>" for text in BODY_PARAGRAPHS]
    items = "".join(f"<li>{item}</li>" for item in LIST_ITEMS)
    return "".join(
        [
            *paragraphs[:5],
            f'<blockquote class="pull-quote"><p>{PULL_QUOTE}</p></blockquote>',
            *paragraphs[5:8],
            "<h2>What each side wants</h2>",
            "<p>Both delegations have said in public what they want from the talks:</p>",
            f"<ul>{items}</ul>",
            *paragraphs[8:],
            "<p>Additional reporting by Tomás Ruiz in Kyiv.</p>",
        ]
    )


# headline, section, type, picture (index or None), kicker
OTHER_STORIES = [
    ("European leaders scramble for a seat at the table", "world", "analysis", 1, "Diplomacy"),
    ("Markets rally as oil falls below $70 on ceasefire hopes", "business", "news", 2, "Markets"),
    ("Why the ceasefire talks matter for energy prices", "business", "explainer", None, "Energy"),
    ("Glacier retreat speeds up across the Alps, survey finds", "science", "news", 0, "Climate"),
    ("Europe must speak with one voice on Ukraine", "world", "opinion", None, "Comment"),
    ("Central bank holds rates as inflation cools", "business", "news", 1, "Economy"),
    ("Grain corridor reopens for Black Sea shipping", "world", "news", None, "Trade"),
    ("Satellite maps show the scale of summer wildfires", "science", "news", 2, "Environment"),
    ("Rail strike called off after an overnight deal", "business", "news", None, "Transport"),
    ("Kremlin says any deal must reflect 'realities on the ground'", "world", "news", 0, "Russia"),
    ("Researchers sequence the genome of an Arctic moss", "science", "news", None, "Biology"),
]


PICTURE_SUBJECTS = [
    ((180, 30, 30), "Delegates at the table in a lakeside villa"),
    ((30, 90, 160), "Leaders arriving at a summit"),
    ((40, 140, 60), "Traders watching screens"),
]


def picture(colour, alt_text) -> Image:
    """A 2400×1600 JPEG, so that every rendition width exists, with its renditions made
    (the job runs as the row commits)."""
    content = PILImage.linear_gradient("L").resize((2400, 1600)).convert("RGB")
    content.paste(colour, (600, 400, 1400, 1000))
    image = Image(alt_text=alt_text, caption="Delegations met in Geneva.", credit="Jane Doe/Agency")
    image.file.save("geneva.jpg", ContentFile(encode(content, "JPEG", quality=80)))
    image.refresh_from_db()
    assert image.ready, "the picture's renditions were not made"
    return image


def make_newsroom() -> dict:
    """Twelve published stories in three sections; returns the pages' addresses."""
    sections = {
        slug: SectionFactory(name=slug.title(), slug=slug, position=position)
        for position, slug in enumerate(["world", "business", "science"], start=1)
    }
    amelia = PersonFactory(name="Amelia Hart", slug="amelia-hart", title="Europe editor")
    tomas = PersonFactory(name="Tomás Ruiz", slug="tomas-ruiz", title="Correspondent")
    now = timezone.now()

    lead = StoryFactory(
        headline=LEAD_HEADLINE,
        slug="geneva-ceasefire-talks",
        kicker="Ukraine",
        dek="The first face-to-face meeting in three years began late and ran into the evening.",
        body=lead_body(),
        section=sections["world"],
        lead_image=picture(*PICTURE_SUBJECTS[0]),
        published_at=now - datetime.timedelta(minutes=30),
    )
    BylineFactory(story=lead, person=amelia, order=0, role="in Geneva")
    BylineFactory(story=lead, person=tomas, order=1, role="in Kyiv")
    lead.people.add(
        PersonFactory(name="Kaja Kallas", slug="kaja-kallas", title="EU foreign policy chief"),
        PersonFactory(name="Dmitry Peskov", slug="dmitry-peskov", title="Kremlin spokesman"),
    )
    for order, (source, detail) in enumerate(
        [
            (SourceFactory(name="Interfax", slug="interfax"), "news agency report"),
            (
                SourceFactory(name="The Kremlin", slug="kremlin", kind=Source.Kind.GOVERNMENT),
                "told reporters",
            ),
            (
                SourceFactory(
                    name="A senior member of the Ukrainian president's team",
                    slug="ukrainian-official",
                    kind=Source.Kind.ANONYMOUS,
                ),
                "spoke on condition of anonymity",
            ),
        ]
    ):
        CitationFactory(story=lead, source=source, order=order, detail=detail)
    lead.tags.add("Diplomacy", "Ukraine", "Geneva talks")

    for hours, (headline, section, story_type, image, kicker) in enumerate(OTHER_STORIES, 1):
        story = StoryFactory(
            headline=headline,
            slug=f"story-{hours}",
            kicker=kicker,
            story_type=story_type,
            dek="Diplomats and investors weigh what a deal could mean for the continent.",
            body="".join(f"<p>{text}</p>" for text in BODY_PARAGRAPHS[hours % 5 : hours % 5 + 3]),
            section=sections[section],
            # A picture of its own: a browser that has a larger rendition of the
            # same picture in its cache shows that one instead.
            lead_image=None if image is None else picture(*PICTURE_SUBJECTS[image]),
            published_at=now - datetime.timedelta(hours=hours),
        )
        BylineFactory(story=story, person=amelia if hours % 2 else tomas, role="in Brussels")
        story.tags.add("Diplomacy" if section == "world" else section.title())

    return {
        "front": "/",
        "story": lead.get_absolute_url(),
        "listing": sections["world"].get_absolute_url(),
        "search": f"/search/?q={SEARCH_WORD}",
        "404": "/no-such-page/",
    }


# --- Measurements, in the page -------------------------------------------------------

# Scroll down as a reader would, so that lazy pictures load, then back to the top.
SCROLL_THROUGH = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => {
    requestAnimationFrame(done);
  }));
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight * 0.75) {
    scrollTo({top: y, behavior: "instant"});
    await frame();
  }
  scrollTo({top: 0, behavior: "instant"});
  await document.fonts.ready;
  await frame();
}"""

PICTURES_LOADED = "() => [...document.querySelectorAll('picture img')].every((img) => img.complete)"

# What reaches past the right edge of the window: elements' boxes, and text (a long
# word or address spills out of a box that stays within the window), reported by the
# outermost element. What a box that scrolls sideways by itself (overflow-x auto or
# scroll) holds is spared, and so is what a box that clips it holds (overflow-x hidden
# or clip, as visually hidden labels are): that box is checked in its turn. The body and
# the root are never such a box here, as clipping them hides the overflow from readers.
OVERFLOW = """() => {
  const limit = document.documentElement.clientWidth;
  const contained = (node) => {
    for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.documentElement && parts.length < 4; e = e.parentElement) {
      let part = e.localName + (e.id ? "#" + e.id : "");
      if (e.classList.length) part += "." + [...e.classList].join(".");
      const twins = [...(e.parentElement?.children ?? [])].filter(
        (c) => c.localName === e.localName);
      if (twins.length > 1) part += `:nth-of-type(${twins.indexOf(e) + 1})`;
      parts.unshift(part);
      if (e.id) break;
    }
    return parts.join(" > ");
  };
  const range = document.createRange();
  const offenders = [];
  const walker = document.createTreeWalker(
    document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.currentNode; node; node = walker.nextNode()) {
    const isText = node.nodeType === Node.TEXT_NODE;
    if (isText && !node.data.trim()) continue;
    if (isText) range.selectNodeContents(node);
    const box = (isText ? range : node).getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const right = box.right + scrollX;
    if (right <= limit + 1 || offenders.some((o) => o.el.contains(node))) continue;
    if (contained(node)) continue;
    offenders.push({el: isText ? node.parentElement : node, right});
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth,
    offenders: offenders.slice(0, 8).map((o) => ({
      selector: describe(o.el),
      right: Math.round(o.right),
      text: o.el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40),
    })),
  };
}"""

# Characters on each rendered line of each paragraph given, spaces between words
# included and the space where a line wraps left out. Lines are told apart by the box of
# each character (a one-character Range): a character whose middle lies below the
# previous one's bottom starts a new line. Counting lines as height / line-height is not
# robust: line-height may be "normal", and a link, a mark or a drop cap changes a line's
# height; the characters' own boxes give each line exactly.
LINES = """(paragraphs) => paragraphs.map((p) => {
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const lines = [];
  let previous = null;
  let spaces = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      if (/\\s/.test(node.data[i])) {
        spaces += 1;
        continue;
      }
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      if (!previous || (box.top + box.bottom) / 2 > previous.bottom) {
        lines.push(0);
      } else {
        lines[lines.length - 1] += Math.min(spaces, 1);
      }
      spaces = 0;
      lines[lines.length - 1] += 1;
      previous = box;
    }
  }
  return lines;
})"""

# Long body paragraphs; not one that opens with a floated drop cap, whose first lines
# are short by design.
BODY_PARAGRAPHS_JS = """() => [...document.querySelectorAll("main article p")].filter((p) =>
  p.textContent.length >= 300 && getComputedStyle(p, "::first-letter").cssFloat === "none")"""

# Each picture's file width, read by loading the chosen file (currentSrc) in a plain
# <img>: the picture's own naturalWidth is scaled by its srcset descriptor.
PICTURES = """async () => {
  const found = [];
  for (const img of document.querySelectorAll("picture img")) {
    const displayed = img.getBoundingClientRect().width;
    const entry = {alt: img.alt, src: img.currentSrc, displayed, file: null};
    if (img.complete && img.currentSrc) {
      const probe = new Image();
      probe.src = img.currentSrc;
      try { await probe.decode(); entry.file = probe.naturalWidth; } catch (error) {}
    }
    found.push(entry);
  }
  return {dpr: devicePixelRatio, pictures: found};
}"""


def measure_lines(page, paragraphs_js=BODY_PARAGRAPHS_JS) -> list[list[int]]:
    return page.evaluate_handle(paragraphs_js).evaluate(LINES)


def characters_per_line(paragraph_lines: list[list[int]]) -> float | None:
    """Mean characters per full line: a paragraph's last line is usually short."""
    full = [count for lines in paragraph_lines if len(lines) >= 3 for count in lines[:-1]]
    return sum(full) / len(full) if full else None


def axe_violations(page) -> list[tuple]:
    results = Axe().run(page)
    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
    ]


@dataclasses.dataclass
class Visit:
    key: str
    status: int
    screenshot: Path | None
    overflow: dict
    lead_headline_bottom: float | None
    lines: list[list[int]]
    pictures: dict
    pictures_loaded: bool
    violations: list[tuple]


def visit(browser, base_url, path, name, width, scheme, dpr, folder) -> Visit:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": HEIGHT},
        device_scale_factor=dpr,
        color_scheme=scheme,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        response = page.goto(path, wait_until="load")
        page.evaluate(SCROLL_THROUGH)
        try:
            page.wait_for_function(PICTURES_LOADED, timeout=10_000)
            loaded = True
        except PlaywrightError:
            loaded = False
        this = key(name, width, scheme, dpr)
        shot = None
        if dpr == 1:
            shot = folder / f"{this}.png"
            page.screenshot(path=str(shot), full_page=True, animations="disabled")
        lead_bottom = None
        if name == "front":
            link = page.get_by_role("link", name=LEAD_HEADLINE, exact=True)
            box = link.first.bounding_box() if link.count() else None
            if box:
                lead_bottom = box["y"] + box["height"] + page.evaluate("scrollY")
        return Visit(
            key=this,
            status=response.status,
            screenshot=shot,
            overflow=page.evaluate(OVERFLOW),
            lead_headline_bottom=lead_bottom,
            lines=measure_lines(page) if name == "story" else [],
            pictures=page.evaluate(PICTURES),
            pictures_loaded=loaded,
            violations=axe_violations(page) if dpr == 1 else [],
        )
    finally:
        context.close()


@pytest.fixture(scope="module")
def visits(django_db_setup, django_db_blocker, live_server, browser, tmp_path_factory):
    """Every page of the matrix, visited once: {"front-375-light": Visit, …}."""
    folder = os.environ.get("SCREENSHOT_DIR")
    folder = Path(folder) if folder else tmp_path_factory.mktemp("reader-layout")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nReader layout screenshots: {folder}")
    host = urlsplit(live_server.url).hostname
    started = time.monotonic()
    with django_db_blocker.unblock(), modify_settings(ALLOWED_HOSTS={"append": host}):
        paths = make_newsroom()
        # Pages another module's content left in the page cache must not be served here.
        cache.clear()
        found = {}
        for name, width, scheme, dpr in MATRIX + RETINA:
            found[key(name, width, scheme, dpr)] = visit(
                browser, live_server.url, paths[name], name, width, scheme, dpr, folder
            )
        cache.clear()
    print(f"Visited {len(found)} pages in {time.monotonic() - started:.0f} s")
    return found


def where(found: Visit) -> str:
    return f" (screenshot: {found.screenshot})" if found.screenshot else ""


def visited(visits, name, width, scheme, dpr=1) -> Visit:
    """The visit, checked to be of the page meant: a measure of an error page is moot."""
    found = visits[key(name, width, scheme, dpr)]
    expected = 404 if name == "404" else 200
    assert found.status == expected, f"{found.key}: answered {found.status}, not {expected}"
    return found


# --- The facts -------------------------------------------------------------------------

MATRIX_IDS = [key(*entry) for entry in MATRIX]


@pytest.mark.parametrize("name, width, scheme, dpr", MATRIX, ids=MATRIX_IDS)
def test_nothing_overflows_horizontally(visits, name, width, scheme, dpr):
    found = visited(visits, name, width, scheme, dpr)
    overflow = found.overflow
    assert overflow["scrollWidth"] <= overflow["innerWidth"] and not overflow["offenders"], (
        f"{found.key}: the page is {overflow['scrollWidth']} px wide in a "
        f"{overflow['innerWidth']} px window; past the right edge: "
        + "; ".join(
            f"{o['selector']} to {o['right']} px (“{o['text']}”)" for o in overflow["offenders"]
        )
        + where(found)
    )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_lead_headline_is_above_the_fold_at_1280_by_800(visits, scheme):
    found = visited(visits, "front", 1280, scheme)
    assert found.lead_headline_bottom is not None, f"{found.key}: the lead headline is not shown"
    assert found.lead_headline_bottom <= HEIGHT, (
        f"{found.key}: the lead headline's bottom is at {found.lead_headline_bottom:.0f} px, "
        f"below the fold at {HEIGHT} px{where(found)}"
    )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_story_body_lines_hold_60_to_75_characters_at_1280(visits, scheme):
    found = visited(visits, "story", 1280, scheme)
    measure = characters_per_line(found.lines)
    assert measure is not None, f"{found.key}: no long body paragraph found"
    per_paragraph = [round(sum(lines[:-1]) / (len(lines) - 1)) for lines in found.lines]
    assert 60 <= measure <= 75, (
        f"{found.key}: body lines hold {measure:.1f} characters on average "
        f"(paragraph by paragraph: {per_paragraph}), not 60–75{where(found)}"
    )


def picture_problems(found: Visit) -> list[str]:
    dpr = found.pictures["dpr"]
    problems = []
    for entry in found.pictures["pictures"]:
        label = f"“{entry['alt']}”"
        if entry["displayed"] == 0:
            continue  # not shown at this width
        if entry["file"] is None:
            problems.append(f"{label} did not load ({entry['src'] or 'no source chosen'})")
            continue
        needed = entry["displayed"] * dpr
        file = entry["file"]
        # The largest rendition is all there is for a wider display, the smallest is the
        # least there is for a narrower one; otherwise the next width up, at most twice.
        too_small = file < needed and file < WIDTHS[-1]
        too_big = file > 2 * needed and file > WIDTHS[0]
        if too_small or too_big:
            problems.append(
                f"{label}: rendition {file} px for {entry['displayed']:.0f} px displayed "
                f"× {dpr:g} = {needed:.0f} px needed ({'too small' if too_small else 'over 2×'})"
            )
    return problems


@pytest.mark.parametrize(
    "name, width, scheme, dpr", PICTURES_MATRIX, ids=[key(*entry) for entry in PICTURES_MATRIX]
)
def test_each_picture_is_served_at_its_displayed_size(visits, name, width, scheme, dpr):
    found = visited(visits, name, width, scheme, dpr)
    assert found.pictures["pictures"], f"{found.key}: no picture on the page"
    assert found.pictures_loaded, f"{found.key}: pictures still loading after 10 s"
    problems = picture_problems(found)
    assert problems == [], f"{found.key}: " + "; ".join(problems) + where(found)


@pytest.mark.parametrize("name, width, scheme, dpr", MATRIX, ids=MATRIX_IDS)
def test_axe_finds_no_violations(visits, name, width, scheme, dpr):
    found = visited(visits, name, width, scheme, dpr)
    assert found.violations == [], (
        f"{found.key}: "
        + "; ".join(f"{rule} ({impact}) at {targets}" for rule, impact, targets in found.violations)
        + where(found)
    )


# --- The measuring tools, on pages whose answer is known --------------------------------


@pytest.fixture
def scratch(browser):
    context = browser.new_context(viewport={"width": 1280, "height": HEIGHT})
    yield context.new_page()
    context.close()


def test_the_line_measure_counts_the_characters_of_each_line(scratch):
    # Eight words of "abcd " to a 40ch line of monospace, 39 characters without the space
    # where it wraps: links, a smaller font and a drop cap notwithstanding.
    words = " ".join(["abcd"] * 80)
    linked = " ".join(["abcd"] * 10 + ["<a href='#'>abcd abcd</a>"] * 20 + ["abcd"] * 29)
    scratch.set_content(
        f"""<style>p {{ font: 16px/1.6 monospace; width: 40ch; margin: 0 0 1em; }}
        small {{ font-size: 12px; }} .cap::first-letter {{ float: left; font-size: 4em; }}</style>
        <main><article>
          <p>{words}</p>
          <p style="line-height: normal">{linked} <small>abcd</small></p>
          <p class="cap">{words}</p>
        </article></main>"""
    )
    lines = measure_lines(
        scratch, "() => [...document.querySelectorAll('main article p:not(.cap)')]"
    )
    assert lines == [[39] * 10, [39] * 10]
    assert characters_per_line(lines) == 39
    # The drop cap's paragraph: its first lines are shorter, but still told apart, and
    # every character but the spaces where lines wrap is counted.
    (capped,) = measure_lines(scratch, "() => [...document.querySelectorAll('p.cap')]")
    assert capped[0] < 39 and capped[-2] == 39
    assert sum(capped) + len(capped) - 1 == len(words)
    # And the selection of body paragraphs leaves the drop cap's out.
    assert len(measure_lines(scratch)) == 2


def test_the_overflow_check_names_what_sticks_out_and_spares_scrolling_boxes(scratch):
    scratch.set_viewport_size({"width": 375, "height": HEIGHT})
    scratch.set_content(
        """<meta name="viewport" content="width=device-width"><body style="margin: 0">
        <p>Short.</p><div style="overflow-x: auto"><table style="width: 900px"><tr>
        <td>wide but scrolling in its own box</td></tr></table></div>
        <label style="position: absolute; right: 0; width: 1px; height: 1px; overflow: hidden;
        clip-path: inset(50%)">A visually hidden label</label></body>"""
    )
    fine = scratch.evaluate(OVERFLOW)
    assert fine == {"scrollWidth": 375, "innerWidth": 375, "offenders": []}

    scratch.set_content(
        """<meta name="viewport" content="width=device-width"><body style="margin: 0">
        <main><p>Short.</p><p class="url">
        https://example.com/a/very/long/address/that/does/not/wrap/anywhere/at/all</p>
        <div style="width: 500px; margin-left: 10px"><p>A box too wide</p></div></main>
        </body>"""
    )
    wide = scratch.evaluate(OVERFLOW)
    assert wide["scrollWidth"] == 510
    assert [(o["selector"], o["right"]) for o in wide["offenders"]] == [
        ("body > main > p.url:nth-of-type(2)", wide["offenders"][0]["right"]),
        ("body > main > div", 510),
    ]
    assert wide["offenders"][0]["right"] > 375
    assert wide["offenders"][0]["text"].startswith("https://example.com/a/very")


def test_the_axe_check_reports_violations_of_every_impact(scratch):
    scratch.set_content("<html><body><img src='data:,'><p>Text outside any landmark.</p>")
    found = {(rule, impact) for rule, impact, _ in axe_violations(scratch)}
    # Best practices (moderate) count as much as failures of WCAG (serious, critical).
    assert {
        ("image-alt", "critical"),
        ("html-has-lang", "serious"),
        ("region", "moderate"),
    } <= found


@pytest.mark.parametrize(
    "file, displayed, dpr, fine",
    [
        (1280, 1056, 1, True),  # the next width up
        (640, 736, 1, False),  # smaller than shown: blurred
        (1280, 600, 1, False),  # more than twice the pixels shown
        (1600, 1056, 2, True),  # the largest there is, for a wider display
        (WIDTHS[0], WIDTHS[0] // 3, 1, True),  # the smallest there is, for a narrower one
        (960, 375, 2, True),
    ],
)
def test_the_picture_rule_allows_the_next_width_up_and_no_more(file, displayed, dpr, fine):
    shown = {"alt": "A picture", "src": "/media/a.webp", "displayed": displayed, "file": file}
    found = Visit("page", 200, None, {}, None, [], {"dpr": dpr, "pictures": [shown]}, True, [])
    assert (picture_problems(found) == []) == fine
