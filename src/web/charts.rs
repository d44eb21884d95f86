//! Charts drawn on the server as SVG: no script, readable by screen readers through their
//! title and description, and always shown beside the table they draw.

use chrono::{Datelike, Days, NaiveDate};
use handlebars::html_escape;

/// One bar: what it is, its value, and the value as people read it ("75%", "12").
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
}

const LABEL_WIDTH: f64 = 230.0;
const BAR_WIDTH: f64 = 330.0;
const ROW: f64 = 26.0;

/// A horizontal bar chart scaled to `max` (the largest value if `None`).
pub fn bars(id: &str, title: &str, description: &str, bars: &[Bar], max: Option<f64>) -> String {
    let max = max
        .unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(f64::MIN_POSITIVE);
    // Room at the right for the longest value written after a full-length bar, at some 8
    // pixels a character of 13px text, so that no label runs past the edge.
    let longest = bars.iter().map(|b| b.shown.chars().count()).max().unwrap_or(0);
    let width = LABEL_WIDTH + BAR_WIDTH + 6.0 + (longest as f64 * 8.0).max(40.0) + 4.0;
    let height = ROW * bars.len().max(1) as f64 + 8.0;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        html_escape(title),
        html_escape(description)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let length = (bar.value / max * BAR_WIDTH).clamp(0.0, BAR_WIDTH);
        svg.push_str(&format!(
            "<g><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect x=\"{bx}\" y=\"{y}\" width=\"{length:.1}\" height=\"{h}\"></rect>\
             <text x=\"{vx:.1}\" y=\"{ty}\">{shown}</text></g>",
            lx = LABEL_WIDTH - 8.0,
            ty = y + ROW * 0.62,
            label = html_escape(&bar.label),
            bx = LABEL_WIDTH,
            h = ROW - 8.0,
            vx = LABEL_WIDTH + length + 6.0,
            shown = html_escape(&bar.shown),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// One figure on a time axis: the period it covers (both days included) and its value.
pub struct Span {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub value: f64,
    /// The value as people read it ("1,256").
    pub shown: String,
    /// The period as people read it ("2016", "1 January 2018 to 30 September 2019").
    pub label: String,
}

/// A round step for about four ticks up to `max`: 1, 2 or 5 times a power of ten.
fn tick_step(max: f64) -> f64 {
    let rough = max / 4.0;
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= rough)
        .unwrap_or(10.0 * power)
}

/// A whole number with its thousands separated by commas ("4,000").
pub fn grouped(n: f64) -> String {
    let digits = group_digits(&format!("{:.0}", n.abs()));
    if n < 0.0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// A string of digits with a comma between each group of three: "1256" is "1,256".
pub fn group_digits(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Figures on a true time axis: x is the date, each figure a horizontal span over the days it
/// covers at its value, with a point at its middle. Spans are never joined: figures of
/// different lengths or definitions joined by a line draw a trend that is not there.
/// Each span is one `<line class="span">` carrying its period as `data-start`/`data-end`.
pub fn timeline(id: &str, title: &str, description: &str, unit: &str, spans: &[Span]) -> String {
    let (width, height) = (640.0_f64, 290.0_f64);
    let max = spans.iter().map(|s| s.value).fold(0.0, f64::max);
    let step = tick_step(max.max(1.0));
    let top_value = (max / step).ceil().max(1.0) * step;
    // Room at the left for the longest value tick, at some 11 pixels a character of the
    // larger text a phone's stylesheet gives the shrunken chart.
    let left = (16.0 + grouped(top_value).chars().count() as f64 * 11.0).max(64.0);
    let (right, top, bottom) = (44.0_f64, 28.0_f64, 56.0_f64);
    let (plot_width, plot_height) = (width - left - right, height - top - bottom);
    let first_year = spans.iter().map(|s| s.start.year()).min().unwrap_or(2016);
    let last_year = spans.iter().map(|s| s.end.year()).max().unwrap_or(first_year);
    let jan1 = |year: i32| NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists");
    let (from, to) = (jan1(first_year), jan1(last_year + 1));
    let days = (to - from).num_days() as f64;
    let x = |date: NaiveDate| left + plot_width * (date - from).num_days() as f64 / days;
    let y = |value: f64| top + plot_height * (1.0 - value / top_value);
    let base = top + plot_height;
    let mut svg = format!(
        "<svg class=\"chart timeline\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        html_escape(title),
        html_escape(description)
    );
    let mut value = 0.0;
    while value <= top_value + step / 2.0 {
        svg.push_str(&format!(
            "<line class=\"grid\" x1=\"{left}\" y1=\"{vy:.1}\" x2=\"{r}\" y2=\"{vy:.1}\"></line>\
             <text class=\"tick\" x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{}</text>",
            grouped(value),
            vy = y(value),
            r = left + plot_width,
            tx = left - 6.0,
            ty = y(value) + 4.0,
        ));
        value += step;
    }
    let years = last_year + 1 - first_year;
    let every = (years as f64 / 12.0).ceil().max(1.0) as i32;
    for year in first_year..=last_year + 1 {
        let tx = x(jan1(year));
        svg.push_str(&format!(
            "<line class=\"axis\" x1=\"{tx:.1}\" y1=\"{base}\" x2=\"{tx:.1}\" y2=\"{b6}\"></line>",
            b6 = base + 6.0
        ));
        if year <= last_year && (year - first_year) % every == 0 {
            svg.push_str(&format!(
                "<text class=\"tick\" x=\"{mx:.1}\" y=\"{ly}\" text-anchor=\"middle\">{year}</text>",
                mx = (tx + x(jan1(year + 1))) / 2.0,
                ly = base + 20.0,
            ));
        }
    }
    svg.push_str(&format!(
        "<line class=\"axis\" x1=\"{left}\" y1=\"{base}\" x2=\"{r}\" y2=\"{base}\"></line>\
         <line class=\"axis\" x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{base}\"></line>\
         <text class=\"axis-title\" x=\"{cx:.1}\" y=\"{xy}\" text-anchor=\"middle\">Period the figure covers (year)</text>\
         <text class=\"axis-title\" x=\"{left}\" y=\"14\" text-anchor=\"middle\">{unit}</text>",
        r = left + plot_width,
        cx = left + plot_width / 2.0,
        xy = height - 8.0,
        unit = html_escape(unit),
    ));
    for s in spans {
        let (x1, x2, vy) = (x(s.start), x(s.end + Days::new(1)), y(s.value));
        let mx = (x1 + x2) / 2.0;
        svg.push_str(&format!(
            "<g><line class=\"span\" data-start=\"{start}\" data-end=\"{end}\" x1=\"{x1:.2}\" y1=\"{vy:.1}\" x2=\"{x2:.2}\" y2=\"{vy:.1}\"><title>{label}: {shown}</title></line>\
             <circle cx=\"{mx:.1}\" cy=\"{vy:.1}\" r=\"3.5\"></circle>\
             <text x=\"{mx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\">{shown}</text></g>",
            start = s.start,
            end = s.end,
            ty = vy - 8.0,
            label = html_escape(&s.label),
            shown = html_escape(&s.shown),
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_ticks_are_round_and_reach_the_largest_value() {
        assert_eq!(tick_step(4102.0), 2000.0);
        assert_eq!(tick_step(410.0), 200.0);
        assert_eq!(tick_step(7.0), 2.0);
        assert_eq!(tick_step(1.0), 0.5);
        assert_eq!(grouped(1_234_567.0), "1,234,567");
        assert_eq!(grouped(410.0), "410");
        assert_eq!(grouped(0.0), "0");
    }

    #[test]
    fn a_bar_chart_leaves_room_for_its_longest_value_label() {
        let bars = [Bar {
            label: "2025-Q3".into(),
            value: 100.0,
            shown: "100% (12 of 12)".into(),
        }];
        let svg = super::bars("t", "T", "D", &bars, Some(100.0));
        // The value is written 6 pixels after the bar's end at 560: 15 characters of some 8
        // pixels each fit before the viewBox's right edge.
        assert!(svg.contains("viewBox=\"0 0 690 34\""), "{svg}");
        assert!(svg.contains("<text x=\"566.0\""), "{svg}");
    }
}
