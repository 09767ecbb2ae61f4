//! Slot fillers: real place names and codes (facts, from the Kemendagri 2025 list), and
//! invented people, outlets, schools and parties.

/// A regency or city: Kemendagri code, official name, three of its districts.
#[derive(Debug)]
pub(crate) struct Regency {
    pub code: &'static str,
    pub name: &'static str,
    pub districts: [&'static str; 3],
}

macro_rules! regencies {
    ($(($code:literal, $name:literal, [$a:literal, $b:literal, $c:literal])),* $(,)?) => {
        &[$(Regency { code: $code, name: $name, districts: [$a, $b, $c] }),*]
    };
}

pub(crate) const REGENCIES: &[Regency] = regencies![
    (
        "32.05",
        "Kabupaten Garut",
        ["Garut Kota", "Karangpawitan", "Wanaraja"]
    ),
    (
        "32.01",
        "Kabupaten Bogor",
        ["Cibinong", "Gunungputri", "Citeureup"]
    ),
    (
        "32.71",
        "Kota Bogor",
        ["Bogor Selatan", "Bogor Timur", "Bogor Tengah"]
    ),
    (
        "32.73",
        "Kota Bandung",
        ["Sukasari", "Coblong", "Babakan Ciparay"]
    ),
    (
        "32.03",
        "Kabupaten Cianjur",
        ["Cianjur", "Warungkondang", "Cibeber"]
    ),
    (
        "32.02",
        "Kabupaten Sukabumi",
        ["Palabuhanratu", "Simpenan", "Cikakak"]
    ),
    (
        "32.06",
        "Kabupaten Tasikmalaya",
        ["Cipatujah", "Karangnunggal", "Cikalong"]
    ),
    (
        "32.76",
        "Kota Depok",
        ["Pancoran Mas", "Cimanggis", "Sawangan"]
    ),
    (
        "32.75",
        "Kota Bekasi",
        ["Bekasi Timur", "Bekasi Barat", "Bekasi Utara"]
    ),
    (
        "35.78",
        "Kota Surabaya",
        ["Karang Pilang", "Wonocolo", "Rungkut"]
    ),
    (
        "35.09",
        "Kabupaten Jember",
        ["Jombang", "Kencong", "Sumberbaru"]
    ),
    (
        "35.29",
        "Kabupaten Sumenep",
        ["Kota Sumenep", "Kalianget", "Manding"]
    ),
    (
        "35.24",
        "Kabupaten Lamongan",
        ["Sukorame", "Bluluk", "Modo"]
    ),
    (
        "35.05",
        "Kabupaten Blitar",
        ["Wonodadi", "Udanawu", "Srengat"]
    ),
    (
        "35.07",
        "Kabupaten Malang",
        ["Donomulyo", "Pagak", "Bantur"]
    ),
    (
        "35.10",
        "Kabupaten Banyuwangi",
        ["Pesanggaran", "Bangorejo", "Purwoharjo"]
    ),
    (
        "33.74",
        "Kota Semarang",
        ["Semarang Tengah", "Semarang Utara", "Semarang Timur"]
    ),
    (
        "33.02",
        "Kabupaten Banyumas",
        ["Lumbir", "Wangon", "Jatilawang"]
    ),
    ("33.09", "Kabupaten Boyolali", ["Selo", "Ampel", "Cepogo"]),
    (
        "33.10",
        "Kabupaten Klaten",
        ["Prambanan", "Gantiwarno", "Wedi"]
    ),
    (
        "33.29",
        "Kabupaten Brebes",
        ["Salem", "Bantarkawung", "Bumiayu"]
    ),
    (
        "33.15",
        "Kabupaten Grobogan",
        ["Kedungjati", "Karangrayung", "Penawangan"]
    ),
    (
        "34.04",
        "Kabupaten Sleman",
        ["Gamping", "Godean", "Moyudan"]
    ),
    (
        "34.02",
        "Kabupaten Bantul",
        ["Srandakan", "Sanden", "Kretek"]
    ),
    (
        "34.03",
        "Kabupaten Gunungkidul",
        ["Wonosari", "Nglipar", "Playen"]
    ),
    (
        "31.75",
        "Kota Administrasi Jakarta Timur",
        ["Matraman", "Pulogadung", "Jatinegara"]
    ),
    (
        "31.74",
        "Kota Administrasi Jakarta Selatan",
        ["Tebet", "Setiabudi", "Mampang Prapatan"]
    ),
    (
        "36.03",
        "Kabupaten Tangerang",
        ["Balaraja", "Jayanti", "Tigaraksa"]
    ),
    (
        "36.02",
        "Kabupaten Lebak",
        ["Malingping", "Panggarangan", "Bayah"]
    ),
    (
        "36.04",
        "Kabupaten Serang",
        ["Kramatwatu", "Waringinkurung", "Bojonegara"]
    ),
    (
        "51.08",
        "Kabupaten Buleleng",
        ["Gerokgak", "Seririt", "Busungbiu"]
    ),
    (
        "51.07",
        "Kabupaten Karangasem",
        ["Rendang", "Sidemen", "Manggis"]
    ),
    (
        "51.03",
        "Kabupaten Badung",
        ["Kuta", "Mengwi", "Abiansemal"]
    ),
    (
        "53.01",
        "Kabupaten Kupang",
        ["Semau", "Kupang Barat", "Kupang Timur"]
    ),
    ("53.71", "Kota Kupang", ["Alak", "Maulafa", "Kelapa Lima"]),
    ("53.07", "Kabupaten Sikka", ["Paga", "Mego", "Lela"]),
    (
        "53.04",
        "Kabupaten Belu",
        ["Lamaknen", "Tasifeto Timur", "Raihat"]
    ),
    (
        "53.02",
        "Kabupaten Timor Tengah Selatan",
        ["Kota Soe", "Mollo Selatan", "Mollo Utara"]
    ),
    (
        "53.10",
        "Kabupaten Manggarai",
        ["Wae Rii", "Ruteng", "Satar Mese"]
    ),
    (
        "53.08",
        "Kabupaten Ende",
        ["Nangapanda", "Pulau Ende", "Ende"]
    ),
    (
        "53.11",
        "Kabupaten Sumba Timur",
        ["Kota Waingapu", "Haharu", "Lewa"]
    ),
    (
        "52.03",
        "Kabupaten Lombok Timur",
        ["Keruak", "Sakra", "Terara"]
    ),
    ("52.06", "Kabupaten Bima", ["Monta", "Bolo", "Woha"]),
    ("73.71", "Kota Makassar", ["Mariso", "Mamajang", "Makassar"]),
    (
        "73.06",
        "Kabupaten Gowa",
        ["Bontonompo", "Bajeng", "Tompobulu"]
    ),
    ("73.08", "Kabupaten Bone", ["Bontocani", "Kahu", "Kajuara"]),
    (
        "12.71",
        "Kota Medan",
        ["Medan Kota", "Medan Sunggal", "Medan Helvetia"]
    ),
    (
        "12.07",
        "Kabupaten Deli Serdang",
        ["Gunung Meriah", "Tanjung Morawa", "Sibolangit"]
    ),
    (
        "12.06",
        "Kabupaten Karo",
        ["Kabanjahe", "Berastagi", "Barusjahe"]
    ),
    (
        "13.71",
        "Kota Padang",
        ["Padang Selatan", "Padang Timur", "Padang Barat"]
    ),
    (
        "16.71",
        "Kota Palembang",
        ["Ilir Barat Dua", "Seberang Ulu Satu", "Seberang Ulu Dua"]
    ),
    (
        "16.02",
        "Kabupaten Ogan Komering Ilir",
        ["Tanjung Lubuk", "Pedamaran", "Mesuji"]
    ),
    (
        "14.71",
        "Kota Pekanbaru",
        ["Sukajadi", "Pekanbaru Kota", "Sail"]
    ),
    (
        "11.08",
        "Kabupaten Aceh Utara",
        ["Baktiya", "Dewantara", "Kuta Makmur"]
    ),
    (
        "11.71",
        "Kota Banda Aceh",
        ["Baiturrahman", "Kuta Alam", "Meuraxa"]
    ),
    (
        "61.71",
        "Kota Pontianak",
        ["Pontianak Selatan", "Pontianak Timur", "Pontianak Barat"]
    ),
    (
        "61.01",
        "Kabupaten Sambas",
        ["Sambas", "Teluk Keramat", "Jawai"]
    ),
    (
        "64.72",
        "Kota Samarinda",
        ["Palaran", "Samarinda Seberang", "Samarinda Ulu"]
    ),
    (
        "64.71",
        "Kota Balikpapan",
        ["Balikpapan Timur", "Balikpapan Barat", "Balikpapan Utara"]
    ),
    (
        "63.71",
        "Kota Banjarmasin",
        [
            "Banjarmasin Selatan",
            "Banjarmasin Timur",
            "Banjarmasin Barat"
        ]
    ),
    ("71.71", "Kota Manado", ["Bunaken", "Tuminting", "Singkil"]),
    ("81.71", "Kota Ambon", ["Nusaniwe", "Sirimau", "Baguala"]),
    (
        "91.71",
        "Kota Jayapura",
        ["Jayapura Utara", "Jayapura Selatan", "Abepura"]
    ),
    (
        "94.04",
        "Kabupaten Mimika",
        ["Mimika Baru", "Agimuga", "Mimika Timur"]
    ),
    (
        "52.71",
        "Kota Mataram",
        ["Ampenan", "Mataram", "Cakranegara"]
    ),
    (
        "18.01",
        "Kabupaten Lampung Selatan",
        ["Natar", "Tanjung Bintang", "Kalianda"]
    ),
    (
        "18.71",
        "Kota Bandar Lampung",
        ["Kedaton", "Sukarame", "Tanjungkarang Barat"]
    ),
    (
        "15.71",
        "Kota Jambi",
        ["Telanaipura", "Jambi Selatan", "Jambi Timur"]
    ),
    (
        "72.71",
        "Kota Palu",
        ["Palu Timur", "Palu Barat", "Palu Selatan"]
    ),
];

/// Province names by Kemendagri code.
pub(crate) const PROVINCES: &[(&str, &str)] = &[
    ("11", "Aceh"),
    ("12", "Sumatera Utara"),
    ("13", "Sumatera Barat"),
    ("14", "Riau"),
    ("15", "Jambi"),
    ("16", "Sumatera Selatan"),
    ("18", "Lampung"),
    ("31", "DKI Jakarta"),
    ("32", "Jawa Barat"),
    ("33", "Jawa Tengah"),
    ("34", "Daerah Istimewa Yogyakarta"),
    ("35", "Jawa Timur"),
    ("36", "Banten"),
    ("51", "Bali"),
    ("52", "Nusa Tenggara Barat"),
    ("53", "Nusa Tenggara Timur"),
    ("61", "Kalimantan Barat"),
    ("63", "Kalimantan Selatan"),
    ("64", "Kalimantan Timur"),
    ("71", "Sulawesi Utara"),
    ("72", "Sulawesi Tengah"),
    ("73", "Sulawesi Selatan"),
    ("81", "Maluku"),
    ("91", "Papua"),
    ("94", "Papua Tengah"),
];

impl Regency {
    /// Province code: the part of the regency code before the dot.
    pub fn province_code(&self) -> &'static str {
        self.code.split('.').next().unwrap_or(self.code)
    }

    /// Province name.
    pub fn province(&self) -> &'static str {
        let code = self.province_code();
        PROVINCES
            .iter()
            .find(|(c, _)| *c == code)
            .map_or("Indonesia", |(_, n)| n)
    }

    /// The name people use: "Garut", "Bogor", "Jakarta Timur".
    pub fn short(&self) -> &'static str {
        ["Kota Administrasi ", "Kabupaten ", "Kota "]
            .iter()
            .find_map(|p| self.name.strip_prefix(p))
            .unwrap_or(self.name)
    }

    /// A city ("kota") rather than a regency.
    pub fn is_city(&self) -> bool {
        self.name.starts_with("Kota ")
    }

    /// Index of the regency with this code.
    pub fn by_code(code: &str) -> Option<&'static Regency> {
        REGENCIES.iter().find(|r| r.code == code)
    }
}

/// Villages: common Indonesian village names (many villages share them).
pub(crate) const VILLAGES: &[&str] = &[
    "Sukamaju",
    "Mekarsari",
    "Sukajadi",
    "Cibodas",
    "Margamulya",
    "Sidomulyo",
    "Sumberejo",
    "Tegalsari",
    "Karanganyar",
    "Sukaresmi",
    "Mulyasari",
    "Kedungwaru",
    "Banjarsari",
    "Wonorejo",
    "Jatimulyo",
    "Tanjungsari",
    "Suka Damai",
    "Oebelo",
    "Waioti",
    "Nangahale",
];

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Hendra",
    "Yuliana",
    "Agus",
    "Siti",
    "Bambang",
    "Rina",
    "Dedi",
    "Maria",
    "Yohanes",
    "Nurhayati",
    "Slamet",
    "Fransiska",
    "Rahmat",
    "Dewi",
    "Wayan",
    "Ketut",
    "Andi",
    "Lestari",
    "Stefanus",
    "Herlina",
    "Budi",
    "Ratna",
    "Imam",
    "Theresia",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Wijaya",
    "Setiawan",
    "Kurniawan",
    "Lestari",
    "Santoso",
    "Pratama",
    "Nggadas",
    "Sitompul",
    "Hasibuan",
    "Suryani",
    "Daeng Ngalle",
    "Mbete",
    "Wardana",
    "Hidayat",
    "Nugroho",
    "Saragih",
    "Kolo",
    "Manurung",
    "Pangaribuan",
    "Rahmawati",
    "Tefa",
    "Parwata",
];

/// Invented Indonesian outlets: display name and domain.
pub(crate) const OUTLETS_ID: &[(&str, &str)] = &[
    ("WARTAKITA.id", "wartakita.id"),
    ("KABARNUSA.com", "kabarnusa.com"),
    ("BERITADAERAH.co.id", "beritadaerah.co.id"),
    ("SUARATIMUR.id", "suaratimur.id"),
    ("LENSAJABAR.com", "lensajabar.com"),
    ("PORTALPERTIWI.com", "portalpertiwi.com"),
    ("HARIANSELATAN.id", "harianselatan.id"),
    ("INFOWARGA.co.id", "infowarga.co.id"),
];

/// Invented English-language wires and papers.
pub(crate) const OUTLETS_EN: &[(&str, &str)] = &[
    ("Asia Health Wire", "asiahealthwire.example"),
    ("SEA Tribune", "seatribune.example"),
    ("Regional Desk", "regionaldesk.example"),
];

/// Invented Malay-language outlets.
pub(crate) const OUTLETS_MS: &[(&str, &str)] = &[
    ("Warta Semenanjung", "wartasemenanjung.example"),
    ("Berita Negeri", "beritanegeri.example"),
];

/// Invented parties and clubs, so no real organisation is misquoted.
pub(crate) const PARTIES: &[&str] = &[
    "Partai Karya Bangsa",
    "Partai Suara Rakyat",
    "Partai Nusantara Maju",
    "Partai Pelita Umat",
];

/// An ASEAN location outside Indonesia for English and Malay stories.
pub(crate) struct ForeignPlace {
    pub country: &'static str,
    pub country_name: &'static str,
    pub division: &'static str,
    pub city: &'static str,
    pub ministry: &'static str,
}

pub(crate) const FOREIGN: &[ForeignPlace] = &[
    ForeignPlace {
        country: "MYS",
        country_name: "Malaysia",
        division: "Selangor",
        city: "Shah Alam",
        ministry: "Health Ministry",
    },
    ForeignPlace {
        country: "MYS",
        country_name: "Malaysia",
        division: "Johor",
        city: "Johor Bahru",
        ministry: "Health Ministry",
    },
    ForeignPlace {
        country: "PHL",
        country_name: "the Philippines",
        division: "Central Visayas",
        city: "Cebu City",
        ministry: "Department of Health",
    },
    ForeignPlace {
        country: "PHL",
        country_name: "the Philippines",
        division: "Iloilo",
        city: "Iloilo City",
        ministry: "Department of Health",
    },
    ForeignPlace {
        country: "VNM",
        country_name: "Vietnam",
        division: "Dong Nai",
        city: "Bien Hoa",
        ministry: "Ministry of Health",
    },
    ForeignPlace {
        country: "VNM",
        country_name: "Vietnam",
        division: "Ho Chi Minh City",
        city: "Ho Chi Minh City",
        ministry: "Ministry of Health",
    },
    ForeignPlace {
        country: "THA",
        country_name: "Thailand",
        division: "Chiang Mai",
        city: "Chiang Mai",
        ministry: "Department of Disease Control",
    },
    ForeignPlace {
        country: "KHM",
        country_name: "Cambodia",
        division: "Siem Reap",
        city: "Siem Reap",
        ministry: "Ministry of Health",
    },
];

/// Malaysian states and towns for Malay stories.
pub(crate) const MALAY_PLACES: &[(&str, &str)] = &[
    ("Selangor", "Petaling Jaya"),
    ("Johor", "Batu Pahat"),
    ("Kedah", "Alor Setar"),
    ("Perak", "Ipoh"),
    ("Sabah", "Kota Kinabalu"),
    ("Kelantan", "Kota Bharu"),
];
