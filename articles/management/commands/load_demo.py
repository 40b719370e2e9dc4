import datetime
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from articles.images import delete_unless_committed, rendition_names, store_renditions
from articles.models import Image, Page, Person, Section, Source, Story
from ingest.decisions import accept, reject
from ingest.document import IngestError
from ingest.models import Suggestion
from ingest.pipeline import ingest_bytes

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "demo"

# The Financial Times' report of the Trump–Putin call, 12 February 2025, as it
# arrived: a republication scraped off another site, junk and all
# (articles/demo/trump-putin-call.scraped.txt). The demo ingests it, then makes the
# editor's decisions below on what ingest suggested. Everything here is stated in the
# text; the original's address and byline are not, so they are left empty.
SEED = DEMO_DIR / "trump-putin-call.scraped.txt"
STORY = {
    "slug": "trump-putin-call-ukraine-negotiations",
    "kicker": "Ukraine war",
    "headline": "Trump says US and Russia will begin Ukraine peace negotiations ‘immediately’",
    "dek": (
        "The US president spoke to Vladimir Putin for nearly 90 minutes, then called "
        "Volodymyr Zelenskyy, as Europe fears being left out of talks over Ukraine’s future."
    ),
    "seo_description": (
        "Trump and Putin agreed to start talks on ending the war in Ukraine and to visit "
        "each other’s nations, after a call the Kremlin said lasted nearly 90 minutes."
    ),
    # The report is dated 12 February 2025; its hour is not known, so midday UTC
    # keeps the date the same in any newsroom time zone from UTC-11 to UTC+11.
    "published_at": datetime.datetime(2025, 2, 12, 12, 0, tzinfo=datetime.UTC),
    "section": "World",
    "tags": [
        "Ukraine war",
        "Russia",
        "United States",
        "US foreign policy",
        "Diplomacy",
        "Nato",
        "European Union",
    ],
}

# The editor's pull quote: the sentence of the text it repeats, set after its paragraph.
PULL_QUOTE = "“Cash and boots would be European.”"

# The lead picture: an illustration the project drew for the demo and released into
# the public domain (articles/demo/illustration.py draws it; articles/demo/LICENSE.md).
PICTURE = DEMO_DIR / "trump-putin-call.png"
PICTURE_FIELDS = {
    "alt_text": (
        "Illustration on a dark map grid: a red line arches from Washington to Moscow, "
        "a telephone handset beside each city; Kyiv, marked in yellow below the line, "
        "is not on it."
    ),
    "caption": (
        "An illustration of the call between Washington and Moscow, with Kyiv left off the line."
    ),
    "credit": "Illustration: Newsroom demo (CC0)",
    "copyright": "No rights reserved (CC0 1.0)",
}

SECTIONS = [
    ("World", "world", "International news and analysis."),
]

PEOPLE = [
    ("Donald Trump", "donald-trump", "President of the United States"),
    ("Vladimir Putin", "vladimir-putin", "President of Russia"),
    ("Volodymyr Zelenskyy", "volodymyr-zelenskyy", "President of Ukraine"),
    ("Dmitry Peskov", "dmitry-peskov", "Spokesman for Vladimir Putin"),
    ("Marco Rubio", "marco-rubio", "US secretary of state"),
    ("John Ratcliffe", "john-ratcliffe", "CIA director"),
    ("Mike Waltz", "mike-waltz", "US national security adviser"),
    ("Steve Witkoff", "steve-witkoff", "US special envoy"),
    ("Keith Kellogg", "keith-kellogg", "US envoy for Ukraine"),
    ("Pete Hegseth", "pete-hegseth", "US defence secretary"),
    ("Marc Fogel", "marc-fogel", "American teacher released from detention in Russia"),
    (
        "Alexander Vinnik",
        "alexander-vinnik",
        "Russian who operated the cryptocurrency platform BTC-e",
    ),
]

# Names copy also uses for them, which ingest matches.
ALIASES = {
    "donald-trump": ["President Donald Trump", "President Trump"],
    "vladimir-putin": ["President Vladimir Putin", "President Putin"],
    "volodymyr-zelenskyy": ["Zelensky", "Volodymyr Zelensky", "President Zelenskyy"],
    "financial-times": ["FT", "the FT", "the Financial Times"],
    "the-kremlin": ["Kremlin"],
    "the-white-house": ["White House"],
}

# (name, slug, kind, url, description, person slug, detail in this story). Each is
# the editor's decision on the source suggested from the sentence in EVIDENCE.
SOURCES = [
    (
        "Truth Social",
        "truth-social",
        Source.Kind.PLATFORM,
        "https://truthsocial.com/",
        "Donald Trump’s social media platform.",
        "donald-trump",
        "Donald Trump’s post on Truth Social",
    ),
    (
        "The Kremlin",
        "the-kremlin",
        Source.Kind.GOVERNMENT,
        "",
        "The office of the President of Russia.",
        None,
        "said the call lasted nearly 90 minutes",
    ),
    (
        "Dmitry Peskov",
        "dmitry-peskov",
        Source.Kind.OFFICIAL,
        "",
        "Kremlin spokesman.",
        "dmitry-peskov",
        "told reporters",
    ),
    (
        "A senior member of the Ukrainian president’s team",
        "senior-member-of-zelenskyys-team",
        Source.Kind.ANONYMOUS,
        "",
        "A senior member of Volodymyr Zelenskyy’s team.",
        None,
        "told the Financial Times",
    ),
    (
        "People involved in the EU’s lobbying efforts",
        "people-involved-in-eu-lobbying-efforts",
        Source.Kind.ANONYMOUS,
        "",
        "People involved in the EU’s efforts to lobby the Trump administration for a role "
        "in the talks.",
        None,
        "told the FT",
    ),
    (
        "A western official",
        "a-western-official",
        Source.Kind.ANONYMOUS,
        "",
        "",
        None,
        "in response to Trump’s statement",
    ),
    (
        "The White House",
        "the-white-house",
        Source.Kind.GOVERNMENT,
        "https://www.whitehouse.gov/",
        "The office of the President of the United States.",
        None,
        "on Marc Fogel’s release",
    ),
]

# Words of the sentence each source was suggested from.
EVIDENCE = {
    "truth-social": "wrote on his Truth Social platform",
    "the-kremlin": "which the Kremlin said lasted",
    "dmitry-peskov": "Peskov told reporters",
    "senior-member-of-zelenskyys-team": "a senior member of the Ukrainian president’s team",
    "people-involved-in-eu-lobbying-efforts": "people involved in the efforts told the FT",
    "a-western-official": "said one western official",
    "the-white-house": "the White House said",
}

ORIGINAL_PUBLISHER = (
    "Financial Times",
    "financial-times",
    Source.Kind.PUBLICATION,
    "https://www.ft.com/",
    "International business newspaper, published in London.",
)


class Command(BaseCommand):
    help = (
        "Load the demo content (the Trump–Putin call report), ingested from the page it "
        "was scraped from. Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        load_pages()
        sections = {}
        for position, (name, slug, description) in enumerate(SECTIONS):
            sections[name], _ = Section.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "description": description, "position": position},
            )

        people = {}
        for name, slug, title in PEOPLE:
            people[slug], _ = Person.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "title": title, "aliases": aliases(slug)},
            )

        name, slug, kind, url, description = ORIGINAL_PUBLISHER
        publisher, _ = Source.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "url": url,
                "description": description,
                "aliases": aliases(slug),
            },
        )

        sources = {}
        for name, slug, kind, url, description, person, _detail in SOURCES:
            sources[slug], _ = Source.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": kind,
                    "url": url,
                    "description": description,
                    "person": people.get(person),
                    "aliases": aliases(slug),
                },
            )

        story = Story.objects.filter(slug=STORY["slug"]).first()
        if story is None:
            story = self.load_story(sections, people, sources, publisher)
        else:
            self.stdout.write("Demo content is already loaded.")
        if lead_picture(story):
            self.stdout.write(self.style.SUCCESS("Gave the demo story its lead picture."))

    def load_story(self, sections, people, sources, publisher) -> Story:
        try:
            result = ingest_bytes(SEED.read_bytes(), filename=SEED.name)
        except IngestError as error:
            raise CommandError(f"The demo's page could not be ingested: {error}") from error
        story = result.story
        decide(result.suggestions, people, sources)

        story.slug = STORY["slug"]
        story.kicker = STORY["kicker"]
        story.headline = STORY["headline"]
        story.dek = STORY["dek"]
        story.body = with_pull_quote(story.body)
        story.seo_description = STORY["seo_description"]
        story.status = Story.Status.PUBLISHED
        story.published_at = STORY["published_at"]
        story.section = sections[STORY["section"]]
        story.original_publisher = publisher
        story.save()
        story.tags.add(*STORY["tags"])
        # Loaded now, but written and last changed when it was published (its ninjs
        # firstcreated and versioncreated, and the date in its tag: URI).
        Story.objects.filter(pk=story.pk).update(
            created_at=story.published_at, updated_at=story.published_at
        )
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo story: {story.headline}"))
        return story


def aliases(slug: str) -> str:
    return "\n".join(ALIASES.get(slug, []))


def decide(suggestions, people: dict, sources: dict) -> None:
    """The editor's decisions: the demo's people and sources accepted, as the records
    above and with the detail the editor wrote, in the demo's order; the rest rejected.
    Ingest must have suggested every one of them, or the demo is not loaded."""
    pending = {s.pk: s for s in suggestions}
    by_person = {
        s.person_id: s for s in suggestions if s.kind == Suggestion.Kind.PERSON and s.person_id
    }
    # By name where the newsroom has two people of the demo's name to choose from.
    by_name = {
        s.name: s for s in suggestions if s.kind == Suggestion.Kind.PERSON and not s.person_id
    }
    for person in people.values():
        suggestion = by_person.get(person.pk) or by_name.get(person.name)
        if suggestion is None:
            raise CommandError(f"Ingest did not suggest {person.name} from the demo's page.")
        suggestion.person = person
        accept(suggestion)
        del pending[suggestion.pk]
    source_suggestions = [s for s in suggestions if s.kind == Suggestion.Kind.SOURCE]
    for name, slug, _kind, _url, _description, _person, detail in SOURCES:
        suggestion = next(
            (s for s in source_suggestions if s.pk in pending and EVIDENCE[slug] in s.evidence),
            None,
        )
        if suggestion is None:
            raise CommandError(f"Ingest did not suggest “{name}” from the demo's page.")
        suggestion.source, suggestion.detail = sources[slug], detail
        accept(suggestion)
        del pending[suggestion.pk]
    for suggestion in pending.values():
        reject(suggestion)


def with_pull_quote(body: str) -> str:
    """``body`` with the editor's pull quote after the paragraph it quotes."""
    found = body.find(PULL_QUOTE)
    end = body.find("</p>", found) if found >= 0 else -1
    if end < 0:
        raise CommandError(f"The demo's text no longer says {PULL_QUOTE}")
    end += len("</p>")
    quote = f'<blockquote class="pull-quote"><p>{PULL_QUOTE}</p></blockquote>'
    return f"{body[:end]}\n{quote}{body[end:]}"


def lead_picture(story: Story) -> bool:
    """Give ``story`` the demo's illustration, unless it has a lead picture or the
    illustration was loaded before (an editor may have taken it off); whether it did.

    A lead picture without renditions gets them here and now, so that it is shown
    without a worker running; the job its save asked for then finds nothing to do.
    """
    added = False
    if (
        story.lead_image_id is None
        and not Image.objects.filter(credit=PICTURE_FIELDS["credit"]).exists()
    ):
        image = Image(**PICTURE_FIELDS)
        with PICTURE.open("rb") as handle:
            image.file.save(PICTURE.name, File(handle), save=False)
        image.save()
        story.lead_image = image
        story.save(update_fields=["lead_image"])
        added = True
    image = story.lead_image
    if image is not None and not image.ready and store_renditions(image.pk, image.file.name):
        image.refresh_from_db(fields=["renditions"])
        # Made inside this command's transaction: deleted again if it rolls back.
        delete_unless_committed(rendition_names(image.renditions), image.file.storage)
    return added


# --- The site's own pages ------------------------------------------------------


def load_pages() -> None:
    """The demo's About, Contact, Masthead, Ethics policy and Corrections policy
    pages, each made once: a page whose address or kind exists is left as it is."""
    links = {
        "site": settings.SITE_NAME,
        "corrections": reverse("articles:corrections"),
        **{kind: reverse("articles:page", kwargs={"slug": slug}) for slug, kind, *_ in PAGES},
    }
    for position, (slug, kind, title, body) in enumerate(PAGES):
        if not Page.objects.filter(Q(slug=slug) | Q(kind=kind)).exists():
            Page.objects.create(
                slug=slug, kind=kind, title=title, body=body.format(**links), position=position
            )


# (slug, kind, title, body): the body's {site} is the site's name, {corrections} the
# corrections' address and {<kind>} each page's.
PAGES = [
    (
        "about",
        "about",
        "About us",
        """
<p>{site} is a small, independent newsroom. We report the news our readers need,
check it before we publish it, and tell you where it comes from: who said it, in which
document, and who published it first when a story comes from another newsroom.</p>
<h2>Who we are</h2>
<p>A handful of editors and reporters, listed by role on our
<a href="{masthead}">masthead</a>. Every story carries the names of those who wrote
it, or the publication we took it from.</p>
<h2>Who pays for us</h2>
<p>This is a demonstration site: its newsroom, owners and funding are placeholders.
A newsroom using it says here who owns it and where its money comes from, so that
readers can judge for themselves.</p>
<h2>Our standards</h2>
<ul>
<li>Our <a href="{ethics}">ethics policy</a>: accuracy, independence, how we treat
sources, conflicts of interest.</li>
<li>Our <a href="{corrections_policy}">corrections policy</a>, and every
<a href="{corrections}">correction</a> we have made.</li>
<li>How to <a href="{contact}">reach the desk</a>, send a tip or tell us we got
something wrong.</li>
</ul>
""",
    ),
    (
        "contact",
        "contact",
        "Contact us",
        """
<p>An editor reads every message sent to the desk. The addresses below are the
demo's (example.org): a newsroom using this site puts its own here.</p>
<h2>News and tips</h2>
<p>Write to <a href="mailto:news@example.org">news@example.org</a> with what you saw,
when and where, and how we can reach you. Documents are welcome; tell us where they
come from.</p>
<p>If you need to stay anonymous, say so before you send anything, and do not write
from a work device or account. We will agree with you how to talk safely. We never
name a source we promised to protect.</p>
<h2>Mistakes</h2>
<p>If you think a story is wrong, write to
<a href="mailto:corrections@example.org">corrections@example.org</a> with the story's
address and what is wrong. Our <a href="{corrections_policy}">corrections policy</a>
says what happens next.</p>
<h2>Everything else</h2>
<p>Comments, complaints and letters to the editor:
<a href="mailto:editor@example.org">editor@example.org</a>. We answer within
two working days.</p>
""",
    ),
    (
        "masthead",
        "masthead",
        "Masthead",
        """
<p>The people responsible for what {site} publishes, by role. The demo has no
staff: each role says so.</p>
<ul>
<li><strong>Editor-in-chief:</strong> (vacant in the demo). Answers for everything we
publish.</li>
<li><strong>Managing editor:</strong> (vacant in the demo). Runs the daily desk and the
schedule.</li>
<li><strong>Standards editor:</strong> (vacant in the demo). Decides on corrections and
answers complaints.</li>
<li><strong>News editor:</strong> (vacant in the demo). Assigns and edits the day's
stories.</li>
<li><strong>Reporters:</strong> (vacant in the demo). Each story names its authors.</li>
</ul>
<p>To reach any of them, see <a href="{contact}">Contact us</a>.</p>
""",
    ),
    (
        "ethics",
        "ethics",
        "Ethics policy",
        """
<h2>Accuracy</h2>
<p>We check what we publish before we publish it. A fact comes from a source we name,
a document we have seen, or something a reporter witnessed. When we cannot confirm a
claim we say so, and we say who made it.</p>
<h2>Independence</h2>
<p>No owner, advertiser or official decides what we cover or how. Sponsored content is
labelled as such and never written by the newsroom.</p>
<h2>Sources</h2>
<ul>
<li>We name our sources and say how they spoke to us: in a statement, to reporters,
in a post, in a document.</li>
<li>We grant anonymity only when the information matters to the public, cannot be had
on the record, and telling it would put the source at risk. An editor knows who the
source is and agrees to it.</li>
<li>We describe an anonymous source as closely as we can without identifying them
(“a senior official in the ministry”), and never let one attack someone in a quote.</li>
<li>A story taken from another newsroom names it and links to the original.</li>
</ul>
<h2>Conflicts of interest</h2>
<p>Staff do not cover people or organisations they have a personal or financial stake
in, and tell an editor when one arises. We accept no gifts, paid travel or favours
from those we cover; when a trip is paid for by someone else, the story says so.</p>
<h2>Mistakes</h2>
<p>We correct them openly: see our <a href="{corrections_policy}">corrections
policy</a>.</p>
""",
    ),
    (
        "corrections-policy",
        "corrections_policy",
        "Corrections policy",
        """
<p>When we get something wrong, we correct it as soon as we know, and we say so.</p>
<h2>How a correction is made</h2>
<ul>
<li>An editor fixes the story and adds a dated note at its foot saying what was wrong
and what is right. The story shows when it was last updated.</li>
<li>A correction is never edited or removed afterwards: if it needs changing, another
one is added.</li>
<li>Spelling and grammar that change no fact are fixed without a note.</li>
</ul>
<h2>Where corrections are shown</h2>
<p>On the corrected story, newest first, and all together on our
<a href="{corrections}">corrections page</a>, which has a feed of its own.</p>
<h2>Withdrawn stories</h2>
<p>In the rare case that a story cannot be put right, we withdraw it: its address
then says that it was withdrawn and why, and its corrections stay listed.</p>
<h2>Telling us</h2>
<p>If you think we got something wrong, <a href="{contact}">tell us</a>.</p>
""",
    ),
]
