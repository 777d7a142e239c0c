"""Synthetic Belgian multi-sector identity records with ground truth (benchmarks, demo, tests).

Children of several origins appear in police, youth aid, hospital, school, reception-centre and
NGO registers; each register damages their identity the way real ones do (case, accents, particles,
dropped or swapped names, transliteration, typos, missing fields, estimated, swapped or mistyped
birth dates). Traps are built in: twins, siblings and namesakes are different children.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SECTORS = ("police", "youth_aid", "hospital", "school", "reception_centre", "ngo")

# Transliteration variant groups: one child's name may be written with any member.
VARIANTS: tuple[tuple[str, ...], ...] = (
    ("Mohamed", "Mohammed", "Muhammad", "Mohammad", "Mouhamed"),
    ("Youssef", "Yousef", "Youcef", "Yusuf", "Youssouf"),
    ("Aicha", "Aisha", "Aïcha", "Ayesha"),
    ("Fatima", "Fatma", "Fatouma"),
    ("Khadija", "Khadidja", "Khadeeja"),
    ("Hussein", "Hossein", "Husain", "Houssein"),
    ("Ahmed", "Ahmad"),
    ("Omar", "Umar", "Omer"),
    ("Abdirahman", "Abdurahman", "Abderrahmane", "Abdourahman"),
    ("Ibrahim", "Ebrahim", "Brahim"),
    ("Mustafa", "Moustafa", "Mostafa"),
    ("Walid", "Oualid"),
    ("Wassim", "Ouassim"),
    ("Said", "Saeed", "Sayed"),
    ("Nour", "Noor", "Nur"),
    ("Tesfaye", "Tesfay"),
    ("Yohannes", "Yohanes"),
    ("Gebremedhin", "Ghebremedhin", "Gebremedin"),
    ("Mebrahtu", "Mebrahtom"),
    ("Zahra", "Zohra"),
    ("Hamid", "Hameed"),
    ("Farid", "Fareed"),
    ("Abdullahi", "Abdellahi", "Abdulahi"),
    ("Faadumo", "Fadumo"),
    ("Hodan", "Hodaan"),
    ("Hendrickx", "Hendrikx", "Hendricks"),
    ("Peeters", "Pieters"),
    ("Wouters", "Wauters"),
    ("Claes", "Claeys"),
    ("Yilmaz", "Yılmaz"),
    ("Senait", "Senayt"),
    ("Haile", "Hayle"),
)
_VARIANT_OF = {name: group for group in VARIANTS for name in group}

ORIGINS: dict[str, dict[str, tuple[str, ...]]] = {
    "belgian": {
        "M": ("Lucas", "Noah", "Louis", "Liam", "Arthur", "Jules", "Adam", "Victor", "Mathis",
              "Nathan", "Hugo", "Finn", "Lars", "Wout", "Thibault", "Maxime", "Jonas", "Milan",
              "Elias", "Sem", "Jean-Pierre", "Pieter", "Bram", "Senne", "Robbe", "Kobe"),
        "F": ("Emma", "Olivia", "Louise", "Mila", "Alice", "Lina", "Elena", "Marie", "Juliette",
              "Léa", "Zoé", "Anaïs", "Nora", "Lotte", "Fien", "Julie", "Lore", "Hanne",
              "Marie-Louise", "Chloé", "Camille", "Manon", "Amber", "Febe", "Ella", "Noémie"),
        "L": ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
              "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Van den Broeck",
              "Van Damme", "De Backer", "Vermeulen", "Hendrickx", "Leroy", "Lemaire",
              "De la Croix", "Van de Velde", "D'Hondt", "Vandenberghe", "De Clercq",
              "Van Acker", "Desmet", "Simon", "Laurent", "Verhoeven", "Van der Linden",
              "Dumont", "Michiels", "Coppens", "Segers", "Van Hecke", "Le Clercq", "Thys"),
    },
    "moroccan": {
        "M": ("Mohamed", "Youssef", "Adam", "Ayoub", "Bilal", "Amine", "Ilyas", "Hamza",
              "Mehdi", "Walid", "Wassim", "Said", "Omar", "Ibrahim", "Anas", "Rayan",
              "Mustafa", "Zakaria", "Soufiane", "Yassine", "Achraf", "Karim"),
        "F": ("Aicha", "Fatima", "Khadija", "Salma", "Imane", "Nour", "Yasmine", "Sara",
              "Hiba", "Malak", "Rania", "Meryem", "Nisrine", "Zineb", "Hajar", "Ikram", "Amal"),
        "L": ("El Amrani", "Benali", "El Idrissi", "Bouzid", "El Khattabi", "Ben Ahmed",
              "Aït Ouali", "El Ouardi", "Azzouzi", "Boukhari", "El Moussaoui", "Haddouchi",
              "Ouali", "Tahiri", "Chaouki", "El Hamdaoui", "Bennani", "Amrani", "Zerouali"),
    },
    "turkish": {
        "M": ("Emir", "Yusuf", "Mehmet", "Mustafa", "Ahmet", "Efe", "Burak", "Kerem", "Eymen",
              "Ömer", "Alparslan", "Miraç", "Aras", "Kaan", "Emre", "Hakan", "Berat", "Tuna"),
        "F": ("Elif", "Zeynep", "Ayşe", "Fatma", "Büşra", "Esra", "Merve", "Ecem", "Defne",
              "Asel", "Azra", "Nehir", "Eylül", "Hiranur", "Ela", "Sude", "İrem", "Melek"),
        "L": ("Yilmaz", "Demir", "Kaya", "Çelik", "Şahin", "Öztürk", "Aydın", "Arslan", "Doğan"),
    },
    "eritrean": {
        "M": ("Yohannes", "Tesfaye", "Mebrahtu", "Gebremedhin", "Filmon", "Dawit", "Samuel",
              "Robel", "Abel", "Merhawi", "Henok", "Kibrom", "Yonas", "Natnael", "Biniam"),
        "F": ("Senait", "Helen", "Lidia", "Selam", "Winta", "Saba", "Eden", "Rahwa",
              "Feven", "Tsega", "Merhawit", "Hiwet"),
        "L": ("Tesfaye", "Gebremedhin", "Haile", "Kidane", "Berhane", "Tekle", "Woldemariam",
              "Habte", "Gebrehiwet", "Tsegay", "Asmerom", "Mehari", "Ghebreyesus", "Andemariam"),
    },
    "afghan": {
        "M": ("Mohammad", "Ahmad", "Hamid", "Farid", "Sayed", "Ali", "Hussein", "Mustafa",
              "Jawad", "Mirwais", "Naveed", "Rahim", "Shafiq", "Zabihullah", "Hekmatullah"),
        "F": ("Zahra", "Fatima", "Maryam", "Sakina", "Nilofar", "Parwana", "Shabnam", "Farzana"),
        "L": ("Ahmadi", "Rahimi", "Hashimi", "Sultani", "Mohammadi", "Karimi", "Noori",
              "Hussaini", "Stanekzai", "Safi", "Wardak", "Popal", "Azizi", "Amiri", "Habibi"),
    },
    "somali": {
        "M": ("Abdirahman", "Abdullahi", "Mohamed", "Ahmed", "Hassan", "Abdi", "Omar",
              "Ibrahim", "Yusuf", "Mahad", "Liban", "Guled"),
        "F": ("Faadumo", "Hodan", "Hawa", "Ayaan", "Khadija", "Sahra", "Ifrah", "Nasra",
              "Amina", "Ubah"),
        "L": ("Mohamed", "Ali", "Hassan", "Abdi", "Warsame", "Farah", "Osman", "Yusuf",
              "Jama", "Hirsi", "Egal", "Duale", "Nur"),
    },
    "syrian": {
        "M": ("Omar", "Ahmad", "Hussein", "Khaled", "Mohammad", "Ibrahim", "Yazan", "Hamza"),
        "F": ("Nour", "Rama", "Sidra", "Lana", "Aya", "Heba", "Zahra", "Fatima"),
        "L": ("Al Hassan", "Al Ahmad", "Khalil", "Haddad", "Al Khatib", "Darwish", "Najjar",
              "Al Hussein", "Aboud", "Shami"),
    },
    "congolese": {
        "M": ("Exaucé", "Merveille", "Christ", "Dieumerci", "Glody", "Jonathan", "Patrick"),
        "F": ("Grâce", "Merveille", "Divine", "Gloria", "Naomie", "Ruth", "Esther"),
        "L": ("Mbuyi", "Kabongo", "Tshibangu", "Ilunga", "Mukendi", "Kalala", "Lukusa",
              "Mputu", "Nkongolo", "Kasongo"),
    },
    "romanian": {
        "M": ("Andrei", "Ionuț", "Alexandru", "Florin", "Marius", "Gheorghe", "Costel", "Denis",
              "Darius", "Ștefan", "Vasile", "Sorin", "Cristian", "Adrian"),
        "F": ("Maria", "Ioana", "Elena", "Andreea", "Florentina", "Mădălina", "Roxana", "Bianca",
              "Alina", "Daniela", "Larisa", "Denisa", "Ana", "Gabriela"),
        "L": ("Popescu", "Stan", "Lakatos", "Rostas", "Dumitru", "Munteanu", "Stoica", "Radu"),
    },
}  # fmt: skip
ORIGIN_WEIGHTS = {
    "belgian": 40, "moroccan": 15, "turkish": 5, "eritrean": 9, "afghan": 9, "somali": 6,
    "syrian": 5, "congolese": 7, "romanian": 4,
}  # fmt: skip
# Syllables that compose rarer surnames per origin (real registers hold thousands of surnames).
SURNAME_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "belgian": (
        ("", "", "", "Van ", "Van den ", "Van de ", "Van der ", "De ", "Ver", "Le ", "Du"),
        ("Broe", "Bos", "Vel", "Lin", "Ac", "Hec", "Ber", "Dam", "Cam", "Poe", "Guch", "Stee",
         "Hoo", "Ker", "Hout", "Meu", "Dae", "Mol", "Wil", "Vos", "Bac", "Smed", "Cler", "Roe",
         "Cos", "Gee", "Put", "Wal", "Bo", "Cau", "Goe", "Scho", "Mar", "Lau", "Fon", "Rous"),
        ("ck", "sche", "de", "den", "ker", "ke", "ghe", "me", "p", "l", "cht", "n", "f",
         "ckhove", "te", "len", "le", "ter", "mans", "aert", "ssens", "ckx", "ters", "ens",
         "eau", "ier", "in", "el", "et"),
    ),
    "moroccan": (
        ("", "", "El ", "Ben ", "Bou", "Aït "),
        ("Am", "Id", "Kha", "Ou", "Haj", "Taz", "Ze", "Cha", "Mou", "Ra", "Na", "Sa", "Fa",
         "Ba", "Za", "Ta", "Ha", "Ka", "Me", "Tou"),
        ("rani", "rissi", "ttabi", "ardi", "zzouzi", "khari", "ssaoui", "douchi", "hiri",
         "ouki", "mdaoui", "nnani", "rouali", "jjaji", "lali", "mari", "oudi", "ssini",
         "bbari", "hmoudi"),
    ),
    "eritrean": (
        ("",),
        ("Gebre", "Wolde", "Habte", "Tes", "Kid", "Ber", "Tek", "Mes", "Ghe", "Ande", "Asme",
         "Tse", "Hai", "Yem", "Ab", "Mul", "Fits", "Ze", "Ne", "Se"),
        ("medhin", "mariam", "hiwet", "fay", "ane", "hane", "le", "fin", "breyesus", "rom",
         "gay", "ru", "gu", "ken", "zghi", "slassie", "michael", "kidan"),
    ),
    "afghan": (
        ("",),
        ("Ah", "Ra", "Ha", "Sul", "Mo", "Ka", "Noo", "Hus", "Sta", "Wa", "A", "Po", "Sa", "Ja",
         "Qa", "Za", "Ne", "Fa"),
        ("madi", "himi", "shimi", "tani", "hammadi", "rimi", "ri", "saini", "nekzai", "rdak",
         "zizi", "miri", "bibi", "lali", "wzai", "ssemi", "dri", "kzai"),
    ),
    "somali": (
        ("",),
        ("Wa", "Fa", "Os", "Ja", "Hir", "E", "Dua", "Ab", "Gu", "Ya", "Bu", "Ro", "Sa", "Ka"),
        ("rsame", "rah", "man", "ma", "si", "gal", "le", "dille", "ray", "suf", "ule", "ble",
         "mane", "hiye"),
    ),
    "syrian": (
        ("Al ", "", ""),
        ("Kha", "Had", "Dar", "Naj", "Ab", "Sha", "Ha", "Mas", "Ja", "Ka", "Sab", "Ta"),
        ("lil", "dad", "wish", "jar", "oud", "mi", "tib", "ri", "bour", "ssan", "bagh", "ha"),
    ),
    "turkish": (
        ("",),
        ("Yıl", "Dem", "Kay", "Çel", "Şah", "Öz", "Ay", "Ars", "Doğ", "Kor", "Kar", "Ak", "Er",
         "Gül", "Tun", "Kıl", "Bal", "Çak", "Yıldı", "Koç"),
        ("maz", "ir", "a", "ik", "in", "türk", "dın", "lan", "an", "kmaz", "aca", "soy", "doğan",
         "ay", "er", "ç", "ıç", "tekin", "rım", "kaya"),
    ),
    "romanian": (
        ("",),
        ("Pop", "Stan", "Dum", "Mun", "Sto", "Rad", "Ion", "Con", "Gheo", "Lup", "Lak", "Ros",
         "Mih", "Nis", "Flo"),
        ("escu", "ciu", "itru", "teanu", "ica", "u", "ache", "ea", "rghe", "an", "atos", "tas",
         "ai", "tor", "rea"),
    ),
    "congolese": (
        ("",),
        ("Mbu", "Ka", "Tshi", "Ilu", "Mu", "Lu", "Mpu", "Nko", "Kaso", "Nzu", "Bo", "Ma"),
        ("yi", "bongo", "bangu", "nga", "kendi", "lala", "kusa", "tu", "ngolo", "ngo", "zi",
         "ndu"),
    ),
}  # fmt: skip

# Share of names drawn from the common-name lists above (the rest are composed, rarer names).
# Belgian shares follow Statbel: the top first name is given to about 1.1% of newborns of a sex
# (Olivia, Noah: 580-650 of about 57,000 girls or 60,000 boys a year, 2019-2023) and the top
# surname is held by 0.26% of residents (Peeters: 30,558 of 11.8 million on 1 January 2024), so
# the list's head (8.8% of first names, 9.6% of surnames) is drawn that often. Migrant origins
# keep lists that dominate: a few first names and patronymic surnames are very common there.
COMMON_FIRST_NAME_SHARE = {"belgian": 0.125}
COMMON_SURNAME_SHARE = {"belgian": 0.03}

# Origins whose children more often arrive unaccompanied, with an estimated birth date.
UNACCOMPANIED_RATE = {"eritrean": 0.6, "afghan": 0.6, "somali": 0.5, "syrian": 0.3}
FOREIGN_SWAP_RATE = 0.10

REFERENCE_YEAR = 2025


@dataclass(frozen=True)
class Child:
    child_id: int
    origin: str
    sex: str
    first_names: tuple[str, ...]
    last_name: str
    birth_date: str  # true date, YYYY-MM-DD
    estimated_date: str  # the authorities' estimate ("" when the date is known)


@dataclass(frozen=True)
class Record:
    record_id: str
    child_id: int
    sector: str
    first_name: str
    last_name: str
    birth_date: str
    sex: str

    def identity(self) -> dict[str, str]:
        return {
            "record_id": self.record_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "birth_date": self.birth_date,
            "sex": self.sex,
        }


def _zipf_choice(rng: random.Random, items: tuple[str, ...], skew: float = 0.9) -> str:
    weights = [1.0 / (rank + 1) ** skew for rank in range(len(items))]
    return rng.choices(items, weights)[0]


def _random_date(rng: random.Random, min_age: int, max_age: int) -> str:
    year = REFERENCE_YEAR - rng.randint(min_age, max_age)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28 if month == 2 else 30)
    return f"{year:04d}-{month:02d}-{day:02d}"


_ONSETS = (
    "Ka", "Ma", "Na", "Sa", "Ra", "La", "Da", "Ya", "Za", "Ha", "Ba", "Ta", "Fa", "Ja", "Mi",
    "Ni", "Ri", "Li", "Ti", "Si", "Ke", "Me", "Se", "Re", "Lu", "No", "Jo", "To", "Ar", "El",
)  # fmt: skip
_CODAS = {
    "M": ("mir", "dan", "rin", "bel", "sin", "nor", "vid", "ran", "lem", "dou", "bin", "ris",
          "han", "lo", "mon", "teo", "kim", "wan", "rik", "sam"),
    "F": ("lia", "ra", "mara", "nah", "zel", "na", "lya", "rine", "ssa", "dia", "mina", "nou",
          "lie", "sha", "ya", "ona", "bel", "ria", "tte", "nes"),
}  # fmt: skip


def _new_first_names(rng: random.Random, origin: str, sex: str, avoid: str = "") -> tuple[str, ...]:
    pool = ORIGINS[origin][sex]
    while True:
        if rng.random() >= COMMON_FIRST_NAME_SHARE.get(origin, 0.7):
            # a rarer name, composed: registers hold thousands of first names
            first = rng.choice(_ONSETS) + rng.choice(_CODAS[sex])
        else:
            first = _zipf_choice(rng, pool, 0.4)
        names: tuple[str, ...] = (first,)
        if origin == "belgian" and rng.random() < 0.15:
            second = rng.choice(pool)
            if second != first and "-" not in second and "-" not in first:
                names = (first, second)
        if not avoid or names[0] not in _VARIANT_OF.get(avoid, (avoid,)):
            return names


def _surname(rng: random.Random, origin: str) -> str:
    parts = SURNAME_PARTS.get(origin)
    if parts is None or rng.random() < COMMON_SURNAME_SHARE.get(origin, 0.25):
        return _zipf_choice(rng, ORIGINS[origin]["L"], 0.5)
    prefix, stem, ending = (rng.choice(p) for p in parts)
    return prefix + stem + ending


def make_children(n_children: int, seed: int = 0) -> list[Child]:
    """Children with families (siblings, twins) and namesakes (same name, other birth date)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    origins = list(ORIGIN_WEIGHTS)
    weights = list(ORIGIN_WEIGHTS.values())
    children: list[Child] = []
    while len(children) < n_children:
        origin = rng.choices(origins, weights)[0]
        last = _surname(rng, origin)
        unaccompanied = rng.random() < UNACCOMPANIED_RATE.get(origin, 0.0)
        family = 1
        roll = rng.random()
        if roll < 0.04:
            family = 2  # twins
        elif roll < 0.14:
            family = rng.randint(2, 3)  # siblings
        base_date = _random_date(rng, 8, 17)
        previous = ""
        for member in range(family):
            if len(children) >= n_children:
                break
            sex = rng.choice("MF")
            names = _new_first_names(rng, origin, sex, avoid=previous)
            previous = names[0]
            twins_or_eldest = roll < 0.04 or member == 0
            date = base_date if twins_or_eldest else _random_date(rng, 2, 17)
            estimated = ""
            if unaccompanied:
                year = int(date[:4]) + rng.choice((-1, 0, 0, 1))
                estimated = f"{year:04d}-01-01"
            children.append(Child(len(children), origin, sex, names, last, date, estimated))
        # namesakes: two children with one common name and different birth dates
        if rng.random() < 0.03 and len(children) + 2 <= n_children:
            origin = rng.choices(origins, weights)[0]
            sex = rng.choice("MF")
            first = rng.choice(ORIGINS[origin][sex][:3])
            last = rng.choice(ORIGINS[origin]["L"][:4])
            for _ in range(2):
                date = _random_date(rng, 2, 17)
                children.append(Child(len(children), origin, sex, (first,), last, date, ""))
    return children


_KEYBOARD_NEIGHBOURS = {
    "a": "qzs", "b": "vn", "c": "xv", "d": "sf", "e": "zr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "km", "m": "ln", "n": "bm", "o": "ip", "p": "ol",
    "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qx", "y": "tu", "z": "as",
}  # fmt: skip


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    kind = rng.random()
    ch = text[i].lower()
    if kind < 0.3:
        sub = rng.choice(_KEYBOARD_NEIGHBOURS.get(ch, "e"))
        return text[:i] + sub + text[i + 1 :]
    if kind < 0.55:
        return text[:i] + text[i + 1 :]
    if kind < 0.8:
        return text[:i] + text[i] + text[i:]
    if i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def _variant(rng: random.Random, name: str, rate: float) -> str:
    group = _VARIANT_OF.get(name)
    if group is not None and rng.random() < rate:
        return rng.choice(group)
    return name


def _particle_form(rng: random.Random, last: str) -> str:
    words = last.replace("'", "' ").split()
    if len(words) < 2 or rng.random() < 0.6:
        return last
    roll = rng.random()
    if roll < 0.4:
        return "".join(w.strip() for w in words).replace("'", "'")  # Vandenbroeck
    if roll < 0.7:
        return words[-1]  # particles dropped: Broeck
    return " ".join(w.capitalize() for w in words)  # Van Den Broeck


def _case(rng: random.Random, text: str, sector: str) -> str:
    roll = rng.random()
    if (sector == "police" and roll < 0.7) or roll < 0.15:
        return text.upper()
    if roll < 0.22:
        return text.lower()
    return text


def _strip_accents(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _damage_date(rng: random.Random, child: Child) -> str:
    date = child.estimated_date or child.birth_date
    if child.estimated_date and rng.random() < 0.25:
        shifted = int(date[:4]) + rng.choice((-1, 1))
        date = f"{shifted:04d}-01-01"
    if child.estimated_date and rng.random() < 0.1:
        date = child.birth_date  # a document with the true date turned up
    roll = rng.random()
    year, month, day = date[:4], date[5:7], date[8:10]
    if roll < 0.03 and int(day) <= 12:
        return f"{year}-{day}-{month}"
    if roll < 0.06:
        candidates = []
        for position in (3, 6, 9):
            digit = date[position]
            for new in "0123456789":
                if new == digit:
                    continue
                text = date[:position] + new + date[position + 1 :]
                if _valid(text) and text[:4] <= str(REFERENCE_YEAR):
                    candidates.append(text)
        if candidates:
            return rng.choice(candidates)
    if roll < 0.09:
        return year
    if roll < 0.1:
        return f"{year}-{month}"
    if roll < 0.14:
        return ""
    return date


def _valid(text: str) -> bool:
    from balise.linkage.normalise import InvalidField, parse_birth_date

    try:
        parse_birth_date(text)
    except InvalidField:
        return False
    return True


def make_record(rng: random.Random, child: Child, sector: str, record_id: str) -> Record:
    foreign = child.origin != "belgian"
    names = [_variant(rng, n, 0.35 if foreign else 0.15) for n in child.first_names]
    if len(names) > 1:
        roll = rng.random()
        if roll < 0.35:
            names = names[:1]  # second given name dropped
        elif roll < 0.38:
            names = names[1:]
    joiner = "-" if rng.random() < 0.5 else " "
    first = joiner.join(names)
    for part in child.first_names:
        if "-" in part and rng.random() < 0.3:
            first = first.replace("-", rng.choice((" ", "")))
    last = _particle_form(rng, _variant(rng, child.last_name, 0.3 if foreign else 0.1))
    if rng.random() < 0.1:
        first = _typo(rng, first)
    if rng.random() < 0.1:
        last = _typo(rng, last)
    if rng.random() < 0.3:
        first, last = _strip_accents(first), _strip_accents(last)
    first, last = _case(rng, first, sector), _case(rng, last, sector)
    if rng.random() < (FOREIGN_SWAP_RATE if foreign else 0.01):
        first, last = last, first
    if rng.random() < 0.03:
        first = ""
    sex = child.sex
    roll = rng.random()
    if roll < 0.06:
        sex = ""
    elif roll < 0.07:
        sex = "X" if rng.random() < 0.5 else ("F" if sex == "M" else "M")
    if rng.random() < 0.05:
        first = f" {first}  "
    return Record(record_id, child.child_id, sector, first, last, _damage_date(rng, child), sex)


def make_records(n_children: int, seed: int = 0) -> list[Record]:
    """Each child appears in 1-6 sectors (about 2.1 on average), records shuffled."""
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible test data, not security
    records: list[Record] = []
    for child in make_children(n_children, seed):
        count = rng.choices((1, 2, 3, 4, 5, 6), (40, 30, 16, 8, 4, 2))[0]
        sectors = rng.sample(SECTORS, count)
        for sector in sectors:
            records.append(make_record(rng, child, sector, f"r{len(records):07d}"))
    rng.shuffle(records)
    return records
