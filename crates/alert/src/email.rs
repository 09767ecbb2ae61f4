//! E-mail digests over SMTP with STARTTLS and AUTH.
//!
//! One message per subscriber and digest window (every pass for `immediate`, once a day
//! for `daily`), plain text and HTML alternatives, in the subscriber's language. Every
//! signal shows disease, place, period, observed vs expected, why, and a link to its
//! page on the dashboard.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::AlertError;
use crate::config::SmtpConfig;
use crate::signal::{Lang, SignalFacts};
use crate::xml::text as esc;

/// A digest ready to send.
#[derive(Debug, Clone)]
pub struct Digest {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// Writes the digest of `signals` in `lang`.
pub fn compose(signals: &[SignalFacts], lang: Lang, base_url: &str, synthetic: bool) -> Digest {
    let n = signals.len();
    let first = signals
        .first()
        .map(|f| format!("{} – {}", f.disease, f.place))
        .unwrap_or_default();
    let more = if n > 1 {
        format!(
            " {} {}",
            lang.pick("dan", "and"),
            match lang {
                Lang::Id => format!("{} lainnya", n - 1),
                Lang::En => format!("{} more", n - 1),
            }
        )
    } else {
        String::new()
    };
    let mut subject = match lang {
        Lang::Id => format!("Waspada: {n} sinyal – {first}{more}"),
        Lang::En => format!(
            "Waspada: {n} signal{} – {first}{more}",
            if n == 1 { "" } else { "s" }
        ),
    };
    if synthetic {
        subject.insert_str(0, lang.pick("[LATIHAN] ", "[EXERCISE] "));
    }
    let intro = lang.pick(
        "Sinyal berikut cocok dengan langganan Anda. Periksa dan tindak lanjuti di dasbor.",
        "These signals match your subscription. Review and triage them on the dashboard.",
    );
    let labels = Labels::new(lang);
    let mut text = format!("{intro}\n\n");
    let mut html = format!(
        "<!doctype html><html lang=\"{}\"><body style=\"font-family:sans-serif\">\n<p>{}</p>\n",
        lang.code(),
        esc(intro)
    );
    for f in signals {
        text.push_str(&format!(
            "* {} – {} ({})\n  {}: {} – {}\n  {}: {}\n  {}: {}\n  {}: {}\n  {}\n\n",
            f.disease,
            f.place,
            f.area_code,
            labels.period,
            f.period_start,
            f.period_end,
            labels.figures,
            f.figures(lang),
            labels.severity,
            labels.severity_name(f.severity),
            labels.why,
            f.why,
            f.link
        ));
        html.push_str(&format!(
            "<h3>{} – {} <small>({})</small></h3>\n<ul>\n<li>{}: {} – {}</li>\n<li>{}: {}</li>\n\
             <li>{}: {}</li>\n<li>{}: {}</li>\n</ul>\n<p><a href=\"{}\">{}</a></p>\n",
            esc(&f.disease),
            esc(&f.place),
            esc(&f.area_code),
            labels.period,
            esc(&f.period_start),
            esc(&f.period_end),
            labels.figures,
            esc(&f.figures(lang)),
            labels.severity,
            labels.severity_name(f.severity),
            labels.why,
            esc(&f.why),
            esc(&f.link),
            labels.open
        ));
    }
    let footer = match lang {
        Lang::Id => format!(
            "Ubah atau hentikan langganan: {}/settings/subscriptions",
            base_url.trim_end_matches('/')
        ),
        Lang::En => format!(
            "Change or stop this subscription: {}/settings/subscriptions",
            base_url.trim_end_matches('/')
        ),
    };
    text.push_str(&format!("-- \n{footer}\n"));
    html.push_str(&format!(
        "<hr><p><small>{}</small></p>\n</body></html>\n",
        esc(&footer)
    ));
    Digest {
        subject,
        text,
        html,
    }
}

struct Labels {
    lang: Lang,
    period: &'static str,
    figures: &'static str,
    severity: &'static str,
    why: &'static str,
    open: &'static str,
}

impl Labels {
    fn new(lang: Lang) -> Labels {
        Labels {
            lang,
            period: lang.pick("Periode", "Period"),
            figures: lang.pick("Teramati vs perkiraan", "Observed vs expected"),
            severity: lang.pick("Tingkat", "Severity"),
            why: lang.pick("Alasan", "Why"),
            open: lang.pick("Buka di dasbor", "Open on the dashboard"),
        }
    }

    fn severity_name(&self, s: crate::Severity) -> &'static str {
        match s {
            crate::Severity::High => self.lang.pick("tinggi", "high"),
            crate::Severity::Medium => self.lang.pick("sedang", "medium"),
            crate::Severity::Low => self.lang.pick("rendah", "low"),
        }
    }
}

/// Whether `s` is one e-mail address (`name@example.go.id`, optionally with a display
/// name), as the mail library will accept it.
pub fn is_address(s: &str) -> bool {
    s.len() <= 254 && s.parse::<Mailbox>().is_ok()
}

/// An SMTP connection recipe: STARTTLS required, AUTH when a user is configured.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// How one send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Accepted by the server.
    Sent,
    /// Worth trying again (connection, timeout, 4xx).
    Transient(String),
    /// The server refused for good (5xx: bad address, relay denied...).
    Permanent(String),
}

impl Mailer {
    /// Builds the transport from the configuration; the password is read from the
    /// environment variable the configuration names.
    pub fn new(config: &SmtpConfig) -> Result<Mailer, AlertError> {
        let mut tls = TlsParameters::builder(config.host.clone());
        if let Some(path) = &config.ca_file {
            let pem = std::fs::read(path).map_err(|source| AlertError::CaFile {
                path: path.clone(),
                message: source.to_string(),
            })?;
            let cert = Certificate::from_pem(&pem).map_err(|e| AlertError::CaFile {
                path: path.clone(),
                message: e.to_string(),
            })?;
            tls = tls.add_root_certificate(cert);
        }
        let tls = tls
            .build_rustls()
            .map_err(|e| AlertError::Smtp(format!("TLS settings for {}: {e}", config.host)))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(Tls::Required(tls))
            .timeout(Some(Duration::from_secs(config.timeout_secs.max(1))));
        if let Some(user) = &config.user {
            let password = std::env::var(&config.password_env).map_err(|_| {
                AlertError::Smtp(format!(
                    "alerts.smtp: user {user:?} is set but the environment variable {} \
                     holding its password is not",
                    config.password_env
                ))
            })?;
            builder = builder
                .credentials(Credentials::new(user.clone(), password))
                .authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        let from = config
            .from
            .parse::<Mailbox>()
            .map_err(|e| AlertError::Smtp(format!("alerts.smtp: from {:?}: {e}", config.from)))?;
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one digest to `to`.
    pub async fn send(&self, to: &str, digest: &Digest) -> SendOutcome {
        let to: Mailbox = match to.parse() {
            Ok(m) => m,
            Err(e) => return SendOutcome::Permanent(format!("bad address {to:?}: {e}")),
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&digest.subject)
            .header(ContentType::TEXT_PLAIN)
            .multipart(MultiPart::alternative_plain_html(
                digest.text.clone(),
                digest.html.clone(),
            ));
        let message = match message {
            Ok(m) => m,
            Err(e) => return SendOutcome::Permanent(format!("cannot build the message: {e}")),
        };
        match self.transport.send(message).await {
            Ok(_) => SendOutcome::Sent,
            Err(e) if e.is_permanent() => SendOutcome::Permanent(format!("SMTP: {e}")),
            Err(e) => SendOutcome::Transient(format!("SMTP: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(place: &str) -> SignalFacts {
        let kb = waspada_kb::KnowledgeBase::embedded();
        let mut s = waspada_store::SignalRow {
            id: 3,
            disease_id: "dengue".into(),
            area_level: "regency".into(),
            area_code: "32.05".into(),
            frequency: "weekly".into(),
            period_start: "2024-03-04".into(),
            method: "farrington".into(),
            observed: 9,
            expected: Some(2.5),
            upperbound: Some(5.0),
            score: None,
            explanation: "x".into(),
            status: "new".into(),
            event_ids: vec![],
        };
        s.area_code = "32.05".into();
        let mut f = SignalFacts::new(kb, &s, Lang::Id, "https://w.example");
        f.place = place.into();
        f
    }

    #[test]
    fn digest_is_in_the_subscribers_language_and_escapes_html() {
        let d = compose(
            &[facts("<b>Garut</b> & co")],
            Lang::Id,
            "https://w.example",
            false,
        );
        assert!(d.subject.starts_with("Waspada: 1 sinyal"), "{}", d.subject);
        assert!(
            d.text
                .contains("Teramati vs perkiraan: 9 berita teramati, perkiraan 2.5")
        );
        assert!(d.text.contains("https://w.example/signals/3"));
        assert!(d.html.contains("&lt;b&gt;Garut&lt;/b&gt; &amp; co"));
        assert!(!d.html.contains("<b>Garut"));
        let en = compose(
            &[facts("A"), facts("B")],
            Lang::En,
            "https://w.example",
            true,
        );
        assert!(
            en.subject.starts_with("[EXERCISE] Waspada: 2 signals"),
            "{}",
            en.subject
        );
        assert!(en.text.contains("Observed vs expected"));
    }
}
