#!/usr/bin/env python3
"""Build Waspada's disease and host knowledge base.

Reads the project's curated sources

    data/kb-src/diseases.toml   diseases, synonyms, reviewed lexicon imports
    data/kb-src/hosts.toml      host species and their written forms

and the shared lexicons in ../shared/data/lexicons/

    icd10_en_id.json            ICD-10 codes with English/Indonesian names:
                                validates codes, fills blank name_id
    daniel_diseases_id.json     Indonesian disease names -> English (DANIEL, MIT):
                                extra Indonesian synonyms, mapped via English names
    biocaster/{id,ms,en}        BioCaster term lists (CC BY 4.0): only the terms
                                listed in diseases.toml [import.biocaster.*]
    doid_ICD10inDO.tsv          Human Disease Ontology ICD-10-CM cross-references
                                (CC0): a cross-check that prints warnings only

and writes, deterministically (compact JSON, one record per line):

    data/kb/diseases.json
    data/kb/hosts.json

Run from the repository root:  python3 scripts/kb/build_diseases.py
Exit status 1 with a list of problems if validation fails; nothing is written then.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "data" / "kb-src"
OUT = ROOT / "data" / "kb"
LEX = ROOT.parent / "shared" / "data" / "lexicons"

# ICD-10 categories added by WHO after the edition of icd10_en_id.json
# (WHO ICD-10 2019 and the COVID-19 emergency codes). Names are WHO's; the
# Indonesian names are ours.
SUPPLEMENT = {
    "A97": ("Dengue", "Dengue"),
    "J09": (
        "Influenza due to identified zoonotic or pandemic influenza virus",
        "Influenza akibat virus influenza zoonotik atau pandemi yang teridentifikasi",
    ),
    "U04": ("Severe acute respiratory syndrome [SARS]", "Sindrom pernapasan akut berat [SARS]"),
    "U07": ("COVID-19", "COVID-19"),
}

CATEGORIES = {
    "vector_borne", "respiratory", "enteric", "foodborne", "vaccine_preventable",
    "zoonotic", "viral_haemorrhagic", "bloodborne_sexual", "neglected_tropical",
    "neurological", "skin", "syndrome", "poisoning", "unknown", "animal",
    "healthcare_associated",
}
LANG_KEYS = (("id_", "id"), ("ms", "ms"), ("en", "en"), ("all", "*"))
FLAGS = {"cs": "case_sensitive", "weak": "weak"}
ID_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
ICD_RE = re.compile(r"^[A-Z][0-9]{2}$")


def clean(text: str) -> str:
    """NFC, trimmed, inner whitespace collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def key(text: str) -> str:
    """Identity of a written form for uniqueness checks (matching is case-insensitive)."""
    return clean(text).casefold()


class Problems(list):
    def add(self, msg: str) -> None:
        self.append(msg)


# ------------------------------------------------------------------ ICD-10


def load_icd10() -> dict[str, tuple[str | None, str | None]]:
    """3-character category -> (English name, Indonesian name); names may be None.

    The lexicon lists some categories only through their subcodes; the name of
    such a category is taken from its `.9` ("unspecified") subcode when there is one.
    """
    rows = json.loads((LEX / "icd10_en_id.json").read_text(encoding="utf-8"))
    cats: dict[str, tuple[str | None, str | None]] = {}
    exact: dict[str, tuple[str, str]] = {}
    for r in rows:
        code = r["kode_icd"].strip()
        en, id_ = clean(r["nama_icd"]), clean(r.get("nama_icd_indo") or "")
        cats.setdefault(code[:3], (None, None))
        exact[code] = (en, id_)
    for cat in cats:
        if cat in exact:
            cats[cat] = exact[cat]
        elif cat + ".9" in exact:
            en, id_ = exact[cat + ".9"]
            en = re.sub(r",\s*unspecified$", "", en)
            id_ = re.sub(r"\s*,?\s*(yang )?tidak (spesifik|disebutkan)$", "", id_)
            cats[cat] = (en, id_)
    for cat, names in SUPPLEMENT.items():
        cats[cat] = names
    return cats


# ------------------------------------------------------------------ hosts


def build_hosts(problems: Problems) -> tuple[list[dict], set[str]]:
    src = tomllib.loads((SRC / "hosts.toml").read_text(encoding="utf-8"))
    hosts, ids, seen = [], set(), {}
    for h in src.get("host", []):
        hid = h.get("id", "")
        if not ID_RE.match(hid):
            problems.add(f"hosts.toml: bad host id {hid!r}")
        if hid in ids:
            problems.add(f"hosts.toml: duplicate host id {hid!r}")
        ids.add(hid)
        names: list[str] = []
        for k in ("id_", "ms", "en"):
            for n in h.get(k, []):
                n = clean(n)
                if not n:
                    problems.add(f"hosts.toml: empty name in {hid}")
                    continue
                other = seen.get(key(n))
                if other is not None and other != hid:
                    problems.add(f"hosts.toml: {n!r} is listed for both {other} and {hid}")
                elif other is None:
                    seen[key(n)] = hid
                    names.append(n)
        if not names:
            problems.add(f"hosts.toml: host {hid} has no names")
        hosts.append({"id": hid, "names": names})
    return hosts, ids


# ------------------------------------------------------------------ diseases


def parse_form(raw: str, where: str, problems: Problems) -> tuple[str, dict]:
    text, _, flag_str = raw.partition("|")
    flags = {}
    for f in filter(None, (x.strip() for x in flag_str.split(","))):
        if f not in FLAGS:
            problems.add(f"{where}: unknown flag {f!r} in {raw!r}")
        else:
            flags[FLAGS[f]] = True
    return clean(text), flags


def collect_synonyms(d: dict, problems: Problems) -> list[dict]:
    """The disease's written forms; one form written in several languages becomes `*`."""
    out: list[dict] = []
    by_key: dict[str, dict] = {}
    forms = [(lang, raw) for toml_key, lang in LANG_KEYS for raw in d.get(toml_key, [])]
    # The English display name is itself a written form, unless it is a
    # description with a parenthesis ("Anthrax (animals)").
    name_en = clean(d.get("name_en", ""))
    listed = {key(raw.partition("|")[0]) for _, raw in forms}
    if name_en and "(" not in name_en and key(name_en) not in listed:
        forms.append(("name", name_en))
    for lang, raw in forms:
        text, flags = parse_form(raw, d["id"], problems)
        if not text:
            problems.add(f"{d['id']}: empty synonym")
            continue
        if lang == "name":
            # Dropped later if another disease owns the form ("Avian influenza").
            lang, flags = "en", {"from_name": True}
        k = key(text)
        prev = by_key.get(k)
        if prev is not None:
            if any(prev.get(f, False) != flags.get(f, False) for f in FLAGS.values()):
                problems.add(f"{d['id']}: {text!r} is listed twice with different flags")
            if prev["lang"] != lang:
                prev["lang"] = "*"
            continue
        syn = {"text": text, "lang": lang, **flags}
        by_key[k] = syn
        out.append(syn)
    return out


def read_biocaster(lang: str) -> set[str]:
    """Every disease term of one BioCaster language, in our normalised spelling."""
    path = LEX / "biocaster" / lang / "wordlists" / "disease.wordlist.srl"
    terms = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        for t in re.findall(r'"([^"]*)"', line):
            terms.add(biocaster_norm(t))
    return terms


def biocaster_norm(term: str) -> str:
    """BioCaster tokenises with spaces ("st . louis", "congo - crimea") and tags hosts
    ("( manusia )"); undo both."""
    t = re.sub(r"\s*\([^)]*\)\s*$", "", term)
    t = re.sub(r"\s+-\s+", "-", t)
    t = re.sub(r"\s+,", ",", t)
    t = re.sub(r"\s+\.\s*", ". ", t)
    return clean(t).casefold()


def read_daniel() -> list[tuple[str, str]]:
    text = (LEX / "daniel_diseases_id.json").read_text(encoding="utf-8")
    return json.loads(text, object_pairs_hook=lambda pairs: pairs)


def sentence_case_fix(term: str) -> str:
    """DANIEL capitalises the first letter of ordinary words ("Demam kuning")."""
    if len(term) > 1 and term[0].isupper() and term[1].islower():
        return term[0].lower() + term[1:]
    return term


def main() -> int:
    problems = Problems()
    icd = load_icd10()
    hosts, host_ids = build_hosts(problems)
    src = tomllib.loads((SRC / "diseases.toml").read_text(encoding="utf-8"))
    shared_ok: dict[str, set[str]] = {
        key(k): set(v) for k, v in src.get("shared_synonyms", {}).items()
    }

    diseases: list[dict] = []
    ids: set[str] = set()
    for d in src.get("disease", []):
        did = d.get("id", "")
        where = f"diseases.toml {did or '?'}"
        if not ID_RE.match(did):
            problems.add(f"{where}: id must be snake_case")
        if did in ids:
            problems.add(f"{where}: duplicate id")
        ids.add(did)
        for field in ("name_en", "category", "hosts"):
            if not d.get(field):
                problems.add(f"{where}: missing {field}")
        code = d.get("icd10")
        if code is not None:
            if not ICD_RE.match(code):
                problems.add(f"{where}: icd10 {code!r} is not a 3-character category")
            elif code not in icd:
                problems.add(f"{where}: icd10 {code} is not in icd10_en_id.json nor SUPPLEMENT")
        elif d.get("category") != "animal":
            problems.add(f"{where}: no icd10 but category is not 'animal'")
        if code is None and "human" in d.get("hosts", []):
            problems.add(f"{where}: animal-only entry lists human as a host")
        if d.get("category") not in CATEGORIES:
            problems.add(f"{where}: unknown category {d.get('category')!r}")
        for h in d.get("hosts", []):
            if h not in host_ids:
                problems.add(f"{where}: unknown host {h!r}")
        if d.get("syndrome_tag") and (code is None or d.get("animal_variant")):
            problems.add(f"{where}: a syndrome_tag needs an icd10 and no animal_variant")
        if d.get("woah_name") and not d.get("woah"):
            problems.add(f"{where}: woah_name given but woah is false")
        icd_en, icd_id = icd.get(code, (None, None)) if code else (None, None)
        name_id = clean(d.get("name_id", "")) or (icd_id or "")
        if not name_id:
            problems.add(f"{where}: name_id blank and no ICD-10 Indonesian name to fill it")
        rec = {
            "id": did,
            "name_en": clean(d.get("name_en", "")),
            "name_id": name_id,
            "icd10": code,
            "icd10_name": icd_en,
            "hosts": d.get("hosts", []),
            "category": d.get("category", ""),
            "skdr": bool(d.get("skdr", False)),
            "woah": bool(d.get("woah", False)),
            "woah_name": d.get("woah_name"),
            "animal_variant": d.get("animal_variant"),
            "human_variant": d.get("human_variant"),
            "syndrome_tag": bool(d.get("syndrome_tag", False)),
            "presents_as": d.get("presents_as", []),
            "synonyms": collect_synonyms(d, problems),
        }
        diseases.append(rec)

    by_id = {d["id"]: d for d in diseases}
    for d in diseases:
        av = d["animal_variant"]
        if av is not None:
            target = by_id.get(av)
            if target is None:
                problems.add(f"{d['id']}: animal_variant {av!r} does not exist")
            elif target["icd10"] is not None:
                problems.add(f"{d['id']}: animal_variant {av} must be animal-only (no icd10)")
        for g in d["presents_as"]:
            if g not in by_id:
                problems.add(f"{d['id']}: presents_as {g!r} does not exist")
            elif g == d["id"]:
                problems.add(f"{d['id']}: presents_as names itself")
        hv = d["human_variant"]
        if hv is not None:
            target = by_id.get(hv)
            if target is None:
                problems.add(f"{d['id']}: human_variant {hv!r} does not exist")
            elif target["icd10"] is None or d["icd10"] is not None:
                problems.add(f"{d['id']}: human_variant must lead from an animal-only entry to a human one")

    # Global synonym -> disease uniqueness, as the matcher sees it: case-insensitive,
    # except that two case-sensitive forms differing in case ("HEV", "HeV") coexist.
    owner: dict[str, list[tuple[str, bool, str]]] = {}

    def owner_of(text: str, cs: bool = False) -> str | None:
        for t, other_cs, did in owner.get(key(text), []):
            if not (cs and other_cs and t != text):
                return did
        return None

    def claim(text: str, did: str, cs: bool = False) -> str | None:
        """Registers a form; returns the other disease if it is already taken."""
        k = key(text)
        other = owner_of(text, cs)
        if other is not None and other != did:
            if not (k in shared_ok and {other, did} <= shared_ok[k]):
                return other
        owner.setdefault(k, []).append((text, cs, did))
        return None

    for d in diseases:
        for s in d["synonyms"]:
            if s.get("from_name"):
                continue
            other = claim(s["text"], d["id"], s.get("case_sensitive", False))
            if other:
                problems.add(
                    f"synonym {s['text']!r} maps to both {other} and {d['id']} "
                    "(add it to [shared_synonyms] if that is deliberate)"
                )
    # Display names count as written forms only where no listed form claims them.
    for d in diseases:
        for s in list(d["synonyms"]):
            if s.pop("from_name", False) and claim(s["text"], d["id"]):
                d["synonyms"].remove(s)

    # Reviewed BioCaster imports.
    imported = {"biocaster": 0, "daniel": 0}
    for lang, table in src.get("import", {}).get("biocaster", {}).items():
        terms = read_biocaster(lang)
        for term, did in table.items():
            norm = biocaster_norm(term)
            if norm not in terms:
                problems.add(f"[import.biocaster.{lang}] {term!r} is not in BioCaster {lang}")
                continue
            if did not in by_id:
                problems.add(f"[import.biocaster.{lang}] {term!r}: unknown disease {did!r}")
                continue
            if owner_of(norm) == did:
                continue
            other = claim(norm, did)
            if other:
                problems.add(f"[import.biocaster.{lang}] {term!r} already belongs to {other}")
                continue
            by_id[did]["synonyms"].append({"text": norm, "lang": lang})
            imported["biocaster"] += 1

    # DANIEL Indonesian names, mapped through their English name when that name is
    # one of ours and belongs to a single disease.
    en_index: dict[str, set[str]] = {}
    for d in diseases:
        for t in [d["name_en"]] + [s["text"] for s in d["synonyms"] if s["lang"] in ("en", "*")]:
            en_index.setdefault(key(t), set()).add(d["id"])
    exclude = {key(k) for k in src.get("import", {}).get("daniel_exclude", {})}
    skipped = []
    for term, english in read_daniel():
        term = sentence_case_fix(clean(term))
        if not term or key(term) in exclude:
            continue
        targets = en_index.get(key(english), set())
        if len(targets) != 1:
            continue
        (did,) = targets
        if owner_of(term) == did:
            continue
        other = claim(term, did)
        if other:
            skipped.append(f"{term!r} ({english}) -> {did}: already {other}")
            continue
        by_id[did]["synonyms"].append({"text": term, "lang": "id"})
        imported["daniel"] += 1

    for d in diseases:
        if not d["synonyms"]:
            problems.add(f"{d['id']}: no synonyms")

    if problems:
        print(f"{len(problems)} problem(s); nothing written:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1

    for s in skipped:
        print("note: DANIEL term skipped, " + s, file=sys.stderr)
    doid_crosscheck(diseases)

    OUT.mkdir(parents=True, exist_ok=True)
    write_lines(OUT / "diseases.json", [strip_nulls(d) for d in diseases])
    write_lines(OUT / "hosts.json", hosts)

    langs: dict[str, int] = {}
    for d in diseases:
        for s in d["synonyms"]:
            langs[s["lang"]] = langs.get(s["lang"], 0) + 1
    print(
        f"diseases: {len(diseases)} ({sum(1 for d in diseases if d['icd10'])} human, "
        f"{sum(1 for d in diseases if not d['icd10'])} animal-only; "
        f"{sum(d['skdr'] for d in diseases)} SKDR, {sum(d['woah'] for d in diseases)} WOAH)"
    )
    print(
        f"synonyms: {sum(langs.values())} ("
        + ", ".join(f"{k}: {v}" for k, v in sorted(langs.items()))
        + f"); imported: biocaster {imported['biocaster']}, daniel {imported['daniel']}"
    )
    print(f"hosts: {len(hosts)} ({sum(len(h['names']) for h in hosts)} written forms)")
    return 0


def strip_nulls(d: dict) -> dict:
    """Drops null optionals, empty or false relations (syndrome_tag, presents_as)
    and false synonym flags: serde defaults fill them back."""
    out = {k: v for k, v in d.items() if v is not None or k == "icd10"}
    if not out["syndrome_tag"]:
        del out["syndrome_tag"]
    if not out["presents_as"]:
        del out["presents_as"]
    out["synonyms"] = [
        {k: v for k, v in s.items() if v is not False} for s in d["synonyms"]
    ]
    return out


def write_lines(path: Path, records: list[dict]) -> None:
    body = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records)
    path.write_text("[\n" + body + "\n]\n", encoding="utf-8")


def doid_crosscheck(diseases: list[dict]) -> None:
    """Warns when the Disease Ontology maps one of our English names to another ICD-10
    category. ICD-10-CM differs from WHO ICD-10 (A90 vs A97 for dengue), so these are
    hints for a curator, not errors."""
    path = LEX / "doid_ICD10inDO.tsv"
    if not path.exists():
        return
    doid: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        parts = [p.strip('"') for p in line.split("\t")]
        if len(parts) < 3:
            continue
        cats = {m[:3] for m in re.findall(r"ICD10CM:([A-Z][0-9]{2})", parts[2])}
        doid.setdefault(key(parts[1]), set()).update(cats)
    for d in diseases:
        if not d["icd10"]:
            continue
        names = [d["name_en"]] + [s["text"] for s in d["synonyms"] if s["lang"] in ("en", "*")]
        seen = set().union(*(doid.get(key(n), set()) for n in names))
        if seen and d["icd10"] not in seen:
            print(
                f"doid: {d['id']} is {d['icd10']}; Disease Ontology says {', '.join(sorted(seen))}",
                file=sys.stderr,
            )


if __name__ == "__main__":
    sys.exit(main())
