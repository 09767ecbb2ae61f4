#!/usr/bin/env python3
"""Build data/kb/places.json and data/kb/countries.json for waspada-kb.

Run from the repository root:

    python3 scripts/kb/build_places.py

Reads (facts only, see NOTICE for attribution):
- ../shared/data/gazetteer/id_wilayah_kemendagri_2025.csv   codes and names (cahyadsn/wilayah, MIT)
- ../shared/data/gazetteer/id_wilayah_penduduk_2025.sql     population per province/regency
- ../shared/data/gazetteer/geonames_asean_places.csv        coordinates (GeoNames, CC BY 4.0)
- ../shared/data/gazetteer/asean_countries.csv,
  daniel_country_names_id.json                              Indonesian country names (DANIEL, MIT)
- ../shared/data/lexicons/sastrawi_root_words.txt           read only to flag place names that
                                                            are ordinary words; nothing copied
- data/kb-src/*                                             the project's curated lists

Writes compact JSON, one record per line, sorted, so diffs stay readable. The output is
deterministic: running the script twice gives identical files. Standard library only.

Every place and country carries three disjoint alias lists:
- aliases: safe to match alone, in any letter case;
- case_sensitive_aliases: match only as written ("AS", "Malang"): lower-case, they are words;
- ambiguous_aliases: need context even in exact case ("Batu", "Jordan", "Barat").
"""

from __future__ import annotations

import csv
import json
import pathlib
import re
import sys
import unicodedata
from collections import Counter, defaultdict

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
GAZ = SHARED / "gazetteer"
SRC = ROOT / "data" / "kb-src"
OUT = ROOT / "data" / "kb"

PLAIN, CASE, AMB = "plain", "cs", "amb"
FLAG_TIER = {"": PLAIN, "cs": CASE, "amb": AMB}

# English compass words for Indonesian ones, longest first ("Barat Daya" before "Barat").
COMPASS = [
    ("Barat Daya", "Southwest"),
    ("Tenggara", "Southeast"),
    ("Barat", "West"),
    ("Timur", "East"),
    ("Utara", "North"),
    ("Selatan", "South"),
    ("Tengah", "Central"),
]
EN_COMPASS = {en.lower(): idn for idn, en in COMPASS}

warnings: list[str] = []


def warn(msg: str) -> None:
    warnings.append(msg)


# ---------------------------------------------------------------- text helpers


def key(s: str) -> str:
    """Comparison key for aliases: NFKC, case-folded, one kind of dash, single spaces."""
    s = unicodedata.normalize("NFKC", s).casefold()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = s.replace("\u2019", "'")
    return " ".join(s.split())


def fold(s: str) -> str:
    """ASCII folding for Vietnamese and other accented names (Đà Nẵng -> Da Nang)."""
    s = s.replace("Đ", "D").replace("đ", "d")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def compact(s: str) -> str:
    """Loose key for matching GeoNames spellings: folded, lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", fold(s).lower())


def read_rows(path: pathlib.Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([f.strip() for f in line.split("\t")])
    return rows


def read_words(path: pathlib.Path) -> set[str]:
    return {key(r[0]) for r in read_rows(path)}


class Aliases:
    """Ordered alias sets in three tiers; a form lives in one tier only.

    Later `force` assignments (curated flags) override earlier automatic ones; otherwise
    the first tier a form gets is kept, so a form is never listed twice.
    """

    def __init__(self) -> None:
        self.tier: dict[str, tuple[str, str]] = {}  # key -> (text, tier)

    def add(self, text: str, tier: str = PLAIN, force: bool = False) -> None:
        text = " ".join(text.split())
        if not text:
            return
        k = key(text)
        if k in self.tier and not force:
            return
        self.tier[k] = (text, tier)

    def keys(self) -> list[str]:
        return list(self.tier)

    def lists(self) -> tuple[list[str], list[str], list[str]]:
        out: dict[str, list[str]] = {PLAIN: [], CASE: [], AMB: []}
        for text, tier in self.tier.values():
            out[tier].append(text)
        return out[PLAIN], out[CASE], out[AMB]


# ---------------------------------------------------------------- word lists


def load_roots() -> set[str]:
    path = SHARED / "lexicons" / "sastrawi_root_words.txt"
    return {w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines() if w.strip()}


ROOTS = load_roots()
AMBIGUOUS_WORDS = read_words(SRC / "ambiguous_place_words.txt")
NOT_WORDS = read_words(SRC / "place_names_not_words.txt")


# Bare district names this short ("Mila", "Juli", "Sail") are too often something else;
# abroad only three-letter names are (Tak, Nan, Mon), and those are listed anyway.
SHORT_DISTRICT = 4
SHORT_ABROAD = 3


def bare_tier(bare: str, short: int = 0) -> str:
    """Tier of a bare place name (no level word in front); names of `short` letters or fewer need context."""
    k = key(bare)
    if k in AMBIGUOUS_WORDS:
        return AMB
    letters = re.sub(r"[^a-z]", "", fold(k))
    if len(letters) <= short:
        return AMB
    tokens = [t for t in re.split(r"[\s\-]+", fold(k)) if t]
    if k not in NOT_WORDS and tokens and all(t in ROOTS for t in tokens):
        return CASE
    return PLAIN


# ---------------------------------------------------------------- Indonesia


def level_of(kind: str, name: str) -> str:
    if kind == "provinsi":
        return "province"
    if kind == "kecamatan":
        return "district"
    return "city" if name.startswith("Kota ") else "regency"


def bare_name(name: str) -> str:
    for prefix in ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def english_compass(bare: str) -> str | None:
    """'Jakarta Selatan' -> 'South Jakarta'; None when the name has no compass word at the end."""
    for idn, en in COMPASS:
        if bare.endswith(" " + idn):
            return f"{en} {bare[: -len(idn) - 1]}"
    return None


def load_population() -> dict[str, int]:
    text = (GAZ / "id_wilayah_penduduk_2025.sql").read_text(encoding="utf-8")
    pop = {}
    for code, _name, _m, _f, total in re.findall(r"\('([\d.]+)','((?:[^']|'')*)','(\d+)','(\d+)','(\d+)'\)", text):
        pop[code] = int(total)
    return pop


def load_wilayah() -> list[dict]:
    places = []
    with (GAZ / "id_wilayah_kemendagri_2025.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            kind = row["level"]
            if kind not in ("provinsi", "kabupaten/kota", "kecamatan"):
                continue
            raw = row["nama"]
            name = " ".join(raw.split())
            if name != raw:
                warn(f"source: whitespace trimmed in {row['kode']} {raw!r}")
            source_name = name
            if "Kep. " in name:
                name = name.replace("Kep. ", "Kepulauan ")
                warn(f"source: abbreviation expanded in {row['kode']}: {source_name!r} -> {name!r}")
            places.append(
                {
                    "code": row["kode"],
                    "name": name,
                    "source_name": source_name,
                    "level": level_of(kind, name),
                    "country": "IDN",
                    "parent": row["parent_kode"] or None,
                }
            )
    return places


def province_forms(base: str) -> list[str]:
    english = re.search(
        r"\b(West|East|North|South|Central|Southeast|Southwest|South East|South West|Islands|Special|Highland|Highlands|Moluccas)\b",
        base,
    )
    if english:
        return [f"{base} Province"]
    return [f"Provinsi {base}", f"Prov. {base}", f"Pemprov {base}", f"Pemerintah Provinsi {base}"]


def regency_forms(base: str, level: str, administrative: bool) -> list[str]:
    if level == "city":
        forms = [f"Kota {base}", f"Pemkot {base}", f"Pemerintah Kota {base}", f"Kotamadya {base}", f"{base} City"]
        if administrative:
            forms += [f"Kota Administrasi {base}", f"Kota Adm. {base}"]
    else:
        forms = [f"Kabupaten {base}", f"Kab. {base}", f"Kab {base}", f"Pemkab {base}", f"Pemerintah Kabupaten {base}", f"{base} Regency"]
        if administrative:
            forms += [f"Kabupaten Administrasi {base}", f"Kab. Adm. {base}"]
    return forms


def build_indonesia() -> tuple[list[dict], dict]:
    places = load_wilayah()
    by_code = {p["code"]: p for p in places}
    population = load_population()
    counts = Counter(p["level"] for p in places)

    prov_curated: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, alias, *flag in read_rows(SRC / "province_aliases.tsv"):
        if code not in by_code:
            sys.exit(f"province_aliases.tsv: unknown code {code}")
        prov_curated[code].append((alias, FLAG_TIER[flag[0] if flag else ""]))

    by_name = {}
    for p in places:
        if p["level"] in ("regency", "city"):
            by_name[p["name"]] = p
            by_name[p["source_name"]] = p
    reg_curated: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, alias, *flag in read_rows(SRC / "regency_aliases.tsv"):
        if name not in by_name:
            sys.exit(f"regency_aliases.tsv: no regency or city named {name!r}")
        reg_curated[by_name[name]["code"]].append((alias, FLAG_TIER[flag[0] if flag else ""]))

    for p in places:
        a = Aliases()
        level, name = p["level"], p["name"]
        if level == "province":
            a.add(name)
            for alias, tier in prov_curated[p["code"]]:
                a.add(alias, tier, force=True)
            for base in [name] + [al for al, _ in prov_curated[p["code"]]]:
                for form in province_forms(base):
                    a.add(form)
        elif level in ("regency", "city"):
            bare = bare_name(name)
            administrative = "Administrasi" in name
            a.add(bare, bare_tier(bare, short=0))
            a.add(name)
            if p["source_name"] != name:
                a.add(p["source_name"])
            for form in regency_forms(bare, level, administrative):
                a.add(form)
            en = english_compass(bare)
            if en:
                a.add(en)
                a.add(f"{en} {'City' if level == 'city' else 'Regency'}")
            for alias, tier in reg_curated[p["code"]]:
                if alias.startswith(("Kabupaten ", "Kota ", "Kab. ")):
                    a.add(alias, tier, force=True)
                    continue
                a.add(alias, tier if tier != PLAIN else bare_tier(alias, 0), force=True)
                for form in regency_forms(alias, level, False)[:4]:
                    a.add(form)
        else:
            bare = name
            a.add(bare, bare_tier(bare, short=SHORT_DISTRICT))
            for form in (f"Kecamatan {bare}", f"Kec. {bare}", f"Kec {bare}"):
                a.add(form)
            if p["source_name"] != name:
                a.add(p["source_name"], bare_tier(p["source_name"], SHORT_DISTRICT))
        p["_aliases"] = a
        if p["code"] in population:
            p["population"] = population[p["code"]]

    stats = {"counts": dict(counts), "population": sum(1 for p in places if "population" in p)}
    return places, stats


# ---------------------------------------------------------------- GeoNames


def load_geonames() -> list[dict]:
    with (GAZ / "geonames_asean_places.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["lat"] = float(r["lat"])
        r["lng"] = float(r["lng"])
    return rows


def mean_point(rows: list[dict]) -> tuple[float, float]:
    return (sum(r["lat"] for r in rows) / len(rows), sum(r["lng"] for r in rows) / len(rows))


def geonames_admin2_key(name: str) -> tuple[str | None, str]:
    """'South Tapanuli Regency' -> ('regency', 'tapanuliselatan'); 'Kota Bogor' -> ('city', 'bogor')."""
    level = None
    if name.endswith(" Regency"):
        name, level = name[: -len(" Regency")], "regency"
    elif name.endswith(" City"):
        name, level = name[: -len(" City")], "city"
    for prefix, lvl in (("Kabupaten Administrasi ", "regency"), ("Kota Administrasi ", "city"), ("Kabupaten ", "regency"), ("Kota ", "city")):
        if name.startswith(prefix):
            name, level = name[len(prefix) :], lvl
            break
    if name.endswith(" Islands"):
        name = "Kepulauan " + name[: -len(" Islands")]
    first, _, rest = name.partition(" ")
    if first.lower() in EN_COMPASS and rest:
        name = f"{rest} {EN_COMPASS[first.lower()]}"
    return level, compact(name)


def place_coordinates(places: list[dict], geonames: list[dict]) -> dict:
    """Give every Indonesian place a representative point; return coverage statistics."""
    by_code = {p["code"]: p for p in places}
    provinces = [p for p in places if p["level"] == "province"]
    regencies = [p for p in places if p["level"] in ("regency", "city")]
    districts = [p for p in places if p["level"] == "district"]
    rows = [r for r in geonames if r["country"] == "ID"]

    # GeoNames admin1 (English names) -> province code, through the province aliases.
    prov_key = {}
    for p in provinces:
        for k in p["_aliases"].keys():
            prov_key[compact(k)] = p["code"]
    for r in rows:
        r["prov"] = prov_key.get(compact(r["admin1_name"]))
        if r["admin1_name"] and not r["prov"]:
            warn(f"geonames: admin1 {r['admin1_name']!r} matches no province")

    # GeoNames admin2 -> regency code, by name within the province (codes differ: BPS vs Kemendagri).
    reg_keys: dict[tuple[str, str | None, str], set[str]] = defaultdict(set)
    for p in regencies:
        names = [bare_name(p["name"]), bare_name(p["source_name"])]
        names += [t for t, _ in p["_aliases"].tier.values() if not re.match(r"(Kab|Kota|Pem)", t)]
        names = [n for n in names if not re.search(r" (Regency|City)$", n)]
        p["_match_names"] = {compact(n) for n in names} - {""}
        for n in names:
            for lvl in (p["level"], None):
                reg_keys[(p["parent"], lvl, compact(n))].add(p["code"])
                reg_keys[("*", lvl, compact(n))].add(p["code"])

    def admin2_code(r: dict) -> str | None:
        if not r["admin2_name"]:
            return None
        lvl, k = geonames_admin2_key(r["admin2_name"])
        for scope in (r["prov"], "*"):
            for l in (lvl, None):
                hit = reg_keys.get((scope, l, k), set())
                if len(hit) == 1:
                    return next(iter(hit))
        return None

    unmatched_admin2 = Counter()
    for r in rows:
        r["reg"] = admin2_code(r)
        if r["admin2_name"] and not r["reg"]:
            unmatched_admin2[(r["admin1_name"], r["admin2_name"])] += 1
    for (a1, a2), n in sorted(unmatched_admin2.items()):
        warn(f"geonames: admin2 {a2!r} ({a1}) matches no regency; {n} places unused for regency means")
    for r in rows:
        if r["reg"] and by_code[r["reg"]]["parent"] != r["prov"]:
            warn(f"geonames: {r['name']} has admin1 {r['admin1_name']!r} but admin2 {r['admin2_name']!r} is in province {by_code[r['reg']]['parent']}")

    stats: dict[str, Counter] = {"province": Counter(), "regency": Counter(), "district": Counter()}

    # Provinces: the capital, else the mean of the province's places.
    capitals = {code: name for code, name in read_rows(SRC / "province_capitals.tsv")}
    for p in provinces:
        cap = capitals.get(p["code"])
        hits = [r for r in rows if cap and compact(r["name"]) == compact(cap) and r["prov"] == p["code"]]
        hits.sort(key=lambda r: (not (r["reg"] and by_code[r["reg"]]["level"] == "city"), r["name"]))
        if hits:
            p["lat"], p["lon"] = hits[0]["lat"], hits[0]["lng"]
            stats["province"]["capital"] += 1
        else:
            inside = [r for r in rows if r["prov"] == p["code"]]
            if not inside:
                sys.exit(f"no GeoNames place in province {p['code']} {p['name']}")
            p["lat"], p["lon"] = mean_point(inside)
            stats["province"]["mean"] += 1
            warn(f"coordinates: province {p['code']} {p['name']} capital {cap!r} not in GeoNames; mean of {len(inside)} places")

    # Regencies and cities: the place of the same name (the city itself, or the seat the
    # regency is named after), else the mean of the places in it, else the province.
    def strip_city(n: str) -> str:
        n = re.sub(r"^(Kota|Kabupaten) ", "", n)
        return re.sub(r" (City|Regency)$", "", n)

    seats = {}
    by_name = {p["name"]: p for p in regencies} | {p["source_name"]: p for p in regencies}
    for name, seat, *point in read_rows(SRC / "regency_seats.tsv"):
        if name not in by_name:
            sys.exit(f"regency_seats.tsv: no regency or city named {name!r}")
        if point:
            seats[by_name[name]["code"]] = (float(point[0]), float(point[1]))
            continue
        hits = [r for r in rows if r["name"] == seat]
        if len(hits) != 1:
            sys.exit(f"regency_seats.tsv: {seat!r} is {len(hits)} GeoNames places in Indonesia, need 1")
        seats[by_name[name]["code"]] = (hits[0]["lat"], hits[0]["lng"])

    for p in regencies:
        if p["code"] in seats:
            p["lat"], p["lon"] = seats[p["code"]]
            stats["regency"]["seat_table"] += 1
            continue
        names = p["_match_names"]
        own = [r for r in rows if r["reg"] == p["code"] and compact(strip_city(r["name"])) in names]
        if not own and p["level"] == "city":
            # A city of that name whose admin2 is missing, in the same province. Not for
            # regencies: the town Banggai is the seat of Banggai Laut, not of Kabupaten Banggai.
            same = [
                r
                for r in rows
                if r["prov"] == p["parent"] and r["reg"] is None and compact(strip_city(r["name"])) == compact(bare_name(p["name"]))
            ]
            if len(same) == 1:
                own = same
        if own:
            p["lat"], p["lon"] = own[0]["lat"], own[0]["lng"]
            stats["regency"]["own"] += 1
            continue
        inside = [r for r in rows if r["reg"] == p["code"]]
        if inside:
            p["lat"], p["lon"] = mean_point(inside)
            stats["regency"]["mean"] += 1
            continue
        prov = by_code[p["parent"]]
        p["lat"], p["lon"] = prov["lat"], prov["lon"]
        stats["regency"]["province"] += 1
        p["_fallback"] = True

    # Districts: a GeoNames place of the same name in the same regency, else the regency's point.
    by_reg_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        if r["reg"]:
            by_reg_name[(r["reg"], compact(r["name"]))].append(r)
    for p in districts:
        hits = by_reg_name.get((p["parent"], compact(p["name"])), [])
        if hits:
            p["lat"], p["lon"] = hits[0]["lat"], hits[0]["lng"]
            stats["district"]["own"] += 1
        else:
            reg = by_code[p["parent"]]
            p["lat"], p["lon"] = reg["lat"], reg["lon"]
            stats["district"]["regency"] += 1
    return {k: dict(v) for k, v in stats.items()}


# ---------------------------------------------------------------- rest of ASEAN

ISO3_OF = {}  # filled from iso3166.tsv

SUFFIXES = (" Province", " province", " Region", " State", " District", " Municipality", " Prefecture", " City", " (HCMC)")


def clean_admin1(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for s in SUFFIXES:
            if name.endswith(s) and len(name) > len(s):
                name, changed = name[: -len(s)], True
    return name


def build_asean(geonames: list[dict]) -> tuple[list[dict], dict]:
    rows = [r for r in geonames if r["country"] != "ID"]
    for r in rows:
        if r["admin1_code"] == "":
            r["admin1_code"] = "00"
    spec = read_rows(SRC / "asean_places.tsv")
    names = {(s[1], s[2]): s[3] for s in spec if s[0] == "name"}
    capitals = {(s[1], s[2]): s[3] for s in spec if s[0] == "capital"}
    cities = [(s[1], s[2], s[3]) for s in spec if s[0] in ("city", "capital")]
    extra_aliases: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for s in spec:
        if s[0] == "alias":
            extra_aliases[(s[1], s[2])].append((s[3], FLAG_TIER[s[4] if len(s) > 4 else ""]))

    def find_city(cc: str, a1: str, name: str) -> dict:
        hits = [r for r in rows if r["country"] == cc and r["admin1_code"] == a1 and r["name"] == name]
        if not hits:
            sys.exit(f"asean_places.tsv: no GeoNames place {name!r} in {cc} admin1 {a1}")
        hits.sort(key=lambda r: r["admin2_name"] != "")  # the city itself has no admin2 parent
        return hits[0]

    places: list[dict] = []
    divisions: dict[tuple[str, str], dict] = {}
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["country"], r["admin1_code"])].append(r)
    for (cc, a1), members in sorted(groups.items()):
        raw = members[0]["admin1_name"]
        if not raw:
            continue
        iso3 = ISO3_OF[cc]
        display = names.get((cc, a1)) or clean_admin1(raw)
        a = Aliases()
        a.add(display, bare_tier(display, short=SHORT_ABROAD))
        for n in (raw, clean_admin1(raw)):
            a.add(n, bare_tier(n, SHORT_ABROAD))
        for n in (display, raw, clean_admin1(raw)):
            if fold(n) != n:
                a.add(fold(n), bare_tier(fold(n), SHORT_ABROAD))
        for alias, tier in extra_aliases[(cc, a1)]:
            a.add(alias, tier if tier != PLAIN else bare_tier(alias, SHORT_ABROAD), force=True)
        # The level word settles a bare name that needs context ("Takeo" is also a
        # given name; "Takeo province", "Provinsi Takeo" are not).
        for n in {display, clean_admin1(raw)}:
            for form in (f"{n} Province", f"Province of {n}", f"Provinsi {n}"):
                a.add(form)
            if cc == "MY":
                for form in (f"{n} State", f"Negeri {n}", f"negeri {n}"):
                    a.add(form)
        place = {"code": f"{iso3}:{a1}", "name": display, "level": "province", "country": iso3, "parent": None, "_aliases": a}
        if (cc, a1) in capitals:
            cap = find_city(cc, a1, capitals[(cc, a1)])
            place["lat"], place["lon"] = cap["lat"], cap["lng"]
        else:
            place["lat"], place["lon"] = mean_point(members)
        divisions[(cc, a1)] = place
        places.append(place)

    merged = 0
    for cc, a1, name in cities:
        iso3 = ISO3_OF[cc]
        r = find_city(cc, a1, name)
        div = divisions.get((cc, a1))
        target = f"{a1}:{name}"
        if div and compact(name) in {compact(k) for k in div["_aliases"].keys()}:
            # The city is the division (Bangkok, Phnom Penh): one record, the city's point.
            div["lat"], div["lon"] = r["lat"], r["lng"]
            for alias, tier in extra_aliases[(cc, target)]:
                div["_aliases"].add(alias, tier, force=True)
            merged += 1
            continue
        a = Aliases()
        a.add(name, bare_tier(name, short=SHORT_ABROAD))
        if fold(name) != name:
            a.add(fold(name), bare_tier(fold(name), SHORT_ABROAD))
        for alias, tier in extra_aliases[(cc, target)]:
            a.add(alias, tier if tier != PLAIN else bare_tier(alias, SHORT_ABROAD), force=True)
        places.append(
            {
                "code": f"{iso3}:{a1}:{name}",
                "name": name,
                "level": "city",
                "country": iso3,
                "parent": div["code"] if div else None,
                "lat": r["lat"],
                "lon": r["lng"],
                "_aliases": a,
            }
        )
    known_targets = {(cc, a1) for cc, a1 in divisions} | {(cc, f"{a1}:{n}") for cc, a1, n in cities}
    for (cc, target) in extra_aliases:
        if (cc, target) not in known_targets:
            sys.exit(f"asean_places.tsv: alias target {cc} {target} is neither a division nor a listed city")

    # Philippine provinces (GeoNames admin2 under the regions).
    ph_groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        if r["country"] == "PH" and r["admin2_name"] and r["admin1_code"] != "NCR" and not r["admin2_name"].endswith(" City"):
            ph_groups[(r["admin1_code"], r["admin2_name"])].append(r)
    ph_count = 0
    for (a1, raw), members in sorted(ph_groups.items()):
        name = raw[len("Province of ") :] if raw.startswith("Province of ") else raw
        a = Aliases()
        a.add(name, bare_tier(name, SHORT_ABROAD))
        a.add(f"Province of {name}")
        if not name.endswith("Province"):
            a.add(f"{name} Province")
            a.add(f"Provinsi {name}")
        lat, lon = mean_point(members)
        places.append(
            {"code": f"PHL:{a1}:{raw}", "name": name, "level": "province", "country": "PHL", "parent": f"PHL:{a1}", "lat": lat, "lon": lon, "_aliases": a}
        )
        ph_count += 1

    regions = 0
    for s in spec:
        if s[0] == "region":
            cc, name, lat, lon = s[1], s[2], float(s[3]), float(s[4])
            a = Aliases()
            a.add(name, bare_tier(name, SHORT_ABROAD))
            iso3 = ISO3_OF[cc]
            places.append({"code": f"{iso3}:*:{name}", "name": name, "level": "province", "country": iso3, "parent": None, "lat": lat, "lon": lon, "_aliases": a})
            regions += 1

    stats = {
        "divisions": len(divisions),
        "cities": sum(1 for p in places if p["level"] == "city"),
        "cities_merged_into_division": merged,
        "philippine_provinces": ph_count,
        "regions": regions,
        "by_country": dict(sorted(Counter(p["country"] for p in places).items())),
    }
    return places, stats


# ---------------------------------------------------------------- countries


def usable_name(n: str) -> str | None:
    """An ISO-style name as people write it, or None for inverted forms.

    'Sint Maarten (Dutch part)' -> 'Sint Maarten'; 'Korea, Republic of' and
    'Iran, Republik Islam' -> None; 'Bonaire, Sint Eustatius and Saba' is kept.
    """
    n = re.sub(r"\s*\([^)]*\)", "", n or "").strip()
    if "," in n and not re.search(r",.*\b(and|dan)\b", n):
        return None
    return n or None


def inverted_name(n: str) -> list[str]:
    """The inverted ISO short name as UN and WHO tables print it, which usable_name
    drops: 'Korea, Republic of' (where 'Korea' alone is ambiguous), 'Congo, The
    Democratic Republic of the' and 'Congo, Democratic Republic of the'."""
    n = (n or "").strip()
    if "," not in n or re.search(r",.*\b(and|dan)\b", n) or "(" in n:
        return []
    forms = [n]
    head, tail = n.split(",", 1)
    tail = tail.strip()
    if tail.lower().startswith("the "):
        forms.append(f"{head}, {tail[4:]}")
    return forms


def build_countries() -> tuple[list[dict], dict]:
    # The first non-comment row of each file is its header.
    iso_rows = read_rows(SRC / "iso3166.tsv")[1:] + read_rows(SRC / "countries_extra.tsv")[1:]
    countries = {}
    for iso2, iso3, name_en, official, name_id, name_ms, lat, lon, _point in iso_rows:
        ISO3_OF[iso2] = iso3
        countries[iso3] = {
            "iso3": iso3,
            "iso2": iso2,
            "name_en": name_en,
            "name_id": name_id,
            "asean": False,
            "lat": float(lat),
            "lon": float(lon),
            "_auto": [name_en, official, name_id, name_ms],
            "_curated": [],
            "demonyms": [],
        }
    curated = read_rows(SRC / "country_aliases.tsv")
    for iso3, kind, text, *flag in curated:
        if iso3 not in countries:
            sys.exit(f"country_aliases.tsv: unknown ISO code {iso3}")
        c = countries[iso3]
        tier = FLAG_TIER[flag[0] if flag else ""]
        if kind in ("name_en", "name_id"):
            c[kind] = text
            c["_auto"].insert(0, text)
        elif kind in ("alias", "demonym"):
            c["_curated"].append((text, tier))
            if kind == "demonym":
                c["demonyms"].append(text)
        else:
            sys.exit(f"country_aliases.tsv: unknown kind {kind!r}")

    # Indonesian exonyms from DANIEL (Indonesian name -> English name).
    en_index = {}
    for c in countries.values():
        for n in c["_auto"] + [t for t, _ in c["_curated"]]:
            if n and "," not in n:
                en_index.setdefault(key(n), c["iso3"])
    daniel = json.loads((GAZ / "daniel_country_names_id.json").read_text(encoding="utf-8"))
    daniel_fix = {"east timor": "TLS", "swaziland": "SWZ", "macedonia": "MKD", "burma": "MMR", "cape verde": "CPV"}
    unmatched_daniel = []
    for id_name, en_name in sorted(daniel.items()):
        if id_name == "default_value":
            continue
        iso3 = en_index.get(key(en_name.replace("\u2019", "'"))) or daniel_fix.get(key(en_name))
        if not iso3:
            unmatched_daniel.append(en_name)
            continue
        countries[iso3]["_auto"].append(id_name)
    for n in unmatched_daniel:
        warn(f"daniel: English name {n!r} matches no ISO country; its Indonesian name is unused")

    with (GAZ / "asean_countries.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            c = countries[row["iso3"]]
            c["asean"] = True
            c["_auto"] += [row["name_en"], row["names_id_from_daniel"]]

    # Aliases: automatic ones first, in any case unless short capitals or ordinary words.
    for c in countries.values():
        a = Aliases()
        for n in c["_auto"]:
            inverted = inverted_name(n)
            for form in inverted:
                a.add(form)
            n = usable_name(n)
            if not n:
                continue
            if len(n) <= 3 and n.isupper():
                a.add(n, CASE)
            else:
                a.add(n)
            if fold(n) != n:
                a.add(fold(n))
        for text, tier in c["_curated"]:
            a.add(text, tier, force=True)
        c["_aliases"] = a

    # A form shared by two countries ("Congo", "Guinea" in some spellings) needs context.
    owners: dict[str, set[str]] = defaultdict(set)
    for c in countries.values():
        for k in c["_aliases"].keys():
            owners[k].add(c["iso3"])
    shared = {k for k, v in owners.items() if len(v) > 1}
    for k in sorted(shared):
        warn(f"countries: alias {k!r} shared by {sorted(owners[k])}: marked ambiguous")
        for iso3 in owners[k]:
            text, _ = countries[iso3]["_aliases"].tier[k]
            countries[iso3]["_aliases"].tier[k] = (text, AMB)

    out = []
    for iso3 in sorted(countries):
        c = countries[iso3]
        plain, cs, amb = c["_aliases"].lists()
        rec = {
            "iso3": iso3,
            "iso2": c["iso2"],
            "name_en": c["name_en"],
            "name_id": c["name_id"],
            "asean": c["asean"],
            "lat": round(c["lat"], 4),
            "lon": round(c["lon"], 4),
            "aliases": plain,
        }
        if cs:
            rec["case_sensitive_aliases"] = cs
        if amb:
            rec["ambiguous_aliases"] = amb
        if c["demonyms"]:
            rec["demonyms"] = c["demonyms"]
        out.append(rec)
    stats = {
        "countries": len(out),
        "asean": sum(c["asean"] for c in out),
        "aliases": sum(len(c["aliases"]) for c in out),
        "case_sensitive": sum(len(c.get("case_sensitive_aliases", [])) for c in out),
        "ambiguous": sum(len(c.get("ambiguous_aliases", [])) for c in out),
        "with_demonyms": sum(1 for c in out if "demonyms" in c),
    }
    return out, stats


# ---------------------------------------------------------------- output


WORLD_CITIES_DESPITE_WORDS = {"Paris", "Kabul", "Dakar", "Kano", "Baku", "Rabat", "Astana"}


def build_world_cities() -> tuple[list[dict], dict]:
    """Cities of 1M+ people outside ASEAN (data/kb-src/world_cities.tsv): a report that
    names only "Kano" or "N'Djamena" still gets its country. Names that are ordinary
    Indonesian words ("Lima", "Kota") or need context are left out; the rest match in
    exact case only."""
    places, skipped = [], []
    # Two cities of one name in one country (Fuzhou, Suzhou): keep the larger.
    rows = sorted(read_rows(SRC / "world_cities.tsv"), key=lambda r: -int(r[2]))
    seen: set[tuple[str, str]] = set()
    for cc, name, population, lat, lon in rows:
        if (cc, name) in seen:
            continue
        seen.add((cc, name))
        iso3 = ISO3_OF.get(cc)
        if iso3 is None:
            skipped.append(name)
            continue
        # Capitals and outbreak-prone cities whose names are also Indonesian words
        # (kabul, baku, rabat) stay, in exact case; "Lima", "Surat", "Bursa" do not.
        if bare_tier(name, SHORT_ABROAD) != PLAIN and name not in WORLD_CITIES_DESPITE_WORDS:
            skipped.append(name)
            continue
        a = Aliases()
        a.add(name, CASE)
        if fold(name) != name:
            a.add(fold(name), CASE)
        places.append({
            "code": f"{iso3}:city:{name}", "name": name, "level": "city", "country": iso3, "parent": None,
            "lat": float(lat), "lon": float(lon), "_aliases": a,
        })
    return places, {"world_cities": len(places), "left_out_as_words": sorted(skipped)}


def code_sort_key(p: dict) -> tuple:
    if p["country"] == "IDN":
        return (0, "", tuple(int(x) for x in p["code"].split(".")))
    return (1, p["country"], tuple(p["code"].split(":")))


def place_record(p: dict) -> dict:
    plain, cs, amb = p["_aliases"].lists()
    rec = {"code": p["code"], "name": p["name"], "level": p["level"], "country": p["country"]}
    if p.get("parent"):
        rec["parent"] = p["parent"]
    rec["lat"] = round(p["lat"], 4)
    rec["lon"] = round(p["lon"], 4)
    if "population" in p:
        rec["population"] = p["population"]
    rec["aliases"] = plain
    if cs:
        rec["case_sensitive_aliases"] = cs
    if amb:
        rec["ambiguous_aliases"] = amb
    if p.get("homonym"):
        rec["homonym"] = True
    return rec


def mark_homonyms(places: list[dict], countries: list[dict]) -> int:
    """Flag places sharing a written form with another place or with a country."""
    owners: dict[str, set[str]] = defaultdict(set)
    for p in places:
        for k in p["_aliases"].keys():
            owners[k].add(p["code"])
    for c in countries:
        for n in c["aliases"] + c.get("case_sensitive_aliases", []) + c.get("ambiguous_aliases", []):
            owners[key(n)].add("country:" + c["iso3"])
    # A place named like a foreign country (the district Cina in Bone) needs context.
    for p in places:
        for k in p["_aliases"].keys():
            foreign = {o for o in owners[k] if o.startswith("country:") and o != "country:" + p["country"]}
            if foreign:
                text, _ = p["_aliases"].tier[k]
                p["_aliases"].tier[k] = (text, AMB)
                warn(f"places: {p['code']} {text!r} is also a country ({sorted(foreign)}): marked ambiguous")
    n = 0
    for p in places:
        if any(len(owners[k]) > 1 for k in p["_aliases"].keys()):
            p["homonym"] = True
            n += 1
    return n


def write_json_lines(path: pathlib.Path, records: list[dict]) -> None:
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")


def main() -> int:
    countries, country_stats = build_countries()
    idn, idn_stats = build_indonesia()
    geonames = load_geonames()
    coord_stats = place_coordinates(idn, geonames)
    asean, asean_stats = build_asean(geonames)
    world, world_stats = build_world_cities()
    places = sorted(idn + asean + world, key=code_sort_key)
    dupes = [c for c, n in Counter(p["code"] for p in places).items() if n > 1]
    if dupes:
        sys.exit(f"duplicate place codes: {dupes}")
    homonyms = mark_homonyms(places, countries)

    records = [place_record(p) for p in places]
    OUT.mkdir(parents=True, exist_ok=True)
    write_json_lines(OUT / "places.json", records)
    write_json_lines(OUT / "countries.json", countries)

    tiers = Counter()
    for r in records:
        tiers["aliases"] += len(r["aliases"])
        tiers["case_sensitive_aliases"] += len(r.get("case_sensitive_aliases", []))
        tiers["ambiguous_aliases"] += len(r.get("ambiguous_aliases", []))
    report = {
        "indonesia": idn_stats,
        "coordinates": coord_stats,
        "regencies_on_province_point": sorted(p["name"] for p in idn if p.get("_fallback")),
        "asean": asean_stats,
        "world": world_stats,
        "places": len(records),
        "homonym_places": homonyms,
        "place_alias_tiers": dict(tiers),
        "countries": country_stats,
        "bytes": {"places.json": (OUT / "places.json").stat().st_size, "countries.json": (OUT / "countries.json").stat().st_size},
    }
    for w in warnings:
        print("note:", w, file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
