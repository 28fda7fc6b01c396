//! The header of an 837: BHT, the submitter (1000A) and the receiver (1000B).

use chrono::NaiveDate;
use medbill_claim::RawSegment;
use serde::{Deserialize, Serialize};

use super::{ClaimForm, R837, opt, raw};
use crate::schema::Guide;
use crate::typed::walk::{Fields, canonical_order, template, trim};

/// What an 837 says about the batch rather than any claim: the beginning of the transaction
/// (BHT), the submitter (1000A) and receiver (1000B). A writer needs it; a reader returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubmissionHeader {
    /// Professional or institutional.
    pub form: ClaimForm,
    /// BHT02: `00` original, `18` reissue.
    pub purpose: String,
    /// BHT03: the originator's batch reference.
    pub reference: String,
    /// BHT04 (`None` when the set was read without a usable one: the batch's problems say
    /// why).
    pub created: Option<NaiveDate>,
    /// BHT05, `HHMM` or longer.
    pub created_time: String,
    /// BHT06: `CH` chargeable, `RP` reporting (encounters), `31` subrogation demand.
    pub claim_type: String,
    /// Submitter organisation name or last name (1000A NM103).
    pub submitter_name: String,
    /// Submitter first name, when a person (NM104).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter_first_name: Option<String>,
    /// Submitter id (NM109).
    pub submitter_id: String,
    /// Submitter contact name (PER02).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    /// Submitter contact numbers as (qualifier, number): `("TE", "5555551212")`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contact_numbers: Vec<(String, String)>,
    /// Receiver name (1000B NM103).
    pub receiver_name: String,
    /// Receiver id (NM109).
    pub receiver_id: String,
    /// Header segments the model does not cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<RawSegment>,
}

impl SubmissionHeader {
    /// A header with the usual codes (purpose `00`, type `CH`, time `1200`) and a contact
    /// telephone number.
    pub fn new(
        form: ClaimForm,
        reference: impl Into<String>,
        created: NaiveDate,
        submitter: (&str, &str),
        receiver: (&str, &str),
        contact_phone: &str,
    ) -> SubmissionHeader {
        SubmissionHeader {
            form,
            purpose: "00".into(),
            reference: reference.into(),
            created: Some(created),
            created_time: "1200".into(),
            claim_type: "CH".into(),
            submitter_name: submitter.0.into(),
            submitter_first_name: None,
            submitter_id: submitter.1.into(),
            contact_name: None,
            contact_numbers: vec![("TE".into(), contact_phone.into())],
            receiver_name: receiver.0.into(),
            receiver_id: receiver.1.into(),
            extra: Vec::new(),
        }
    }

    /// The guide version written for this form.
    pub fn guide(&self) -> &'static str {
        match self.form {
            ClaimForm::Institutional => "005010X223A2",
            ClaimForm::Dental => "005010X224A2",
            _ => "005010X222A1",
        }
    }
}

/// A submitter contact as read: PER02 and the (qualifier, number) pairs.
type ContactRead = (Option<String>, Vec<(String, String)>);

/// The header while it is read.
#[derive(Default)]
pub(super) struct HeaderState {
    pub(super) header: Option<SubmissionHeader>,
    pub(super) extra: Vec<RawSegment>,
    submitter: (String, Option<String>, String),
    contact: Option<ContactRead>,
    receiver: (String, String),
    pub(super) saw_per: bool,
    pub(super) trailer: Option<super::SentTrailer>,
}

impl HeaderState {
    /// The header read, or `None` when the set had no BHT.
    pub(super) fn into_header(
        self,
        form: ClaimForm,
        guide: Option<&'static Guide>,
    ) -> Option<SubmissionHeader> {
        let mut h = self.header?;
        h.form = form;
        h.submitter_name = self.submitter.0;
        h.submitter_first_name = self.submitter.1;
        h.submitter_id = self.submitter.2;
        if let Some((name, numbers)) = self.contact {
            h.contact_name = name;
            h.contact_numbers = numbers;
        }
        h.receiver_name = self.receiver.0;
        h.receiver_id = self.receiver.1;
        h.extra = self.extra;
        if let Some(g) = guide {
            canonical_order(g, &mut h.extra);
        }
        Some(h)
    }
}

impl R837<'_> {
    pub(super) fn header_segment(&mut self, l: &'static str, f: &Fields<'_>) {
        let id = f.id();
        match (l, id) {
            ("", "ST") => {}
            ("", "SE") => self.head.trailer = super::SentTrailer::unusual(self.set, f),
            ("", "BHT") if self.head.header.is_none() => {
                let created = self.date(f, 4, 0, f.el(4), || "header.created".into());
                if trim(f.el(1)) != "0019" || f.len() > 6 || (created.is_none() && f.has(4)) {
                    // Kept whole: what the model does not hold is written back as read.
                    self.head
                        .extra
                        .push(template("/BHT", f, &[(2, 0), (3, 0), (5, 0), (6, 0)]));
                }
                self.head.header = Some(SubmissionHeader {
                    form: self.form,
                    purpose: trim(f.el(2)).to_owned(),
                    reference: trim(f.el(3)).to_owned(),
                    created,
                    created_time: trim(f.el(5)).to_owned(),
                    claim_type: trim(f.el(6)).to_owned(),
                    submitter_name: String::new(),
                    submitter_first_name: None,
                    submitter_id: String::new(),
                    contact_name: None,
                    contact_numbers: Vec::new(),
                    receiver_name: String::new(),
                    receiver_id: String::new(),
                    extra: Vec::new(),
                });
            }
            ("1000A", "NM1") if trim(f.el(1)) == "41" => {
                self.head.submitter = (
                    trim(f.el(3)).to_owned(),
                    opt(f.el(4)),
                    trim(f.el(9)).to_owned(),
                );
                let person = trim(f.el(2)) == "1";
                if f.has(5)
                    || f.has(6)
                    || f.has(7)
                    || trim(f.el(8)) != "46"
                    || f.len() > 9
                    || (person != f.has(4) && trim(f.el(2)) != "2")
                {
                    self.head
                        .extra
                        .push(template("1000A/NM1", f, &[(3, 0), (4, 0), (9, 0)]));
                }
            }
            ("1000A", "PER") if !self.head.saw_per => {
                self.head.saw_per = true;
                let numbers = [(3, 4), (5, 6), (7, 8)]
                    .iter()
                    .filter(|(q, _)| !trim(f.el(*q)).is_empty())
                    .map(|&(q, v)| (trim(f.el(q)).to_owned(), trim(f.el(v)).to_owned()))
                    .collect::<Vec<_>>();
                // Written back from the model only when it reads the same: PER*IC, then the
                // pairs packed from PER03.
                let packed = (3..3 + 2 * numbers.len()).all(|n| f.has(n));
                if trim(f.el(1)) != "IC" || !packed || f.len() > 2 + 2 * numbers.len().max(1) {
                    self.head.extra.push(template("1000A/PER", f, &[(2, 0)]));
                }
                self.head.contact = Some((opt(f.el(2)), numbers));
            }
            ("1000B", "NM1") if trim(f.el(1)) == "40" => {
                self.head.receiver = (trim(f.el(3)).to_owned(), trim(f.el(9)).to_owned());
                if trim(f.el(2)) != "2"
                    || (4..=7).any(|n| f.has(n))
                    || trim(f.el(8)) != "46"
                    || f.len() > 9
                {
                    self.head
                        .extra
                        .push(template("1000B/NM1", f, &[(3, 0), (9, 0)]));
                }
            }
            _ => self.head.extra.push(raw(l, f)),
        }
    }
}
