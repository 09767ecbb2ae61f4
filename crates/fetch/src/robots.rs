//! A small robots.txt parser and matcher after RFC 9309.
//!
//! Written in-house rather than taking `texting_robots` (last release 0.2.2, which pulls
//! nom 7, bstr 0.2, anyhow, lazy_static and thiserror 1): the rules we need (groups,
//! longest-match Allow/Disallow with `*` and `$`, Crawl-delay) fit in this file, and it
//! cannot fail: any text gives some rule set.

/// The rules of one robots.txt that apply to our user agent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    rules: Vec<Rule>,
    crawl_delay: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    allow: bool,
    pattern: String,
}

#[derive(Default)]
struct Group {
    agents: Vec<String>,
    rules: Vec<Rule>,
    crawl_delay: Option<f64>,
}

impl Robots {
    /// Rules that allow everything (robots.txt missing, 4xx).
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Parses robots.txt text for the product token `agent` (case-insensitive, e.g.
    /// "waspada"). Groups naming our token win over `*`; several matching groups merge.
    pub fn parse(text: &str, agent: &str) -> Robots {
        let agent = agent.to_ascii_lowercase();
        let mut groups: Vec<Group> = Vec::new();
        let mut current = Group::default();
        let mut in_agents = false;
        for raw in text.lines() {
            let line = raw.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if !in_agents && !current.agents.is_empty() {
                        groups.push(std::mem::take(&mut current));
                    }
                    in_agents = true;
                    // "Waspada/1.0" in a robots.txt still names the product "waspada".
                    let token = value.split('/').next().unwrap_or("").trim();
                    current.agents.push(token.to_ascii_lowercase());
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    // An empty Disallow means "nothing disallowed": no rule.
                    if !value.is_empty() && !current.agents.is_empty() {
                        current.rules.push(Rule {
                            allow: key == "allow",
                            pattern: value.to_owned(),
                        });
                    }
                }
                "crawl-delay" => {
                    in_agents = false;
                    if let Ok(d) = value.parse::<f64>()
                        && d.is_finite()
                        && d >= 0.0
                    {
                        current.crawl_delay = Some(d);
                    }
                }
                _ => {}
            }
        }
        if !current.agents.is_empty() {
            groups.push(current);
        }
        // RFC 9309: the product token matches case-insensitively, as a whole.
        let matches_us = |g: &Group| g.agents.contains(&agent);
        let ours: Vec<&Group> = groups.iter().filter(|g| matches_us(g)).collect();
        let chosen: Vec<&Group> = if ours.is_empty() {
            groups
                .iter()
                .filter(|g| g.agents.iter().any(|a| a == "*"))
                .collect()
        } else {
            ours
        };
        Robots {
            rules: chosen
                .iter()
                .flat_map(|g| g.rules.iter().cloned())
                .collect(),
            crawl_delay: chosen.iter().filter_map(|g| g.crawl_delay).reduce(f64::max),
        }
    }

    /// Whether `path_and_query` (e.g. "/berita/1?x=2") may be fetched. The longest
    /// matching pattern decides; on a tie Allow wins; no match means allowed.
    pub fn allowed(&self, path_and_query: &str) -> bool {
        if path_and_query == "/robots.txt" {
            return true;
        }
        let mut best: Option<(usize, bool)> = None;
        for rule in &self.rules {
            if pattern_matches(&rule.pattern, path_and_query) {
                let len = rule.pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, rule.allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }

    /// The Crawl-delay in seconds, if the applicable group gives one.
    pub fn crawl_delay(&self) -> Option<f64> {
        self.crawl_delay
    }
}

/// Matches a robots pattern (`*` = any run of characters, trailing `$` = end of URL)
/// against the start of `path`.
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let pieces: Vec<&str> = pattern.split('*').collect();
    let Some(first) = pieces.first() else {
        return true;
    };
    if !path.starts_with(first) {
        return false;
    }
    let mut pos = first.len();
    let last = pieces.len() - 1;
    if last == 0 {
        return !anchored || pos == path.len();
    }
    for (i, piece) in pieces.iter().enumerate().skip(1) {
        if i == last && anchored {
            // The final piece must sit at the very end, after what we have matched.
            return path.len() >= pos + piece.len() && path.ends_with(piece);
        }
        match path[pos..].find(piece) {
            Some(at) => pos += at + piece.len(),
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "# comment\n\
        User-agent: *\n\
        Disallow: /private/\n\
        Crawl-delay: 2\n\
        \n\
        User-agent: Waspada\n\
        User-agent: otherbot\n\
        Disallow: /admin\n\
        Allow: /admin/public\n\
        Disallow: /*.pdf$\n\
        Crawl-delay: 3\n";

    #[test]
    fn our_group_wins_over_star() {
        let r = Robots::parse(TXT, "waspada");
        assert!(r.allowed("/private/x"), "the * group must not apply to us");
        assert!(!r.allowed("/admin/settings"));
        assert!(r.allowed("/admin/public/page"));
        assert!(!r.allowed("/docs/a.pdf"));
        assert!(r.allowed("/docs/a.pdf?x=1"));
        assert_eq!(r.crawl_delay(), Some(3.0));
    }

    #[test]
    fn star_group_for_others() {
        let r = Robots::parse(TXT, "somebot");
        assert!(!r.allowed("/private/x"));
        assert!(r.allowed("/admin"));
        assert_eq!(r.crawl_delay(), Some(2.0));
    }

    #[test]
    fn token_matches_whole_and_ignores_version() {
        let r = Robots::parse("User-agent: Wasp\nDisallow: /\n", "waspada");
        assert!(
            r.allowed("/x"),
            "a group for another product must not apply"
        );
        let r = Robots::parse("User-agent: WASPADA/2.0\nDisallow: /x\n", "waspada");
        assert!(!r.allowed("/x/y"));
    }

    #[test]
    fn empty_and_garbage() {
        assert!(Robots::parse("", "waspada").allowed("/x"));
        assert!(Robots::parse("\u{0}\u{ffff}:::\nDisallow: /", "waspada").allowed("/x"));
        let r = Robots::parse("User-agent: *\nDisallow:\n", "waspada");
        assert!(r.allowed("/anything"));
        let r = Robots::parse("User-agent: *\nDisallow: /\n", "waspada");
        assert!(!r.allowed("/anything"));
        assert!(r.allowed("/robots.txt"));
    }

    #[test]
    fn wildcards() {
        assert!(pattern_matches("/a*b", "/axxb/c"));
        assert!(!pattern_matches("/a*b$", "/axxb/c"));
        assert!(pattern_matches("/a*b$", "/axxb"));
        assert!(pattern_matches("*", "/"));
        assert!(pattern_matches("/ab*b$", "/abb"));
        assert!(!pattern_matches("/abc*c$", "/abc"));
    }
}
