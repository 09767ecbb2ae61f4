//! Indonesian regional news: outbreak reports and noise.
//!
//! Templates are ours. Each article is required paragraphs (lead, key figures, KLB line)
//! plus shuffled optional ones (quotes, response, residents, disease facts, neutral
//! colour) until the body reaches 3-5 kB, with portal boilerplate slipped in.

use crate::data::{FIRST_NAMES, LAST_NAMES, OUTLETS_ID, PARTIES, REGENCIES, Regency, VILLAGES};
use crate::text::{self, count_id, digits, fill};
use crate::{Rng, SynthArticle, Truth, TruthCount};
use jiff::civil::Date;

/// What kind of host an outbreak is in, which decides offices, counts and wording.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Host {
    Human,
    Animal {
        species: &'static str,
        kind: &'static str,
    },
}

struct Disease {
    id: &'static str,
    /// Long name as first written ("demam berdarah dengue (DBD)").
    long: &'static str,
    /// Short name used afterwards ("DBD").
    short: &'static str,
    host: Host,
    headlines: &'static [&'static str],
    leads: &'static [&'static str],
    facts: &'static [&'static str],
}

const DISEASE_TABLE: &[Disease] = &[
    Disease {
        id: "dengue",
        long: "demam berdarah dengue (DBD)",
        short: "DBD",
        host: Host::Human,
        headlines: &[
            "Kasus DBD di {kabs} Tembus {c_d}, Dinkes Minta Warga Gencarkan PSN",
            "Dinkes {kabs} Catat {c_d} Kasus Demam Berdarah Sejak Awal {bulan}",
            "Demam Berdarah Merebak di {kabs}, Puskesmas Kewalahan",
        ],
        leads: &[],
        facts: &[
            "Gejala DBD antara lain demam tinggi mendadak selama dua hingga tujuh hari, nyeri otot dan sendi, muncul bintik merah di kulit, hingga mimisan. Penyakit ini ditularkan oleh gigitan nyamuk Aedes aegypti yang berkembang biak di genangan air bersih di sekitar rumah.",
            "Untuk menekan penularan, petugas melakukan pengasapan (fogging) di lingkungan rumah pasien serta menggerakkan kader juru pemantau jentik (jumantik). Warga diminta menjalankan gerakan 3M Plus: menguras dan menutup tempat penampungan air serta mendaur ulang barang bekas.",
            "Musim hujan yang datang lebih awal tahun ini membuat banyak genangan air di permukiman padat. Kondisi itu, menurut petugas puskesmas, menjadi tempat ideal bagi nyamuk untuk bertelur dan berkembang biak.",
        ],
    },
    Disease {
        id: "diarrhoea",
        long: "diare",
        short: "diare",
        host: Host::Human,
        headlines: &[
            "Diare Serang Warga {kec}, {c_d} Orang Berobat ke Puskesmas",
            "Kasus Diare di {kabs} Meningkat, Sumber Air Warga Diperiksa",
        ],
        leads: &[],
        facts: &[
            "Para pasien mengeluhkan buang air besar lebih dari lima kali sehari disertai mual, muntah, dan badan lemas. Sebagian di antaranya mengalami dehidrasi sehingga harus mendapatkan cairan infus di puskesmas.",
            "Petugas mengambil sampel air dari sumur warga dan sumber mata air yang dipakai bersama untuk diperiksa di laboratorium kesehatan daerah. Dugaan sementara, sumber air tercemar setelah hujan deras beberapa hari terakhir.",
            "Warga diimbau merebus air sebelum diminum, mencuci tangan dengan sabun sebelum makan, dan segera memberikan oralit kepada anggota keluarga yang mengalami diare, terutama anak balita.",
        ],
    },
    Disease {
        id: "food_poisoning",
        long: "keracunan makanan",
        short: "keracunan pangan",
        host: Host::Human,
        headlines: &[
            "{h_d} Siswa di {kabs} Dirawat Usai Santap Menu MBG",
            "Diduga Keracunan Makan Bergizi Gratis, Siswa {sekolah} Dilarikan ke Puskesmas",
            "Keracunan MBG di {kabs}: {c_d} Korban, Dapur SPPG Ditutup Sementara",
        ],
        leads: &[
            "{dl} Sebanyak {h} siswa {sekolah} di Kecamatan {kec}, {kab}, dirawat di puskesmas dan rumah sakit setelah mengalami mual, muntah, dan pusing usai menyantap menu Makan Bergizi Gratis (MBG), {hari}.",
            "{dl} Dugaan keracunan makanan terjadi di {kab}, {prov}. Sejumlah pelajar {sekolah} mengeluh sakit perut dan muntah-muntah setelah memakan hidangan program Makan Bergizi Gratis (MBG) yang dibagikan di sekolah mereka, {hari}. Sebanyak {h} siswa harus dirawat.",
        ],
        facts: &[
            "Menu yang dibagikan hari itu berupa nasi, ayam goreng, tumis sayur, tahu, dan buah. Beberapa siswa mengaku mencium bau tidak sedap dari lauk ayam sebelum memakannya, tetapi tetap menghabiskan makanan karena lapar.",
            "Petugas Dinas Kesehatan bersama Balai Pengawas Obat dan Makanan (BPOM) mengambil sampel sisa makanan dan muntahan untuk diuji di laboratorium. Hasil uji diperkirakan keluar dalam beberapa hari ke depan.",
            "Kepala Satuan Pelayanan Pemenuhan Gizi (SPPG) yang memasok makanan tersebut menyatakan siap dievaluasi. Distribusi makanan dari dapur itu dihentikan sementara sambil menunggu hasil pemeriksaan laboratorium.",
        ],
    },
    Disease {
        id: "diphtheria",
        long: "difteri",
        short: "difteri",
        host: Host::Human,
        headlines: &[
            "Kasus Difteri Muncul di {kabs}, Dinkes Gelar Imunisasi Massal",
            "{c_d} Anak di {kabs} Terjangkit Difteri",
        ],
        leads: &[],
        facts: &[
            "Difteri disebabkan oleh bakteri Corynebacterium diphtheriae yang menyerang saluran pernapasan. Gejalanya berupa demam, nyeri tenggorokan, dan selaput putih keabu-abuan di tenggorokan yang dapat menyumbat jalan napas.",
            "Dinas kesehatan menggelar Outbreak Response Immunization (ORI) difteri bagi anak usia satu hingga 19 tahun di desa-desa sekitar tempat tinggal pasien. Kontak erat pasien juga diberi obat pencegahan.",
            "Sebagian besar pasien diketahui belum mendapatkan imunisasi lengkap. Petugas mengimbau orangtua memeriksa buku imunisasi anak dan melengkapi vaksin yang tertinggal di posyandu atau puskesmas.",
        ],
    },
    Disease {
        id: "measles",
        long: "campak",
        short: "campak",
        host: Host::Human,
        headlines: &[
            "Campak Menyerang Anak-anak di {kabs}, {c_d} Kasus Tercatat",
            "Kasus Campak di {kabs} Naik, Imunisasi Kejar Digelar",
        ],
        leads: &[],
        facts: &[
            "Campak ditandai demam, batuk, pilek, mata merah, lalu muncul ruam kemerahan yang menyebar dari wajah ke seluruh tubuh. Penyakit ini sangat mudah menular, terutama pada anak yang belum pernah diimunisasi.",
            "Dinas kesehatan menggelar imunisasi kejar bagi anak di wilayah terdampak. Sampel darah pasien dikirim ke laboratorium rujukan untuk memastikan diagnosis.",
            "Petugas menemukan cakupan imunisasi campak-rubela di beberapa desa masih di bawah target. Sebagian orangtua menolak imunisasi karena termakan kabar bohong di media sosial.",
        ],
    },
    Disease {
        id: "rabies",
        long: "rabies",
        short: "rabies",
        host: Host::Human,
        headlines: &[
            "Digigit Anjing, Warga {kabs} Meninggal Akibat Rabies",
            "Korban Meninggal Rabies di {kabs} Jadi {d_d} Orang",
            "Kasus Gigitan Anjing Rabies di {kabs} Terus Bertambah",
        ],
        leads: &[
            "{dl} Seorang warga Desa {desa}, Kecamatan {kec}, {kab}, meninggal dunia setelah digigit anjing yang diduga terjangkit rabies. Dengan kejadian itu, jumlah korban meninggal akibat rabies di {kabs} sejak awal tahun menjadi {d} orang.",
            "{dl} Kasus gigitan hewan penular rabies (GHPR) di {kab}, {prov}, terus meningkat. Hingga {hari}, Dinas Kesehatan mencatat {c} kasus gigitan, sementara {d} korban meninggal dunia.",
        ],
        facts: &[
            "Korban sempat dibawa ke puskesmas, tetapi tidak mendapatkan vaksin antirabies (VAR) secara lengkap. Beberapa hari kemudian korban mengalami gejala takut air dan gelisah sebelum akhirnya meninggal.",
            "Dinas peternakan menggelar vaksinasi massal anjing dan kucing di desa-desa yang menjadi lokasi gigitan. Warga diminta mengikat atau mengandangkan hewan peliharaan mereka agar tidak berkeliaran.",
            "Petugas mengingatkan, setiap korban gigitan harus segera mencuci luka dengan sabun di air mengalir selama lima belas menit, lalu datang ke puskesmas untuk mendapatkan VAR.",
        ],
    },
    Disease {
        id: "african_swine_fever",
        long: "African swine fever (ASF) atau demam babi Afrika",
        short: "ASF",
        host: Host::Animal {
            species: "pig",
            kind: "animals_dead",
        },
        headlines: &[
            "{a_d} Ekor Babi di {kabs} Mati Terserang ASF",
            "Virus ASF Merebak, Peternak Babi di {kabs} Merugi",
        ],
        leads: &[
            "{dl} Kematian ternak babi akibat African swine fever (ASF) atau demam babi Afrika di {kab}, {prov}, terus bertambah. Hingga {hari}, Dinas Peternakan mencatat {a} ekor babi mati.",
            "{dl} Sebanyak {a} ekor babi milik peternak di Kecamatan {kec} dan {kec2}, {kab}, mati dalam tiga pekan terakhir. Hasil uji laboratorium memastikan ternak tersebut terjangkit virus demam babi Afrika (ASF).",
        ],
        facts: &[
            "Virus ASF tidak menular ke manusia, tetapi sangat mematikan bagi babi. Hingga kini belum ada vaksin yang efektif, sehingga pencegahan hanya bisa dilakukan dengan biosekuriti yang ketat di kandang.",
            "Babi yang terserang ASF umumnya mengalami demam tinggi, tidak mau makan, dan kulit kemerahan di telinga serta perut sebelum mati dalam beberapa hari.",
        ],
    },
    Disease {
        id: "foot_and_mouth_disease",
        long: "penyakit mulut dan kuku (PMK)",
        short: "PMK",
        host: Host::Animal {
            species: "cattle",
            kind: "animals_affected",
        },
        headlines: &[
            "{a_d} Ekor Sapi di {kabs} Terjangkit PMK",
            "PMK Kembali Serang Ternak di {kabs}, Pasar Hewan Ditutup",
        ],
        leads: &[
            "{dl} Penyakit mulut dan kuku (PMK) kembali menyerang ternak di {kab}, {prov}. Dinas Peternakan mencatat {a} ekor sapi terjangkit PMK dalam sebulan terakhir.",
            "{dl} Sebanyak {a} ekor sapi di Kecamatan {kec}, {kab}, terjangkit penyakit mulut dan kuku (PMK). Ternak menunjukkan gejala lepuh di mulut dan kuku, air liur berlebihan, serta tidak mau makan.",
        ],
        facts: &[
            "Pemerintah daerah juga menggelar vaksinasi PMK bagi sapi, kerbau, dan kambing di kecamatan yang belum terjangkit. Pasar hewan ditutup sementara selama dua pekan untuk memutus rantai penularan.",
            "PMK tidak menular ke manusia, tetapi menurunkan produksi susu dan berat badan ternak secara drastis sehingga merugikan peternak.",
        ],
    },
    Disease {
        id: "avian_influenza",
        long: "flu burung",
        short: "flu burung",
        host: Host::Animal {
            species: "chicken",
            kind: "animals_dead",
        },
        headlines: &[
            "{a_d} Ekor Ayam Mati Mendadak di {kabs}, Positif Flu Burung",
            "Flu Burung Ditemukan di {kabs}, Unggas Warga Dimusnahkan",
        ],
        leads: &[
            "{dl} Sebanyak {a} ekor ayam milik warga Desa {desa}, Kecamatan {kec}, {kab}, mati mendadak. Hasil uji cepat menunjukkan unggas tersebut positif flu burung atau avian influenza.",
            "{dl} Kasus flu burung pada unggas ditemukan di {kab}, {prov}. Dinas Peternakan setempat mencatat {a} ekor ayam mati dalam sepekan terakhir.",
        ],
        facts: &[
            "Petugas memusnahkan seluruh unggas di sekitar lokasi temuan dalam radius satu kilometer. Warga yang sempat kontak dengan unggas mati dipantau kesehatannya oleh puskesmas setempat.",
            "Warga diminta tidak menyentuh unggas yang mati tanpa sarung tangan dan segera mengubur bangkainya, serta tidak menjual atau mengonsumsi unggas yang sakit.",
        ],
    },
    Disease {
        id: "leptospirosis",
        long: "leptospirosis",
        short: "leptospirosis",
        host: Host::Human,
        headlines: &[
            "Usai Banjir, Kasus Leptospirosis di {kabs} Meningkat",
            "{c_d} Warga {kabs} Terjangkit Leptospirosis",
        ],
        leads: &[],
        facts: &[
            "Leptospirosis ditularkan melalui air atau tanah yang tercemar urine tikus. Kasus biasanya meningkat setelah banjir, ketika warga membersihkan rumah tanpa alas kaki dan sarung tangan.",
            "Pasien umumnya datang dengan keluhan demam, nyeri betis, dan mata kemerahan. Pada kasus berat, penyakit ini dapat menyebabkan gangguan ginjal dan hati.",
            "Dinas kesehatan meminta warga di daerah bekas banjir memakai sepatu bot saat membersihkan lumpur dan segera memeriksakan diri bila mengalami demam.",
        ],
    },
    Disease {
        id: "chikungunya",
        long: "chikungunya",
        short: "chikungunya",
        host: Host::Human,
        headlines: &[
            "Chikungunya Serang Warga {kec}, {c_d} Orang Sulit Berjalan",
            "Kasus Chikungunya Merebak di {kabs}",
        ],
        leads: &[],
        facts: &[
            "Chikungunya ditularkan oleh nyamuk Aedes, sama seperti DBD. Penderitanya mengalami demam dan nyeri sendi hebat sehingga sulit berjalan, meski penyakit ini jarang menimbulkan kematian.",
            "Warga Desa {desa} menyebut penyakit ini sebagai flu tulang karena banyak penderita yang tidak bisa bangun dari tempat tidur selama berhari-hari.",
            "Petugas puskesmas melakukan pemeriksaan jentik dari rumah ke rumah dan membagikan bubuk larvasida kepada warga.",
        ],
    },
    Disease {
        id: "covid_19",
        long: "COVID-19",
        short: "COVID-19",
        host: Host::Human,
        headlines: &[
            "Kasus COVID-19 di {kabs} Naik Lagi, Warga Diminta Pakai Masker",
            "Dinkes {kabs} Catat {c_d} Kasus Baru COVID-19",
        ],
        leads: &[],
        facts: &[
            "Sebagian besar pasien mengalami gejala ringan seperti batuk, pilek, dan demam, sehingga cukup menjalani isolasi mandiri di rumah. Pasien dengan penyakit penyerta dirujuk ke rumah sakit.",
            "Dinas kesehatan kembali mengaktifkan layanan tes di puskesmas dan mengimbau warga lanjut usia melengkapi vaksinasi penguat.",
            "Warga diminta kembali memakai masker di tempat ramai dan di fasilitas kesehatan, serta tidak memaksakan diri beraktivitas saat sakit.",
        ],
    },
];

fn disease(id: &str) -> &'static Disease {
    DISEASE_TABLE
        .iter()
        .find(|d| d.id == id)
        .unwrap_or(&DISEASE_TABLE[0])
}

const HUMAN_LEADS: &[&str] = &[
    "{dl} Kasus {pen} di {kab}, {prov}, terus bertambah. Hingga {hari}, Dinas Kesehatan setempat mencatat {c} kasus{dc}.",
    "{dl} Sebanyak {c} warga {kab} dilaporkan terjangkit {pen} sejak awal {bulan}.{dc2}",
    "{dl} Dinas Kesehatan (Dinkes) {kab} mencatat lonjakan kasus {pen}. Dalam dua pekan terakhir, {c} kasus ditemukan di sejumlah kecamatan, terbanyak di Kecamatan {kec}.{dc2}",
];

const HUMAN_QUOTES: &[&str] = &[
    "\"Kami terus melakukan penyelidikan epidemiologi di lapangan. Setiap ada laporan kasus baru, petugas puskesmas langsung turun ke rumah pasien dan lingkungan sekitarnya,\" kata Kepala Dinas Kesehatan {kab}, {kadis}, saat dihubungi, {hari}.",
    "{kadis_s} mengatakan, penambahan kasus paling banyak terjadi di Kecamatan {kec} dan Kecamatan {kec2}. Menurut dia, kepadatan penduduk dan mobilitas warga yang tinggi membuat penularan sulit dibendung dalam waktu singkat.",
    "\"Masyarakat jangan panik, tetapi tetap waspada. Jika ada anggota keluarga yang mengalami gejala, segera bawa ke fasilitas kesehatan terdekat agar cepat ditangani,\" ujar {kadis_s}.",
];

const HUMAN_RESPONSE: &[&str] = &[
    "Dinas Kesehatan juga telah mengirimkan surat edaran kepada seluruh puskesmas dan rumah sakit agar melaporkan setiap kasus baru dalam waktu 24 jam. Laporan tersebut menjadi dasar pemetaan wilayah yang paling terdampak.",
    "Selain itu, tim surveilans membuka posko pemantauan di Desa {desa}, Kecamatan {kec}. Posko tersebut melayani warga setiap hari mulai pagi hingga sore dan dijaga bergantian oleh petugas puskesmas.",
    "Stok obat-obatan dan bahan medis habis pakai di puskesmas disebut masih mencukupi. Namun, dinas kesehatan sudah mengajukan tambahan logistik ke pemerintah provinsi untuk mengantisipasi lonjakan pasien.",
    "Camat {kec}, {camat}, mengatakan pihaknya bersama perangkat desa dan tokoh masyarakat ikut menyosialisasikan langkah pencegahan. Pengumuman disampaikan melalui pengeras suara masjid dan grup percakapan warga.",
    "Salah seorang warga Desa {desa}, {warga}, mengaku khawatir setelah tetangganya dirawat di rumah sakit. Ia berharap pemerintah daerah bergerak cepat agar penyakit tersebut tidak meluas ke kampung lain.",
    "Anggota DPRD {kab} dari Komisi IV meminta pemerintah daerah menyiapkan anggaran tanggap darurat. Menurut dia, penanganan yang lambat berisiko membuat jumlah pasien terus bertambah dalam beberapa pekan ke depan.",
];

const ANIMAL_RESPONSE: &[&str] = &[
    "Kepala Bidang Kesehatan Hewan Dinas Peternakan {kab}, {kabid}, mengatakan petugas telah mengambil sampel darah dan organ ternak untuk diperiksa di balai veteriner. \"Kami minta peternak segera melapor jika ada ternak yang sakit atau mati mendadak,\" ujarnya, {hari}.",
    "Untuk mencegah penyebaran, pemerintah daerah memperketat lalu lintas ternak antarkecamatan. Pos pemeriksaan didirikan di perbatasan, dan setiap ternak yang masuk wajib dilengkapi surat keterangan kesehatan hewan.",
    "Peternak di Desa {desa}, {warga}, mengaku merugi puluhan juta rupiah. Sebagian peternak terpaksa menjual ternak yang masih sehat dengan harga murah karena takut tertular.",
    "Petugas juga menyemprotkan disinfektan di kandang-kandang warga dan menyosialisasikan biosekuriti, seperti membatasi orang yang keluar masuk kandang dan tidak memberikan pakan dari sisa makanan.",
    "Dinas Peternakan menegaskan daging dari ternak yang sehat tetap aman dikonsumsi asalkan dimasak hingga matang. Warga diminta tidak membuang bangkai ternak ke sungai atau tempat terbuka.",
];

const KLB_DECLARED: &[&str] = &[
    "Melihat perkembangan tersebut, {pemda} menetapkan status Kejadian Luar Biasa (KLB) {pens}. Penetapan status KLB dilakukan agar penanganan bisa lebih cepat, termasuk penggunaan dana belanja tidak terduga.",
    "{kepda}, {bupati}, resmi menetapkan status KLB {pens} melalui surat keputusan yang ditandatangani {hari}. Dengan status itu, pemerintah daerah dapat memakai dana belanja tidak terduga dan meminta bantuan tenaga dari provinsi.",
];

const KLB_NOT_YET: &[&str] = &[
    "Meski kasus terus bertambah, {pemda} belum menetapkan status kejadian luar biasa. Pemerintah daerah masih menunggu hasil kajian tim epidemiologi sebelum mengambil keputusan tersebut.",
    "{kadis_s} menyebut situasi saat ini belum memenuhi kriteria KLB. \"Kami pantau terus setiap hari. Kalau memang memenuhi syarat, tentu akan kami usulkan kepada kepala daerah,\" katanya.",
];

/// Colour that fits any regional story and carries no outbreak signal.
const NEUTRAL: &[&str] = &[
    "Pantauan di lapangan, aktivitas warga di pusat {kabs} berjalan seperti biasa. Pasar tradisional tetap ramai dikunjungi pembeli sejak pagi, sementara angkutan umum melayani penumpang seperti hari-hari sebelumnya.",
    "Dalam beberapa pekan terakhir, hujan dengan intensitas sedang hingga lebat mengguyur sebagian besar wilayah {prov}. Badan Meteorologi, Klimatologi, dan Geofisika (BMKG) memperkirakan kondisi serupa masih akan berlangsung hingga akhir bulan.",
    "Sejumlah tokoh masyarakat di {kabs} berharap pemerintah daerah lebih terbuka dalam menyampaikan informasi kepada publik. Menurut mereka, informasi yang jelas membantu warga mengambil keputusan yang tepat.",
    "Pemerintah daerah setempat juga tengah menyiapkan rencana kerja untuk tahun anggaran mendatang. Sejumlah program prioritas dibahas bersama organisasi perangkat daerah dalam rapat koordinasi di kantor bupati.",
    "Warga Kecamatan {kec2} yang ditemui di sela kegiatan kerja bakti mengatakan, gotong royong membersihkan saluran air rutin dilakukan setiap Minggu pagi. Kegiatan itu diikuti bapak-bapak, ibu-ibu, hingga pemuda karang taruna.",
    "Jalan utama yang menghubungkan {kabs} dengan kabupaten tetangga saat ini sebagian sedang diperbaiki. Pengendara diminta berhati-hati karena terdapat penyempitan jalur di beberapa titik.",
    "Di sisi lain, sejumlah warga mengeluhkan pemadaman listrik bergilir yang terjadi beberapa kali dalam sepekan terakhir. Pihak PLN setempat menyebut gangguan terjadi karena perbaikan jaringan dan pohon tumbang.",
    "Kantor pemerintahan di {kabs} tetap melayani warga seperti biasa. Pelayanan administrasi kependudukan, misalnya, dibuka sejak pagi dan sudah dilengkapi sistem antrean daring agar warga tidak menunggu terlalu lama.",
    "Sementara itu, harga kebutuhan pokok di pasar-pasar {kabs} relatif stabil. Pedagang menyebut pasokan beras dan sayur dari kecamatan sekitar masih lancar meski sebagian jalan desa rusak.",
    "Pemerintah provinsi {prov} sebelumnya meminta seluruh kabupaten dan kota memperkuat koordinasi antarinstansi. Rapat koordinasi rutin dijadwalkan setiap bulan untuk membahas persoalan yang muncul di daerah.",
    "Sejumlah mahasiswa dari perguruan tinggi di {prov} juga menjalani kuliah kerja nyata di desa-desa {kabs}. Mereka membantu warga menyusun profil desa dan memberikan les gratis bagi anak-anak sekolah dasar.",
    "Menjelang akhir pekan, sejumlah lokasi wisata di {kabs} mulai ramai dikunjungi. Pengelola tempat wisata meminta pengunjung menjaga kebersihan dan tidak membuang sampah sembarangan.",
];

const BACA_JUGA_HEADLINES: &[&str] = &[
    "Harga Cabai Rawit di Pasar {kabs} Naik Dua Kali Lipat",
    "Jadwal Pelayanan SIM Keliling di {kabs} Pekan Ini",
    "Banjir Rendam Puluhan Rumah di Kecamatan {kec2}",
    "Bupati Resmikan Jembatan Baru Penghubung Dua Desa",
    "Tim Sepak Bola Pelajar {kabs} Lolos ke Babak Final",
    "Pendaftaran CPNS Dibuka, Ini Formasi yang Tersedia",
    "Lowongan Kerja di {prov} Bulan Ini",
    "Festival Kuliner Nusantara Digelar di Alun-alun {kabs}",
];

/// Parameters of one outbreak article: which disease, where, which figures, KLB.
#[derive(Debug, Clone)]
pub(crate) struct OutbreakSpec {
    pub disease: &'static str,
    pub regency: &'static Regency,
    pub cases: u64,
    pub deaths: u64,
    pub hospitalized: u64,
    pub animals: u64,
    pub klb: bool,
    pub scenario: Option<String>,
}

impl OutbreakSpec {
    /// Plausible figures for the disease, in a plausible place.
    pub fn random(rng: &mut Rng, disease_id: &'static str) -> Self {
        let regency = pick_regency(rng, disease_id);
        let (cases, deaths, hospitalized, animals, klb_pct) = match disease_id {
            "dengue" => (rng.range(15, 1500), rng.range(0, 12), 0, 0, 20),
            "diarrhoea" => (rng.range(20, 400), rng.range(0, 3), rng.range(5, 60), 0, 25),
            "food_poisoning" => {
                let c = rng.range(20, 250);
                (c, 0, c * rng.range(30, 90) / 100 + 1, 0, 40)
            }
            "diphtheria" => (rng.range(2, 40), rng.range(0, 5), 0, 0, 45),
            "measles" => (rng.range(10, 200), rng.range(0, 3), 0, 0, 30),
            "rabies" => (rng.range(30, 900), rng.range(1, 12), 0, 0, 30),
            "african_swine_fever" => (0, 0, 0, rng.range(40, 2500), 20),
            "foot_and_mouth_disease" => (0, 0, 0, rng.range(30, 1500), 20),
            "avian_influenza" => (0, 0, 0, rng.range(100, 5000), 20),
            "leptospirosis" => (rng.range(5, 80), rng.range(0, 6), 0, 0, 15),
            "chikungunya" => (rng.range(20, 300), 0, 0, 0, 15),
            _ => (rng.range(10, 600), rng.range(0, 4), rng.range(0, 40), 0, 5),
        };
        OutbreakSpec {
            disease: disease(disease_id).id,
            regency,
            cases,
            deaths,
            hospitalized,
            animals,
            klb: rng.chance(klb_pct),
            scenario: None,
        }
    }
}

/// Pigs and rabies cluster in the east; everything else can happen anywhere.
fn pick_regency(rng: &mut Rng, disease_id: &str) -> &'static Regency {
    let prefixes: &[&str] = match disease_id {
        "african_swine_fever" => &["53.", "51.", "12.06", "12.07", "91.", "94.", "71."],
        "rabies" => &["53.", "51.", "61.", "73.", "12.", "71."],
        _ => &[""],
    };
    let pool: Vec<&'static Regency> = REGENCIES
        .iter()
        .filter(|r| prefixes.iter().any(|p| r.code.starts_with(p)))
        .collect();
    pool[rng.below(pool.len() as u64) as usize]
}

fn person(rng: &mut Rng) -> (String, String) {
    let first = *rng.pick(FIRST_NAMES);
    let last = *rng.pick(LAST_NAMES);
    (format!("{first} {last}"), first.to_owned())
}

/// Slots shared by every Indonesian article about a regency.
fn base_slots(
    rng: &mut Rng,
    date: Date,
    reg: &Regency,
    outlet: &str,
) -> Vec<(&'static str, String)> {
    let event = text::add_days(date, -(rng.below(3) as i64));
    let (kadis, kadis_s) = person(rng);
    let (kadis, kadis_s) = if rng.chance(50) {
        (format!("dr. {kadis}"), kadis_s)
    } else {
        (kadis, kadis_s)
    };
    let [k1, k2, k3] = reg.districts;
    let (kec, kec2) = match rng.below(3) {
        0 => (k1, k2),
        1 => (k2, k3),
        _ => (k3, k1),
    };
    let (pemda, pemkab, kepda) = if reg.is_city() {
        (
            format!("Pemerintah Kota {}", reg.short()),
            format!("Pemkot {}", reg.short()),
            format!("Wali Kota {}", reg.short()),
        )
    } else {
        (
            format!("Pemerintah Kabupaten {}", reg.short()),
            format!("Pemkab {}", reg.short()),
            format!("Bupati {}", reg.short()),
        )
    };
    let waktu = match rng.below(4) {
        0 => "kemarin".to_owned(),
        1 => "pekan lalu".to_owned(),
        2 => format!(
            "{} lalu",
            text::hari(text::add_days(date, -(rng.range(2, 6) as i64)))
        ),
        _ => format!(
            "{} lalu",
            text::hari_tanggal(text::add_days(date, -(rng.range(7, 12) as i64)))
        ),
    };
    let sekolah = format!(
        "{} {} {}",
        rng.pick(&["SD Negeri", "SMP Negeri", "MI", "SD Inpres"]),
        rng.range(1, 9),
        rng.pick(VILLAGES)
    );
    vec![
        (
            "dl",
            format!("{}, {} -", reg.short().to_uppercase(), outlet),
        ),
        ("kab", reg.name.to_owned()),
        ("kabs", reg.short().to_owned()),
        ("prov", reg.province().to_owned()),
        ("kec", kec.to_owned()),
        ("kec2", kec2.to_owned()),
        ("desa", rng.pick(VILLAGES).to_string()),
        ("pemda", pemda),
        ("pemkab", pemkab),
        ("kepda", kepda),
        ("bupati", person(rng).0),
        ("kadis", kadis),
        ("kadis_s", kadis_s),
        ("kabid", person(rng).0),
        ("camat", person(rng).0),
        ("warga", person(rng).0),
        ("hari", text::hari_tanggal(event)),
        ("tanggal", text::tanggal_panjang(event)),
        ("waktu", waktu),
        ("bulan", text::bulan(date).to_owned()),
        ("sekolah", sekolah),
        ("outlet", outlet.to_owned()),
    ]
}

fn boilerplate(rng: &mut Rng, slots: &[(&str, String)]) -> (Vec<String>, Option<String>) {
    let mut lines = Vec::new();
    for _ in 0..rng.range(1, 3) {
        let h = fill(rng.pick::<&str>(BACA_JUGA_HEADLINES), slots);
        lines.push(if rng.chance(50) {
            format!("Baca juga: {h}")
        } else {
            format!("BACA JUGA: {h}")
        });
    }
    if rng.chance(60) {
        lines.push("ADVERTISEMENT".into());
        if rng.chance(50) {
            lines.push("SCROLL TO CONTINUE WITH CONTENT".into());
        }
    }
    if rng.chance(30) {
        lines.push("Simak video pilihan berikut ini:".into());
    }
    let outlet = slots
        .iter()
        .find(|(k, _)| *k == "outlet")
        .map_or("", |(_, v)| v.as_str());
    let closing = match rng.below(4) {
        0 => Some(format!(
            "({}/{})",
            rng.pick(&["rdk", "ant", "kom", "dtk"]),
            rng.pick(&["ysf", "rn", "hw", "adt"])
        )),
        1 => Some(format!("Editor: {}", person(rng).0)),
        2 => Some(format!(
            "Dapatkan update berita pilihan dan breaking news setiap hari dari {outlet}. Gabung di saluran WhatsApp kami."
        )),
        _ => None,
    };
    (lines, closing)
}

fn finish(
    rng: &mut Rng,
    id: String,
    date: Date,
    outlet: (&str, &str),
    title: String,
    body: String,
    truth: Truth,
) -> SynthArticle {
    let url = format!(
        "https://{}/berita/{}/{}-{}",
        outlet.1,
        text::iso(date).replace('-', "/"),
        text::slug(&title),
        rng.range(100_000, 999_999)
    );
    SynthArticle {
        id,
        title,
        text: body,
        published: text::iso(date),
        url,
        source: outlet.0.to_owned(),
        lang: "id".into(),
        truth,
    }
}

/// An Indonesian outbreak report following `spec`.
pub(crate) fn outbreak(rng: &mut Rng, id: String, date: Date, spec: &OutbreakSpec) -> SynthArticle {
    let d = disease(spec.disease);
    let outlet = *rng.pick(OUTLETS_ID);
    let mut slots = base_slots(rng, date, spec.regency, outlet.0);
    let c = count_id(rng, spec.cases);
    let dd = count_id(rng, spec.deaths);
    let h = count_id(rng, spec.hospitalized);
    let a = digits(spec.animals, '.');
    slots.extend([
        ("pen", d.long.to_owned()),
        ("pens", d.short.to_owned()),
        ("c", c.clone()),
        ("d", dd.clone()),
        ("h", h.clone()),
        ("a", a),
        ("c_d", digits(spec.cases, '.')),
        ("d_d", digits(spec.deaths, '.')),
        ("h_d", digits(spec.hospitalized, '.')),
        ("a_d", digits(spec.animals, '.')),
        (
            "dc",
            if spec.deaths > 0 {
                format!(", {dd} orang di antaranya meninggal dunia")
            } else {
                String::new()
            },
        ),
        (
            "dc2",
            if spec.deaths > 0 {
                format!(" Dari jumlah itu, {dd} pasien meninggal dunia.")
            } else {
                " Belum ada laporan pasien yang meninggal dunia.".to_owned()
            },
        ),
    ]);

    let mut counts = Vec::new();
    let mut required = Vec::new();
    let human = |kind: &str, value: u64| TruthCount {
        kind: kind.into(),
        value,
        species: "human".into(),
    };
    match d.host {
        Host::Animal { species, kind } => {
            required.push(fill(rng.pick::<&str>(d.leads), &slots));
            counts.push(TruthCount {
                kind: kind.into(),
                value: spec.animals,
                species: species.into(),
            });
        }
        Host::Human if d.id == "food_poisoning" => {
            required.push(fill(rng.pick::<&str>(d.leads), &slots));
            required.push(fill(
                "Hingga malam hari, jumlah korban yang terdata mencapai {c} orang, terdiri atas siswa dan beberapa guru. Sebagian korban sudah diperbolehkan pulang setelah mendapat perawatan, sedangkan yang lain masih diobservasi.",
                &slots,
            ));
            counts.push(human("cases", spec.cases));
            counts.push(human("hospitalized", spec.hospitalized));
        }
        Host::Human if d.id == "rabies" => {
            required.push(fill(rng.pick::<&str>(d.leads), &slots));
            required.push(fill(
                "Sepanjang tahun ini, Dinas Kesehatan {kab} mencatat {c} kasus gigitan hewan penular rabies. Sebagian besar korban digigit anjing peliharaan yang belum divaksin, dan {d} di antaranya meninggal dunia.",
                &slots,
            ));
            counts.push(human("cases", spec.cases));
            counts.push(human("deaths", spec.deaths));
        }
        Host::Human => {
            required.push(fill(rng.pick::<&str>(HUMAN_LEADS), &slots));
            counts.push(human("cases", spec.cases));
            if spec.deaths > 0 {
                counts.push(human("deaths", spec.deaths));
            }
            if spec.hospitalized > 0 {
                required.push(fill(
                    "Dari seluruh kasus tersebut, {h} pasien masih menjalani rawat inap di RSUD {kabs} dan sejumlah rumah sakit swasta. Sebagian besar pasien adalah anak-anak dan warga lanjut usia.",
                    &slots,
                ));
                counts.push(human("hospitalized", spec.hospitalized));
            }
        }
    }
    let first_quote = if matches!(d.host, Host::Animal { .. }) {
        ANIMAL_RESPONSE[0]
    } else {
        HUMAN_QUOTES[0]
    };
    required.push(fill(first_quote, &slots));
    if spec.klb {
        required.push(fill(rng.pick::<&str>(KLB_DECLARED), &slots));
    } else if rng.chance(40) {
        required.push(fill(rng.pick::<&str>(KLB_NOT_YET), &slots));
    }

    let mut optional: Vec<String> = d.facts.iter().map(|t| fill(t, &slots)).collect();
    let pool: &[&str] = if matches!(d.host, Host::Animal { .. }) {
        &ANIMAL_RESPONSE[1..]
    } else {
        HUMAN_RESPONSE
    };
    optional.extend(pool.iter().map(|t| fill(t, &slots)));
    if !matches!(d.host, Host::Animal { .. }) {
        optional.extend(HUMAN_QUOTES[1..].iter().map(|t| fill(t, &slots)));
    }
    let mut optional = rng.shuffled(&optional);
    optional.extend(rng.shuffled(NEUTRAL).iter().map(|t| fill(t, &slots)));

    let (boiler, closing) = boilerplate(rng, &slots);
    let target = rng.range(3300, 4600) as usize;
    let body = text::assemble(rng, required, optional, boiler, closing, target);

    let mut headline_pool: Vec<&str> = d.headlines.to_vec();
    if spec.klb {
        headline_pool.push("Kasus {pens} Melonjak, {pemkab} Tetapkan Status KLB");
    }
    if spec.deaths > 0 && matches!(d.host, Host::Human) && d.id != "rabies" {
        headline_pool.push("{c_d} Warga {kabs} Terjangkit {pens}, {d_d} Meninggal Dunia");
    }
    let title = fill(rng.pick::<&str>(&headline_pool), &slots);
    let truth = Truth {
        is_outbreak: true,
        topic: d.id.into(),
        disease: Some(d.id.into()),
        country: "IDN".into(),
        province_code: Some(spec.regency.province_code().into()),
        regency_code: Some(spec.regency.code.into()),
        counts,
        klb: spec.klb,
        scenario: spec.scenario.clone(),
    };
    finish(rng, id, date, outlet, title, body, truth)
}

struct NoiseTopic {
    topic: &'static str,
    headlines: &'static [&'static str],
    leads: &'static [&'static str],
    body: &'static [&'static str],
}

const NOISE: &[NoiseTopic] = &[
    NoiseTopic {
        topic: "politics",
        headlines: &[
            "DPRD {kabs} Sahkan APBD Perubahan, Ini Pos Anggaran Terbesarnya",
            "Jelang Pilkada, {party} Buka Pendaftaran Bakal Calon Bupati {kabs}",
        ],
        leads: &[
            "{dl} Dewan Perwakilan Rakyat Daerah (DPRD) {kab} mengesahkan Anggaran Pendapatan dan Belanja Daerah (APBD) Perubahan dalam rapat paripurna, {hari}. Rapat dihadiri {kepda} {bupati} dan unsur pimpinan daerah.",
            "{dl} {party} membuka pendaftaran bakal calon kepala daerah untuk pemilihan di {kab}. Pendaftaran dibuka selama dua pekan di kantor dewan pimpinan cabang partai tersebut sejak {waktu}.",
        ],
        body: &[
            "Ketua DPRD {kabs}, {tokoh}, mengatakan pembahasan anggaran berlangsung alot karena sejumlah fraksi meminta tambahan alokasi untuk perbaikan jalan desa. \"Akhirnya semua fraksi menyetujui setelah ada penyesuaian,\" ujarnya.",
            "Dalam pandangan akhirnya, sejumlah fraksi meminta pemerintah daerah meningkatkan pendapatan asli daerah dari sektor pariwisata dan retribusi parkir yang dinilai belum optimal.",
            "Pengamat politik dari salah satu universitas di {prov}, {pengamat}, menilai dinamika politik lokal menjelang pemilihan kepala daerah mulai menghangat. Menurut dia, partai-partai masih menimbang figur yang memiliki elektabilitas tinggi.",
            "Sekretaris partai tingkat kabupaten, {tokoh2}, menyebut sudah ada beberapa nama yang menyatakan minat. Seluruh pendaftar akan menjalani uji kelayakan dan kepatutan sebelum diusulkan ke pengurus pusat.",
            "Warga berharap para calon pemimpin daerah membawa program nyata, terutama soal lapangan kerja dan harga kebutuhan pokok. \"Jangan hanya janji saat kampanye,\" kata {warga}, pedagang di Pasar {kabs}.",
        ],
    },
    NoiseTopic {
        topic: "sport",
        headlines: &[
            "Persatuan Sepak Bola {kabs} Menang Telak di Laga Kandang",
            "Atlet {kabs} Raih Tiga Emas di Pekan Olahraga Provinsi",
        ],
        leads: &[
            "{dl} Tim sepak bola kebanggaan warga {kabs} meraih kemenangan telak 3-0 atas tamunya dalam lanjutan kompetisi Liga 3 zona {prov}, {hari}. Ribuan suporter memadati stadion sejak sore hari.",
            "{dl} Kontingen {kab} menambah perolehan medali di Pekan Olahraga Provinsi {prov}. Hingga {hari}, atlet {kabs} telah mengumpulkan tiga medali emas dari cabang pencak silat, atletik, dan renang.",
        ],
        body: &[
            "Pelatih tim, {tokoh}, mengatakan kemenangan itu hasil kerja keras para pemain selama latihan sebulan terakhir. \"Kami evaluasi terus, terutama penyelesaian akhir yang masih sering terburu-buru,\" katanya usai pertandingan.",
            "Gol pertama tercipta pada menit ke-23 melalui sundulan kepala memanfaatkan umpan sepak pojok. Dua gol tambahan dicetak pada babak kedua setelah lawan bermain dengan sepuluh orang.",
            "Ketua Komite Olahraga Nasional Indonesia (KONI) {kabs}, {tokoh2}, menyebut pembinaan atlet muda mulai membuahkan hasil. Pemerintah daerah berjanji memberikan bonus bagi atlet peraih medali.",
            "Sejumlah fasilitas olahraga di {kabs} dinilai masih perlu dibenahi. Lintasan atletik di stadion utama, misalnya, belum diperbaiki sejak beberapa tahun terakhir sehingga atlet harus berlatih di luar daerah.",
            "Pertandingan berikutnya akan digelar di kandang lawan pekan depan. Manajemen tim meminta suporter tetap tertib dan tidak menyalakan suar di dalam stadion agar tim tidak terkena sanksi.",
        ],
    },
    NoiseTopic {
        topic: "economy",
        headlines: &[
            "Harga Beras dan Cabai di {kabs} Naik Jelang Akhir Bulan",
            "Inflasi {prov} Terkendali, Harga Pangan Jadi Sorotan",
            "UMKM {kabs} Didorong Tembus Pasar Ekspor",
        ],
        leads: &[
            "{dl} Harga sejumlah bahan pokok di pasar tradisional {kabs} merangkak naik dalam sepekan terakhir. Harga cabai rawit, misalnya, naik dari Rp 45.000 menjadi Rp 70.000 per kilogram, {hari}.",
            "{dl} Pemerintah {kab} mendorong pelaku usaha mikro, kecil, dan menengah (UMKM) memperluas pasar hingga ke luar negeri. Pelatihan pemasaran digital digelar bagi ratusan pelaku usaha di gedung serbaguna, {hari}.",
        ],
        body: &[
            "Kepala Dinas Perdagangan {kabs}, {tokoh}, menyebut kenaikan harga dipicu berkurangnya pasokan dari daerah sentra akibat cuaca. Pemerintah daerah berencana menggelar operasi pasar murah di sejumlah kecamatan.",
            "Seorang pedagang di Pasar {kabs}, {warga}, mengatakan pembeli mulai mengurangi jumlah belanjaan. \"Biasanya beli satu kilo, sekarang cuma setengah,\" tuturnya.",
            "Badan Pusat Statistik (BPS) {prov} mencatat inflasi tahunan masih berada dalam rentang sasaran. Komoditas yang paling banyak menyumbang inflasi adalah beras, cabai merah, dan emas perhiasan.",
            "Sejumlah pelaku UMKM mengaku kesulitan memperoleh modal dan sertifikasi halal. Pemerintah daerah berjanji memfasilitasi pengurusan izin dan sertifikat secara gratis bagi pelaku usaha kecil.",
            "Bank Indonesia perwakilan {prov} mengimbau masyarakat berbelanja secara bijak dan tidak menimbun barang. Menurut BI, pasokan bahan pokok menjelang hari besar keagamaan dalam kondisi aman.",
        ],
    },
    NoiseTopic {
        topic: "traffic",
        headlines: &[
            "Kecelakaan Beruntun di Jalur Utama {kabs}, Tiga Kendaraan Ringsek",
            "Arus Kendaraan di {kabs} Padat, Polisi Berlakukan Rekayasa Lalu Lintas",
        ],
        leads: &[
            "{dl} Kecelakaan beruntun melibatkan sebuah truk dan dua mobil pribadi terjadi di jalan utama Kecamatan {kec}, {kab}, {hari}. Kecelakaan diduga terjadi karena truk mengalami rem blong di turunan.",
            "{dl} Kepadatan arus kendaraan terjadi di sejumlah ruas jalan di {kab} pada akhir pekan. Kepolisian resor setempat memberlakukan sistem satu arah di beberapa titik untuk mengurai kemacetan, {hari}.",
        ],
        body: &[
            "Kepala Satuan Lalu Lintas Polres {kabs}, {tokoh}, mengatakan pengemudi truk sudah diamankan untuk dimintai keterangan. Petugas juga memeriksa kelayakan kendaraan tersebut.",
            "Akibat kejadian itu, arus lalu lintas sempat tersendat hingga dua jam. Petugas mengevakuasi kendaraan yang rusak dengan bantuan mobil derek.",
            "Warga sekitar menyebut ruas jalan tersebut kerap menjadi lokasi kecelakaan karena kontur jalan yang menurun dan berkelok. Mereka meminta pemerintah memasang rambu dan lampu penerangan tambahan.",
            "Polisi mengimbau pengendara memeriksa kondisi kendaraan sebelum bepergian jauh dan beristirahat bila merasa lelah. Pengendara sepeda motor juga diminta selalu memakai helm.",
            "Dinas Perhubungan {kabs} berencana menambah petugas di titik-titik rawan kemacetan saat libur panjang. Sejumlah kantong parkir juga disiapkan di sekitar kawasan wisata.",
        ],
    },
    NoiseTopic {
        topic: "education",
        headlines: &[
            "Penerimaan Murid Baru di {kabs} Dibuka, Ini Jadwal dan Syaratnya",
            "Ratusan Guru Honorer di {kabs} Tuntut Kejelasan Status",
        ],
        leads: &[
            "{dl} Dinas Pendidikan {kab} membuka penerimaan murid baru untuk jenjang SD dan SMP secara daring mulai {waktu}. Orangtua dapat mendaftarkan anaknya melalui laman resmi yang disediakan dinas.",
            "{dl} Ratusan guru honorer di {kab} mendatangi gedung DPRD untuk menyampaikan aspirasi, {hari}. Mereka menuntut kejelasan status kepegawaian dan kenaikan honor yang dinilai jauh dari layak.",
        ],
        body: &[
            "Kepala Dinas Pendidikan {kabs}, {tokoh}, mengatakan kuota penerimaan dibagi ke dalam jalur domisili, afirmasi, perpindahan tugas orangtua, dan prestasi. \"Kami pastikan prosesnya transparan,\" katanya.",
            "Sejumlah orangtua mengeluhkan laman pendaftaran yang sempat sulit diakses pada hari pertama. Dinas pendidikan membuka posko bantuan di setiap kecamatan bagi orangtua yang kesulitan mendaftar secara daring.",
            "Koordinator guru honorer, {tokoh2}, menyebut banyak guru sudah mengabdi lebih dari sepuluh tahun dengan honor di bawah upah minimum. Mereka berharap pemerintah daerah memprioritaskan pengangkatan menjadi pegawai.",
            "Anggota DPRD yang menerima perwakilan guru berjanji memanggil dinas terkait untuk membahas tuntutan tersebut dalam rapat dengar pendapat pekan depan.",
            "Di sisi lain, sejumlah sekolah di daerah terpencil masih kekurangan ruang kelas. Beberapa sekolah terpaksa menerapkan sistem belajar bergantian pagi dan siang.",
        ],
    },
    NoiseTopic {
        topic: "health_policy",
        headlines: &[
            "Pemkab {kabs} Targetkan Angka Stunting Turun Tahun Ini",
            "Peserta BPJS Kesehatan di {kabs} Diminta Perbarui Data",
            "Puskesmas di {kabs} Kini Buka Layanan Malam",
        ],
        leads: &[
            "{dl} {pemda} menargetkan prevalensi stunting turun hingga di bawah 14 persen tahun ini. Target itu disampaikan dalam rapat koordinasi percepatan penurunan stunting di aula kantor bupati, {hari}.",
            "{dl} Badan Penyelenggara Jaminan Sosial (BPJS) Kesehatan cabang {kabs} mengimbau peserta memperbarui data kepesertaan. Pembaruan data diperlukan agar layanan di fasilitas kesehatan tidak terhambat.",
            "{dl} Sejumlah puskesmas di {kab} kini membuka layanan hingga malam hari. Kebijakan itu diambil agar warga yang bekerja pada siang hari tetap bisa memeriksakan kesehatan, kata Kepala Dinas Kesehatan {kabs}, {kadis}, {hari}.",
        ],
        body: &[
            "Menurut {kadis_s}, penanganan stunting dilakukan lintas sektor, mulai dari pemberian makanan tambahan bagi balita, pendampingan ibu hamil, hingga penyediaan air bersih dan jamban sehat.",
            "Ia menambahkan, puskesmas juga tetap menjalankan program rutin seperti imunisasi dasar, pemeriksaan ibu hamil, dan pencegahan penyakit menular. Tahun lalu, kasus DBD di {kabs} justru turun dibanding tahun sebelumnya berkat gerakan satu rumah satu jumantik.",
            "Kepala BPJS Kesehatan cabang setempat, {tokoh}, menyebut masih banyak peserta yang datanya tidak sesuai dengan data kependudukan. Peserta dapat memperbarui data melalui aplikasi atau datang langsung ke kantor cabang.",
            "Kader posyandu di Desa {desa}, {warga}, mengatakan kunjungan balita ke posyandu meningkat setelah ada pemberian makanan tambahan. \"Ibu-ibu sekarang lebih rajin datang menimbang anaknya,\" ujarnya.",
            "Dinas kesehatan juga menyiapkan program skrining kesehatan gratis bagi warga berusia di atas 40 tahun, termasuk pemeriksaan gula darah, tekanan darah, dan kolesterol.",
        ],
    },
    NoiseTopic {
        topic: "metaphor_wabah",
        headlines: &[
            "Wabah Judi Online Jerat Pelajar di {kabs}, Orangtua Diminta Waspada",
            "Hoaks Menyebar Bak Wabah Jelang Pilkada {kabs}",
        ],
        leads: &[
            "{dl} Judi online kini disebut sebagai wabah baru yang menjerat warga {kab}, termasuk pelajar. Kepolisian setempat mencatat puluhan laporan terkait judi daring sepanjang tahun ini, {hari}.",
            "{dl} Penyebaran berita bohong atau hoaks di media sosial menjelang pemilihan kepala daerah di {kab} disebut menyebar bak wabah. Dinas Komunikasi dan Informatika mencatat ratusan konten hoaks sejak {waktu}.",
        ],
        body: &[
            "Kepala Dinas Komunikasi dan Informatika {kabs}, {tokoh}, mengatakan pihaknya bekerja sama dengan kepolisian untuk menelusuri akun-akun penyebar konten tersebut. \"Ini sudah seperti wabah, menular dari satu grup ke grup lain,\" katanya.",
            "Psikolog di {kabs}, {pengamat}, menyebut kecanduan judi daring dapat merusak ekonomi keluarga. Ia meminta orangtua lebih memperhatikan penggunaan telepon genggam oleh anak-anak.",
            "Sejumlah sekolah mulai memasukkan materi literasi digital ke dalam kegiatan belajar. Siswa diajari cara memeriksa kebenaran informasi sebelum membagikannya.",
            "Tokoh agama setempat juga diminta menyampaikan imbauan dalam kegiatan pengajian dan ibadah mingguan agar warga tidak mudah terpengaruh.",
            "Polisi menegaskan akan menindak tegas bandar maupun pemain judi daring. Warga yang mengetahui praktik serupa diminta melapor melalui layanan pengaduan yang disediakan.",
        ],
    },
    NoiseTopic {
        topic: "party_congress",
        headlines: &[
            "Kader {party} Desak Kongres Luar Biasa, Ketua Umum Terancam Dilengserkan",
            "KLB {party} Digelar di {kabs}, Pengurus Pusat Sebut Tidak Sah",
        ],
        leads: &[
            "{dl} Sejumlah pengurus daerah {party} mendesak digelarnya Kongres Luar Biasa (KLB) untuk mengevaluasi kepemimpinan ketua umum. Desakan itu disampaikan dalam pertemuan kader di {kabs}, {hari}.",
            "{dl} Kongres Luar Biasa (KLB) {party} digelar di sebuah hotel di {kab}, {hari}. Pengurus pusat partai menyebut KLB tersebut ilegal karena tidak sesuai anggaran dasar partai.",
        ],
        body: &[
            "Juru bicara kubu penggagas KLB, {tokoh}, mengklaim forum itu dihadiri mayoritas pemilik suara sah. \"KLB ini sah dan sesuai aturan organisasi,\" katanya kepada wartawan.",
            "Sebaliknya, sekretaris jenderal partai, {tokoh2}, menyebut para peserta KLB bukan pengurus yang sah. Pengurus pusat berencana menempuh jalur hukum dan melaporkan penyelenggara ke kepolisian.",
            "Pengamat politik {pengamat} menilai konflik internal partai menjelang pemilihan umum dapat menggerus kepercayaan pemilih. Menurut dia, perpecahan semacam ini biasanya berujung pada sengketa di pengadilan.",
            "Kementerian Hukum disebut belum menerima pengajuan perubahan kepengurusan dari kubu mana pun. Kedua kubu diminta menyelesaikan perselisihan melalui mahkamah partai.",
            "Di tingkat daerah, sebagian kader memilih menunggu keputusan resmi pengurus pusat. Mereka khawatir konflik berkepanjangan mengganggu persiapan pemilihan kepala daerah.",
        ],
    },
];

/// An Indonesian non-outbreak article; `topic` forces one of the noise topics.
pub(crate) fn noise(rng: &mut Rng, id: String, date: Date, topic: Option<&str>) -> SynthArticle {
    let t = topic
        .and_then(|name| NOISE.iter().find(|t| t.topic == name))
        .unwrap_or_else(|| rng.pick(NOISE));
    let reg = rng.pick(REGENCIES);
    let outlet = *rng.pick(OUTLETS_ID);
    let mut slots = base_slots(rng, date, reg, outlet.0);
    slots.extend([
        ("party", rng.pick(PARTIES).to_string()),
        ("tokoh", person(rng).0),
        ("tokoh2", person(rng).0),
        ("pengamat", person(rng).0),
    ]);
    let required = vec![fill(rng.pick::<&str>(t.leads), &slots)];
    let mut optional: Vec<String> = rng
        .shuffled(t.body)
        .iter()
        .map(|p| fill(p, &slots))
        .collect();
    optional.extend(rng.shuffled(NEUTRAL).iter().map(|p| fill(p, &slots)));
    let (boiler, closing) = boilerplate(rng, &slots);
    let target = rng.range(3300, 4600) as usize;
    let body = text::assemble(rng, required, optional, boiler, closing, target);
    let title = fill(rng.pick::<&str>(t.headlines), &slots);
    let truth = Truth {
        is_outbreak: false,
        topic: t.topic.into(),
        disease: None,
        country: "IDN".into(),
        province_code: Some(reg.province_code().into()),
        regency_code: Some(reg.code.into()),
        counts: Vec::new(),
        klb: false,
        scenario: None,
    };
    finish(rng, id, date, outlet, title, body, truth)
}
