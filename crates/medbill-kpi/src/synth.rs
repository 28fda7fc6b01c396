//! A synthetic claim ledger for tests, benches and examples: seeded, reproducible, and shaped
//! like a mid-size practice's (payer mix, lags, 5-10% denials, rejections, patient balances).
//!
//! Nothing in it is real: claim ids are `C` and a number, payers are made-up ids, and no
//! patient data is generated at all.
//!
//! ```
//! use medbill_kpi::synth::{SynthConfig, generate};
//! let a = generate(&SynthConfig { claims: 50, seed: 7, ..Default::default() });
//! let b = generate(&SynthConfig { claims: 50, seed: 7, ..Default::default() });
//! assert_eq!(a, b); // same seed, same ledger
//! assert!(a.len() > 50 * 5);
//! ```

use chrono::{Days, NaiveDate, NaiveTime};
use medbill_claim::{
    AckOutcome, AckSource, AdjudicatedLine, AdjudicationOutcome, Adjustment, ClaimStatusCode,
    EventKind, FrequencyCode, LedgerEvent, PayerSequence, Responsibility, WriteOffKind,
};
use medbill_codes::{Carc, GroupCode, ProcedureCode};
use rust_decimal::Decimal;

use crate::store::EventStore;

/// SplitMix64: a small, fast, seeded generator (Steele, Lea and Flood, 2014). Good enough
/// for test data; not for anything secret.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), by multiply-shift (no modulo bias to speak of).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }
}

/// One synthetic payer and how it behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthPayer {
    /// The payer id written on events.
    pub id: String,
    /// Relative share of claims.
    pub weight: u32,
    /// Allowed amount as per mille of the charge.
    pub allowed_per_mille: u32,
    /// Claims denied in full, per mille.
    pub denial_per_mille: u32,
    /// Claims with one line denied, per mille.
    pub partial_denial_per_mille: u32,
    /// 277CA rejections, per mille.
    pub rejection_per_mille: u32,
    /// Days from acceptance to adjudication (range).
    pub adjudication_days: (u64, u64),
}

impl SynthPayer {
    fn new(
        id: &str,
        weight: u32,
        allowed: u32,
        denial: u32,
        partial: u32,
        reject: u32,
        days: (u64, u64),
    ) -> Self {
        SynthPayer {
            id: id.to_string(),
            weight,
            allowed_per_mille: allowed,
            denial_per_mille: denial,
            partial_denial_per_mille: partial,
            rejection_per_mille: reject,
            adjudication_days: days,
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// The seed: the same config always gives the same ledger.
    pub seed: u64,
    /// Number of claims (about 10 events each).
    pub claims: usize,
    /// First possible date of service.
    pub start: NaiveDate,
    /// Dates of service are spread over this many days from `start`.
    pub days: u32,
    /// The payer mix.
    pub payers: Vec<SynthPayer>,
    /// Self-pay claims (no insurance), per mille.
    pub self_pay_per_mille: u32,
    /// Claims whose first scrub fails or needs a person, per mille.
    pub scrub_problem_per_mille: u32,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            seed: 0x5eed,
            claims: 10_000,
            start: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(NaiveDate::MIN),
            days: 365,
            payers: vec![
                SynthPayer::new("MCR01", 30, 520, 55, 25, 30, (10, 21)),
                SynthPayer::new("MCD02", 15, 420, 95, 30, 60, (14, 45)),
                SynthPayer::new("BCX03", 20, 640, 60, 25, 35, (12, 30)),
                SynthPayer::new("AET04", 12, 660, 70, 20, 40, (12, 35)),
                SynthPayer::new("UHC05", 13, 610, 85, 30, 45, (14, 40)),
                SynthPayer::new("CIG06", 7, 680, 50, 20, 25, (10, 28)),
            ],
            self_pay_per_mille: 30,
            scrub_problem_per_mille: 70,
        }
    }
}

impl SynthConfig {
    /// A config for about `events` events (the claim count is derived).
    pub fn with_events(events: usize) -> Self {
        SynthConfig {
            claims: events.div_ceil(10),
            ..SynthConfig::default()
        }
    }
}

const CODES: [(&str, i64); 10] = [
    ("99213", 9_500),
    ("99214", 14_000),
    ("99203", 12_000),
    ("36415", 1_500),
    ("85025", 2_500),
    ("93000", 4_500),
    ("71046", 9_000),
    ("20610", 16_000),
    ("97110", 5_500),
    ("G0439", 17_500),
];

/// Denial reasons and their relative frequency.
const DENIALS: [(&str, u64); 9] = [
    ("197", 18), // authorization
    ("16", 16),  // missing information
    ("27", 14),  // eligibility
    ("50", 12),  // medical necessity
    ("97", 12),  // bundling
    ("4", 8),    // modifier
    ("18", 8),   // duplicate
    ("22", 7),   // coordination of benefits
    ("29", 5),   // timely filing
];

struct Tables {
    codes: Vec<(ProcedureCode, i64)>,
    denials: Vec<(Carc, u64)>,
    co45: Carc,
    pr1: Carc,
    pr2: Carc,
    pr3: Carc,
}

impl Tables {
    fn new() -> Option<Tables> {
        Some(Tables {
            codes: CODES
                .iter()
                .map(|(c, v)| Some((c.parse().ok()?, *v)))
                .collect::<Option<_>>()?,
            denials: DENIALS
                .iter()
                .map(|(c, w)| Some((c.parse().ok()?, *w)))
                .collect::<Option<_>>()?,
            co45: "45".parse().ok()?,
            pr1: "1".parse().ok()?,
            pr2: "2".parse().ok()?,
            pr3: "3".parse().ok()?,
        })
    }
}

fn cents(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

struct ClaimGen<'a> {
    rng: &'a mut SplitMix64,
    id: String,
    payer: Option<String>,
    out: Vec<LedgerEvent>,
}

impl ClaimGen<'_> {
    fn push(&mut self, date: NaiveDate, time: Option<NaiveTime>, insurance: bool, kind: EventKind) {
        self.out.push(LedgerEvent {
            claim_id: self.id.as_str().into(),
            date,
            time,
            payer_id: if insurance { self.payer.clone() } else { None },
            kind,
        });
    }

    fn push_after(
        &mut self,
        base: NaiveDate,
        days: (u64, u64),
        time: Option<NaiveTime>,
        insurance: bool,
        kind: EventKind,
    ) {
        let date = base + self.days(days.0, days.1);
        self.push(date, time, insurance, kind);
    }

    fn days(&mut self, lo: u64, hi: u64) -> Days {
        Days::new(self.rng.between(lo, hi))
    }
}

/// Generates a ledger: every claim's events, sorted by date and time (the order a ledger
/// is written in).
pub fn generate(config: &SynthConfig) -> Vec<LedgerEvent> {
    let Some(tables) = Tables::new() else {
        return Vec::new();
    };
    let mut rng = SplitMix64::new(config.seed);
    let total_weight: u64 = config.payers.iter().map(|p| u64::from(p.weight)).sum();
    let denial_weight: u64 = tables.denials.iter().map(|d| d.1).sum();
    let mut out = Vec::with_capacity(config.claims * 11);
    for i in 0..config.claims {
        let self_pay = config.payers.is_empty() || rng.chance(config.self_pay_per_mille);
        let payer = if self_pay {
            None
        } else {
            let mut pick = rng.below(total_weight.max(1));
            let mut chosen = &config.payers[0];
            for p in &config.payers {
                if pick < u64::from(p.weight) {
                    chosen = p;
                    break;
                }
                pick -= u64::from(p.weight);
            }
            Some(chosen)
        };
        let mut g = ClaimGen {
            rng: &mut rng,
            id: format!("C{i:08}"),
            payer: payer.map(|p| p.id.clone()),
            out: Vec::with_capacity(12),
        };
        one_claim(&mut g, config, &tables, payer, denial_weight);
        out.append(&mut g.out);
    }
    out.sort_by_key(|e| (e.date, e.time));
    out
}

/// Generates a ledger as [`generate`] does, straight into an [`EventStore`] (grouped by
/// claim, ready for [`Book::from_store`](crate::Book::from_store)).
///
/// ```
/// use medbill_kpi::synth::{SynthConfig, generate, generate_store};
/// let config = SynthConfig { claims: 300, ..Default::default() };
/// assert_eq!(generate_store(&config).len(), generate(&config).len());
/// ```
pub fn generate_store(config: &SynthConfig) -> EventStore {
    let events = generate(config);
    let mut store = EventStore::with_capacity(events.len());
    // The generator writes two-decimal amounts within the limits, so nothing is refused;
    // were it ever, the store would keep the events before it.
    let _ = store.extend(&events);
    drop(events);
    store
}

fn one_claim(
    g: &mut ClaimGen<'_>,
    config: &SynthConfig,
    tables: &Tables,
    payer: Option<&SynthPayer>,
    denial_weight: u64,
) {
    // Keep every date the generator derives (a few hundred days on) inside chrono's range.
    let start = config
        .start
        .min(NaiveDate::from_ymd_opt(200_000, 1, 1).unwrap_or(NaiveDate::MAX));
    let days = u64::from(config.days.clamp(1, 3_650_000));
    let dos = start + Days::new(g.rng.below(days));
    let nlines = 1 + g.rng.below(3) as usize;
    let lines: Vec<(ProcedureCode, i64)> = (0..nlines)
        .map(|_| tables.codes[g.rng.below(tables.codes.len() as u64) as usize])
        .collect();
    let charge_cents: i64 = lines.iter().map(|l| l.1).sum();
    let charge = cents(charge_cents);

    // Documentation and coding, in hours.
    let doc_time = NaiveTime::from_hms_opt(8 + g.rng.below(9) as u32, g.rng.below(60) as u32, 0);
    g.push(dos, doc_time, false, EventKind::DocumentationReceived);
    let coding_hours = if g.rng.chance(850) {
        g.rng.between(2, 40)
    } else {
        g.rng.between(40, 120)
    };
    let doc_secs = doc_time.map_or(0, |t| {
        i64::from(chrono::Timelike::num_seconds_from_midnight(&t))
    });
    let coded_secs = doc_secs + coding_hours as i64 * 3600;
    let coded_date = dos + Days::new((coded_secs / 86_400) as u64);
    let coded_time = NaiveTime::from_num_seconds_from_midnight_opt((coded_secs % 86_400) as u32, 0);
    g.push(coded_date, coded_time, false, EventKind::Coded);

    let lag = g.days(0, 3);
    let created = (dos + lag).max(coded_date);
    g.push(
        created,
        None,
        true,
        EventKind::Created {
            charge,
            service_date: dos,
            service_end: None,
            self_pay: payer.is_none(),
        },
    );

    let Some(payer) = payer else {
        self_pay_claim(g, created, charge_cents);
        return;
    };

    let problem = g.rng.chance(config.scrub_problem_per_mille);
    let passed = !problem || g.rng.chance(500);
    g.push(
        created,
        None,
        true,
        EventKind::Scrubbed {
            passed,
            manual_intervention: problem,
        },
    );
    let submitted = created + g.days(0, 2);
    g.push(
        submitted,
        None,
        true,
        EventKind::Submitted {
            charge,
            sequence: PayerSequence::Primary,
            batch_control_number: None,
        },
    );
    g.push(
        submitted,
        None,
        true,
        ack(AckSource::Implementation999, AckOutcome::Accepted),
    );
    let mut accepted = submitted + Days::new(1);
    if g.rng.chance(payer.rejection_per_mille) {
        g.push(
            accepted,
            None,
            true,
            ack(AckSource::ClaimAck277Ca, AckOutcome::Rejected),
        );
        let resent = accepted + g.days(1, 6);
        g.push(
            resent,
            None,
            true,
            EventKind::Resubmitted {
                charge,
                frequency: FrequencyCode::Original,
                sequence: PayerSequence::Primary,
                batch_control_number: None,
            },
        );
        accepted = resent + Days::new(1);
    }
    g.push(
        accepted,
        None,
        true,
        ack(AckSource::ClaimAck277Ca, AckOutcome::Accepted),
    );

    let adjudicated = accepted + g.days(payer.adjudication_days.0, payer.adjudication_days.1);
    let roll = g.rng.below(1000) as u32;
    let denied_all = roll < payer.denial_per_mille;
    let denied_one = !denied_all && roll < payer.denial_per_mille + payer.partial_denial_per_mille;
    let reason = pick_denial(g.rng, tables, denial_weight);
    // Which line a partial denial hits.
    let denied_line = if denied_one && lines.len() > 1 {
        Some(g.rng.below(lines.len() as u64) as usize)
    } else {
        None
    };
    let deductible = g.rng.chance(250);
    let (event, pr_cents) = adjudication(
        tables,
        payer,
        &lines,
        |i| denied_all || denied_line == Some(i),
        reason,
        deductible,
    );
    g.push(adjudicated, None, true, event);

    if denied_all {
        let fate = g.rng.below(100);
        if fate < 70 {
            // Corrected claim, then paid.
            let sent = adjudicated + g.days(1, 8);
            g.push(
                sent,
                None,
                true,
                EventKind::Resubmitted {
                    charge,
                    frequency: FrequencyCode::Replacement,
                    sequence: PayerSequence::Primary,
                    batch_control_number: None,
                },
            );
            let paid_on = sent + g.days(10, 30);
            let (event, pr) = adjudication(tables, payer, &lines, |_| false, reason, deductible);
            g.push(paid_on, None, true, event);
            patient_side(g, paid_on, pr);
        } else if fate < 90 {
            let appealed = adjudicated + g.days(5, 20);
            g.push(
                appealed,
                None,
                true,
                EventKind::Appealed {
                    amount: charge,
                    level: 1,
                },
            );
            let paid_on = appealed + g.days(30, 60);
            let (event, pr) = adjudication(tables, payer, &lines, |_| false, reason, deductible);
            g.push(paid_on, None, true, event);
            patient_side(g, paid_on, pr);
        } else {
            let kind = if reason.as_str() == "29" {
                WriteOffKind::TimelyFiling
            } else {
                WriteOffKind::Administrative
            };
            g.push_after(
                adjudicated,
                (10, 40),
                None,
                true,
                EventKind::WrittenOff {
                    amount: charge,
                    responsibility: Responsibility::Insurance,
                    write_off: kind,
                },
            );
        }
        return;
    }
    if let Some(i) = denied_line
        && g.rng.chance(400)
    {
        g.push_after(
            adjudicated,
            (5, 30),
            None,
            true,
            EventKind::WrittenOff {
                amount: cents(lines[i].1),
                responsibility: Responsibility::Insurance,
                write_off: WriteOffKind::Administrative,
            },
        );
    }
    // A few payers overpay and are refunded.
    if g.rng.chance(5) {
        g.push(
            adjudicated,
            None,
            true,
            EventKind::Adjusted {
                amount: Decimal::new(-1000, 2),
                responsibility: Responsibility::Insurance,
                reason: Some("overpayment".into()),
            },
        );
        g.push_after(
            adjudicated,
            (20, 40),
            None,
            true,
            EventKind::Refunded {
                amount: Decimal::new(1000, 2),
                to: Responsibility::Insurance,
            },
        );
    }
    patient_side(g, adjudicated, pr_cents);
}

fn pick_denial(rng: &mut SplitMix64, tables: &Tables, weight: u64) -> Carc {
    let mut pick = rng.below(weight.max(1));
    for (c, w) in &tables.denials {
        if pick < *w {
            return *c;
        }
        pick -= w;
    }
    tables.denials[0].0
}

fn ack(source: AckSource, outcome: AckOutcome) -> EventKind {
    EventKind::Acknowledged {
        source,
        outcome,
        reasons: Vec::new(),
        payer_claim_control_number: None,
    }
}

/// An adjudication of the lines; `denied(i)` says which lines the payer denies. Returns the
/// event and the patient responsibility in cents.
fn adjudication(
    tables: &Tables,
    payer: &SynthPayer,
    lines: &[(ProcedureCode, i64)],
    denied: impl Fn(usize) -> bool,
    reason: Carc,
    deductible: bool,
) -> (EventKind, i64) {
    let mut out_lines = Vec::with_capacity(lines.len());
    let (mut paid_total, mut pr_total, mut charge_total) = (0i64, 0i64, 0i64);
    let mut any_denied = false;
    let mut all_denied = true;
    for (i, (code, line_cents)) in lines.iter().enumerate() {
        charge_total += line_cents;
        let mut adjustments = Vec::new();
        let paid;
        if denied(i) {
            any_denied = true;
            adjustments.push(Adjustment::new(GroupCode::Co, reason, cents(*line_cents)));
            paid = 0;
        } else {
            all_denied = false;
            let allowed = line_cents * i64::from(payer.allowed_per_mille) / 1000;
            let pr = if deductible { allowed / 2 } else { allowed / 5 };
            let pr_reason = if deductible {
                tables.pr1
            } else if i == 0 && allowed > 5000 {
                tables.pr3
            } else {
                tables.pr2
            };
            if line_cents - allowed != 0 {
                adjustments.push(Adjustment::new(
                    GroupCode::Co,
                    tables.co45,
                    cents(line_cents - allowed),
                ));
            }
            if pr != 0 {
                adjustments.push(Adjustment::new(GroupCode::Pr, pr_reason, cents(pr)));
            }
            pr_total += pr;
            paid = allowed - pr;
        }
        paid_total += paid;
        out_lines.push(AdjudicatedLine {
            procedure: Some(*code),
            modifiers: Vec::new(),
            charge: cents(*line_cents),
            paid: cents(paid),
            units: None,
            adjustments,
        });
    }
    let outcome = if all_denied {
        AdjudicationOutcome::Denied
    } else if any_denied {
        AdjudicationOutcome::PartiallyPaid
    } else {
        AdjudicationOutcome::Paid
    };
    let status = if all_denied {
        ClaimStatusCode::Denied
    } else {
        ClaimStatusCode::ProcessedPrimary
    }
    .into();
    let event = EventKind::Adjudicated {
        outcome,
        status,
        charge: cents(charge_total),
        paid: cents(paid_total),
        patient_responsibility: cents(pr_total),
        payer_claim_control_number: None,
        trace_number: None,
        adjustments: Vec::new(),
        lines: out_lines,
    };
    (event, pr_total)
}

/// Statements, patient payments (some at the point of service) and what is left.
fn patient_side(g: &mut ClaimGen<'_>, adjudicated: NaiveDate, pr_cents: i64) {
    if pr_cents <= 0 {
        return;
    }
    let billed = adjudicated + g.days(1, 5);
    g.push(
        billed,
        None,
        false,
        EventKind::PatientBilled {
            amount: cents(pr_cents),
        },
    );
    let fate = g.rng.below(100);
    if fate < 75 {
        let paid_on = billed + g.days(3, 45);
        g.push(
            paid_on,
            None,
            false,
            EventKind::PatientPaid {
                amount: cents(pr_cents),
                point_of_service: false,
            },
        );
    } else if fate < 88 {
        let part = pr_cents / 2;
        let paid_on = billed + g.days(3, 45);
        g.push(
            paid_on,
            None,
            false,
            EventKind::PatientPaid {
                amount: cents(part),
                point_of_service: false,
            },
        );
        small_or_bad_debt(g, billed, pr_cents - part);
    } else {
        small_or_bad_debt(g, billed, pr_cents);
    }
}

fn small_or_bad_debt(g: &mut ClaimGen<'_>, billed: NaiveDate, left: i64) {
    if left < 500 {
        g.push_after(
            billed,
            (30, 60),
            None,
            false,
            EventKind::WrittenOff {
                amount: cents(left),
                responsibility: Responsibility::Patient,
                write_off: WriteOffKind::SmallBalance,
            },
        );
    } else if g.rng.chance(500) {
        g.push_after(
            billed,
            (120, 150),
            None,
            false,
            EventKind::WrittenOff {
                amount: cents(left),
                responsibility: Responsibility::Patient,
                write_off: WriteOffKind::BadDebt,
            },
        );
    }
}

fn self_pay_claim(g: &mut ClaimGen<'_>, created: NaiveDate, charge_cents: i64) {
    // Self-pay: a third paid at the visit, the rest billed.
    let at_visit = charge_cents / 3;
    g.push(
        created,
        None,
        false,
        EventKind::PatientPaid {
            amount: cents(at_visit),
            point_of_service: true,
        },
    );
    g.push_after(
        created,
        (1, 5),
        None,
        false,
        EventKind::PatientBilled {
            amount: cents(charge_cents - at_visit),
        },
    );
    if g.rng.chance(600) {
        g.push_after(
            created,
            (10, 60),
            None,
            false,
            EventKind::PatientPaid {
                amount: cents(charge_cents - at_visit),
                point_of_service: false,
            },
        );
    } else {
        small_or_bad_debt(g, created, charge_cents - at_visit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_known_values() {
        // First outputs of SplitMix64 seeded with 0 (the reference implementation's).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        let mut r = SplitMix64::new(1);
        for _ in 0..1000 {
            assert!(r.below(7) < 7);
            let b = r.between(3, 5);
            assert!((3..=5).contains(&b));
        }
        assert_eq!(r.below(0), 0);
    }
}
