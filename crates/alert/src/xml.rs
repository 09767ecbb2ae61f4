//! Escaping for the XML we write by hand (CAP and Atom are small, fixed shapes; a writer
//! library would add nothing but a dependency). Everything that comes from news or
//! analysts goes through [`text`], which also drops characters XML 1.0 forbids, so a
//! hostile place name or explanation (`<`, `&`, `]]>`, control bytes) stays text.

/// `s` escaped for element content and attribute values (both quote kinds escaped).
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes `<name>escaped text</name>` and a newline, indented.
pub fn element(out: &mut String, indent: usize, name: &str, value: &str) {
    for _ in 0..indent {
        out.push_str("  ");
    }
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&text(value));
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_forbidden_characters_become_text() {
        assert_eq!(
            super::text("a<b>&\"c\"']]>\u{1}\u{7}\tz"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;]]&gt;\tz"
        );
    }
}
