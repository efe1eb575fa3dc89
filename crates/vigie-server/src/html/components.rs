//! The components every page builds with. Each takes data already gathered by the handler and
//! returns markup: no store call from here.

use maud::{Markup, Render, html};
use vigie_core::Lang;

use super::context::Link;
use super::words::W;

/// A table with column headers (`scope="col"`) in a container that scrolls sideways on a
/// narrow screen; `rows` are the `tr` of the body.
pub(crate) fn table(class: &str, caption: Option<&str>, heads: &[&str], rows: Markup) -> Markup {
    html! {
        div.table-wrap role="region" aria-label=[caption] tabindex="0" {
            table class=(class) {
                @if let Some(c) = caption { caption.visually-hidden { (c) } }
                thead { tr { @for h in heads { th scope="col" { (h) } } } }
                tbody { (rows) }
            }
        }
    }
}

/// Facts as a description list: (label, value) pairs.
pub(crate) fn facts<'a>(items: impl IntoIterator<Item = (&'a str, Markup)>) -> Markup {
    html! {
        dl.facts {
            @for (label, value) in items { dt { (label) } dd { (value) } }
        }
    }
}

/// Previous and next pages.
pub(crate) fn pager(lang: Lang, first: Option<Link>, next: Option<Link>, next_word: W) -> Markup {
    html! {
        @if first.is_some() || next.is_some() {
            nav.pager aria-label=(W::Pages.t(lang)) {
                @if let Some(f) = first { a href=(f) { (W::FirstPage.t(lang)) } }
                @if let Some(n) = next { a href=(n) rel="next" { (next_word.t(lang)) } }
            }
        }
    }
}

/// Links to the previous and to the next page of a list paged both ways.
pub(crate) fn pager_both_ways(lang: Lang, previous: Option<Link>, next: Option<Link>) -> Markup {
    html! {
        @if previous.is_some() || next.is_some() {
            nav.pager aria-label=(W::Pages.t(lang)) {
                @if let Some(p) = previous { a href=(p) rel="prev" { (W::PreviousPage.t(lang)) } }
                @if let Some(n) = next { a href=(n) rel="next" { (W::NextPage.t(lang)) } }
            }
        }
    }
}

/// A form field: its label, the input, and its error beside it (tied by `aria-describedby`).
pub(crate) struct Field<'a> {
    pub(crate) name: &'a str,
    pub(crate) label: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) value: &'a str,
    pub(crate) required: bool,
    pub(crate) error: Option<&'a str>,
}

impl Field<'_> {
    pub(crate) fn text<'a>(name: &'a str, label: &'a str) -> Field<'a> {
        Field {
            name,
            label,
            kind: "text",
            value: "",
            required: false,
            error: None,
        }
    }
}

impl Render for Field<'_> {
    fn render(&self) -> Markup {
        let id = format!("f-{}", self.name);
        let error_id = format!("{id}-error");
        html! {
            div.field.invalid[self.error.is_some()] {
                label for=(id) { (self.label) }
                input id=(id) type=(self.kind) name=(self.name) value=(self.value) required[self.required]
                    aria-invalid=[self.error.map(|_| "true")]
                    aria-describedby=[self.error.map(|_| error_id.as_str())];
                @if let Some(e) = self.error { p.field-error id=(error_id) { (e) } }
            }
        }
    }
}

/// A refusal beside the field it names (`f-NAME-error`; the form's alert links to the field).
pub(crate) fn field_error(name: &str, error: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = error { p.field-error id=(format!("f-{name}-error")) { (e) } }
    }
}

/// A select among (value, label) options.
pub(crate) fn select(
    name: &str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
) -> Markup {
    let id = format!("f-{name}");
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        }
    }
}

/// The session's CSRF token as a hidden field (the gate checks it on every change).
pub(crate) fn csrf_field(csrf: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(csrf); }
}

/// A POST form for a step that changes something and can be undone.
pub(crate) fn step_form(action: &Link, csrf: &str, fields: Markup, button: &str) -> Markup {
    html! {
        form.step method="post" action=(action) {
            (csrf_field(csrf))
            (fields)
            button type="submit" { (button) }
        }
    }
}

/// A step that cannot be undone: a disclosure that states the consequence and asks to confirm,
/// without JavaScript (the form is only reachable after opening it).
pub(crate) fn confirm_form(
    lang: Lang,
    action: &Link,
    csrf: &str,
    opener: &str,
    warning: &str,
    fields: Markup,
) -> Markup {
    html! {
        details.confirm {
            summary { (opener) }
            form method="post" action=(action) {
                p.warning role="note" { (warning) }
                (csrf_field(csrf))
                (fields)
                button.danger type="submit" { (W::ConfirmTitle.t(lang)) (W::Colon.t(lang)) (opener) }
            }
        }
    }
}

/// The kinds of flash messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Flash {
    Success,
    Error,
}

/// A message after an action: an error is announced at once (`role="alert"`).
pub(crate) fn flash(kind: Flash, text: &str) -> Markup {
    html! {
        @match kind {
            Flash::Success => { p.flash.success role="status" { (text) } }
            Flash::Error => { p.flash.error role="alert" { (text) } }
        }
    }
}

/// What a list says when it has nothing to show.
pub(crate) fn empty(text: &str) -> Markup {
    html! { p.empty { (text) } }
}

/// A horizontal bar chart drawn as inline SVG (hidden from screen readers), followed by the
/// same numbers as a table.
pub(crate) fn bar_chart(lang: Lang, title: &str, bars: &[(&str, u64)]) -> Markup {
    // Drawn at its own size (labels, bars, values), shrunk only on a narrower screen.
    const LABELS: u64 = 150;
    const WIDTH: u64 = 250;
    const ROW: usize = 24;
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let height = (bars.len() * ROW).max(ROW);
    let total = LABELS + WIDTH + 40;
    html! {
        figure.chart {
            figcaption { (title) }
            svg viewBox=(format!("0 0 {total} {height}")) width=(total) height=(height) aria-hidden="true" focusable="false" {
                @for (i, (label, value)) in bars.iter().enumerate() {
                    @let y = i * ROW;
                    text x="0" y=(y + 16) class="chart-label" { (label) }
                    rect x=(LABELS) y=(y + 4) height="16" width=(value * WIDTH / max) class="chart-bar" {}
                    text x=(LABELS + value * WIDTH / max + 6) y=(y + 16) class="chart-value" { (value) }
                }
            }
            // A table ignores `overflow`: the wrapper hides it.
            div.visually-hidden {
                table {
                    caption { (W::ChartNumbers.t(lang)) }
                    thead { tr { th scope="col" { (title) } th scope="col" { (W::Count.t(lang)) } } }
                    tbody { @for (label, value) in bars { tr { th scope="row" { (label) } td { (value) } } } }
                }
            }
        }
    }
}

/// A multi-line field (one entry per line, say): its label, a hint tied by `aria-describedby`.
pub(crate) fn text_area(name: &str, label: &str, hint: Option<&str>, value: &str) -> Markup {
    let id = format!("f-{name}");
    let hint_id = format!("{id}-hint");
    html! {
        div.field.wide {
            label for=(id) { (label) }
            @if let Some(h) = hint { span.hint id=(hint_id) { (h) } }
            textarea id=(id) name=(name) rows="4" aria-describedby=[hint.map(|_| hint_id.as_str())] { (value) }
        }
    }
}

/// A group of checkboxes under a legend: (name, label, checked).
pub(crate) fn checkboxes(legend: &str, boxes: &[(String, &str, bool)]) -> Markup {
    html! {
        fieldset.checks {
            legend { (legend) }
            @for (name, label, checked) in boxes {
                @let id = format!("f-{name}");
                div.field.check {
                    input id=(id) type="checkbox" name=(name) value="on" checked[*checked];
                    label for=(id) { (label) }
                }
            }
        }
    }
}

/// A risk on the heat map: its number, and where it stands (severity, likelihood, 1 to 4)
/// before and after the planned controls.
pub(crate) struct MapRisk<'a> {
    pub(crate) label: &'a str,
    pub(crate) before: (u8, u8),
    pub(crate) after: (u8, u8),
}

/// The CNIL method's risk map drawn as SVG: likelihood across, severity up, four levels each;
/// each risk as a hollow mark before controls and a filled one after. The numbers follow as a
/// table (the drawing is hidden from screen readers).
pub(crate) fn heat_map(
    lang: Lang,
    title: &str,
    levels: [&str; 4],
    axes: (&str, &str),
    phases: (&str, &str),
    risks: &[MapRisk<'_>],
) -> Markup {
    const CELL: u32 = 70;
    const LEFT: u32 = 110;
    const TOP: u32 = 10;
    let size = 4 * CELL;
    let (width, height) = (LEFT + size + 10, TOP + size + 70);
    // Green where both are low, red where both are high (the CNIL's zones).
    let fill = |severity: u32, likelihood: u32| match severity + likelihood {
        0..=4 => "#cfe8d5",
        5 => "#fbe3b5",
        _ => "#f4c2bd",
    };
    let centre = |severity: u8, likelihood: u8| {
        (
            LEFT + (u32::from(likelihood) - 1) * CELL + CELL / 2,
            TOP + (4 - u32::from(severity)) * CELL + CELL / 2,
        )
    };
    html! {
        figure.chart.heat-map {
            figcaption { (title) }
            svg viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height) aria-hidden="true" focusable="false" {
                @for severity in 1..=4u32 {
                    @for likelihood in 1..=4u32 {
                        rect x=(LEFT + (likelihood - 1) * CELL) y=(TOP + (4 - severity) * CELL) width=(CELL) height=(CELL)
                            fill=(fill(severity, likelihood)) stroke="#ffffff" stroke-width="2" {}
                    }
                    text x=(LEFT - 6) y=(TOP + (4 - severity) * CELL + CELL / 2 + 4) text-anchor="end" class="chart-label" { (levels[severity as usize - 1]) }
                }
                @for likelihood in 1..=4u32 {
                    text x=(LEFT + (likelihood - 1) * CELL + CELL / 2) y=(TOP + size + 16) text-anchor="middle" class="chart-label" { (levels[likelihood as usize - 1]) }
                }
                text x=(LEFT + size / 2) y=(TOP + size + 40) text-anchor="middle" class="chart-label" { (axes.1) " →" }
                text x="4" y=(TOP + 12) class="chart-label" { "↑ " (axes.0) }
                @for (i, r) in risks.iter().enumerate() {
                    @let offset = (i as u32 % 3) * 16;
                    @let (bx, by) = centre(r.before.0, r.before.1);
                    @let (ax, ay) = centre(r.after.0, r.after.1);
                    circle cx=(bx - 16 + offset) cy=(by - 12) r="10" fill="#ffffff" stroke="#1d2430" stroke-width="2" {}
                    text x=(bx - 16 + offset) y=(by - 8) text-anchor="middle" font-size="11" { (i + 1) }
                    circle cx=(ax - 16 + offset) cy=(ay + 12) r="10" fill="#1d2430" {}
                    text x=(ax - 16 + offset) y=(ay + 16) text-anchor="middle" font-size="11" fill="#ffffff" { (i + 1) }
                }
            }
            div.visually-hidden {
                table {
                    caption { (W::ChartNumbers.t(lang)) }
                    thead { tr { th scope="col" { "#" } th scope="col" { (phases.0) } th scope="col" { (phases.1) } } }
                    tbody {
                        @for (i, r) in risks.iter().enumerate() {
                            tr {
                                th scope="row" { (i + 1) ". " (r.label) }
                                td { (levels[r.before.0 as usize - 1]) " × " (levels[r.before.1 as usize - 1]) }
                                td { (levels[r.after.0 as usize - 1]) " × " (levels[r.after.1 as usize - 1]) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_headers_have_a_scope() {
        let t = table(
            "x",
            None,
            &["<b>"],
            html! { tr { td { ("O'Neil & <co>") } } },
        )
        .into_string();
        assert!(t.contains("<th scope=\"col\">&lt;b&gt;</th>"), "{t}");
        assert!(t.contains("O'Neil &amp; &lt;co&gt;"), "{t}");
    }

    #[test]
    fn a_field_with_an_error_says_so_beside_it() {
        let f = Field {
            error: Some("adresse invalide"),
            ..Field::text("email", "E-mail")
        }
        .render()
        .into_string();
        assert!(f.contains("aria-describedby=\"f-email-error\""), "{f}");
        assert!(
            f.contains("<p class=\"field-error\" id=\"f-email-error\">adresse invalide</p>"),
            "{f}"
        );
        let ok = Field::text("email", "E-mail").render().into_string();
        assert!(!ok.contains("aria-invalid"), "{ok}");
    }

    #[test]
    fn a_chart_gives_its_numbers_as_a_table() {
        let c = bar_chart(Lang::Fr, "Canaux", &[("e-mail", 30), ("SMS", 10)]).into_string();
        assert!(c.contains("aria-hidden=\"true\""), "{c}");
        assert!(c.contains("<th scope=\"row\">SMS</th><td>10</td>"), "{c}");
        assert!(
            c.contains("width=\"250\""),
            "the longest bar fills the width: {c}"
        );
    }

    #[test]
    fn links_are_percent_encoded_then_escaped() {
        let l = Link::new("/contacts")
            .seg("C/1 \"x\"")
            .q("q", "a&b@c.fr")
            .q("empty", "")
            .q("org", "x");
        assert_eq!(
            l.to_string(),
            "/contacts/C%2F1%20%22x%22?q=a%26b%40c.fr&org=x"
        );
        let a = html! { a href=(l) {} }.into_string();
        assert!(a.contains("?q=a%26b%40c.fr&amp;org=x"), "{a}");
    }

    #[test]
    fn the_heat_map_places_each_risk_before_and_after() {
        let m = heat_map(
            Lang::En,
            "Risk map",
            ["negligible", "limited", "significant", "maximum"],
            ("Severity", "Likelihood"),
            ("before", "after"),
            &[MapRisk {
                label: "illegitimate access",
                before: (3, 3),
                after: (3, 2),
            }],
        )
        .into_string();
        // 16 cells, one risk drawn twice, its numbers in a table.
        assert_eq!(m.matches("<rect").count(), 16, "{m}");
        assert_eq!(m.matches("<circle").count(), 2, "{m}");
        assert!(
            m.contains("<td>significant × significant</td><td>significant × limited</td>"),
            "{m}"
        );
    }
}
