//! A self-contained HTML dashboard of a [`KpiReport`]: inline CSS and SVG, no scripts, no
//! external resources, so it can be mailed or archived as one file.

// Chart geometry (pixel positions and bar lengths) is a non-money measurement; money and
// ratios are computed in Decimal and only converted to f64 to place marks on the page.
#![allow(clippy::float_arithmetic)]

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::metrics::AGING_LABELS;
use crate::ratio::Ratio;
use crate::report::KpiReport;
use crate::scorecard::{Direction, MetricKey, Status};

/// Renders the dashboard page.
///
/// ```
/// use medbill_kpi::{KpiReport, ReportOptions, dashboard_html, synth};
/// let events = synth::generate(&synth::SynthConfig { claims: 500, ..Default::default() });
/// let report = KpiReport::compute(&events, "2026-03-31".parse().unwrap(), &ReportOptions::default());
/// let html = dashboard_html(&report);
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains("<svg"));
/// ```
pub fn dashboard_html(report: &KpiReport) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Revenue-cycle dashboard, {as_of}</title><style>{CSS}</style></head><body>\
         <header><h1>Revenue-cycle dashboard</h1><p>As of <b>{as_of}</b> &middot; reporting period \
         {start} to {last} &middot; {claims} claims adjudicated in the period</p></header><main>",
        as_of = report.as_of,
        start = report.period.start(),
        last = report.period.last_day().unwrap_or(report.period.start()),
        claims = report.denials.total.adjudicated,
    );
    scorecard(&mut h, report);
    h.push_str("<section class=\"row\">");
    aging(&mut h, report);
    ar_summary(&mut h, report);
    h.push_str("</section><section class=\"row\">");
    denials_by_category(&mut h, report);
    denials_by_payer(&mut h, report);
    h.push_str("</section>");
    trends(&mut h, report);
    collections(&mut h, report);
    h.push_str(
        "<footer>Definitions: first-pass acceptance at the 999/277CA level; initial denial rate \
         by the HFMA Claim Integrity Task Force (denials in the month over the average monthly \
         submissions of the three months before); days in A/R over average daily gross charges \
         of the trailing window; net collection rate by MGMA (payments over charges less \
         contractual adjustments). Computed by medbill-kpi.</footer></main></body></html>\n",
    );
    h
}

const CSS: &str = "\
*{box-sizing:border-box}body{margin:0;font:14px/1.45 -apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;\
color:#1f2933;background:#f3f5f8}header{background:#1e3a5f;color:#fff;padding:18px 32px}\
header h1{margin:0;font-size:22px;font-weight:600}header p{margin:4px 0 0;color:#c9d6e6}\
main{max-width:1180px;margin:0 auto;padding:20px 24px 32px}\
h2{font-size:15px;margin:0 0 10px;color:#33475b;font-weight:600}\
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-bottom:16px}\
.tile{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08);border-top:4px solid #9aa5b1}\
.tile.on_target{border-top-color:#2f9e44}.tile.watch{border-top-color:#f08c00}.tile.warning{border-top-color:#e03131}\
.tile .label{color:#52606d;font-size:12px;text-transform:uppercase;letter-spacing:.03em}\
.tile .value{font-size:26px;font-weight:650;margin:2px 0}\
.pill{display:inline-block;border-radius:10px;padding:1px 8px;font-size:11px;font-weight:600;color:#fff;background:#9aa5b1}\
.pill.on_target{background:#2f9e44}.pill.watch{background:#f08c00}.pill.warning{background:#e03131}\
.tile .bounds{color:#7b8794;font-size:11px;margin-left:6px}\
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin-bottom:16px}\
.card{background:#fff;border-radius:8px;padding:14px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}\
.trends{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin-bottom:16px}\
table{border-collapse:collapse;width:100%;font-size:13px}td,th{padding:4px 6px;text-align:right;border-bottom:1px solid #e4e7eb}\
th:first-child,td:first-child{text-align:left}th{color:#52606d;font-weight:600}\
.kv{display:grid;grid-template-columns:1fr auto;gap:4px 12px;font-size:13px}.kv b{text-align:right}\
svg text{font-family:inherit}footer{color:#7b8794;font-size:11px;margin-top:8px}";

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn pct(r: Option<Ratio>) -> String {
    r.map_or("&ndash;".into(), |r| format!("{}%", r.as_percent(1)))
}

fn money(d: Decimal) -> String {
    let d = d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let digits = d.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if d.is_sign_negative() && !d.is_zero() {
        format!("-${out}")
    } else {
        format!("${out}")
    }
}

fn status_class(s: Status) -> &'static str {
    s.as_str()
}

fn scorecard(h: &mut String, r: &KpiReport) {
    h.push_str("<section class=\"tiles\">");
    for line in &r.scorecard {
        let value = match line.value {
            Some(v) if line.metric.is_ratio() => format!(
                "{}%",
                (v * Decimal::ONE_HUNDRED)
                    .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
            ),
            Some(v) => v.to_string(),
            None => "&ndash;".into(),
        };
        let bounds = line.threshold.map_or(String::new(), |t| {
            let show = |d: Decimal| {
                if line.metric.is_ratio() {
                    format!("{}%", (d * Decimal::ONE_HUNDRED).normalize())
                } else {
                    d.normalize().to_string()
                }
            };
            let (better, worse) = match t.direction {
                Direction::HigherIsBetter => ("&ge;", "&lt;"),
                Direction::LowerIsBetter => ("&le;", "&gt;"),
            };
            format!(
                "target {better} {} &middot; warning {worse} {}",
                show(t.target),
                show(t.warning)
            )
        });
        let status = line.status.as_str().replace('_', " ");
        let _ = write!(
            h,
            "<div class=\"tile {cls}\"><div class=\"label\">{label}</div>\
             <div class=\"value\">{value}</div><span class=\"pill {cls}\">{status}</span>\
             <span class=\"bounds\">{bounds}</span></div>",
            cls = status_class(line.status),
            label = esc(line.metric.label()),
        );
    }
    h.push_str("</section>");
}

fn aging(h: &mut String, r: &KpiReport) {
    let a = &r.aging.total;
    let (w, ht, top, bottom, left) = (520.0, 230.0, 24.0, 36.0, 10.0);
    let max = a
        .buckets
        .iter()
        .map(|d| f(*d))
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let colors = ["#2f9e44", "#74b816", "#f08c00", "#e8590c", "#e03131"];
    let labels = ["0-30", "31-60", "61-90", "91-120", "120+"];
    let slot = (w - 2.0 * left) / 5.0;
    let _ = write!(
        h,
        "<div class=\"card\"><h2>A/R aging by {} &middot; {} total</h2>\
         <svg viewBox=\"0 0 {w} {ht}\" width=\"100%\" role=\"img\" aria-label=\"A/R aging\">",
        match r.aging.anchor {
            crate::metrics::AgingAnchor::DateOfService => "date of service",
            crate::metrics::AgingAnchor::FirstSubmission => "first submission",
        },
        money(a.total())
    );
    let plot = ht - top - bottom;
    for (i, amount) in a.buckets.iter().enumerate() {
        let bh = f(*amount).max(0.0) / max * plot;
        let x = left + slot * i as f64 + slot * 0.18;
        let bw = slot * 0.64;
        let y = top + plot - bh;
        let _ = write!(
            h,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" rx=\"3\" fill=\"{c}\"/>\
             <text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1f2933\">{m}</text>\
             <text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#52606d\">{l} days</text>",
            c = colors[i],
            cx = x + bw / 2.0,
            ty = y - 6.0,
            ly = ht - bottom + 18.0,
            m = money(*amount),
            l = labels[i],
        );
    }
    let _ = write!(
        h,
        "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#cbd2d9\"/></svg></div>",
        x2 = w - left,
        y = top + plot
    );
}

fn ar_summary(h: &mut String, r: &KpiReport) {
    let a = &r.aging;
    let d = &r.days_in_ar;
    let days = |x: Option<Ratio>| x.map_or("&ndash;".into(), |x| x.rounded(1).to_string());
    let _ = write!(
        h,
        "<div class=\"card\"><h2>Accounts receivable</h2><div class=\"kv\">\
         <span>Total A/R</span><b>{total}</b>\
         <span>Credit balances {credit_rule}</span><b>{credits}</b>\
         <span>Insurance / patient</span><b>{ins} / {pat}</b>\
         <span>Over 90 days</span><b>{o90}</b>\
         <span>Over 120 days</span><b>{o120}</b>\
         <span>Days in A/R, gross ({win}-day window)</span><b>{gross}</b>\
         <span>Days in A/R, net</span><b>{net}</b>\
         <span>Days in A/R, count-back</span><b>{cb}</b>\
         <span>First-pass resolution</span><b>{fpr}</b>\
         <span>Initial denial rate by dollars (HFMA)</span><b>{dd}</b>\
         <span>Denial rate, same period</span><b>{dsp}</b>\
         </div></div>",
        credit_rule = if a.credits_excluded.is_zero() {
            "(none excluded)"
        } else {
            "excluded"
        },
        credits = money(-a.credits_excluded),
        total = money(a.total.total()),
        ins = money(a.insurance.total()),
        pat = money(a.patient.total()),
        o90 = pct(a.total.over_90()),
        o120 = pct(a.total.over_120()),
        win = d.window.days(),
        net = days(d.net_days()),
        gross = days(d.gross_days()),
        cb = days(r.days_in_ar_count_back),
        fpr = pct(r.first_pass_resolution.rate()),
        dd = pct(r.initial_denials.rate_by_dollars()),
        dsp = pct(r.denials.total.rate_by_count()),
    );
}

/// Horizontal bars: `(label, value in 0..=max, text at the end)`.
fn hbars(h: &mut String, rows: &[(String, f64, String)], color: &str) {
    let row_h = 26.0;
    let (w, label_w, text_w) = (520.0, 170.0, 90.0);
    let ht = row_h * rows.len().max(1) as f64 + 8.0;
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1e-9);
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 {w} {ht}\" width=\"100%\" role=\"img\">"
    );
    if rows.is_empty() {
        let _ = write!(
            h,
            "<text x=\"8\" y=\"20\" font-size=\"13\" fill=\"#7b8794\">No denials in the period</text>"
        );
    }
    for (i, (label, v, text)) in rows.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let bw = (v / max * (w - label_w - text_w)).max(1.0);
        let _ = write!(
            h,
            "<text x=\"{lx:.1}\" y=\"{ty:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"#33475b\">{label}</text>\
             <rect x=\"{label_w}\" y=\"{ry:.1}\" width=\"{bw:.1}\" height=\"16\" rx=\"3\" fill=\"{color}\"/>\
             <text x=\"{tx:.1}\" y=\"{ty:.1}\" font-size=\"12\" fill=\"#1f2933\">{text}</text>",
            lx = label_w - 8.0,
            ty = y + 13.0,
            ry = y + 1.0,
            tx = label_w + bw + 6.0,
            label = esc(label),
        );
    }
    h.push_str("</svg>");
}

fn denials_by_category(h: &mut String, r: &KpiReport) {
    let total = r.denials.total.adjudicated;
    let mut rows: Vec<(String, f64, String)> = r
        .denials
        .by_category
        .iter()
        .map(|(cat, (n, dollars))| {
            let rate = Ratio::of_counts(*n, total);
            (
                cat.as_str().replace('_', " "),
                rate.map_or(0.0, |x| f(x.value())),
                format!("{} &middot; {}", pct(rate), money(*dollars)),
            )
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let _ = write!(
        h,
        "<div class=\"card\"><h2>Denials by CARC category (share of {total} claims adjudicated)</h2>"
    );
    hbars(h, &rows, "#c2255c");
    h.push_str("</div>");
}

fn denials_by_payer(h: &mut String, r: &KpiReport) {
    let mut rows: Vec<(String, f64, String)> = r
        .denials
        .by_payer
        .iter()
        .map(|(payer, c)| {
            let rate = c.rate_by_count();
            (
                payer.clone(),
                rate.map_or(0.0, |x| f(x.value())),
                format!("{} of {}", pct(rate), c.adjudicated),
            )
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    h.push_str("<div class=\"card\"><h2>Initial denial rate by payer (same period)</h2>");
    hbars(h, &rows, "#5f3dc4");
    h.push_str("</div>");
}

/// A small line chart of a monthly series, with an optional dashed target line.
fn line_chart(
    h: &mut String,
    title: &str,
    points: &[(String, Option<f64>)],
    target: Option<f64>,
    percent: bool,
) {
    let (w, ht, left, right, top, bottom) = (270.0, 170.0, 40.0, 18.0, 12.0, 26.0);
    let values: Vec<f64> = points.iter().filter_map(|p| p.1).chain(target).collect();
    let (mut lo, mut hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    if values.is_empty() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.15).max(if percent { 0.01 } else { 1.0 });
    lo -= pad;
    hi += pad;
    if percent {
        lo = lo.max(0.0);
    }
    let plot_w = w - left - right;
    let plot_h = ht - top - bottom;
    let n = points.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + plot_w * i as f64 / n;
    let y = |v: f64| top + plot_h * (1.0 - (v - lo) / (hi - lo));
    let show = |v: f64| {
        if percent {
            format!("{:.0}%", v * 100.0)
        } else {
            format!("{v:.0}")
        }
    };
    let _ = write!(
        h,
        "<div class=\"card\"><h2>{}</h2><svg viewBox=\"0 0 {w} {ht}\" width=\"100%\" role=\"img\">",
        esc(title)
    );
    for k in 0..=3 {
        let v = lo + (hi - lo) * k as f64 / 3.0;
        let _ = write!(
            h,
            "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e4e7eb\"/>\
             <text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\" font-size=\"10\" fill=\"#7b8794\">{label}</text>",
            x2 = w - right,
            yy = y(v),
            tx = left - 4.0,
            ty = y(v) + 3.0,
            label = show(v),
        );
    }
    if let Some(t) = target {
        let _ = write!(
            h,
            "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#2f9e44\" stroke-dasharray=\"4 3\"/>",
            x2 = w - right,
            yy = y(t)
        );
    }
    let mut path = String::new();
    for (i, (_, v)) in points.iter().enumerate() {
        if let Some(v) = v {
            let cmd = if path.is_empty() { 'M' } else { 'L' };
            let _ = write!(path, "{cmd}{:.1},{:.1} ", x(i), y(*v));
        }
    }
    let _ = write!(
        h,
        "<path d=\"{path}\" fill=\"none\" stroke=\"#1c7ed6\" stroke-width=\"2\"/>"
    );
    for (i, (label, v)) in points.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(
                h,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"#1c7ed6\"/>",
                x(i),
                y(*v)
            );
        }
        if i % 2 == (points.len() + 1) % 2 || points.len() <= 6 {
            let _ = write!(
                h,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#7b8794\">{}</text>",
                x(i),
                ht - 8.0,
                esc(label)
            );
        }
    }
    h.push_str("</svg></div>");
}

fn trends(h: &mut String, r: &KpiReport) {
    let months = &r.trends.total;
    if months.is_empty() {
        return;
    }
    let label = |m: &crate::metrics::MonthMetrics| m.month.start().format("%b %y").to_string();
    let series = |get: &dyn Fn(&crate::metrics::MonthMetrics) -> Option<Ratio>| -> Vec<(String, Option<f64>)> {
        months.iter().map(|m| (label(m), get(m).map(|x| f(x.value())))).collect()
    };
    let target = |k: MetricKey| {
        r.scorecard
            .iter()
            .find(|l| l.metric == k)
            .and_then(|l| l.threshold)
            .map(|t| f(t.target))
    };
    h.push_str("<h2>Monthly trends</h2><section class=\"trends\">");
    line_chart(
        h,
        "First-pass acceptance",
        &series(&|m| m.first_pass_acceptance),
        target(MetricKey::FirstPassAcceptanceRate),
        true,
    );
    line_chart(
        h,
        "Initial denial rate",
        &series(&|m| m.denial_rate),
        target(MetricKey::InitialDenialRate),
        true,
    );
    line_chart(
        h,
        "Net collection rate",
        &series(&|m| m.net_collection_rate),
        target(MetricKey::NetCollectionRate),
        true,
    );
    line_chart(
        h,
        "Days in A/R",
        &series(&|m| m.days_in_ar),
        target(MetricKey::DaysInAr),
        false,
    );
    h.push_str("</section>");

    // Denial rate by payer and month, as a compact table.
    let _ = write!(
        h,
        "<section class=\"card\" style=\"margin-bottom:16px\"><h2>Initial denial rate by payer and month</h2><table><tr><th>Payer</th>"
    );
    for m in months {
        let _ = write!(h, "<th>{}</th>", label(m));
    }
    h.push_str("</tr>");
    for (payer, series) in &r.trends.by_payer {
        let _ = write!(h, "<tr><td>{}</td>", esc(payer));
        for m in series {
            let cell = m
                .denial_rate
                .map_or("&ndash;".into(), |x| format!("{}", x.as_percent(1)));
            let _ = write!(h, "<td>{cell}</td>");
        }
        h.push_str("</tr>");
    }
    h.push_str("</table></section>");
}

fn collections(h: &mut String, r: &KpiReport) {
    let c = &r.collections;
    let t = &r.turnaround;
    let one = |x: Option<Ratio>| x.map_or("&ndash;".into(), |x| x.rounded(1).to_string());
    let _ = write!(
        h,
        "<section class=\"row\"><div class=\"card\"><h2>Collections in the period</h2><div class=\"kv\">\
         <span>Gross charges</span><b>{charges}</b><span>Contractual adjustments</span><b>{contractual}</b>\
         <span>Payer payments</span><b>{ins}</b><span>Patient payments (at point of service)</span><b>{pat} ({pos})</b>\
         <span>Refunds</span><b>{refunds}</b><span>Gross / net collection rate</span><b>{gcr} / {ncr}</b>\
         <span>Bad debt rate</span><b>{bd}</b><span>Denial write-off rate</span><b>{dw}</b>\
         <span>Point-of-service collection rate</span><b>{posr}</b></div></div>\
         <div class=\"card\"><h2>Turnaround in the period</h2><div class=\"kv\">\
         <span>Charge lag (days, service to charge entry)</span><b>{cl}</b>\
         <span>Coding turnaround (hours)</span><b>{ch}</b>\
         <span>Submission lag (days, charge entry to claim)</span><b>{sl}</b>\
         <span>Resubmission turnaround (business days)</span><b>{rs}</b>\
         <span>Clean claim rate (CL-1)</span><b>{clean}</b>\
         <span>First-pass acceptance (accepted / known)</span><b>{acc} / {sub}</b>\
         </div></div></section>",
        charges = money(c.charges),
        contractual = money(c.contractual),
        ins = money(c.insurance_payments),
        pat = money(c.patient_payments),
        pos = money(c.point_of_service_payments),
        refunds = money(c.refunds),
        gcr = pct(c.gross_collection_rate()),
        ncr = pct(c.net_collection_rate()),
        bd = pct(c.bad_debt_rate()),
        dw = pct(c.denial_write_off_rate()),
        posr = pct(c.point_of_service_rate()),
        cl = one(t.charge_lag_days),
        ch = one(t.coding_hours),
        sl = one(t.submission_lag_days),
        rs = one(t.resubmission_business_days),
        clean = pct(r.clean_claims.rate()),
        acc = r.first_pass_acceptance.accepted,
        sub = r.first_pass_acceptance.submitted,
    );
    let _ = AGING_LABELS;
}
