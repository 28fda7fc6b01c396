//! The hierarchical levels: billing provider (2000A, 2010AA, 2010AB), subscriber (2000B,
//! 2010BA, 2010BB) and patient (2000C, 2010CA), and how a finished claim takes them.

use chrono::NaiveDate;
use medbill_claim::{
    Address, BillingProvider, ClaimError, Coded, Patient, PayTo, Payer, PersonName, Phi, Provider,
    Relationship, Sex, Shared, Subscriber, Text,
};
use medbill_codes::{CodeError, CodeSystem, Npi};

use super::{Bill, Closing, Handoff, Level, LevelHl, Pat, R837, Seen, Sub, empty_code, raw};
use crate::typed::walk::{Fields, template, trim};

/// A billing provider with nothing read yet: an organization, no NPI, no name, no address.
pub(super) fn blank_billing_provider() -> BillingProvider {
    BillingProvider {
        provider: Provider {
            npi: None,
            name: PersonName::default(),
            organization: true,
            taxonomy: None,
            secondary_ids: Vec::new(),
        },
        tin: Phi::new(String::new()),
        tin_is_ssn: false,
        address: Address::default(),
    }
}

/// Whether `s` is the number `n` as the writer writes it (no sign, no leading zero).
fn is_number(s: &str, n: u32) -> bool {
    let t = trim(s);
    t.len() == s.len() && !t.starts_with('0') && t.parse::<u32>() == Ok(n)
}

/// The template id of a level's HL.
fn hl_template(level: &str) -> &'static str {
    match level {
        "20" => "2000A/HL",
        "22" => "2000B/HL",
        _ => "2000C/HL",
    }
}

/// `value` moved out when `moving`, else cloned.
fn take_or_clone<T: Clone + Default>(value: &mut T, moving: bool) -> T {
    if moving {
        std::mem::take(value)
    } else {
        value.clone()
    }
}

pub(super) fn person_name(f: &Fields<'_>) -> PersonName {
    PersonName {
        last: text(f.el(3)),
        first: opt_text(f.el(4)),
        middle: opt_text(f.el(5)),
        suffix: opt_text(f.el(7)),
    }
}

pub(super) fn text(s: &str) -> Text {
    Text::from(trim(s))
}

pub(super) fn opt_text(s: &str) -> Option<Text> {
    let t = trim(s);
    (!t.is_empty()).then(|| Text::from(t))
}

/// Street lines (N301, N302).
pub(super) fn n3(f: &Fields<'_>) -> Vec<Text> {
    let (a, b) = (trim(f.el(1)), trim(f.el(2)));
    // Sized exactly: collected, one street line took room for four.
    let mut lines = Vec::with_capacity(usize::from(!a.is_empty()) + usize::from(!b.is_empty()));
    for line in [a, b] {
        if !line.is_empty() {
            lines.push(Text::from(line));
        }
    }
    lines
}

/// City, state, postal code and country (N401 to N404).
pub(super) fn n4(f: &Fields<'_>, a: &mut Address) {
    a.city = text(f.el(1));
    a.state = text(f.el(2));
    a.postal_code = text(f.el(3));
    a.country = opt_text(f.el(4));
}

/// Whether an N3 or N4 holds what the model does not (an empty first street line before a
/// second, N405 to N407): such a segment is kept as a template.
pub(super) fn address_unmodelled(f: &Fields<'_>) -> bool {
    match f.id() {
        "N3" => (!f.has(1) && f.has(2)) || f.len() > 2,
        _ => f.len() > 4,
    }
}

/// The blanks of an address template: the positions the model holds.
pub(super) fn address_blanks(f: &Fields<'_>) -> &'static [(usize, usize)] {
    match f.id() {
        "N3" => &[],
        _ => &[(1, 0), (2, 0), (3, 0), (4, 0)],
    }
}

/// Whether a provider NM1 (`NM1*qq*1|2*last*first*middle**suffix*XX*npi`) holds what the
/// writer would not write back from the model: then it is kept as a template.
pub(super) fn provider_nm1_unmodelled(f: &Fields<'_>) -> bool {
    !matches!(trim(f.el(2)), "1" | "2")
        || f.has(6)
        || f.len() > 9
        || (f.has(9) && trim(f.el(8)) != "XX")
        || (!f.has(9) && f.has(8))
}

/// The positions of a provider NM1 the model holds.
pub(super) fn provider_nm1_blanks(f: &Fields<'_>) -> &'static [(usize, usize)] {
    if trim(f.el(8)) == "XX" {
        &[(3, 0), (4, 0), (5, 0), (7, 0), (9, 0)]
    } else {
        &[(3, 0), (4, 0), (5, 0), (7, 0)]
    }
}

impl R837<'_> {
    /// A provider from its NM1: the NPI (NM108 `XX`) as sent, reported on `level` (or on the
    /// open claim) when it is not a valid one.
    pub(super) fn provider(
        &mut self,
        f: &Fields<'_>,
        level: Option<Level>,
        field: &str,
    ) -> Provider {
        let id = trim(f.el(9));
        if level.is_none() {
            self.note_at(f, 9, 0, || field.to_owned());
        }
        let npi = if trim(f.el(8)) == "XX" && !id.is_empty() {
            let coded: Coded<Npi> = Coded::parse(id);
            if let Coded::Invalid(u) = &coded {
                let at = self.at(f, 9, 0);
                let e = ClaimError::code(field, u.reason().clone());
                match level {
                    Some(level) => self.report_level(level, e, at, Some(u.text())),
                    None => self.report(e, at, Some(u.text())),
                }
            }
            Some(coded)
        } else {
            None
        };
        Provider {
            npi,
            name: person_name(f),
            organization: trim(f.el(2)) == "2",
            taxonomy: None,
            secondary_ids: Vec::new(),
        }
    }

    pub(super) fn hl(&mut self, f: &Fields<'_>) {
        // The levels this HL closes are dropped right after the open claim is finished, so
        // the claim may take their values instead of copying them.
        let level = trim(f.el(3));
        self.handoff = match level {
            "20" => Handoff::Billing,
            "22" => Handoff::Subscriber,
            _ => Handoff::Patient,
        };
        self.finish_claim();
        self.handoff = Handoff::None;
        let closing = match level {
            "20" => Closing::All,
            "22" => Closing::Subscriber,
            _ => Closing::Patient,
        };
        self.close_levels(closing, f.index);
        match level {
            "20" => {
                self.bill = Bill::default();
                self.sub = Sub::default();
                self.pat = Pat::default();
            }
            "22" => {
                self.sub = Sub::default();
                self.pat = Pat::default();
            }
            _ => self.pat = Pat::default(),
        }
        // The writer numbers HLs 1, 2, 3... in order, each pointing at its parent, and
        // derives HL04 from the levels below: an HL that says otherwise is kept as read.
        self.hl_count += 1;
        let n = self.hl_count;
        let (parent, child) = match level {
            "20" => (None, Some(true)),
            "22" => (Some(self.bill_hl), None),
            _ => (Some(self.sub_hl), Some(false)),
        };
        match level {
            "20" => self.bill_hl = n,
            "22" => self.sub_hl = n,
            _ => {}
        }
        if level != "20" {
            // A level under one that said it has none below it (HL04 `0`), or whose HL02 names
            // another than the level it is read under: its claims may hold another level's
            // values, and say so.
            let (enclosing, said_child, at_level) = if level == "22" {
                (&self.bill_sent_id, self.bill.hl.child, Level::Sub)
            } else {
                (&self.sub_sent_id, self.sub.hl.child, Level::Pat)
            };
            let sent_parent = trim(f.el(2));
            let reason = if sent_parent != enclosing.as_str() {
                Some(format!(
                    "HL02 {sent_parent:?} names no level read before it (the enclosing level is {:?})",
                    enclosing.as_str()
                ))
            } else if said_child == Some(false) {
                Some("the enclosing level's HL04 said it has no level below it".to_owned())
            } else {
                None
            };
            if let Some(reason) = reason {
                let at = self.at(f, 2, 0);
                self.report_level(at_level, ClaimError::invalid("hierarchy", reason), at, None);
            }
        }
        match level {
            "20" => self.bill_sent_id = Text::from(trim(f.el(1))),
            "22" => self.sub_sent_id = Text::from(trim(f.el(1))),
            _ => {}
        }
        let id_ok = is_number(f.el(1), n);
        let parent_ok = match parent {
            None => !f.has(2),
            Some(p) => is_number(f.el(2), p),
        };
        let sent_child = trim(f.el(4));
        let child_ok =
            matches!(sent_child, "0" | "1") && child.is_none_or(|c| (sent_child == "1") == c);
        let usual = id_ok
            && parent_ok
            && child_ok
            && f.len() == 4
            && matches!(level, "20" | "22" | "23")
            && !super::claim::has_trailing_separator(f);
        let t = (!usual).then(|| {
            let blanks: &[(usize, usize)] = match (id_ok, parent_ok) {
                (true, true) => &[(1, 0), (2, 0)],
                (true, false) => &[(1, 0)],
                (false, true) => &[(2, 0)],
                (false, false) => &[],
            };
            template(hl_template(level), f, blanks)
        });
        if !matches!(level, "20" | "22" | "23") {
            // Read as a patient level, which it may not be: the claims of the subscriber
            // level it is in say so (a patient level of its own would lose it at the next HL).
            let at = self.at(f, 3, 0);
            let system = CodeSystem::X12List("hierarchical level code (HL03: 20, 22, 23)");
            let error = if level.is_empty() {
                CodeError::Empty { system }
            } else {
                CodeError::Unknown {
                    system,
                    code: level.to_owned(),
                }
            };
            self.report_level(
                Level::Sub,
                ClaimError::code("hierarchy", error),
                at.clone(),
                Some(level),
            );
            self.broken_hl = Some(at);
        } else if level != "23" {
            self.broken_hl = None;
        }
        let hl = LevelHl {
            template: t,
            child: Some(sent_child == "1"),
            claims: 0,
            unreadable: 0,
            start: f.index,
        };
        match level {
            "20" => self.bill.hl = hl,
            "22" => self.sub.hl = hl,
            _ => self.pat.hl = hl,
        }
    }

    pub(super) fn billing(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        match (l, id) {
            (_, "HL") => self.hl(f),
            ("2000A", "PRV")
                if trim(f.el(1)) == "BI"
                    && trim(f.el(2)) == "PXC"
                    && f.len() == 3
                    && self.bill_provider().provider.taxonomy.is_none() =>
            {
                let tax = super::opt(f.el(3));
                self.bill_provider().provider.taxonomy = tax;
            }
            ("2010AA", "NM1")
                if self
                    .bill
                    .provider
                    .as_ref()
                    .is_none_or(|b| b.provider.name.last.is_empty()) =>
            {
                let taxonomy = self
                    .bill
                    .provider
                    .as_ref()
                    .and_then(|b| b.provider.taxonomy.clone());
                let mut p = self.provider(f, Some(Level::Bill), "billing_provider.npi");
                p.taxonomy = taxonomy;
                if provider_nm1_unmodelled(f) {
                    self.bill
                        .extra
                        .push(template("2010AA/NM1", f, provider_nm1_blanks(f)));
                }
                self.bill_provider().provider = p;
            }
            ("2010AA", "N3" | "N4")
                if self
                    .bill
                    .seen
                    .first(if id == "N3" { Seen::N3 } else { Seen::N4 }) =>
            {
                if address_unmodelled(f) {
                    self.bill
                        .extra
                        .push(template(format!("2010AA/{id}"), f, address_blanks(f)));
                }
                if id == "N3" {
                    let lines = n3(f);
                    self.bill_provider().address.lines = lines;
                } else {
                    n4(f, &mut self.bill_provider().address);
                }
            }
            ("2010AA", "REF")
                if matches!(trim(f.el(1)), "EI" | "SY")
                    && f.len() <= 2
                    && self
                        .bill
                        .provider
                        .as_ref()
                        .is_none_or(|b| b.tin.reveal().is_empty()) =>
            {
                let b = self.bill_provider();
                b.tin = Phi::new(trim(f.el(2)).to_owned());
                b.tin_is_ssn = trim(f.el(1)) == "SY";
            }
            ("2010AA", "REF") if matches!(trim(f.el(1)), "0B" | "1G") && f.len() <= 2 => {
                let pair = (trim(f.el(1)).to_owned(), trim(f.el(2)).to_owned());
                self.bill_provider().provider.secondary_ids.push(pair);
            }
            ("2010AB", "NM1")
                if trim(f.el(1)) == "87"
                    && trim(f.el(2)) == "2"
                    && f.len() <= 2
                    && self.bill.seen.first(Seen::PAY_TO_NM1) =>
            {
                self.bill.pay_to = Some(Box::new(PayTo {
                    address: Address::default(),
                    name: None,
                }));
            }
            ("2010AB", "N3" | "N4")
                if self.bill.pay_to.is_some()
                    && !address_unmodelled(f)
                    && self.bill.seen.first(if id == "N3" {
                        Seen::PAY_TO_N3
                    } else {
                        Seen::PAY_TO_N4
                    }) =>
            {
                if let Some(p) = &mut self.bill.pay_to {
                    if id == "N3" {
                        p.address.lines = n3(f);
                    } else {
                        n4(f, &mut p.address);
                    }
                }
            }
            _ => self.bill.extra.push(raw(l, f)),
        }
    }

    fn bill_provider(&mut self) -> &mut BillingProvider {
        // Copied on write only when a claim already holds the provider (a segment of the
        // level after its claims).
        self.bill
            .provider
            .get_or_insert_with(|| Shared::new(blank_billing_provider()))
    }

    pub(super) fn subscriber(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        match (l, id) {
            (_, "HL") => self.hl(f),
            ("2000B", "SBR") if self.sub.sequence.is_none() => {
                let seq = self.level_coded(Level::Sub, f, 1, trim(f.el(1)), || "sequence".into());
                let filing = self.level_coded(Level::Sub, f, 9, trim(f.el(9)), || {
                    "filing_indicator".into()
                });
                self.sub.sequence = Some(seq);
                self.sub.filing = Some(filing);
                let s = self.subscriber_mut();
                s.group_number = opt_text(f.el(3));
                s.group_name = opt_text(f.el(4));
                // SBR02 is `18` (self) exactly when no patient level follows: decided when
                // the level's first claim is finished.
                let rel = trim(f.el(2));
                if (5..9).any(|n| f.has(n))
                    || f.len() != 9
                    || !matches!(rel, "18" | "")
                    || super::claim::has_trailing_separator(f)
                {
                    self.sub.extra.push(template(
                        "2000B/SBR",
                        f,
                        &[(1, 0), (3, 0), (4, 0), (9, 0)],
                    ));
                } else {
                    self.sub.sbr_self = Some(rel == "18");
                }
            }
            ("2010BA", "NM1") if trim(f.el(1)) == "IL" => {
                let name = person_name(f);
                let s = self.subscriber_mut();
                s.name = Phi::new(name);
                s.member_id = Phi::new(text(f.el(9)));
                if person_nm1_unmodelled(f, "MI") {
                    self.sub.extra.push(template(
                        "2010BA/NM1",
                        f,
                        &[(3, 0), (4, 0), (5, 0), (7, 0), (9, 0)],
                    ));
                }
            }
            ("2010BA", "N3" | "N4")
                if self
                    .sub
                    .seen
                    .first(if id == "N3" { Seen::N3 } else { Seen::N4 }) =>
            {
                if address_unmodelled(f) {
                    self.sub
                        .extra
                        .push(template(format!("2010BA/{id}"), f, address_blanks(f)));
                }
                let s = self.subscriber_mut();
                let a = s.address.get_or_insert_default().reveal_mut();
                if id == "N3" {
                    a.lines = n3(f);
                } else {
                    n4(f, a);
                }
            }
            ("2010BA", "DMG") => {
                let (birth, sex) = self.dmg(f, Level::Sub, "subscriber");
                if dmg_unmodelled(f, birth) {
                    self.sub.extra.push(template("2010BA/DMG", f, &[(3, 0)]));
                }
                let s = self.subscriber_mut();
                s.birth_date = birth.map(Phi::new);
                s.sex = sex;
            }
            ("2010BA", "REF") if trim(f.el(1)) == "SY" && f.len() <= 2 => {
                self.subscriber_mut().ssn = Some(Phi::new(text(f.el(2))));
            }
            ("2010BB", "NM1") if trim(f.el(1)) == "PR" && self.sub.payer.is_none() => {
                let (pid, name) = (trim(f.el(9)), trim(f.el(3)));
                // Claims of a file mostly bill a few payers: the last one read is shared
                // when it is the same (two strings fewer per claim).
                let payer = match &self.last_payer {
                    Some(p) if p.id == pid && p.name == name => p.clone(),
                    _ => Shared::new(Payer::new(pid, name)),
                };
                self.last_payer = Some(payer.clone());
                self.sub.payer = Some(payer);
                if trim(f.el(2)) != "2"
                    || (4..=7).any(|n| f.has(n))
                    || trim(f.el(8)) != "PI"
                    || f.len() > 9
                {
                    self.sub
                        .extra
                        .push(template("2010BB/NM1", f, &[(3, 0), (9, 0)]));
                }
            }
            _ => self.sub.extra.push(raw(l, f)),
        }
    }

    fn subscriber_mut(&mut self) -> &mut Subscriber {
        self.sub
            .subscriber
            .get_or_insert_with(|| Subscriber::new(Text::new(), PersonName::default()))
    }

    /// Birth date and sex from a DMG.
    fn dmg(
        &mut self,
        f: &Fields<'_>,
        level: Level,
        who: &str,
    ) -> (Option<NaiveDate>, Option<Coded<Sex>>) {
        let qualifier = trim(f.el(1));
        let birth = if trim(f.el(2)).is_empty() {
            None
        } else if qualifier != "D8" {
            // A date under another format (or none) is not read as one: kept as sent, and
            // said so (the qualifier, not the date, which is PHI).
            let at = self.at(f, 1, 0);
            let system = CodeSystem::X12List("date format qualifier (DMG01, D8)");
            let error = if qualifier.is_empty() {
                CodeError::Empty { system }
            } else {
                CodeError::Unknown {
                    system,
                    code: qualifier.to_owned(),
                }
            };
            self.report_level(
                level,
                ClaimError::code(format!("{who}.birth_date"), error),
                at,
                Some(qualifier),
            );
            None
        } else {
            let d = crate::typed::parse_date(f.el(2));
            if d.is_none() {
                // The date itself is PHI: the problem names the field only.
                let at = self.at(f, 2, 0);
                self.report_level(
                    level,
                    ClaimError::NotADate {
                        field: format!("{who}.birth_date"),
                    },
                    at,
                    None,
                );
            }
            d
        };
        let sex = if trim(f.el(3)).is_empty() {
            None
        } else {
            Some(self.level_coded(level, f, 3, trim(f.el(3)), || format!("{who}.sex")))
        };
        (birth, sex)
    }

    pub(super) fn patient(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        match (l, id) {
            (_, "HL") => self.hl(f),
            ("2000C", "PAT") => {
                let r = self.level_coded(Level::Pat, f, 1, trim(f.el(1)), || {
                    "patient.relationship".into()
                });
                self.patient_mut().relationship = r;
                if (2..10).any(|n| f.has(n)) || f.len() > 9 {
                    self.pat.extra.push(template("2000C/PAT", f, &[(1, 0)]));
                }
            }
            ("2010CA", "NM1") if trim(f.el(1)) == "QC" => {
                let name = person_name(f);
                self.patient_mut().name = Phi::new(name);
                if person_nm1_unmodelled(f, "") {
                    self.pat.extra.push(template(
                        "2010CA/NM1",
                        f,
                        &[(3, 0), (4, 0), (5, 0), (7, 0)],
                    ));
                }
            }
            ("2010CA", "N3" | "N4")
                if self
                    .pat
                    .seen
                    .first(if id == "N3" { Seen::N3 } else { Seen::N4 }) =>
            {
                if address_unmodelled(f) {
                    self.pat
                        .extra
                        .push(template(format!("2010CA/{id}"), f, address_blanks(f)));
                }
                let p = self.patient_mut();
                let a = p.address.get_or_insert_default().reveal_mut();
                if id == "N3" {
                    a.lines = n3(f);
                } else {
                    n4(f, a);
                }
            }
            ("2010CA", "DMG") => {
                let (birth, sex) = self.dmg(f, Level::Pat, "patient");
                if dmg_unmodelled(f, birth) {
                    self.pat.extra.push(template("2010CA/DMG", f, &[(3, 0)]));
                }
                let p = self.patient_mut();
                p.birth_date = birth.map(Phi::new);
                p.sex = sex;
            }
            _ => self.pat.extra.push(raw(l, f)),
        }
    }

    fn patient_mut(&mut self) -> &mut Patient {
        self.pat.patient.get_or_insert_with(|| {
            Box::new(Patient {
                relationship: Coded::Valid(Relationship::Unknown),
                name: Phi::new(PersonName::default()),
                birth_date: None,
                sex: None,
                address: None,
            })
        })
    }

    /// Gives the finished claim its levels: moved when the next HL closes them, copied
    /// otherwise. A level that was never read leaves a blank with a problem.
    pub(super) fn attach_levels(&mut self) {
        let move_bill = self.handoff >= Handoff::Billing;
        let move_sub = self.handoff >= Handoff::Subscriber;
        let move_pat = self.handoff >= Handoff::Patient;
        // Made only for a problem (rare): the CLM's location.
        let (first, at) = (self.set.first_segment_index(), self.state.at);
        let clm = || super::located(first, at, "CLM");
        let billing = take_or_clone(&mut self.bill.provider, move_bill);
        let subscriber = take_or_clone(&mut self.sub.subscriber, move_sub);
        let payer = take_or_clone(&mut self.sub.payer, move_sub);
        let patient = if self.pat.patient.is_some() {
            take_or_clone(&mut self.pat.patient, move_pat)
        } else {
            None
        };
        let sequence = self.sub.sequence.clone();
        let filing = self.sub.filing.clone();
        let mut level_problems: Vec<medbill_claim::Problem> = Vec::new();
        for (problems, moving) in [
            (&mut self.bill.problems, move_bill),
            (&mut self.sub.problems, move_sub),
            (&mut self.pat.problems, move_pat),
        ] {
            if moving {
                level_problems.append(problems);
            } else {
                level_problems.extend(problems.iter().cloned());
            }
        }
        if self.sub.hl.claims == 0
            && let Some(self_) = self.sub.sbr_self
            && self_ == patient.is_some()
        {
            // SBR02 said otherwise than the levels show: kept as sent, for every claim of
            // the level.
            self.sub.extra.push(medbill_claim::RawSegment::new(
                "2000B/SBR",
                format!("SBR**{}*******", if self_ { "18" } else { "" }),
            ));
        }
        let markers = self.level_markers(
            patient.as_deref(),
            billing.as_ref(),
            subscriber.as_ref(),
            payer.as_ref(),
        );
        let extras_len = self.bill.extra.len() + self.sub.extra.len() + self.pat.extra.len();
        let mut extra = Vec::new();
        if extras_len > 0 {
            extra.reserve(extras_len);
            for (level, moving) in [
                (&mut self.bill.extra, move_bill),
                (&mut self.sub.extra, move_sub),
                (&mut self.pat.extra, move_pat),
            ] {
                if moving {
                    extra.append(level);
                } else {
                    extra.extend(level.iter().cloned());
                }
            }
        }
        let pay_to = if self.bill.pay_to.is_some() {
            take_or_clone(&mut self.bill.pay_to, move_bill)
        } else {
            None
        };
        extra.extend(markers);
        self.bill.hl.claims += 1;
        self.sub.hl.claims += 1;
        self.pat.hl.claims += 1;
        let Some(claim) = self.claims.last_mut() else {
            return;
        };
        let mut missing = |field: &str| {
            claim.problems.push(
                medbill_claim::Problem::new(ClaimError::Missing {
                    field: field.to_owned(),
                })
                .at(clm()),
            );
        };
        match billing {
            Some(b) => claim.billing_provider = b,
            None => missing("billing_provider"),
        }
        match subscriber {
            Some(s) => claim.subscriber = s,
            None => missing("subscriber"),
        }
        match payer {
            Some(p) => claim.payer = p,
            None => missing("payer"),
        }
        claim.sequence = sequence.unwrap_or_else(|| {
            empty_code(medbill_codes::CodeSystem::X12List(
                "payer responsibility sequence",
            ))
        });
        claim.filing_indicator = filing.unwrap_or_else(|| {
            empty_code(medbill_codes::CodeSystem::X12List("claim filing indicator"))
        });
        if patient.is_some() {
            claim.patient = patient;
        }
        if pay_to.is_some() {
            claim.pay_to = pay_to;
        }
        if !level_problems.is_empty() {
            // The levels' problems first: they come earlier in the file.
            level_problems.append(&mut claim.problems);
            claim.problems = level_problems;
        }
        if !extra.is_empty() {
            extra.append(&mut claim.extra);
            claim.extra = extra;
        }
    }
}

impl R837<'_> {
    /// The HL templates the level's first claim carries so that its levels are written as
    /// read: each HL kept as read, a subscriber HL whose HL04 did not say what the claims
    /// show, and the HL of a level with the same values as the one before it (the writer
    /// would merge the two otherwise).
    fn level_markers(
        &mut self,
        patient: Option<&Patient>,
        billing: Option<&Shared<BillingProvider>>,
        subscriber: Option<&Subscriber>,
        payer: Option<&Shared<Payer>>,
    ) -> Vec<medbill_claim::RawSegment> {
        let has_patient = patient.is_some();
        let mut out = Vec::new();
        // The claim is already the last in the list: the one before is the previous claim.
        let prev = self
            .claims
            .len()
            .checked_sub(2)
            .and_then(|i| self.claims.get(i));
        let mark = |level: &str, child: bool| {
            medbill_claim::RawSegment::new(
                hl_template(level),
                format!("HL***{level}*{}", if child { "1" } else { "0" }),
            )
        };
        if self.bill.hl.claims == 0 {
            match self.bill.hl.template.take() {
                Some(t) => out.push(t),
                None if self.bill.hl.child.is_some()
                    && prev.is_some_and(|p| Some(&p.billing_provider) == billing) =>
                {
                    out.push(mark("20", true))
                }
                None => {}
            }
        }
        if self.sub.hl.claims == 0 {
            let sent = self.sub.hl.child;
            let repeats = prev.is_some_and(|p| {
                Some(&p.subscriber) == subscriber
                    && Some(&p.payer) == payer
                    && p.patient.is_some() == has_patient
            });
            match self.sub.hl.template.take() {
                Some(t) => out.push(t),
                None if sent.is_some_and(|c| c != has_patient) => {
                    out.push(mark("22", sent == Some(true)))
                }
                None if repeats && sent.is_some() => out.push(mark("22", has_patient)),
                None => {}
            }
        }
        if has_patient && self.pat.hl.claims == 0 {
            match self.pat.hl.template.take() {
                Some(t) => out.push(t),
                None if self.pat.hl.child.is_some()
                    && prev.is_some_and(|p| p.patient.as_deref() == patient) =>
                {
                    out.push(mark("23", false))
                }
                None => {}
            }
        }
        out
    }
}

/// Whether a person NM1 (`NM1*qq*1*last*first*middle**suffix[*id_q*id]`) holds what the
/// writer would not write back: then it is kept as a template.
fn person_nm1_unmodelled(f: &Fields<'_>, id_qualifier: &str) -> bool {
    trim(f.el(2)) != "1"
        || f.has(6)
        || f.len() > 9
        || if id_qualifier.is_empty() {
            f.has(8) || f.has(9)
        } else {
            trim(f.el(8)) != id_qualifier
        }
}

/// Whether a DMG holds what the writer would not write back: a qualifier other than D8, a
/// date that is not one (kept as sent), DMG04 and on.
fn dmg_unmodelled(f: &Fields<'_>, birth: Option<NaiveDate>) -> bool {
    f.len() > 3
        || (f.has(2) && birth.is_none())
        || (f.has(1) && trim(f.el(1)) != "D8")
        || (!f.has(1) && f.has(2))
}
