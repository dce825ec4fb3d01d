//! The report as a page: one self-contained HTML file (no script, no external asset) that
//! reads at any width. Charts are CSS grid rows, not a scaled SVG: a label has a cell of its
//! own, so it can never sit on a bar, and text keeps its size on a phone. Every colour that
//! carries text is declared with the background it sits on, and the tests below hold each
//! pair to WCAG AA.

use std::fmt::Write as _;

use super::{FailedTest, HEADINGS, LayerResult, Measurements, RunSummary, cells};

/// The page's colours. Text colours sit on `PAGE` unless their rule names a background.
const STYLE: &str = "\
:root{color-scheme:light}
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;background:#ffffff}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.3;margin:.5rem 0}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.meta{color:#59636e;background:#ffffff}
.chart{margin:.5rem 0 1rem}
.row{display:grid;grid-template-columns:7rem minmax(0,1fr) 12rem;gap:.75rem;align-items:center;margin:.3rem 0}
.label{text-align:right;font-weight:600}
.track{display:flex;justify-content:center;background:#eef1f4;height:1.6rem;border-radius:3px}
.bar{background:#1a7f37;min-width:4px;border-radius:3px}
.bar.red{background:#cf222e}
.bar.earlier{background:#59636e}
.value{font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:.3rem .5rem;border-bottom:1px solid #d1d9e0;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
.green{color:#116329;background:#ffffff;font-weight:600}
.red{color:#a40e26;background:#ffffff;font-weight:600}
.earlier-run{color:#59636e;background:#ffffff}
pre{white-space:pre-wrap;overflow-wrap:anywhere;color:#1f2328;background:#f6f8fa;padding:.5rem;border-radius:3px}
a{color:#0550ae;background:#ffffff}
@media (max-width:40rem){.row{grid-template-columns:minmax(0,1fr) auto}.label{text-align:left}.track{grid-column:1/-1;order:3}}
";

/// The whole page.
pub fn page(summary: &RunSummary, measurements: &Measurements) -> String {
    let by_tests = summary.shape(|layer| layer.tests as f64);
    let by_time = summary.shape(|layer| layer.seconds);
    let mut body = format!(
        "<h1>The test layers: {} by tests, {} by time</h1>\n<p class=\"meta\">{}</p>\n",
        by_tests.name(),
        by_time.name(),
        escape(&run_line(summary))
    );
    let total_tests: usize = summary.test_layers().map(|layer| layer.tests).sum();
    let _ = write!(
        body,
        "<h2>Tests per layer: {}</h2>\n{}",
        by_tests.name(),
        chart(summary, "tests per layer", |layer| {
            (summary.test_share(layer), format!("{} tests · {:.0} %", layer.tests, summary.test_share(layer)))
        })
    );
    let _ = writeln!(
        body,
        "<p class=\"meta\">{total_tests} tests in all; lint's checks are not tests and are not drawn.</p>"
    );
    let test_seconds: f64 = summary.test_layers().map(|layer| layer.seconds).sum();
    let _ = write!(
        body,
        "<h2>Time per layer: {}</h2>\n{}",
        by_time.name(),
        chart(summary, "wall time per layer", |layer| {
            let share = if test_seconds == 0.0 { 0.0 } else { layer.seconds * 100.0 / test_seconds };
            (share, format!("{:.1} s · {share:.0} %", layer.seconds))
        })
    );
    body.push_str("<p class=\"meta\">Shares of the test layers' wall time; lint's time is in the table.</p>\n");
    body.push_str(&table(summary, measurements));
    body.push_str(&failures(summary));
    let _ = write!(
        body,
        "<h2>Where the figures come from</h2>\n<pre>{}</pre>\n",
        escape(super::sources(measurements).trim())
    );
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Test layers: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        by_tests.name()
    )
}

fn run_line(summary: &RunSummary) -> String {
    let status = if summary.all_green() { "every layer green" } else { "a layer is red" };
    let at = summary.measured_at.as_deref().unwrap_or("an unknown time");
    format!("Run of {at}: {status}; build {:.1} s, total {:.1} s.", summary.build_seconds, summary.total_seconds)
}

/// One row per test layer, top (e2e) down, each bar centred and as wide as its share.
fn chart(summary: &RunSummary, what: &str, measure: impl Fn(&LayerResult) -> (f64, String)) -> String {
    let mut out = format!("<div class=\"chart\" role=\"img\" aria-label=\"{}\">\n", escape(what));
    for layer in summary.test_layers().collect::<Vec<_>>().into_iter().rev() {
        let (share, value) = measure(layer);
        let class = match (layer.green(), summary.is_earlier(layer)) {
            (false, _) => "bar red",
            (true, true) => "bar earlier",
            (true, false) => "bar",
        };
        let earlier = if summary.is_earlier(layer) { " (earlier run)" } else { "" };
        let _ = writeln!(
            out,
            "<div class=\"row\"><span class=\"label\">{}</span><span class=\"track\"><span class=\"{class}\" style=\"width:{share:.1}%\"></span></span><span class=\"value\">{}{earlier}</span></div>",
            escape(&layer.name),
            escape(&value)
        );
    }
    out.push_str("</div>\n");
    out
}

fn table(summary: &RunSummary, measurements: &Measurements) -> String {
    let mut out = String::from("<h2>Per layer</h2>\n<div class=\"scroll\"><table>\n<tr>");
    for heading in HEADINGS {
        let _ = write!(out, "<th scope=\"col\">{heading}</th>");
    }
    out.push_str("</tr>\n");
    for layer in &summary.layers {
        out.push_str("<tr>");
        let row = cells(summary, measurements, layer);
        for (index, cell) in row.iter().enumerate() {
            let class = match HEADINGS[index] {
                "status" => format!(" class=\"{cell}\""),
                "measured" if summary.is_earlier(layer) => " class=\"earlier-run\"".to_owned(),
                _ => String::new(),
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table></div>\n");
    out
}

fn failures(summary: &RunSummary) -> String {
    let failures: Vec<(&LayerResult, &FailedTest)> = summary.failures().collect();
    if failures.is_empty() {
        return "<h2>Failed tests</h2>\n<p>None.</p>\n".to_owned();
    }
    let mut out = format!("<h2 id=\"failures\">Failed tests ({})</h2>\n", failures.len());
    for (layer, failure) in failures {
        let _ = write!(
            out,
            "<h3>{} · <code>{}</code></h3>\n<pre>{}</pre>\n<p><a href=\"{}\">JUnit ({})</a>",
            escape(&layer.name),
            escape(&failure.name),
            escape(&failure.message),
            escape(&failure.junit),
            escape(&failure.junit)
        );
        if let Some(artifacts) = &failure.artifacts {
            let _ = write!(
                out,
                " · what the browser showed: <a href=\"{0}screenshot.png\">screenshot</a>, <a href=\"{0}page.html\">page</a>, <a href=\"{0}console.log\">console</a>",
                escape(artifacts)
            );
        }
        out.push_str("</p>\n");
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::FailedTest;

    fn layer(name: &str, tests: usize, seconds: f64) -> LayerResult {
        LayerResult {
            name: name.into(),
            tests,
            passed: tests,
            failed: 0,
            skipped: 0,
            seconds,
            ran_cleanly: true,
            partition: None,
            shards: 1,
            measured_at: Some("2026-11-24T10:00:00Z".into()),
            median_test_seconds: Some(0.01),
            build_seconds: None,
            failures: vec![],
        }
    }

    fn summary() -> RunSummary {
        let failure = FailedTest {
            name: "login::a_wrong_password_is_refused".into(),
            message: "assertion failed: <b>left</b> == right".into(),
            junit: "e2e.junit.xml".into(),
            artifacts: Some("../e2e-artifacts/login__a_wrong_password_is_refused/".into()),
        };
        RunSummary {
            layers: vec![
                layer("lint", 6, 79.5),
                layer("unit", 224, 2.9),
                layer("integration", 265, 45.5),
                LayerResult { failed: 1, passed: 16, failures: vec![failure], ..layer("e2e", 17, 31.5) },
            ],
            measured_at: Some("2026-11-24T10:00:00Z".into()),
            ..RunSummary::default()
        }
    }

    /// WCAG 2's relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |at: usize| {
            let value = f64::from(u8::from_str_radix(&hex[at..at + 2], 16).unwrap()) / 255.0;
            if value <= 0.03928 { value / 12.92 } else { ((value + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// `(selector, declarations)` of every rule in the page's stylesheet, media queries' too.
    fn rules(html: &str) -> Vec<(String, String)> {
        let css = html.split("<style>").nth(1).unwrap().split("</style>").next().unwrap();
        css.split('}')
            .filter_map(|rule| rule.rsplit_once('{'))
            .map(|(selector, body)| (selector.trim().to_owned(), body.to_owned()))
            .collect()
    }

    fn declared<'a>(body: &'a str, property: &str) -> Option<&'a str> {
        body.split(';').find_map(|declaration| declaration.trim().strip_prefix(&format!("{property}:")))
    }

    #[test]
    fn every_text_colour_passes_wcag_aa_on_the_background_it_sits_on() {
        let html = page(&summary(), &Measurements::default());
        let page_background = rules(&html)
            .iter()
            .find(|(selector, _)| selector == "body")
            .and_then(|(_, body)| declared(body, "background").map(str::to_owned))
            .unwrap();

        let mut checked = 0;
        for (selector, body) in rules(&html) {
            let Some(colour) = declared(&body, "color") else { continue };
            let background = declared(&body, "background").unwrap_or(&page_background);
            let ratio = contrast(colour, background);
            assert!(ratio >= 4.5, "{selector}: {colour} on {background} is {ratio:.2}:1, under AA's 4.5:1");
            checked += 1;
        }

        assert!(checked >= 6, "only {checked} text colours found: did the stylesheet's format change?");
    }

    #[test]
    fn the_bars_stand_out_from_their_track_and_carry_no_text() {
        let html = page(&summary(), &Measurements::default());
        let rules = rules(&html);
        let background_of = |selector: &str| {
            rules
                .iter()
                .find(|(name, _)| name == selector)
                .and_then(|(_, body)| declared(body, "background"))
                .unwrap()
                .to_owned()
        };
        let track = background_of(".track");

        for bar in [".bar", ".bar.red", ".bar.earlier"] {
            let ratio = contrast(&background_of(bar), &track);
            assert!(ratio >= 3.0, "{bar} on its track is {ratio:.2}:1, under WCAG's 3:1 for graphics");
        }
        assert!(html.contains("\"></span></span>"), "a bar element holds text, which could overflow it");
        assert!(!html.contains("<svg"), "labels drawn over a scaled picture would shrink and overlap on a phone");
    }

    #[test]
    fn the_page_fits_a_phone_each_label_in_a_cell_of_its_own() {
        let html = page(&summary(), &Measurements::default());

        assert!(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
        for (selector, body) in rules(&html) {
            if let Some(width) = declared(&body, "width").and_then(|width| width.strip_suffix("px")) {
                assert!(width.parse::<f64>().unwrap() <= 320.0, "{selector} is {width}px wide: wider than a phone");
            }
        }
        let rows: Vec<&str> = html.lines().filter(|line| line.starts_with("<div class=\"row\">")).collect();
        assert_eq!(rows.len(), 6, "three layers, two charts");
        for row in rows {
            let cells = ["<span class=\"label\">", "<span class=\"track\">", "<span class=\"value\">"];
            let at: Vec<usize> = cells.iter().map(|cell| row.find(cell).unwrap()).collect();
            assert!(
                at.windows(2).all(|pair| pair[0] < pair[1]),
                "label, bar and value are not in cells of their own: {row}"
            );
        }
    }

    #[test]
    fn the_shapes_are_named_for_what_they_are_and_drawn_top_down() {
        let html = page(&summary(), &Measurements::default());

        assert!(html.contains("<h1>The test layers: a diamond by tests, a diamond by time</h1>"), "{html}");
        let labels: Vec<&str> = html
            .match_indices("<span class=\"label\">")
            .map(|(at, _)| html[at + 20..].split('<').next().unwrap())
            .take(3)
            .collect();
        assert_eq!(labels, ["e2e", "integration", "unit"]);
    }

    #[test]
    fn a_failed_test_is_listed_with_its_message_escaped_and_links_to_its_junit_and_browser_artifacts() {
        let html = page(&summary(), &Measurements::default());

        assert!(html.contains("<h2 id=\"failures\">Failed tests (1)</h2>"));
        assert!(html.contains("<code>login::a_wrong_password_is_refused</code>"));
        assert!(html.contains("assertion failed: &lt;b&gt;left&lt;/b&gt; == right"));
        assert!(html.contains("<a href=\"e2e.junit.xml\">"));
        assert!(
            html.contains(
                "<a href=\"../e2e-artifacts/login__a_wrong_password_is_refused/screenshot.png\">screenshot</a>"
            )
        );
        assert!(html.contains("<span class=\"bar red\""), "the red layer's bars are red");
    }

    #[test]
    fn a_layer_from_an_earlier_run_is_marked_with_when_it_was_measured() {
        let mut summary = summary();
        summary.layers[3].measured_at = Some("2026-11-23T08:00:00Z".into());

        let html = page(&summary, &Measurements::default());

        assert!(html.contains("<td class=\"earlier-run\">earlier run, 2026-11-23T08:00:00Z</td>"), "{html}");
        assert!(html.contains("(earlier run)</span>"));
    }
}
