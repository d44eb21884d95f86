//! Charts drawn on the server as SVG: no script, readable by screen readers through their
//! title and description, and always shown beside the table they draw.

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
    let width = LABEL_WIDTH + BAR_WIDTH + 60.0;
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
