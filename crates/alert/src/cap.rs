//! OASIS Common Alerting Protocol 1.2 messages for escalated signals.
//!
//! One `<alert>` per escalation of a signal, with one `<info>` per language (Bahasa
//! Indonesia and English) so that a receiving system shows whichever its users read.
//!
//! # How a signal maps onto CAP
//!
//! | CAP | from |
//! |---|---|
//! | `identifier` | `waspada-signal-{id}` (not escalated), `waspada-signal-{id}-e{n}` (its n-th escalation) |
//! | `sent` | the escalation's time (detection time if not escalated), in WIB (`+07:00`) |
//! | `status` | `Actual`; `Exercise` when the data are synthetic (the demo) |
//! | `msgType` | `Alert` for the first escalation, `Update` (with `references`) for later ones |
//! | `scope` | `Public` |
//! | `category` | `Health`; `responseType` `Monitor` |
//! | `urgency` | high severity: `Immediate`; medium: `Expected`; low: `Future` |
//! | `severity` | high: `Severe`; medium: `Moderate`; low: `Minor` |
//! | `certainty` | KLB declared: `Observed` (an official declaration was reported); escalated by an analyst: `Likely`; otherwise `Possible` (news, not laboratory data) |
//! | `area` | the area's name; `geocode` `KEMENDAGRI` (Indonesian codes) and `ISO3166-1` (alpha-3 country); a `circle` around the area's representative point (regency 25 km, province 150 km, country 500 km) |
//!
//! Severity itself is [`crate::Severity`]. The message is written by hand with escaping
//! ([`crate::xml`]); a test validates it against the official XSD with `xmllint`.

use jiff::{Timestamp, ToSpan};

use crate::signal::{Lang, SignalFacts};
use crate::xml::element;

/// The CAP 1.2 namespace.
pub const NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";

/// What a CAP message needs besides the signal.
#[derive(Debug, Clone)]
pub struct CapContext {
    /// `sender`: who issues it (an address-like name without spaces, e.g.
    /// `waspada@dinkes.example.go.id`).
    pub sender: String,
    /// The data are synthetic: `status` is `Exercise`.
    pub synthetic: bool,
    /// When the signal was detected (epoch ms).
    pub detected_at: i64,
    /// When it was escalated, oldest first (epoch ms).
    pub escalations: Vec<i64>,
}

/// CAP `sent`-style time: seconds, WIB offset (`2024-03-04T09:30:00+07:00`); CAP forbids `Z`.
pub fn cap_time(ms: i64) -> String {
    let t = Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH);
    let wib = t.checked_add(7.hours()).unwrap_or(t);
    format!("{}+07:00", wib.strftime("%Y-%m-%dT%H:%M:%S"))
}

fn identifier(signal_id: i64, escalation: usize) -> String {
    if escalation == 0 {
        format!("waspada-signal-{signal_id}")
    } else {
        format!("waspada-signal-{signal_id}-e{escalation}")
    }
}

/// Sanitises a CAP `sender`/`identifier` value: no whitespace, commas, `<` or `&`.
fn token(s: &str) -> String {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '<' | '&'))
        .collect();
    if t.is_empty() { "waspada".into() } else { t }
}

/// The CAP 1.2 `<alert>` for a signal, as of its latest escalation. `facts` holds the
/// signal in each language to include (Indonesian first, normally both).
pub fn alert_xml(facts: &[(Lang, SignalFacts)], ctx: &CapContext) -> String {
    let sender = token(&ctx.sender);
    let n = ctx.escalations.len();
    let sent_ms = ctx.escalations.last().copied().unwrap_or(ctx.detected_at);
    let sent = cap_time(sent_ms);
    let mut x = String::with_capacity(4096);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!("<alert xmlns=\"{NAMESPACE}\">\n"));
    let Some((_, first)) = facts.first() else {
        // No language asked for: an alert with no <info> is still valid CAP.
        header(&mut x, &sender, 0, n, &sent, ctx);
        x.push_str("</alert>\n");
        return x;
    };
    header(&mut x, &sender, first.id, n, &sent, ctx);
    let certainty = if first.method == "rule-klb-declared" {
        "Observed"
    } else if n > 0 || first.status == "escalated" {
        "Likely"
    } else {
        "Possible"
    };
    let (urgency, severity) = match first.severity {
        crate::Severity::High => ("Immediate", "Severe"),
        crate::Severity::Medium => ("Expected", "Moderate"),
        crate::Severity::Low => ("Future", "Minor"),
    };
    let expires = cap_time(sent_ms + 14 * 24 * 3600 * 1000);
    for (lang, f) in facts {
        let lang = *lang;
        x.push_str("  <info>\n");
        element(&mut x, 2, "language", lang.code());
        element(&mut x, 2, "category", "Health");
        element(
            &mut x,
            2,
            "event",
            &format!(
                "{}: {}",
                f.disease,
                lang.pick("sinyal kewaspadaan dini", "early-warning signal")
            ),
        );
        element(&mut x, 2, "responseType", "Monitor");
        element(&mut x, 2, "urgency", urgency);
        element(&mut x, 2, "severity", severity);
        element(&mut x, 2, "certainty", certainty);
        element(
            &mut x,
            2,
            "audience",
            lang.pick(
                "Petugas surveilans dan dinas kesehatan",
                "Surveillance officers and health offices",
            ),
        );
        x.push_str("    <eventCode>\n");
        element(&mut x, 3, "valueName", "WASPADA-DISEASE");
        element(&mut x, 3, "value", &f.disease_id);
        x.push_str("    </eventCode>\n");
        element(&mut x, 2, "expires", &expires);
        element(&mut x, 2, "senderName", "Waspada");
        element(&mut x, 2, "headline", &headline(f, lang));
        element(&mut x, 2, "description", &description(f, lang));
        element(
            &mut x,
            2,
            "instruction",
            lang.pick(
                "Verifikasi ke dinas kesehatan kabupaten/kota dan puskesmas setempat; bila terkonfirmasi, \
                 lakukan penyelidikan epidemiologi sesuai Permenkes 1501/2010.",
                "Verify with the district health office and local health centres; if confirmed, \
                 start an epidemiological investigation as Permenkes 1501/2010 requires.",
            ),
        );
        element(&mut x, 2, "web", &f.link);
        parameter(&mut x, "WASPADA-METHOD", &f.method);
        parameter(&mut x, "WASPADA-OBSERVED", &f.observed.to_string());
        if let Some(e) = f.expected {
            parameter(&mut x, "WASPADA-EXPECTED", &format!("{e:.2}"));
        }
        parameter(
            &mut x,
            "WASPADA-PERIOD",
            &format!("{}/{}", f.period_start, f.period_end),
        );
        area(&mut x, f);
        x.push_str("  </info>\n");
    }
    x.push_str("</alert>\n");
    x
}

fn header(x: &mut String, sender: &str, id: i64, n: usize, sent: &str, ctx: &CapContext) {
    element(x, 1, "identifier", &identifier(id, n));
    element(x, 1, "sender", sender);
    element(x, 1, "sent", sent);
    element(
        x,
        1,
        "status",
        if ctx.synthetic { "Exercise" } else { "Actual" },
    );
    element(x, 1, "msgType", if n > 1 { "Update" } else { "Alert" });
    element(x, 1, "source", "Waspada");
    element(x, 1, "scope", "Public");
    if ctx.synthetic {
        element(
            x,
            1,
            "note",
            "Synthetic data for demonstration / data sintetis untuk demonstrasi",
        );
    }
    if n > 1 {
        // Every earlier message of this signal, as "sender,identifier,sent".
        let refs: Vec<String> = (1..n)
            .map(|i| {
                format!(
                    "{sender},{},{}",
                    identifier(id, i),
                    cap_time(ctx.escalations[i - 1])
                )
            })
            .collect();
        element(x, 1, "references", &refs.join(" "));
    }
}

fn parameter(x: &mut String, name: &str, value: &str) {
    x.push_str("    <parameter>\n");
    element(x, 3, "valueName", name);
    element(x, 3, "value", value);
    x.push_str("    </parameter>\n");
}

fn area(x: &mut String, f: &SignalFacts) {
    x.push_str("    <area>\n");
    element(x, 3, "areaDesc", &f.place);
    if let (Some(lat), Some(lon)) = (f.lat, f.lon)
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
    {
        let radius = match f.area_level.as_str() {
            "regency" => 25.0,
            "province" => 150.0,
            _ => 500.0,
        };
        element(x, 3, "circle", &format!("{lat:.4},{lon:.4} {radius:.1}"));
    }
    let kemendagri =
        !f.area_code.is_empty() && f.area_code.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if kemendagri {
        geocode(x, "KEMENDAGRI", &f.area_code);
    } else if f.area_level != "country" {
        geocode(x, "WASPADA-PLACE", &f.area_code);
    }
    if let Some(c) = &f.country {
        geocode(x, "ISO3166-1", c);
    }
    x.push_str("    </area>\n");
}

fn geocode(x: &mut String, name: &str, value: &str) {
    x.push_str("      <geocode>\n");
    element(x, 4, "valueName", name);
    element(x, 4, "value", value);
    x.push_str("      </geocode>\n");
}

/// One line: disease, place, period (CAP asks for under 160 characters).
pub fn headline(f: &SignalFacts, lang: Lang) -> String {
    let h = format!(
        "{} – {} ({} {}): {}",
        f.disease,
        f.place,
        lang.pick("pekan", "week of"),
        f.period_start,
        f.figures(lang)
    );
    if h.chars().count() <= 160 {
        h
    } else {
        let mut s: String = h.chars().take(159).collect();
        s.push('…');
        s
    }
}

fn description(f: &SignalFacts, lang: Lang) -> String {
    format!(
        "{}\n{}: {} – {}. {}.\n{}: {}",
        f.why,
        lang.pick("Periode", "Period"),
        f.period_start,
        f.period_end,
        f.figures(lang),
        lang.pick("Catatan detektor", "Detector's note"),
        f.explanation
    )
}
