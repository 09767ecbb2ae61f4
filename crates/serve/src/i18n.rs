//! The dashboard's words in Bahasa Indonesia (the default) and English.
//!
//! Every string the pages show comes from [`ID`] or [`EN`], looked up by key; a test
//! checks both tables have the same keys, so a page never shows a key or a half
//! translation. Disease and country names come from the knowledge base, which has both.

use waspada_kb::KnowledgeBase;

/// A dashboard language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Bahasa Indonesia (the default: users are at Indonesian health offices).
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// Reads `id` or `en`.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// The other language (for the switch link).
    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// The translation table.
    pub fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::Id => ID,
            Lang::En => EN,
        }
    }

    /// The string for `key`, or the key itself when missing (a test keeps none missing).
    pub fn t(self, key: &str) -> &'static str {
        self.table()
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("?", |(_, v)| v)
    }

    /// A disease's name in this language, or its id.
    pub fn disease(self, kb: &KnowledgeBase, id: &str) -> String {
        kb.disease(id).map_or_else(
            || id.to_string(),
            |d| match self {
                Lang::Id if !d.name_id.is_empty() => d.name_id.clone(),
                _ => d.name_en.clone(),
            },
        )
    }

    /// An area's name (places have one name; countries one per language), or its code.
    pub fn area(self, kb: &KnowledgeBase, level: &str, code: &str) -> String {
        if level == "country" || (code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())) {
            return kb.country(code).map_or_else(
                || code.to_string(),
                |c| match self {
                    Lang::Id if !c.name_id.is_empty() => c.name_id.clone(),
                    _ => c.name_en.clone(),
                },
            );
        }
        kb.place(code)
            .map_or_else(|| code.to_string(), |p| p.name.clone())
    }
}

/// Bahasa Indonesia.
pub const ID: &[(&str, &str)] = &[
    ("app_title", "Waspada – sistem peringatan dini"),
    (
        "synthetic_banner",
        "Data SINTETIS untuk demonstrasi: bukan kejadian nyata.",
    ),
    ("nav_signals", "Sinyal"),
    ("nav_map", "Peta"),
    ("nav_timeline", "Lini masa"),
    ("nav_search", "Cari"),
    ("nav_sources", "Sumber"),
    ("switch_lang", "English"),
    ("nav_settings", "Pengaturan"),
    ("action_logout", "Keluar"),
    ("role_viewer", "pembaca"),
    ("role_analyst", "analis"),
    ("role_admin", "admin"),
    ("login_title", "Masuk"),
    ("login_failed", "Nama pengguna atau kata sandi salah."),
    (
        "login_locked",
        "Terlalu banyak percobaan yang gagal untuk akun atau alamat ini. Coba lagi nanti",
    ),
    ("minutes", "menit"),
    ("field_user", "Nama pengguna"),
    ("field_password", "Kata sandi"),
    ("action_login", "Masuk"),
    (
        "login_help",
        "Belum punya akun atau lupa kata sandi? Hubungi admin Waspada di kantor Anda.",
    ),
    ("settings_title", "Pengaturan"),
    (
        "subscriptions_intro",
        "sinyal yang dikirim kepada Anda lewat surel, webhook atau feed Atom.",
    ),
    ("users_title", "Pengguna"),
    ("password_title", "Ganti kata sandi"),
    (
        "password_intro",
        "Kata sandi baru minimal 12 karakter. Setelah diganti, semua sesi Anda berakhir dan Anda masuk lagi dengan kata sandi baru.",
    ),
    ("field_current_password", "Kata sandi sekarang"),
    ("field_new_password", "Kata sandi baru"),
    ("field_confirm_password", "Ulangi kata sandi baru"),
    ("action_change_password", "Ganti kata sandi"),
    (
        "users_intro",
        "Siapa yang dapat masuk dan apa yang boleh dilakukan: pembaca hanya melihat, analis juga meninjau sinyal, admin juga mengelola pengguna.",
    ),
    ("col_role", "Peran"),
    ("col_last_login", "Terakhir masuk"),
    ("user_active", "aktif"),
    ("user_disabled", "dinonaktifkan"),
    ("action_change_role", "Ubah peran"),
    ("action_enable", "Aktifkan"),
    ("action_disable", "Nonaktifkan"),
    ("add_user", "Tambah pengguna"),
    (
        "password_rule",
        "Kata sandi minimal 12 karakter; beberapa kata yang tidak berhubungan mudah diingat dan sulit ditebak.",
    ),
    ("signals_title", "Sinyal terbaru"),
    (
        "signals_intro",
        "Deret berita per penyakit dan wilayah yang melampaui perkiraan, atau aturan yang terpicu. Yang belum ditinjau ada di atas.",
    ),
    ("col_disease", "Penyakit"),
    ("col_place", "Wilayah"),
    ("col_period", "Periode"),
    ("col_method", "Metode"),
    ("col_observed", "Teramati"),
    ("col_expected", "Perkiraan"),
    ("col_trend", "Tren"),
    ("trend_weeks", "Tren {n} minggu"),
    ("trend_days", "Tren {n} hari"),
    ("trend_threshold", "ambang"),
    ("col_threshold", "Ambang"),
    ("col_stories", "Berita"),
    ("col_status", "Status"),
    ("col_actions", "Tindakan"),
    ("col_date", "Tanggal"),
    ("col_title", "Judul"),
    ("col_source", "Sumber"),
    ("col_figures", "Angka"),
    ("col_kind", "Jenis"),
    ("col_health", "Kesehatan"),
    ("col_last_success", "Terakhir berhasil"),
    ("col_last_error", "Galat terakhir"),
    ("col_failures", "Gagal berturut-turut"),
    ("col_articles", "Artikel"),
    ("col_per_day", "Per hari (7 hari)"),
    ("col_user", "Pengguna"),
    ("col_note", "Catatan"),
    ("status_new", "baru"),
    ("status_verified", "terverifikasi"),
    ("status_dismissed", "ditolak"),
    ("status_escalated", "dieskalasi"),
    ("action_verify", "Verifikasi"),
    ("action_dismiss", "Tolak"),
    ("action_escalate", "Eskalasi"),
    ("action_assign", "Tugaskan"),
    ("action_note", "Catat"),
    ("note_placeholder", "alasan / catatan"),
    ("assignee_placeholder", "kepada"),
    ("filter", "Saring"),
    ("all", "semua"),
    ("since", "Sejak"),
    ("until", "Sampai"),
    ("no_signals", "Tidak ada sinyal dengan saringan ini."),
    ("why", "Alasan"),
    ("events", "Kejadian"),
    ("event", "Kejadian"),
    ("history", "Riwayat triase"),
    ("reports", "Laporan (riwayat)"),
    (
        "earlier_reports",
        "laporan sebelumnya tidak ditampilkan; semuanya ada di API:",
    ),
    ("source_articles", "Artikel sumber"),
    ("klb", "KLB ditetapkan"),
    ("first_report", "Laporan pertama"),
    ("last_report", "Laporan terakhir"),
    ("severity", "Tingkat"),
    ("severity_high", "tinggi"),
    ("severity_medium", "sedang"),
    ("severity_low", "rendah"),
    ("article", "Artikel"),
    ("relevance", "Relevansi"),
    ("reasons", "Alasan relevansi"),
    ("legend", "Keterangan sorotan"),
    ("hl_disease", "penyakit"),
    ("hl_place", "tempat"),
    ("hl_count", "angka"),
    ("hl_date", "tanggal"),
    ("hl_klb", "KLB"),
    ("hl_host", "inang"),
    ("open_original", "Buka sumber asli"),
    ("published", "Terbit"),
    ("language", "Bahasa"),
    ("map_title", "Peta kejadian"),
    (
        "map_intro",
        "Setiap lingkaran adalah satu kejadian, diwarnai menurut tingkatnya. Tanpa peta dasar: hanya koordinat. Bawaannya 90 hari terakhir; kosongkan tanggal untuk seluruh arsip.",
    ),
    ("map_no_js", "Peta memerlukan JavaScript."),
    ("time_window", "Waktu"),
    ("window_length", "Rentang"),
    ("window_all", "Semua tanggal"),
    ("window_days", "{n} hari"),
    ("window_end", "Akhir rentang waktu"),
    ("window_play", "Putar"),
    ("window_pause", "Jeda"),
    ("window_of", "dari"),
    (
        "window_help",
        "Geser penggeser (atau tekan tombol panah) untuk menampilkan kejadian yang berlangsung dalam rentang waktu itu (dari laporan pertama sampai terakhir), maju per minggu.",
    ),
    ("timeline_title", "Lini masa deret"),
    (
        "timeline_intro",
        "Jumlah berita per minggu untuk satu penyakit dan wilayah; titik merah adalah sinyal, garis putus-putus ambangnya.",
    ),
    ("area_code", "Kode wilayah"),
    ("level", "Tingkat wilayah"),
    ("show", "Tampilkan"),
    ("search_title", "Cari artikel"),
    ("search_placeholder", "mis. demam berdarah Garut"),
    ("results", "hasil"),
    ("facets", "Ringkasan"),
    ("no_results", "Tidak ada artikel yang cocok."),
    ("search_unavailable", "Pencarian tidak tersedia"),
    ("sources_title", "Kesehatan sumber"),
    (
        "sources_intro",
        "Sumber yang gagal atau lama tidak berhasil ditandai merah: feed yang mati harus terlihat.",
    ),
    ("outlets", "Media (dari artikel tersimpan)"),
    ("no_sources", "Belum ada sumber terkonfigurasi."),
    ("dead_letters_title", "Pesan gagal (dead letter)"),
    (
        "dead_letters_intro",
        "Pekerjaan yang menyerah setelah beberapa kali dicoba di antrean klaster: artikel atau feed ini tidak diproses. Perbaiki penyebabnya, lalu terbitkan ulang.",
    ),
    ("dead_letters_none", "Tidak ada pesan gagal."),
    (
        "dead_letters_unreachable",
        "Antrean klaster (NATS) tidak dapat dibaca sekarang; halaman lain tetap berfungsi",
    ),
    ("col_time", "Waktu"),
    ("col_stage", "Tahap"),
    ("col_item", "Artikel / feed"),
    ("col_reason", "Alasan"),
    ("col_deliveries", "Percobaan"),
    ("stage_fetch", "ambil feed"),
    ("stage_analyse", "analisis"),
    ("stage_index", "indeks pencarian"),
    ("health_ok", "baik"),
    ("health_failing", "gagal"),
    ("health_stale", "basi"),
    ("health_never_fetched", "belum pernah diambil"),
    ("health_passive", "pasif (berkas/push)"),
    ("never", "belum pernah"),
    ("not_found", "Tidak ditemukan"),
    ("error", "Galat"),
    ("back", "Kembali"),
    ("prev", "Sebelumnya"),
    ("next", "Berikutnya"),
    ("page_of", "dari"),
    ("export", "Ekspor"),
    ("nav_subscriptions", "Langganan"),
    ("sub_title", "Langganan peringatan"),
    (
        "sub_intro",
        "Terima sinyal yang cocok lewat e-mail (segera atau ringkasan harian), webhook bertanda tangan, atau umpan Atom. Langganan provinsi mencakup semua kabupaten/kotanya.",
    ),
    ("sub_add", "Tambah langganan"),
    ("sub_which", "Sinyal yang mana"),
    ("sub_how", "Dikirim bagaimana"),
    ("sub_min_severity", "Tingkat minimum"),
    ("sub_trigger", "Kapan"),
    ("sub_trigger_new", "setiap sinyal baru"),
    ("sub_trigger_escalated", "hanya sinyal yang dieskalasi"),
    ("sub_language", "Bahasa"),
    ("sub_channel", "Saluran"),
    ("sub_channel_email", "e-mail"),
    ("sub_channel_webhook", "webhook"),
    ("sub_channel_atom", "umpan Atom"),
    ("sub_email", "Alamat e-mail"),
    ("sub_digest", "Ringkasan"),
    ("sub_digest_immediate", "segera"),
    ("sub_digest_daily", "harian"),
    ("sub_webhook_url", "URL webhook"),
    ("sub_webhook_format", "Format webhook"),
    ("sub_add_button", "Tambah"),
    ("sub_created", "Langganan dibuat."),
    (
        "sub_feed_url",
        "Alamat umpan (rahasiakan: siapa pun yang memilikinya dapat membaca)",
    ),
    (
        "sub_secret_once",
        "Kunci rahasia webhook (hanya ditampilkan sekali; simpan sekarang)",
    ),
    ("sub_none", "Belum ada langganan."),
    ("sub_target", "Tujuan"),
    ("sub_since", "Sejak"),
    ("sub_remove", "Hapus"),
    ("sub_any_disease", "semua penyakit"),
    ("sub_anywhere", "semua wilayah"),
];

/// English.
pub const EN: &[(&str, &str)] = &[
    ("app_title", "Waspada – early warning"),
    (
        "synthetic_banner",
        "SYNTHETIC data for demonstration: these are not real events.",
    ),
    ("nav_signals", "Signals"),
    ("nav_map", "Map"),
    ("nav_timeline", "Timeline"),
    ("nav_search", "Search"),
    ("nav_sources", "Sources"),
    ("switch_lang", "Bahasa Indonesia"),
    ("nav_settings", "Settings"),
    ("action_logout", "Log out"),
    ("role_viewer", "viewer"),
    ("role_analyst", "analyst"),
    ("role_admin", "admin"),
    ("login_title", "Log in"),
    ("login_failed", "Wrong user name or password."),
    (
        "login_locked",
        "Too many failed attempts for this account or address. Try again later",
    ),
    ("minutes", "minutes"),
    ("field_user", "User name"),
    ("field_password", "Password"),
    ("action_login", "Log in"),
    (
        "login_help",
        "No account yet, or forgot your password? Ask the Waspada admin at your office.",
    ),
    ("settings_title", "Settings"),
    (
        "subscriptions_intro",
        "signals sent to you by e-mail, webhook or Atom feed.",
    ),
    ("users_title", "Users"),
    ("password_title", "Change password"),
    (
        "password_intro",
        "A new password has at least 12 characters. Once it is changed, all your sessions end and you log in again with the new password.",
    ),
    ("field_current_password", "Current password"),
    ("field_new_password", "New password"),
    ("field_confirm_password", "New password again"),
    ("action_change_password", "Change password"),
    (
        "users_intro",
        "Who can log in and what they may do: viewers read, analysts also triage signals, admins also manage users.",
    ),
    ("col_role", "Role"),
    ("col_last_login", "Last login"),
    ("user_active", "active"),
    ("user_disabled", "disabled"),
    ("action_change_role", "Change role"),
    ("action_enable", "Enable"),
    ("action_disable", "Disable"),
    ("add_user", "Add user"),
    (
        "password_rule",
        "Passwords have at least 12 characters; a few unrelated words are easy to remember and hard to guess.",
    ),
    ("signals_title", "Latest signals"),
    (
        "signals_intro",
        "News series per disease and area that exceed what was expected, or rules that fired. Unreviewed ones come first.",
    ),
    ("col_disease", "Disease"),
    ("col_place", "Area"),
    ("col_period", "Period"),
    ("col_method", "Method"),
    ("col_observed", "Observed"),
    ("col_expected", "Expected"),
    ("col_trend", "Trend"),
    ("trend_weeks", "{n}-week trend"),
    ("trend_days", "{n}-day trend"),
    ("trend_threshold", "threshold"),
    ("col_threshold", "Threshold"),
    ("col_stories", "Stories"),
    ("col_status", "Status"),
    ("col_actions", "Actions"),
    ("col_date", "Date"),
    ("col_title", "Title"),
    ("col_source", "Source"),
    ("col_figures", "Figures"),
    ("col_kind", "Kind"),
    ("col_health", "Health"),
    ("col_last_success", "Last success"),
    ("col_last_error", "Last error"),
    ("col_failures", "Failures in a row"),
    ("col_articles", "Articles"),
    ("col_per_day", "Per day (7 days)"),
    ("col_user", "User"),
    ("col_note", "Note"),
    ("status_new", "new"),
    ("status_verified", "verified"),
    ("status_dismissed", "dismissed"),
    ("status_escalated", "escalated"),
    ("action_verify", "Verify"),
    ("action_dismiss", "Dismiss"),
    ("action_escalate", "Escalate"),
    ("action_assign", "Assign"),
    ("action_note", "Note"),
    ("note_placeholder", "reason / note"),
    ("assignee_placeholder", "to"),
    ("filter", "Filter"),
    ("all", "all"),
    ("since", "Since"),
    ("until", "Until"),
    ("no_signals", "No signals match these filters."),
    ("why", "Why"),
    ("events", "Events"),
    ("event", "Event"),
    ("history", "Triage history"),
    ("reports", "Reports (history)"),
    (
        "earlier_reports",
        "earlier reports are not shown; all of them are in the API:",
    ),
    ("source_articles", "Source articles"),
    ("klb", "KLB declared"),
    ("first_report", "First report"),
    ("last_report", "Last report"),
    ("severity", "Severity"),
    ("severity_high", "high"),
    ("severity_medium", "medium"),
    ("severity_low", "low"),
    ("article", "Article"),
    ("relevance", "Relevance"),
    ("reasons", "Why it is relevant"),
    ("legend", "Highlight legend"),
    ("hl_disease", "disease"),
    ("hl_place", "place"),
    ("hl_count", "figure"),
    ("hl_date", "date"),
    ("hl_klb", "KLB"),
    ("hl_host", "host"),
    ("open_original", "Open the original"),
    ("published", "Published"),
    ("language", "Language"),
    ("map_title", "Map of events"),
    (
        "map_intro",
        "Each circle is one event, coloured by severity. No base map: coordinates only. By default the last 90 days; clear the dates for the whole archive.",
    ),
    ("map_no_js", "The map needs JavaScript."),
    ("time_window", "Time"),
    ("window_length", "Window"),
    ("window_all", "All dates"),
    ("window_days", "{n} days"),
    ("window_end", "End of the time window"),
    ("window_play", "Play"),
    ("window_pause", "Pause"),
    ("window_of", "of"),
    (
        "window_help",
        "Move the slider (or press the arrow keys) to show the events under way in a time window (from first to last report), a week at a time.",
    ),
    ("timeline_title", "Series timeline"),
    (
        "timeline_intro",
        "Stories per week for one disease and area; red points are signals, the dashed line their threshold.",
    ),
    ("area_code", "Area code"),
    ("level", "Area level"),
    ("show", "Show"),
    ("search_title", "Search articles"),
    ("search_placeholder", "e.g. dengue Garut"),
    ("results", "results"),
    ("facets", "Breakdown"),
    ("no_results", "No articles match."),
    ("search_unavailable", "Search is unavailable"),
    ("sources_title", "Source health"),
    (
        "sources_intro",
        "Sources that fail or have not succeeded for a while are marked red: a dead feed must be visible.",
    ),
    ("outlets", "Outlets (from stored articles)"),
    ("no_sources", "No sources configured yet."),
    ("dead_letters_title", "Failed messages (dead letters)"),
    (
        "dead_letters_intro",
        "Work the cluster queue gave up on after several tries: these articles or feeds were not processed. Fix the cause, then publish them again.",
    ),
    ("dead_letters_none", "No failed messages."),
    (
        "dead_letters_unreachable",
        "The cluster queue (NATS) cannot be read right now; the other pages still work",
    ),
    ("col_time", "Time"),
    ("col_stage", "Stage"),
    ("col_item", "Article / feed"),
    ("col_reason", "Reason"),
    ("col_deliveries", "Tries"),
    ("stage_fetch", "fetch feed"),
    ("stage_analyse", "analysis"),
    ("stage_index", "search index"),
    ("health_ok", "ok"),
    ("health_failing", "failing"),
    ("health_stale", "stale"),
    ("health_never_fetched", "never fetched"),
    ("health_passive", "passive (files/push)"),
    ("never", "never"),
    ("not_found", "Not found"),
    ("error", "Error"),
    ("back", "Back"),
    ("prev", "Previous"),
    ("next", "Next"),
    ("page_of", "of"),
    ("export", "Export"),
    ("nav_subscriptions", "Subscriptions"),
    ("sub_title", "Alert subscriptions"),
    (
        "sub_intro",
        "Receive matching signals by e-mail (immediately or as a daily digest), signed webhook, or Atom feed. A province subscription covers all its regencies and cities.",
    ),
    ("sub_add", "Add a subscription"),
    ("sub_which", "Which signals"),
    ("sub_how", "Delivered how"),
    ("sub_min_severity", "Minimum severity"),
    ("sub_trigger", "When"),
    ("sub_trigger_new", "every new signal"),
    ("sub_trigger_escalated", "escalated signals only"),
    ("sub_language", "Language"),
    ("sub_channel", "Channel"),
    ("sub_channel_email", "e-mail"),
    ("sub_channel_webhook", "webhook"),
    ("sub_channel_atom", "Atom feed"),
    ("sub_email", "E-mail address"),
    ("sub_digest", "Digest"),
    ("sub_digest_immediate", "immediate"),
    ("sub_digest_daily", "daily"),
    ("sub_webhook_url", "Webhook URL"),
    ("sub_webhook_format", "Webhook format"),
    ("sub_add_button", "Add"),
    ("sub_created", "Subscription created."),
    (
        "sub_feed_url",
        "Feed address (keep it private: whoever has it can read the feed)",
    ),
    (
        "sub_secret_once",
        "Webhook secret (shown only once; store it now)",
    ),
    ("sub_none", "No subscriptions yet."),
    ("sub_target", "Target"),
    ("sub_since", "Since"),
    ("sub_remove", "Remove"),
    ("sub_any_disease", "any disease"),
    ("sub_anywhere", "anywhere"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_the_same_keys_and_no_duplicates() {
        fn keys(t: &'static [(&'static str, &'static str)]) -> Vec<&'static str> {
            t.iter().map(|(k, _)| *k).collect()
        }
        let (mut id, mut en) = (keys(ID), keys(EN));
        assert_eq!(
            id, en,
            "ID and EN must list the same keys in the same order"
        );
        id.sort();
        id.dedup();
        en.sort();
        en.dedup();
        assert_eq!(id.len(), ID.len(), "duplicate key in ID");
        assert!(ID.iter().chain(EN).all(|(_, v)| !v.trim().is_empty()));
    }

    #[test]
    fn languages_differ_and_parse() {
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_ne!(Lang::Id.t("nav_signals"), Lang::En.t("nav_signals"));
        assert_eq!(Lang::En.t("no_such_key"), "?");
    }
}
