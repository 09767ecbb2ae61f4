//! Atom 1.0 (RFC 4287) feeds, one per Atom subscription.
//!
//! Feed readers cannot log in, so the feed's address carries an unguessable token
//! (`/feeds/{token}.atom`, 256 random bits) and the token is the credential: whoever has
//! the address reads the feed, and deleting the subscription revokes it. The feed's own
//! `<id>` uses the subscription id, never the token, so the token does not leak through
//! copies of entries.

use jiff::Timestamp;

use crate::signal::{Lang, SignalFacts};
use crate::xml::{element, text};

/// One entry: a signal alerted to the subscription, and when.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    /// The signal in the feed's language.
    pub facts: SignalFacts,
    /// When the alert was created (epoch ms).
    pub at: i64,
}

/// RFC 3339 UTC time with seconds.
pub fn rfc3339(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The feed of subscription `subscription_id`, newest entry first. `self_url` is the
/// feed's own address; `base_url` the dashboard's.
pub fn feed_xml(
    subscription_id: i64,
    owner: &str,
    lang: Lang,
    self_url: &str,
    base_url: &str,
    entries: &[FeedEntry],
    synthetic: bool,
) -> String {
    let updated = entries.iter().map(|e| e.at).max().unwrap_or(0);
    let mut x = String::with_capacity(2048 + entries.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        lang.code()
    ));
    element(
        &mut x,
        1,
        "id",
        &format!("urn:waspada:subscription:{subscription_id}"),
    );
    let mut title = format!(
        "Waspada – {} {owner}",
        lang.pick("sinyal untuk", "signals for")
    );
    if synthetic {
        title.push_str(lang.pick(" (data sintetis)", " (synthetic data)"));
    }
    element(&mut x, 1, "title", &title);
    element(&mut x, 1, "updated", &rfc3339(updated));
    x.push_str("  <author><name>Waspada</name></author>\n");
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        text(self_url)
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}/signals\"/>\n",
        text(base_url.trim_end_matches('/'))
    ));
    for e in entries {
        let f = &e.facts;
        x.push_str("  <entry>\n");
        element(&mut x, 2, "id", &format!("urn:waspada:signal:{}", f.id));
        element(&mut x, 2, "title", &crate::cap::headline(f, lang));
        element(&mut x, 2, "updated", &rfc3339(e.at));
        x.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            text(&f.link)
        ));
        x.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            text(&f.disease_id),
            text(&f.disease)
        ));
        x.push_str(&format!(
            "    <category term=\"severity:{}\"/>\n",
            f.severity.as_str()
        ));
        element(
            &mut x,
            2,
            "summary",
            &format!(
                "{} {} {}–{}. {}",
                f.place,
                lang.pick("periode", "period"),
                f.period_start,
                f.period_end,
                f.why
            ),
        );
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}
