"""Suggested attribution in German, French, Portuguese and Spanish copy: invented
sentences for each rule, in each language."""

import pytest

from ingest.attribution import guess_language, suggest


def people(text: str, **kwargs) -> dict:
    return {hint.name: hint.title for hint in suggest([text], **kwargs).people}


def sources(text: str, **kwargs) -> dict:
    return {hint.name: hint for hint in suggest([text], **kwargs).sources}


# --- The language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Die Regierung will nicht warten, und der Plan ist auch nicht neu.", "de"),
        ("Le gouvernement est prêt et la réforme est lancée pour les élections.", "fr"),
        ("O governo não quer esperar e a reforma que foi aprovada é para os eleitores.", "pt"),
        ("El gobierno no quiere esperar y los votantes que lo apoyan están en la calle.", "es"),
        ("The minister said that the plan was ready and it would be published.", "en"),
        ("Ursula von der Leyen said the plan was ready.", "en"),
        ("", "en"),
    ],
)
def test_the_language_is_guessed_from_function_words(text, code):
    assert guess_language(text) == code


def test_a_given_language_is_used_and_a_regional_code_is_understood():
    text = "Fontes do governo disseram que a reforma será votada."

    found = sources(text, language="pt-BR")

    assert found["Fontes do governo"].anonymous


# --- German -------------------------------------------------------------------------------


def test_german_titles_before_names_and_speech_verbs_in_both_orders():
    text = (
        "Bundeskanzler Olaf Scholz sagte am Montag, die Lage sei ernst. "
        "„Wir handeln“, erklärte Wirtschaftsministerin Katrin Berger."
    )

    assert people(text) == {
        "Olaf Scholz": "Bundeskanzler",
        "Katrin Berger": "Wirtschaftsministerin",
    }
    found = sources(text)
    assert set(found) == {"Olaf Scholz", "Katrin Berger"}
    assert found["Katrin Berger"].kind == "official"


def test_german_laut_so_zufolge_and_nach_angaben():
    text = (
        "Die Preise steigen laut Vorstandschef Jonas Weber weiter. "
        "Der Absatz sei gut, so Weber. "
        "Dem Ministerium zufolge fehlen Fachkräfte. "
        "Nach Angaben der Polizei gab es keine Verletzten."
    )

    found = sources(text)

    assert set(found) == {"Jonas Weber", "Ministerium", "Polizei"}
    assert found["Ministerium"].kind == "government"
    assert found["Polizei"].kind == "government"


def test_german_anonymous_sources():
    text = (
        "Ein Sprecher des Ministeriums sagte, man prüfe den Fall. "
        "Die Zahlen seien zu hoch, warnen Experten. "
        "Nach Regierungsinformationen wird der Plan verschoben."
    )

    found = sources(text)

    assert set(found) == {"Ein Sprecher des Ministeriums", "Experten", "Regierungsinformationen"}
    assert all(hint.anonymous and hint.kind == "anonymous" for hint in found.values())


def test_german_teilte_mit_a_publication_and_the_perfect_tense():
    text = (
        "Das teilte die Stadtverwaltung am Freitag mit. "
        "Das berichtet die Zeitung Neue Presse. "
        "Darüber hatte zuerst die F.A.Z. berichtet."
    )

    found = sources(text)

    assert found["Stadtverwaltung"].kind == "government"
    assert found["Neue Presse"].kind == "publication"
    assert found["F.A.Z."].kind == "publication"


def test_german_appositive_gives_the_title():
    text = "Das sei ein Fehler, sagte Anna Kolb, die als Sprecherin der Gewerkschaft arbeitet."

    assert people(text) == {"Anna Kolb": "Sprecherin der Gewerkschaft"}


def test_german_nouns_are_not_people_without_evidence():
    text = (
        "Die Verteilung der Einnahmen bleibt strittig, sagt die Liste der Künstler. "
        "Große Konzerne wie Musik Verlag und Kunden Service reagierten. "
        "Der Kreis der Unterzeichner wächst, erklärte die Initiative."
    )

    assert people(text) == {}


# --- French -------------------------------------------------------------------------------


def test_french_titles_and_compound_speech_verbs():
    text = (
        "Le ministre des Affaires étrangères Laurent Fabius a déclaré jeudi que l’aide "
        "arrivait. «Nous sommes prêts», a affirmé la maire Claire Dubois."
    )

    assert people(text) == {
        "Laurent Fabius": "Ministre des Affaires étrangères",
        "Claire Dubois": "Maire",
    }
    assert set(sources(text)) == {"Laurent Fabius", "Claire Dubois"}


def test_french_selon_dapres_estime_and_a_t_il_dit():
    text = (
        "Le bilan est lourd, selon le Quai d’Orsay. "
        "Le ministère des Affaires étrangères a indiqué que les vols reprenaient. "
        "D’après Jean Moreau, le port est fermé. "
        "«C’est une erreur», a-t-il dit. "
        "La crise va durer, estime Marc Petit."
    )

    found = sources(text)

    # "le Quai d’Orsay" is the foreign ministry: one source.
    assert set(found) == {"Quai d’Orsay", "Jean Moreau", "Marc Petit"}
    assert found["Quai d’Orsay"].kind == "government"
    assert found["Jean Moreau"].kind == "official"


def test_french_anonymous_sources():
    text = (
        "Le texte sera retiré, selon une source diplomatique. "
        "Une source du Quai d’Orsay a indiqué que rien n’était décidé."
    )

    found = sources(text)

    assert set(found) == {"Une source diplomatique", "Une source du Quai d’Orsay"}
    assert all(hint.anonymous for hint in found.values())


# --- Portuguese ---------------------------------------------------------------------------


def test_portuguese_titles_and_speech_verbs():
    text = (
        "O presidente Lula disse que o acordo está perto. "
        '"Vamos votar", afirmou o senador Paulo Mendes. '
        "A ministra Ana Costa declarou apoio ao texto."
    )

    assert people(text) == {
        "Lula": "Presidente",
        "Paulo Mendes": "Senador",
        "Ana Costa": "Ministra",
    }
    assert set(sources(text)) == {"Lula", "Paulo Mendes", "Ana Costa"}


def test_portuguese_segundo_de_acordo_com_and_government_sources():
    text = (
        "A reforma será votada, segundo o Palácio do Planalto. "
        "De acordo com o governo, a meta será cumprida. "
        "Segundo fontes do governo, o texto muda."
    )

    found = sources(text)

    assert set(found) == {"Palácio do Planalto", "Governo", "Fontes do governo"}
    assert found["Palácio do Planalto"].kind == "government"
    assert found["Governo"].kind == "government"
    assert found["Fontes do governo"].anonymous


def test_portuguese_a_title_before_a_place_does_not_make_it_a_person():
    text = "O comandante do Brasil disse que o time está pronto."

    assert people(text) == {}


# --- Spanish ------------------------------------------------------------------------------


def test_spanish_titles_and_speech_verbs():
    text = (
        "El presidente Pedro Sánchez dijo que el plan sigue. "
        '"No habrá cambios", afirmó la ministra Carmen Ruiz.'
    )

    assert people(text) == {"Pedro Sánchez": "Presidente", "Carmen Ruiz": "Ministra"}
    assert set(sources(text)) == {"Pedro Sánchez", "Carmen Ruiz"}


def test_spanish_segun_de_acuerdo_con_and_anonymous_sources():
    text = (
        "La reunión fue cancelada, según el Ministerio de Sanidad. "
        "De acuerdo con Luis Ortega, el plazo vence hoy. "
        "Una fuente cercana a la Moncloa declaró que no hay acuerdo."
    )

    found = sources(text)

    assert set(found) == {"Ministerio de Sanidad", "Luis Ortega", "Una fuente cercana a la Moncloa"}
    assert found["Ministerio de Sanidad"].kind == "government"
    assert found["Una fuente cercana a la Moncloa"].anonymous


# --- More attribution forms in French and Spanish ------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "name", "anonymous"),
    [
        ("Consultada por este medio, una fuente del ministerio resumió que el pacto está "
         "cerrado.", "es", "Una fuente del ministerio", True),
        ("Fuentes del Gobierno sostuvieron que no habrá cambios.", "es",
         "Fuentes del Gobierno", True),
        ("El Banco Central advirtió que la inflación seguirá alta.", "es", "Banco Central", False),
        ("La empresa señaló que los precios subirán.", "es", "La empresa", False),
        ("Para Carlos Ruiz, la crisis no ha terminado.", "es", "Carlos Ruiz", False),
        ("Le syndicat soulève la question des salaires.", "fr", "Le syndicat", False),
        ("Pour Marie Leclerc, la réforme est injuste.", "fr", "Marie Leclerc", False),
        ("De source policière, trois personnes ont été arrêtées.", "fr", "Source policière",
         True),
        ("Selon des sources proches du ministère, le texte sera retiré.", "fr",
         "Des sources proches du ministère", True),
    ],
)  # fmt: skip
def test_french_and_spanish_attribution_beyond_say(text, language, name, anonymous):
    found = sources(text, language=language)

    assert set(found) == {name}
    assert found[name].anonymous is anonymous


@pytest.mark.parametrize(
    ("text", "language", "name", "title"),
    [
        ("L'UMP Laure de la Mothe a souligné que le texte était flou.", "fr",
         "Laure de la Mothe", "UMP"),
        ("L'écologiste Sergio Coronel a estimé que le projet allait trop loin.", "fr",
         "Sergio Coronel", "Écologiste"),
        ("Le socialiste Jean Dumas a rappelé que la loi existait déjà.", "fr",
         "Jean Dumas", "Socialiste"),
        ("El socialista Andrés Molina aseguró que votará en contra.", "es",
         "Andrés Molina", "Socialista"),
    ],
)  # fmt: skip
def test_a_name_after_a_party_label_is_a_person_and_a_source(text, language, name, title):
    assert people(text, language=language) == {name: title}
    assert set(sources(text, language=language)) == {name}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Para el próximo año, la empresa prevé pérdidas.", "es"),
        ("Pour la première fois, le parti a gagné.", "fr"),
        ("Fuentes del Gobierno y del partido.", "es"),
    ],
)
def test_opening_phrases_and_groups_without_a_source_make_none(text, language):
    assert sources(text, language=language) == {}
