//! The claim loop (2300): CLM, its dates, CL1, references and HI segments.

use medbill_claim::{
    Accident, Admission, ClaimDetail, ClaimError, Diagnosis, DiagnosisCode, Discharge,
    IcdProcedure, IcdProcedureCode, Occurrence, OccurrenceSpan, RawSegment, Text, ValueCode,
};
use medbill_codes::{CodeError, CodeSystem};

use super::{ClaimForm, ClaimState, Loc, R837, UnreadableReason, opt, raw};
use crate::typed::parse_date;
use crate::typed::walk::{Fields, template, trim};

/// Where a CLM kept as a template gets the model's values: the patient control number, the
/// place of service (or type of bill), the frequency, CLM09 and the accident causes and state.
/// Amounts and the assignment codes are kept as sent and written back while the model agrees
/// with them.
const CLM_BLANKS: &[(usize, usize)] = &[
    (1, 0),
    (5, 1),
    (5, 3),
    (9, 0),
    (11, 1),
    (11, 2),
    (11, 3),
    (11, 4),
];

/// The diagnosis qualifiers of a professional claim's HI: (qualifier, ICD-9, principal).
fn professional_dx(q: &str) -> Option<(bool, bool)> {
    match q {
        "ABK" => Some((false, true)),
        "ABF" => Some((false, false)),
        "BK" => Some((true, true)),
        "BF" => Some((true, false)),
        _ => None,
    }
}

/// Whether `q` is a code list qualifier of an institutional claim's HI segments.
fn institutional_hi_qualifier(q: &str) -> bool {
    matches!(
        q,
        "ABK"
            | "ABJ"
            | "APR"
            | "ABN"
            | "ABF"
            | "BBR"
            | "BBQ"
            | "BK"
            | "BJ"
            | "PR"
            | "BN"
            | "BF"
            | "BR"
            | "BQ"
            | "BH"
            | "BI"
            | "BE"
            | "BG"
            | "DR"
    )
}

impl R837<'_> {
    pub(super) fn claim_segment(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        if id == "CLM" {
            if l == "2300" {
                self.clm(f);
            } else {
                self.start_unreadable(
                    f,
                    UnreadableReason::OutsideClaimLoop {
                        loop_id: l.to_owned(),
                    },
                );
            }
            return;
        }
        if !self.open {
            // A claim-level segment before any CLM: keep it with the subscriber.
            self.sub.extra.push(raw(l, f));
            return;
        }
        match l {
            "2300" => self.claim_header(f),
            _ if l.starts_with("231") => self.claim_provider(l, f),
            _ if l.starts_with("232") || l.starts_with("233") => self.other_payer(l, f),
            _ if l.starts_with("24") => self.line(l, f),
            _ => self.push_claim_extra(raw(l, f)),
        }
    }

    pub(super) fn push_claim_extra(&mut self, r: RawSegment) {
        if let Some(c) = self.claim() {
            c.extra.push(r);
        }
    }

    fn clm(&mut self, f: &Fields<'_>) {
        self.finish_claim();
        // Cloned straight into the vector: a claim is over a kilobyte to move.
        self.prototype();
        if let Some(p) = &self.proto {
            self.claims.extend_from_slice(std::slice::from_ref(p));
        }
        if let Some(l) = &mut self.locations {
            l.push(super::ClaimLocations::default());
        }
        self.open = true;
        self.note_at(f, 1, 0, || "patient_control_number".into());
        let drug_segments = std::mem::take(&mut self.state.drug_segments);
        self.state = ClaimState {
            at: Loc {
                byte: f.segment().offset(),
                index: f.index,
            },
            drug_segments,
            ..ClaimState::default()
        };
        if let Some(hl) = self.broken_hl.clone() {
            let at = self.at(f, 0, 0);
            self.report(
                ClaimError::invalid(
                    "hierarchy",
                    format!(
                        "under a level that could not be read (the HL at segment {}): its values may be another level's",
                        hl.segment
                    ),
                ),
                at,
                None,
            );
        }
        let institutional = self.form == ClaimForm::Institutional;
        let (composite, more5) = f.components::<3>(5);
        let code1 = trim(composite[0]);
        let (total, plain_total) = self.amount(f, 2, || "total_charge".into());
        if total.is_none() {
            let at = self.at(f, 2, 0);
            self.report(ClaimError::missing("total_charge"), at, None);
        }
        let frequency = self.coded(f, 5, 3, trim(composite[2]), || "frequency".into());
        let place = if institutional {
            None
        } else {
            Some(self.coded(f, 5, 1, code1, || "place_of_service".into()))
        };
        let mut causes = Vec::new();
        let (accident, more11) = f.components::<4>(11);
        // A cause after an empty component cannot be written back in its place.
        let mut gap = false;
        for (i, code) in accident[..3].iter().enumerate() {
            let code = trim(code);
            if code.is_empty() {
                continue;
            }
            gap |= i > causes.len();
            let k = causes.len();
            causes.push(self.coded(f, 11, i + 1, code, || format!("accident.causes[{k}]")));
        }
        let pcn = self.patient_control_number(f);
        let (assign, benefits) = (trim(f.el(7)), trim(f.el(8)));
        let unmodelled = !plain_total
            || total.is_none()
            || f.has(3)
            || f.has(4)
            || more5
            || trim(composite[1]) != if institutional { "A" } else { "B" }
            || (if institutional {
                f.has(6)
            } else {
                trim(f.el(6)) != "Y"
            })
            || !matches!(assign, "A" | "C")
            || !matches!(benefits, "Y" | "N")
            || f.has(10)
            || more11
            || gap
            || f.has_any(12, 20)
            || f.len() > 20
            || has_trailing_separator(f);
        let state = super::opt(accident[3]);
        let release = Text::from(trim(f.el(9)));
        let Some(c) = self.claim() else { return };
        c.patient_control_number = pcn;
        c.total_charge = total.unwrap_or_default();
        c.frequency = frequency;
        c.accepts_assignment = !matches!(assign, "B" | "C");
        c.benefits_assigned = !matches!(benefits, "N" | "W");
        c.release_of_information = release;
        if !causes.is_empty() || state.is_some() {
            c.accident = Some(Box::new(Accident {
                causes,
                state,
                date: None,
            }));
        }
        match &mut c.detail {
            ClaimDetail::Professional(p) => {
                if let Some(pos) = place {
                    p.place_of_service = pos;
                }
            }
            ClaimDetail::Institutional(d) => d.type_of_bill = code1.to_owned(),
            _ => {}
        }
        if unmodelled {
            // Elements the claim model does not hold (signature source, special program,
            // delay reason) or values it would write otherwise: the whole CLM is kept, with
            // the model's values filled in when written.
            c.extra.push(template("2300/CLM", f, CLM_BLANKS));
        }
    }

    /// CLM01 as sent: bytes that are not UTF-8 are kept with the replacement character and
    /// reported.
    fn patient_control_number(&mut self, f: &Fields<'_>) -> Text {
        let t = trim(f.el(1));
        if !t.is_empty() {
            return Text::from(t);
        }
        match f.segment().element(1) {
            Some(e) if !e.bytes().is_empty() && e.as_str().is_none() => {
                let at = self.at(f, 1, 0);
                self.report(
                    ClaimError::NotText {
                        field: "patient_control_number".into(),
                    },
                    at,
                    None,
                );
                Text::from(String::from_utf8_lossy(e.bytes()).trim())
            }
            _ => Text::new(),
        }
    }

    fn claim_header(&mut self, f: &Fields<'_>) {
        let id = f.id();
        let q = trim(f.el(1));
        let institutional = self.form == ClaimForm::Institutional;
        match (id, q) {
            ("DTP", "439") if trim(f.el(2)) == "D8" && f.len() == 3 => {
                let d = self.date(f, 3, 0, f.el(3), || "accident.date".into());
                let Some(c) = self.claim() else { return };
                match (d, &mut c.accident) {
                    (Some(d), Some(a)) if a.date.is_none() => a.date = Some(d),
                    (Some(d), None) => {
                        c.accident = Some(Box::new(Accident {
                            causes: Vec::new(),
                            state: None,
                            date: Some(d),
                        }))
                    }
                    _ => c.extra.push(raw("2300", f)),
                }
            }
            ("DTP", "434") if institutional && matches!(trim(f.el(2)), "RD8" | "D8") => {
                let v = trim(f.el(3));
                let rd8 = trim(f.el(2)) == "RD8";
                let (a, b) = if rd8 {
                    v.split_once('-').unwrap_or((v, ""))
                } else {
                    (v, v)
                };
                let dates = (parse_date(a), parse_date(b));
                let seen = self
                    .claim()
                    .and_then(|c| c.institutional_detail())
                    .is_some_and(|d| d.statement_from.is_some());
                match dates {
                    (Some(from), Some(to)) if !seen => {
                        let canonical = rd8 && f.len() == 3 && v.len() == 17;
                        if let Some(c) = self.claim() {
                            if let ClaimDetail::Institutional(d) = &mut c.detail {
                                d.statement_from = Some(from);
                                d.statement_to = Some(to);
                            }
                            if !canonical {
                                // A single D8 date (or other spelling) is the period's both
                                // ends: written back as sent.
                                c.extra.push(template("2300/DTP*434", f, &[]));
                            }
                        }
                    }
                    _ => {
                        if !seen {
                            let at = self.at(f, 3, 0);
                            self.report(
                                ClaimError::NotADate {
                                    field: "statement_from".into(),
                                },
                                at,
                                None,
                            );
                        }
                        self.push_claim_extra(raw("2300", f));
                    }
                }
            }
            ("DTP", "435") if institutional && f.len() == 3 => {
                let v = trim(f.el(3));
                let (date, hour) = match trim(f.el(2)) {
                    "DT" if v.len() == 12 && v.ends_with("00") => (
                        parse_date(&v[..8]),
                        v[8..10].parse::<u8>().ok().filter(|h| *h < 24),
                    ),
                    "D8" => (parse_date(v), None),
                    _ => (None, None),
                };
                match date {
                    Some(d)
                        if (trim(f.el(2)) == "D8" || hour.is_some())
                            && self.state.admission.is_none() =>
                    {
                        self.state.admission = Some((d, hour));
                    }
                    _ => self.push_claim_extra(raw("2300", f)),
                }
            }
            ("DTP", "096") if institutional && trim(f.el(2)) == "TM" && f.len() == 3 => {
                let v = trim(f.el(3));
                match (v.len(), v.get(..2).and_then(|h| h.parse::<u8>().ok())) {
                    (4, Some(h))
                        if v.ends_with("00") && h < 24 && self.state.discharge_hour.is_none() =>
                    {
                        self.state.discharge_hour = Some(h);
                    }
                    _ => self.push_claim_extra(raw("2300", f)),
                }
            }
            ("CL1", _) if institutional && self.state.cl1.is_none() && f.len() <= 3 => {
                self.state.cl1 = Some((
                    trim(f.el(1)).to_owned(),
                    trim(f.el(2)).to_owned(),
                    trim(f.el(3)).to_owned(),
                    f.canonical(),
                ));
            }
            ("REF", "F8" | "G1" | "9F") if f.len() == 2 => {
                let v = opt(f.el(2));
                let Some(c) = self.claim() else { return };
                match q {
                    "F8" if c.original_payer_claim_number.is_none() => {
                        c.original_payer_claim_number = v
                    }
                    "G1" if c.prior_authorization.is_none() => c.prior_authorization = v,
                    "9F" if c.referral_number.is_none() => c.referral_number = v,
                    _ => c.extra.push(raw("2300", f)),
                }
            }
            ("HI", _) => {
                if institutional {
                    self.hi_institutional(f);
                } else {
                    self.hi_professional(f);
                }
            }
            _ => self.push_claim_extra(raw("2300", f)),
        }
    }

    /// A professional claim's HI: diagnoses (`ABK`/`ABF` for ICD-10-CM, `BK`/`BF` for
    /// ICD-9-CM) or condition codes (`BG`).
    ///
    /// The first diagnosis HI is written back from the model when it is the usual shape
    /// (the principal first, then the others, codes only). Any other diagnosis HI is kept as
    /// a template whose codes are filled from the model, in order: a missing principal, a
    /// composite under another qualifier, POA indicators, a second diagnosis HI.
    /// Reports an HI composite (element `n`) under a qualifier the model does not hold: the
    /// composite is kept as sent.
    fn unknown_hi_qualifier(&mut self, f: &Fields<'_>, n: usize, q: &str) {
        let at = self.at(f, n, 1);
        let system = if self.form == ClaimForm::Institutional {
            "institutional HI code list qualifier"
        } else {
            "professional HI code list qualifier"
        };
        self.report(
            ClaimError::code(
                "diagnosis_qualifier",
                CodeError::Unknown {
                    system: CodeSystem::X12List(system),
                    code: q.to_owned(),
                },
            ),
            at,
            Some(q),
        );
    }

    fn hi_professional(&mut self, f: &Fields<'_>) {
        let first = trim(f.comp(1, 1));
        if first == "BG" {
            self.conditions(f);
            return;
        }
        if professional_dx(first).is_none() {
            // Anesthesia procedures (BP, BO) are kept raw; any other list is not one a
            // professional claim sends, and is said so.
            if !matches!(first, "BP" | "BO") {
                self.unknown_hi_qualifier(f, 1, first);
            }
            self.push_claim_extra(raw("2300", f));
            return;
        }
        let mut regular = !self.state.read_diagnoses && !has_trailing_separator(f);
        self.state.read_diagnoses = true;
        for n in 1..=f.len() {
            let (parts, more) = f.components::<2>(n);
            let (q, code) = (trim(parts[0]), trim(parts[1]));
            let Some((icd9, principal)) = professional_dx(q) else {
                // Another qualifier, or an empty element: kept as sent in the template, and
                // a qualifier that is not a diagnosis list is said so.
                regular = false;
                if !q.is_empty() {
                    self.unknown_hi_qualifier(f, n, q);
                }
                continue;
            };
            let index = self
                .claim()
                .and_then(|c| c.professional_detail())
                .map_or(0, |p| p.diagnoses.len());
            if principal != (index == 0) || more || parts[0].len() != q.len() {
                regular = false;
            }
            if index == 0 && !principal {
                let at = self.at(f, n, 1);
                self.report(
                    ClaimError::Missing {
                        field: "principal_diagnosis".into(),
                    },
                    at,
                    Some(q),
                );
            }
            let dx = if icd9 {
                DiagnosisCode::Icd9Cm(self.coded(f, n, 2, code, || format!("diagnoses[{index}]")))
            } else {
                DiagnosisCode::Icd10Cm(self.coded(f, n, 2, code, || format!("diagnoses[{index}]")))
            };
            if let Some(c) = self.claim()
                && let ClaimDetail::Professional(p) = &mut c.detail
            {
                p.diagnoses.push(dx);
            }
        }
        if !regular {
            // The codes the model holds are blanks the writer fills.
            let blanks: Vec<(usize, usize)> = (1..=f.len())
                .filter(|&n| professional_dx(trim(f.comp(n, 1))).is_some())
                .map(|n| (n, 2))
                .collect();
            let t = template("2300/HI", f, &blanks);
            self.push_claim_extra(t);
        }
    }

    /// Condition codes (HI*BG), of either form: kept as sent, written back one HI per twelve.
    fn conditions(&mut self, f: &Fields<'_>) {
        let mut regular = !has_trailing_separator(f);
        let mut codes = Vec::new();
        for n in 1..=f.len() {
            let (parts, more) = f.components::<2>(n);
            if trim(parts[0]) != "BG" || more {
                regular = false;
                continue;
            }
            codes.push(trim(parts[1]).to_owned());
        }
        let Some(c) = self.claim() else { return };
        if regular && c.condition_codes.len() % 12 == 0 {
            c.condition_codes.extend(codes);
        } else {
            // Not the writer's shape: kept whole, the codes out of the model's list.
            c.extra.push(raw("2300", f));
        }
    }

    /// An institutional claim's HI: each composite goes to its field by qualifier. A segment
    /// the writer would not write back as read (two kinds mixed, POA or dates where the
    /// writer puts none, trailing separators) is kept as a template whose codes are filled
    /// from the model.
    fn hi_institutional(&mut self, f: &Fields<'_>) {
        let first = trim(f.comp(1, 1));
        let known = institutional_hi_qualifier(first);
        if !known {
            self.unknown_hi_qualifier(f, 1, first);
            self.push_claim_extra(raw("2300", f));
            return;
        }
        if first == "BG" {
            self.conditions(f);
            return;
        }
        let mut regular = !has_trailing_separator(f);
        let mut blanks = Vec::new();
        for n in 1..=f.len() {
            let (parts, more) = f.components::<9>(n);
            let q = trim(parts[0]);
            let code = trim(parts[1]);
            if q != first || more {
                regular = false;
            }
            let Some(c) = self.claim() else { return };
            let Some(d) = c.institutional_detail() else {
                return;
            };
            let (others, external, reasons, procedures) = (
                d.other_diagnoses.len(),
                d.external_causes.len(),
                d.reason_for_visit.len(),
                usize::from(d.principal_procedure.is_some()) + d.other_procedures.len(),
            );
            let has_principal = d.principal_diagnosis.is_some();
            let has_admitting = d.admitting_diagnosis.is_some();
            let icd9 = matches!(q, "BK" | "BJ" | "PR" | "BN" | "BF" | "BR" | "BQ");
            let coded_list = match q {
                "BH" => Some("occurrences"),
                "BI" => Some("occurrence_spans"),
                "BE" => Some("value_codes"),
                "DR" => Some("drg"),
                _ => None,
            };
            if let Some(list) = coded_list
                && code.is_empty()
            {
                // Kept as sent (an empty code), and said so.
                let at = self.at(f, n, 2);
                self.report(ClaimError::missing(format!("{list}.code")), at, None);
            }
            match q {
                "ABK" | "BK" | "ABF" | "BF" | "ABN" | "BN" => {
                    let field = match q {
                        "ABK" | "BK" if !has_principal => "principal_diagnosis".to_owned(),
                        "ABN" | "BN" => format!("external_causes[{external}]"),
                        _ => format!("other_diagnoses[{others}]"),
                    };
                    // Components 3 to 8 are not used; 9 is the present-on-admission code.
                    if parts[2..8].iter().any(|p| !p.is_empty()) {
                        regular = false;
                    }
                    let code = self.dx(f, n, code, icd9, &field);
                    let poa = match trim(parts[8]) {
                        "" => None,
                        p => Some(self.coded(f, n, 9, p, || format!("{field}.poa"))),
                    };
                    blanks.push((n, 2));
                    let dx = Diagnosis { code, poa };
                    let mut second_principal = false;
                    let Some(d) = self.inst_mut() else { return };
                    match q {
                        "ABK" | "BK" if d.principal_diagnosis.is_none() => {
                            d.principal_diagnosis = Some(dx)
                        }
                        "ABN" | "BN" => d.external_causes.push(dx),
                        // A second principal is kept as an other diagnosis under its own
                        // qualifier, in the template.
                        "ABK" | "BK" => {
                            regular = false;
                            d.other_diagnoses.push(dx);
                            second_principal = true;
                        }
                        _ => d.other_diagnoses.push(dx),
                    }
                    if second_principal {
                        let at = self.at(f, n, 2);
                        self.report(
                            ClaimError::invalid(
                                format!("other_diagnoses[{others}]"),
                                "a second principal diagnosis, kept as an other diagnosis",
                            ),
                            at,
                            None,
                        );
                    }
                }
                "ABJ" | "BJ" if !has_admitting => {
                    if parts[2..].iter().any(|p| !p.is_empty()) {
                        regular = false;
                    }
                    let code = self.dx(f, n, code, icd9, "admitting_diagnosis");
                    blanks.push((n, 2));
                    if let Some(d) = self.inst_mut() {
                        d.admitting_diagnosis = Some(code);
                    }
                }
                "APR" | "PR" => {
                    if parts[2..].iter().any(|p| !p.is_empty()) {
                        regular = false;
                    }
                    let code = self.dx(f, n, code, icd9, &format!("reason_for_visit[{reasons}]"));
                    blanks.push((n, 2));
                    if let Some(d) = self.inst_mut() {
                        d.reason_for_visit.push(code);
                    }
                }
                "BBR" | "BBQ" | "BR" | "BQ" => {
                    let field = if procedures == 0 {
                        "principal_procedure".to_owned()
                    } else {
                        format!("other_procedures[{}]", procedures - 1)
                    };
                    let code = if icd9 {
                        IcdProcedureCode::Icd9Cm(self.coded(f, n, 2, code, || field.clone()))
                    } else {
                        IcdProcedureCode::Icd10Pcs(self.coded(f, n, 2, code, || field.clone()))
                    };
                    let date_text = trim(parts[3]);
                    let date = self.date(f, n, 4, date_text, || format!("{field}.date"));
                    if trim(parts[2]) != "D8"
                        || date.is_none()
                        || parts[4..].iter().any(|p| !p.is_empty())
                    {
                        regular = false;
                    }
                    if (procedures == 0) != matches!(q, "BBR" | "BR") {
                        regular = false;
                    }
                    blanks.push((n, 2));
                    if let Some(d) = self.inst_mut() {
                        let p = IcdProcedure { code, date };
                        if d.principal_procedure.is_none() {
                            d.principal_procedure = Some(p);
                        } else {
                            d.other_procedures.push(p);
                        }
                    }
                }
                "BH" => {
                    let date = self.date(f, n, 4, parts[3], || "occurrences".into());
                    if trim(parts[2]) != "D8"
                        || date.is_none()
                        || parts[4..].iter().any(|p| !p.is_empty())
                    {
                        regular = false;
                    }
                    blanks.push((n, 2));
                    if let Some(d) = self.inst_mut() {
                        d.occurrences.push(Occurrence {
                            code: code.to_owned(),
                            date,
                        });
                    }
                }
                "BI" => {
                    let range = trim(parts[3]);
                    let (a, b) = range.split_once('-').unwrap_or((range, ""));
                    let (from, to) = (parse_date(a), parse_date(b));
                    if from.is_none() || to.is_none() {
                        let at = self.at(f, n, 4);
                        self.report(
                            ClaimError::NotADate {
                                field: "occurrence_spans".into(),
                            },
                            at,
                            None,
                        );
                        regular = false;
                    }
                    if trim(parts[2]) != "RD8" || parts[4..].iter().any(|p| !p.is_empty()) {
                        regular = false;
                    }
                    blanks.push((n, 2));
                    if let Some(d) = self.inst_mut() {
                        d.occurrence_spans.push(OccurrenceSpan {
                            code: code.to_owned(),
                            from,
                            to,
                        });
                    }
                }
                "BE" => {
                    let (amount, plain) =
                        self.amount_text(f, n, 5, trim(parts[4]), || "value_codes".into());
                    if !plain
                        || amount.is_none()
                        || parts[2..4].iter().any(|p| !p.is_empty())
                        || parts[5..].iter().any(|p| !p.is_empty())
                    {
                        regular = false;
                    }
                    blanks.push((n, 2));
                    if let Some(d) = self.inst_mut() {
                        d.value_codes.push(ValueCode {
                            code: code.to_owned(),
                            amount: amount.unwrap_or_default(),
                        });
                    }
                }
                "DR" => {
                    let taken = self
                        .claim()
                        .and_then(|c| c.institutional_detail())
                        .is_some_and(|d| d.drg.is_some());
                    if taken || parts[2..].iter().any(|p| !p.is_empty()) {
                        regular = false;
                        continue;
                    }
                    blanks.push((n, 2));
                    if let Some(d) = self.inst_mut() {
                        d.drg = Some(code.to_owned());
                    }
                }
                _ => {
                    regular = false;
                    // A second admitting diagnosis is kept in the template, as sent, and said
                    // so, as is a qualifier of no list.
                    if matches!(q, "ABJ" | "BJ") {
                        let at = self.at(f, n, 2);
                        self.report(
                            ClaimError::invalid(
                                "admitting_diagnosis",
                                "a second admitting diagnosis, kept as sent",
                            ),
                            at,
                            None,
                        );
                    } else if !q.is_empty() && !institutional_hi_qualifier(q) {
                        self.unknown_hi_qualifier(f, n, q);
                    }
                }
            }
        }
        if !regular {
            let t = template(format!("2300/HI*{first}"), f, &blanks);
            self.push_claim_extra(t);
        }
    }

    fn dx(
        &mut self,
        f: &Fields<'_>,
        n: usize,
        code: &str,
        icd9: bool,
        field: &str,
    ) -> DiagnosisCode {
        if icd9 {
            DiagnosisCode::Icd9Cm(self.coded(f, n, 2, code, || field.to_owned()))
        } else {
            DiagnosisCode::Icd10Cm(self.coded(f, n, 2, code, || field.to_owned()))
        }
    }

    fn inst_mut(&mut self) -> Option<&mut medbill_claim::InstitutionalDetail> {
        match &mut self.claim()?.detail {
            ClaimDetail::Institutional(d) => Some(d),
            _ => None,
        }
    }

    /// What the reader held back for the claim as a whole: admission and discharge parts
    /// that wait for each other, and the principal diagnosis a claim must have.
    pub(super) fn settle_claim_state(&mut self) {
        // Made only for a problem (rare): the CLM's location.
        let (first, at) = (self.set.first_segment_index(), self.state.at);
        let clm = || super::located(first, at, "CLM");
        let admission = self.state.admission.take();
        let discharge_hour = self.state.discharge_hour.take();
        let cl1 = self.state.cl1.take();
        let Some(c) = self.claim() else { return };
        let mut extra = Vec::new();
        match &mut c.detail {
            ClaimDetail::Institutional(d) => {
                let (t, s, st, text) = cl1.unwrap_or_default();
                let codes = !t.is_empty() || !s.is_empty();
                d.admission = admission.map(|(date, hour)| Admission {
                    date,
                    hour,
                    type_code: opt(&t),
                    source_code: opt(&s),
                });
                let kept_cl1 =
                    admission.is_none() && (codes || (!text.is_empty() && st.is_empty()));
                if kept_cl1 {
                    // Admission codes without an admission date: the model cannot hold them.
                    extra.push(RawSegment::new("2300", text));
                }
                d.discharge = None;
                if !st.is_empty() && !kept_cl1 {
                    d.discharge = Some(Discharge {
                        hour: discharge_hour,
                        status_code: st,
                    });
                } else if let Some(h) = discharge_hour {
                    extra.push(RawSegment::new("2300", format!("DTP*096*TM*{h:02}00")));
                }
                if d.principal_diagnosis.is_none()
                    && !c
                        .problems
                        .iter()
                        .any(|p| p.field() == Some("principal_diagnosis"))
                {
                    c.problems.push(
                        medbill_claim::Problem::new(ClaimError::Missing {
                            field: "principal_diagnosis".into(),
                        })
                        .at(clm()),
                    );
                }
            }
            ClaimDetail::Professional(p) if p.diagnoses.is_empty() => {
                c.problems.push(
                    medbill_claim::Problem::new(ClaimError::Missing {
                        field: "principal_diagnosis".into(),
                    })
                    .at(clm()),
                );
            }
            _ => {}
        }
        c.extra.append(&mut extra);
    }
}

pub(super) use crate::typed::walk::has_trailing_separator;
