//! The dashboard's charts beside [`super::components::bar_chart`]: stacked bars (parts of a
//! whole, per row) and lines (series over time). Drawn as inline SVG hidden from screen
//! readers, followed by the same numbers as a table; colours come from the stylesheet
//! (`series-0`, `series-1` …), each series also named in a legend.

use maud::{Markup, html};
use vigie_core::Lang;

use super::words::W;

/// One row per item, its parts stacked left to right in proportion to the row's total.
/// `parts` names the parts; each row gives one value per part.
pub(crate) fn stacked_bars(
    lang: Lang,
    title: &str,
    parts: &[&str],
    rows: &[(&str, Vec<u64>)],
) -> Markup {
    const LABELS: u64 = 130;
    const WIDTH: u64 = 300;
    const ROW: usize = 26;
    let height = (rows.len() * ROW).max(ROW);
    html! {
        figure.chart {
            figcaption { (title) }
            (legend(parts))
            svg viewBox=(format!("0 0 {} {height}", LABELS + WIDTH)) width=(LABELS + WIDTH) height=(height) aria-hidden="true" focusable="false" {
                @for (i, (label, values)) in rows.iter().enumerate() {
                    @let y = i * ROW;
                    text x="0" y=(y + 17) class="chart-label" { (label) }
                    @for (k, (x, w)) in segments(values, LABELS, WIDTH).into_iter().enumerate() {
                        rect x=(x) y=(y + 4) height="18" width=(w) class=(format!("series-{k}")) {}
                    }
                }
            }
            (numbers(lang, title, parts, rows.iter().map(|(l, v)| (*l, v.as_slice()))))
        }
    }
}

/// Series over the same points (e.g. weeks), one polyline each, on a common scale from zero.
pub(crate) fn lines(
    lang: Lang,
    title: &str,
    series: &[&str],
    points: &[(&str, Vec<u64>)],
) -> Markup {
    const LEFT: u64 = 40;
    const WIDTH: u64 = 400;
    const HEIGHT: u64 = 140;
    const BOTTOM: u64 = 20;
    let max = points
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let step = WIDTH / (points.len().max(2) as u64 - 1);
    let y = |v: u64| HEIGHT - v * HEIGHT / max + 4;
    html! {
        figure.chart {
            figcaption { (title) }
            (legend(series))
            svg viewBox=(format!("0 0 {} {}", LEFT + WIDTH + 10, HEIGHT + BOTTOM + 8)) width=(LEFT + WIDTH + 10) height=(HEIGHT + BOTTOM + 8) aria-hidden="true" focusable="false" {
                line x1=(LEFT) y1=(y(0)) x2=(LEFT + WIDTH) y2=(y(0)) class="chart-axis" {}
                text x="0" y=(y(max) + 10) class="chart-value" { (max) }
                text x="0" y=(y(0)) class="chart-value" { "0" }
                @for k in 0..series.len() {
                    polyline class=(format!("line series-{k}")) points=(
                        points.iter().enumerate()
                            .map(|(i, (_, v))| format!("{},{}", LEFT + i as u64 * step, y(v.get(k).copied().unwrap_or(0))))
                            .collect::<Vec<_>>().join(" ")
                    ) {}
                }
                @if let (Some((first, _)), Some((last, _))) = (points.first(), points.last()) {
                    text x=(LEFT) y=(HEIGHT + BOTTOM + 4) class="chart-label" { (first) }
                    text x=(LEFT + WIDTH) y=(HEIGHT + BOTTOM + 4) text-anchor="end" class="chart-label" { (last) }
                }
            }
            (numbers(lang, title, series, points.iter().map(|(l, v)| (*l, v.as_slice()))))
        }
    }
}

/// Where each part of a row starts and how wide it is, the row's total filling `width`.
fn segments(values: &[u64], start: u64, width: u64) -> Vec<(u64, u64)> {
    let total = values.iter().sum::<u64>().max(1);
    let mut x = start;
    values
        .iter()
        .map(|v| {
            let w = v * width / total;
            let at = x;
            x += w;
            (at, w)
        })
        .collect()
}

fn legend(names: &[&str]) -> Markup {
    html! {
        ul.legend aria-hidden="true" {
            @for (k, n) in names.iter().enumerate() {
                li { span class=(format!("swatch series-{k}")) {} (n) }
            }
        }
    }
}

/// The chart's numbers as a table for screen readers.
fn numbers<'a>(
    lang: Lang,
    title: &str,
    columns: &[&str],
    rows: impl Iterator<Item = (&'a str, &'a [u64])>,
) -> Markup {
    html! {
        div.visually-hidden {
            table {
                caption { (W::ChartNumbers.t(lang)) (W::Colon.t(lang)) (title) }
                thead { tr { td {} @for c in columns { th scope="col" { (c) } } } }
                tbody {
                    @for (label, values) in rows {
                        tr { th scope="row" { (label) } @for v in values { td { (v) } } }
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
    fn stacked_bars_split_a_row_by_its_parts_and_give_the_numbers() {
        let c = stacked_bars(
            Lang::Fr,
            "Canaux",
            &["oui", "non"],
            &[("e-mail", vec![75, 25])],
        )
        .into_string();
        assert!(c.contains("width=\"225\""), "three quarters of 300: {c}");
        assert!(c.contains("width=\"75\""), "{c}");
        assert!(
            c.contains("<th scope=\"row\">e-mail</th><td>75</td><td>25</td>"),
            "{c}"
        );
    }

    #[test]
    fn lines_scale_to_the_highest_point_and_give_the_numbers() {
        let c = lines(
            Lang::En,
            "Trend",
            &["grants", "withdrawals"],
            &[("w1", vec![10, 0]), ("w2", vec![5, 2])],
        )
        .into_string();
        // The highest point (10) is drawn at the top (y = 4), zero at the bottom (144).
        assert!(c.contains("points=\"40,4 440,74\""), "{c}");
        assert!(c.contains("points=\"40,144 440,116\""), "{c}");
        assert!(
            c.contains("<th scope=\"row\">w2</th><td>5</td><td>2</td>"),
            "{c}"
        );
    }
}
