//! The other side of the wire: a clearinghouse's 277CA and a payer's adjudication into 835
//! claim payments, by each payer's (invented) contract and habits.

use std::fmt::Write as _;

use chrono::NaiveDate;
use medbill::claim::{
    Adjustment, Claim, ClaimPayment, ClaimStatusCode, FrequencyCode, LinePayment,
    RemitFilingIndicator,
};
use medbill::codes::{Carc, GroupCode};
use medbill::kpi::synth::SplitMix64;
use rust_decimal::Decimal;

use crate::practice::{PayerProfile, contract_rate, detail};

/// A front-end rejection: 277CA status category, status code, entity, and what the biller
/// does about it.
pub(crate) const REJECTIONS: &[(&str, &str, &str)] = &[
    ("A7", "164", "IL"), // the subscriber's member number: corrected from the card
    ("A7", "33", "IL"),  // subscriber not found: eligibility re-checked, corrected
    ("A6", "35", "QC"),  // patient information missing: added
];

/// One claim's line in a 277CA: accepted with the payer's claim number, or rejected.
pub(crate) struct ClaimStatus<'a> {
    pub(crate) claim: &'a Claim,
    pub(crate) rejection: Option<(&'static str, &'static str, &'static str)>,
    pub(crate) payer_claim_number: String,
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// Writes a clearinghouse 277CA (005010X214) for one day's claims.
pub(crate) fn write_277ca(
    control: u32,
    date: NaiveDate,
    batch: &str,
    statuses: &[ClaimStatus<'_>],
) -> String {
    let mut s = String::new();
    let seg = |s: &mut String, text: String| {
        s.push_str(&text);
        s.push_str("~\n");
    };
    let d = ymd(date);
    let _ = writeln!(
        s,
        "ISA*00*          *00*          *ZZ*CLEARHOUSE     *ZZ*NWFM0001       *{}*1300*^*00501*{control:09}*0*T*:~",
        &d[2..]
    );
    let _ = writeln!(
        s,
        "GS*HN*CLEARHOUSE*NWFM0001*{d}*1300*{control}*X*005010X214~"
    );
    let mut body = String::new();
    seg(&mut body, "ST*277*0001*005010X214".into());
    seg(&mut body, format!("BHT*0085*08*{batch}*{d}*1300*TH"));
    seg(&mut body, "HL*1**20*1".into());
    seg(
        &mut body,
        "NM1*PR*2*EXAMPLE CLEARINGHOUSE*****46*CLEARHOUSE".into(),
    );
    seg(&mut body, format!("TRN*1*{batch}"));
    seg(&mut body, format!("DTP*050*D8*{d}"));
    seg(&mut body, format!("DTP*009*D8*{d}"));
    seg(&mut body, "HL*2*1*21*1".into());
    seg(
        &mut body,
        "NM1*41*2*NORTHWIND INTERNAL MEDICINE*****46*NWFM0001".into(),
    );
    seg(&mut body, format!("TRN*2*{batch}"));
    // The batch: received, then how many claims (and dollars) went on to the payer.
    let total: Decimal = statuses.iter().map(|s| s.claim.total_charge).sum();
    let (accepted, rejected): (Vec<_>, Vec<_>) =
        statuses.iter().partition(|s| s.rejection.is_none());
    let sum = |list: &[&ClaimStatus<'_>]| list.iter().map(|s| s.claim.total_charge).sum();
    let (accepted_amount, rejected_amount): (Decimal, Decimal) = (sum(&accepted), sum(&rejected));
    seg(&mut body, format!("STC*A1:19*{d}*WQ*{total}"));
    if !accepted.is_empty() {
        seg(&mut body, format!("QTY*90*{}", accepted.len()));
    }
    if !rejected.is_empty() {
        seg(&mut body, format!("QTY*AA*{}", rejected.len()));
    }
    if !accepted.is_empty() {
        seg(&mut body, format!("AMT*YU*{accepted_amount}"));
    }
    if !rejected.is_empty() {
        seg(&mut body, format!("AMT*YY*{rejected_amount}"));
    }
    seg(&mut body, "HL*3*2*19*1".into());
    seg(
        &mut body,
        format!(
            "NM1*85*2*NORTHWIND INTERNAL MEDICINE*****XX*{}",
            statuses.first().map_or_else(String::new, |s| s
                .claim
                .billing_provider
                .provider
                .reported_npi()
                .map_or_else(String::new, str::to_owned))
        ),
    );
    let mut hl = 3;
    for st in statuses {
        hl += 1;
        let c = st.claim;
        seg(&mut body, format!("HL*{hl}*3*PT*0"));
        let name = c.subscriber.name.reveal();
        seg(
            &mut body,
            format!(
                "NM1*QC*1*{}*{}****MI*{}",
                name.last,
                name.first.as_deref().unwrap_or(""),
                c.subscriber.member_id.reveal()
            ),
        );
        seg(&mut body, format!("TRN*2*{}", c.patient_control_number));
        match st.rejection {
            None => {
                seg(&mut body, format!("STC*A2:20:PR*{d}*WQ*{}", c.total_charge));
                seg(&mut body, format!("REF*1K*{}", st.payer_claim_number));
            }
            Some((category, code, entity)) => {
                seg(
                    &mut body,
                    format!("STC*{category}:{code}:{entity}*{d}*U*{}", c.total_charge),
                );
            }
        }
    }
    let segments = body.matches("~\n").count();
    seg(&mut body, format!("SE*{}*0001", segments + 1));
    s.push_str(&body);
    let _ = writeln!(s, "GE*1*{control}~");
    let _ = writeln!(s, "IEA*1*{control:09}~");
    s
}

/// A claim payment as the payer adjudicates it: the contract rate (or a stale one), copay,
/// deductible, coinsurance, and now and then a denied line or a denied claim.
pub(crate) fn adjudicate(
    rng: &mut SplitMix64,
    profile: &PayerProfile,
    claim: &mut Claim,
    icn: String,
) -> ClaimPayment {
    let charge = claim.total_charge;
    let pcn = claim.patient_control_number.clone();
    let filing = claim.filing_indicator.get();
    let lines = detail(claim).lines.clone();
    let co = |carc: &str, amount: Decimal| {
        Adjustment::new(
            GroupCode::Co,
            carc.parse::<Carc>()
                .unwrap_or_else(|_| unreachable!("CARC {carc}")),
            amount,
        )
    };
    let pr = |carc: &str, amount: Decimal| {
        Adjustment::new(
            GroupCode::Pr,
            carc.parse::<Carc>()
                .unwrap_or_else(|_| unreachable!("CARC {carc}")),
            amount,
        )
    };

    // A denied claim: every line adjusted with one reason.
    // A corrected claim (frequency 7) answers an earlier denial: it is not denied again.
    let corrected = claim.frequency != FrequencyCode::Original;
    let claim_denial = (!corrected && rng.chance(profile.denial_per_mille)).then(|| {
        let has = |c: &str| lines.iter().any(|l| l.procedure.as_str() == c);
        let options: &[&str] = if has("20610") || has("11102") {
            &["197", "50", "16"]
        } else {
            &["27", "16", "50", "96", "22"]
        };
        options[rng.below(options.len() as u64) as usize]
    });
    let line_denial =
        if claim_denial.is_none() && lines.len() > 1 && rng.chance(profile.line_denial_per_mille) {
            Some((
                1 + rng.below(lines.len() as u64 - 1) as usize,
                if rng.chance(500) { "97" } else { "151" },
            ))
        } else {
            None
        };
    let mut deductible_left = if rng.chance(profile.deductible_per_mille) {
        Decimal::new(rng.between(40, 250) as i64 * 100, 2)
    } else {
        Decimal::ZERO
    };
    let mut copay_left = profile.copay;

    let mut payments = Vec::with_capacity(lines.len());
    let (mut paid_total, mut patient_total) = (Decimal::ZERO, Decimal::ZERO);
    for (i, line) in lines.iter().enumerate() {
        let code = line.procedure.as_str();
        // The payer adjudicates the code as billed, valid or not.
        let mut lp = LinePayment::with_code(line.procedure.clone(), line.charge, Decimal::ZERO);
        lp.modifiers = line.modifiers.to_vec();
        lp.units = Some(line.units);
        lp.service_date = line.service_date;
        lp.line_control_number = line.line_control_number.clone();
        let denial = claim_denial.or(line_denial.filter(|(n, _)| *n == i).map(|(_, c)| c));
        if let Some(carc) = denial {
            lp.adjustments = vec![co(carc, line.charge)];
            payments.push(lp);
            continue;
        }
        let mut rate = contract_rate(profile, code);
        if let Some((stale, per_mille)) = profile.stale_rate
            && stale == code
        {
            rate = (rate * Decimal::new(per_mille, 3)).round_dp(2);
        }
        let allowed = (rate * line.units).min(line.charge);
        let mut patient = Vec::new();
        let mut left = allowed;
        if code.starts_with("99") && !copay_left.is_zero() {
            let copay = copay_left.min(left);
            copay_left -= copay;
            left -= copay;
            patient.push(pr("3", copay));
        }
        if !deductible_left.is_zero() && !left.is_zero() {
            let d = deductible_left.min(left);
            deductible_left -= d;
            left -= d;
            patient.push(pr("1", d));
        }
        if profile.coinsurance_per_mille > 0 && !left.is_zero() {
            let c = (left * Decimal::new(profile.coinsurance_per_mille, 3)).round_dp(2);
            left -= c;
            patient.push(pr("2", c));
        }
        let mut adjustments = Vec::new();
        if line.charge > allowed {
            adjustments.push(co("45", line.charge - allowed));
        }
        patient_total += patient.iter().map(|a| a.amount).sum::<Decimal>();
        adjustments.extend(patient);
        lp.adjustments = adjustments;
        lp.allowed = Some(allowed);
        lp.paid = left;
        paid_total += left;
        payments.push(lp);
    }
    let status = if claim_denial.is_some() {
        ClaimStatusCode::Denied
    } else {
        ClaimStatusCode::ProcessedPrimary
    };
    let mut payment = ClaimPayment::new(pcn, status, charge, paid_total);
    payment.patient_responsibility = patient_total;
    payment.payer_claim_control_number = Some(icn);
    // The practice's payers file under codes the 835 list shares (MB, MC, 12, 13, HM).
    payment.filing_indicator = filing
        .and_then(RemitFilingIndicator::from_claim_filing)
        .map(Into::into);
    payment.lines = payments;
    payment
}
