//! One key per article URL, whatever tracking parameters or cosmetic variants it
//! arrives with.

use url::Url;

/// Query parameters that only track the reader and never select content.
const TRACKING_EXACT: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "ref",
    "ref_src",
    "ref_url",
    "referrer",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "spm",
    "cmpid",
    "ncid",
    "soc_src",
    "soc_trk",
    "wt.mc_id",
    "oly_enc_id",
    "oly_anon_id",
    "vero_id",
    "rb_clickid",
    "s_cid",
    "share",
    "amp",
];

fn is_tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_") || k.starts_with("pk_") || TRACKING_EXACT.contains(&k.as_str())
}

/// The canonical form of a URL, used as the article key.
///
/// Lower-cases scheme and host, drops the default port and the fragment, drops
/// tracking parameters (`utm_*`, `fbclid`, `gclid`, `mc_cid`, `mc_eid`, `ref`, ...),
/// sorts the remaining query parameters and removes a trailing slash from the path
/// (not from the root). Idempotent; text that is not a URL comes back trimmed.
pub fn canonical_url(input: &str) -> String {
    let trimmed = input.trim();
    let Ok(mut url) = Url::parse(trimmed) else {
        return trimmed.to_owned();
    };
    url.set_fragment(None);
    if !matches!(url.scheme(), "http" | "https") {
        return url.to_string();
    }
    if let Some(query) = url.query() {
        let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| !k.is_empty() && !is_tracking(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        pairs.sort();
        if pairs.is_empty() {
            url.set_query(None);
        } else {
            let q = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            url.set_query(Some(&q));
        }
    }
    let path = url.path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed_path = path.trim_end_matches('/').to_owned();
        url.set_path(if trimmed_path.is_empty() {
            "/"
        } else {
            &trimmed_path
        });
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn variants_collapse() {
        let want = "https://www.kabar-sehat.example/berita/dbd-garut?id=7&page=2";
        for v in [
            "HTTPS://WWW.Kabar-Sehat.example:443/berita/dbd-garut/?page=2&id=7",
            "https://www.kabar-sehat.example/berita/dbd-garut?utm_source=fb&id=7&page=2#komentar",
            "https://www.kabar-sehat.example/berita/dbd-garut/?fbclid=abc&page=2&gclid=x&id=7&ref=home",
        ] {
            assert_eq!(canonical_url(v), want, "{v}");
        }
    }

    #[test]
    fn keeps_root_and_content_params() {
        assert_eq!(canonical_url("http://a.example/"), "http://a.example/");
        assert_eq!(canonical_url("http://a.example"), "http://a.example/");
        assert_eq!(
            canonical_url("http://a.example:8080/x/"),
            "http://a.example:8080/x"
        );
        assert_eq!(
            canonical_url("http://a.example/?utm_medium=x"),
            "http://a.example/"
        );
        assert_eq!(
            canonical_url("http://a.example/read?p=1"),
            "http://a.example/read?p=1"
        );
        assert_eq!(canonical_url("  not a url "), "not a url");
    }

    proptest! {
        #[test]
        fn idempotent_and_total(s in "\\PC{0,60}") {
            let once = canonical_url(&s);
            prop_assert_eq!(canonical_url(&once), once.clone());
        }

        #[test]
        fn idempotent_on_url_like(
            scheme in "(http|https|HTTP|ftp)",
            host in "[a-zA-Z0-9.-]{1,20}",
            port in proptest::option::of(0u16..),
            path in "(/[a-zA-Z0-9%._~+ -]{0,8}){0,4}/?",
            query in proptest::option::of("[a-zA-Z0-9_=&%+;. -]{0,30}"),
            frag in proptest::option::of("[a-z#/?]{0,8}"),
        ) {
            let mut s = format!("{scheme}://{host}");
            if let Some(p) = port { s.push_str(&format!(":{p}")); }
            s.push_str(&path);
            if let Some(q) = query { s.push('?'); s.push_str(&q); }
            if let Some(f) = frag { s.push('#'); s.push_str(&f); }
            let once = canonical_url(&s);
            prop_assert_eq!(canonical_url(&once), once.clone(), "input {}", s);
            if Url::parse(&s).is_ok_and(|u| u.scheme().starts_with("http")) {
                prop_assert!(!once.contains('#'), "fragment kept: {}", once);
                prop_assert!(!once.contains("utm_"), "tracking kept: {}", once);
            }
        }
    }
}
