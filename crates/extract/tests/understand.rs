//! Behaviour of the analyser on short articles written for these tests.
//!
//! Each test states one thing an analyst relies on: where the event is (not where
//! the reporter sits), which disease the article is about, what was counted, and
//! whether a KLB was declared.

use waspada_extract::{Analysis, Analyzer, Article};

fn analyze(title: &str, text: &str, published: &str) -> Analysis {
    let article = Article {
        id: "t".into(),
        title: Some(title.into()),
        text: text.into(),
        published: Some(published.into()),
        ..Default::default()
    };
    Analyzer::embedded().analyze(&article)
}

/// One field of the primary locations, sorted, without repeats.
fn primary_places(
    a: &Analysis,
    field: impl Fn(&waspada_extract::analysis::LocationFinding) -> Option<String>,
) -> Vec<String> {
    let mut v: Vec<String> = a
        .locations
        .iter()
        .filter(|l| l.primary)
        .filter_map(field)
        .collect();
    v.sort();
    v.dedup();
    v
}

fn primary_regencies(a: &Analysis) -> Vec<String> {
    primary_places(a, |l| l.regency_code.clone())
}

fn primary_countries(a: &Analysis) -> Vec<String> {
    primary_places(a, |l| Some(l.country.clone()))
}

fn primary_diseases(a: &Analysis) -> Vec<String> {
    a.diseases
        .iter()
        .filter(|d| d.primary)
        .map(|d| d.id.clone())
        .collect()
}

#[test]
fn dateline_is_not_the_event_place_and_a_kecamatan_resolves_to_its_regency() {
    let a = analyze(
        "Puluhan Warga Keracunan Nasi Kotak Hajatan",
        "BANDUNG, WARTAKITA.id - Sebanyak 57 warga Kecamatan Kadungora, Kabupaten Garut, \
         mengalami keracunan setelah menyantap nasi kotak dari sebuah hajatan, Minggu (12/10/2025). \
         Sebanyak 12 orang di antaranya dirawat di Puskesmas Kadungora.\n\n\
         Kepala Dinas Kesehatan Garut mengatakan sampel makanan sudah dikirim ke laboratorium.",
        "2025-10-13",
    );
    assert_eq!(primary_regencies(&a), vec!["32.05"], "{:#?}", a.locations);
    let bandung = a.locations.iter().find(|l| l.name.contains("Bandung"));
    assert!(
        bandung.is_none_or(|l| !l.primary && l.dateline_only),
        "{bandung:?}"
    );
    assert_eq!(primary_diseases(&a), vec!["food_poisoning"]);
    assert!(a.relevance.is_outbreak_report, "{:?}", a.relevance);
    let kinds: Vec<(&str, Option<u64>)> = a.counts.iter().map(|c| (c.kind, c.value)).collect();
    assert!(kinds.contains(&("cases", Some(57))), "{kinds:?}");
    assert!(kinds.contains(&("hospitalized", Some(12))), "{kinds:?}");
    assert_eq!(a.event_date.as_deref(), Some("2025-10-12"));
}

#[test]
fn bali_inside_balikpapan_is_not_bali() {
    let a = analyze(
        "Kasus DBD di Balikpapan Meningkat",
        "BALIKPAPAN - Dinas Kesehatan Kota Balikpapan mencatat 214 kasus demam berdarah dengue (DBD) \
         sejak Januari, dua pasien di antaranya meninggal dunia.",
        "2025-03-02",
    );
    assert!(
        a.locations
            .iter()
            .all(|l| l.province_code.as_deref() != Some("51")),
        "{:#?}",
        a.locations
    );
    assert_eq!(primary_regencies(&a), vec!["64.71"]);
    assert_eq!(primary_diseases(&a), vec!["dengue"]);
    assert_eq!(a.diseases[0].icd10.as_deref(), Some("A97"));
}

#[test]
fn kota_and_kabupaten_with_the_same_name_are_told_apart() {
    let a = analyze(
        "Wabah Campak di Kota Bogor",
        "Dinas Kesehatan Kota Bogor melaporkan 18 kasus campak pada anak sekolah dasar. \
         Wali Kota Bogor meminta orang tua membawa anak ke puskesmas untuk imunisasi.",
        "2025-05-20",
    );
    assert_eq!(primary_regencies(&a), vec!["32.71"]);
    assert_eq!(primary_diseases(&a), vec!["measles"]);
}

#[test]
fn a_common_word_that_names_a_town_needs_its_level_word() {
    let a = analyze(
        "Longsor Tutup Jalan",
        "Batu besar menutup jalan desa setelah hujan deras semalam. Warga bergotong royong.",
        "2025-01-10",
    );
    assert!(
        a.locations
            .iter()
            .all(|l| l.regency_code.as_deref() != Some("35.79")),
        "{:#?}",
        a.locations
    );
    assert!(!a.relevance.is_outbreak_report);
}

#[test]
fn animal_outbreak_counts_species_and_reports_the_animal_disease() {
    let a = analyze(
        "Ratusan Babi Mati Mendadak di Belu",
        "ATAMBUA - Dinas Peternakan Kabupaten Belu mencatat 468 ekor babi mati mendadak dalam dua pekan. \
         Hasil uji laboratorium balai veteriner memastikan babi-babi itu terjangkit demam babi Afrika \
         atau African swine fever (ASF).",
        "2025-02-14",
    );
    assert_eq!(primary_diseases(&a), vec!["african_swine_fever"]);
    let asf = &a.diseases[0];
    assert!(asf.icd10.is_none(), "ASF is animal-only");
    assert!(
        a.counts
            .iter()
            .any(|c| c.kind == "animals_dead" && c.value == Some(468) && c.species == "pig"),
        "{:#?}",
        a.counts
    );
    assert!(a.relevance.is_outbreak_report);
}

#[test]
fn klb_declared_versus_party_congress() {
    let declared = analyze(
        "Difteri Merebak, Pemkab Tetapkan KLB",
        "Pemerintah Kabupaten Garut menetapkan status kejadian luar biasa (KLB) difteri setelah \
         tiga anak meninggal dunia. Dinas Kesehatan mencatat 11 kasus suspek difteri.",
        "2025-11-03",
    );
    assert!(declared.klb_declared);
    assert!(declared.relevance.is_outbreak_report);
    assert!(declared.relevance.reasons.iter().any(|r| r.contains("KLB")));
    assert!(
        declared
            .counts
            .iter()
            .any(|c| c.kind == "deaths" && c.value == Some(3))
    );

    let congress = analyze(
        "Partai Gelar KLB Pekan Depan",
        "Dewan Pimpinan Pusat partai itu memutuskan menggelar Kongres Luar Biasa (KLB) untuk memilih \
         ketua umum baru. KLB akan digelar di Jakarta dan dihadiri seluruh pengurus daerah.",
        "2025-11-03",
    );
    assert!(!congress.klb_declared);
    assert!(!congress.relevance.is_outbreak_report);
    assert!(
        congress
            .klb_evidence
            .iter()
            .all(|k| k.reading == "other_meaning"),
        "{:?}",
        congress.klb_evidence
    );
}

#[test]
fn not_declared_klb_is_not_declared() {
    let a = analyze(
        "Kasus Campak Naik, Dinkes Belum Tetapkan KLB",
        "Dinas Kesehatan Kabupaten Garut mencatat 23 kasus campak. Namun status kejadian luar biasa \
         belum ditetapkan karena kasus masih tersebar.",
        "2025-11-03",
    );
    assert!(!a.klb_declared, "{:?}", a.klb_evidence);
}

#[test]
fn pandemic_as_a_time_reference_is_not_an_outbreak_report() {
    let a = analyze(
        "Penjualan Mobil Pulih Setelah Pandemi",
        "JAKARTA - Penjualan mobil nasional tumbuh 12 persen dibanding tahun lalu. Menurut asosiasi, \
         pasar mulai pulih setelah tertekan saat pandemi Covid-19. Investasi pabrikan juga naik, \
         didorong kredit perbankan dan insentif pajak.",
        "2025-06-01",
    );
    assert!(!a.relevance.is_outbreak_report, "{:?}", a.relevance);
    assert!(a.relevance.reasons.iter().any(|r| r.starts_with("but:")));
}

#[test]
fn vague_amounts_are_kept_vague() {
    let a = analyze(
        "Ratusan Siswa Diduga Keracunan",
        "Ratusan siswa diduga keracunan setelah menyantap menu makan siang di sekolah, Rabu (5/11/2025).",
        "2025-11-06",
    );
    let vague: Vec<_> = a
        .counts
        .iter()
        .filter(|c| c.approximate && c.value.is_none())
        .collect();
    assert!(!vague.is_empty(), "{:#?}", a.counts);
}

#[test]
fn english_who_style_report() {
    let a = analyze(
        "Cholera – Mozambique",
        "On 3 March 2025, the Ministry of Health of Mozambique notified WHO of an outbreak of cholera \
         in Nampula province. As of 10 March, a total of 1 234 suspected cases including 12 deaths \
         have been reported.",
        "2025-03-12",
    );
    assert_eq!(a.language, "en");
    assert!(a.relevance.is_outbreak_report);
    assert_eq!(primary_diseases(&a), vec!["cholera"]);
    assert!(
        a.locations.iter().any(|l| l.primary && l.country == "MOZ"),
        "{:#?}",
        a.locations
    );
    assert!(
        a.counts
            .iter()
            .any(|c| c.kind == "suspected" && c.value == Some(1234)),
        "{:#?}",
        a.counts
    );
    assert!(
        a.counts
            .iter()
            .any(|c| c.kind == "deaths" && c.value == Some(12))
    );
}

#[test]
fn mentions_point_into_clean_text() {
    let article = Article {
        id: "m".into(),
        title: Some("Wabah Difteri di Garut".into()),
        text: "BACA JUGA: Berita lain\nSebanyak sembilan orang meninggal akibat difteri di Kabupaten Garut.".into(),
        published: Some("2025-01-01".into()),
        ..Default::default()
    };
    let options = waspada_extract::AnalyzeOptions {
        with_text: true,
        ..Default::default()
    };
    let a = Analyzer::embedded().analyze_with(&article, &options);
    let text = a.clean_text.as_deref().expect("with_text");
    assert!(!text.contains("BACA JUGA"));
    let slice = |start: usize, end: usize| {
        text.chars()
            .skip(start)
            .take(end - start)
            .collect::<String>()
    };
    for d in &a.diseases {
        for m in &d.mentions {
            assert_eq!(slice(m.start, m.end), m.text);
        }
    }
    for c in &a.counts {
        assert_eq!(slice(c.mention.start, c.mention.end), c.mention.text);
    }
    assert!(
        a.counts
            .iter()
            .any(|c| c.kind == "deaths" && c.value == Some(9))
    );
}

#[test]
fn a_word_like_town_in_a_title_case_headline_needs_the_body() {
    let a = analyze(
        "Diare Serang Warga Desa, 40 Orang Berobat",
        "MAUMERE - Sebanyak 40 warga Kabupaten Sikka terserang diare sejak Senin. Dinas Kesehatan \
         mengirim tim ke desa tersebut.",
        "2025-10-08",
    );
    assert!(
        a.locations
            .iter()
            .all(|l| l.regency_code.as_deref() != Some("36.73")),
        "{:#?}",
        a.locations
    );
    assert_eq!(primary_regencies(&a), vec!["53.07"]);
}

fn disease<'a>(a: &'a Analysis, id: &str) -> Option<&'a waspada_extract::analysis::DiseaseFinding> {
    a.diseases.iter().find(|d| d.id == id)
}

#[test]
fn a_haemorrhagic_fever_named_by_its_agent_reports_the_agent_and_the_syndrome() {
    let a = analyze(
        "Marburg haemorrhagic fever in Uganda",
        "As of 21 October, nine cases of Marburg haemorrhagic fever, including five \
         deaths, have been reported in Kabale district. Contacts are being followed up.",
        "2012-10-22",
    );
    let mut primary = primary_diseases(&a);
    primary.sort();
    assert_eq!(primary, ["marburg", "viral_haemorrhagic_fever"]);
    let vhf = disease(&a, "viral_haemorrhagic_fever").unwrap();
    assert_eq!(vhf.syndrome_of, ["marburg"]);
    // The evidence is the syndrome's own words inside the agent's name.
    assert!(vhf.mentions.iter().all(|m| m.text == "haemorrhagic fever"));
    assert_eq!(
        disease(&a, "marburg").unwrap().icd10.as_deref(),
        Some("A98")
    );

    // Named without the syndrome's words, the agent stands alone.
    let b = analyze(
        "Marburg virus disease in Rwanda",
        "As of 30 September, 27 cases of Marburg virus disease, including nine deaths, \
         have been confirmed in Kigali. Contacts are being followed up.",
        "2024-09-30",
    );
    assert_eq!(primary_diseases(&b), ["marburg"]);
}

#[test]
fn a_disease_the_article_rules_out_is_not_its_subject() {
    let a = analyze(
        "Respiratory outbreak in a care home is not SARS",
        "An outbreak of respiratory illness in a care home in Surrey has been investigated \
         for SARS, and WHO concludes the disease is not SARS. Sequencing showed that it \
         was not the SARS coronavirus but another human coronavirus known as OC43. In \
         total 143 residents and staff fell ill.",
        "2003-08-25",
    );
    assert_eq!(primary_diseases(&a), ["seasonal_coronavirus"]);

    let b = analyze(
        "Warga Sleman demam tinggi, Dinkes pastikan bukan DBD",
        "Puluhan warga di Kecamatan Depok mengalami demam tinggi. Hasil pemeriksaan \
         laboratorium memastikan penyakit itu bukan DBD, melainkan chikungunya. Sebanyak \
         35 warga dirawat di puskesmas karena chikungunya.",
        "2024-03-02",
    );
    assert_eq!(primary_diseases(&b), ["chikungunya"]);

    // "Not only dengue" rules nothing out.
    let c = analyze(
        "Kasus DBD dan chikungunya naik di Sleman",
        "Dinkes Sleman mencatat bukan hanya DBD yang meningkat, tetapi juga chikungunya. \
         Sebanyak 120 kasus DBD dan 80 kasus chikungunya tercatat sejak Januari.",
        "2024-03-02",
    );
    let mut primary = primary_diseases(&c);
    primary.sort();
    assert_eq!(primary, ["chikungunya", "dengue"]);
}

#[test]
fn a_syndrome_is_the_disease_the_article_names_as_its_cause() {
    let a = analyze(
        "Meningitis outbreak in northern Nigeria",
        "A total of 1,407 suspected cases of meningitis and 211 deaths have been reported \
         from five states. Suspected meningitis cases continue to rise. Neisseria \
         meningitidis serogroup C is the predominant serogroup.",
        "2017-03-24",
    );
    assert_eq!(primary_diseases(&a), ["meningococcal_disease"]);
}

#[test]
fn an_influenza_like_illness_is_not_influenza() {
    let a = analyze(
        "Influenza-like illness rises in Ukraine",
        "More than 250,000 cases of influenza-like illness have been recorded, and 70 \
         deaths. Laboratory testing confirmed pandemic H1N1 influenza virus in samples. \
         H1N1 is the dominant virus. The H1N1 wave is expected to peak in December.",
        "2009-11-03",
    );
    let ili = disease(&a, "influenza_like_illness").unwrap();
    assert!(ili.mentions.iter().all(|m| m.text.contains("like")));
    assert!(primary_diseases(&a).contains(&"zoonotic_influenza".to_string()));
}

#[test]
fn an_outbreak_named_only_by_its_pathogen_is_about_that_pathogen() {
    let a = analyze(
        "Outbreak at the aquarium",
        "Health officials have confirmed a total of 76 cases, including 2 deaths, among \
         visitors to the aquarium. Laboratory tests confirmed the presence of legionella \
         bacteria in the cooling towers, which have since been disinfected.",
        "2000-05-11",
    );
    assert!(a.relevance.is_outbreak_report);
    assert_eq!(primary_diseases(&a), ["legionnaires_disease"]);
}

#[test]
fn an_ambiguous_country_name_in_a_list_of_countries_is_a_country() {
    let a = analyze(
        "MERS-CoV update",
        "Laboratory-confirmed cases of MERS-CoV infection have been reported in the \
         following countries to date: Jordan, Qatar, Saudi Arabia and the United Arab \
         Emirates. In total 44 cases, including 23 deaths, have been reported.",
        "2013-06-07",
    );
    assert!(
        primary_countries(&a).contains(&"JOR".to_string()),
        "{:?}",
        primary_countries(&a)
    );

    // Tables print ISO names inverted, and ambiguous names sit between figures.
    let b = analyze(
        "Pandemic (H1N1) 2009 - update",
        "Laboratory-confirmed cases of pandemic (H1N1) 2009 by country, cases and deaths: \
         Japan 1266 0 Jordan 20 0 Kenya 1 0 Korea, Republic of 202 0 Kuwait 34 0",
        "2009-07-06",
    );
    let countries = primary_countries(&b);
    for iso in ["JOR", "KOR", "KEN"] {
        assert!(
            countries.contains(&iso.to_string()),
            "{iso} in {countries:?}"
        );
    }

    // A person who shares the name is no country.
    let c = analyze(
        "Dengue cases rise in Singapore",
        "Singapore has reported 1,200 dengue cases this week, said Michael Jordan, a \
         spokesman of the National Environment Agency.",
        "2024-05-02",
    );
    assert!(!primary_countries(&c).contains(&"JOR".to_string()));
}

#[test]
fn where_an_organisation_or_a_laboratory_sits_is_not_where_the_event_is() {
    let a = analyze(
        "Cholera in Liberia",
        "The Ministry of Health and Médecins sans Frontières (MSF Belgium) report 1,054 \
         cases of cholera, including 18 deaths, in Monrovia. Samples from 12 cases were \
         confirmed at the WHO Collaborating Centre in Paris, France.",
        "2002-07-02",
    );
    let countries = primary_countries(&a);
    assert!(countries.contains(&"LBR".to_string()), "{countries:?}");
    assert!(!countries.contains(&"BEL".to_string()), "{countries:?}");
    assert!(!countries.contains(&"FRA".to_string()), "{countries:?}");

    // A national laboratory works where the event is.
    let b = analyze(
        "Yellow fever update",
        "After initial tests at the national reference laboratory in Mali, 14 blood \
         specimens were sent abroad. Six cases, including 2 deaths, have been reported.",
        "2005-10-20",
    );
    assert_eq!(primary_countries(&b), ["MLI"]);
}

#[test]
fn a_country_heading_in_a_multi_country_report_is_a_country() {
    let a = analyze(
        "Meningococcal disease in the African Region",
        "Ethiopia: As of 4 March, 1,200 cases including 80 deaths have been reported.\n\n\
         Chad: As of 4 March, WHO has reported 2,317 cases including 195 deaths from \
         meningococcal disease.",
        "2001-03-06",
    );
    let countries = primary_countries(&a);
    assert!(countries.contains(&"TCD".to_string()), "{countries:?}");
    assert!(countries.contains(&"ETH".to_string()), "{countries:?}");

    // A table of figures by country, led by the largest outbreak.
    let b = analyze(
        "Meningococcal disease in the African Region",
        "Burkina Faso is the most affected country, with 8,252 cases of meningococcal \
         disease in Burkina Faso this year. Burkina Faso has begun mass vaccination. \
         Teams from Burkina Faso's ministry of health lead it. By country: Burkina Faso: \
         8 252 (722); Benin: 251 (34); Chad: 244 (19); Mali: 787 (158).",
        "1996-03-19",
    );
    let countries = primary_countries(&b);
    for iso in ["BFA", "BEN", "TCD", "MLI"] {
        assert!(
            countries.contains(&iso.to_string()),
            "{iso} in {countries:?}"
        );
    }
}

#[test]
fn a_kecamatan_with_namesakes_is_the_one_in_the_regency_the_article_names() {
    // There is a Kecamatan Cibeber in Kabupaten Cianjur and one in Kota Cilegon.
    let a = analyze(
        "Puluhan siswa keracunan usai makan siang di sekolah",
        "Sebanyak 47 siswa SD Negeri 2 Cibeber, Kecamatan Cibeber, Kabupaten Cianjur, \
         mengalami mual dan muntah setelah menyantap makan siang di sekolah.",
        "2025-10-14",
    );
    let regencies: Vec<&str> = a
        .locations
        .iter()
        .filter_map(|l| l.regency_code.as_deref())
        .collect();
    assert!(regencies.contains(&"32.03"), "{regencies:?}");
    assert!(!regencies.contains(&"36.72"), "{regencies:?}");
}

#[test]
fn a_vietnamese_province_dissolved_in_2025_resolves_to_the_merged_one() {
    let a = analyze(
        "Vietnam reports a human H5N1 case",
        "Vietnam has confirmed a human case of avian influenza A(H5N1) in the southern \
         province of Tien Giang, which merged into Dong Thap in July 2025.",
        "2025-08-02",
    );
    let tien_giang = a
        .locations
        .iter()
        .find(|l| l.mentions.iter().any(|m| m.text == "Tien Giang"))
        .expect("Tien Giang is found");
    assert_eq!(tien_giang.name, "Dong Thap");
    assert_eq!(tien_giang.country, "VNM");
    assert!(tien_giang.primary);
}

#[test]
fn a_disease_listed_with_the_subject_in_the_lead_is_a_subject_too() {
    let lead = "The Ministry of Health declared a suspected triple outbreak of typhoid fever, \
                shigellosis and cholera in Kayes region on 3 May. A total of 640 suspected \
                cases and 12 deaths have been reported. ";
    let body = "Typhoid fever accounts for most cases: 410 suspected typhoid fever cases. \
                Cholera was confirmed in 31 samples, and cholera treatment centres have \
                opened. Typhoid fever and cholera vaccines are being deployed. Cholera \
                cases are rising in two districts. Shigellosis was confirmed in 9 samples.";
    let a = analyze("Outbreak in Kayes", &format!("{lead}{body}"), "2023-05-10");
    let mut primary = primary_diseases(&a);
    primary.sort();
    assert_eq!(primary, ["cholera", "shigellosis", "typhoid_fever"]);

    // The same mentions, but the list is not in the lead: shigellosis is a side note.
    let b = analyze(
        "Outbreak in Kayes",
        &format!(
            "A total of 640 suspected cases and 12 deaths have been reported in Kayes \
             region. {body} Samples were also tested for typhoid fever, shigellosis and \
             cholera in the capital."
        ),
        "2023-05-10",
    );
    assert!(!primary_diseases(&b).contains(&"shigellosis".to_string()));
}

#[test]
fn the_disease_named_as_the_cause_is_the_subject() {
    let a = analyze(
        "Encephalitis cluster in Meherpur",
        "An outbreak of a severe encephalitic illness killed 9 of 28 patients in April. \
         Serological tests on clinical samples suggest that the aetiological agent may be \
         Nipah or a closely related virus.",
        "2002-08-30",
    );
    assert_eq!(primary_diseases(&a), ["nipah"]);

    let b = analyze(
        "Traveller dies after fever",
        "A man hospitalised with suspected haemorrhagic fever after a trip to Côte \
         d'Ivoire died on 6 August. Tests for Ebola, Lassa fever and malaria were \
         negative. The diagnosis of yellow fever by culture and PCR was confirmed today.",
        "1999-08-06",
    );
    assert!(primary_diseases(&b).contains(&"yellow_fever".to_string()));
    assert!(!primary_diseases(&b).contains(&"ebola".to_string()));

    // A diagnosis still pending names no cause.
    let c = analyze(
        "Fever cluster in a boarding school",
        "Forty pupils have fallen ill with fever and rash. Influenza was confirmed in 30 \
         of them and influenza cases keep rising. The diagnosis of measles is still being \
         investigated.",
        "2024-02-01",
    );
    assert!(!primary_diseases(&c).contains(&"measles".to_string()));

    let d = analyze(
        "Puluhan warga Desa Sukamaju diare",
        "Sebanyak 46 warga mengalami diare dan demam sejak Senin. Hasil pemeriksaan \
         laboratorium menunjukkan penyebabnya adalah bakteri Shigella dari sumur warga.",
        "2024-05-02",
    );
    assert_eq!(primary_diseases(&d), ["shigellosis"]);
}

#[test]
fn a_resistant_hospital_bacterium_is_a_disease_of_its_own() {
    let a = analyze(
        "Surgical site infections after procedures abroad",
        "A total of 20 cases of carbapenem-resistant Pseudomonas aeruginosa (CRPA) \
         infection have been identified in patients who had surgery at one hospital. \
         Thirteen were hospitalized. Patients were advised to be tested for hepatitis B, \
         hepatitis C and HIV. P. aeruginosa isolates carried the VIM gene.",
        "2019-03-05",
    );
    assert_eq!(primary_diseases(&a), ["pseudomonas_infection"]);
    let d = a.diseases.iter().find(|d| d.primary).unwrap();
    assert_eq!(d.icd10.as_deref(), Some("B96"));
}

#[test]
fn an_article_without_a_title_takes_its_headline_from_its_url() {
    let article = Article {
        id: "t".into(),
        title: None,
        url: Some("https://health.example.id/berita/d-7076140/wabah-difteri-di-sumenep".into()),
        text: "Dinas Kesehatan mencatat 12 kasus dan 2 anak meninggal sejak Januari. \
               Vaksinasi ulang digelar di sekolah."
            .into(),
        published: Some("2024-01-20".into()),
        ..Default::default()
    };
    let options = waspada_extract::AnalyzeOptions {
        with_text: true,
        ..Default::default()
    };
    let a = Analyzer::embedded().analyze_with(&article, &options);
    assert_eq!(a.title.as_deref(), Some("Wabah Difteri di Sumenep"));
    assert_eq!(primary_diseases(&a), ["diphtheria"]);
    assert_eq!(primary_regencies(&a), ["35.29"]);
    // Offsets still point into the clean text, which now starts with the headline.
    let clean: Vec<char> = a.clean_text.as_deref().unwrap().chars().collect();
    for m in &a.diseases[0].mentions {
        let said: String = clean[m.start..m.end].iter().collect();
        assert_eq!(said, m.text);
    }

    // A title given with the article wins over the address.
    let titled = Article {
        title: Some("Campak merebak di Sumenep".into()),
        ..article
    };
    assert_eq!(
        Analyzer::embedded().analyze(&titled).title.as_deref(),
        Some("Campak merebak di Sumenep")
    );
}

#[test]
fn animals_counted_in_the_next_sentence_keep_their_species() {
    let a = analyze(
        "Puluhan sapi di Lamongan terjangkit PMK",
        "Sebanyak 56 ekor sapi di Kecamatan Sukodadi terjangkit penyakit mulut dan kuku \
         (PMK). Tiga ekor di antaranya mati. Petugas menyemprotkan disinfektan.",
        "2022-05-12",
    );
    let dead = a.counts.iter().find(|c| c.kind == "animals_dead").unwrap();
    assert_eq!((dead.value, dead.species.as_str()), (Some(3), "cattle"));
}

#[test]
fn a_hedged_exact_tally_is_a_case_figure() {
    let a = analyze(
        "Kasus chikungunya merebak di Bekasi",
        "Sedikitnya 45 warga Kelurahan Sumur Batu, Kecamatan Bantargebang, Kota Bekasi, \
         mengalami demam dan nyeri sendi yang diduga chikungunya. Puskesmas setempat telah \
         melakukan pengasapan.",
        "2024-02-14",
    );
    assert!(a.relevance.is_outbreak_report, "{:?}", a.relevance);
}

#[test]
fn a_level_word_settles_an_asean_province_named_like_a_person() {
    // "Takeo" alone is also a given name; "Takeo province" is a place.
    let a = analyze(
        "Cambodia reports H5N1 death",
        "A 3-year-old boy from Takeo province has died of H5N1 avian influenza, the \
         Ministry of Health said.",
        "2024-07-07",
    );
    assert!(
        a.locations.iter().any(|l| l.name == "Takeo" && l.primary),
        "{:#?}",
        a.locations
    );
    let dead = a.counts.iter().find(|c| c.kind == "deaths").unwrap();
    assert_eq!(dead.value, Some(1));
}
