"""Small vocabularies for telling people, titles and sources apart in news copy.

Everything here is lowercase; callers compare lowercased, diacritic-free words.
The lists are short on purpose: structure (a title before a name, a speech verb
after it) does most of the work, and the newsroom's own records do the rest.
"""

from dataclasses import dataclass, field


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def phrase_set(text: str) -> frozenset[str]:
    return frozenset(line.strip() for line in text.strip().splitlines() if line.strip())


# Offices: a title with one of these reads as a formal title ("Secretary of State").
OFFICE_HEADS = word_set(
    """
    president president-elect vice-president minister secretary director adviser advisor
    envoy spokesman spokeswoman spokesperson ambassador chancellor governor senator
    congressman congresswoman representative mayor chairman chairwoman chair chief ceo cfo
    coo commander general admiral colonel lieutenant sergeant major king queen prince
    princess pope judge prosecutor attorney premier speaker leader commissioner head deputy
    sheikh emir mp mep treasurer inspector negotiator official officer aide founder
    co-founder coach manager superintendent sheriff marshal governor-general ombudsman
    registrar rapporteur delegate consul diplomat
    """
)

# Roles and occupations: kept in sentence case ("American teacher").
OTHER_HEADS = word_set(
    """
    teacher counterpart professor analyst economist researcher scientist journalist
    correspondent reporter editor lawyer activist actor actress singer musician rapper
    billionaire businessman businesswoman entrepreneur investor student doctor nurse
    physician surgeon engineer author writer novelist poet artist filmmaker producer player
    striker midfielder defender goalkeeper driver champion candidate nominee farmer worker
    pastor priest bishop archbishop cardinal rabbi imam historian expert whistleblower
    hacker dissident critic blogger influencer soldier pilot captain boss designer
    photographer architect chef owner executive banker trader scholar lecturer academic
    strategist consultant pollster columnist commentator presenter host broadcaster
    comedian director-general campaigner organiser organizer volunteer survivor victim
    witness mother father wife husband son daughter brother sister widow
    """
)

TITLE_HEADS = OFFICE_HEADS | OTHER_HEADS

# Words that qualify a title ("national security adviser", "secretary of state").
TITLE_MODIFIERS = word_set(
    """
    state defence defense foreign home interior finance treasury health justice education
    energy trade commerce labour labor transport agriculture environment economy economic
    affairs security national homeland special senior deputy assistant acting former
    interim chief executive general vice prime first press campaign military army navy
    naval air force central bank federal reserve cabinet shadow junior managing lead top
    elect intelligence political public district supreme high court party opposition
    climate digital counterterrorism operating financial technology science communications
    media policy international regional local global union white house peace
    development culture sport sports housing immigration police fire border customs
    cyber nuclear arms war veterans women children human rights legal research medical
    investment marketing product sales editorial news information data then longtime
    long-time veteran retired outgoing incoming new jailed detained imprisoned exiled
    slain late embattled ousted disgraced world olympic
    """
)

# Honorifics are not titles.
HONORIFICS = word_set("mr mrs ms miss mx dr sir dame lord lady")

# Lowercase particles inside names ("Ursula von der Leyen", "Mohammed bin Salman").
PARTICLES = word_set(
    "de da di du des del della der den van von la le bin ibn al el ter ben dos d' d’"
)

# Words a capitalised run may start with that are never part of a name.
STOPWORDS = word_set(
    """
    a an the this that these those there their they them then than he she it its his her
    hers we our us you your i me my mine who whom whose which what when where why how
    and or but nor so yet for of in on at by to from with without within into onto over
    under after before during since until while as if though although because unless
    about above across against along among around behind below beneath beside between
    beyond despite down inside near off out outside past per through throughout toward
    towards up upon via all any both each either every few many more most much neither
    no none not nothing one other others several some such only also even still just
    however meanwhile moreover furthermore nevertheless instead indeed otherwise thus
    therefore hence later earlier now today tonight tomorrow yesterday here shortly
    afterwards eventually finally first second third last next ahead once again already
    yes no ok okay oh well please thanks thank dear said says according asked like
    unlike including following separately together recently currently previously
    overall initially ultimately perhaps maybe certainly clearly really especially
    """
)

MONTHS = word_set(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
WEEKDAYS = word_set("monday tuesday wednesday thursday friday saturday sunday")

COUNTRIES = phrase_set(
    """
    afghanistan
    albania
    algeria
    andorra
    angola
    argentina
    armenia
    australia
    austria
    azerbaijan
    bahrain
    bangladesh
    belarus
    belgium
    benin
    bhutan
    bolivia
    bosnia
    botswana
    brazil
    britain
    brunei
    bulgaria
    burkina faso
    burundi
    cambodia
    cameroon
    canada
    chad
    chile
    china
    colombia
    congo
    costa rica
    croatia
    cuba
    cyprus
    czechia
    czech republic
    denmark
    djibouti
    ecuador
    egypt
    el salvador
    england
    eritrea
    estonia
    ethiopia
    europe
    africa
    asia
    america
    fiji
    finland
    france
    gabon
    gambia
    gaza
    georgia
    germany
    ghana
    greece
    greenland
    guatemala
    guinea
    haiti
    honduras
    hungary
    iceland
    india
    indonesia
    iran
    iraq
    ireland
    israel
    italy
    ivory coast
    jamaica
    japan
    jordan
    kazakhstan
    kenya
    kosovo
    kuwait
    kyrgyzstan
    laos
    latvia
    lebanon
    liberia
    libya
    lithuania
    luxembourg
    madagascar
    malawi
    malaysia
    mali
    malta
    mauritania
    mexico
    moldova
    monaco
    mongolia
    montenegro
    morocco
    mozambique
    myanmar
    namibia
    nepal
    netherlands
    new zealand
    nicaragua
    niger
    nigeria
    north korea
    north macedonia
    norway
    oman
    pakistan
    palestine
    panama
    paraguay
    peru
    philippines
    poland
    portugal
    qatar
    romania
    russia
    rwanda
    saudi arabia
    scotland
    senegal
    serbia
    sierra leone
    singapore
    slovakia
    slovenia
    somalia
    south africa
    south korea
    south sudan
    spain
    sri lanka
    sudan
    sweden
    switzerland
    syria
    taiwan
    tajikistan
    tanzania
    thailand
    tibet
    togo
    tunisia
    turkey
    turkmenistan
    uganda
    ukraine
    united kingdom
    united states
    united arab emirates
    uruguay
    uzbekistan
    venezuela
    vietnam
    wales
    yemen
    zambia
    zimbabwe
    crimea
    donbas
    kashmir
    west bank
    middle east
    latin america
    north america
    south america
    eastern europe
    western europe
    the west
    """
)

CITIES = phrase_set(
    """
    moscow
    washington
    kyiv
    kiev
    london
    paris
    berlin
    beijing
    tokyo
    brussels
    rome
    madrid
    lisbon
    vienna
    warsaw
    prague
    budapest
    bucharest
    sofia
    athens
    ankara
    istanbul
    tehran
    baghdad
    damascus
    beirut
    jerusalem
    tel aviv
    cairo
    riyadh
    doha
    dubai
    abu dhabi
    delhi
    new delhi
    mumbai
    islamabad
    kabul
    seoul
    pyongyang
    taipei
    hong kong
    shanghai
    singapore
    jakarta
    manila
    bangkok
    hanoi
    canberra
    sydney
    melbourne
    ottawa
    toronto
    montreal
    vancouver
    new york
    los angeles
    san francisco
    chicago
    boston
    houston
    miami
    seattle
    atlanta
    dallas
    detroit
    denver
    philadelphia
    mexico city
    havana
    caracas
    bogota
    lima
    santiago
    buenos aires
    brasilia
    sao paulo
    rio de janeiro
    nairobi
    lagos
    johannesburg
    addis ababa
    geneva
    zurich
    amsterdam
    the hague
    stockholm
    oslo
    copenhagen
    helsinki
    dublin
    edinburgh
    minsk
    tbilisi
    yerevan
    baku
    kharkiv
    odesa
    odessa
    donetsk
    luhansk
    mariupol
    kursk
    st petersburg
    munich
    frankfurt
    hamburg
    milan
    barcelona
    davos
    strasbourg
    vatican
    gaza city
    silicon valley
    wall street
    capitol hill
    """
)

NATIONALITIES = word_set(
    """
    american americans british briton britons english scottish welsh irish french german
    germans italian spanish portuguese dutch belgian swiss austrian polish czech slovak
    hungarian romanian bulgarian greek turkish russian russians ukrainian ukrainians
    belarusian georgian armenian azerbaijani kazakh uzbek chinese japanese korean
    taiwanese vietnamese thai indonesian malaysian filipino indian pakistani afghan
    iranian iraqi syrian lebanese israeli israelis palestinian palestinians jordanian
    saudi emirati qatari egyptian libyan tunisian algerian moroccan nigerian kenyan
    ethiopian somali sudanese african european europeans asian arab arabs western eastern
    northern southern canadian mexican cuban venezuelan colombian brazilian argentine
    argentinian chilean peruvian australian zealander swedish norwegian danish finnish
    icelandic estonian latvian lithuanian serbian croatian bosnian albanian kosovan
    moldovan soviet nordic baltic balkan latino hispanic jewish muslim christian catholic
    democrat democrats republican republicans democratic conservative conservatives
    labour tory tories liberal liberals socialist communist kurdish kurds
    """
)

# Multi-word names that are never people (matched on the whole run).
NOT_PEOPLE = phrase_set(
    """
    white house
    truth social
    financial times
    european union
    united nations
    security council
    supreme court
    prime minister
    downing street
    state department
    foreign office
    bank of england
    federal reserve
    wall street journal
    new york times
    washington post
    associated press
    al jazeera
    le monde
    der spiegel
    fox news
    sky news
    human rights watch
    amnesty international
    red cross
    world bank
    world health organization
    international monetary fund
    silicon valley
    world cup
    champions league
    premier league
    super bowl
    black friday
    cold war
    world war
    new year
    christmas eve
    middle east
    """
)

# Single words that, as the last word of a capitalised run, make it an organisation,
# a place or an event rather than a person.
ORG_WORDS = word_set(
    """
    union nations states kingdom republic emirates times post journal news herald tribune
    telegraph guardian gazette daily weekly magazine review press agency office ministry
    department government parliament congress senate assembly council commission committee
    court house party bank fund group company corporation corp inc ltd llc plc holdings
    university college school institute foundation association organisation organization
    federation league club team airlines airways airport station street avenue road square
    park bridge river sea ocean lake mountain mountains island islands valley hill city
    county province region district state army navy force forces police guard service
    services authority board bureau center centre hospital church mosque museum theatre
    theater festival award awards prize cup games championship olympics summit forum
    conference treaty accord pact war initiative program programme project act bill law
    platform network media studios records labs technologies systems capital partners
    exchange market index motors energy oil gas airlines railways social brotherhood
    movement front alliance coalition
    """
)

# Single names of institutions and acronyms that are never people.
NOT_PEOPLE_WORDS = word_set(
    """
    nato eu un us uk usa ussr kremlin pentagon whitehall elysee elysée knesset duma bundestag
    reuters afp ap bloomberg xinhua tass ria interfax dpa ansa efe kyodo yonhap bbc cnn
    nbc cbs abc npr pbs msnbc fox ft wsj nyt cia fbi nsa kgb fsb mi6 mi5 opec who imf wto
    g7 g20 brics hamas hezbollah taliban isis facebook twitter instagram telegram youtube
    tiktok whatsapp google apple microsoft amazon meta tesla spacex openai netflix
    bitcoin covid covid-19 coronavirus god allah easter christmas ramadan internet congress
    senate parliament brexit eurozone schengen interpol europol mossad nasa esa
    """
)

# Sources by kind; names are matched lowercase and without a leading "the".
AGENCIES = phrase_set(
    """
    reuters
    associated press
    ap
    afp
    agence france-presse
    agence france presse
    bloomberg
    bloomberg news
    dpa
    pa
    pa media
    press association
    xinhua
    tass
    ria novosti
    ria
    interfax
    ansa
    efe
    kyodo
    kyodo news
    yonhap
    anadolu
    anadolu agency
    ukrinform
    unian
    apa
    belga
    ntb
    tt
    """
)

PLATFORMS = phrase_set(
    """
    truth social
    x
    twitter
    facebook
    telegram
    instagram
    youtube
    tiktok
    threads
    bluesky
    linkedin
    reddit
    weibo
    wechat
    vk
    vkontakte
    mastodon
    snapchat
    whatsapp
    substack
    gab
    parler
    """
)

PUBLICATIONS = phrase_set(
    """
    financial times
    ft
    the guardian
    guardian
    the observer
    the times
    the sunday times
    the telegraph
    daily telegraph
    the independent
    the economist
    economist
    politico
    axios
    the atlantic
    new york times
    nyt
    washington post
    wall street journal
    wsj
    los angeles times
    usa today
    the new yorker
    bbc
    cnn
    nbc
    nbc news
    cbs
    cbs news
    abc
    abc news
    npr
    pbs
    fox news
    sky news
    msnbc
    al jazeera
    le monde
    le figaro
    liberation
    der spiegel
    spiegel
    die zeit
    bild
    frankfurter allgemeine zeitung
    faz
    el pais
    corriere della sera
    la repubblica
    kommersant
    vedomosti
    izvestia
    rbc
    kyiv independent
    ukrainska pravda
    haaretz
    the hill
    semafor
    the information
    wired
    the verge
    techcrunch
    forbes
    fortune
    business insider
    newsweek
    time
    daily mail
    the sun
    the mirror
    """
)

PUBLICATION_WORDS = word_set(
    """
    times post journal news herald tribune telegraph guardian gazette daily weekly
    magazine review chronicle observer independent mail mirror express standard inquirer
    examiner courier monitor globe star sun record dispatch bulletin pravda zeitung
    """
)

# Canonical display names for some spellings copy uses.
CANONICAL_SOURCES = {
    "ft": "Financial Times",
    "nyt": "The New York Times",
    "new york times": "The New York Times",
    "wsj": "The Wall Street Journal",
    "wall street journal": "The Wall Street Journal",
    "washington post": "The Washington Post",
    "ap": "Associated Press",
    "afp": "AFP",
    "kremlin": "The Kremlin",
    "white house": "The White House",
    "pentagon": "The Pentagon",
    "elysee": "The Élysée",
    "élysée": "The Élysée",
    "state department": "The State Department",
    "foreign office": "The Foreign Office",
    "home office": "The Home Office",
    "vatican": "The Vatican",
}

GOVERNMENT = phrase_set(
    """
    white house
    kremlin
    pentagon
    downing street
    number 10
    no 10
    elysee
    élysée
    state department
    foreign office
    home office
    treasury
    whitehall
    vatican
    knesset
    bundestag
    duma
    congress
    senate
    parliament
    the government
    government
    nato
    eu
    european commission
    european union
    un
    united nations
    security council
    police
    """
)

GOVERNMENT_WORDS = word_set(
    """
    ministry ministries department government office embassy council commission
    parliament police army military navy authority authorities agency prosecutors
    prosecutor court administration cabinet presidency governorate municipality
    regulator regulators
    """
)

DOCUMENT_WORDS = word_set(
    """
    report statement filing filings document documents data survey study memo letter
    indictment complaint lawsuit records transcript ruling judgment judgement verdict poll
    analysis paper research audit findings figures estimates reports surveys
    """
)

# Nouns an unnamed source is described by ("a senior official", "people familiar").
ANONYMOUS_ROLES = word_set(
    """
    official officials diplomat diplomats person people source sources member members aide
    aides adviser advisers advisor advisors insider insiders executive executives employee
    employees officer officers staffer staffers lawmaker lawmakers negotiator negotiators
    representative representatives spokesperson analyst analysts banker bankers investor
    investors minister ministers politician politicians individual individuals figure
    figures operative operatives colleague colleagues ally allies confidant confidants
    participant participants witness witnesses resident residents staff academic academics
    worker workers student students teacher teachers doctor doctors nurse nurses expert
    experts scientist scientists researcher researchers activist activists protester
    protesters villager villagers locals eyewitness eyewitnesses survivor survivors
    relative relatives neighbour neighbours neighbor neighbors parent parents critic critics
    economist economists observer observers campaigner campaigners forecaster forecasters
    strategist strategists opponent opponents commentator commentators scholar scholars
    """
)

# Groups whose expectations and beliefs are reported as information ("analysts expect").
EXPERT_ROLES = word_set(
    """
    analysts economists experts researchers scientists critics observers forecasters
    strategists academics officials diplomats investors traders scholars commentators
    """
)

ANONYMOUS_QUANTIFIERS = word_set("a an one two three four five six seven several some many other")

# Verbs that attribute information to whoever precedes or follows them.
SPEECH_VERBS = word_set(
    """
    said says told tells wrote writes added adds announced confirmed stated posted tweeted
    noted explained warned claimed insisted acknowledged reported reports argued declared
    stressed commented replied responded revealed disclosed admitted
    """
)

# Verbs beyond SPEECH_VERBS that attribute what follows to their subject. Only for
# sources, never evidence of a person. Acts of stating, base forms for plural subjects:
STATEMENT_VERBS = word_set(
    """
    say tell warn argue insist claim confirm announce acknowledge admit deny denies denied
    pledge pledges pledged vow vows vowed promise promises promised urge urges urged
    concede concedes conceded predict predicts predicted
    """
)
# What a study, a document or researchers report.
FINDING_VERBS = word_set(
    """
    found finds find show shows showed suggest suggests suggested conclude concludes
    concluded indicate indicates indicated estimate estimates estimated
    """
)
# Stances and intentions: of organisations, governments and experts, not of anyone.
STANCE_VERBS = word_set("expect expects believe believes fear fears want wants plan plans")
# Words that stand for no one in particular when they open a clause.
NOBODY = word_set("everyone everybody nobody someone somebody anyone anybody people it")

# Common given names, only to tell a two-word person from a two-word thing when the text
# gives no title, appositive or speech verb; the text's structure comes first.
FIRST_NAMES = word_set(
    """
    aaron abdul abdullah abraham adam adrian ahmad ahmed aisha alan albert alejandro alex
    alexander alexandra alexei alexey ali alice alicia amanda amy ana anatoly andrea
    andreas andrei andrew andrey andriy angela angelina ann anna anne annalena anthony
    antonio antony arnold arthur ashley barack barbara ben benjamin benoit bernard bernie
    beth betty bill bob boris brandon brian bruce bruno carl carla carlos carol caroline
    catherine charles charlie chris christian christina christine christopher claire
    claude claudia colin craig cristina daniel danielle dave david deborah denis dennis
    diana diane dmitri dmitry dmytro donald donna doug douglas dylan ed edward elena
    eli elizabeth ellen elon emily emma emmanuel eric erik eva evan fatima felix fernando
    francesca francis francisco frank fred friedrich gabriel gary george georgia gerald
    gerhard giorgia giuseppe gordon grace greg gregory hakan hannah hans harold harry
    hassan heather helen henry hillary howard hugh hunter ian igor ilya irina isaac ivan
    jack jacob jake james jamie jan jane janet jared jason javier jean jeff jeffrey
    jennifer jeremy jerome jessica jim jimmy joan joanna joe joel johann john johnny
    jon jonathan jordan jorge jose joseph josh joshua juan judith julia julian julie
    justin karen karl kate katherine kathleen kathryn keir keith kelly kemi ken kenneth
    kevin kim kirill kristi kristin larry laura lauren lee leo leonid linda lisa liz
    lorenzo louis louise lucas lucy luis luke lyudmila maria marie marina mario mark
    marc marco margaret maria marie marine marius mark martin mary matt matthew
    max maxim melania melissa michael michel michelle miguel mike mikhail mohammed
    mohammad muhammad nancy natalia natalie nathan neil nicholas nick nicola nicolas
    nikolai nina noah oleg olena oleksandr oleksiy olga oliver olivia omar pablo pam
    pamela patricia patrick paul paula pedro pete peter petro philip philippe pierre
    rachel rafael ralph ray raymond rebecca richard rishi rob robert roberto roger ron
    ronald rosa ross ruth ryan sam samantha samuel sandra sara sarah scott sean sebastian
    sergei sergey sergiy simon sofia sophie stephen steve steven susan svetlana taylor
    ted teresa thomas tim timothy tina todd tom tony tulsi ulrich ursula valentina
    valery vanessa victor victoria viktor vincent vladimir volodymyr walter wang wei
    william xi yulia yuri yury zhang
    """
)


# --- Other languages ----------------------------------------------------------------------
# German, French, Portuguese and Spanish copy: the same structure (a title before a name,
# a speech verb before or after it, "selon X"), with each language's words. Words are
# lowercase and without diacritics, as callers fold them.


@dataclass(frozen=True)
class Language:
    code: str
    # Frequent words that tell the language of a text.
    function_words: frozenset[str]
    # Words that may open a capitalised run (a sentence, a clause) but never a name.
    stopwords: frozenset[str]
    articles: frozenset[str]
    # Words that link a title or an institution to what follows ("ministre des Affaires").
    connectors: frozenset[str]
    title_heads: frozenset[str]
    title_modifiers: frozenset[str]
    honorifics: frozenset[str]
    first_names: frozenset[str]
    # Words between a speech verb and its subject ("a déclaré jeudi le ministre").
    adverbs: frozenset[str]
    # Finite speech verbs, said before or after the speaker.
    speech_verbs: frozenset[str]
    # Verbs an outlet uses: its subject is a publication.
    report_verbs: frozenset[str]
    # Participles of compound tenses, after an auxiliary ("a déclaré", "hat gesagt").
    participles: frozenset[str]
    auxiliaries: frozenset[str]
    # "selon X", "laut X": a source follows.
    according: tuple[str, ...]
    # "X zufolge": a source precedes.
    according_after: tuple[str, ...]
    # Heads of nouns describing unnamed sources ("une source", "Fachleute").
    anonymous_roles: frozenset[str]
    # Nouns of bodies whose word is a source of the government kind.
    government_words: frozenset[str]
    # Words that make a capitalised run an institution, a company or an event.
    org_words: frozenset[str]
    publication_words: frozenset[str]
    document_words: frozenset[str]
    places: frozenset[str]
    nationalities: frozenset[str]
    months: frozenset[str]
    weekdays: frozenset[str]
    # Subject pronouns after an inverted verb ("a-t-il dit", "sagte er").
    pronouns: frozenset[str]
    # German compounds end with their head: "Bundeskanzler", "Regierungssprecherin".
    title_suffixes: tuple[str, ...] = ()
    org_suffixes: tuple[str, ...] = ()
    # Two names of one source ("le Quai d'Orsay" is the foreign ministry).
    same_sources: dict = field(default_factory=dict)
    canonical: dict = field(default_factory=dict)
    # Opinion attributed by a phrase that opens the sentence: "pour la ministre, …".
    opinion: tuple[str, ...] = ()


GERMAN = Language(
    code="de",
    function_words=word_set(
        "der die das und nicht ist ein eine einen dem den des zu mit sich auf fur von im auch "
        "es wird sind war wurde nach bei aus wie noch nur oder aber dass als"
    ),
    stopwords=word_set(
        """
        der die das den dem des ein eine einer einem einen eines und oder aber auch nach laut
        so wie wenn dass als bei mit fur uber unter vor im am an auf aus von zu zum zur es er
        sie wir ihr ich man dabei dazu damit zudem dennoch doch denn mittlerweile inzwischen
        ausserdem anschliessend wahrend nur noch schon nun jetzt heute gestern morgen dort
        hier da dann diese dieser dieses diesen jeder jede alle viele einige manche welche wer
        was wo warum wie sein seine ihre ihr unser kein keine nicht bisherige bisher zwar
        hingegen jedoch allerdings trotzdem deshalb daher immer erst etwa rund fast mehr
        weniger im gegensatz gemass bild foto
        """
    ),
    articles=word_set("der die das den dem des ein eine einer einem einen eines"),
    connectors=word_set("der des von vom fur im"),
    title_heads=word_set(
        """
        prasident prasidentin kanzler kanzlerin minister ministerin sprecher sprecherin chef
        chefin vorsitzender vorsitzende direktor direktorin leiter leiterin geschaftsfuhrer
        geschaftsfuhrerin botschafter botschafterin burgermeister burgermeisterin trainer
        trainerin professor professorin experte expertin analyst analystin anwalt anwaltin
        richter richterin staatsanwalt staatsanwaltin sekretar sekretarin abgeordneter
        abgeordnete senator senatorin gouverneur gouverneurin general papst konig konigin
        prinz prinzessin kommissar kommissarin beauftragter beauftragte grunder grunderin
        vorstand vorstandschef ministerprasident ministerprasidentin bundeskanzler
        bundeskanzlerin bundesprasident bundesprasidentin sanger sangerin autor autorin
        forscher forscherin wissenschaftler wissenschaftlerin okonom okonomin
        """
    ),
    title_modifiers=word_set(
        "ehemalige ehemaliger ehemaligen fruhere fruherer fruheren designierte designierter "
        "stellvertretende stellvertretender neue neuer amtierende amtierender damalige "
        "damaliger langjahrige langjahriger"
    ),
    honorifics=word_set("herr frau dr prof"),
    first_names=word_set(
        """
        andreas angela annalena anton barbara benjamin bernd birgit boris christian
        christina christoph claudia daniel dieter dirk elke emil erich ernst eva florian
        frank franz friedrich gaby gabriele gerhard gunter hannah hans heike heiko heinz
        helene helmut herbert horst ingrid jan jens joachim johannes jorg jurgen karin karl
        katrin klaus lars lena lukas manfred marcus markus martin matthias michael monika
        nina olaf paul peter petra ralf robert sabine sahra sarah sebastian stefan steffen
        susanne thomas tobias ulrich ursula uwe volker walter werner wolfgang
        """
    ),
    adverbs=word_set(
        "am heute gestern dabei damals zuerst zudem auch ebenfalls jedoch aber nun jetzt bereits "
        "gerade kurz zuletzt spater erst schon noch"
    ),
    speech_verbs=word_set(
        """
        sagte sagt sagten sagen warnen erklarte erklart erklarten betonte betont betonten meinte
        meint warnte warnt schrieb schreibt berichtete berichtet berichten fugte erganzte
        erganzt bestatigte bestatigt kundigte kritisierte kritisiert prognostizieren
        prognostiziert prognostizierte schatzen schatzt schatzte teilte teilt teilten
        """
    ),
    report_verbs=word_set("berichtete berichtet berichten"),
    participles=word_set(
        "gesagt erklart betont berichtet mitgeteilt bestatigt geschrieben gewarnt "
        "angekundigt kritisiert"
    ),
    auxiliaries=word_set("hat hatte haben hatten habe"),
    according=(r"laut", r"nach\s+angaben", r"nach\s+\w*informationen", r"so"),
    according_after=("zufolge",),
    anonymous_roles=word_set(
        """
        sprecher sprecherin sprecherinnen quelle quellen fachleute experten expertin
        experte beobachter insider kreise kreisen diplomat diplomaten beamter beamte
        beamten mitarbeiter mitarbeiterin analysten analyst vertreter vertreterin
        informationen angaben brancheninformationen kritiker augenzeugen zeugen
        ermittler teilnehmer
        """
    ),
    government_words=word_set(
        """
        ministerium ministeriums regierung bundesregierung polizei behorde behorden amt
        kanzleramt bundeskanzleramt staatsanwaltschaft gericht bundestag bundesrat senat
        verwaltung armee bundeswehr stadt kommission
        """
    ),
    org_words=word_set(
        """
        gmbh ag kg se ev mbh verband verein institut universitat zeitung partei bank gruppe
        konzern stiftung gericht ministerium regierung amt behorde music musik magazin
        """
    ),
    publication_words=word_set(
        "zeitung magazin blatt zeitschrift sender rundfunk nachrichtenagentur agentur "
        "sonntagszeitung tageszeitung wochenzeitung"
    ),
    document_words=word_set(
        "mitteilung pressemitteilung bericht studie erklarung umfrage statistik brief "
        "dokument dokumente unterlagen schreiben gutachten"
    ),
    places=word_set(
        "deutschland osterreich schweiz frankreich spanien italien grossbritannien amerika "
        "russland china europa brussel wien munchen koln"
    ),
    nationalities=word_set(
        "deutsche deutscher deutschen amerikaner franzose franzosen briten russen chinesen"
    ),
    months=word_set(
        "januar februar marz april mai juni juli august september oktober november dezember"
    ),
    weekdays=word_set("montag dienstag mittwoch donnerstag freitag samstag sonntag"),
    pronouns=word_set("er sie"),
    title_suffixes=(
        "minister",
        "ministerin",
        "kanzler",
        "kanzlerin",
        "sprecher",
        "sprecherin",
        "chef",
        "chefin",
        "vorsitzender",
        "vorsitzende",
        "prasident",
        "prasidentin",
        "direktor",
        "direktorin",
        "leiter",
        "leiterin",
        "geschaftsfuhrer",
        "geschaftsfuhrerin",
        "sekretar",
        "sekretarin",
        "beauftragter",
        "beauftragte",
        "botschafter",
        "botschafterin",
        "trainer",
        "trainerin",
        "experte",
        "expertin",
        "forscher",
        "forscherin",
        "anwalt",
        "anwaltin",
    ),  # fmt: skip
    org_suffixes=(
        "ministerium",
        "verband",
        "institut",
        "gesellschaft",
        "partei",
        "gruppe",
        "konzern",
        "stiftung",
        "gericht",
        "behorde",
        "zeitung",
        "agentur",
        "bank",
        "amt",
        "werk",
        "initiative",
        "ung",
        "heit",
        "keit",
        "schaft",
        "tion",
        "tat",
        "ismus",
    ),  # fmt: skip
    canonical={"kanzleramt": "Bundeskanzleramt"},
)

FRENCH = Language(
    code="fr",
    function_words=word_set(
        "le la les et est des du une un pas que qui dans pour sur au aux ce il elle a ete "
        "selon ont sont mais ou avec par plus"
    ),
    stopwords=word_set(
        """
        le la les l un une des du de d au aux et ou mais donc car ni que qui quoi dont ou
        ce cet cette ces il elle ils elles on nous vous je son sa ses leur leurs mon ma
        dans pour sur sous avec sans par selon apres avant pendant depuis entre chez vers
        environ quasiment presque tous tout toute toutes aussi encore deja puis alors ainsi
        cependant pourtant toutefois enfin hier aujourd'hui demain desormais la ici si
        comme lorsque quand parce
        """
    ),
    articles=word_set("le la les l l' l’ un une des du"),
    connectors=word_set("de des du d d' d’ la l l' l’"),
    title_heads=word_set(
        """
        president presidente ministre secretaire directeur directrice porte-parole
        ambassadeur ambassadrice chancelier chanceliere gouverneur senateur senatrice
        depute deputee maire chef roi reine prince princesse pape juge procureur procureure
        avocat avocate commissaire conseiller conseillere delegue deleguee dirigeant
        dirigeante patron patronne fondateur fondatrice entraineur selectionneur
        capitaine general generale expert experte professeur professeure chercheur
        chercheuse economiste analyste premier premiere vice-president vice-presidente
        pdg ex-president ex-ministre ecologiste socialiste centriste communiste insoumis
        insoumise republicain republicaine frontiste macroniste syndicaliste
        """
    ),
    title_modifiers=word_set(
        "ancien ancienne nouveau nouvelle premier premiere adjoint adjointe delegue deleguee "
        "affaires etrangeres interieur economie finances armees justice sante defense "
        "general generale actuel actuelle"
    ),
    honorifics=word_set("m mme mlle monsieur madame me dr pr"),
    first_names=word_set(
        """
        alain anne antoine bernard bruno catherine christine christophe claire dominique
        edouard elisabeth emmanuel eric francois francoise frederic gabriel gerald
        gerard guillaume helene isabelle jacques jean jean-luc jean-marc jean-pierre
        jean-yves julien laurent laurence manuel marine martine mathieu michel nathalie
        nicolas olivier pascal philippe pierre rachida segolene sebastien stephane
        sylvie thierry valerie vincent yannick
        """
    ),
    adverbs=word_set(
        "lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd'hui egalement "
        "aussi encore notamment ensuite matin soir alors pourtant toutefois"
    ),
    speech_verbs=word_set(
        """
        declare affirme indique ajoute estime explique precise souligne assure annonce
        confirme rapporte dit raconte repond reconnait temoigne avertit insiste explique
        declarait affirmait indiquait estimait expliquait ajoutait rappelle souleve
        soulignait assurait rappelait
        """
    ),
    report_verbs=word_set("rapporte rapporte"),
    participles=word_set(
        "declare affirme indique ajoute estime explique precise souligne assure annonce "
        "confirme rapporte dit raconte repondu reconnu temoigne averti insiste rappele "
        "souleve"
    ),
    auxiliaries=word_set("a ont avait avaient"),
    according=(r"selon", r"d['’]apres", r"de\s+source"),
    according_after=(),
    anonymous_roles=word_set(
        """
        source sources responsable responsables diplomate diplomates expert experts
        analyste analystes proche proches membre membres conseiller conseillers temoin
        temoins habitant habitants observateur observateurs enqueteur enqueteurs
        fonctionnaire fonctionnaires specialiste specialistes porte-parole
        """
    ),
    government_words=word_set(
        """
        ministere gouvernement police gendarmerie prefecture parquet elysee matignon
        presidence ambassade armee justice tribunal mairie commission
        """
    ),
    org_words=word_set(
        """
        ministere institut universite banque parti societe groupe compagnie association
        federation conseil assemblee cour tribunal quai place rue avenue boulevard gare
        musee hopital ecole lycee coupe championnat stade syndicat entreprise
        """
    ),
    publication_words=word_set("journal quotidien hebdomadaire magazine revue radio chaine agence"),
    document_words=word_set(
        "communique rapport etude enquete sondage document documents lettre bilan note"
    ),
    places=word_set(
        "allemagne angleterre espagne italie etats-unis royaume-uni bresil chine russie "
        "katmandou roissy londres emirats belgique suisse quebec"
    ),
    nationalities=word_set(
        "francais francaise francaises allemand allemands americain americains anglais "
        "britannique britanniques espagnol italien russe chinois europeen europeens"
    ),
    months=word_set(
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"
    ),
    weekdays=word_set("lundi mardi mercredi jeudi vendredi samedi dimanche"),
    pronouns=word_set("il elle ils elles"),
    same_sources={
        "ministere des affaires etrangeres": "quai d'orsay",
        "ministere de l'interieur": "place beauvau",
    },
    canonical={"quai d'orsay": "Quai d’Orsay", "elysee": "L’Élysée", "matignon": "Matignon"},
    opinion=(r"pour",),
)

PORTUGUESE = Language(
    code="pt",
    function_words=word_set(
        "o os a as nao que do da dos das em no na nos nas um uma para com por ao foi e mais "
        "se seu sua como"
    ),
    stopwords=word_set(
        """
        o os a as um uma uns umas e ou mas que se do da dos das de em no na nos nas ao aos
        pelo pela para com por sem apos antes depois durante segundo conforme ele ela eles
        elas seu sua seus suas este esta esse essa isso isto aquele aquela na ainda ja tambem
        apesar entao assim quando onde como porque nao sim hoje ontem amanha
        """
    ),
    articles=word_set("o a os as um uma uns umas"),
    connectors=word_set("de da do das dos"),
    title_heads=word_set(
        """
        presidente ministro ministra secretario secretaria diretor diretora porta-voz
        embaixador embaixadora governador governadora senador senadora deputado deputada
        prefeito prefeita vereador vereadora chefe rei rainha principe princesa papa juiz
        juiza procurador procuradora promotor promotora advogado advogada comissario
        conselheiro conselheira dirigente fundador fundadora tecnico tecnica treinador
        treinadora tecnico comandante capitao general especialista professor professora
        pesquisador pesquisadora economista analista ex-presidente ex-ministro
        vice-presidente candidato candidata lider
        """
    ),
    title_modifiers=word_set(
        "eleito eleita ex atual novo nova antigo antiga interino interina adjunto adjunta "
        "geral federal"
    ),
    honorifics=word_set("sr sra dona dom dr dra"),
    first_names=word_set(
        """
        adenor ana antonio beatriz bruno carlos dilma eduardo fernando flavio francisco
        geraldo gilberto helena jair joao joaquim jorge jose luiz luis lula marcelo marcos
        maria michel paulo pedro rafael ricardo roberto rodrigo sergio simone tarcisio
        """
    ),
    adverbs=word_set("ontem hoje tambem ainda ja depois entao nesta neste"),
    speech_verbs=word_set(
        """
        disse diz dizem disseram afirmou afirma afirmaram declarou declara declararam falou
        fala acrescentou explicou explica contou informou anunciou ressaltou destacou
        comentou garantiu revelou relatou admitiu avaliou alertou criticou reconheceu
        """
    ),
    report_verbs=word_set("noticiou informou publicou revelou"),
    participles=word_set("dito afirmado declarado informado anunciado"),
    auxiliaries=word_set("tem tinha havia"),
    according=(r"segundo", r"de\s+acordo\s+com", r"conforme"),
    according_after=(),
    anonymous_roles=word_set(
        """
        fonte fontes assessor assessores especialista especialistas aliado aliados
        integrante integrantes membro membros interlocutor interlocutores diplomata
        diplomatas auxiliar auxiliares testemunha testemunhas analista analistas
        investigador investigadores pessoa pessoas
        """
    ),
    government_words=word_set(
        """
        ministerio governo policia planalto itamaraty prefeitura procuradoria
        presidencia tribunal congresso senado camara secretaria
        """
    ),
    org_words=word_set(
        """
        instituto universidade banco partido empresa grupo associacao federacao confederacao
        conselho camara senado tribunal ministerio copa campeonato estadio rua avenida praca
        escola hospital clube palacio
        """
    ),
    publication_words=word_set("jornal revista emissora radio agencia programa site"),
    document_words=word_set(
        "nota comunicado relatorio estudo pesquisa levantamento documento documentos carta dados"
    ),
    places=word_set(
        "brasil alemanha inglaterra espanha italia estados unidos eua franca china russia "
        "sao paulo rio de janeiro brasilia"
    ),
    nationalities=word_set(
        "brasileiro brasileira brasileiros americano americanos portugues portuguesa"
    ),
    months=word_set(
        "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro"
    ),
    weekdays=word_set(
        "segunda-feira terca-feira quarta-feira quinta-feira sexta-feira sabado domingo"
    ),
    pronouns=word_set("ele ela eles elas"),
    same_sources={"palacio do planalto": "planalto"},
    canonical={"planalto": "Palácio do Planalto", "itamaraty": "Itamaraty"},
)

SPANISH = Language(
    code="es",
    function_words=word_set(
        "el los las y que del en no un una por con para es fue segun se al lo como mas su pero"
    ),
    stopwords=word_set(
        """
        el la los las lo un una unos unas y o e u pero que se de del en al con por para sin
        segun tras antes despues durante sobre entre hacia desde el ella ellos ellas su sus
        este esta estos estas ese esa eso esto aquel aquella tambien ademas ya aun asi
        cuando donde como porque no si hoy ayer manana
        """
    ),
    articles=word_set("el la los las un una unos unas"),
    connectors=word_set("de del la los las"),
    title_heads=word_set(
        """
        presidente presidenta ministro ministra secretario secretaria director directora
        portavoz embajador embajadora gobernador gobernadora senador senadora diputado
        diputada alcalde alcaldesa jefe jefa rey reina principe princesa papa juez jueza
        fiscal abogado abogada comisario consejero consejera dirigente fundador fundadora
        entrenador entrenadora seleccionador capitan general experto experta profesor
        profesora investigador investigadora economista analista ex-presidente lider
        vicepresidente vicepresidenta candidato candidata canciller socialista ecologista
        independentista conservador conservadora laborista republicano republicana democrata
        peronista sindicalista
        """
    ),
    title_modifiers=word_set(
        "electo electa ex actual nuevo nueva antiguo antigua interino interina adjunto "
        "adjunta general exterior exteriores gobierno"
    ),
    honorifics=word_set("sr sra don dona dr dra"),
    first_names=word_set(
        """
        alberto alfonso ana antonio carlos carmen cristina diego enrique felipe fernando
        francisco gabriel isabel javier jorge jose juan luis manuel maria mariano miguel
        pablo pedro rafael santiago sergio teresa yolanda
        """
    ),
    adverbs=word_set("ayer hoy tambien ademas luego entonces este esta"),
    speech_verbs=word_set(
        """
        dijo dice dicen dijeron afirmo afirma afirmaron declaro declara declararon anadio
        explico explica aseguro asegura senalo senala indico indica informo anuncio comento
        destaco subrayo agrego preciso advirtio reconocio admitio insistio resumio sostuvo
        sostiene sostuvieron advierte advirtieron aseguraron explicaron senalaron indicaron
        """
    ),
    report_verbs=word_set("informo publico"),
    participles=word_set(
        "dicho afirmado declarado explicado asegurado senalado informado advertido sostenido "
        "resumido indicado anunciado"
    ),
    auxiliaries=word_set("ha han habia habian"),
    according=(r"seg[uú]n", r"de\s+acuerdo\s+con", r"conforme\s+a"),
    according_after=(),
    anonymous_roles=word_set(
        """
        fuente fuentes portavoz portavoces experto expertos analista analistas allegado
        allegados miembro miembros diplomatico diplomaticos funcionario funcionarios
        testigo testigos investigador investigadores persona personas responsable
        responsables
        """
    ),
    government_words=word_set(
        """
        ministerio gobierno policia moncloa ayuntamiento fiscalia presidencia tribunal
        congreso senado ejercito guardia ejecutivo
        """
    ),
    org_words=word_set(
        """
        instituto universidad banco partido empresa grupo asociacion federacion consejo
        congreso senado tribunal ministerio copa campeonato estadio calle avenida plaza
        escuela hospital club palacio
        """
    ),
    publication_words=word_set("diario periodico revista cadena emisora radio agencia programa"),
    document_words=word_set(
        "nota comunicado informe estudio encuesta documento documentos carta datos"
    ),
    places=word_set(
        "espana alemania inglaterra francia italia estados unidos eeuu china rusia mexico argentina"
    ),
    nationalities=word_set("espanol espanola espanoles mexicano mexicana argentino argentina"),
    months=word_set(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
    ),
    weekdays=word_set("lunes martes miercoles jueves viernes sabado domingo"),
    pronouns=word_set("él ella ellos ellas"),  # as written: "él" is not "el"
    same_sources={"palacio de la moncloa": "moncloa"},
    canonical={"moncloa": "La Moncloa"},
    opinion=(r"para",),
)

LANGUAGES = {rules.code: rules for rules in (GERMAN, FRENCH, PORTUGUESE, SPANISH)}
