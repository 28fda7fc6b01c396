//! Other payers of a claim (2320, 2330x) and what they did with a line (2430).

use medbill_claim::{
    Adjustment, ClaimDetail, ClaimError, Coded, LineAdjudication, OtherPayer, Payer, PersonName,
    Phi, RawSegment, Subscriber, Text,
};
use medbill_codes::{Carc, GroupCode};
use rust_decimal::Decimal;

use super::claim::has_trailing_separator;
use super::levels::{n3, n4, opt_text, person_name, text};
use super::{R837, other_loop, raw};
use crate::typed::parse_decimal;
use crate::typed::walk::{Fields, template, trim};

/// Where an SVD kept as a template gets the model's values: the procedure code and modifiers.
/// The payer id, amounts and units are kept as sent.
const SVD_BLANKS: &[(usize, usize)] = &[(3, 2), (3, 3), (3, 4), (3, 5), (3, 6)];

/// The adjustments of a CAS segment: up to six (reason, amount, quantity) triplets after the
/// group code, each code as sent. Errors name the element of an amount that is not a number.
fn cas<'a>(
    f: &'a Fields<'a>,
) -> impl Iterator<Item = Result<Adjustment, (u32, &'static str)>> + 'a {
    let group: Coded<GroupCode> = Coded::parse(trim(f.el(1)));
    (0..6).filter_map(move |k| {
        let n = 2 + 3 * k;
        let reason = trim(f.el(n));
        if reason.is_empty() && !f.has(n + 1) {
            return None;
        }
        let reason: Coded<Carc> = Coded::parse(reason);
        let amount = match parse_decimal(trim(f.el(n + 1))) {
            Ok(a) => a,
            Err(_) => return Some(Err((n as u32 + 1, "not a number"))),
        };
        let q = trim(f.el(n + 2));
        let quantity = if q.is_empty() {
            None
        } else {
            match parse_decimal(q) {
                Ok(q) => Some(q),
                Err(_) => return Some(Err((n as u32 + 2, "not a number"))),
            }
        };
        Some(Ok(Adjustment {
            group: group.clone(),
            reason,
            amount,
            quantity,
        }))
    })
}

/// Whether a CAS is written back as read from its adjustments: every triplet packed from
/// CAS02, plain amounts and quantities.
fn cas_plain(f: &Fields<'_>) -> bool {
    if has_trailing_separator(f) || f.len() > 19 {
        return false;
    }
    let mut ended = false;
    for k in 0..6 {
        let n = 2 + 3 * k;
        let present = f.has(n) || f.has(n + 1) || f.has(n + 2);
        if !present {
            ended = true;
            continue;
        }
        let amount = trim(f.el(n + 1));
        let q = trim(f.el(n + 2));
        if ended
            || !f.has(n)
            || !super::is_plain_amount(amount.trim_start_matches('-'))
            || (!q.is_empty() && !super::is_plain_amount(q.trim_start_matches('-')))
        {
            return false;
        }
    }
    true
}

impl R837<'_> {
    /// The adjustments of a CAS, each code as sent; an amount that is not a number is
    /// reported and the CAS kept raw in `loop_id`.
    fn adjustments(
        &mut self,
        f: &Fields<'_>,
        field: &str,
        loop_id: &str,
    ) -> Option<Vec<Adjustment>> {
        let mut out = Vec::new();
        let mut bad = false;
        for r in cas(f) {
            match r {
                Ok(a) => out.push(a),
                Err((n, _)) => {
                    let at = self.at(f, n as usize, 0);
                    self.report(
                        ClaimError::NotANumber {
                            field: field.to_owned(),
                        },
                        at,
                        None,
                    );
                    bad = true;
                }
            }
        }
        for (k, a) in out.iter().enumerate() {
            let n = 2 + 3 * k;
            if let Coded::Invalid(u) = &a.reason {
                let at = self.at(f, n, 0);
                self.report(
                    ClaimError::code(format!("{field}[{k}].reason"), u.reason().clone()),
                    at,
                    Some(u.text()),
                );
            }
        }
        if let Some(Coded::Invalid(u)) = out.first().map(|a| &a.group) {
            let at = self.at(f, 1, 0);
            self.report(
                ClaimError::code(format!("{field}.group"), u.reason().clone()),
                at,
                Some(u.text()),
            );
        }
        if bad || !cas_plain(f) {
            self.push_claim_extra(RawSegment::new(loop_id, f.canonical()));
            return None;
        }
        Some(out)
    }

    pub(super) fn other_payer(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        if l == "2320" && id == "SBR" {
            let i = self.claim().map_or(0, |c| c.other_payers.len());
            let seq = self.coded(f, 1, 0, trim(f.el(1)), || {
                format!("other_payers[{i}].sequence")
            });
            let rel = match trim(f.el(2)) {
                "" => None,
                r => Some(self.coded(f, 2, 0, r, || format!("other_payers[{i}].relationship"))),
            };
            let filing = match trim(f.el(9)) {
                "" => None,
                r => Some(self.coded(f, 9, 0, r, || format!("other_payers[{i}].filing_indicator"))),
            };
            let mut op = OtherPayer::new(Payer::new("", ""), medbill_claim::PayerSequence::Unknown);
            op.sequence = seq;
            op.relationship = rel;
            op.filing_indicator = filing;
            let mut sub = Subscriber::new(Text::new(), PersonName::default());
            sub.group_number = opt_text(f.el(3));
            sub.group_name = opt_text(f.el(4));
            op.subscriber = Some(sub);
            let unmodelled = (5..9).any(|n| f.has(n)) || f.len() > 9 || has_trailing_separator(f);
            if let Some(c) = self.claim() {
                c.other_payers.push(op);
                if unmodelled {
                    c.extra.push(template(
                        format!("{}/SBR", other_loop("2320", i)),
                        f,
                        &[(1, 0), (2, 0), (3, 0), (4, 0), (9, 0)],
                    ));
                }
            }
            return;
        }
        let Some(i) = self
            .claim()
            .and_then(|c| c.other_payers.len().checked_sub(1))
        else {
            self.push_claim_extra(raw(l, f));
            return;
        };
        let tagged = other_loop(l, i);
        let q = trim(f.el(1));
        match (l, id) {
            ("2320", "CAS") => {
                if let Some(adj) =
                    self.adjustments(f, &format!("other_payers[{i}].adjustments"), &tagged)
                    && let Some(op) = self.other_payer_mut(i)
                {
                    op.adjustments.extend(adj);
                }
            }
            ("2320", "AMT") if matches!(q, "D" | "EAF") && f.len() == 2 => {
                let (amount, plain) = self.amount(f, 2, || format!("other_payers[{i}].paid"));
                let Some(op) = self.other_payer_mut(i) else {
                    return;
                };
                let slot = if q == "D" {
                    &mut op.paid
                } else {
                    &mut op.remaining_patient_liability
                };
                if slot.is_none() && amount.is_some() && plain {
                    *slot = amount;
                } else {
                    self.push_claim_extra(RawSegment::new(tagged, f.canonical()));
                }
            }
            ("2320", "OI") if self.oi_is_written(f) => {}
            ("2330A", "NM1")
                if trim(f.el(1)) == "IL"
                    && f.len() <= 9
                    && trim(f.el(8)) == "MI"
                    && !f.has(6)
                    && trim(f.el(2)) == "1" =>
            {
                if let Some(op) = self.other_payer_mut(i)
                    && let Some(s) = &mut op.subscriber
                {
                    s.name = Phi::new(person_name(f));
                    s.member_id = Phi::new(text(f.el(9)));
                }
            }
            ("2330A", "N3" | "N4") if !super::levels::address_unmodelled(f) => {
                if let Some(op) = self.other_payer_mut(i)
                    && let Some(s) = &mut op.subscriber
                {
                    let a = s.address.get_or_insert_default().reveal_mut();
                    if id == "N3" {
                        a.lines = n3(f);
                    } else {
                        n4(f, a);
                    }
                }
            }
            ("2330A", "REF") if q == "SY" && f.len() == 2 => {
                if let Some(op) = self.other_payer_mut(i)
                    && let Some(s) = &mut op.subscriber
                {
                    s.ssn = Some(Phi::new(text(f.el(2))));
                }
            }
            ("2330B", "NM1")
                if trim(f.el(1)) == "PR"
                    && trim(f.el(2)) == "2"
                    && trim(f.el(8)) == "PI"
                    && f.len() == 9
                    && (4..=7).all(|n| !f.has(n)) =>
            {
                if let Some(op) = self.other_payer_mut(i) {
                    op.payer = Payer::new(trim(f.el(9)), trim(f.el(3)));
                }
            }
            ("2330B", "DTP") if q == "573" && trim(f.el(2)) == "D8" && f.len() == 3 => {
                let d = self.date(f, 3, 0, f.el(3), || {
                    format!("other_payers[{i}].adjudication_date")
                });
                match (d, self.other_payer_mut(i)) {
                    (Some(d), Some(op)) if op.adjudication_date.is_none() => {
                        op.adjudication_date = Some(d)
                    }
                    _ => self.push_claim_extra(RawSegment::new(tagged, f.canonical())),
                }
            }
            ("2330B", "REF") if q == "F8" && f.len() == 2 => match self.other_payer_mut(i) {
                Some(op) if op.payer_claim_control_number.is_none() => {
                    op.payer_claim_control_number = super::opt(f.el(2))
                }
                _ => self.push_claim_extra(RawSegment::new(tagged, f.canonical())),
            },
            _ => self.push_claim_extra(RawSegment::new(tagged, f.canonical())),
        }
    }

    /// Whether an OI is the one the writer writes from the claim (benefits assignment and,
    /// on a professional claim, release of information): then it is not kept.
    fn oi_is_written(&mut self, f: &Fields<'_>) -> bool {
        let institutional = self.form == super::ClaimForm::Institutional;
        let Some(c) = self.claim() else { return false };
        let benefits = if c.benefits_assigned { "Y" } else { "N" };
        let release = if institutional {
            ""
        } else {
            c.release_of_information.as_str()
        };
        !f.has(1)
            && !f.has(2)
            && trim(f.el(3)) == benefits
            && !f.has(4)
            && !f.has(5)
            && trim(f.el(6)) == release
            && f.len() <= 6
            && !has_trailing_separator(f)
    }

    fn other_payer_mut(&mut self, i: usize) -> Option<&mut OtherPayer> {
        self.claim()?.other_payers.get_mut(i)
    }

    /// What an earlier payer did with the line (2430: SVD, CAS, DTP*573).
    pub(super) fn line_adjudication(&mut self, f: &Fields<'_>) {
        let id = f.id();
        let line = self.line_count().saturating_sub(1);
        if id == "SVD" {
            let j = self.current_adjudications();
            let (paid, plain_paid) = self.amount(f, 2, || {
                format!("lines[{line}].other_payer_adjudications[{j}].paid")
            });
            let (units, plain_units) = self.amount(f, 5, || {
                format!("lines[{line}].other_payer_adjudications[{j}].units")
            });
            let (composite, more) = f.components::<6>(3);
            let (procedure, modifiers, packed) = if trim(f.el(3)).is_empty() {
                (None, Vec::new(), true)
            } else {
                let code = trim(composite[1]);
                let p = self.coded(f, 3, 2, code, || {
                    format!("lines[{line}].other_payer_adjudications[{j}].procedure")
                });
                let mut mods = Vec::new();
                let mut gap = false;
                let mut packed = true;
                for (k, m) in composite[2..].iter().enumerate() {
                    let m = trim(m);
                    if m.is_empty() {
                        gap = true;
                        continue;
                    }
                    packed &= !gap;
                    let n = mods.len();
                    mods.push(self.coded(f, 3, 3 + k, m, || {
                        format!("lines[{line}].other_payer_adjudications[{j}].modifiers[{n}]")
                    }));
                }
                (Some(p), mods, packed)
            };
            if paid.is_none() {
                let at = self.at(f, 2, 0);
                self.report(
                    ClaimError::missing(format!(
                        "lines[{line}].other_payer_adjudications[{j}].paid"
                    )),
                    at,
                    None,
                );
            }
            let unmodelled = (procedure.is_some() && trim(composite[0]) != "HC")
                || more
                || !packed
                || !plain_paid
                || !plain_units
                || paid.is_none()
                || f.has(4)
                || f.has(6)
                || f.len() > 6
                || has_trailing_separator(f);
            let adjudication = LineAdjudication {
                payer_id: trim(f.el(1)).to_owned(),
                paid: paid.unwrap_or(Decimal::ZERO),
                procedure,
                modifiers,
                units,
                adjustments: Vec::new(),
                date: None,
            };
            self.with_line(|extra, adjudications| {
                adjudications.push(adjudication);
                if unmodelled {
                    extra.push(template(
                        format!("{}/SVD", other_loop("2430", j)),
                        f,
                        SVD_BLANKS,
                    ));
                }
            });
            return;
        }
        let Some(j) = self.current_adjudications().checked_sub(1) else {
            self.push_line_extra(raw("2430", f));
            return;
        };
        let tagged = other_loop("2430", j);
        match id {
            "CAS" => {
                let field = format!("lines[{line}].other_payer_adjudications[{j}].adjustments");
                let adj = self.adjustments_of_line(f, &field, &tagged);
                if let Some(adj) = adj {
                    self.with_line(|_, a| {
                        if let Some(a) = a.last_mut() {
                            a.adjustments.extend(adj)
                        }
                    });
                }
            }
            "DTP" if trim(f.el(1)) == "573" && trim(f.el(2)) == "D8" && f.len() == 3 => {
                let d = self.date(f, 3, 0, f.el(3), || {
                    format!("lines[{line}].other_payer_adjudications[{j}].date")
                });
                let seg = RawSegment::new(tagged, f.canonical());
                self.with_line(|extra, a| match (a.last_mut(), d) {
                    (Some(a), Some(d)) if a.date.is_none() => a.date = Some(d),
                    _ => extra.push(seg),
                });
            }
            _ => self.push_line_extra(RawSegment::new(tagged, f.canonical())),
        }
    }

    /// [`adjustments`](Self::adjustments) for a line: a CAS not written back as read is kept
    /// with the line.
    fn adjustments_of_line(
        &mut self,
        f: &Fields<'_>,
        field: &str,
        loop_id: &str,
    ) -> Option<Vec<Adjustment>> {
        let before = self.claim().map_or(0, |c| c.extra.len());
        let out = self.adjustments(f, field, loop_id);
        // `adjustments` keeps a raw CAS on the claim; a line's belongs to the line.
        let moved = self
            .claim()
            .and_then(|c| (c.extra.len() > before).then(|| c.extra.pop()).flatten());
        if let Some(r) = moved {
            self.push_line_extra(r);
        }
        out
    }

    fn current_adjudications(&mut self) -> usize {
        match self.claim().map(|c| &c.detail) {
            Some(ClaimDetail::Professional(p)) => p
                .lines
                .last()
                .map_or(0, |l| l.other_payer_adjudications.len()),
            Some(ClaimDetail::Institutional(d)) => d
                .lines
                .last()
                .map_or(0, |l| l.other_payer_adjudications.len()),
            _ => 0,
        }
    }

    /// Runs `f` on the current line's extras and adjudications.
    fn with_line(&mut self, f: impl FnOnce(&mut Vec<RawSegment>, &mut Vec<LineAdjudication>)) {
        match self.claim().map(|c| &mut c.detail) {
            Some(ClaimDetail::Professional(p)) => {
                if let Some(l) = p.lines.last_mut() {
                    f(&mut l.extra, &mut l.other_payer_adjudications);
                }
            }
            Some(ClaimDetail::Institutional(d)) => {
                if let Some(l) = d.lines.last_mut() {
                    f(&mut l.extra, &mut l.other_payer_adjudications);
                }
            }
            _ => {}
        }
    }
}
