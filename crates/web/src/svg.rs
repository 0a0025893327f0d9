//! Charts and maps drawn on the server as SVG: readable without script, printable,
//! and each area a link with its name as text. Colours are presentation
//! attributes (the CSP allows no inline styles) and every chart has a table twin
//! on its page.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use satuatap_domain::rollout::Standing;
use satuatap_service::atlas::MapPaths;

/// Text for an SVG text node or attribute.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The map colour of a standing (a sequence a colour-blind reader can still order:
/// light to dark for the way to operating, red for closed, grey for nothing yet).
pub fn standing_fill(s: Standing) -> &'static str {
    match s {
        Standing::None => "#d5dbe0",
        Standing::Planned => "#f6e3a1",
        Standing::Preparing => "#e9b949",
        Standing::SoftLaunch => "#5fb49c",
        Standing::Operating => "#0a5c4d",
        Standing::Closed => "#8f1d1d",
    }
}

/// The order the legend lists standings in.
pub const STANDINGS: [Standing; 6] = [
    Standing::Operating,
    Standing::SoftLaunch,
    Standing::Preparing,
    Standing::Planned,
    Standing::None,
    Standing::Closed,
];

/// One area of a choropleth: its code (matching the map's paths), link, tooltip and colour.
pub struct Area<'a> {
    pub href: String,
    pub title: String,
    pub fill: &'a str,
    /// Drawn faded (not chosen by the page's filters).
    pub dim: bool,
}

/// A choropleth of `map`'s paths; areas grouped by colour so each colour is written once.
pub fn choropleth(map: &MapPaths, title: &str, area: impl Fn(&str) -> Option<Area<'static>>) -> String {
    let mut groups: Vec<(&str, bool, String)> = Vec::new();
    for (code, d) in &map.paths {
        let Some(a) = area(code) else { continue };
        let i = match groups.iter().position(|(f, dim, _)| *f == a.fill && *dim == a.dim) {
            Some(i) => i,
            None => {
                groups.push((a.fill, a.dim, String::new()));
                groups.len() - 1
            }
        };
        let _ = write!(
            groups[i].2,
            r#"<a href="{}"><path d="{d}"><title>{}</title></path></a>"#,
            esc(&a.href),
            esc(&a.title)
        );
    }
    let mut svg = format!(
        r##"<svg class="map" viewBox="0 0 {w} {h}" role="group" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title><g stroke="#ffffff" stroke-width="0.4" stroke-linejoin="round">"##,
        w = map.width,
        h = map.height,
        t = esc(title)
    );
    for (fill, dim, body) in groups {
        let opacity = if dim { r#" fill-opacity="0.25""# } else { "" };
        let _ = write!(svg, r#"<g fill="{fill}"{opacity}>{body}</g>"#);
    }
    svg.push_str("</g></svg>");
    svg
}

/// A marker on a regency map.
pub struct Marker {
    pub lat: f64,
    pub lng: f64,
    pub label: String,
    pub kind: MarkerKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    /// An operating MPP location.
    Site,
    /// A location whose point is approximate.
    SiteApproximate,
    /// A candidate of the greedy covering, numbered.
    Candidate(usize),
    /// A planned location or a typed "what if" point.
    WhatIf,
}

/// Distance-band colours of the accessibility map, nearest first.
pub const BAND_FILLS: [&str; 5] = ["#0a5c4d", "#5fb49c", "#f2d16b", "#e0883a", "#a12d2d"];

/// A regency's districts coloured by band, with MPP locations and candidates on top.
pub fn regency_map(
    map: &MapPaths,
    title: &str,
    area: impl Fn(&str) -> Option<Area<'static>>,
    markers: &[Marker],
) -> String {
    let mut svg = choropleth(map, title, area);
    svg.truncate(svg.len() - "</g></svg>".len());
    svg.push_str("</g>");
    let r = (map.width / 90.0).max(5.0);
    for m in markers {
        let (x, y) = map.projection.xy(m.lng, m.lat);
        if !(-20.0..=map.width + 20.0).contains(&x) || !(-20.0..=map.height + 20.0).contains(&y) {
            continue;
        }
        let label = esc(&m.label);
        let _ = match m.kind {
            MarkerKind::Site | MarkerKind::SiteApproximate => write!(
                svg,
                r##"<g><title>{label}</title><circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="#ffffff" stroke="#1b1f24" stroke-width="2.5"{}/><circle cx="{x:.1}" cy="{y:.1}" r="{r2:.1}" fill="#1b1f24"/></g>"##,
                if m.kind == MarkerKind::SiteApproximate { r#" stroke-dasharray="3 2""# } else { "" },
                r2 = r * 0.45
            ),
            MarkerKind::Candidate(n) => write!(
                svg,
                r##"<g><title>{label}</title><rect x="{:.1}" y="{:.1}" width="{s:.1}" height="{s:.1}" rx="3" fill="#1d3f8f" stroke="#ffffff" stroke-width="2"/><text x="{x:.1}" y="{:.1}" font-size="{fs:.1}" font-weight="700" text-anchor="middle" fill="#ffffff">{n}</text></g>"##,
                x - r * 1.1,
                y - r * 1.1,
                y + r * 0.45,
                s = r * 2.2,
                fs = r * 1.3
            ),
            MarkerKind::WhatIf => write!(
                svg,
                r##"<g><title>{label}</title><path d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z" fill="#7a2e8f" stroke="#ffffff" stroke-width="2"/></g>"##,
                y - r * 1.4,
                x + r * 1.4,
                y + r * 1.4,
                x - r * 1.4
            ),
        };
    }
    svg.push_str("</svg>");
    svg
}

/// The operating count over time (a step line), the reported national totals as
/// dots, and a dashed goal line.
pub fn rollout_chart(
    title: &str,
    series: &[(NaiveDate, i64)],
    reported: &[(NaiveDate, i64)],
    goal: i64,
    today: NaiveDate,
    goal_label: &str,
    date_label: impl Fn(NaiveDate) -> String,
) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 280.0, 44.0, 12.0, 14.0, 28.0);
    let start = NaiveDate::from_ymd_opt(2017, 1, 1).unwrap_or(today);
    let span = ((today - start).num_days().max(1)) as f64;
    let max_y = series.iter().map(|p| p.1).chain(reported.iter().map(|p| p.1)).chain([goal]).max().unwrap_or(1).max(1);
    let top_y = (max_y as f64 / 100.0).ceil() * 100.0;
    let x = |d: NaiveDate| left + (d - start).num_days().max(0) as f64 / span * (w - left - right);
    let y = |v: f64| top + (1.0 - v / top_y) * (h - top - bottom);
    let mut svg = format!(
        r##"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"##,
        t = esc(title)
    );
    // Grid and axes.
    let mut v = 0.0;
    while v <= top_y {
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="#d5dbe0"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#4a5560">{}</text>"##,
            w - right,
            left - 6.0,
            y(v) + 4.0,
            v as i64,
            yy = y(v)
        );
        v += (top_y / 4.0).max(1.0);
    }
    for year in start.year()..=today.year() {
        if let Some(d) = NaiveDate::from_ymd_opt(year, 1, 1) {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#4a5560">{year}</text>"##,
                x(d) + 20.0,
                h - 8.0
            );
        }
    }
    // The goal.
    let _ = write!(
        svg,
        r##"<line x1="{left}" x2="{:.1}" y1="{gy:.1}" y2="{gy:.1}" stroke="#8a4b00" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#8a4b00">{}</text>"##,
        w - right,
        left + 6.0,
        y(goal as f64) - 5.0,
        esc(goal_label),
        gy = y(goal as f64)
    );
    // The step line of operating MPPs from the register.
    let mut d = String::new();
    let mut last = 0i64;
    let _ = write!(d, "M{:.1} {:.1}", x(start), y(0.0));
    for (date, n) in series {
        let _ = write!(d, "L{:.1} {:.1}L{:.1} {:.1}", x(*date), y(last as f64), x(*date), y(*n as f64));
        last = *n;
    }
    let _ = write!(d, "L{:.1} {:.1}", x(today), y(last as f64));
    let _ = write!(svg, r##"<path d="{d}" fill="none" stroke="#0a5c4d" stroke-width="2.5"/>"##);
    for (date, n) in reported {
        let _ = write!(
            svg,
            r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="#ffffff" stroke="#8a4b00" stroke-width="2"><title>{}: {n}</title></circle>"##,
            x(*date),
            y(*n as f64),
            esc(&date_label(*date))
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Bars of a count per day (visitors), each with its date and number as a
/// tooltip; a few dates under the axis. Readable without script.
pub fn day_bars(
    title: &str,
    days: &[(NaiveDate, i64)],
    label: impl Fn(NaiveDate, i64) -> String,
    short: impl Fn(NaiveDate) -> String,
) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 220.0, 40.0, 8.0, 12.0, 26.0);
    let max = days.iter().map(|d| d.1).max().unwrap_or(0).max(1);
    let step = 10f64.powf((max as f64).log10().floor()).max(1.0);
    let top_y = ((max as f64 / step).ceil() * step).max(1.0);
    let n = days.len().max(1) as f64;
    let slot = (w - left - right) / n;
    let y = |v: f64| top + (1.0 - v / top_y) * (h - top - bottom);
    let mut svg = format!(
        r##"<svg class="chart bars" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"##,
        t = esc(title)
    );
    for k in 0..=4 {
        let v = top_y * k as f64 / 4.0;
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="#d5dbe0"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#4a5560">{}</text>"##,
            w - right,
            left - 6.0,
            y(v) + 4.0,
            v.round() as i64,
            yy = y(v)
        );
    }
    let every = (days.len() / 6).max(1);
    for (i, (d, v)) in days.iter().enumerate() {
        let x = left + i as f64 * slot;
        let bw = (slot * 0.8).max(1.0);
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="#0a5c4d"><title>{}</title></rect>"##,
            x + slot * 0.1,
            y(*v as f64),
            (y(0.0) - y(*v as f64)).max(0.0),
            esc(&label(*d, *v))
        );
        // Dates every few bars, and the last day unless it would overprint the one before.
        let last = i + 1 == days.len();
        let far_from_end = days.len() - 1 - i > every / 2;
        if (i % every == 0 && far_from_end) || last {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#4a5560">{}</text>"##,
                x + slot / 2.0,
                h - 8.0,
                esc(&short(*d))
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A grid of averages (rows × columns, e.g. weekday × hour), darker for more,
/// each cell with its number written in it and as a tooltip.
pub fn heatmap(title: &str, rows: &[(String, Vec<f64>)], cols: &[String], number: impl Fn(f64) -> String) -> String {
    let (left, top, cw, ch) = (64.0, 22.0, 46.0, 26.0);
    let w = left + cw * cols.len().max(1) as f64 + 4.0;
    let h = top + ch * rows.len().max(1) as f64 + 4.0;
    let max = rows.iter().flat_map(|r| r.1.iter().copied()).fold(0.0_f64, f64::max).max(1e-9);
    let mut svg = format!(
        r##"<svg class="chart heat" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"##,
        t = esc(title)
    );
    for (j, c) in cols.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="15" font-size="11" text-anchor="middle" fill="#4a5560">{}</text>"##,
            left + cw * j as f64 + cw / 2.0,
            esc(c)
        );
    }
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = top + ch * i as f64;
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#1f2d3a">{}</text>"##,
            left - 6.0,
            y + ch / 2.0 + 4.0,
            esc(label)
        );
        for (j, v) in values.iter().enumerate() {
            let share = v / max;
            let ink = if share > 0.55 { "#ffffff" } else { "#1f2d3a" };
            let _ = write!(
                svg,
                r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="#0a5c4d" fill-opacity="{:.2}" stroke="#ffffff"><title>{} {}: {}</title></rect><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{ink}">{}</text>"##,
                left + cw * j as f64,
                cw,
                ch,
                0.06 + share * 0.94,
                esc(label),
                esc(cols.get(j).map(String::as_str).unwrap_or("")),
                esc(&number(*v)),
                left + cw * j as f64 + cw / 2.0,
                y + ch / 2.0 + 4.0,
                esc(&number(*v))
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A small line of values (oldest first), e.g. visitors per month.
pub fn sparkline(values: &[i64], label: &str) -> String {
    let (w, h) = (96.0, 24.0);
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = if values.len() > 1 { w / (values.len() - 1) as f64 } else { w };
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", i as f64 * step, h - 2.0 - (*v as f64 / max) * (h - 4.0)))
        .collect();
    format!(
        r##"<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{l}" xmlns="http://www.w3.org/2000/svg"><title>{l}</title><polyline points="{}" fill="none" stroke="#0a5c4d" stroke-width="1.8"/></svg>"##,
        points.join(" "),
        l = esc(label)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn a_sparkline_has_a_point_per_value() {
        let s = sparkline(&[0, 5, 10], "visitors");
        assert!(s.contains(r#"points="0.0,22.0 48.0,12.0 96.0,2.0""#), "{s}");
    }

    #[test]
    fn the_chart_ends_today_at_the_last_count() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let svg = rollout_chart(
            "t",
            &[(d(2018, 1, 17), 3), (d(2020, 1, 1), 10)],
            &[(d(2019, 1, 1), 12)],
            514,
            d(2026, 12, 1),
            "514",
            |d| d.format("%d/%m/%Y").to_string(),
        );
        assert!(svg.contains("<title>01/01/2019: 12</title>"));
        assert!(svg.ends_with("</svg>"));
    }

    fn gzipped(s: &str) -> usize {
        use std::io::Write as _;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = e.write_all(s.as_bytes());
        e.finish().map(|v| v.len()).unwrap_or(usize::MAX)
    }

    #[test]
    fn the_national_map_and_a_regency_map_stay_small() {
        let atlas = satuatap_service::atlas::atlas();
        let national = atlas.national_map();
        assert_eq!(national.paths.len(), 514);
        let svg = choropleth(national, "Peta", |code| {
            Some(Area {
                href: format!("/nasional/wilayah/{code}"),
                title: format!("Kabupaten Nama Panjang {code} — Beroperasi"),
                fill: standing_fill(Standing::Operating),
                dim: false,
            })
        });
        let gz = gzipped(&svg);
        println!("national map: {} bytes, {} gzipped", svg.len(), gz);
        assert!(gz <= 300 * 1024, "national map {gz} bytes gzipped");
        let mut largest = (0, String::new());
        for regency in national.paths.iter().map(|(c, _)| c.as_str()).chain(["31"]) {
            let map = atlas.regency_map(regency).unwrap_or_else(|| panic!("no district map of {regency}"));
            let svg = choropleth(&map, "Peta", |code| {
                Some(Area {
                    href: format!("#d-{code}"),
                    title: format!("Kecamatan {code}"),
                    fill: BAND_FILLS[0],
                    dim: false,
                })
            });
            let gz = gzipped(&svg);
            assert!(gz <= 60 * 1024, "{regency} map {gz} bytes gzipped");
            largest = largest.max((gz, regency.to_string()));
        }
        println!("largest regency map: {} ({} bytes gzipped)", largest.1, largest.0);
    }
}
