//! Sparklines: a series' recent counts as a small inline SVG, drawn on the server.
//!
//! The signals page shows one per row, so it must cost nothing in the browser (no script,
//! no canvas) and little on the server (a few string writes). The markup is built here
//! from numbers and an escaped label only, which is why [`Sparkline`] may be printed into a
//! template without escaping: it is the one piece of HTML the server writes in Rust.

use std::fmt::{self, Write as _};

/// Width of the drawing, in CSS pixels.
pub const WIDTH: f64 = 96.0;
/// Height of the drawing, in CSS pixels.
pub const HEIGHT: f64 = 24.0;
/// Room kept around the line so the end point's dot is not cut off.
const PAD: f64 = 3.0;

/// An SVG `<svg>` element: a polyline of `values` (oldest first) scaled to the box, a dot
/// on the last value when `highlight_last` (the period a signal flags), and a dashed line
/// at `threshold` when it is a finite number ≥ 0. The scale runs from 0 to the largest of
/// the values, the threshold and 1, so a flat run of zeros lies on the bottom edge.
///
/// `label` is the accessible name (`role="img"`, `aria-label` and `<title>`); it is
/// escaped. Everything else in the output is numbers and fixed markup.
pub fn sparkline_svg(
    values: &[u32],
    highlight_last: bool,
    threshold: Option<f64>,
    label: &str,
) -> String {
    // askama's own HTML escaper: the same rules as every template value.
    let label = match askama::filters::escape(label, askama::filters::Html) {
        Ok(escaped) => escaped.to_string(),
        Err(never) => match never {},
    };
    let mut svg = format!(
        "<svg class=\"sparkline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" \
         height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-label=\"{label}\"><title>{label}</title>"
    );
    let threshold = threshold.filter(|t| t.is_finite() && *t >= 0.0);
    let top = values
        .iter()
        .map(|&v| f64::from(v))
        .chain(threshold)
        .fold(1.0, f64::max);
    let x = |i: usize| match values.len() {
        0 | 1 => WIDTH / 2.0,
        n => PAD + (WIDTH - 2.0 * PAD) * i as f64 / (n - 1) as f64,
    };
    let y = |v: f64| HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * v / top;
    if let Some(t) = threshold {
        let _ = write!(
            svg,
            "<line class=\"spark-threshold\" x1=\"0\" x2=\"{WIDTH}\" y1=\"{y:.1}\" y2=\"{y:.1}\" \
             stroke=\"#e67e22\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>",
            y = y(t)
        );
    }
    if values.len() >= 2 {
        svg.push_str(
            "<polyline class=\"spark-line\" fill=\"none\" stroke=\"currentColor\" \
             stroke-width=\"1.5\" stroke-linejoin=\"round\" points=\"",
        );
        for (i, &v) in values.iter().enumerate() {
            if i > 0 {
                svg.push(' ');
            }
            let _ = write!(svg, "{:.1},{:.1}", x(i), y(f64::from(v)));
        }
        svg.push_str("\"/>");
    }
    // One value has no line to draw: its dot is the whole picture.
    if let Some(&last) = values.last()
        && (highlight_last || values.len() == 1)
    {
        let _ = write!(
            svg,
            "<circle class=\"spark-point\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"#c0392b\"/>",
            x(values.len() - 1),
            y(f64::from(last))
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A sparkline's markup, safe to print into a page as it is (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sparkline(String);

impl Sparkline {
    /// Draws `values` with [`sparkline_svg`].
    pub fn new(values: &[u32], highlight_last: bool, threshold: Option<f64>, label: &str) -> Self {
        Sparkline(sparkline_svg(values, highlight_last, threshold, label))
    }

    /// The markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sparkline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Built only by [`sparkline_svg`]: numbers, fixed markup and an escaped label.
impl askama::filters::HtmlSafe for Sparkline {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `(x, y)` pairs of the polyline.
    fn points(svg: &str) -> Vec<(f64, f64)> {
        let Some(rest) = svg.split("points=\"").nth(1) else {
            return Vec::new();
        };
        rest[..rest.find('"').unwrap()]
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    }

    fn attr(svg: &str, element: &str, name: &str) -> Option<f64> {
        let el = svg.split(&format!("<{element} ")).nth(1)?;
        let el = &el[..el.find('>')?];
        let v = el.split(&format!(" {name}=\"")).nth(1)?;
        v[..v.find('"')?].parse().ok()
    }

    #[test]
    fn empty_series_is_an_empty_labelled_box() {
        let svg = sparkline_svg(&[], true, None, "Tren 12 minggu: tidak ada data");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert!(svg.contains("aria-label=\"Tren 12 minggu: tidak ada data\""));
        assert!(svg.contains("<title>Tren 12 minggu: tidak ada data</title>"));
        assert!(!svg.contains("<polyline") && !svg.contains("<circle"));
    }

    #[test]
    fn all_zeros_lie_on_the_bottom_edge() {
        let svg = sparkline_svg(&[0, 0, 0, 0], false, None, "x");
        let pts = points(&svg);
        assert_eq!(pts.len(), 4);
        assert!(pts.iter().all(|&(_, y)| y == HEIGHT - PAD), "{pts:?}");
        assert_eq!(pts[0].0, PAD);
        assert_eq!(pts[3].0, WIDTH - PAD);
        assert!(!svg.contains("<circle"), "no dot unless asked");
    }

    #[test]
    fn one_point_is_a_dot_in_the_middle() {
        let svg = sparkline_svg(&[5], false, None, "x");
        assert!(!svg.contains("<polyline"));
        assert_eq!(attr(&svg, "circle", "cx"), Some(WIDTH / 2.0));
        assert_eq!(
            attr(&svg, "circle", "cy"),
            Some(PAD),
            "the largest value is at the top"
        );
    }

    #[test]
    fn the_largest_value_reaches_the_top_and_the_last_is_marked() {
        let svg = sparkline_svg(&[0, 1, 3, 9], true, None, "x");
        let pts = points(&svg);
        assert_eq!(pts[3].1, PAD);
        assert_eq!(pts[0].1, HEIGHT - PAD);
        assert!(pts[1].1 > pts[2].1 && pts[2].1 > pts[3].1, "{pts:?}");
        assert_eq!(attr(&svg, "circle", "cx"), Some(pts[3].0));
        assert_eq!(attr(&svg, "circle", "cy"), Some(pts[3].1));
    }

    #[test]
    fn a_threshold_above_the_values_sets_the_scale() {
        let svg = sparkline_svg(&[0, 2, 4], true, Some(8.0), "x");
        let line = attr(&svg, "line", "y1").unwrap();
        assert_eq!(line, PAD, "the threshold is the top of the scale");
        let pts = points(&svg);
        assert_eq!(pts[2].1, HEIGHT - PAD - (HEIGHT - 2.0 * PAD) / 2.0);
        // Not a number, negative or infinite: no line.
        for bad in [f64::NAN, -1.0, f64::INFINITY] {
            assert!(!sparkline_svg(&[1, 2], true, Some(bad), "x").contains("<line"));
        }
    }

    #[test]
    fn the_label_is_escaped_and_nothing_else_needs_it() {
        let hostile = "a\"><script>alert('x')</script>&";
        let svg = sparkline_svg(&[1, 2, 3], true, Some(2.5), hostile);
        assert!(!svg.contains("<script"));
        assert!(
            svg.contains("a&#34;&#62;&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;&#38;"),
            "{svg}"
        );
        // Without the label, the markup is tags, names, numbers and fixed words only.
        let plain = sparkline_svg(&[1, 2, 3], true, Some(2.5), "");
        assert!(
            plain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " <>/=\".,:#-".contains(c)),
            "{plain}"
        );
        assert_eq!(
            Sparkline::new(&[1, 2, 3], true, Some(2.5), "").as_str(),
            plain
        );
    }
}
