"""Small vocabularies for telling people, titles and sources apart in news copy.

Everything here is lowercase; callers compare lowercased, diacritic-free words.
The lists are short on purpose: structure (a title before a name, a speech verb
after it) does most of the work, and the newsroom's own records do the rest.
"""


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
PARTICLES = word_set("de da di du des del della der den van von la le bin ibn al el ter ben dos")

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
    indictment complaint lawsuit records transcript
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
    relative relatives neighbour neighbours neighbor neighbors parent parents
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
