//! CMS place of service codes, with the names of the codes CMS assigns.

use std::fmt;
use std::str::FromStr;

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

/// A well-formed place of service code: two digits, `01` to `99` (`11` office, `21` inpatient
/// hospital, ...). Whether CMS assigns the code is a look-up in the built-in table
/// ([`PlaceOfService::name`]); codes CMS leaves unassigned parse but have no name.
///
/// ```
/// use medbill_codes::PlaceOfService;
/// let pos: PlaceOfService = "11".parse().unwrap();
/// assert_eq!(pos.value(), 11);
/// assert_eq!(pos.to_string(), "11");
/// assert_eq!(pos.name(), Some("Office"));
/// assert!(!"28".parse::<PlaceOfService>().unwrap().is_assigned());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlaceOfService(u8);

impl PlaceOfService {
    /// Parses two digits.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::PlaceOfService)?;
        let (b, _) = fill::<2>(t, CodeSystem::PlaceOfService, "2", 2, |_, b| {
            if b.is_ascii_digit() {
                Ok(())
            } else {
                Err("a digit")
            }
        })?;
        let v = (b[0] - b'0') * 10 + (b[1] - b'0');
        Self::new(v)
    }

    /// The code with this value, 1 to 99.
    pub fn new(value: u8) -> Result<Self, CodeError> {
        if (1..=99).contains(&value) {
            Ok(PlaceOfService(value))
        } else {
            Err(CodeError::Unknown {
                system: CodeSystem::PlaceOfService,
                code: format!("{value:02}"),
            })
        }
    }

    /// The numeric value, 1 to 99.
    pub fn value(&self) -> u8 {
        self.0
    }

    /// The two-digit text, such as `"11"`.
    pub fn as_str(&self) -> &'static str {
        // Every value 00 to 99, two characters each.
        const DIGITS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
        let i = usize::from(self.0.min(99)) * 2;
        &DIGITS[i..i + 2]
    }

    /// The CMS name of the code, if CMS assigns it.
    pub fn name(&self) -> Option<&'static str> {
        NAMES
            .iter()
            .find(|(v, _)| *v == self.0)
            .map(|(_, name)| *name)
    }

    /// Whether CMS assigns the code (it has a name).
    pub fn is_assigned(&self) -> bool {
        self.name().is_some()
    }

    /// Whether the Medicare physician fee schedule pays its facility rate for professional
    /// services in this setting (hospitals, skilled nursing and hospice, ambulances, inpatient
    /// psychiatric and rehabilitation facilities, ...). Ambulatory surgical centers (`24`) are
    /// included: the rule's exceptions are per procedure and outside this table.
    pub fn is_facility(&self) -> bool {
        matches!(
            self.0,
            19 | 21 | 22 | 23 | 24 | 26 | 31 | 34 | 41 | 42 | 51 | 52 | 53 | 56 | 61
        )
    }

    /// Every code CMS assigns, in order, with its name.
    pub fn assigned() -> impl Iterator<Item = (PlaceOfService, &'static str)> {
        NAMES.iter().map(|&(v, name)| (PlaceOfService(v), name))
    }
}

/// The CMS place of service code set: the codes assigned as of its 2024 revision, with their
/// names (CMS publishes the set, in the public domain, on its "Place of Service Code Set" page).
/// Every other value from 01 to 99 is unassigned.
static NAMES: &[(u8, &str)] = &[
    (1, "Pharmacy"),
    (2, "Telehealth Provided Other than in Patient's Home"),
    (3, "School"),
    (4, "Homeless Shelter"),
    (5, "Indian Health Service Free-standing Facility"),
    (6, "Indian Health Service Provider-based Facility"),
    (7, "Tribal 638 Free-standing Facility"),
    (8, "Tribal 638 Provider-based Facility"),
    (9, "Prison/Correctional Facility"),
    (10, "Telehealth Provided in Patient's Home"),
    (11, "Office"),
    (12, "Home"),
    (13, "Assisted Living Facility"),
    (14, "Group Home"),
    (15, "Mobile Unit"),
    (16, "Temporary Lodging"),
    (17, "Walk-in Retail Health Clinic"),
    (18, "Place of Employment-Worksite"),
    (19, "Off Campus-Outpatient Hospital"),
    (20, "Urgent Care Facility"),
    (21, "Inpatient Hospital"),
    (22, "On Campus-Outpatient Hospital"),
    (23, "Emergency Room - Hospital"),
    (24, "Ambulatory Surgical Center"),
    (25, "Birthing Center"),
    (26, "Military Treatment Facility"),
    (27, "Outreach Site/Street"),
    (31, "Skilled Nursing Facility"),
    (32, "Nursing Facility"),
    (33, "Custodial Care Facility"),
    (34, "Hospice"),
    (41, "Ambulance - Land"),
    (42, "Ambulance - Air or Water"),
    (49, "Independent Clinic"),
    (50, "Federally Qualified Health Center"),
    (51, "Inpatient Psychiatric Facility"),
    (52, "Psychiatric Facility-Partial Hospitalization"),
    (53, "Community Mental Health Center"),
    (
        54,
        "Intermediate Care Facility/Individuals with Intellectual Disabilities",
    ),
    (55, "Residential Substance Abuse Treatment Facility"),
    (56, "Psychiatric Residential Treatment Center"),
    (57, "Non-residential Substance Abuse Treatment Facility"),
    (58, "Non-residential Opioid Treatment Facility"),
    (60, "Mass Immunization Center"),
    (61, "Comprehensive Inpatient Rehabilitation Facility"),
    (62, "Comprehensive Outpatient Rehabilitation Facility"),
    (65, "End-Stage Renal Disease Treatment Facility"),
    (
        66,
        "Programs of All-Inclusive Care for the Elderly (PACE) Center",
    ),
    (71, "Public Health Clinic"),
    (72, "Rural Health Clinic"),
    (81, "Independent Laboratory"),
    (99, "Other Place of Service"),
];

impl FromStr for PlaceOfService {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for PlaceOfService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PlaceOfService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlaceOfService({self})")
    }
}

serde_as_text!(
    PlaceOfService,
    "a two-digit place of service code such as \"11\""
);
