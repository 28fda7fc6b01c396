//! Claim adjustment group codes, claim adjustment reason codes (CARC), remittance advice remark
//! codes (RARC), and the denial categories analytics group CARCs into.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

/// Claim adjustment group code: who bears an adjustment (X12 CAS01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupCode {
    /// Contractual obligation: the provider writes it off.
    Co,
    /// Correction and reversal (4010 only; not used in 5010).
    Cr,
    /// Other adjustment.
    Oa,
    /// Payer-initiated reduction.
    Pi,
    /// Patient responsibility.
    Pr,
}

impl GroupCode {
    /// The two-letter code.
    pub const fn as_str(self) -> &'static str {
        match self {
            GroupCode::Co => "CO",
            GroupCode::Cr => "CR",
            GroupCode::Oa => "OA",
            GroupCode::Pi => "PI",
            GroupCode::Pr => "PR",
        }
    }

    /// Whether 005010 allows the code (`CR` was withdrawn after 004010).
    pub const fn in_5010(self) -> bool {
        !matches!(self, GroupCode::Cr)
    }

    /// Every group code, `CR` (004010 only) last.
    pub const ALL: [GroupCode; 5] = [
        GroupCode::Co,
        GroupCode::Oa,
        GroupCode::Pi,
        GroupCode::Pr,
        GroupCode::Cr,
    ];

    /// Who bears the adjustment, in a few words.
    pub const fn meaning(self) -> &'static str {
        match self {
            GroupCode::Co => "Contractual obligation (provider write-off)",
            GroupCode::Cr => "Correction or reversal (004010 only)",
            GroupCode::Oa => "Other adjustment",
            GroupCode::Pi => "Payer-initiated reduction",
            GroupCode::Pr => "Patient responsibility",
        }
    }

    /// Parses the two-letter code, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::GroupCode)?;
        Ok(match t.to_ascii_uppercase().as_str() {
            "CO" => GroupCode::Co,
            "CR" => GroupCode::Cr,
            "OA" => GroupCode::Oa,
            "PI" => GroupCode::Pi,
            "PR" => GroupCode::Pr,
            _ => {
                return Err(CodeError::Unknown {
                    system: CodeSystem::GroupCode,
                    code: t.to_string(),
                });
            }
        })
    }
}

impl FromStr for GroupCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for GroupCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

serde_as_text!(GroupCode, "a claim adjustment group code (CO, OA, PI, PR)");

/// The denial category a claim adjustment reason code belongs to, for analytics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DenialCategory {
    /// Patient not eligible or service not covered by the plan.
    EligibilityCoverage,
    /// Prior authorization, precertification or referral missing or exceeded.
    AuthorizationReferral,
    /// Procedure/diagnosis/modifier coding, bundling, NCCI.
    CodingBundling,
    /// Not medically necessary.
    MedicalNecessity,
    /// Duplicate claim or service.
    Duplicate,
    /// Filed after the payer's limit.
    TimelyFiling,
    /// Another payer is primary, or prior payer data is missing.
    CoordinationOfBenefits,
    /// Information missing, invalid or documentation requested.
    MissingInformation,
    /// Contractual reduction (fee schedule, capitation): not a denial.
    Contractual,
    /// Deductible, coinsurance, co-payment: not a denial.
    PatientResponsibility,
    /// Anything else.
    Other,
}

impl DenialCategory {
    /// Every category, in a stable order for reports.
    pub const ALL: [DenialCategory; 11] = [
        DenialCategory::EligibilityCoverage,
        DenialCategory::AuthorizationReferral,
        DenialCategory::CodingBundling,
        DenialCategory::MedicalNecessity,
        DenialCategory::Duplicate,
        DenialCategory::TimelyFiling,
        DenialCategory::CoordinationOfBenefits,
        DenialCategory::MissingInformation,
        DenialCategory::Contractual,
        DenialCategory::PatientResponsibility,
        DenialCategory::Other,
    ];

    /// The snake_case name used in JSON and reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            DenialCategory::EligibilityCoverage => "eligibility_coverage",
            DenialCategory::AuthorizationReferral => "authorization_referral",
            DenialCategory::CodingBundling => "coding_bundling",
            DenialCategory::MedicalNecessity => "medical_necessity",
            DenialCategory::Duplicate => "duplicate",
            DenialCategory::TimelyFiling => "timely_filing",
            DenialCategory::CoordinationOfBenefits => "coordination_of_benefits",
            DenialCategory::MissingInformation => "missing_information",
            DenialCategory::Contractual => "contractual",
            DenialCategory::PatientResponsibility => "patient_responsibility",
            DenialCategory::Other => "other",
        }
    }

    /// Whether adjustments in this category count as denials (contractual reductions and patient
    /// responsibility do not).
    pub const fn is_denial(self) -> bool {
        !matches!(
            self,
            DenialCategory::Contractual | DenialCategory::PatientResponsibility
        )
    }
}

impl fmt::Display for DenialCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A well-formed claim adjustment reason code: one to three letters or digits (`45`, `B7`,
/// `P12`). The text is kept as given, upper-cased.
///
/// ```
/// use medbill_codes::{Carc, DenialCategory};
/// let carc: Carc = "45".parse().unwrap();
/// assert_eq!(carc.as_str(), "45");
/// assert_eq!(carc.denial_category(), DenialCategory::Contractual);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Carc {
    bytes: [u8; 3],
    len: u8,
}

impl Carc {
    /// Parses one to three letters or digits, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Carc)?;
        let (bytes, len) = fill::<3>(t, CodeSystem::Carc, "1 to 3", 1, |_, b| {
            if b.is_ascii_alphanumeric() {
                Ok(())
            } else {
                Err("a letter or digit")
            }
        })?;
        Ok(Carc {
            bytes,
            len: len as u8,
        })
    }

    /// The code's text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }

    /// The denial category analytics file this reason under ([`DenialCategory::Other`] for a
    /// code the built-in list does not have).
    pub fn denial_category(&self) -> DenialCategory {
        crate::carc_table::category(self.as_str())
    }

    /// A few words of this crate's own about the code, if the built-in list has it. This is not
    /// X12's description (which is X12's copyrighted text and not shipped), only enough to
    /// recognise the code.
    ///
    /// ```
    /// use medbill_codes::Carc;
    /// let carc: Carc = "197".parse().unwrap();
    /// assert_eq!(carc.summary(), Some("Authorization or precertification absent"));
    /// ```
    pub fn summary(&self) -> Option<&'static str> {
        crate::carc_table::entry(self.as_str()).map(|(_, text)| text)
    }

    /// Whether the built-in list has the code.
    pub fn is_listed(&self) -> bool {
        crate::carc_table::entry(self.as_str()).is_some()
    }

    /// Every code of the built-in list, numbers first, then codes with letters.
    pub fn listed() -> impl Iterator<Item = Carc> {
        crate::carc_table::CARCS
            .iter()
            .filter_map(|(code, _, _)| Carc::parse(code).ok())
    }
}

impl FromStr for Carc {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for Carc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Carc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Carc({self})")
    }
}

serde_as_text!(Carc, "a claim adjustment reason code such as \"45\"");

/// A well-formed remittance advice remark code: `M`, `MA` or `N` followed by digits
/// (`M15`, `MA130`, `N362`), at most 5 characters.
///
/// ```
/// use medbill_codes::Rarc;
/// assert_eq!("n362".parse::<Rarc>().unwrap().as_str(), "N362");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rarc {
    bytes: [u8; 5],
    len: u8,
}

impl Rarc {
    /// Parses the code, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Rarc)?;
        let (bytes, len) = fill::<5>(t, CodeSystem::Rarc, "2 to 5", 2, |i, b| match (i, b) {
            (0, b'M' | b'N') => Ok(()),
            (0, _) => Err("M or N"),
            (1, b'A') if t.as_bytes()[0].eq_ignore_ascii_case(&b'M') => Ok(()),
            (_, b) if b.is_ascii_digit() => Ok(()),
            _ => Err("a digit"),
        })?;
        if !bytes[len - 1].is_ascii_digit() {
            return Err(CodeError::Length {
                system: CodeSystem::Rarc,
                expected: "2 to 5",
                found: len,
            });
        }
        Ok(Rarc {
            bytes,
            len: len as u8,
        })
    }

    /// The code's text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }

    /// A few words of this crate's own about the code, if the built-in list has it.
    ///
    /// The built-in RARC list is short: the remark codes most often met on remittances. The
    /// official descriptions are X12's copyrighted text and are not shipped; an unlisted code
    /// still parses.
    ///
    /// ```
    /// use medbill_codes::Rarc;
    /// let rarc: Rarc = "N362".parse().unwrap();
    /// assert_eq!(rarc.summary(), Some("Days or units exceed the payer's maximum"));
    /// ```
    pub fn summary(&self) -> Option<&'static str> {
        RARCS
            .iter()
            .find(|(code, _)| *code == self.as_str())
            .map(|(_, text)| *text)
    }

    /// Whether the built-in list has the code.
    pub fn is_listed(&self) -> bool {
        self.summary().is_some()
    }

    /// Every code of the built-in list.
    pub fn listed() -> impl Iterator<Item = Rarc> {
        RARCS.iter().filter_map(|(code, _)| Rarc::parse(code).ok())
    }
}

/// Frequent remark codes with a few words of our own each (not X12's text).
#[rustfmt::skip]
static RARCS: &[(&str, &str)] = &[
    ("M15", "Separately billed tests bundled as parts of one procedure"),
    ("M20", "HCPCS code missing, incomplete or invalid"),
    ("M51", "Procedure code missing, incomplete or invalid"),
    ("M76", "Diagnosis missing, incomplete or invalid"),
    ("M77", "Place of service missing, incomplete or invalid"),
    ("M79", "Charge missing, incomplete or invalid"),
    ("M80", "Not covered in the same session as an earlier service"),
    ("M86", "Same or similar service already paid within the time frame"),
    ("M119", "NDC missing, incomplete, invalid or deactivated"),
    ("M127", "Medical record for the service missing"),
    ("MA01", "Alert: appeal rights if you disagree"),
    ("MA04", "Secondary claim needs the primary payer's information"),
    ("MA07", "Claim also forwarded to Medicaid"),
    ("MA18", "Claim also forwarded to the supplemental insurer"),
    ("MA120", "CLIA certificate number missing, incomplete or invalid"),
    ("MA130", "Unprocessable: incomplete or invalid information, no appeal rights"),
    ("N4", "Prior payer's explanation of benefits missing or invalid"),
    ("N19", "Procedure incidental to the primary procedure"),
    ("N20", "Not payable with another service on the same date"),
    ("N30", "Patient ineligible for this service"),
    ("N54", "Claim inconsistent with the authorized services"),
    ("N56", "Procedure code not valid for the services or date billed"),
    ("N65", "Procedure rate or count not on file"),
    ("N95", "This provider type or specialty may not bill this service"),
    ("N115", "Decision based on a Local Coverage Determination"),
    ("N130", "See the plan's benefit documents for restrictions"),
    ("N180", "Does not meet the criteria of the category billed"),
    ("N211", "Alert: this decision may not be appealed"),
    ("N290", "Rendering provider identifier missing or invalid"),
    ("N350", "Description of an unlisted or NOC service missing or invalid"),
    ("N362", "Days or units exceed the payer's maximum"),
    ("N386", "Decision based on a National Coverage Determination"),
    ("N425", "Service excluded by statute"),
    ("N432", "Adjusted after a recovery audit"),
    ("N479", "Explanation of benefits for coordination of benefits missing"),
    ("N522", "Duplicate of a crossover claim"),
    ("N657", "Bill with the code appropriate to these services"),
];

impl FromStr for Rarc {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for Rarc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Rarc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rarc({self})")
    }
}

serde_as_text!(Rarc, "a remittance advice remark code such as \"N362\"");
