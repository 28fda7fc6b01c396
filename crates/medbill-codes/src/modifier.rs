//! Procedure modifiers, and the built-in table of the modifiers a claim scrubber reasons about.

use std::fmt;
use std::str::FromStr;

use crate::error::{CodeError, CodeSystem};
use crate::text::{fill, serde_as_text, trimmed};

/// A well-formed procedure modifier: two letters or digits (`25`, `LT`, `XU`, `F5`).
///
/// Whether the modifier is a known one is a look-up: [`Modifier::info`] in the built-in table of
/// the modifiers a scrubber reasons about, or [`HcpcsTable::modifier`](crate::HcpcsTable::modifier)
/// in a loaded CMS HCPCS file (Level II modifiers with CMS's descriptions and dates; the numeric
/// CPT modifiers are not in that file).
///
/// ```
/// use medbill_codes::{Modifier, ModifierCategory};
/// let m: Modifier = "xu".parse().unwrap();
/// assert_eq!(m.as_str(), "XU");
/// assert_eq!(m.category(), Some(ModifierCategory::DistinctService));
/// assert!(m.is_ncci_associated());
/// assert_eq!(m.info().unwrap().description, "Unusual non-overlapping service");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Modifier([u8; 2]);

impl Modifier {
    /// Parses two characters, in any case.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = trimmed(s, CodeSystem::Modifier)?;
        let (bytes, _) = fill::<2>(t, CodeSystem::Modifier, "2", 2, |_, b| {
            if b.is_ascii_alphanumeric() {
                Ok(())
            } else {
                Err("a letter or digit")
            }
        })?;
        Ok(Modifier(bytes))
    }

    /// A modifier from two ASCII letters or digits, usable in constants; `None` for any
    /// other byte. Letters are made uppercase, as [`parse`](Self::parse) makes them.
    ///
    /// ```
    /// use medbill_codes::Modifier;
    ///
    /// const DISTINCT: Option<Modifier> = Modifier::from_ascii(*b"xs");
    /// assert_eq!(DISTINCT.unwrap().as_str(), "XS");
    /// assert_eq!(Modifier::from_ascii(*b"2-"), None);
    /// ```
    pub const fn from_ascii(bytes: [u8; 2]) -> Option<Self> {
        let [a, b] = bytes;
        if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
            Some(Modifier([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
        } else {
            None
        }
    }

    /// The modifier's text, e.g. `"25"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// Whether the modifier is a CPT (Level I) modifier: two digits. Others are HCPCS Level II.
    pub fn is_cpt(&self) -> bool {
        self.0.iter().all(u8::is_ascii_digit)
    }

    /// The modifier's entry in the built-in table, if it is one of the modifiers listed there.
    pub fn info(&self) -> Option<&'static ModifierInfo> {
        MODIFIERS.iter().find(|m| m.modifier == *self)
    }

    /// The modifier's category in the built-in table.
    pub fn category(&self) -> Option<ModifierCategory> {
        self.info().map(|m| m.category)
    }

    /// Whether NCCI procedure-to-procedure edits may be bypassed by this modifier (anatomic,
    /// global surgery and distinct service modifiers).
    pub fn is_ncci_associated(&self) -> bool {
        self.category()
            .is_some_and(ModifierCategory::is_ncci_associated)
    }
}

/// What a modifier is for, as a claim scrubber groups them. Serialised in snake_case
/// (`"global_surgery"`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ModifierCategory {
    /// Body site: eyelids (E1-E4), fingers (FA, F1-F9), toes (TA, T1-T9), sides (LT, RT) and
    /// coronary arteries (LC, LD, LM, RC, RI). NCCI-associated.
    Anatomic,
    /// Global surgery period: 24, 25, 57, 58, 78, 79. NCCI-associated.
    GlobalSurgery,
    /// Distinct or repeat service: 59, 91, XE, XS, XP, XU. NCCI-associated.
    DistinctService,
    /// Professional or technical component: 26, TC.
    ProfessionalTechnical,
    /// Bilateral or multiple procedures: 50, 51.
    BilateralMultiple,
    /// Repeat procedure: 76, 77.
    Repeat,
    /// Liability notice (ABN) status: GA, GK, GL, GX, GY, GZ.
    LiabilityNotice,
    /// Coverage requirements met and documented: KX.
    RequirementsMet,
    /// Changes how the service is paid (reduced, increased, split, component, telehealth, ...).
    Payment,
    /// Reports a circumstance without changing payment by itself.
    Informational,
}

impl ModifierCategory {
    /// Whether modifiers of this category are NCCI-associated: anatomic, global surgery and
    /// distinct service.
    pub const fn is_ncci_associated(self) -> bool {
        matches!(
            self,
            ModifierCategory::Anatomic
                | ModifierCategory::GlobalSurgery
                | ModifierCategory::DistinctService
        )
    }
}

/// A modifier of the built-in table, with its category and a short description.
///
/// The descriptions are this crate's own plain-language summaries, not the AMA's CPT modifier
/// text nor CMS's HCPCS descriptions; load a CMS HCPCS file ([`crate::HcpcsTable`]) for the
/// official Level II wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ModifierInfo {
    /// The modifier.
    pub modifier: Modifier,
    /// Its category.
    pub category: ModifierCategory,
    /// A short description in our own words.
    pub description: &'static str,
}

impl ModifierInfo {
    /// Every modifier of the built-in table.
    pub fn all() -> &'static [ModifierInfo] {
        MODIFIERS
    }
}

const fn m(code: &[u8; 2], category: ModifierCategory, description: &'static str) -> ModifierInfo {
    ModifierInfo {
        modifier: Modifier(*code),
        category,
        description,
    }
}

use ModifierCategory::{
    Anatomic as An, BilateralMultiple as Bm, DistinctService as Ds, GlobalSurgery as Gs,
    Informational as If, LiabilityNotice as Ln, Payment as Pa, ProfessionalTechnical as Pt,
    Repeat as Rp, RequirementsMet as Rm,
};

#[rustfmt::skip]
static MODIFIERS: &[ModifierInfo] = &[
    // Anatomic
    m(b"E1", An, "Upper left eyelid"),
    m(b"E2", An, "Lower left eyelid"),
    m(b"E3", An, "Upper right eyelid"),
    m(b"E4", An, "Lower right eyelid"),
    m(b"FA", An, "Left hand, thumb"),
    m(b"F1", An, "Left hand, second finger"),
    m(b"F2", An, "Left hand, third finger"),
    m(b"F3", An, "Left hand, fourth finger"),
    m(b"F4", An, "Left hand, fifth finger"),
    m(b"F5", An, "Right hand, thumb"),
    m(b"F6", An, "Right hand, second finger"),
    m(b"F7", An, "Right hand, third finger"),
    m(b"F8", An, "Right hand, fourth finger"),
    m(b"F9", An, "Right hand, fifth finger"),
    m(b"TA", An, "Left foot, great toe"),
    m(b"T1", An, "Left foot, second toe"),
    m(b"T2", An, "Left foot, third toe"),
    m(b"T3", An, "Left foot, fourth toe"),
    m(b"T4", An, "Left foot, fifth toe"),
    m(b"T5", An, "Right foot, great toe"),
    m(b"T6", An, "Right foot, second toe"),
    m(b"T7", An, "Right foot, third toe"),
    m(b"T8", An, "Right foot, fourth toe"),
    m(b"T9", An, "Right foot, fifth toe"),
    m(b"LT", An, "Left side of the body"),
    m(b"RT", An, "Right side of the body"),
    m(b"LC", An, "Left circumflex coronary artery"),
    m(b"LD", An, "Left anterior descending coronary artery"),
    m(b"LM", An, "Left main coronary artery"),
    m(b"RC", An, "Right coronary artery"),
    m(b"RI", An, "Ramus intermedius coronary artery"),
    // Global surgery
    m(b"24", Gs, "Unrelated E/M visit by the same physician during a postoperative period"),
    m(b"25", Gs, "Separately identifiable E/M visit on the day of a procedure or other service"),
    m(b"57", Gs, "E/M visit at which the decision for major surgery was made"),
    m(b"58", Gs, "Staged or related procedure by the same physician in the postoperative period"),
    m(b"78", Gs, "Unplanned return to the operating room, related procedure, postop period"),
    m(b"79", Gs, "Unrelated procedure by the same physician in the postoperative period"),
    // Distinct service
    m(b"59", Ds, "Distinct procedural service"),
    m(b"91", Ds, "Repeat clinical diagnostic laboratory test on the same day"),
    m(b"XE", Ds, "Separate encounter"),
    m(b"XS", Ds, "Separate structure or organ"),
    m(b"XP", Ds, "Separate practitioner"),
    m(b"XU", Ds, "Unusual non-overlapping service"),
    // Components
    m(b"26", Pt, "Professional component only"),
    m(b"TC", Pt, "Technical component only"),
    // Bilateral and multiple
    m(b"50", Bm, "Bilateral procedure"),
    m(b"51", Bm, "Multiple procedures in the same session"),
    // Repeat
    m(b"76", Rp, "Repeat procedure by the same physician"),
    m(b"77", Rp, "Repeat procedure by another physician"),
    // Liability notices
    m(b"GA", Ln, "Liability notice (ABN) given as the payer requires"),
    m(b"GK", Ln, "Reasonable and necessary item that goes with a GA or GZ item"),
    m(b"GL", Ln, "Unnecessary upgrade supplied at no charge, no liability notice"),
    m(b"GX", Ln, "Voluntary liability notice for a service excluded from coverage"),
    m(b"GY", Ln, "Service excluded by statute or not a benefit"),
    m(b"GZ", Ln, "Expected to be denied as not reasonable and necessary, no liability notice"),
    // Requirements met
    m(b"KX", Rm, "Coverage policy requirements met and documented"),
    // Payment
    m(b"22", Pa, "Increased procedural services"),
    m(b"23", Pa, "Unusual anesthesia"),
    m(b"27", Pa, "Several outpatient hospital E/M encounters on the same day"),
    m(b"47", Pa, "Anesthesia given by the surgeon"),
    m(b"52", Pa, "Reduced services"),
    m(b"53", Pa, "Procedure discontinued by the physician"),
    m(b"54", Pa, "Surgical care only"),
    m(b"55", Pa, "Postoperative care only"),
    m(b"56", Pa, "Preoperative care only"),
    m(b"62", Pa, "Two surgeons"),
    m(b"63", Pa, "Procedure on an infant under 4 kg"),
    m(b"66", Pa, "Surgical team"),
    m(b"73", Pa, "Outpatient or ASC procedure discontinued before anesthesia"),
    m(b"74", Pa, "Outpatient or ASC procedure discontinued after anesthesia"),
    m(b"80", Pa, "Assistant surgeon"),
    m(b"81", Pa, "Minimum assistant surgeon"),
    m(b"82", Pa, "Assistant surgeon when no qualified resident is available"),
    m(b"93", Pa, "Telemedicine by real-time audio only"),
    m(b"95", Pa, "Telemedicine by real-time audio and video"),
    m(b"AA", Pa, "Anesthesia performed personally by an anesthesiologist"),
    m(b"AD", Pa, "Physician supervision of more than four concurrent anesthesia cases"),
    m(b"AQ", Pa, "Physician service in an unlisted health professional shortage area"),
    m(b"AS", Pa, "Assistant at surgery who is a PA, NP or clinical nurse specialist"),
    m(b"CA", Pa, "Inpatient-only procedure done emergently; patient died before admission"),
    m(b"CO", Pa, "Outpatient occupational therapy furnished in part by an OT assistant"),
    m(b"CQ", Pa, "Outpatient physical therapy furnished in part by a PT assistant"),
    m(b"CS", Pa, "Cost sharing waived for the service"),
    m(b"CT", Pa, "CT scan on equipment not meeting the NEMA XR-29 standard"),
    m(b"FQ", Pa, "Service furnished by audio-only communication"),
    m(b"FS", Pa, "Split or shared E/M visit"),
    m(b"FT", Pa, "Unrelated E/M visit on the same day as another E/M or in a global period"),
    m(b"FX", Pa, "X-ray taken on film"),
    m(b"FY", Pa, "X-ray taken by cassette-based computed radiography"),
    m(b"G8", Pa, "Monitored anesthesia care for a deep, complex or invasive procedure"),
    m(b"G9", Pa, "Monitored anesthesia care for a patient with a severe cardiopulmonary condition"),
    m(b"GE", Pa, "Resident service without a teaching physician present, primary care exception"),
    m(b"GG", Pa, "Screening and diagnostic mammogram on the same patient, same day"),
    m(b"GJ", Pa, "Emergency or urgent service by an opt-out practitioner"),
    m(b"GN", Pa, "Service under an outpatient speech-language pathology plan of care"),
    m(b"GO", Pa, "Service under an outpatient occupational therapy plan of care"),
    m(b"GP", Pa, "Service under an outpatient physical therapy plan of care"),
    m(b"GQ", Pa, "Telehealth by asynchronous (store and forward) communication"),
    m(b"GT", Pa, "Telehealth by interactive audio and video"),
    m(b"GV", Pa, "Attending physician not employed or paid by the patient's hospice"),
    m(b"GW", Pa, "Service unrelated to the hospice patient's terminal condition"),
    m(b"JG", Pa, "Drug acquired at a 340B program discount"),
    m(b"JW", Pa, "Drug amount discarded, not given to any patient"),
    m(b"JZ", Pa, "No drug amount discarded"),
    m(b"KH", Pa, "DMEPOS item, first rental month or initial claim"),
    m(b"KI", Pa, "DMEPOS item, second or third rental month"),
    m(b"KJ", Pa, "DMEPOS item, rental months four to fifteen"),
    m(b"NU", Pa, "New durable medical equipment purchase"),
    m(b"PD", Pa, "Hospital-owned entity service within three days before an inpatient admission"),
    m(b"PN", Pa, "Non-excepted service at an off-campus provider-based department"),
    m(b"PO", Pa, "Excepted service at an off-campus provider-based department"),
    m(b"PT", Pa, "Colorectal cancer screening test that became diagnostic or therapeutic"),
    m(b"Q5", Pa, "Substitute physician under a reciprocal billing arrangement"),
    m(b"Q6", Pa, "Substitute physician paid per diem or by time (locum tenens)"),
    m(b"QJ", Pa, "Service to a prisoner or patient in state or local custody"),
    m(b"QK", Pa, "Medical direction of two to four concurrent anesthesia cases"),
    m(b"QS", Pa, "Monitored anesthesia care"),
    m(b"QW", Pa, "CLIA-waived test"),
    m(b"QX", Pa, "CRNA service with medical direction by a physician"),
    m(b"QY", Pa, "Medical direction of one CRNA by an anesthesiologist"),
    m(b"QZ", Pa, "CRNA service without medical direction"),
    m(b"RA", Pa, "Replacement of a DME, orthotic or prosthetic item"),
    m(b"RB", Pa, "Replacement part furnished as part of a repair"),
    m(b"RR", Pa, "Rental of durable medical equipment"),
    m(b"UE", Pa, "Used durable medical equipment"),
    // Informational
    m(b"32", If, "Service mandated by a payer, agency or regulation"),
    m(b"33", If, "Preventive service"),
    m(b"90", If, "Test done by an outside (reference) laboratory"),
    m(b"92", If, "Test done on an alternative laboratory platform"),
    m(b"99", If, "Several modifiers apply"),
    m(b"AI", If, "Principal physician of record"),
    m(b"CG", If, "Payer policy criteria applied"),
    m(b"CR", If, "Related to a catastrophe or disaster"),
    m(b"ET", If, "Emergency service"),
    m(b"FR", If, "Supervising practitioner present by real-time audio and video"),
    m(b"GC", If, "Service done in part by a resident under a teaching physician"),
    m(b"GH", If, "Screening mammogram converted to diagnostic on the same day"),
    m(b"JA", If, "Given intravenously"),
    m(b"JB", If, "Given subcutaneously"),
    m(b"P1", If, "Anesthesia patient status: healthy"),
    m(b"P2", If, "Anesthesia patient status: mild systemic disease"),
    m(b"P3", If, "Anesthesia patient status: severe systemic disease"),
    m(b"P4", If, "Anesthesia patient status: severe, life-threatening systemic disease"),
    m(b"P5", If, "Anesthesia patient status: not expected to survive without the operation"),
    m(b"P6", If, "Anesthesia patient status: brain-dead organ donor"),
    m(b"SA", If, "Nurse practitioner working with a physician"),
    m(b"SG", If, "Ambulatory surgical center facility service"),
    m(b"SL", If, "State-supplied vaccine"),
    m(b"TB", If, "Drug acquired at a 340B program discount, reported for information"),
    m(b"U1", If, "Medicaid level of care 1, defined by the state"),
    m(b"U2", If, "Medicaid level of care 2, defined by the state"),
    m(b"U3", If, "Medicaid level of care 3, defined by the state"),
    m(b"U4", If, "Medicaid level of care 4, defined by the state"),
    m(b"U5", If, "Medicaid level of care 5, defined by the state"),
    m(b"U6", If, "Medicaid level of care 6, defined by the state"),
    m(b"U7", If, "Medicaid level of care 7, defined by the state"),
    m(b"U8", If, "Medicaid level of care 8, defined by the state"),
    m(b"U9", If, "Medicaid level of care 9, defined by the state"),
    m(b"UA", If, "Medicaid level of care 10, defined by the state"),
    m(b"UB", If, "Medicaid level of care 11, defined by the state"),
    m(b"UC", If, "Medicaid level of care 12, defined by the state"),
    m(b"UD", If, "Medicaid level of care 13, defined by the state"),
];

impl FromStr for Modifier {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl fmt::Display for Modifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Modifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Modifier({self})")
    }
}

serde_as_text!(Modifier, "a two-character modifier such as \"25\"");
