//! Service lines (2400: LX, SV1, SV2, DTP, REF) and their drug (2410: LIN, CTP).

use medbill_claim::{
    ClaimDetail, ClaimError, Coded, DiagnosisPointers, Drug, InstitutionalLine, Modifiers,
    ProfessionalLine, RawSegment,
};
use medbill_codes::{CodeSystem, ProcedureCode};

use super::claim::has_trailing_separator;
use super::{ClaimForm, R837, blank_institutional_line, blank_professional_line, empty_code, raw};
use crate::typed::parse_date;
use crate::typed::walk::{Fields, template, trim};

/// Where an SV1 kept as a template gets the model's values: the procedure code and its
/// modifiers, the unit basis and the place of service. Amounts and pointers are kept as sent
/// and written back while the model agrees with them.
const SV1_BLANKS: &[(usize, usize)] = &[(1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (3, 0), (5, 0)];
/// The same for an SV2: revenue code, procedure and modifiers, unit basis.
const SV2_BLANKS: &[(usize, usize)] = &[(1, 0), (2, 2), (2, 3), (2, 4), (2, 5), (2, 6), (4, 0)];

impl R837<'_> {
    pub(super) fn line_count(&mut self) -> usize {
        self.claim().map_or(0, |c| c.line_count())
    }

    pub(super) fn cur_line_p(&mut self) -> Option<&mut ProfessionalLine> {
        match &mut self.claim()?.detail {
            ClaimDetail::Professional(p) => p.lines.last_mut(),
            _ => None,
        }
    }

    fn cur_line_i(&mut self) -> Option<&mut InstitutionalLine> {
        match &mut self.claim()?.detail {
            ClaimDetail::Institutional(d) => d.lines.last_mut(),
            _ => None,
        }
    }

    pub(super) fn line(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        if l == "2400" && id == "LX" {
            self.lx(f);
            return;
        }
        if self.line_count() == 0 {
            self.push_claim_extra(raw(l, f));
            return;
        }
        let q = trim(f.el(1));
        let institutional = self.form == ClaimForm::Institutional;
        match (l, id) {
            ("2400", "SV1") if !institutional && !self.line_read() => self.sv1(f),
            ("2400", "SV2") if institutional && !self.line_read() => self.sv2(f),
            ("2400", "DTP") if q == "472" && self.line_date().is_none() => self.dtp472(f),
            ("2400", "REF") if q == "6R" && f.len() == 2 && self.line_control().is_none() => {
                let v = super::opt(f.el(2));
                self.set_line_control(v);
            }
            ("2410", "LIN") if trim(f.el(2)) == "N4" && self.state.drug_segments.is_empty() => {
                let ndc = super::opt(f.el(3));
                self.state.drug_ndc = ndc;
                self.state.drug_segments.push(f.canonical());
                if f.has(1) || f.len() != 3 {
                    self.state.drug_ndc = None;
                }
            }
            ("2410", "CTP") if self.state.drug_segments.len() == 1 => {
                let n = self.line_count() - 1;
                let (qty, plain) = self.amount(f, 4, || format!("lines[{n}].drug.quantity"));
                let unit = self.coded(f, 5, 1, trim(f.comp(5, 1)), || {
                    format!("lines[{n}].drug.unit")
                });
                let usual =
                    plain && (1..=3).all(|k| !f.has(k)) && f.len() == 5 && !f.has_after(5, 1);
                self.state.drug_quantity = qty.filter(|_| usual);
                self.state.drug_unit = usual.then_some(unit);
                self.state.drug_segments.push(f.canonical());
            }
            (l2, _) if l2.starts_with("2420") => self.line_provider(l2, f),
            ("2430", _) => self.line_adjudication(f),
            ("2440", _) => {
                // Form identification loops repeat, each opened by an LQ: numbered so that
                // each is written back with its own FRMs.
                if id == "LQ" {
                    self.state.forms += 1;
                }
                let loop_id =
                    super::other_loop("2440", self.state.forms.saturating_sub(1) as usize);
                self.push_line_extra(RawSegment::new(loop_id, f.canonical()));
            }
            (l2, _) => self.push_line_extra(RawSegment::new(l2, f.canonical())),
        }
    }

    fn lx(&mut self, f: &Fields<'_>) {
        self.finish_line();
        let n = self.line_count();
        self.note_at(f, 0, 0, || format!("lines[{n}]"));
        self.state.service_read = false;
        self.state.line_provider_role = None;
        self.state.forms = 0;
        self.state.line_open = true;
        self.state.line_at = super::Loc {
            byte: f.segment().offset(),
            index: f.index,
        };
        let n = self.line_count();
        let expected = n + 1;
        let sent = trim(f.el(1));
        // Unusual unless exactly the number the writer writes (no sign, no leading zero).
        let canonical = !sent.starts_with(['0', '+']) && sent.parse::<usize>() == Ok(expected);
        let unusual = !canonical || f.len() != 1;
        match self.form {
            ClaimForm::Institutional => {
                let proto = self
                    .inst_line_proto
                    .get_or_insert_with(blank_institutional_line)
                    .clone();
                if let Some(c) = self.claim()
                    && let ClaimDetail::Institutional(d) = &mut c.detail
                {
                    d.lines.push(proto);
                }
            }
            _ => {
                if let Some(c) = self.claims.last_mut()
                    && let ClaimDetail::Professional(p) = &mut c.detail
                {
                    p.lines.push(blank_professional_line());
                }
            }
        }
        if unusual {
            // LX01 is the line number the writer counts: another one is kept as read.
            self.push_line_extra(template("2400/LX", f, &[]));
        }
    }

    /// Whether the current line has had its SV1 or SV2.
    fn line_read(&self) -> bool {
        self.state.service_read
    }

    fn line_date(&mut self) -> Option<chrono::NaiveDate> {
        match &self.claim()?.detail {
            ClaimDetail::Professional(p) => p.lines.last()?.service_date,
            ClaimDetail::Institutional(d) => d.lines.last()?.service_date,
            _ => None,
        }
    }

    fn line_control(&mut self) -> Option<&String> {
        match &self.claims.last()?.detail {
            ClaimDetail::Professional(p) => p.lines.last()?.line_control_number.as_ref(),
            ClaimDetail::Institutional(d) => d.lines.last()?.line_control_number.as_ref(),
            _ => None,
        }
    }

    fn set_line_control(&mut self, v: Option<String>) {
        if let Some(line) = self.cur_line_p() {
            line.line_control_number = v;
        } else if let Some(line) = self.cur_line_i() {
            line.line_control_number = v;
        }
    }

    /// A procedure composite (`HC:99213:25:59`) at element `n`, as sent.
    fn procedure(
        &mut self,
        f: &Fields<'_>,
        n: usize,
        composite: &[&str; 6],
        line: usize,
    ) -> (Coded<ProcedureCode>, Modifiers, bool) {
        let code = trim(composite[1]);
        let procedure = self.coded(f, n, 2, code, || format!("lines[{line}].procedure"));
        // At most four (the composite's components 3 to 6): the list holds them all. An
        // empty one between others cannot be told from a gap: the segment is kept.
        let mut modifiers = Modifiers::new();
        let mut gap = false;
        for (k, m) in composite[2..].iter().enumerate() {
            let m = trim(m);
            if m.is_empty() {
                gap = true;
                continue;
            }
            if gap {
                return (procedure, modifiers, false);
            }
            let j = modifiers.len();
            let coded = self.coded(f, n, 3 + k, m, || format!("lines[{line}].modifiers[{j}]"));
            modifiers.push(coded);
        }
        (procedure, modifiers, true)
    }

    fn sv1(&mut self, f: &Fields<'_>) {
        self.state.service_read = true;
        let i = self.line_count() - 1;
        let (composite, more) = f.components::<6>(1);
        let (procedure, modifiers, packed) = self.procedure(f, 1, &composite, i);
        let (charge, plain_charge) = self.amount(f, 2, || format!("lines[{i}].charge"));
        let (units, plain_units) = self.amount(f, 4, || format!("lines[{i}].units"));
        if charge.is_none() {
            let at = self.at(f, 2, 0);
            self.report(ClaimError::missing(format!("lines[{i}].charge")), at, None);
        }
        if units.is_none() {
            let at = self.at(f, 4, 0);
            self.report(ClaimError::missing(format!("lines[{i}].units")), at, None);
        }
        let basis = self.coded(f, 3, 0, trim(f.el(3)), || format!("lines[{i}].unit_basis"));
        let pos = match trim(f.el(5)) {
            "" => None,
            p => Some(self.coded(f, 5, 0, p, || format!("lines[{i}].place_of_service"))),
        };
        // Kept as sent, even pointing past the diagnoses or at none (the scrubber's
        // DX.POINTER); more than four are counted, not kept.
        let mut pointers = DiagnosisPointers::new();
        let mut pointers_plain = true;
        for (k, p) in f.comps(7).enumerate() {
            let p = trim(p);
            if p.is_empty() {
                pointers_plain = false;
                continue;
            }
            let j = pointers.len();
            self.note_at(f, 7, k + 1, || {
                format!("lines[{i}].diagnosis_pointers[{j}]")
            });
            match p.parse::<u8>() {
                Ok(v)
                    if p.len() <= 2
                        && (p == "0" || !p.starts_with('0'))
                        && pointers.given() < 4 =>
                {
                    pointers.push(v)
                }
                _ => {
                    pointers_plain = false;
                    let at = self.at(f, 7, k + 1);
                    self.report(
                        ClaimError::invalid(
                            format!("lines[{i}].diagnosis_pointers[{k}]"),
                            "not a pointer 1 to 12",
                        ),
                        at,
                        Some(p),
                    );
                }
            }
        }
        if pointers.given() > 4 || !f.has(7) {
            pointers_plain = pointers_plain && f.has(7);
        }
        let unmodelled = trim(composite[0]) != "HC"
            || composite[0].len() != 2
            || more
            || !packed
            || !plain_charge
            || !plain_units
            || charge.is_none()
            || units.is_none()
            || f.has(6)
            || !pointers_plain
            || pointers.given() > 4
            || f.has_any(8, 21)
            || f.len() > 21
            || has_trailing_separator(f);
        let Some(line) = self.cur_line_p() else {
            return;
        };
        line.procedure = procedure;
        line.modifiers = modifiers;
        line.charge = charge.unwrap_or_default();
        line.units = units.unwrap_or_default();
        line.unit_basis = basis;
        line.place_of_service = pos;
        line.diagnosis_pointers = pointers;
        if unmodelled {
            line.extra.push(template("2400/SV1", f, SV1_BLANKS));
        }
    }

    fn sv2(&mut self, f: &Fields<'_>) {
        self.state.service_read = true;
        let i = self.line_count() - 1;
        let rev = self.coded(f, 1, 0, trim(f.el(1)), || {
            format!("lines[{i}].revenue_code")
        });
        let (composite, more) = f.components::<6>(2);
        let (procedure, modifiers, packed) = if trim(f.el(2)).is_empty() {
            (None, Modifiers::new(), true)
        } else {
            let (p, m, packed) = self.procedure(f, 2, &composite, i);
            (Some(p), m, packed)
        };
        let (charge, plain_charge) = self.amount(f, 3, || format!("lines[{i}].charge"));
        let (units, plain_units) = self.amount(f, 5, || format!("lines[{i}].units"));
        let (non_covered, plain_nc) =
            self.amount(f, 7, || format!("lines[{i}].non_covered_charge"));
        if charge.is_none() {
            let at = self.at(f, 3, 0);
            self.report(ClaimError::missing(format!("lines[{i}].charge")), at, None);
        }
        if units.is_none() {
            let at = self.at(f, 5, 0);
            self.report(ClaimError::missing(format!("lines[{i}].units")), at, None);
        }
        let basis = self.coded(f, 4, 0, trim(f.el(4)), || format!("lines[{i}].unit_basis"));
        let unmodelled = (procedure.is_some()
            && (trim(composite[0]) != "HC" || composite[0].len() != 2))
            || more
            || !packed
            || !plain_charge
            || !plain_units
            || !plain_nc
            || charge.is_none()
            || units.is_none()
            || f.has(6)
            || f.has_any(8, 10)
            || f.len() > 10
            || has_trailing_separator(f);
        let Some(line) = self.cur_line_i() else {
            return;
        };
        line.revenue_code = rev;
        line.procedure = procedure;
        line.modifiers = modifiers;
        line.charge = charge.unwrap_or_default();
        line.units = units.unwrap_or_default();
        line.unit_basis = basis;
        line.non_covered_charge = non_covered;
        if unmodelled {
            line.extra.push(template("2400/SV2", f, SV2_BLANKS));
        }
    }

    /// DTP*472, the line's date of service (D8) or range (RD8).
    fn dtp472(&mut self, f: &Fields<'_>) {
        let i = self.line_count() - 1;
        let v = trim(f.el(3));
        let rd8 = trim(f.el(2)) == "RD8";
        let (a, b) = if rd8 {
            v.split_once('-').unwrap_or((v, ""))
        } else {
            (v, "")
        };
        let start = parse_date(a);
        let end = if b.is_empty() { None } else { parse_date(b) };
        let institutional = self.form == ClaimForm::Institutional;
        self.note_at(f, 3, 0, || format!("lines[{i}].service_date"));
        if start.is_none()
            || (!b.is_empty() && end.is_none())
            || !matches!(trim(f.el(2)), "D8" | "RD8")
        {
            let at = self.at(f, 3, 0);
            self.report(
                ClaimError::NotADate {
                    field: format!("lines[{i}].service_date"),
                },
                at,
                None,
            );
            // Not a date the model holds: kept as read.
            self.push_line_extra(raw("2400", f));
            return;
        }
        // A range the model does not hold as such (one day as a range, any range on an
        // institutional line), or another spelling: kept as read.
        let kept = (end.is_some() && (end == start || institutional))
            || f.len() != 3
            || (rd8 && end.is_none())
            || v.len() != if rd8 { 17 } else { 8 };
        let end = end.filter(|e| Some(*e) != start);
        match self.claim().map(|c| &mut c.detail) {
            Some(ClaimDetail::Professional(p)) => {
                if let Some(line) = p.lines.last_mut() {
                    line.service_date = start;
                    line.service_end = end;
                    if kept {
                        line.extra.push(RawSegment::new("2400/DTP", f.canonical()));
                    }
                }
            }
            Some(ClaimDetail::Institutional(d)) => {
                if let Some(line) = d.lines.last_mut() {
                    line.service_date = start;
                    if kept {
                        line.extra.push(RawSegment::new("2400/DTP", f.canonical()));
                    }
                }
            }
            _ => {}
        }
    }

    /// Settles the current line's drug: a LIN and a CTP of the usual shape make one; anything
    /// else is kept raw, first in the line's extras (dropped, the 2410 loop they opened
    /// would not be written back, and the segments after them would move to loop 2400).
    pub(super) fn finish_line(&mut self) {
        if std::mem::take(&mut self.state.line_open) && !self.state.service_read {
            // No SV1 or SV2: the placeholder code becomes what was sent, nothing, and the
            // line says so.
            let field = match self.claim().map(|c| &mut c.detail) {
                Some(ClaimDetail::Professional(p)) => p.lines.last_mut().map(|line| {
                    line.procedure = empty_code(CodeSystem::Procedure);
                    "procedure"
                }),
                Some(ClaimDetail::Institutional(d)) => d.lines.last_mut().map(|line| {
                    line.revenue_code = empty_code(CodeSystem::RevenueCode);
                    "revenue_code"
                }),
                _ => None,
            };
            if let Some(field) = field {
                let i = self.line_count() - 1;
                let at = super::located(self.set.first_segment_index(), self.state.line_at, "LX");
                self.report(ClaimError::missing(format!("lines[{i}].{field}")), at, None);
            }
        }
        if self.state.drug_segments.is_empty() {
            return;
        }
        let segments = std::mem::take(&mut self.state.drug_segments);
        let ndc = self.state.drug_ndc.take();
        let quantity = self.state.drug_quantity.take();
        let unit = self.state.drug_unit.take();
        let drug = match (ndc, quantity, unit, segments.len()) {
            (Some(ndc), Some(quantity), Some(unit), 2) => Some(Box::new(Drug {
                ndc,
                quantity,
                unit,
            })),
            _ => None,
        };
        let kept: Vec<RawSegment> = if drug.is_some() {
            Vec::new()
        } else {
            segments
                .iter()
                .map(|t| RawSegment::new("2410", t.clone()))
                .collect()
        };
        let mut buffer = segments;
        buffer.clear();
        self.state.drug_segments = buffer;
        match self.claim().map(|c| &mut c.detail) {
            Some(ClaimDetail::Professional(p)) => {
                if let Some(line) = p.lines.last_mut() {
                    line.drug = drug;
                    line.extra.splice(0..0, kept);
                }
            }
            Some(ClaimDetail::Institutional(d)) => {
                if let Some(line) = d.lines.last_mut() {
                    line.drug = drug;
                    line.extra.splice(0..0, kept);
                }
            }
            _ => {}
        }
    }
}
