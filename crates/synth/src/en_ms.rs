//! English ASEAN wire-style reports and Malaysian Malay news, outbreak and noise.

use crate::data::{FIRST_NAMES, FOREIGN, LAST_NAMES, MALAY_PLACES, OUTLETS_EN, OUTLETS_MS};
use crate::text::{self, digits, fill};
use crate::{Rng, SynthArticle, Truth, TruthCount};
use jiff::civil::Date;

const EN_LEAD: &[&str] = &[
    "{CITY}, {date_en} ({outlet}) - {Disease} cases in {division} have climbed to {c} since the start of the year, health officials said on {day}, with {d} deaths recorded so far.",
    "{CITY}, {date_en} ({outlet}) - Health authorities in {country_name} are stepping up efforts to contain a surge in {disease} after {c} cases were reported in {division}, including {d} deaths, the {ministry} said on {day}.",
];

const EN_GENERIC: &[&str] = &[
    "The {ministry} said the number of weekly infections was {pct} percent higher than in the same period last year, and urged local authorities to step up prevention campaigns in residential areas.",
    "\"We are seeing more cases among school-age children and young adults,\" {official}, a senior official at the {division} health department, told reporters. \"Most patients recover with early treatment, but people should not wait until symptoms become severe.\"",
    "Hospitals in {city} have set up additional wards to cope with the influx of patients, and some clinics have extended their opening hours into the evening.",
    "The {ministry} advised the public to seek medical attention if fever persists for more than two days and not to take painkillers such as aspirin or ibuprofen without a doctor's advice.",
    "Officials said the figures are provisional and may be revised as laboratory results come in from district hospitals.",
    "The state health director said surveillance teams had been deployed to trace contacts and identify clusters, and that daily updates would be published on the department's website.",
    "Opposition lawmakers called on the government to allocate more money for disease control and public awareness, saying the response had been slow compared with previous outbreaks.",
    "Schools in the affected districts have been told to inspect their compounds weekly and to report any student with prolonged fever to the nearest clinic.",
    "Private hospitals reported a rise in outpatient visits, with some patients waiting several hours to be seen, according to staff.",
    "In {city}, community volunteers have joined health workers in weekend clean-up drives, removing rubbish and water containers from vacant lots, drains and school grounds.",
    "Health experts say the real number of infections is likely higher than reported, because many people with mild symptoms do not seek treatment or are treated at private clinics that report late.",
    "The {ministry} has also reminded doctors to notify suspected cases within 24 hours so that control teams can respond quickly in the affected neighbourhoods.",
    "Provincial authorities said they would review the situation at the end of the month and decide whether further measures, such as additional funding for district hospitals, were needed.",
    "Blood banks in {city} appealed for donors after demand for platelets rose sharply in recent weeks, a hospital spokesperson said.",
];

struct EnDisease {
    id: &'static str,
    name: &'static str,
    facts: &'static [&'static str],
}

const EN_DISEASES: &[EnDisease] = &[
    EnDisease {
        id: "dengue",
        name: "dengue",
        facts: &[
            "Dengue is transmitted by the Aedes mosquito, which breeds in stagnant water. Symptoms include high fever, severe headache, pain behind the eyes, muscle and joint pain, and rash.",
            "Health workers have been carrying out fogging operations and house-to-house inspections to destroy mosquito breeding sites, particularly in densely populated neighbourhoods and construction sites.",
            "Local councils have been asked to clear clogged drains and abandoned tyres, and to fine property owners whose premises are found with mosquito larvae.",
            "Residents interviewed in {city} said they had noticed more mosquitoes since the start of the rainy season. \"We empty the water containers every few days now,\" said {resident}, a shop owner.",
        ],
    },
    EnDisease {
        id: "leptospirosis",
        name: "leptospirosis",
        facts: &[
            "Leptospirosis is caused by bacteria spread through water or soil contaminated with the urine of infected animals, mainly rats. Cases typically rise in the weeks after floods.",
            "Authorities distributed preventive antibiotics to residents of flood-hit areas and urged them to wear boots and gloves while cleaning mud out of their homes.",
        ],
    },
    EnDisease {
        id: "measles",
        name: "measles",
        facts: &[
            "Measles is highly contagious and spreads through coughing and sneezing. It causes fever, cough, red eyes and a rash, and can lead to pneumonia in young children.",
            "The health department has launched a catch-up vaccination drive for children in the affected villages, after finding that many had missed routine shots.",
        ],
    },
];

const EN_NOISE: &[&str] = &[
    "Tourist arrivals in {country_name} rose in the first half of the year as new flight routes opened, the tourism board said on {day}, with visitors from neighbouring countries making up the largest share.",
    "Hotel occupancy in {city} reached its highest level in five years during the school holidays, according to an industry association, which urged the government to invest more in public transport.",
    "Economists said the recovery in tourism had helped offset weaker exports of electronics and palm oil, but warned that rising prices could dampen domestic spending in the coming months.",
    "\"We are cautiously optimistic,\" {official}, chief executive of a regional travel agency, said in an interview. \"Bookings for the end of the year are already ahead of last year.\"",
    "The central bank kept its benchmark interest rate unchanged at its latest meeting, citing stable inflation and steady growth in household consumption.",
    "Small businesses in the old town of {city} said foot traffic had returned to pre-pandemic levels, although some complained about higher rents and a shortage of workers.",
    "Provincial officials in {division} announced plans to upgrade roads and ferry terminals, saying better connections would spread visitors beyond the main resort areas.",
    "Airlines added extra flights for the holiday season, and the national carrier said it would lease two more aircraft to meet demand on regional routes.",
    "Environmental groups urged the authorities to limit visitor numbers at popular beaches and marine parks, where coral damage and waste have become a concern.",
    "Analysts expect the sector to keep growing next year if visa rules for regional travellers are eased as planned.",
    "Visitors from China, South Korea and Australia also increased, helped by more direct flights and promotional campaigns at travel fairs abroad.",
    "Restaurant owners along the waterfront said weekend sales had doubled compared with last year, though many were still struggling to find cooks and waiters.",
    "The government has set a target of attracting more long-stay visitors, including remote workers and retirees, through a new visa category introduced earlier this year.",
    "Ride-hailing drivers and tour guides said the busier season had improved their income, but rising fuel prices were eating into their earnings.",
    "Local authorities in {division} are also promoting village homestays and cultural festivals, hoping to draw tourists away from crowded city centres.",
    "Property developers reported stronger demand for serviced apartments in {city}, with several new projects due to open within the next two years.",
    "The tourism board said it would publish detailed figures for the third quarter next month, including spending per visitor and average length of stay.",
    "Trade officials meanwhile said exports of processed food and furniture had picked up, offsetting part of the slowdown in manufacturing.",
];

const MS_LEAD: &[&str] = &[
    "{CITY}: Jumlah kes denggi di {state} meningkat kepada {c} kes sejak awal tahun, dengan {d} kematian dilaporkan, kata Jabatan Kesihatan Negeri {state} semalam.",
    "{CITY}: Seramai {c} orang dijangkiti denggi di {state} setakat minggu ini, termasuk {d} kes kematian, menurut kenyataan Jabatan Kesihatan Negeri {day}.",
];

const MS_BODY: &[&str] = &[
    "Pengarah Kesihatan Negeri, {official}, berkata peningkatan kes paling ketara direkodkan di kawasan perumahan padat dan tapak pembinaan yang mempunyai banyak takungan air.",
    "\"Orang ramai dinasihatkan supaya segera mendapatkan rawatan di klinik berhampiran jika mengalami demam berterusan lebih daripada dua hari,\" katanya dalam satu kenyataan {day}.",
    "Aktiviti semburan kabus dan pemeriksaan premis dijalankan setiap hari oleh pasukan kawalan vektor bersama pihak berkuasa tempatan.",
    "Menurutnya, pemilik premis yang didapati membiakkan jentik-jentik nyamuk Aedes boleh dikenakan kompaun mengikut undang-undang yang sedang berkuat kuasa.",
    "Seorang penduduk, {resident}, berkata kempen gotong-royong membersihkan kawasan kediaman diadakan setiap hujung minggu sejak kes meningkat.",
    "Denggi disebarkan oleh nyamuk Aedes. Gejalanya termasuk demam tinggi, sakit kepala yang teruk, sakit di belakang mata, sakit otot dan sendi serta ruam.",
    "Kerajaan negeri turut memperuntukkan dana tambahan bagi kempen kesedaran awam dan pembelian racun serangga untuk kegunaan pasukan kawalan vektor.",
    "Hospital kerajaan di {state} kini bersiap sedia dengan katil tambahan bagi menampung pesakit denggi yang memerlukan rawatan wad.",
    "Beliau turut menasihatkan majikan di tapak pembinaan supaya memastikan kawasan kerja bebas daripada bekas yang boleh menakung air hujan.",
    "Jabatan itu akan terus memantau situasi dan mengemas kini jumlah kes dari semasa ke semasa.",
    "Menurut statistik jabatan itu, kawasan yang mencatatkan kes tertinggi ialah kawasan perumahan bertingkat dan penempatan pekerja di sekitar bandar.",
    "Orang ramai juga diingatkan supaya memastikan tiada bekas, tayar terpakai atau pasu bunga yang boleh menakung air di sekitar rumah masing-masing.",
    "Sekolah-sekolah di kawasan terjejas turut diarahkan menjalankan aktiviti pembersihan setiap minggu dengan kerjasama persatuan ibu bapa dan guru.",
    "Beliau berkata, kebanyakan pesakit yang meninggal dunia lewat mendapatkan rawatan dan sudah berada dalam keadaan kritikal ketika tiba di hospital.",
    "Pihak berkuasa tempatan pula akan meningkatkan kekerapan kutipan sampah dan pembersihan longkang di kawasan yang dikenal pasti sebagai kawasan panas denggi.",
    "Pakar kesihatan awam berpendapat cuaca panas dan hujan berselang-seli sejak kebelakangan ini menyumbang kepada pembiakan nyamuk yang lebih cepat.",
];

const MS_NOISE: &[&str] = &[
    "{CITY}: Kerajaan negeri {state} akan memperuntukkan dana tambahan untuk menaik taraf jalan luar bandar tahun depan, kata Menteri Besar dalam satu majlis {day}.",
    "Menurutnya, projek itu dijangka memberi manfaat kepada lebih ramai penduduk kampung yang selama ini berdepan masalah jalan rosak terutama ketika musim hujan.",
    "Selain itu, kerajaan negeri juga merancang membina lebih banyak gerai untuk peniaga kecil di pekan-pekan utama bagi membantu meningkatkan pendapatan mereka.",
    "Seorang peniaga, {resident}, berkata langkah itu dialu-alukan kerana ramai peniaga kecil masih bergelut dengan kos sewa dan bahan mentah yang tinggi.",
    "Dalam perkembangan lain, pasukan bola sepak negeri mencatat kemenangan 2-1 dalam perlawanan Liga Super, sekali gus memperbaiki kedudukan mereka dalam carta liga.",
    "Jurulatih pasukan itu berkata pemain menunjukkan semangat juang yang tinggi walaupun beberapa pemain utama tidak dapat beraksi akibat kecederaan.",
    "Pihak berkuasa tempatan turut mengingatkan orang ramai supaya mematuhi peraturan tempat letak kereta di pusat bandar yang sering sesak pada hujung minggu.",
    "Program pembangunan usahawan muda akan dilancarkan bulan depan dengan penyertaan lebih 200 peserta dari seluruh negeri.",
    "Kerajaan negeri juga menyasarkan peningkatan kedatangan pelancong melalui promosi festival kebudayaan dan makanan tempatan.",
    "Orang ramai boleh mendapatkan maklumat lanjut melalui laman web rasmi kerajaan negeri atau pejabat daerah masing-masing.",
    "Menteri Besar berkata, kerajaan negeri komited untuk memastikan pembangunan yang seimbang antara kawasan bandar dan luar bandar.",
    "Antara projek yang akan dilaksanakan termasuk pembinaan jambatan baharu, pembaikan jalan kampung dan pemasangan lampu jalan di kawasan yang kerap berlaku kemalangan.",
    "Sementara itu, harga barang keperluan harian di pasar-pasar utama negeri dilaporkan stabil walaupun permintaan meningkat menjelang cuti sekolah.",
    "Persatuan peniaga tempatan berharap kerajaan turut menyediakan skim pinjaman mudah bagi membantu peniaga kecil mengembangkan perniagaan.",
    "Dalam pada itu, pihak polis akan mempergiatkan operasi lalu lintas sepanjang musim cuti bagi memastikan keselamatan pengguna jalan raya.",
    "Penduduk di beberapa kampung turut memohon agar perkhidmatan bas awam ditambah kerana ramai pelajar dan warga emas bergantung kepada pengangkutan itu.",
    "Kerajaan negeri juga sedang meneliti cadangan untuk membina pusat komuniti baharu yang boleh digunakan untuk aktiviti belia dan sukan.",
    "Majlis itu turut dihadiri ketua-ketua kampung, wakil agensi kerajaan dan pemimpin masyarakat setempat.",
    "Seorang pesara, {resident}, berkata beliau berharap projek jalan itu dapat disiapkan sebelum musim tengkujuh bermula hujung tahun ini.",
    "Kerajaan negeri turut menggalakkan belia menyertai program latihan kemahiran teknikal yang ditawarkan secara percuma di institut latihan daerah.",
];

fn person(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

fn article(
    id: String,
    date: Date,
    outlet: (&str, &str),
    lang: &str,
    title: String,
    body: String,
    truth: Truth,
) -> SynthArticle {
    let url = format!(
        "https://{}/{}/{}/{}",
        outlet.1,
        if lang == "en" { "news" } else { "berita" },
        text::iso(date).replace('-', "/"),
        text::slug(&title)
    );
    SynthArticle {
        id,
        title,
        text: body,
        published: text::iso(date),
        url,
        source: outlet.0.to_owned(),
        lang: lang.to_owned(),
        truth,
    }
}

fn truth(
    is_outbreak: bool,
    topic: &str,
    disease: Option<&str>,
    country: &str,
    counts: Vec<TruthCount>,
) -> Truth {
    Truth {
        is_outbreak,
        topic: topic.into(),
        disease: disease.map(str::to_owned),
        country: country.into(),
        province_code: None,
        regency_code: None,
        counts,
        klb: false,
        scenario: None,
    }
}

fn human(kind: &str, value: u64) -> TruthCount {
    TruthCount {
        kind: kind.into(),
        value,
        species: "human".into(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// An English wire report about an outbreak elsewhere in ASEAN.
pub(crate) fn english_outbreak(rng: &mut Rng, id: String, date: Date) -> SynthArticle {
    let place = rng.pick(FOREIGN);
    let d = match rng.below(10) {
        0..=6 => &EN_DISEASES[0],
        7 | 8 => &EN_DISEASES[1],
        _ => &EN_DISEASES[2],
    };
    let cases = match d.id {
        "dengue" => rng.range(300, 40_000),
        _ => rng.range(20, 900),
    };
    let deaths = rng.range(1, if d.id == "dengue" { 60 } else { 9 });
    let outlet = *rng.pick(OUTLETS_EN);
    let event = text::add_days(date, -(rng.below(2) as i64));
    let d_text = if deaths < 20 && rng.chance(50) {
        text::words_en(deaths)
    } else {
        digits(deaths, ',')
    };
    let slots = vec![
        ("CITY", place.city.to_uppercase()),
        ("city", place.city.to_owned()),
        ("division", place.division.to_owned()),
        ("country_name", place.country_name.to_owned()),
        ("ministry", place.ministry.to_owned()),
        ("date_en", text::date_en(date)),
        ("day", text::day_en(event)),
        ("outlet", outlet.0.to_owned()),
        ("disease", d.name.to_owned()),
        ("Disease", capitalise(d.name)),
        ("c", digits(cases, ',')),
        ("d", d_text),
        ("pct", rng.range(12, 85).to_string()),
        ("official", person(rng)),
        ("resident", person(rng)),
    ];
    let required = vec![fill(rng.pick::<&str>(EN_LEAD), &slots)];
    let mut optional: Vec<String> = rng
        .shuffled(d.facts)
        .iter()
        .map(|p| fill(p, &slots))
        .collect();
    optional.extend(rng.shuffled(EN_GENERIC).iter().map(|p| fill(p, &slots)));
    let boiler = vec![format!(
        "READ MORE: {}",
        fill("Heavy rain expected across {division} this week", &slots)
    )];
    let target = rng.range(3300, 4600) as usize;
    let body = text::assemble(rng, required, optional, boiler, None, target);
    let title = fill(
        rng.pick::<&str>(&[
            "{Disease} cases in {division} rise to {c}, {d} dead",
            "{country_name} steps up fight against {disease} as cases climb in {division}",
        ]),
        &slots,
    );
    let title = capitalise(&title);
    let t = truth(
        true,
        d.id,
        Some(d.id),
        place.country,
        vec![human("cases", cases), human("deaths", deaths)],
    );
    article(id, date, outlet, "en", title, body, t)
}

/// An English business/tourism report with no outbreak.
pub(crate) fn english_noise(rng: &mut Rng, id: String, date: Date) -> SynthArticle {
    let place = rng.pick(FOREIGN);
    let outlet = *rng.pick(OUTLETS_EN);
    let slots = vec![
        ("city", place.city.to_owned()),
        ("division", place.division.to_owned()),
        ("country_name", place.country_name.to_owned()),
        ("day", text::day_en(date)),
        ("official", person(rng)),
    ];
    let lead = format!(
        "{}, {} ({}) - {}",
        place.city.to_uppercase(),
        text::date_en(date),
        outlet.0,
        fill(EN_NOISE[0], &slots)
    );
    let optional: Vec<String> = rng
        .shuffled(&EN_NOISE[1..])
        .iter()
        .map(|p| fill(p, &slots))
        .collect();
    let target = rng.range(3000, 4200) as usize;
    let body = text::assemble(rng, vec![lead], optional, Vec::new(), None, target);
    let title = capitalise(&fill(
        "Tourism lifts {country_name} economy as visitors return to {city}",
        &slots,
    ));
    let t = truth(false, "economy", None, place.country, Vec::new());
    article(id, date, outlet, "en", title, body, t)
}

/// A Malaysian Malay dengue report.
pub(crate) fn malay_outbreak(rng: &mut Rng, id: String, date: Date) -> SynthArticle {
    let (state, town) = *rng.pick(MALAY_PLACES);
    let outlet = *rng.pick(OUTLETS_MS);
    let cases = rng.range(200, 20_000);
    let deaths = rng.range(1, 25);
    let slots = vec![
        ("CITY", town.to_uppercase()),
        ("state", state.to_owned()),
        ("day", text::hari_ms(date)),
        ("c", digits(cases, ',')),
        ("d", text::words_ms(deaths)),
        ("official", format!("Dr {}", person(rng))),
        ("resident", person(rng)),
    ];
    let required = vec![fill(rng.pick::<&str>(MS_LEAD), &slots)];
    let optional: Vec<String> = rng
        .shuffled(MS_BODY)
        .iter()
        .map(|p| fill(p, &slots))
        .collect();
    let boiler = vec!["BACA: Ramalan cuaca hujan lebat di beberapa negeri minggu ini".to_owned()];
    let target = rng.range(3000, 4200) as usize;
    let body = text::assemble(rng, required, optional, boiler, None, target);
    let title = fill(
        "Kes denggi di {state} meningkat, {d} kematian dilaporkan",
        &slots,
    );
    let t = truth(
        true,
        "dengue",
        Some("dengue"),
        "MYS",
        vec![human("cases", cases), human("deaths", deaths)],
    );
    article(id, date, outlet, "ms", capitalise(&title), body, t)
}

/// Malaysian Malay regional news with no outbreak.
pub(crate) fn malay_noise(rng: &mut Rng, id: String, date: Date) -> SynthArticle {
    let (state, town) = *rng.pick(MALAY_PLACES);
    let outlet = *rng.pick(OUTLETS_MS);
    let slots = vec![
        ("CITY", town.to_uppercase()),
        ("state", state.to_owned()),
        ("day", text::hari_ms(date)),
        ("resident", person(rng)),
    ];
    let required = vec![fill(MS_NOISE[0], &slots)];
    let optional: Vec<String> = rng
        .shuffled(&MS_NOISE[1..])
        .iter()
        .map(|p| fill(p, &slots))
        .collect();
    let target = rng.range(3000, 4200) as usize;
    let body = text::assemble(rng, required, optional, Vec::new(), None, target);
    let title = fill(
        "Kerajaan {state} peruntuk dana tambahan naik taraf jalan luar bandar",
        &slots,
    );
    let t = truth(false, "economy", None, "MYS", Vec::new());
    article(id, date, outlet, "ms", title, body, t)
}
