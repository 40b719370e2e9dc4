"""A realistic archive of generated stories, for benchmarks and trying the site at scale.

    manage.py generate_stories --count 100000 [--seed 7] [--clear]

Stories get 3 bylines, 4 people, 2 cited sources and 5 tags from pools of people,
sources, sections and tags that are the same on every run (so ``--clear`` knows
them), bodies of 600–1,500 words, and publication times over the last ten
years, a few of them drafts, in review or scheduled. Everything is written with
bulk inserts; ``Story.save()`` and signals do not run.
"""

import contextlib
import datetime
import random
import sys
import time
import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Byline, Citation, Person, Section, Source, Story, TaggedStory
from articles.purge import purged_whole

# Generated stories are created by this account (inactive, never signs in).
GENERATOR_USERNAME = "generated-stories"
# The pools are the same whatever --seed says, so --clear can find them again.
POOL_SEED = 20250212
ARCHIVE_YEARS = 10
AUTHORS_PER_STORY, PEOPLE_PER_STORY, SOURCES_PER_STORY, TAGS_PER_STORY = 3, 4, 2, 5
# A word in most stories and words in about one story in a thousand, for searches.
COMMON_WORD = "government"


def words(text: str) -> list[str]:
    return text.split()


def phrases(text: str) -> list[str]:
    return [" ".join(phrase.split()) for phrase in text.split(";")]


FIRST_NAMES = words(
    """Anna Ben Carlos Dana Elena Farid Grace Hiroshi Ines Jamal Karin Lars Maria
Nadia Omar Paula Quentin Rosa Samir Tanya Ulrich Vera Wei Ximena Yusuf Zofia Adrian Beatriz
Chloe Dmitri Emeka Fatima Gustav Hana Ivan Julia Kofi Leila Mateo Nora Olga Pedro Rania Sven
Tomasz Ursula Viktor Wanjiru Yara Ahmed Birgit Chen Diego Eva Felix Giulia Hassan Ingrid Jonas
Katarzyna Luca Mei Nikolai Oksana Priya Rafael Sofia Thomas Valentina Will Aisha Bruno Camille
Daniel Esther Francesco Gabriela Henrik Isabel"""
)
LAST_NAMES = words(
    """Adeyemi Bauer Castillo Dubois Eriksen Fischer García Haddad Ivanova Jansen
Kowalski Larsen Moreau Nakamura Okafor Petrov Quinn Rossi Schmidt Tanaka Umarov Varga Weber
Xu Yilmaz Zimmermann Andersson Brennan Costa Dimitrov Esposito Fernández Gallagher Horvat
Iqbal Jovanović Kim Lindqvist Mendes Novak O'Brien Papadopoulos Ramos Santos Tkachenko
Urquhart Virtanen Wójcik Yamamoto Zhang Alvarez Becker Chowdhury Delgado Evans Fontaine
Gruber Hoffmann Ionescu Jensen Kaya Lopez Murphy Nowak Oliveira Pereira Reyes Silva Thompson
Volkov Walsh"""
)

CITIES = phrases(
    """Brussels; Washington; London; Paris; Berlin; Moscow; Kyiv; Beijing; Tokyo; Delhi;
    Nairobi; Lagos; Cairo; Istanbul; Warsaw; Madrid; Rome; Vienna; Geneva; Brasília; Mexico City;
    Ottawa; Canberra; Jakarta; Seoul; Johannesburg; Riyadh; Tehran; Jerusalem; Buenos Aires"""
)
COUNTRIES = words(
    """Germany France Italy Spain Poland Ukraine Russia China Japan India Brazil
Mexico Canada Australia Nigeria Kenya Egypt Turkey Israel Iran Indonesia Argentina Sweden
Norway Finland Hungary Romania Greece Portugal Netherlands Belgium Austria Switzerland
Ireland Denmark Chile Colombia Peru Vietnam Thailand Philippines Pakistan Bangladesh
Ethiopia Ghana Morocco Algeria Tunisia Serbia Croatia"""
)

SECTIONS = [
    ("World", "International news and analysis."),
    ("Politics", "Parliaments, parties and elections."),
    ("Business", "Companies, markets and the economy."),
    ("Technology", "Tech companies, science at work and the internet."),
    ("Climate", "Climate change, energy and the environment."),
    ("Science", "Research and discoveries."),
    ("Health", "Medicine, public health and care."),
    ("Culture", "Books, film, music and the arts."),
    ("Sport", "Results, transfers and the business of sport."),
    ("Opinion", "Columns and editorials."),
]
STAFF_TITLES = [
    "{city} correspondent",
    "{city} bureau chief",
    "Political editor",
    "Economics editor",
    "Diplomatic correspondent",
    "Technology reporter",
    "Climate correspondent",
    "Health reporter",
    "Data journalist",
    "Investigations editor",
    "Senior reporter",
    "Chief foreign correspondent",
]
NEWSMAKER_TITLES = [
    "President of {country}",
    "Prime minister of {country}",
    "Foreign minister of {country}",
    "Finance minister of {country}",
    "Defence minister of {country}",
    "Governor of the central bank of {country}",
    "Leader of the opposition in {country}",
    "Ambassador of {country} to the UN",
    "Chief executive of an energy company in {country}",
    "Chief economist at a bank in {city}",
    "Mayor of {city}",
    "Spokesperson for the government of {country}",
    "Professor of politics in {city}",
    "Trade union leader in {country}",
    "Head coach of the {country} national team",
]
AGENCIES = [
    "Reuters",
    "Associated Press",
    "Agence France-Presse",
    "Bloomberg",
    "dpa",
    "Kyodo News",
    "ANSA",
    "EFE",
    "PA Media",
    "Anadolu Agency",
]
PAPER_NAMES = ["Times", "Herald", "Courier", "Post", "Gazette", "Tribune", "Observer"]
PLATFORMS = ["X", "Truth Social", "Telegram", "Facebook", "YouTube", "TikTok", "Instagram"]
MINISTRIES = ["Ministry of Defence", "Ministry of Finance", "Foreign Ministry", "Interior Ministry"]
DOCUMENTS = [
    "the {org} annual report",
    "a court filing in {city}",
    "a leaked memo from the {org}",
    "the {org} quarterly figures",
    "a parliamentary committee report in {country}",
]
ORGS = ["IMF", "World Bank", "OECD", "WHO", "European Commission", "UN", "central bank"]
ANONYMOUS = [
    "a senior official familiar with the talks in {city}",
    "two people briefed on the negotiations in {city}",
    "a diplomat in {city}",
    "a person close to the {country} government",
    "a senior member of the {country} delegation",
    "an adviser to the {country} president",
]
TOPICS = phrases(
    """Ukraine war; Elections; Inflation; Interest rates; Trade; Energy; Oil; Gas;
Climate change; Renewable energy; Artificial intelligence; Cybersecurity; Migration;
Diplomacy; Nato; European Union; United Nations; Public health; Vaccines; Housing;
Labour market; Strikes; Banking; Stock markets; Cryptocurrencies; Tax; Budget; Defence;
Human rights; Courts; Corruption; Education; Universities; Transport; Aviation; Railways;
Agriculture; Food prices; Drought; Floods; Wildfires; Space; Football; Tennis; Olympics;
Film; Music; Books; Theatre; Privacy"""
)
COUNTRY_TOPICS = ["economy", "elections", "politics", "energy", "trade", "protests", "courts"]

BYLINE_ROLES = ["in {city}", "in {city}", "in {city}", ""]
CITATION_DETAILS = {
    Source.Kind.PUBLICATION: ["first reported", "reported on {weekday}", "in an editorial"],
    Source.Kind.AGENCY: ["reported", "told by officials", "according to a report"],
    Source.Kind.PLATFORM: ["post on {platform}", "video statement", "post late on {weekday}"],
    Source.Kind.GOVERNMENT: ["said in a statement", "official figures", "press release"],
    Source.Kind.OFFICIAL: ["told reporters", "said at a news conference", "in an interview"],
    Source.Kind.DOCUMENT: ["seen by this newspaper", "published on {weekday}"],
    Source.Kind.ANONYMOUS: ["spoke on condition of anonymity", "told this newspaper"],
}
STORY_TYPES = (
    [Story.Type.NEWS] * 80
    + [Story.Type.ANALYSIS] * 7
    + [Story.Type.OPINION] * 5
    + [Story.Type.EXPLAINER] * 3
    + [Story.Type.INTERVIEW] * 2
    + [Story.Type.REVIEW, Story.Type.FACT_CHECK, Story.Type.OBITUARY]
)
WEEKDAYS = words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")

# Words for sentences.
ACTORS = phrases(
    """the government; officials; the ministry; ministers; the central bank; the
opposition; analysts; economists; investors; the company; regulators; lawmakers; the
commission; diplomats; the union; campaigners; the court; health officials; scientists;
the mayor; the agency; residents; the board"""
)
VERBS_PAST = phrases(
    """said; warned; announced; confirmed; denied; argued; insisted; suggested;
acknowledged; estimated; predicted; reported; noted; added; claimed"""
)
NOUNS = phrases(
    """plan; deal; proposal; budget; agreement; law; reform; investigation; ceasefire;
programme; inquiry; vote; package; strategy; forecast; report; policy; talks; decision;
deadline; contract; target; scheme"""
)
VERBS = phrases(
    """delay; approve; reject; expand; review; fund; block; cut; raise; extend;
replace; support; challenge; announce; publish; finalise"""
)
OBJECTS = phrases(
    """spending on defence; the rules on migration; interest rates; energy prices;
the trade agreement; the pension system; the tax on banks; new climate targets; the
peace talks; public sector pay; the housing programme; subsidies for farmers; the
rail network; the budget deficit; the price of food; imports of steel; the vaccine
rollout; the data protection rules; the minimum wage; emissions from industry"""
)
TIMES = phrases(
    """next year; by the end of the month; within weeks; before the summer; this
week; later this year; by 2030; in the coming days; after the election; next
month"""
)
CLAUSES = phrases(
    """the figures were worse than expected; talks would continue; the measures
had broad support; the costs were still unclear; the vote was too close to call; a
compromise was within reach; the decision could be challenged in court; markets had
already priced in the change; the government had underestimated the problem; more
details would follow"""
)
ADVERBS = ["sharply", "slightly", "quickly", "gradually", "again", "further", "steadily"]
MEASURES = ["prices", "exports", "wages", "shares", "emissions", "costs", "sales", "rents"]
HEADLINE_VERBS = phrases(
    """warns of; agrees; rejects; calls for; unveils; backs; delays; cuts;
defends; faces; plans; suspends; approves; weighs"""
)
HEADLINE_TAILS = phrases(
    """; after talks in {city}; amid protests; as inflation eases; despite
warnings; ahead of vote; as deadline nears; after record year; under pressure"""
)


def rare_words(count: int = 400) -> list[str]:
    """Made-up place names, each in about one story in a thousand."""
    rng = random.Random(POOL_SEED)
    onsets = ["Kr", "Zv", "Tr", "Vl", "Bry", "Gor", "Ost", "Mal", "Sk", "Dr", "Yar", "Hv"]
    middles = ["ava", "ene", "ozu", "ily", "aro", "uvi", "eth", "oka"]
    ends = ["sk", "grad", "vik", "bourg", "stad", "ovo", "ach", "mir"]
    words = set()
    while len(words) < count:
        words.add(rng.choice(onsets) + rng.choice(middles) + rng.choice(ends))
    return sorted(words)


RARE_WORDS = rare_words()


def fill(template: str, rng: random.Random) -> str:
    return template.format(
        city=rng.choice(CITIES),
        country=rng.choice(COUNTRIES),
        weekday=rng.choice(WEEKDAYS),
        platform=rng.choice(PLATFORMS),
        org=rng.choice(ORGS),
    )


def unique_slugs(names: list[str]) -> list[str]:
    seen, slugs = set(), []
    for name in names:
        base = slugify(name)[:180] or "item"
        slug, n = base, 2
        while slug in seen:
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        slugs.append(slug)
    return slugs


def build_pools() -> dict:
    """The sections, people, sources and tags stories draw on: (field dicts, in order)."""
    rng = random.Random(POOL_SEED)
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    staff = [
        {"name": name, "title": fill(rng.choice(STAFF_TITLES), rng).capitalize()}
        for name in names[:150]
    ]
    newsmakers = [
        {"name": name, "title": fill(rng.choice(NEWSMAKER_TITLES), rng)} for name in names[150:2650]
    ]
    people = staff + newsmakers
    for person, slug in zip(people, unique_slugs([p["name"] for p in people]), strict=True):
        person["slug"] = slug

    sources = [{"name": name, "kind": Source.Kind.AGENCY} for name in AGENCIES]
    sources += [
        {"name": f"The {city} {paper}", "kind": Source.Kind.PUBLICATION}
        for city in CITIES
        for paper in rng.sample(PAPER_NAMES, 2)
    ]
    sources += [{"name": name, "kind": Source.Kind.PLATFORM} for name in PLATFORMS]
    sources += [
        {"name": f"{ministry} of {country}", "kind": Source.Kind.GOVERNMENT}
        for country in COUNTRIES
        for ministry in rng.sample(MINISTRIES, 2)
    ]
    # Officials quoted by name are people of the pool, linked to their page.
    sources += [
        {"name": person["name"], "kind": Source.Kind.OFFICIAL, "person_slug": person["slug"]}
        for person in newsmakers[:200]
    ]
    sources += [{"name": fill(t, rng), "kind": Source.Kind.DOCUMENT} for t in DOCUMENTS * 12]
    sources += [{"name": fill(t, rng), "kind": Source.Kind.ANONYMOUS} for t in ANONYMOUS * 10]
    unique = {source["name"]: source for source in sources}
    sources = list(unique.values())
    for source, slug in zip(sources, unique_slugs([s["name"] for s in sources]), strict=True):
        source["slug"] = slug

    tag_names = TOPICS + COUNTRIES + [f"{c} {t}" for c in COUNTRIES for t in COUNTRY_TOPICS]
    tags = [{"name": name} for name in tag_names]
    for tag, slug in zip(tags, unique_slugs(tag_names), strict=True):
        tag["slug"] = slug

    sections = [
        {"name": name, "slug": slugify(name), "description": description, "position": position}
        for position, (name, description) in enumerate(SECTIONS)
    ]
    return {"sections": sections, "people": people, "sources": sources, "tags": tags}


def skewed_weights(count: int) -> list[float]:
    """Cumulative weights where a few items are picked far more often than most (Zipf-like)."""
    total, cumulative = 0.0, []
    for rank in range(count):
        total += 1 / (rank + 1) ** 0.8
        cumulative.append(total)
    return cumulative


def pick_distinct(rng, items, cum_weights, k):
    chosen = {}
    while len(chosen) < k:
        for item in rng.choices(items, cum_weights=cum_weights, k=k - len(chosen)):
            chosen.setdefault(id(item), item)
    return list(chosen.values())


class Writer:
    """Sentences, headlines and bodies from the word pools."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.sentences = [self.sentence() for _ in range(5000)]

    def sentence(self) -> str:
        r = self.rng
        form = r.randrange(6)
        if form == 0:
            text = (
                f"{r.choice(ACTORS)} {r.choice(VERBS_PAST)} the {r.choice(NOUNS)} would "
                f"{r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(TIMES)}"
            )
        elif form == 1:
            text = (
                f"the {COMMON_WORD} {r.choice(VERBS_PAST)} that {r.choice(CLAUSES)}, "
                f"and {r.choice(ACTORS)} {r.choice(VERBS_PAST)} that {r.choice(CLAUSES)}"
            )
        elif form == 2:
            text = (
                f"{r.choice(MEASURES)} rose {r.choice(ADVERBS)} in {r.choice(COUNTRIES)} "
                f"last {r.choice(['month', 'year', 'quarter'])}, {r.choice(ACTORS)} "
                f"{r.choice(VERBS_PAST)}, by {r.randint(2, 40)} per cent"
            )
        elif form == 3:
            text = (
                f"in {r.choice(CITIES)}, {r.choice(ACTORS)} {r.choice(VERBS_PAST)} the "
                f"{r.choice(NOUNS)} on {r.choice(OBJECTS)} was {r.choice(['a', 'not a'])} "
                f"{r.choice(['turning point', 'surprise', 'setback', 'first step'])}"
            )
        elif form == 4:
            text = (
                f"{r.choice(ACTORS)} {r.choice(['want', 'expect', 'urged', 'asked'])} the "
                f"{COMMON_WORD} to {r.choice(VERBS)} {r.choice(OBJECTS)}, because "
                f"{r.choice(CLAUSES)}"
            )
        else:
            first = r.choice(["last year", "in 2019", "in the spring"])
            text = (
                f"the {r.choice(NOUNS)}, first proposed {first}, would {r.choice(VERBS)} "
                f"{r.choice(OBJECTS)} and {r.choice(VERBS)} {r.choice(OBJECTS)}"
            )
        return text[0].upper() + text[1:] + "."

    def headline(self, people) -> str:
        r = self.rng
        actor = r.choice(
            [f"{people[0]['name'].split()[-1]}", r.choice(COUNTRIES), r.choice(ACTORS).capitalize()]
        )
        headline = f"{actor} {r.choice(HEADLINE_VERBS)} {r.choice(OBJECTS)}"
        tail = fill(r.choice(HEADLINE_TAILS), r)
        headline = f"{headline} {tail}".strip()
        return headline[0].upper() + headline[1:]

    def body(self, people, sources) -> str:
        r = self.rng
        # Room for the last paragraph: bodies end up between 600 and 1,500 words.
        target = r.randint(600, 1300)
        lead = (
            f"{people[0]['name']}, {people[0]['title'][0].lower()}{people[0]['title'][1:]}, "
            f"{r.choice(VERBS_PAST)} on {r.choice(WEEKDAYS)} that the {r.choice(NOUNS)} would "
            f"{r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(TIMES)}."
        )
        paragraphs, words = [lead], len(lead.split())
        mentions = [
            f"{person['name']} {r.choice(VERBS_PAST)} that {r.choice(CLAUSES)}."
            for person in people[1:]
        ]
        mentions += [f"According to {source['name']}, {r.choice(CLAUSES)}." for source in sources]
        if r.random() < 0.5:
            mentions.append(
                f"In {r.choice(RARE_WORDS)}, {r.choice(ACTORS)} {r.choice(VERBS_PAST)} "
                f"that {r.choice(CLAUSES)}."
            )
        while words < target:
            sentences = r.sample(self.sentences, r.randint(2, 5))
            if mentions and r.random() < 0.5:
                sentences.insert(r.randrange(len(sentences) + 1), mentions.pop())
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            words += len(paragraph.split())
        paragraphs.extend(mentions)
        return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total: int, stream=sys.stderr, label="Stories"):
        self.total, self.stream, self.label = max(total, 1), stream, label
        self.done, self.started, self.shown = 0, time.monotonic(), 0.0

    def update_to(self, done: int, total: int) -> None:
        self.total = max(total, 1)
        self.update(done - self.done)

    def update(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown < 0.2 and self.done < self.total:
            return
        self.shown = now
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed else 0.0
        left = (self.total - self.done) / rate if rate else 0.0
        filled = int(30 * self.done / self.total)
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] "
            f"{100 * self.done // self.total:3d}% {self.done:,}/{self.total:,} "
            f"{rate:,.0f}/s, {int(left) // 60}m{int(left) % 60:02d}s left "
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


# The PostgreSQL triggers of migration 0006 that index a story once per inserted row.
SEARCH_TRIGGERS = [
    ("articles_story", "articles_story_search_update"),
    ("articles_story_people", "articles_story_search_people"),
    ("articles_byline", "articles_story_search_bylines"),
    ("articles_citation", "articles_story_search_citations"),
    ("articles_taggedstory", "articles_story_search_tags"),
]


@contextlib.contextmanager
def own_timestamps():
    """Let bulk_create keep the stories' created_at and updated_at.

    auto_now and auto_now_add stamp the current time even in bulk_create.
    """
    fields = [Story._meta.get_field("created_at"), Story._meta.get_field("updated_at")]
    flags = [(field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, (auto_now, auto_now_add) in zip(fields, flags, strict=True):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


@contextlib.contextmanager
def search_index_paused():
    """Index each story once, after its rows are in, instead of once per inserted row.

    Row by row, the triggers compute a story's search vector 15 times (the story,
    then each of its 14 relation rows). Inside one transaction the triggers are off
    while rows go in, then one UPDATE asks the same trigger for each story's vector.
    ALTER TABLE is transactional: other connections never see the triggers off.
    Yields a list for the ids of the stories to index.
    """
    story_ids = []
    if connection.vendor != "postgresql":
        yield story_ids
        return
    with connection.cursor() as cursor:
        for table, trigger in SEARCH_TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        yield story_ids
        # Deferred foreign-key checks must run first: ALTER TABLE refuses pending events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, trigger in SEARCH_TRIGGERS:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        if story_ids:
            cursor.execute(
                "UPDATE articles_story SET search_vector = NULL WHERE id = ANY(%s)",
                [story_ids],
            )


class Command(BaseCommand):
    help = "Add N generated stories (bylines, people, sources, tags, long bodies) in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="Stories to add.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same stories.")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--clear", action="store_true", help="First remove everything generated before."
        )

    def handle(self, *args, count, seed, batch_size, clear, **options):
        started = time.monotonic()
        if clear:
            removed = self.clear()
            self.stdout.write(f"Removed {removed:,} generated stories.")
        if count > 0:
            with purged_whole():
                self.generate(count, seed, batch_size)
        total = Story.objects.filter(created_by=self.generator()).count()
        self.stdout.write(
            f"Done in {time.monotonic() - started:.0f} s: {total:,} generated stories in all."
        )

    def generator(self):
        user, created = get_user_model().objects.get_or_create(
            username=GENERATOR_USERNAME, defaults={"is_active": False}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def pools(self):
        """The pools' rows in the database, created if missing."""
        pools = build_pools()
        sections = self.ensure(Section, pools["sections"], ("name", "description", "position"))
        people = self.ensure(Person, pools["people"], ("name", "title"))
        for source in pools["sources"]:
            person = people.get(source.get("person_slug"))
            source["person_id"] = person.pk if person else None
        sources = self.ensure(Source, pools["sources"], ("name", "kind", "person_id"))
        tags = self.ensure(Tag, pools["tags"], ("name",))
        for kind, rows in (("people", people), ("sources", sources)):
            for row in pools[kind]:
                row["pk"] = rows[row["slug"]].pk
        return pools, sections, tags

    @staticmethod
    def ensure(model, rows, fields):
        slugs = [row["slug"] for row in rows]
        names = [row["name"] for row in rows]
        existing = model.objects.filter(slug__in=slugs)
        missing = set(slugs) - set(existing.values_list("slug", flat=True))
        if model in (Section, Tag):
            # Names are unique too: a demo "World" section or "Russia" tag is reused.
            missing -= {row["slug"] for row in rows if model.objects.filter(name=row["name"])}
        model.objects.bulk_create(
            [
                model(slug=row["slug"], **{field: row[field] for field in fields})
                for row in rows
                if row["slug"] in missing
            ],
            batch_size=500,
        )
        found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
        by_name = {obj.name: obj for obj in model.objects.filter(name__in=names)}
        return {row["slug"]: found.get(row["slug"]) or by_name[row["name"]] for row in rows}

    def generate(self, count: int, seed: int, batch_size: int) -> None:
        generator = self.generator()
        pools, sections, tags = self.pools()
        existing = Story.objects.filter(created_by=generator).count()
        rng = random.Random(f"{seed}:{existing}")
        writer = Writer(rng)
        people, sources = pools["people"], pools["sources"]
        authors, subjects = people[:150], people[150:]
        weights = {
            "authors": skewed_weights(len(authors)),
            "subjects": skewed_weights(len(subjects)),
            "sources": skewed_weights(len(sources)),
            "tags": skewed_weights(len(pools["tags"])),
        }
        tag_rows = list(pools["tags"])
        rng.shuffle(tag_rows)
        section_list = list(sections.values())
        section_weights = skewed_weights(len(section_list))
        now = timezone.now()
        archive_seconds = ARCHIVE_YEARS * 365 * 86400

        progress = Progress(count, stream=sys.stderr)
        number = existing
        while number < existing + count:
            size = min(batch_size, existing + count - number)
            stories, relations = [], []
            for _ in range(size):
                number += 1
                story_authors = pick_distinct(rng, authors, weights["authors"], AUTHORS_PER_STORY)
                story_people = pick_distinct(rng, subjects, weights["subjects"], PEOPLE_PER_STORY)
                story_sources = pick_distinct(rng, sources, weights["sources"], SOURCES_PER_STORY)
                story_tags = pick_distinct(rng, tag_rows, weights["tags"], TAGS_PER_STORY)
                section = rng.choices(section_list, cum_weights=section_weights)[0]
                headline = writer.headline(story_people)
                status, published_at, created_at, updated_at = self.timeline(
                    rng, now, archive_seconds
                )
                kind = Story.Type.OPINION if section.slug == "opinion" else rng.choice(STORY_TYPES)
                stories.append(
                    Story(
                        headline=headline,
                        slug=f"{slugify(headline)[:80].rstrip('-')}-{number}",
                        story_type=kind,
                        kicker=story_tags[0]["name"][:60],
                        dek=" ".join(rng.sample(writer.sentences, 2))[:300],
                        body=writer.body(story_people, story_sources),
                        status=status,
                        published_at=published_at,
                        created_at=created_at,
                        updated_at=updated_at,
                        section=section,
                        created_by=generator,
                        edit_token=uuid.UUID(int=rng.getrandbits(128), version=4),
                    )
                )
                relations.append((story_authors, story_people, story_sources, story_tags))
            self.avoid_slug_clashes(stories)
            with transaction.atomic():
                self.insert(stories, relations, tags)
            # With DEBUG on, Django would keep every (huge) INSERT statement it ran.
            reset_queries()
            progress.update(size)
        progress.close()

    @staticmethod
    def timeline(rng, now, archive_seconds):
        """Status and times: mostly published over the archive's years, a few not yet."""
        roll = rng.random()
        if roll < 0.015:
            created = now - datetime.timedelta(seconds=rng.randint(600, 30 * 86400))
            status = Story.Status.DRAFT if roll < 0.009 else Story.Status.REVIEW
            updated = created + datetime.timedelta(seconds=rng.randint(0, 3 * 3600))
            return status, None, created, min(updated, now)
        if roll < 0.025:
            # A week or more ahead, so a reused archive stays the same for a while; not
            # yet public, so its last change comes before its publication time.
            published = now + datetime.timedelta(seconds=rng.randint(7 * 86400, 60 * 86400))
            created = now - datetime.timedelta(seconds=rng.randint(600, 5 * 86400))
            return Story.Status.PUBLISHED, published, created, created
        published = now - datetime.timedelta(seconds=rng.randint(3600, archive_seconds))
        created = published - datetime.timedelta(seconds=rng.randint(600, 2 * 86400))
        # Most stories are touched soon after publication; some updated days later.
        later = rng.randint(0, 600) if rng.random() < 0.8 else rng.randint(3600, 5 * 86400)
        updated = min(published + datetime.timedelta(seconds=later), now)
        return Story.Status.PUBLISHED, published, created, updated

    @staticmethod
    def avoid_slug_clashes(stories):
        taken = set(
            Story.objects.filter(slug__in=[story.slug for story in stories]).values_list(
                "slug", flat=True
            )
        )
        for story in stories:
            if story.slug in taken:
                story.slug = f"{story.slug}-{uuid.uuid4().hex[:6]}"

    @staticmethod
    def insert(stories, relations, tags):
        people_through = Story.people.through
        with search_index_paused() as to_index, own_timestamps():
            Story.objects.bulk_create(stories, batch_size=1000)
            to_index.extend(story.pk for story in stories)
            bylines, subjects, citations, tagged = [], [], [], []
            for story, (authors, people, sources, story_tags) in zip(
                stories, relations, strict=True
            ):
                r = random.Random(story.edit_token.int)
                for order, author in enumerate(authors):
                    role = fill(r.choice(BYLINE_ROLES), r)
                    bylines.append(
                        Byline(story_id=story.pk, person_id=author["pk"], order=order, role=role)
                    )
                subjects += [
                    people_through(story_id=story.pk, person_id=person["pk"]) for person in people
                ]
                for order, source in enumerate(sources):
                    detail = fill(r.choice(CITATION_DETAILS[source["kind"]]), r)
                    citations.append(
                        Citation(
                            story_id=story.pk, source_id=source["pk"], order=order, detail=detail
                        )
                    )
                tagged += [
                    TaggedStory(content_object_id=story.pk, tag=tags[tag["slug"]])
                    for tag in story_tags
                ]
            Byline.objects.bulk_create(bylines, batch_size=5000)
            people_through.objects.bulk_create(subjects, batch_size=5000)
            Citation.objects.bulk_create(citations, batch_size=5000)
            TaggedStory.objects.bulk_create(tagged, batch_size=5000)

    def clear(self) -> int:
        """Remove generated stories, then the pools' rows no story uses any more."""
        generator = self.generator()
        ids = list(Story.objects.filter(created_by=generator).values_list("pk", flat=True))
        progress = Progress(len(ids), stream=sys.stderr, label="Removing")
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            # Deleted stories need no search vector: the triggers stay off for the chunk.
            with transaction.atomic(), search_index_paused():
                Story.objects.filter(pk__in=chunk).delete()
            progress.update(len(chunk))
        if ids:
            progress.close()
        pools = build_pools()
        slugs = {kind: [row["slug"] for row in rows] for kind, rows in pools.items()}
        Source.objects.filter(slug__in=slugs["sources"]).filter(
            citations__isnull=True, republished_stories__isnull=True
        ).delete()
        Person.objects.filter(slug__in=slugs["people"]).filter(
            Q(bylines__isnull=True), Q(stories_about__isnull=True), Q(source_roles__isnull=True)
        ).delete()
        Section.objects.filter(slug__in=slugs["sections"], stories__isnull=True).delete()
        Tag.objects.filter(slug__in=slugs["tags"], articles_taggedstory_items__isnull=True).delete()
        return len(ids)
