import datetime
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.html import escape

from articles.models import Citation, Person, Section, Source, Story

DEMO_DIR = Path(__file__).resolve().parent.parent.parent / "demo"

# The Financial Times' report of the Trump–Putin call, 12 February 2025. Its text
# (articles/demo/trump-putin-call.txt) is the news copy only, without the junk of
# the page it was scraped from. Everything below is stated in that text; the
# original's address and byline are not, so they are left empty.
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

# (name, slug, kind, url, description, person slug, detail in this story)
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

ORIGINAL_PUBLISHER = (
    "Financial Times",
    "financial-times",
    Source.Kind.PUBLICATION,
    "https://www.ft.com/",
    "International business newspaper, published in London.",
)


def paragraphs_to_html(text: str) -> str:
    paragraphs = [block.strip() for block in text.split("\n\n") if block.strip()]
    return "\n".join(f"<p>{escape(' '.join(p.split()))}</p>" for p in paragraphs)


class Command(BaseCommand):
    help = "Load the demo content (the Trump–Putin call report). Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        sections = {}
        for position, (name, slug, description) in enumerate(SECTIONS):
            sections[name], _ = Section.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "description": description, "position": position},
            )

        people = {}
        for name, slug, title in PEOPLE:
            people[slug], _ = Person.objects.get_or_create(
                slug=slug, defaults={"name": name, "title": title}
            )

        name, slug, kind, url, description = ORIGINAL_PUBLISHER
        publisher, _ = Source.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "url": url, "description": description}
        )

        citations = []
        for name, slug, kind, url, description, person, detail in SOURCES:
            source, _ = Source.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": kind,
                    "url": url,
                    "description": description,
                    "person": people.get(person),
                },
            )
            citations.append((source, detail))

        if Story.objects.filter(slug=STORY["slug"]).exists():
            self.stdout.write("Demo content is already loaded.")
            return

        body = paragraphs_to_html((DEMO_DIR / "trump-putin-call.txt").read_text(encoding="utf-8"))
        story = Story.objects.create(
            slug=STORY["slug"],
            kicker=STORY["kicker"],
            headline=STORY["headline"],
            dek=STORY["dek"],
            seo_description=STORY["seo_description"],
            body=body,
            status=Story.Status.PUBLISHED,
            published_at=STORY["published_at"],
            section=sections[STORY["section"]],
            original_publisher=publisher,
        )
        story.people.set(people.values())
        Citation.objects.bulk_create(
            Citation(story=story, source=source, detail=detail, order=order)
            for order, (source, detail) in enumerate(citations)
        )
        story.tags.set(STORY["tags"])
        # Loaded now, but written and last changed when it was published (its ninjs
        # firstcreated and versioncreated, and the date in its tag: URI).
        Story.objects.filter(pk=story.pk).update(
            created_at=story.published_at, updated_at=story.published_at
        )
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo story: {story.headline}"))
