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

/// A line chart of a series in time order, each point labelled with its period and value.
pub fn line(id: &str, title: &str, description: &str, points: &[Bar]) -> String {
    let (width, height, left, top, bottom) = (640.0_f64, 260.0_f64, 50.0_f64, 16.0_f64, 60.0_f64);
    let max = points
        .iter()
        .map(|p| p.value)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let plot_height = height - top - bottom;
    let step = if points.len() > 1 {
        (width - left - 20.0) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let at = |i: usize, value: f64| (left + step * i as f64, top + plot_height * (1.0 - value / max));
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>\
         <line class=\"axis\" x1=\"{left}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\"></line>",
        html_escape(title),
        html_escape(description),
        base = top + plot_height,
        right = width - 10.0,
    );
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = at(i, p.value);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    svg.push_str(&format!(
        "<polyline fill=\"none\" points=\"{}\"></polyline>",
        path.join(" ")
    ));
    for (i, p) in points.iter().enumerate() {
        let (x, y) = at(i, p.value);
        svg.push_str(&format!(
            "<g><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\"></circle>\
             <text x=\"{x:.1}\" y=\"{vy:.1}\" text-anchor=\"middle\">{shown}</text>\
             <text x=\"{x:.1}\" y=\"{ly:.1}\" text-anchor=\"end\" transform=\"rotate(-40 {x:.1} {ly:.1})\">{label}</text></g>",
            vy = y - 8.0,
            ly = top + plot_height + 16.0,
            shown = html_escape(&p.shown),
            label = html_escape(&p.label),
        ));
    }
    svg.push_str("</svg>");
    svg
}
