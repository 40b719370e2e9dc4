"""Suggested attribution: people, sources, tags and a section found in a story's text."""

from pathlib import Path

import pytest
from taggit.models import Tag

from articles.management.commands.load_demo import PEOPLE, SOURCES
from articles.models import Person, Source
from ingest.attribution import Directory, split_sentences, suggest
from tests.factories import PersonFactory, SectionFactory, SourceFactory, StoryFactory

SEED = Path(__file__).resolve().parent.parent / "articles" / "demo" / "trump-putin-call.txt"

# Name variants a newsroom records as it goes, as the demo's records carry them.
DEMO_ALIASES = {
    "donald-trump": "President Donald Trump\nPresident Trump",
    "volodymyr-zelenskyy": "Zelensky\nVolodymyr Zelensky\nPresident Zelenskyy",
    "the-kremlin": "Kremlin",
    "the-white-house": "White House",
    "people-involved-in-eu-lobbying-efforts": "People involved in the efforts",
}


def seed_paragraphs() -> list[str]:
    return [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def by_name(hints):
    return {hint.name: hint for hint in hints}


def one_source(text: str, **kwargs):
    found = suggest([text], **kwargs).sources
    assert len(found) == 1, [(s.name, s.detail) for s in found]
    return found[0]


# --- The seed, with no records ------------------------------------------------------------


def test_every_person_of_the_seed_is_suggested_and_no_one_else():
    people = by_name(suggest(seed_paragraphs()).people)

    assert set(people) == {name for name, _slug, _title in PEOPLE}
    assert all(hint.person is None for hint in people.values())


def test_people_carry_the_title_the_text_gives_them():
    people = by_name(suggest(seed_paragraphs()).people)

    assert people["Marco Rubio"].title == "Secretary of State"
    assert people["John Ratcliffe"].title == "CIA Director"
    assert people["Mike Waltz"].title == "National Security Adviser"
    assert people["Steve Witkoff"].title == "Special Envoy"
    assert people["Pete Hegseth"].title == "Defence Secretary"
    assert people["Marc Fogel"].title == "American teacher"
    assert people["Donald Trump"].title == "President"
    assert people["Vladimir Putin"].title == "President of Russia"
    assert people["Dmitry Peskov"].title == "Spokesman for Vladimir Putin"
    # The text calls him nothing but by name.
    assert people["Alexander Vinnik"].title == ""


def test_a_persons_evidence_is_the_sentence_that_gives_the_title():
    people = by_name(suggest(seed_paragraphs()).people)

    assert people["Marco Rubio"].evidence.startswith("Trump said he had directed secretary of")
    assert people["Dmitry Peskov"].evidence.startswith("Dmitry Peskov, Putin’s spokesman, said")
    assert people["Alexander Vinnik"].evidence.startswith("In exchange, the US will release")


def test_places_institutions_and_outlets_are_not_people():
    names = {hint.name for hint in suggest(seed_paragraphs()).people}

    for thing in ("Nato", "Moscow", "Truth Social", "Financial Times", "Kremlin", "BTC-e", "EU"):
        assert thing not in names


def test_every_source_of_the_seed_with_its_kind_detail_and_anonymity():
    sources = by_name(suggest(seed_paragraphs()).sources)
    expected = {
        "Truth Social": (Source.Kind.PLATFORM, "Donald Trump’s post on Truth Social"),
        "The Kremlin": (Source.Kind.GOVERNMENT, "said the call lasted for nearly 90 minutes"),
        "Dmitry Peskov": (Source.Kind.OFFICIAL, "told reporters"),
        "A senior member of the Ukrainian president’s team": (
            Source.Kind.ANONYMOUS,
            "told the Financial Times",
        ),
        "People involved in the efforts": (Source.Kind.ANONYMOUS, "told the FT"),
        "A western official": (Source.Kind.ANONYMOUS, "in response to Trump’s statement"),
    }
    for name, (kind, detail) in expected.items():
        assert name in sources, name
        assert (sources[name].kind, sources[name].detail) == (kind, detail)
        assert sources[name].anonymous == (kind == Source.Kind.ANONYMOUS)
    white_house = sources["The White House"]
    assert white_house.kind == Source.Kind.GOVERNMENT
    assert "“good faith”" in white_house.detail


def test_each_source_quotes_the_sentence_it_came_from():
    sources = by_name(suggest(seed_paragraphs()).sources)

    assert "wrote on his Truth Social platform" in sources["Truth Social"].evidence
    assert "which the Kremlin said lasted" in sources["The Kremlin"].evidence
    assert "Peskov told reporters" in sources["Dmitry Peskov"].evidence
    assert "said one western official" in sources["A western official"].evidence
    assert "the White House said" in sources["The White House"].evidence
    assert "told the FT" in sources["People involved in the efforts"].evidence


# --- The seed, with the newsroom's records ------------------------------------------------


@pytest.fixture
def demo_records(db):
    people = {
        slug: Person.objects.create(
            name=name, slug=slug, title=title, aliases=DEMO_ALIASES.get(slug, "")
        )
        for name, slug, title in PEOPLE
    }
    sources = {
        slug: Source.objects.create(
            name=name,
            slug=slug,
            kind=kind,
            person=people.get(person),
            aliases=DEMO_ALIASES.get(slug, ""),
        )
        for name, slug, kind, _url, _description, person, _detail in SOURCES
    }
    Source.objects.create(
        name="Financial Times", slug="financial-times", aliases="FT\nthe FT", kind="publication"
    )
    return people, sources


def test_suggestions_carry_the_records_they_match(demo_records):
    people, sources = demo_records

    found = suggest(seed_paragraphs(), directory=Directory.from_db())

    assert {hint.person for hint in found.people} == set(people.values())
    # A matched person is named as the newsroom names them.
    assert {hint.name for hint in found.people} == {p.name for p in people.values()}
    matched = {hint.source for hint in found.sources if hint.source}
    assert matched == set(sources.values())
    peskov = next(hint for hint in found.sources if hint.source == sources["dmitry-peskov"])
    assert peskov.person == people["dmitry-peskov"]


def test_a_known_spelling_variant_finds_the_person(db):
    zelenskyy = PersonFactory(name="Volodymyr Zelenskyy", aliases="Zelensky")
    text = "Zelensky said Ukraine would not give up territory. Zelensky later left Kyiv."

    found = suggest([text], directory=Directory.from_db())

    assert [(hint.name, hint.person) for hint in found.people] == [
        ("Volodymyr Zelenskyy", zelenskyy)
    ]


def test_two_spellings_of_one_recorded_person_are_one_suggestion(db):
    PersonFactory(name="Volodymyr Zelenskyy", aliases="Zelensky")
    text = (
        "President Volodymyr Zelenskyy spoke in Kyiv. Later, Zelensky told reporters he was "
        "ready to meet."
    )

    people = suggest([text], directory=Directory.from_db()).people

    assert len(people) == 1


def test_a_surname_alone_is_the_person_named_in_full_before():
    text = (
        "President Donald Trump spoke on Monday. Trump said talks would start. "
        "Trump’s envoy left for Riyadh."
    )

    people = suggest([text]).people

    assert [(hint.name, hint.title) for hint in people] == [("Donald Trump", "President")]


def test_a_lone_surname_finds_a_recorded_person_when_only_one_has_it(db):
    trump = PersonFactory(name="Donald Trump")
    PersonFactory(name="Melania Knauss")

    assert Directory.from_db().person("Trump") == trump
    assert Directory.from_db().person("President Donald Trump") == trump
    assert Directory.from_db().person("TRUMP") == trump


def test_a_surname_two_recorded_people_share_matches_neither(db):
    PersonFactory(name="Joe Biden")
    PersonFactory(name="Hunter Biden")

    assert Directory.from_db().person("Biden") is None


def test_names_match_records_without_their_accents(db):
    person = PersonFactory(name="Emmanuel Macron")
    source = SourceFactory(name="Élysée Palace", aliases="the Élysée")

    directory = Directory.from_db()

    assert directory.person("emmanuel MACRON") == person
    assert directory.source("Elysee Palace") == source
    assert directory.source("the elysee") == source


# --- People from structure ----------------------------------------------------------------


def test_a_name_with_particles_and_hyphens_is_one_person():
    text = (
        "Commission president Ursula von der Leyen met former commission chief Jean-Claude "
        "Juncker. "
        "Von der Leyen said the plan was ready."
    )

    people = by_name(suggest([text]).people)

    assert set(people) == {"Ursula von der Leyen", "Jean-Claude Juncker"}
    assert people["Ursula von der Leyen"].title == "Commission President"


def test_a_capitalised_word_alone_is_not_a_person_without_evidence():
    text = "Gazprom said exports to Europe fell. Analysts expect Brent to rise in March."

    assert suggest([text]).people == []


def test_an_appositive_gives_the_title():
    text = "Maria Zakharova, the foreign ministry spokeswoman, said the talks would go on."

    people = suggest([text]).people

    assert [(hint.name, hint.title) for hint in people] == [
        ("Maria Zakharova", "Foreign Ministry Spokeswoman")
    ]


def test_sentences_keep_abbreviations_initials_and_quotes_whole():
    text = (
        "Dr. Jane Okafor of St. Mary’s said the U.S. plan was sound. "
        "John F. Kennedy Airport was closed. “We are ready.” Officials agreed."
    )

    assert split_sentences(text) == [
        "Dr. Jane Okafor of St. Mary’s said the U.S. plan was sound.",
        "John F. Kennedy Airport was closed.",
        "“We are ready.”",
        "Officials agreed.",
    ]


# --- Sources from attribution phrases -----------------------------------------------------


def test_according_to_an_institution():
    source = one_source("Ten people died, according to the Interior Ministry.")

    assert (source.name, source.kind, source.anonymous) == (
        "The Interior Ministry",
        Source.Kind.GOVERNMENT,
        False,
    )
    assert source.detail == "according to"


def test_said_in_a_statement():
    source = one_source("Siemens said in a statement that the plant would close.")

    assert (source.name, source.kind, source.detail) == (
        "Siemens",
        Source.Kind.OFFICIAL,
        "said in a statement",
    )


def test_told_an_outlet():
    source = one_source("Olaf Scholz told the BBC that Germany would pay.")

    assert (source.name, source.kind, source.detail) == (
        "Olaf Scholz",
        Source.Kind.OFFICIAL,
        "told the BBC",
    )


def test_sources_familiar_with_the_matter_are_anonymous():
    source = one_source("The deal is close, sources familiar with the matter said.")

    assert (source.name, source.kind, source.anonymous) == (
        "Sources familiar with the matter",
        Source.Kind.ANONYMOUS,
        True,
    )


def test_an_official_who_asked_not_to_be_named_is_anonymous():
    source = one_source("An official who asked not to be named said the army was ready.")

    assert source.name == "An official who asked not to be named"
    assert source.anonymous
    assert source.detail == "said the army was ready"


def test_officials_said_is_anonymous():
    source = one_source("The border will reopen on Friday, officials said.")

    assert (source.name, source.anonymous) == ("Officials", True)


def test_a_spokesperson_for_an_organisation_is_the_organisation():
    source = one_source("A spokesperson for Shell said the sale was on track.")

    assert (source.name, source.detail, source.anonymous) == (
        "Shell",
        "a spokesperson said",
        False,
    )


def test_an_outlet_that_reported_is_a_publication():
    source = one_source("Il Fatto Quotidiano reported that the minister would resign.")

    assert (source.name, source.kind) == ("Il Fatto Quotidiano", Source.Kind.PUBLICATION)


def test_the_ministry_said_is_government():
    source = one_source("The defence ministry said two drones were shot down.")

    assert (source.name, source.kind) == ("The defence ministry", Source.Kind.GOVERNMENT)


def test_a_dateline_credits_the_agency():
    source = one_source("KYIV (Reuters) - Drones hit a power plant overnight.")

    assert (source.name, source.kind) == ("Reuters", Source.Kind.AGENCY)


def test_an_agency_that_reported_is_an_agency():
    source = one_source("AFP reported that the strike had ended.")

    assert (source.name, source.kind) == ("AFP", Source.Kind.AGENCY)


def test_a_post_on_a_platform_is_the_platform():
    source = one_source("“We will win,” Elon Musk wrote on X.")

    assert (source.name, source.kind, source.detail) == (
        "X",
        Source.Kind.PLATFORM,
        "Elon Musk’s post on X",
    )


def test_a_speaker_after_the_quote():
    source = one_source("“We are not leaving,” said Kaja Kallas, the EU’s foreign policy chief.")

    assert (source.name, source.kind) == ("Kaja Kallas", Source.Kind.OFFICIAL)


def test_the_subject_of_something_else_is_not_a_speaker():
    assert suggest(["The announcement from Trump confirmed fears in Europe."]).sources == []


def test_a_named_speaker_is_also_a_person_and_matches_their_source_record(db):
    person = PersonFactory(name="Dmitry Peskov")
    source = SourceFactory(name="Kremlin spokesman", person=person, kind="official")

    found = suggest(
        ["Dmitry Peskov told reporters the call went well."], directory=Directory.from_db()
    )

    assert [hint.person for hint in found.people] == [person]
    assert [(hint.source, hint.person) for hint in found.sources] == [(source, person)]


def test_an_outlet_is_matched_through_its_alias(db):
    ft = SourceFactory(name="Financial Times", aliases="FT", kind="publication")

    source = one_source("The talks stalled, the FT reported.", directory=Directory.from_db())

    assert source.source == ft
    assert source.name == "Financial Times"


# --- Tags and section ---------------------------------------------------------------------


@pytest.fixture
def vocabulary(db):
    return {name: Tag.objects.create(name=name) for name in ("Russia", "Nato", "US", "Drones")}


def test_tags_come_from_the_vocabulary_ordered_by_how_often_they_occur(vocabulary):
    text = [
        "Russia’s drones hit Kyiv. Nato said Russia must stop.",
        "The drone attack was the largest, Russia said. Let us wait, he said.",
    ]

    tags = suggest(text, directory=Directory.from_db()).tags

    assert [(hint.name, hint.tag) for hint in tags] == [
        ("Russia", vocabulary["Russia"]),
        ("Drones", vocabulary["Drones"]),
        ("Nato", vocabulary["Nato"]),
    ]
    assert tags[0].evidence == "Russia’s drones hit Kyiv."


def test_keywords_add_known_tags_and_propose_new_ones(vocabulary):
    tags = suggest(
        ["A quiet day in Vilnius."],
        directory=Directory.from_db(),
        keywords=["us", "US", "Baltic states", "baltic states"],
    ).tags

    assert [(hint.name, hint.tag) for hint in tags] == [
        ("US", vocabulary["US"]),
        ("Baltic states", None),
    ]


def test_no_tag_is_invented_from_the_text(vocabulary):
    assert suggest(["Belarus and Poland talked."], directory=Directory.from_db()).tags == []


def test_at_most_ten_tags(db):
    words = [f"Topic{n}" for n in range(15)]
    for word in words:
        Tag.objects.create(name=word)

    tags = suggest([" ".join(words) + "."], directory=Directory.from_db()).tags

    assert len(tags) == 10


def test_the_section_hint_finds_a_section_by_name_or_slug(db):
    world = SectionFactory(name="World news", slug="world")

    assert suggest(["Text."], directory=Directory.from_db(), section_hint="world").section == world
    found = suggest(["Text."], directory=Directory.from_db(), section_hint="WORLD NEWS")
    assert (found.section, found.section_name) == (world, "World news")


def test_the_section_whose_stories_share_the_tags(vocabulary):
    world, sport = SectionFactory(name="World"), SectionFactory(name="Sport")
    StoryFactory(section=world).tags.add(vocabulary["Russia"], vocabulary["Nato"])
    StoryFactory(section=sport).tags.add(vocabulary["Russia"])

    found = suggest(["Russia and Nato met."], directory=Directory.from_db(), section_hint="Foo")

    assert found.section == world


def test_no_section_without_a_hint_or_shared_tags(vocabulary):
    SectionFactory(name="World")

    found = suggest(["A quiet day."], directory=Directory.from_db(), section_hint="Obituaries")

    assert (found.section, found.section_name) == (None, "Obituaries")


# --- Cost ---------------------------------------------------------------------------------


@pytest.mark.parametrize("records", [2, 40])
def test_queries_do_not_grow_with_the_records(db, django_assert_num_queries, records):
    section = SectionFactory(name="World")
    tag = Tag.objects.create(name="Russia")
    StoryFactory(section=section).tags.add(tag)
    for n in range(records):
        person = PersonFactory(name=f"Person Number{n}", aliases=f"Alias{n}")
        SourceFactory(name=f"Source {n}", person=person)

    with django_assert_num_queries(5):
        found = suggest(seed_paragraphs(), directory=Directory.from_db())

    assert found.section == section


def test_a_bare_two_word_name_is_a_person_in_english_copy():
    text = "Eloise Parry, 21, was taken to Royal Shrewsbury hospital after the party in Cape Town."

    assert [hint.name for hint in suggest([text]).people] == ["Eloise Parry"]


def test_titles_of_works_credit_lines_and_headings_name_no_one():
    text = [
        "Student Dies After Diet Pills She Bought Online Burned Her Up",
        "The drama “Marriage Story” and “The Marvelous Mrs Maisel” won at the Golden Globes.",
        "Additional reporting by Steve Gorman; Editing by Nick Zieminski",
        "Heba Habib contributed to this report.",
    ]

    assert suggest(text).people == []


def test_capitalised_german_nouns_are_not_people():
    text = (
        "Die Verteilung des Geldes ist ungerecht, sagt die Liste der Künstler. "
        "Der Kreis der Unterzeichner wächst."
    )

    assert suggest([text]).people == []


def test_reported_speech_inside_speech_is_not_a_second_source():
    found = suggest(["South Africa said Robert Mugabe had told Jacob Zuma he was fine."]).sources

    assert [hint.name for hint in found] == ["South Africa"]


def test_the_speaker_of_a_clause_that_goes_on_with_and_said():
    source = one_source(
        "White House press secretary Josh Earnest condemned the attack and said the U.S. "
        "government would help."
    )

    assert (source.name, source.detail) == ("Josh Earnest", "said the U.S. government would help")


# --- Documents, bodies and groups as sources -------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("A report by the Institute for Rural Affairs found that farms were failing.",
         "Institute for Rural Affairs", "official"),
        ("Figures from the Office for Harbour Statistics show that exports fell.",
         "Office for Harbour Statistics", "official"),
        ("The study, published in The Lancet, shows that the drug works.",
         "Lancet", "publication"),
        ("The ruling says the tax is unlawful.", "The ruling", "document"),
        ("Provincial audit reports seen by the Gazette suggest that funds went missing.",
         "Provincial audit reports", "document"),
    ],
)  # fmt: skip
def test_a_document_cited_as_a_source(text, name, kind):
    source = one_source(text)

    assert (source.name, source.kind, source.anonymous) == (name, kind, False)


def test_a_documents_detail_says_how_it_came_out():
    source = one_source("The report, published on Monday, found that waiting lists grew.")

    assert source.name == "The report"
    assert source.detail.startswith("report published on Monday found")


def test_a_document_seen_by_an_outlet_is_the_source_not_the_outlet():
    source = one_source("Army memos seen by the Courier suggest that troops were moved.")

    assert source.name == "Army memos"
    assert source.detail == "Army memos seen by the Courier"


@pytest.mark.parametrize(
    ("text", "name", "detail"),
    [
        ("Contoso pledged to halve its emissions by 2030.", "Contoso",
         "pledged to halve its emissions by 2030"),
        ("The union has warned that strikes will continue.", "Union",
         "warned strikes will continue"),
        ("The ministry is concerned that the virus will spread.", "The ministry",
         "is concerned the virus will spread"),
        ("The Bank of Ruritania expects inflation to fall.", "Bank of Ruritania",
         "expects inflation to fall"),
        ("The council has pointed out that the bridge is unsafe.", "The council",
         "pointed out the bridge is unsafe"),
        ("The company denied the allegations on Tuesday.", "Company",
         "denied the allegations on Tuesday"),
    ],
)  # fmt: skip
def test_organisations_with_verbs_other_than_say(text, name, detail):
    source = one_source(text)

    assert (source.name, source.detail, source.anonymous) == (name, detail, False)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Analysts say the merger will fail.", "Analysts"),
        ("Researchers found that the vaccine cut deaths.", "Researchers"),
        ("Critics argue the plan is unfair.", "Critics"),
        ("Economists expect growth to slow.", "Economists"),
        ("Several residents told the paper they heard gunfire.", "Several residents"),
        ("Staff on temporary contracts said they felt ignored.", "Staff on temporary contracts"),
    ],
)
def test_unnamed_experts_and_groups_are_anonymous_sources(text, name):
    source = one_source(text)

    assert (source.name, source.kind, source.anonymous) == (name, "anonymous", True)


@pytest.mark.parametrize(
    "text",
    [
        "Prices are expected to rise next year.",
        "The study of history is important.",
        "Police found a body in the river.",
        "The government plan is ready.",
        "Many students want to leave the town.",
        "Everyone expects a cut in rates.",
        "Doris Okafor wants a bigger garden.",
        "Demand plans to grow, nobody doubts it.",
        "The report was found in a drawer.",
    ],
)
def test_these_verbs_without_a_source_make_none(text):
    assert suggest([text]).sources == []


def test_a_plan_reported_by_others_credits_those_who_report_it():
    found = suggest(["The city government plans to sell the port, two officials said."])

    assert [hint.name for hint in found.sources] == ["Two officials"]


def test_an_institutions_name_with_of_or_for_is_not_a_person():
    people = suggest(["A report by the Institute for Coastal Studies found that dunes moved."])

    assert people.people == []
