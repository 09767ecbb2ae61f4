//! Places: Indonesian administrative areas, places elsewhere in ASEAN, and countries.
//!
//! Built by `scripts/kb/build_places.py` from the Kemendagri 2025 list (codes, names,
//! population), GeoNames (coordinates, ASEAN divisions and cities) and the curated lists in
//! `data/kb-src/` (abbreviations, old names, exonyms, ambiguous words).
//!
//! # Three kinds of alias
//! Every place and country lists the forms people write in three disjoint lists, so that
//! the extractor can treat each kind differently without re-deriving why:
//! - `aliases`: safe to match alone, in any letter case (`Kabupaten Garut`, `Jabar`).
//! - `case_sensitive_aliases`: match only with exactly this case. Lower-case, they are
//!   ordinary words (`Malang` / "malang", `AS` / "as", `Medan` / "medan").
//! - `ambiguous_aliases`: need context even in exact case: a level word in front
//!   (`Kota Batu`), a confirming mention of the enclosing area, or a country cue. These are
//!   compass points and generic name parts (`Barat`, `Kota Baru`), frequent person names
//!   (`Agam`, `Jordan`, `Chad`), forms shared by two countries (`Congo`) and very short
//!   district names (`Juli`, `Mila`).
//!
//! # Homonyms
//! Many forms name more than one place: `Bogor` is both Kabupaten Bogor (32.01) and Kota
//! Bogor (32.71), `Karanganyar` is six districts and a regency. Both keep the form, and
//! [`Place::homonym`] is set; [`KnowledgeBase::places_with_alias`] lists the candidates and
//! the extractor chooses with context (the level word, the province mentioned nearby).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::KnowledgeBase;

/// Administrative level of a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceLevel {
    /// Provinsi (Indonesia), a first-level division elsewhere, a Philippine province, or an
    /// island group spanning divisions (Mindanao).
    Province,
    /// Kabupaten (regency).
    Regency,
    /// Kota (city with regency status in Indonesia), or a city elsewhere.
    City,
    /// Kecamatan (district).
    District,
}

/// An administrative area: Indonesian (with a Kemendagri code) or elsewhere in ASEAN.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Place {
    /// Kemendagri 2025 code (`32`, `32.05`, `32.05.01`) for Indonesia. Elsewhere
    /// `ISO3:admin1` for a first-level division (GeoNames admin1 code: `MYS:14`),
    /// `ISO3:admin1:Name` for a city or a Philippine province inside it, with the name as
    /// GeoNames writes it (`PHL:NCR:Manila`, `PHL:07:Province of Cebu`), and `ISO3:*:Name`
    /// for an island group (`PHL:*:Mindanao`).
    pub code: String,
    /// Official name (`Kabupaten Garut`, `Kota Bogor`, `Jawa Barat`, `Johor`).
    pub name: String,
    /// Level.
    pub level: PlaceLevel,
    /// ISO 3166-1 alpha-3 country.
    pub country: String,
    /// Code of the enclosing area (the province of a regency, the regency of a district).
    pub parent: Option<String>,
    /// Representative latitude (WGS84): the place itself or its seat where GeoNames has it,
    /// else the mean of GeoNames places inside it, else the enclosing area's point.
    pub lat: Option<f64>,
    /// Representative longitude (WGS84), chosen like `lat`.
    pub lon: Option<f64>,
    /// Population (Kemendagri 2025), for Indonesian provinces, regencies and cities.
    #[serde(default)]
    pub population: Option<u64>,
    /// Forms safe to match alone in any case: `Garut`, `Kab. Garut`, `Kabupaten Garut`,
    /// `Pemkab Garut`; `Jabar`, `Jawa Barat`, `West Java`.
    pub aliases: Vec<String>,
    /// Forms to match only in exactly this case (lower-case they are words: `Malang`,
    /// `Padang`, `NTT`). Disjoint from `aliases`.
    #[serde(default)]
    pub case_sensitive_aliases: Vec<String>,
    /// Forms that are also common words or person names (`Batu`, `Agam`, `Barat`); they
    /// count only with a level word in front (`Kota Batu`, which is in `aliases`) or with a
    /// confirming mention. Disjoint from the other two lists.
    #[serde(default)]
    pub ambiguous_aliases: Vec<String>,
    /// Some form of this place also names another place or a country (`Bogor`: the regency
    /// and the city). Use [`KnowledgeBase::places_with_alias`] to see the candidates.
    #[serde(default)]
    pub homonym: bool,
}

/// A country.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Country {
    /// ISO 3166-1 alpha-3 (`IDN`).
    pub iso3: String,
    /// ISO 3166-1 alpha-2 (`ID`).
    pub iso2: String,
    /// English short name.
    pub name_en: String,
    /// Indonesian name.
    pub name_id: String,
    /// ASEAN member state (the ten members and Timor-Leste, member since 2025).
    #[serde(default)]
    pub asean: bool,
    /// Representative latitude: the capital (GeoNames).
    pub lat: Option<f64>,
    /// Representative longitude: the capital (GeoNames).
    pub lon: Option<f64>,
    /// Forms safe to match alone in any case: names in id/ms/en, official names,
    /// adjectives and demonyms (`Rusia`, `Russia`, `Russian`, `Filipina`, `Filipino`).
    pub aliases: Vec<String>,
    /// Forms to match only in exactly this case: `AS`, `US`, `UK` ("as", "us" are words),
    /// `Turkey` (the bird), `Cuba` ("cuba" is Malay for "try"). Disjoint from `aliases`.
    #[serde(default)]
    pub case_sensitive_aliases: Vec<String>,
    /// Forms that need context even in exact case: person names (`Jordan`, `Chad`), a US
    /// state (`Georgia`), forms two countries share (`Congo`), `Korea`, `America`.
    /// Disjoint from the other two lists.
    #[serde(default)]
    pub ambiguous_aliases: Vec<String>,
    /// The aliases (in any of the three lists) that are adjectives or demonyms rather than
    /// names (`Filipino`, `Vietnamese`, `Chinese`): nationality, which is weaker evidence
    /// of where an event happens than a name is.
    #[serde(default)]
    pub demonyms: Vec<String>,
}

/// Which list an alias comes from; see the [module documentation](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AliasKind {
    /// Safe alone, any case.
    Plain,
    /// Exact case only.
    CaseSensitive,
    /// Needs context.
    Ambiguous,
}

impl Place {
    /// Whether the place is in Indonesia (and so has a Kemendagri code).
    pub fn is_indonesian(&self) -> bool {
        self.country == "IDN"
    }

    /// Every written form with its kind: aliases, then case-sensitive, then ambiguous ones.
    pub fn all_aliases(&self) -> impl Iterator<Item = (&str, AliasKind)> {
        tagged(
            &self.aliases,
            &self.case_sensitive_aliases,
            &self.ambiguous_aliases,
        )
    }
}

impl Country {
    /// Every written form with its kind: aliases, then case-sensitive, then ambiguous ones.
    pub fn all_aliases(&self) -> impl Iterator<Item = (&str, AliasKind)> {
        tagged(
            &self.aliases,
            &self.case_sensitive_aliases,
            &self.ambiguous_aliases,
        )
    }

    /// Whether this form is an adjective or demonym (`Filipino`), compared like aliases.
    pub fn is_demonym(&self, form: &str) -> bool {
        let k = alias_key(form);
        self.demonyms.iter().any(|d| alias_key(d) == k)
    }
}

fn tagged<'a>(
    plain: &'a [String],
    case: &'a [String],
    ambiguous: &'a [String],
) -> impl Iterator<Item = (&'a str, AliasKind)> {
    let with = |list: &'a [String], kind| list.iter().map(move |s| (s.as_str(), kind));
    with(plain, AliasKind::Plain)
        .chain(with(case, AliasKind::CaseSensitive))
        .chain(with(ambiguous, AliasKind::Ambiguous))
}

/// The key under which aliases are looked up: lower case, single spaces, one kind of dash
/// and apostrophe. Case-sensitive aliases are stored under the same key; callers that
/// care compare the exact text themselves.
pub fn alias_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
                '\u{2019}' | '\u{2018}' => out.push('\''),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

/// Indexes over places and countries. The hierarchy is indexed when the knowledge base
/// loads; the alias maps (35,000 keys, most of the indexing time) are built on first use,
/// since the extractor usually builds its own matcher from [`KnowledgeBase::place_aliases`].
#[derive(Debug, Default)]
pub(crate) struct PlaceIndex {
    /// Alias key -> indices into `places`, in file order, without repeats.
    by_alias: OnceLock<HashMap<String, Vec<usize>>>,
    /// Parent code -> indices of the children, in file order.
    children: HashMap<String, Vec<usize>>,
    /// Alias key -> indices into `countries`.
    country_by_alias: OnceLock<HashMap<String, Vec<usize>>>,
    country_by_iso2: HashMap<String, usize>,
    provinces: Vec<usize>,
}

impl PlaceIndex {
    pub(crate) fn build(places: &[Place], countries: &[Country]) -> Self {
        let mut index = PlaceIndex::default();
        for (i, p) in places.iter().enumerate() {
            if let Some(parent) = &p.parent {
                index.children.entry(parent.clone()).or_default().push(i);
            }
            if p.is_indonesian() && p.level == PlaceLevel::Province {
                index.provinces.push(i);
            }
        }
        for (i, c) in countries.iter().enumerate() {
            index.country_by_iso2.insert(c.iso2.clone(), i);
        }
        index
    }
}

/// Maps each alias key to the items that have it, in order, without repeats.
fn alias_map<'a, T: 'a, I>(
    items: &'a [T],
    aliases: impl Fn(&'a T) -> I,
) -> HashMap<String, Vec<usize>>
where
    I: Iterator<Item = (&'a str, AliasKind)>,
{
    let mut map: HashMap<String, Vec<usize>> = HashMap::with_capacity(items.len() * 5);
    for (i, item) in items.iter().enumerate() {
        for (alias, _) in aliases(item) {
            push_unique(map.entry(alias_key(alias)).or_default(), i);
        }
    }
    map
}

fn push_unique(v: &mut Vec<usize>, i: usize) {
    if v.last() != Some(&i) {
        v.push(i);
    }
}

impl KnowledgeBase {
    /// Indonesia's 38 provinces, in code order.
    pub fn provinces(&self) -> impl Iterator<Item = &Place> {
        self.place_index.provinces.iter().map(|&i| &self.places[i])
    }

    /// The areas directly inside the area with this code: the regencies and cities of a
    /// province (`"32"`), the districts of a regency (`"32.05"`), the cities and provinces
    /// of an ASEAN division (`"PHL:07"`). Empty for an unknown code.
    pub fn children_of(&self, code: &str) -> impl Iterator<Item = &Place> {
        self.place_index
            .children
            .get(code)
            .into_iter()
            .flatten()
            .map(|&i| &self.places[i])
    }

    /// The regencies (kabupaten) and cities (kota) of an Indonesian province.
    pub fn regencies_of(&self, province_code: &str) -> impl Iterator<Item = &Place> {
        self.children_of(province_code)
            .filter(|p| matches!(p.level, PlaceLevel::Regency | PlaceLevel::City))
    }

    /// The districts (kecamatan) of an Indonesian regency or city.
    pub fn districts_of(&self, regency_code: &str) -> impl Iterator<Item = &Place> {
        self.children_of(regency_code)
            .filter(|p| p.level == PlaceLevel::District)
    }

    /// The enclosing area of a place, if any.
    pub fn parent_of(&self, place: &Place) -> Option<&Place> {
        place.parent.as_deref().and_then(|code| self.place(code))
    }

    /// The province (or first-level division) a place is in; the place itself for a province.
    pub fn province_of<'a>(&'a self, place: &'a Place) -> Option<&'a Place> {
        let mut current = place;
        // Walk up; bounded by the depth of the hierarchy (at most three steps).
        for _ in 0..4 {
            match self.parent_of(current) {
                Some(parent) => current = parent,
                None => return (current.level == PlaceLevel::Province).then_some(current),
            }
        }
        None
    }

    /// The Indonesian regency or city a place is in; the place itself for a regency or
    /// city; `None` for a province or a place abroad.
    pub fn regency_of<'a>(&'a self, place: &'a Place) -> Option<&'a Place> {
        if !place.is_indonesian() {
            return None;
        }
        match place.level {
            PlaceLevel::Regency | PlaceLevel::City => Some(place),
            PlaceLevel::District => self.parent_of(place),
            PlaceLevel::Province => None,
        }
    }

    /// Every place that has this form in any of its alias lists, compared by
    /// [`alias_key`] (case-insensitive). Check [`Place::all_aliases`] for the kind.
    pub fn places_with_alias(&self, alias: &str) -> impl Iterator<Item = &Place> {
        self.place_index
            .by_alias
            .get_or_init(|| alias_map(&self.places, Place::all_aliases))
            .get(&alias_key(alias))
            .into_iter()
            .flatten()
            .map(|&i| &self.places[i])
    }

    /// Every (alias, index into [`KnowledgeBase::places`], kind) triple, in file order:
    /// the input for building a multi-pattern matcher over the gazetteer.
    pub fn place_aliases(&self) -> impl Iterator<Item = (&str, usize, AliasKind)> {
        self.places
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.all_aliases().map(move |(a, k)| (a, i, k)))
    }

    /// Every country that has this form in any of its alias lists (case-insensitive).
    pub fn countries_with_alias(&self, alias: &str) -> impl Iterator<Item = &Country> {
        self.place_index
            .country_by_alias
            .get_or_init(|| alias_map(&self.countries, Country::all_aliases))
            .get(&alias_key(alias))
            .into_iter()
            .flatten()
            .map(|&i| &self.countries[i])
    }

    /// Every (alias, index into [`KnowledgeBase::countries`], kind) triple, in file order.
    pub fn country_aliases(&self) -> impl Iterator<Item = (&str, usize, AliasKind)> {
        self.countries
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.all_aliases().map(move |(a, k)| (a, i, k)))
    }

    /// The country with this ISO 3166-1 alpha-2 code (`ID`).
    pub fn country_by_iso2(&self, iso2: &str) -> Option<&Country> {
        self.place_index
            .country_by_iso2
            .get(iso2)
            .map(|&i| &self.countries[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_key_folds_case_space_and_dashes() {
        assert_eq!(alias_key("  Kab.   Garut "), "kab. garut");
        assert_eq!(alias_key("Bau\u{2013}Bau"), "bau-bau");
        assert_eq!(alias_key("Cote d\u{2019}Ivoire"), "cote d'ivoire");
        assert_eq!(alias_key("JAWA BARAT"), alias_key("Jawa Barat"));
    }

    #[test]
    fn all_aliases_tags_each_list() {
        let p = Place {
            code: "35.79".into(),
            name: "Kota Batu".into(),
            level: PlaceLevel::City,
            country: "IDN".into(),
            parent: Some("35".into()),
            lat: None,
            lon: None,
            population: None,
            aliases: vec!["Kota Batu".into()],
            case_sensitive_aliases: vec![],
            ambiguous_aliases: vec!["Batu".into()],
            homonym: false,
        };
        let got: Vec<_> = p.all_aliases().collect();
        assert_eq!(
            got,
            vec![
                ("Kota Batu", AliasKind::Plain),
                ("Batu", AliasKind::Ambiguous)
            ]
        );
    }
}
