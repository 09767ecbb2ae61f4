//! Checks on the embedded places and countries (data/kb/places.json, countries.json).
//!
//! These guard the facts the extractor and the scorer rely on: Kemendagri codes and their
//! hierarchy, the forms people write resolving to the right code, coordinates on the map,
//! and the alias kinds that keep ordinary words from becoming places.

use std::collections::{HashMap, HashSet};

use waspada_kb::{AliasKind, KnowledgeBase, Place, PlaceLevel, alias_key};

fn kb() -> &'static KnowledgeBase {
    KnowledgeBase::embedded()
}

fn indonesian(level: PlaceLevel) -> impl Iterator<Item = &'static Place> {
    kb().places
        .iter()
        .filter(move |p| p.is_indonesian() && p.level == level)
}

/// Codes of the places that have this form, whatever its kind.
fn codes(alias: &str) -> Vec<&'static str> {
    kb().places_with_alias(alias)
        .map(|p| p.code.as_str())
        .collect()
}

fn kind_of(place: &Place, alias: &str) -> Option<AliasKind> {
    place
        .all_aliases()
        .find(|(a, _)| *a == alias)
        .map(|(_, k)| k)
}

#[test]
fn indonesia_has_38_provinces_514_regencies_and_cities_7285_districts() {
    assert_eq!(indonesian(PlaceLevel::Province).count(), 38);
    assert_eq!(kb().provinces().count(), 38);
    let regencies = indonesian(PlaceLevel::Regency).count();
    let cities = indonesian(PlaceLevel::City).count();
    assert_eq!(regencies + cities, 514);
    assert_eq!(indonesian(PlaceLevel::District).count(), 7285);
    let by_province: usize = kb()
        .provinces()
        .map(|p| kb().regencies_of(&p.code).count())
        .sum();
    assert_eq!(by_province, 514);
}

#[test]
fn codes_are_unique_and_every_parent_exists_one_level_up() {
    let mut seen = HashSet::new();
    for p in &kb().places {
        assert!(seen.insert(&p.code), "duplicate code {}", p.code);
        let parent = kb().parent_of(p);
        match (p.is_indonesian(), p.level) {
            (true, PlaceLevel::Province) => assert!(p.parent.is_none(), "{}", p.code),
            (true, PlaceLevel::Regency | PlaceLevel::City) => {
                let parent = parent.unwrap_or_else(|| panic!("{} has no valid parent", p.code));
                assert_eq!(parent.level, PlaceLevel::Province, "{}", p.code);
                assert!(p.code.starts_with(&format!("{}.", parent.code)));
            }
            (true, PlaceLevel::District) => {
                let parent = parent.unwrap_or_else(|| panic!("{} has no valid parent", p.code));
                assert!(
                    matches!(parent.level, PlaceLevel::Regency | PlaceLevel::City),
                    "{}",
                    p.code
                );
                assert!(p.code.starts_with(&format!("{}.", parent.code)));
            }
            (false, _) => {
                if let Some(code) = &p.parent {
                    assert!(parent.is_some(), "{}: parent {code} missing", p.code);
                }
                assert!(p.code.starts_with(&format!("{}:", p.country)), "{}", p.code);
            }
        }
    }
}

#[test]
fn provinces_regencies_and_cities_lie_inside_indonesia() {
    for p in kb().places.iter().filter(|p| p.is_indonesian()) {
        let (lat, lon) = (p.lat.unwrap(), p.lon.unwrap());
        assert!(
            (-11.5..=6.5).contains(&lat) && (94.5..=141.5).contains(&lon),
            "{} {} at {lat},{lon}",
            p.code,
            p.name
        );
    }
}

#[test]
fn places_abroad_lie_inside_southeast_asia_and_countries_have_points() {
    for p in kb().places.iter().filter(|p| !p.is_indonesian()) {
        let (lat, lon) = (p.lat.unwrap(), p.lon.unwrap());
        if p.code.contains(":city:") {
            // Large cities elsewhere in the world: a valid point, a known non-ASEAN country.
            assert!(
                (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon),
                "{}",
                p.code
            );
            assert!(
                kb().country(&p.country).is_some_and(|c| !c.asean),
                "{}",
                p.code
            );
            continue;
        }
        assert!(
            (-12.0..=29.0).contains(&lat) && (92.0..=142.0).contains(&lon),
            "{} at {lat},{lon}",
            p.code
        );
        assert!(kb().country(&p.country).is_some(), "{}", p.code);
    }
    for c in &kb().countries {
        let (lat, lon) = (c.lat.unwrap(), c.lon.unwrap());
        assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
    }
}

#[test]
fn large_world_cities_name_their_country_in_exact_case() {
    let kano: Vec<&str> = kb()
        .places_with_alias("Kano")
        .map(|p| p.country.as_str())
        .collect();
    assert_eq!(kano, ["NGA"]);
    let kano = kb().places_with_alias("Kano").next().unwrap();
    assert!(kano.case_sensitive_aliases.iter().any(|a| a == "Kano"));
    // "Lima" is also Indonesian for five: left out.
    assert!(kb().places_with_alias("Lima").all(|p| p.country != "PER"));
}

#[test]
fn kabupaten_bogor_and_kota_bogor_are_distinct_and_share_bare_bogor() {
    let kab = kb().place("32.01").unwrap();
    let kota = kb().place("32.71").unwrap();
    assert_eq!(kab.name, "Kabupaten Bogor");
    assert_eq!(kab.level, PlaceLevel::Regency);
    assert_eq!(kota.name, "Kota Bogor");
    assert_eq!(kota.level, PlaceLevel::City);
    assert_eq!(codes("Kabupaten Bogor"), ["32.01"]);
    assert_eq!(codes("Kab. Bogor"), ["32.01"]);
    assert_eq!(codes("Pemkab Bogor"), ["32.01"]);
    assert_eq!(codes("kota bogor"), ["32.71"]);
    assert_eq!(codes("Pemkot Bogor"), ["32.71"]);
    let bare = codes("Bogor");
    assert!(
        bare.contains(&"32.01") && bare.contains(&"32.71"),
        "{bare:?}"
    );
    assert!(kab.homonym && kota.homonym);
}

#[test]
fn province_abbreviations_and_old_names_resolve() {
    let cases = [
        ("Jabar", "32"),
        ("Jateng", "33"),
        ("Jatim", "35"),
        ("NTT", "53"),
        ("NTB", "52"),
        ("DIY", "34"),
        ("Jogja", "34"),
        ("Sumut", "12"),
        ("Sulsel", "73"),
        ("Kaltara", "65"),
        ("Malut", "82"),
        ("Kepri", "21"),
        ("Babel", "19"),
        ("Nanggroe Aceh Darussalam", "11"),
        ("NAD", "11"),
        ("DKI Jakarta", "31"),
        ("Pemprov DKI", "31"),
        ("Irian Jaya Barat", "92"),
        ("West Java", "32"),
        ("Provinsi Jawa Barat", "32"),
    ];
    for (alias, code) in cases {
        assert_eq!(codes(alias), [code], "{alias}");
    }
    // Letter-case abbreviations are case-sensitive: "diy" and "ntt" are not provinces.
    let diy = kb().place("34").unwrap();
    assert_eq!(kind_of(diy, "DIY"), Some(AliasKind::CaseSensitive));
}

#[test]
fn regency_forms_seen_in_news_resolve() {
    let cases = [
        ("Kab. Garut", "32.05"),
        ("Kab Garut", "32.05"),
        ("Garut", "32.05"),
        ("Jaksel", "31.74"),
        ("Jakarta Selatan", "31.74"),
        ("Kota Administrasi Jakarta Selatan", "31.74"),
        ("South Jakarta", "31.74"),
        ("Kulonprogo", "34.01"),
        ("Kulon Progo", "34.01"),
        ("Toba Samosir", "12.12"),
        ("Pangkep", "73.10"),
        ("Pangkajene Kepulauan", "73.10"),
        ("Tanjungpinang", "21.72"),
        ("Tanjung Pinang", "21.72"),
        ("Baubau", "74.72"),
        ("Bau-Bau", "74.72"),
        ("Solo", "33.72"),
    ];
    for (alias, code) in cases {
        let got = codes(alias);
        assert!(got.contains(&code), "{alias}: {got:?}");
    }
    assert_eq!(kb().place("32.05").unwrap().name, "Kabupaten Garut");
    assert_eq!(
        kb().place("31.74").unwrap().name,
        "Kota Administrasi Jakarta Selatan"
    );
}

#[test]
fn districts_have_bare_and_kecamatan_forms() {
    let tebet = kb()
        .districts_of("31.74")
        .find(|d| d.name == "Tebet")
        .unwrap();
    for form in ["Tebet", "Kecamatan Tebet", "Kec. Tebet"] {
        assert!(codes(form).contains(&tebet.code.as_str()), "{form}");
    }
    assert_eq!(kb().regency_of(tebet).unwrap().code, "31.74");
    assert_eq!(kb().province_of(tebet).unwrap().code, "31");
}

#[test]
fn ordinary_words_need_case_or_context() {
    let batu = kb().place("35.79").unwrap();
    assert_eq!(batu.name, "Kota Batu");
    assert_eq!(kind_of(batu, "Kota Batu"), Some(AliasKind::Plain));
    assert_eq!(kind_of(batu, "Batu"), Some(AliasKind::Ambiguous));
    let agam = kb().places_with_alias("Agam").next().unwrap();
    assert_eq!(kind_of(agam, "Agam"), Some(AliasKind::Ambiguous));
    // "malang" is a word (unlucky): the city and regency match only as "Malang".
    for p in kb()
        .places_with_alias("Malang")
        .filter(|p| p.level != PlaceLevel::District)
    {
        assert_eq!(
            kind_of(p, "Malang"),
            Some(AliasKind::CaseSensitive),
            "{}",
            p.code
        );
    }
    // The district Cina (Bone) must not turn every mention of China into a place.
    let cina = kb()
        .places_with_alias("Cina")
        .find(|p| p.is_indonesian())
        .unwrap();
    assert_eq!(kind_of(cina, "Cina"), Some(AliasKind::Ambiguous));
    assert_eq!(
        kb().countries_with_alias("Cina").next().unwrap().iso3,
        "CHN"
    );
    // No generic word is a safe alias of anything.
    for word in [
        "barat", "timur", "utara", "selatan", "tengah", "kota", "raya", "jaya", "baru",
    ] {
        for p in kb().places_with_alias(word) {
            let plain = p.aliases.iter().any(|a| alias_key(a) == word);
            assert!(!plain, "{word} is a plain alias of {}", p.code);
        }
    }
}

#[test]
fn alias_lists_are_disjoint_and_non_empty() {
    for p in &kb().places {
        let mut seen = HashSet::new();
        for (a, _) in p.all_aliases() {
            assert!(!a.trim().is_empty(), "{}", p.code);
            assert!(seen.insert(alias_key(a)), "{}: {a} listed twice", p.code);
        }
        assert!(!seen.is_empty(), "{} has no alias", p.code);
    }
    for c in &kb().countries {
        let mut seen = HashSet::new();
        for (a, _) in c.all_aliases() {
            assert!(seen.insert(alias_key(a)), "{}: {a} listed twice", c.iso3);
        }
        for d in &c.demonyms {
            assert!(
                seen.contains(&alias_key(d)),
                "{}: demonym {d} is no alias",
                c.iso3
            );
        }
    }
}

#[test]
fn population_of_provinces_is_the_sum_of_their_regencies() {
    for prov in kb().provinces() {
        let total: u64 = kb()
            .regencies_of(&prov.code)
            .map(|r| r.population.unwrap())
            .sum();
        assert_eq!(prov.population, Some(total), "{}", prov.name);
    }
}

#[test]
fn every_asean_country_is_present_and_marked() {
    let asean: HashSet<&str> = kb()
        .countries
        .iter()
        .filter(|c| c.asean)
        .map(|c| c.iso3.as_str())
        .collect();
    let expected: HashSet<&str> = [
        "IDN", "MYS", "SGP", "PHL", "THA", "VNM", "LAO", "KHM", "MMR", "BRN", "TLS",
    ]
    .into();
    assert_eq!(asean, expected);
    assert!(kb().countries.len() >= 249);
    assert_eq!(kb().country_by_iso2("PH").unwrap().iso3, "PHL");
}

#[test]
fn country_names_adjectives_and_exonyms_resolve() {
    let cases = [
        ("Filipina", "PHL"),
        ("Filipino", "PHL"),
        ("Vietnamese", "VNM"),
        ("Viet Nam", "VNM"),
        ("Kamboja", "KHM"),
        ("Cambodian", "KHM"),
        ("Malaysian", "MYS"),
        ("Tiongkok", "CHN"),
        ("Cina", "CHN"),
        ("RRT", "CHN"),
        ("Amerika Serikat", "USA"),
        ("AS", "USA"),
        ("Arab Saudi", "SAU"),
        ("Korsel", "KOR"),
        ("Korea Selatan", "KOR"),
        ("Republik Demokratik Kongo", "COD"),
        ("DRC", "COD"),
        ("Inggris", "GBR"),
        ("British", "GBR"),
        ("Belanda", "NLD"),
        ("Dutch", "NLD"),
        ("Rusia", "RUS"),
        ("Russian", "RUS"),
        ("Timor Leste", "TLS"),
    ];
    for (alias, iso3) in cases {
        let got: Vec<&str> = kb()
            .countries_with_alias(alias)
            .map(|c| c.iso3.as_str())
            .collect();
        assert_eq!(got, [iso3], "{alias}");
    }
    let vnm = kb().country("VNM").unwrap();
    assert!(vnm.is_demonym("vietnamese") && !vnm.is_demonym("Vietnam"));
    assert_eq!(kb().country("IDN").unwrap().name_id, "Indonesia");
    assert_eq!(kb().country("CHN").unwrap().name_id, "Tiongkok");
}

#[test]
fn short_country_forms_that_are_words_are_case_sensitive_or_ambiguous() {
    let usa = kb().country("USA").unwrap();
    for form in ["AS", "US"] {
        assert!(
            usa.case_sensitive_aliases.iter().any(|a| a == form),
            "{form}"
        );
        assert!(!usa.aliases.iter().any(|a| a == form), "{form}");
    }
    for (form, iso3) in [("Jordan", "JOR"), ("Chad", "TCD"), ("Georgia", "GEO")] {
        let c = kb().country(iso3).unwrap();
        assert!(c.ambiguous_aliases.iter().any(|a| a == form), "{form}");
    }
    // "Congo" names two countries: never a safe alias of either.
    for c in kb().countries_with_alias("Congo") {
        assert!(!c.aliases.iter().any(|a| a == "Congo"), "{}", c.iso3);
    }
}

#[test]
fn major_asean_places_resolve_to_their_country() {
    let cases = [
        ("Kuala Lumpur", "MYS"),
        ("Johor", "MYS"),
        ("Sabah", "MYS"),
        ("Sarawak", "MYS"),
        ("Penang", "MYS"),
        ("Manila", "PHL"),
        ("Cebu", "PHL"),
        ("Davao City", "PHL"),
        ("Mindanao", "PHL"),
        ("Bangkok", "THA"),
        ("Chiang Mai", "THA"),
        ("Hanoi", "VNM"),
        ("Saigon", "VNM"),
        ("Ho Chi Minh City", "VNM"),
        ("Phnom Penh", "KHM"),
        ("Vientiane", "LAO"),
        ("Yangon", "MMR"),
        ("Mandalay", "MMR"),
        ("Singapore", "SGP"),
        ("Bandar Seri Begawan", "BRN"),
        ("Dili", "TLS"),
    ];
    for (alias, iso3) in cases {
        let countries: HashSet<&str> = kb()
            .places_with_alias(alias)
            .map(|p| p.country.as_str())
            .collect();
        assert!(countries.contains(iso3), "{alias}: {countries:?}");
    }
}

#[test]
fn place_alias_index_covers_every_alias() {
    let mut count: HashMap<AliasKind, usize> = HashMap::new();
    for (alias, i, kind) in kb().place_aliases() {
        *count.entry(kind).or_default() += 1;
        assert!(
            kb().places_with_alias(alias)
                .any(|p| std::ptr::eq(p, &kb().places[i])),
            "{alias}"
        );
    }
    assert!(count[&AliasKind::Plain] > count[&AliasKind::CaseSensitive]);
    assert!(count[&AliasKind::CaseSensitive] > count[&AliasKind::Ambiguous]);
    assert!(kb().country_aliases().count() > kb().countries.len());
}

#[test]
fn malformed_places_file_is_reported_by_name() {
    let err = KnowledgeBase::from_json(b"[]", b"[]", b"[{\"code\":1}]", b"[]").unwrap_err();
    assert!(err.to_string().contains("places.json"), "{err}");
}

/// Parsing and indexing the embedded places and countries must stay well under the time a
/// user notices at start-up. Run with `--release -- --nocapture` to see the figure.
#[test]
fn places_parse_quickly() {
    let places = include_bytes!("../../../data/kb/places.json");
    let countries = include_bytes!("../../../data/kb/countries.json");
    assert!(
        places.len() < 3_000_000,
        "places.json is {} bytes",
        places.len()
    );
    // Load time is measured by `waspada bench` and `examples/kb_parse_time.rs`, not here.
    let kb = KnowledgeBase::from_json(b"[]", b"[]", places, countries).unwrap();
    assert!(kb.places.len() > 8_000 && kb.countries.len() >= 249);
}
