"""Generator B: multi-sector registers of children, written apart from `synthetic.py`.

A second, independent source of test data (issue 12 §2) so that the engine is not tuned to one
generator: its own name lists (hand-built per origin, not those of `synthetic.py`), its own
family structure (households of siblings born at least ten months apart, twins, cousins sharing
a surname, patronymic surnames taken from the father's first name), and its own damage model
(AZERTY keyboard slips, OCR confusions, phonetic spellings, rule-based transliteration, dropped
or added given names, particles glued or dropped, swapped names, estimated and day/month-swapped
dates, dates off by a few days across a year boundary, missing fields, wrong sex). Registers
differ in care: a school copies a passport, a police report is typed in a hurry.

    make_registers(3000, seed=1)  # about 3,000 records of about 1,500 children
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

# Per origin: weight among children, male and female first names, surnames (None: patronymic,
# the child's surname is the father's first name), share of estimated birth dates, and the
# transliteration noise of its names in Belgian registers.
_ORIGINS: dict[str, tuple[float, str, str, str | None, float, float]] = {
    "flemish": (
        0.30,
        "Vic Warre Mauro Lowie Siebe Stan Jasper Gust Tuur Rune Lenn Mats Seppe Jef Cas Lander"
        " Tibo Ferre Tristan Nand Wannes Bent Joris Korneel",
        "Fleur Jana Lien Ona Nina Paulien Roos Saar Tess Wies Lize Axelle Floor Elise Ruth"
        " Margaux Fenne Kato Marthe Lotte Lisa Ilse Anke Charlotte",
        "Verstraete Vanhoutte Desmedt Vercruysse Lievens Vandamme Verbeke Callewaert Debruyne"
        " Deprez Dewulf Goethals Huysmans Lenaerts Maertens Nuyts Pauwels Raes Smet Stevens"
        " Timmermans Van_Looy Van_Gorp Van_Steenkiste Vanneste Verlinden Wyns Bogaert Cools",
        0.0,
        0.0,
    ),
    "walloon": (
        0.17,
        "Gauthier Loïc Florian Corentin Quentin Romain Baptiste Clément Grégoire Aurélien Cédric"
        " Valentin Bastien Théo Sacha Timéo Nolan Esteban Kylian Enzo",
        "Océane Mélissa Laurine Justine Pauline Capucine Margot Inès Maëlle Clémence Elodie"
        " Amandine Cassandra Morgane Lou Jade Lola Romane Candice",
        "Lejeune Renard Gilson Collard Hubert Delhaye Piette Mathieu Jacquet Lecomte Bastin"
        " Henrard Pirard Delvaux Georges Marchal Lemoine Noël Dethier Gillet Masson Warnier"
        " Du_Pont De_Wilde Le_Grand",
        0.0,
        0.0,
    ),
    "rif": (
        0.12,
        "Soufyan Ilias Nabil Driss Mounir Hicham Reda Tarik Yahya Anouar Badr Othmane Nassim"
        " Marouane Jamal Oussama Idriss Younes",
        "Loubna Ilham Siham Najat Btissam Houda Ghizlane Kaoutar Hanane Widad Sanae Nadia Asmae"
        " Chaima Dounia Soukaina",
        "Ait_Benhaddou Azaouagh Boulahfa Bouchtaoui El_Yaakoubi El_Fassi Lahlou Oulad_Ali"
        " Amezian Benkirane Chentouf Ezzahri Filali Guennoun Harrak Kaddouri Mernissi Ouazzani",
        0.05,
        0.3,
    ),
    "anatolian": (
        0.07,
        "Baran Deniz Serkan Volkan Ercan Cem Oğuz Tolga Umut Furkan Barış Yiğit Eren Arda Onur",
        "Elif Zeynep Ebru Gizem Şeyma Büşra Derya Özge Tuğba Merve Esra Sibel Dilara Nehir",
        "Aydın Çelik Doğan Kaya Koç Öztürk Şahin Yıldız Arslan Kurt Polat Güneş Aslan Kılıç Tekin",
        0.03,
        0.15,
    ),
    "congolese": (
        0.08,
        "Exaucé Dieumerci Glodi Merveille Christian Patient Bienvenu Jonathan Trésor Héritier"
        " Fiston Cédrick Junior Plamedi",
        "Grâce Benedicte Divine Gloria Naomie Princesse Rachel Esther Ornella Fortunée Sarah"
        " Miradie Kethia",
        "Mukendi Kabongo Tshibangu Ilunga Kalonji Mbuyi Nzuzi Lukusa Mulumba Kasongo Bokele"
        " Makiese Nsimba Kanku Lutete",
        0.15,
        0.1,
    ),
    "balkan": (
        0.06,
        "Florin Ionuț Marian Alexandru Andrei Gheorghe Stefan Dragoș Valentin Bogdan Kristijan"
        " Arben Besnik Dritan Luan",
        "Ioana Andreea Mihaela Roxana Florentina Denisa Bianca Alina Loredana Elona Arta Blerta"
        " Drita",
        "Popescu Constantin Stoica Dumitrescu Lăcătuș Rostas Băluță Stan Krasniqi Berisha Gashi"
        " Hoxha Kelmendi Shala",
        0.1,
        0.15,
    ),
    "levantine": (
        0.07,
        "Khaled Ammar Majd Louay Ghaith Tamer Qusai Rami Firas Obaida Jaafar Humam Ayham Wael",
        "Raghad Heba Lama Bayan Rahaf Ghina Shahd Aya Tasnim Jana Dania Rasha Haya",
        "Al_Halabi Al_Khatib Darwish Haddad Hamwi Jabbour Kanaan Nassar Qassem Sabbagh Shami"
        " Zoabi Mansour Al_Masri Khoury",
        0.35,
        0.45,
    ),
    "pashtun": (
        0.06,
        "Zabihullah Naqibullah Rahmatullah Ehsanullah Shafiq Wahid Jawad Sohrab Mirwais Farhad"
        " Nasir Samiullah Hekmat Bilal",
        "Zarmina Malalai Pashtana Freshta Mursal Nazanin Shabnam Parwana Zarghuna Madina",
        "Ahmadzai Popalzai Barakzai Sultani Mohammadi Hotak Stanikzai Safi Wardak Niazi",
        0.75,
        0.5,
    ),
    "horn": (
        0.07,
        "Filmon Robel Yonas Natnael Awet Henok Biniam Samuel Dawit Aklilu Habtom Tesfalem"
        " Abdiaziz Liban Mahad Guled",
        "Selam Helen Luwam Ruta Senait Yordanos Saba Feven Hiwet Ayan Hodan Ifrah Nasteho",
        None,
        0.7,
        0.5,
    ),
}

# Long tails, composed from parts of each origin's names: (prefixes, stems, endings) for
# surnames; most children in a country hold a name shared by few others.
_SURNAME_PARTS: dict[str, tuple[str, str, str]] = {
    "flemish": (
        "Van_ Van_de_ De_ Ver Vande  ",
        "broek hoeck meul steen bruyn goos wout kerck"
        " dael berg bosch velde hove straet linde poel weyn baert haes",
        "ens s aert mans eels ijn ier e  hout man",
    ),
    "walloon": (
        "De_ Du_ La  ",
        "mont fontaine roch bois champ val chesn mar fourn lamb hain gill bert thom pier colin",
        "ard et ier eau in ot ois elle  aux",
    ),
    "rif": (
        "El_ Ait_ Ben Bou Ou  ",
        "hadd azz kharr moul mess ghaz fkir touh zerh bakk ",
        "ouchi i aoui ani ari ach i ou",
    ),
    "anatolian": (
        "  ",
        "kar ak demir yıl tok er gül bal ceyl turan taş ",
        "oğlu er türk kaya can soy han",
    ),
    "congolese": (
        "Mu Ka Tshi Lu Mbu Nku Ma Bo Ki",
        "tomb lend sang kemb wamb nzal kiadi bemb lond pemb",
        "a o u i ele ayi",
    ),
    "balkan": (
        "  ",
        "pop ion radu mihai dobr ghe vas marin muç ber lek drag",
        "escu eanu aj i u oviç",
    ),
    "levantine": (
        "Al_ Abu_ El_   ",
        "hamad sayed hakim khal jaber naja farah sal quds",
        "i  eh ani awi",
    ),
    "pashtun": ("  ", "ahmad rahim karim sher gul nazar mohib khan jan", "zai khel i yar"),
    "horn": (
        "Gebre Tesfa Hab Wolde Kidane Abdi Ahmed Ali  ",
        "mariam michael yes hiwet selassie giorgis kiros ",
        "  u a",
    ),
}

# Register kinds: how often a child turns up there and how carefully it writes identities.
# (weight per child, typo rate, estimated-date use, missing-field rate, upper-case share)
_REGISTERS: dict[str, tuple[float, float, float, float, float]] = {
    "police": (0.55, 0.14, 0.6, 0.06, 0.6),
    "cpas": (0.35, 0.07, 0.9, 0.03, 0.3),
    "school": (0.45, 0.04, 0.95, 0.02, 0.1),
    "hospital": (0.30, 0.06, 0.8, 0.03, 0.2),
    "fedasil": (0.25, 0.08, 1.0, 0.02, 0.7),
    "youth_court": (0.20, 0.05, 0.9, 0.02, 0.5),
    "ngo": (0.30, 0.12, 0.5, 0.12, 0.2),
}
REFERENCE_DAY = dt.date(2025, 6, 30)

_AZERTY_ROWS = ("azertyuiop", "qsdfghjklm", "wxcvbn")
_OCR = (("rn", "m"), ("m", "rn"), ("cl", "d"), ("li", "h"), ("e", "c"), ("i", "l"), ("u", "ii"))
_PHONETIC = (
    ("ou", "oe"), ("oe", "ou"), ("ck", "k"), ("ph", "f"), ("y", "i"), ("ij", "y"), ("dt", "t"),
    ("ae", "a"), ("ch", "sh"), ("sh", "ch"), ("ei", "ai"), ("ui", "uy"), ("ée", "e"),
    ("qu", "k"), ("x", "ks"), ("ss", "s"), ("ll", "l"), ("tt", "t"), ("ie", "i"),
)  # fmt: skip
_TRANSLIT = (
    ("kh", "h"), ("kh", "x"), ("q", "k"), ("dj", "j"), ("j", "dj"), ("ou", "u"), ("u", "ou"),
    ("ch", "sh"), ("a", "e"), ("ee", "i"), ("aa", "a"), ("ai", "ay"), ("w", "ou"), ("y", "i"),
    ("gh", "g"), ("ullah", "ollah"), ("ullah", "ulla"), ("ph", "f"),
)  # fmt: skip


@dataclass(frozen=True)
class Kid:
    child_id: int
    family: int
    origin: str
    sex: str
    given: tuple[str, ...]
    surname: str
    born: dt.date
    estimated: bool  # the authorities only know an estimate of the date


@dataclass(frozen=True)
class RegisterRecord:
    record_id: str
    child_id: int
    sector: str
    first_name: str
    last_name: str
    birth_date: str
    sex: str


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.replace("_", " ") for name in text.split())


def _pick(rng: random.Random, names: tuple[str, ...], popularity: list[float]) -> str:
    return rng.choices(names, popularity)[0]


def _popularity(rng: random.Random, size: int) -> list[float]:
    # lognormal popularities: a few names common, a long tail (not a Zipf rank law)
    return [rng.lognormvariate(0.0, 0.9) for _ in range(size)]


def _composed_surname(rng: random.Random, origin: str) -> str:
    prefixes, stems, endings = (part.split(" ") for part in _SURNAME_PARTS[origin])
    text = rng.choice(prefixes) + rng.choice([x for x in stems if x]) + rng.choice(endings)
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def make_children(n_children: int, seed: int = 0) -> list[Kid]:
    """Children in households: siblings share a surname (or their father's first name),
    birth dates at least ten months apart, 1.5% of births twins, cousins share surnames."""
    rng = random.Random(f"registers-{seed}")  # noqa: S311 - reproducible test data
    origins = list(_ORIGINS)
    Lists = tuple[
        tuple[str, ...], list[float], tuple[str, ...], list[float], tuple[str, ...], list[float]
    ]
    lists: dict[str, Lists] = {}
    for origin, (_w, boys_text, girls_text, surnames_text, _e, _t) in _ORIGINS.items():
        b, g = _names(boys_text), _names(girls_text)
        s = _names(surnames_text) if surnames_text else b
        lists[origin] = (b, _popularity(rng, len(b)), g, _popularity(rng, len(g)), s,
                         _popularity(rng, len(s)))  # fmt: skip
    kids: list[Kid] = []
    family = 0
    while len(kids) < n_children:
        origin = rng.choices(origins, [_ORIGINS[o][0] for o in origins])[0]
        boys, pb, girls, pg, surnames, ps = lists[origin]
        surname = _pick(rng, surnames, ps)
        if rng.random() < 0.8:
            surname = _composed_surname(rng, origin)
        estimated_share = _ORIGINS[origin][4]
        estimated = rng.random() < estimated_share
        size = min(1 + int(rng.expovariate(0.9)), 6)
        born = REFERENCE_DAY - dt.timedelta(days=rng.randint(365, 17 * 365))
        used: set[str] = set()
        for _ in range(size):
            if len(kids) >= n_children:
                break
            twins = 2 if rng.random() < 0.015 else 1
            for _ in range(twins):
                sex = rng.choice("MF")
                names, weights = (boys, pb) if sex == "M" else (girls, pg)
                first = _pick(rng, names, weights)
                while first in used and len(used) < len(names):
                    first = _pick(rng, names, weights)
                used.add(first)
                given: tuple[str, ...] = (first,)
                if origin in ("flemish", "walloon") and rng.random() < 0.45:
                    given = (first, _pick(rng, names, weights))
                kids.append(Kid(len(kids), family, origin, sex, given, surname, born, estimated))
            born -= dt.timedelta(days=rng.randint(300, 1400))
            if born < REFERENCE_DAY - dt.timedelta(days=18 * 365):
                break
        family += 1
    return kids[:n_children]


def _azerty(rng: random.Random, letter: str) -> str:
    for row in _AZERTY_ROWS:
        at = row.find(letter.lower())
        if at >= 0:
            options = [row[i] for i in (at - 1, at + 1) if 0 <= i < len(row)]
            return rng.choice(options)
    return letter


def _slip(rng: random.Random, text: str) -> str:
    """One error of a kind people or machines make, or the text unchanged."""
    if len(text) < 3:
        return text
    kind = rng.random()
    lower = text.lower()
    if kind < 0.3:  # keyboard neighbour
        i = rng.randrange(len(text))
        return text[:i] + _azerty(rng, text[i]) + text[i + 1 :]
    if kind < 0.45:  # OCR confusion
        found = [(a, b) for a, b in _OCR if a in lower]
        if found:
            a, b = rng.choice(found)
            i = lower.find(a)
            return text[:i] + b + text[i + len(a) :]
    if kind < 0.7:  # phonetic spelling
        found = [(a, b) for a, b in _PHONETIC if a in lower]
        if found:
            a, b = rng.choice(found)
            i = lower.find(a)
            return text[:i] + b + text[i + len(a) :]
    if kind < 0.85:  # letters transposed
        i = rng.randrange(len(text) - 1)
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    i = rng.randrange(len(text))
    if rng.random() < 0.5:  # a letter dropped or doubled
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def _transliterate(rng: random.Random, text: str, rate: float) -> str:
    if rng.random() >= rate:
        return text
    lower = text.lower()
    found = [(a, b) for a, b in _TRANSLIT if a in lower]
    if not found:
        return text
    a, b = rng.choice(found)
    i = lower.find(a)
    return text[:i] + b + text[i + len(a) :]


def _particles(rng: random.Random, surname: str) -> str:
    parts = surname.split()
    if len(parts) < 2:
        return surname
    roll = rng.random()
    if roll < 0.2:
        return "".join(parts)  # Vanlooy, Elfassi
    if roll < 0.3:
        return parts[-1]  # particle dropped
    if roll < 0.4:
        return "-".join(parts)
    return surname


def _date_text(date: dt.date) -> str:
    return date.isoformat()


def _recorded_date(rng: random.Random, kid: Kid, care: float) -> str:
    born = kid.born
    if kid.estimated and rng.random() < care:
        # an estimate: 1 January (or 31 December) of the believed year, which may be off by one
        year = born.year + rng.choice((0, 0, 0, -1, 1))
        year = min(year, REFERENCE_DAY.year - 1)
        return f"{year}-01-01" if rng.random() < 0.8 else f"{year}-12-31"
    roll = rng.random()
    if roll < 0.035 and born.day <= 12 and born.day != born.month:
        return f"{born.year:04d}-{born.day:02d}-{born.month:02d}"  # day and month swapped
    if roll < 0.06:
        shifted = born + dt.timedelta(days=rng.choice((-10, -7, -3, -1, 1, 2, 5, 9)))
        return _date_text(min(shifted, REFERENCE_DAY))  # off by days, maybe over New Year
    if roll < 0.08:
        year = born.year + rng.choice((-1, 1, -10))
        try:
            return _date_text(born.replace(year=min(year, REFERENCE_DAY.year - 1)))
        except ValueError:
            return f"{year:04d}-{born.month:02d}"
    if roll < 0.095:
        return f"{born.year:04d}-{born.month:02d}"
    if roll < 0.11:
        return f"{born.year:04d}"
    return _date_text(born)


def _register_record(rng: random.Random, kid: Kid, register: str, record_id: str) -> RegisterRecord:
    _weight, typo, care, missing, upper = _REGISTERS[register]
    rate = _ORIGINS[kid.origin][5]
    given = [_transliterate(rng, name, rate) for name in kid.given]
    if len(given) > 1 and rng.random() < 0.5:
        given = given[:1]
    first = " ".join(given) if rng.random() < 0.6 else "-".join(given)
    last = _particles(rng, _transliterate(rng, kid.surname, rate))
    if rng.random() < typo:
        first = _slip(rng, first)
    if rng.random() < typo:
        last = _slip(rng, last)
    if rng.random() < 0.04 and kid.origin not in ("flemish", "walloon"):
        first, last = last, first
    if rng.random() < upper:
        first, last = first.upper(), last.upper()
    date = _recorded_date(rng, kid, care)
    if rng.random() < missing:
        date = ""
    if rng.random() < missing / 2:
        first = ""
    sex = kid.sex
    roll = rng.random()
    if roll < missing + 0.03:
        sex = ""
    elif roll < missing + 0.04:
        sex = "F" if sex == "M" else "M"
    return RegisterRecord(record_id, kid.child_id, register, first, last, date, sex)


def make_registers(n_records: int, seed: int = 0) -> list[RegisterRecord]:
    """About `n_records` records of children in 2.65 registers on average, shuffled."""
    rng = random.Random(f"register-records-{seed}")  # noqa: S311 - reproducible test data
    registers = list(_REGISTERS)
    records: list[RegisterRecord] = []
    for kid in make_children(max(round(n_records / 2.65), 1), seed):
        present = [r for r in registers if rng.random() < _REGISTERS[r][0]]
        if not present:
            present = [rng.choice(registers)]
        for register in present:
            # a register sometimes holds the same child twice (two reports, two admissions)
            for _ in range(2 if rng.random() < 0.08 else 1):
                records.append(_register_record(rng, kid, register, f"b{len(records):07d}"))
    rng.shuffle(records)
    return records
