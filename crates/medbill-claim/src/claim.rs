//! Professional (837P / CMS-1500) and institutional (837I / UB-04) claims and their builder.

use chrono::NaiveDate;
use medbill_codes::{
    Coded, Icd10CmCode, Icd10PcsCode, Modifier, PlaceOfService, ProcedureCode, RevenueCode,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::code_enum::code_enum;
use crate::diagnosis::{DiagnosisCode, IcdProcedureCode};
use crate::error::ClaimError;
use crate::inline::{DiagnosisPointers, Modifiers};
use crate::ledger::{EventKind, LedgerEvent};
use crate::party::{
    BillingProvider, ClaimFilingIndicator, OtherPayer, Patient, PayTo, Payer, PayerSequence,
    Provider, Relationship, ServiceFacility, Sex, Subscriber,
};
use crate::problem::Problem;
use crate::raw::RawSegment;
use crate::remit::Adjustment;
use crate::shared::Shared;
use crate::text::Text;

code_enum! {
    /// Claim frequency code (CLM05-3; the third digit of an institutional type of bill).
    FrequencyCode, "a claim frequency code", "claim frequency" {
        /// Non-payment / zero claim (institutional).
        NonPayment = "0",
        /// Original claim (for institutional: admit through discharge).
        Original = "1",
        /// Interim, first claim (institutional).
        InterimFirst = "2",
        /// Interim, continuing claim (institutional).
        InterimContinuing = "3",
        /// Interim, last claim (institutional).
        InterimLast = "4",
        /// Late charges only (institutional).
        LateCharge = "5",
        /// Replacement of a prior claim (a corrected claim).
        Replacement = "7",
        /// Void or cancel of a prior claim.
        Void = "8",
    }
}

impl FrequencyCode {
    /// Whether the claim refers to an earlier claim the payer has (replacement or void), and
    /// so must carry the original payer claim number.
    pub fn refers_to_prior_claim(self) -> bool {
        matches!(self, FrequencyCode::Replacement | FrequencyCode::Void)
    }
}

code_enum! {
    /// The unit a professional line's quantity is counted in (SV103).
    UnitBasis, "a unit basis code (UN or MJ)", "unit basis" {
        /// Units.
        Units = "UN",
        /// Minutes (anaesthesia).
        Minutes = "MJ",
    }
}

code_enum! {
    /// The unit an institutional line's quantity is counted in (SV204).
    InstitutionalUnitBasis, "a unit basis code (UN or DA)", "institutional unit basis" {
        /// Units.
        Units = "UN",
        /// Days.
        Days = "DA",
    }
}

code_enum! {
    /// The unit a drug quantity is counted in (CTP05-1).
    DrugUnit, "a drug unit code (F2, GR, ME, ML, UN)", "drug unit" {
        /// International unit.
        InternationalUnit = "F2",
        /// Gram.
        Gram = "GR",
        /// Milligram.
        Milligram = "ME",
        /// Millilitre.
        Milliliter = "ML",
        /// Unit.
        Unit = "UN",
    }
}

code_enum! {
    /// Present-on-admission indicator for an institutional diagnosis.
    PoaIndicator, "a present-on-admission indicator (Y, N, U, W, 1)", "present-on-admission indicator" {
        /// Present at the time of inpatient admission.
        Yes = "Y",
        /// Not present at the time of inpatient admission.
        No = "N",
        /// Documentation insufficient to determine.
        Unknown = "U",
        /// Clinically undetermined.
        ClinicallyUndetermined = "W",
        /// Exempt from POA reporting.
        Exempt = "1",
    }
}

code_enum! {
    /// Why a claim relates to an accident or employment (CLM11).
    RelatedCause, "a related-causes code (AA, EM, OA)", "related causes" {
        /// Auto accident.
        AutoAccident = "AA",
        /// Employment.
        Employment = "EM",
        /// Other accident.
        OtherAccident = "OA",
    }
}

/// Accident or employment information on the claim header (CLM11 and DTP*439).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accident {
    /// One to three related causes (CLM11-1 to CLM11-3), as sent.
    pub causes: Vec<Coded<RelatedCause>>,
    /// State of an auto accident (CLM11-4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Accident date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}

/// A drug administered on a line (LIN / CTP): national drug code, quantity and unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drug {
    /// The 11-digit NDC in 5-4-2 form without hyphens.
    pub ndc: String,
    /// Quantity administered.
    pub quantity: Decimal,
    /// Unit of the quantity, as sent.
    pub unit: Coded<DrugUnit>,
}

/// What another payer did with a line, for a secondary or tertiary claim (loop 2430).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAdjudication {
    /// The other payer's id.
    pub payer_id: String,
    /// Amount that payer paid on the line.
    pub paid: Decimal,
    /// Procedure as that payer adjudicated it, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<Coded<ProcedureCode>>,
    /// Modifiers as adjudicated, as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<Coded<Modifier>>,
    /// Units paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<Decimal>,
    /// That payer's line adjustments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// Adjudication or payment date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}

/// A professional service line (loop 2400, SV1).
///
/// Build with [`ProfessionalLine::new`] and the chained setters; the claim builder checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProfessionalLine {
    /// CPT or HCPCS procedure, as sent.
    pub procedure: Coded<ProcedureCode>,
    /// Up to four modifiers, as sent.
    #[serde(default, skip_serializing_if = "<[Coded<Modifier>]>::is_empty")]
    pub modifiers: Modifiers,
    /// Line charge.
    pub charge: Decimal,
    /// Quantity.
    pub units: Decimal,
    /// What the quantity counts, as sent.
    #[serde(default = "default_unit_basis")]
    pub unit_basis: Coded<UnitBasis>,
    /// Place of service when different from the claim's, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_service: Option<Coded<PlaceOfService>>,
    /// Date of service, or the first date of a range (`None` when the line was read without a
    /// usable one: a problem of the claim says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_date: Option<NaiveDate>,
    /// Last date of a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_end: Option<NaiveDate>,
    /// One to four 1-based pointers into the claim's diagnoses, most important first.
    pub diagnosis_pointers: DiagnosisPointers,
    /// Rendering provider when different from the claim's (boxed: rarely present, and a
    /// line stays small enough that a claim's lines are one small allocation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendering_provider: Option<Box<Provider>>,
    /// The provider's line item control number (REF*6R), echoed in remittances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_control_number: Option<String>,
    /// Drug administered (boxed, like the rendering provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drug: Option<Box<Drug>>,
    /// What earlier payers did with the line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_payer_adjudications: Vec<LineAdjudication>,
    /// Segments the model does not cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<RawSegment>,
}

fn default_unit_basis() -> Coded<UnitBasis> {
    Coded::Valid(UnitBasis::Units)
}

fn default_institutional_unit_basis() -> Coded<InstitutionalUnitBasis> {
    Coded::Valid(InstitutionalUnitBasis::Units)
}

impl ProfessionalLine {
    /// A line with its procedure, charge, units (in [`UnitBasis::Units`]) and date of service,
    /// pointing at the first diagnosis.
    pub fn new(
        procedure: ProcedureCode,
        charge: Decimal,
        units: Decimal,
        service_date: NaiveDate,
    ) -> Self {
        ProfessionalLine {
            procedure: Coded::Valid(procedure),
            modifiers: Modifiers::new(),
            charge,
            units,
            unit_basis: Coded::Valid(UnitBasis::Units),
            place_of_service: None,
            service_date: Some(service_date),
            service_end: None,
            diagnosis_pointers: DiagnosisPointers::from_slice(&[1]),
            rendering_provider: None,
            line_control_number: None,
            drug: None,
            other_payer_adjudications: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Sets the modifiers (the claim builder refuses more than four).
    pub fn modifiers(mut self, modifiers: impl IntoIterator<Item = Modifier>) -> Self {
        self.modifiers = modifiers.into_iter().collect();
        self
    }

    /// Sets the diagnosis pointers (1-based; the claim builder checks them).
    pub fn pointers(mut self, pointers: impl IntoIterator<Item = u8>) -> Self {
        self.diagnosis_pointers = pointers.into_iter().collect();
        self
    }

    /// Sets the unit basis.
    pub fn unit_basis(mut self, basis: UnitBasis) -> Self {
        self.unit_basis = Coded::Valid(basis);
        self
    }

    /// Sets a place of service for this line only.
    pub fn place_of_service(mut self, pos: PlaceOfService) -> Self {
        self.place_of_service = Some(Coded::Valid(pos));
        self
    }

    /// Makes the date of service a range ending on `end`.
    pub fn through(mut self, end: NaiveDate) -> Self {
        self.service_end = Some(end);
        self
    }

    /// Sets a rendering provider for this line only.
    pub fn rendering_provider(mut self, provider: Provider) -> Self {
        self.rendering_provider = Some(Box::new(provider));
        self
    }

    /// Sets the line item control number.
    pub fn control_number(mut self, number: impl Into<String>) -> Self {
        self.line_control_number = Some(number.into());
        self
    }

    /// Sets the drug.
    pub fn drug(mut self, drug: Drug) -> Self {
        self.drug = Some(Box::new(drug));
        self
    }
}

/// A diagnosis on an institutional claim, with its present-on-admission indicator.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diagnosis {
    /// The code, with its code list.
    pub code: DiagnosisCode,
    /// Present on admission (inpatient claims), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poa: Option<Coded<PoaIndicator>>,
}

impl Diagnosis {
    /// An ICD-10-CM diagnosis with a POA indicator.
    pub fn new(code: Icd10CmCode, poa: Option<PoaIndicator>) -> Self {
        Diagnosis::from_code(code.into(), poa)
    }

    /// A diagnosis of either code list (such as an ICD-9-CM one) with a POA indicator.
    pub fn from_code(code: DiagnosisCode, poa: Option<PoaIndicator>) -> Self {
        Diagnosis {
            code,
            poa: poa.map(Coded::Valid),
        }
    }
}

/// An inpatient procedure with its date (institutional: HI*BBR / BBQ for ICD-10-PCS, HI*BR / BQ
/// for ICD-9-CM).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IcdProcedure {
    /// The code, with its code list.
    pub code: IcdProcedureCode,
    /// The date performed (`None` when read without a usable one: a problem says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}

impl IcdProcedure {
    /// An ICD-10-PCS procedure performed on `date`.
    pub fn new(code: Icd10PcsCode, date: NaiveDate) -> Self {
        IcdProcedure::from_code(code.into(), date)
    }

    /// A procedure of either code list (such as an ICD-9-CM one) performed on `date`.
    pub fn from_code(code: IcdProcedureCode, date: NaiveDate) -> Self {
        IcdProcedure {
            code,
            date: Some(date),
        }
    }
}

/// An occurrence code with its date (HI*BH).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Occurrence {
    /// The two-character occurrence code, as sent.
    pub code: String,
    /// Its date (`None` when read without a usable one: a problem says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}

/// An occurrence span code with its dates (HI*BI).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OccurrenceSpan {
    /// The two-character occurrence span code, as sent.
    pub code: String,
    /// First date (`None` when read without a usable range: a problem says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Last date (inclusive, as on the UB-04).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

/// A value code with its amount (HI*BE).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ValueCode {
    /// The two-character value code.
    pub code: String,
    /// Its amount.
    pub amount: Decimal,
}

/// Admission data (DTP*435, CL1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Admission {
    /// Admission date.
    pub date: NaiveDate,
    /// Admission hour (0 to 23).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour: Option<u8>,
    /// Admission type code (CL101), such as `"1"` emergency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_code: Option<String>,
    /// Point of origin (admission source) code (CL102).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_code: Option<String>,
}

/// Discharge data (DTP*096, CL103).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Discharge {
    /// Discharge hour (0 to 23).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour: Option<u8>,
    /// Patient discharge status code (CL103), such as `"01"` home.
    pub status_code: String,
}

/// An institutional service line (loop 2400, SV2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstitutionalLine {
    /// Four-digit revenue code, such as `"0450"`, as sent.
    pub revenue_code: Coded<RevenueCode>,
    /// HCPCS or CPT code, when the revenue code needs one, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<Coded<ProcedureCode>>,
    /// Up to four modifiers, as sent.
    #[serde(default, skip_serializing_if = "<[Coded<Modifier>]>::is_empty")]
    pub modifiers: Modifiers,
    /// Line charge.
    pub charge: Decimal,
    /// Quantity.
    pub units: Decimal,
    /// What the quantity counts, as sent.
    #[serde(default = "default_institutional_unit_basis")]
    pub unit_basis: Coded<InstitutionalUnitBasis>,
    /// Non-covered charge (SV207).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_covered_charge: Option<Decimal>,
    /// Date of service (required for outpatient lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_date: Option<NaiveDate>,
    /// The provider's line item control number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_control_number: Option<String>,
    /// Drug administered (boxed: rarely present, and it keeps a line small).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drug: Option<Box<Drug>>,
    /// What earlier payers did with the line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_payer_adjudications: Vec<LineAdjudication>,
    /// Segments the model does not cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<RawSegment>,
}

impl InstitutionalLine {
    /// A line with revenue code, charge and units. The revenue code is text as a biller
    /// types it (`"0450"`); one that is not four digits is kept and reported by
    /// [`Claim::check`].
    pub fn new(revenue_code: &str, charge: Decimal, units: Decimal) -> Self {
        InstitutionalLine {
            revenue_code: Coded::parse(revenue_code),
            procedure: None,
            modifiers: Modifiers::new(),
            charge,
            units,
            unit_basis: Coded::Valid(InstitutionalUnitBasis::Units),
            non_covered_charge: None,
            service_date: None,
            line_control_number: None,
            drug: None,
            other_payer_adjudications: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// Sets the HCPCS/CPT code and its modifiers.
    pub fn procedure(
        mut self,
        procedure: ProcedureCode,
        modifiers: impl IntoIterator<Item = Modifier>,
    ) -> Self {
        self.procedure = Some(Coded::Valid(procedure));
        self.modifiers = modifiers.into_iter().collect();
        self
    }

    /// Sets the date of service.
    pub fn service_date(mut self, date: NaiveDate) -> Self {
        self.service_date = Some(date);
        self
    }

    /// Sets the unit basis.
    pub fn unit_basis(mut self, basis: InstitutionalUnitBasis) -> Self {
        self.unit_basis = Coded::Valid(basis);
        self
    }

    /// Sets the line item control number.
    pub fn control_number(mut self, number: impl Into<String>) -> Self {
        self.line_control_number = Some(number.into());
        self
    }
}

/// What only a professional claim has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProfessionalDetail {
    /// Place of service for the claim (CLM05-1), as sent; lines may override.
    pub place_of_service: Coded<PlaceOfService>,
    /// One to twelve diagnoses, each with its code list; the first is the principal.
    pub diagnoses: Vec<DiagnosisCode>,
    /// Service lines.
    pub lines: Vec<ProfessionalLine>,
}

/// What only an institutional claim has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstitutionalDetail {
    /// The first two digits of the type of bill (CLM05-1: facility type and bill
    /// classification, such as `"13"` hospital outpatient), as sent; the third is the claim's
    /// [`FrequencyCode`].
    pub type_of_bill: String,
    /// Statement period start (`None` when read without a usable DTP*434: a problem says
    /// why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_from: Option<NaiveDate>,
    /// Statement period end (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_to: Option<NaiveDate>,
    /// Admission, for inpatient claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission: Option<Admission>,
    /// Discharge status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharge: Option<Discharge>,
    /// Attending provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attending_provider: Option<Provider>,
    /// Operating physician.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_provider: Option<Provider>,
    /// Principal diagnosis (`None` when the claim was read without one: the scrubber's
    /// `DX.MISSING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_diagnosis: Option<Diagnosis>,
    /// Admitting diagnosis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admitting_diagnosis: Option<DiagnosisCode>,
    /// Patient's reasons for visit (up to three, outpatient).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reason_for_visit: Vec<DiagnosisCode>,
    /// Other diagnoses (up to 24).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_diagnoses: Vec<Diagnosis>,
    /// External cause of injury codes (up to 12).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_causes: Vec<Diagnosis>,
    /// Principal procedure (ICD-10-PCS, or ICD-9-CM before October 2015).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_procedure: Option<IcdProcedure>,
    /// Other procedures (up to 24).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_procedures: Vec<IcdProcedure>,
    /// Occurrence codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub occurrences: Vec<Occurrence>,
    /// Occurrence span codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub occurrence_spans: Vec<OccurrenceSpan>,
    /// Value codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_codes: Vec<ValueCode>,
    /// Diagnosis related group, when the provider assigns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drg: Option<String>,
    /// Service lines.
    pub lines: Vec<InstitutionalLine>,
}

/// The form-specific part of a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClaimDetail {
    /// 837P / CMS-1500.
    Professional(ProfessionalDetail),
    /// 837I / UB-04 (boxed: it is much larger than the professional part).
    Institutional(Box<InstitutionalDetail>),
}

/// A professional or institutional claim.
///
/// Build one with [`Claim::professional`] or [`Claim::institutional`]; the builder refuses a
/// claim that cannot exist (a diagnosis pointer to nothing, five modifiers, a negative
/// charge) and says which field and why. What a payer may reject but that can exist (an
/// unlisted code, an age/sex conflict, a missing referral) is the scrubber's job.
///
/// A claim read from an 837 or deserialised from JSON is kept whatever its values: every code
/// is held as sent ([`Coded`]), a value the model cannot hold is reported in
/// [`problems`](Claim::problems) with where it was, and nothing is refused. Strict use is one
/// call away: [`Claim::check`] lists every problem (the reader's and the claim's own rules),
/// [`Claim::validate`] returns the first as an error.
///
/// Fields are public for reading and for corrections; [`Claim::validate`] re-checks a
/// claim after changing it.
///
/// ```
/// use medbill_claim::{BillingProvider, Claim, ClaimFilingIndicator, Payer, PersonName,
///     ProfessionalLine, Provider, Subscriber, Address, Phi};
/// use rust_decimal::Decimal;
/// let day = "2026-03-02".parse().unwrap();
/// let billing = BillingProvider {
///     provider: Provider::organization("EXAMPLE CLINIC", "1234567893".parse()?),
///     tin: Phi::new("123456789".into()),
///     tin_is_ssn: false,
///     address: Address::default(),
/// };
/// let claim = Claim::professional("PCN1")
///     .billing_provider(billing)
///     .subscriber(Subscriber::new("W123456789", PersonName::new("DOE", "JANE")))
///     .payer(Payer::new("87726", "EXAMPLE HEALTH"), ClaimFilingIndicator::Commercial)
///     .place_of_service("11".parse()?)
///     .diagnosis("E11.9".parse()?)
///     .line(ProfessionalLine::new("99213".parse()?, Decimal::new(12500, 2), Decimal::ONE, day))
///     .build()
///     .unwrap();
/// assert_eq!(claim.total_charge, Decimal::new(12500, 2));
/// // Five modifiers cannot go on a line.
/// let m = "59".parse()?;
/// let err = Claim::professional("PCN2")
///     .billing_provider(claim.billing_provider.clone())
///     .subscriber(claim.subscriber.clone())
///     .payer(claim.payer.clone(), claim.filing_indicator.clone())
///     .place_of_service("11".parse()?)
///     .diagnosis("E11.9".parse()?)
///     .line(ProfessionalLine::new("99213".parse()?, Decimal::ONE, Decimal::ONE, day)
///         .modifiers([m, m, m, m, m]))
///     .build()
///     .unwrap_err();
/// assert_eq!(err.to_string(), "lines[0].modifiers has 5 entries; at most 4 are allowed");
///
/// // Read leniently (as JSON is), a claim keeps what the builder would refuse, and says so.
/// let mut json = serde_json::to_value(&claim).unwrap();
/// json["detail"]["lines"][0]["procedure"] = "9921".into();
/// let read: Claim = serde_json::from_value(json).unwrap();
/// assert_eq!(read.check()[0].to_string(),
///     "lines[0].procedure: CPT code must be 5 characters long, found 4");
/// assert!(read.validate().is_err());
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Claim {
    /// Patient control number (CLM01): the provider's claim id, echoed by payers.
    pub patient_control_number: Text,
    /// Billing provider: shared with the other claims of its billing-provider loop when read
    /// from an 837 (see [`Shared`]).
    pub billing_provider: Shared<BillingProvider>,
    /// Pay-to address, when different (boxed, as the other rarely present parts: they keep
    /// a claim small).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_to: Option<Box<PayTo>>,
    /// Rendering provider for the claim (professional; boxed, like the other optional
    /// providers, to keep a claim small).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendering_provider: Option<Box<Provider>>,
    /// Referring provider (boxed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referring_provider: Option<Box<Provider>>,
    /// Service facility, when not the billing address (boxed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_facility: Option<Box<ServiceFacility>>,
    /// The subscriber of the coverage billed.
    pub subscriber: Subscriber,
    /// The patient, when not the subscriber (boxed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<Box<Patient>>,
    /// The payer billed: shared, since claims read from one file mostly bill the same few
    /// payers (reads and writes as a [`Payer`], see [`Shared`]).
    pub payer: Shared<Payer>,
    /// The kind of plan (SBR09), as sent.
    pub filing_indicator: Coded<ClaimFilingIndicator>,
    /// This payer's place in the coordination-of-benefits order (SBR01), as sent.
    pub sequence: Coded<PayerSequence>,
    /// The other payers, with what they paid when this is not the primary claim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_payers: Vec<OtherPayer>,
    /// Total charge (CLM02) as sent; the sum of the line charges when built unless set
    /// otherwise.
    pub total_charge: Decimal,
    /// Original, replacement, void, or an institutional interim code (CLM05-3), as sent.
    pub frequency: Coded<FrequencyCode>,
    /// The payer's claim number of the claim replaced or voided (REF*F8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_payer_claim_number: Option<String>,
    /// Prior authorization number (REF*G1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_authorization: Option<String>,
    /// Referral number (REF*9F).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_number: Option<String>,
    /// Accident or employment relation (boxed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accident: Option<Box<Accident>>,
    /// Condition codes (HI*BG).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_codes: Vec<String>,
    /// Provider accepts assignment (CLM07 = A).
    #[serde(default = "yes")]
    pub accepts_assignment: bool,
    /// Patient assigned benefits to the provider (CLM08 = Y).
    #[serde(default = "yes")]
    pub benefits_assigned: bool,
    /// Release of information code (CLM09), `"Y"` or `"I"`.
    #[serde(default = "release_default")]
    pub release_of_information: Text,
    /// The form-specific part.
    pub detail: ClaimDetail,
    /// Segments the model does not cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<RawSegment>,
    /// What the reader could not use as read, each with where it was: the claim holds the
    /// value as sent (or none), the problem says why. Empty for a built claim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

fn yes() -> bool {
    true
}

fn release_default() -> Text {
    Text::from("Y")
}

/// The most service lines an 837P claim may carry.
pub const MAX_PROFESSIONAL_LINES: usize = 50;
/// The most service lines an 837I claim may carry.
pub const MAX_INSTITUTIONAL_LINES: usize = 999;
/// The most diagnoses a professional claim may carry.
pub const MAX_PROFESSIONAL_DIAGNOSES: usize = 12;
/// The most modifiers a line may carry.
pub const MAX_MODIFIERS: usize = 4;
/// The most diagnosis pointers a professional line may carry.
pub const MAX_POINTERS: usize = 4;

impl Claim {
    /// Starts a professional claim.
    pub fn professional(patient_control_number: impl Into<Text>) -> ClaimBuilder {
        ClaimBuilder::new(patient_control_number.into(), Form::Professional)
    }

    /// Starts an institutional claim with its type of bill (first two digits) and statement
    /// period.
    pub fn institutional(
        patient_control_number: impl Into<Text>,
        type_of_bill: impl Into<String>,
        statement_from: NaiveDate,
        statement_to: NaiveDate,
    ) -> ClaimBuilder {
        ClaimBuilder::new(
            patient_control_number.into(),
            Form::Institutional {
                type_of_bill: type_of_bill.into(),
                statement_from,
                statement_to,
            },
        )
    }

    /// The professional part, if this is a professional claim.
    pub fn professional_detail(&self) -> Option<&ProfessionalDetail> {
        match &self.detail {
            ClaimDetail::Professional(p) => Some(p),
            ClaimDetail::Institutional(_) => None,
        }
    }

    /// The institutional part, if this is an institutional claim.
    pub fn institutional_detail(&self) -> Option<&InstitutionalDetail> {
        match &self.detail {
            ClaimDetail::Institutional(i) => Some(i),
            ClaimDetail::Professional(_) => None,
        }
    }

    /// Every diagnosis code on the claim, principal first (for institutional claims:
    /// principal, admitting, reasons for visit, other diagnoses, external causes), each with
    /// its code list and as sent.
    pub fn diagnosis_codes(&self) -> Vec<DiagnosisCode> {
        match &self.detail {
            ClaimDetail::Professional(p) => p.diagnoses.clone(),
            ClaimDetail::Institutional(i) => i
                .principal_diagnosis
                .iter()
                .map(|d| d.code.clone())
                .chain(i.admitting_diagnosis.iter().cloned())
                .chain(i.reason_for_visit.iter().cloned())
                .chain(i.other_diagnoses.iter().map(|d| d.code.clone()))
                .chain(i.external_causes.iter().map(|d| d.code.clone()))
                .collect(),
        }
    }

    /// The valid ICD-10-CM codes among [`diagnosis_codes`](Self::diagnosis_codes), in order.
    pub fn icd10_diagnoses(&self) -> Vec<Icd10CmCode> {
        self.diagnosis_codes()
            .iter()
            .filter_map(DiagnosisCode::as_icd10)
            .collect()
    }

    /// The full three-digit type of bill of an institutional claim: the two digits of
    /// [`InstitutionalDetail::type_of_bill`] and the frequency code as sent, such as `"111"`.
    pub fn type_of_bill(&self) -> Option<String> {
        self.institutional_detail()
            .map(|i| format!("{}{}", i.type_of_bill, self.frequency.x12_str()))
    }

    /// The diagnoses a professional line points at, in pointer order; empty for a line that
    /// does not exist and for institutional claims. Pointers past the end of the list (which
    /// a read claim may have: the scrubber's `DX.POINTER`) point at nothing.
    pub fn line_diagnoses(&self, line: usize) -> Vec<DiagnosisCode> {
        let Some(p) = self.professional_detail() else {
            return Vec::new();
        };
        let Some(l) = p.lines.get(line) else {
            return Vec::new();
        };
        l.diagnosis_pointers
            .iter()
            .filter_map(|&ptr| p.diagnoses.get(usize::from(ptr).checked_sub(1)?).cloned())
            .collect()
    }

    /// The number of service lines.
    pub fn line_count(&self) -> usize {
        match &self.detail {
            ClaimDetail::Professional(p) => p.lines.len(),
            ClaimDetail::Institutional(i) => i.lines.len(),
        }
    }

    /// The sum of the line charges.
    pub fn line_charge_total(&self) -> Decimal {
        match &self.detail {
            ClaimDetail::Professional(p) => p.lines.iter().map(|l| l.charge).sum(),
            ClaimDetail::Institutional(i) => i.lines.iter().map(|l| l.charge).sum(),
        }
    }

    /// First and last dates of service (inclusive): from the lines of a professional claim,
    /// the statement period of an institutional one. `None` when none is known.
    pub fn service_dates(&self) -> Option<(NaiveDate, NaiveDate)> {
        match &self.detail {
            ClaimDetail::Professional(p) => {
                let first = p.lines.iter().filter_map(|l| l.service_date).min()?;
                let last = p
                    .lines
                    .iter()
                    .filter_map(|l| l.service_end.or(l.service_date))
                    .max()?;
                Some((first, last))
            }
            ClaimDetail::Institutional(i) => match (i.statement_from, i.statement_to) {
                (Some(a), Some(b)) => Some((a, b)),
                (Some(a), None) | (None, Some(a)) => Some((a, a)),
                (None, None) => None,
            },
        }
    }

    /// The patient's birth date, for age edits. **Reveals PHI**: the patient's when a
    /// separate patient is given, the subscriber's otherwise.
    pub fn patient_birth_date(&self) -> Option<NaiveDate> {
        match &self.patient {
            Some(p) => p.birth_date.map(|d| *d.reveal()),
            None => self.subscriber.birth_date.map(|d| *d.reveal()),
        }
    }

    /// The patient's sex, for sex edits (`None` when not given or not a valid code).
    pub fn patient_sex(&self) -> Option<Sex> {
        match &self.patient {
            Some(p) => p.sex.as_ref().and_then(Coded::get),
            None => self.subscriber.sex.as_ref().and_then(Coded::get),
        }
    }

    /// The patient's age in whole years on a date, for age edits (computed from the revealed
    /// birth date; the birth date itself is not returned). `None` without a birth date or
    /// when the date is before birth.
    pub fn patient_age_on(&self, date: NaiveDate) -> Option<u32> {
        let birth = self.patient_birth_date()?;
        date.years_since(birth)
    }

    /// The `created` ledger event for this claim, dated `entered` (the charge entry date).
    pub fn created_event(&self, entered: NaiveDate) -> LedgerEvent {
        let (from, to) = self.service_dates().unwrap_or((entered, entered));
        LedgerEvent::new(
            self.patient_control_number.as_str(),
            entered,
            EventKind::Created {
                charge: self.total_charge,
                service_date: from,
                service_end: (to != from).then_some(to),
                self_pay: false,
            },
        )
        .with_payer(self.payer.id.clone())
    }

    /// The `submitted` (frequency 1, first time) or `resubmitted` ledger event for sending
    /// this claim on `date`. A claim whose frequency or sequence is not a valid code is
    /// recorded as a resubmission of frequency 1 (original), as primary: the ledger needs a
    /// value, and the claim's problems say what was sent.
    pub fn submission_event(&self, date: NaiveDate, first_time: bool) -> LedgerEvent {
        let sequence = self.sequence.get().unwrap_or(PayerSequence::Primary);
        let kind = if first_time && self.frequency == FrequencyCode::Original {
            EventKind::Submitted {
                charge: self.total_charge,
                sequence,
                batch_control_number: None,
            }
        } else {
            EventKind::Resubmitted {
                charge: self.total_charge,
                frequency: self.frequency.get().unwrap_or(FrequencyCode::Original),
                sequence,
                batch_control_number: None,
            }
        };
        LedgerEvent::new(self.patient_control_number.as_str(), date, kind)
            .with_payer(self.payer.id.clone())
    }

    /// Every problem of the claim: what the reader reported (with where it was in the input),
    /// then each rule of the claim form the claim breaks (a code that is not valid, a pointer
    /// to no diagnosis, five modifiers, a negative charge, a missing required part), in field
    /// order. Empty for a claim the builder would accept.
    ///
    /// A rule is not repeated for a field the reader already reported.
    pub fn check(&self) -> Vec<Problem> {
        let mut c = Checks::new(&self.problems);
        self.check_into(&mut c);
        let mut out = self.problems.clone();
        out.append(&mut c.found);
        out
    }

    /// The first problem [`check`](Self::check) finds, as an error: one line for strict use.
    pub fn validate(&self) -> Result<(), ClaimError> {
        match self.problems.first() {
            Some(p) => Err(p.error.clone()),
            None => {
                let mut c = Checks::first_only();
                self.check_into(&mut c);
                match c.found.into_iter().next() {
                    Some(p) => Err(p.error),
                    None => Ok(()),
                }
            }
        }
    }

    fn check_into(&self, c: &mut Checks<'_>) {
        if self.patient_control_number.trim().is_empty() {
            c.push(ClaimError::missing("patient_control_number"));
        } else if self.patient_control_number.len() > 38 {
            c.push(ClaimError::invalid(
                "patient_control_number",
                "longer than 38 characters, the most X12 CLM01 holds",
            ));
        }
        check_provider(c, "billing_provider", &self.billing_provider.provider);
        for (field, p) in [
            ("rendering_provider", self.rendering_provider.as_deref()),
            ("referring_provider", self.referring_provider.as_deref()),
            (
                "service_facility",
                self.service_facility.as_deref().map(|f| &f.provider),
            ),
        ] {
            if let Some(p) = p {
                check_provider(c, field, p);
            }
        }
        c.coded("filing_indicator", &self.filing_indicator);
        c.coded("sequence", &self.sequence);
        c.coded("frequency", &self.frequency);
        // Lines first: a negative line charge is the cause of a negative total.
        match &self.detail {
            ClaimDetail::Professional(p) => check_professional(c, p),
            ClaimDetail::Institutional(i) => check_institutional(c, i),
        }
        c.non_negative("total_charge", self.total_charge);
        if self
            .frequency
            .get()
            .is_some_and(FrequencyCode::refers_to_prior_claim)
            && self
                .original_payer_claim_number
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
        {
            c.push(ClaimError::missing("original_payer_claim_number"));
        }
        if let Some(p) = &self.patient {
            c.coded("patient.relationship", &p.relationship);
            if p.relationship == Relationship::SelfPerson {
                c.push(ClaimError::invalid(
                    "patient.relationship",
                    "a patient who is the subscriber goes in subscriber, with no separate patient",
                ));
            }
            if let Some(s) = &p.sex {
                c.coded("patient.sex", s);
            }
        }
        if let Some(s) = &self.subscriber.sex {
            c.coded("subscriber.sex", s);
        }
        if let Some(a) = &self.accident {
            if a.causes.is_empty() {
                c.push(ClaimError::Empty {
                    field: "accident.causes".into(),
                });
            }
            c.max_len("accident.causes", a.causes.len(), 3);
            for (i, cause) in a.causes.iter().enumerate() {
                c.coded_at(|| format!("accident.causes[{i}]"), cause);
            }
        }
        for (i, op) in self.other_payers.iter().enumerate() {
            c.coded_at(|| format!("other_payers[{i}].sequence"), &op.sequence);
            if op.sequence.get().is_some() && op.sequence == self.sequence {
                c.push(ClaimError::invalid(
                    format!("other_payers[{i}].sequence"),
                    "the same responsibility sequence as the payer billed",
                ));
            }
        }
    }
}

/// The problems found so far, and the fields the reader already reported (not reported again).
struct Checks<'a> {
    reported: &'a [Problem],
    found: Vec<Problem>,
    /// Stop after the first (for `validate`, which runs on every build).
    first_only: bool,
}

impl<'a> Checks<'a> {
    fn new(reported: &'a [Problem]) -> Self {
        Checks {
            reported,
            found: Vec::new(),
            first_only: false,
        }
    }

    fn first_only() -> Checks<'static> {
        Checks {
            reported: &[],
            found: Vec::new(),
            first_only: true,
        }
    }

    fn done(&self) -> bool {
        self.first_only && !self.found.is_empty()
    }

    fn push(&mut self, error: ClaimError) {
        if self.done() {
            return;
        }
        let field = error.field().unwrap_or("");
        if self.reported.iter().any(|p| p.field() == Some(field)) {
            return;
        }
        self.found.push(Problem::new(error));
    }

    fn coded<T>(&mut self, field: &str, value: &Coded<T>) {
        if let Coded::Invalid(u) = value {
            self.push_code(field.to_owned(), u);
        }
    }

    /// [`coded`](Self::coded) with the field path made only when it is needed.
    fn coded_at<T>(&mut self, field: impl FnOnce() -> String, value: &Coded<T>) {
        if let Coded::Invalid(u) = value {
            self.push_code(field(), u);
        }
    }

    fn push_code(&mut self, field: String, u: &medbill_codes::Unrecognized) {
        if self.done() || self.reported.iter().any(|p| p.field() == Some(&field)) {
            return;
        }
        self.found.push(
            Problem::new(ClaimError::code(field, u.reason().clone())).sent(Text::from(u.text())),
        );
    }

    fn diagnosis(&mut self, field: impl FnOnce() -> String, code: &DiagnosisCode) {
        match code {
            DiagnosisCode::Icd10Cm(c) => self.coded_at(field, c),
            DiagnosisCode::Icd9Cm(c) => self.coded_at(field, c),
        }
    }

    fn non_negative(&mut self, field: impl std::fmt::Display, amount: Decimal) {
        if amount.is_sign_negative() && !amount.is_zero() && !self.done() {
            self.push(ClaimError::Negative {
                field: field.to_string(),
                amount,
            });
        }
    }

    fn positive(&mut self, field: impl std::fmt::Display, amount: Decimal) {
        if amount <= Decimal::ZERO && !self.done() {
            self.push(ClaimError::NotPositive {
                field: field.to_string(),
                amount,
            });
        }
    }

    fn max_len(&mut self, field: impl std::fmt::Display, found: usize, max: usize) {
        if found > max && !self.done() {
            self.push(ClaimError::TooMany {
                field: field.to_string(),
                max,
                found,
            });
        }
    }

    fn not_empty(&mut self, field: impl std::fmt::Display, len: usize) {
        if len == 0 && !self.done() {
            self.push(ClaimError::Empty {
                field: field.to_string(),
            });
        }
    }

    fn modifiers(&mut self, line: usize, modifiers: &Modifiers) {
        self.max_len(
            LineField {
                line,
                name: "modifiers",
            },
            modifiers.given(),
            MAX_MODIFIERS,
        );
        for (j, m) in modifiers.iter().enumerate() {
            self.coded_at(|| format!("lines[{line}].modifiers[{j}]"), m);
        }
    }

    fn drug(&mut self, field: &dyn std::fmt::Display, drug: Option<&Drug>) {
        if let Some(d) = drug {
            if d.ndc.len() != 11 || !d.ndc.bytes().all(|b| b.is_ascii_digit()) {
                self.push(ClaimError::invalid(
                    format!("{field}.ndc"),
                    "an NDC on a claim is 11 digits (5-4-2) without hyphens",
                ));
            }
            self.positive(
                SubField {
                    parent: field,
                    name: "quantity",
                },
                d.quantity,
            );
            self.coded_at(|| format!("{field}.unit"), &d.unit);
        }
    }
}

fn check_provider(c: &mut Checks<'_>, field: &str, p: &Provider) {
    if let Some(npi) = &p.npi {
        c.coded_at(|| format!("{field}.npi"), npi);
    }
}

// The checks take the field's path as `Display` and make its text only when a problem needs
// it: `validate` runs on every claim built, and almost every claim passes.

/// A field path below a service line, `lines[i].name`, written only when an error needs it.
struct LineField<'a> {
    line: usize,
    name: &'a str,
}

impl std::fmt::Display for LineField<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "lines[{}].{}", self.line, self.name)
    }
}

/// A field path with a suffix, `parent.name`.
struct SubField<'a> {
    parent: &'a dyn std::fmt::Display,
    name: &'a str,
}

impl std::fmt::Display for SubField<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.parent, self.name)
    }
}

fn check_professional(c: &mut Checks<'_>, p: &ProfessionalDetail) {
    c.coded("place_of_service", &p.place_of_service);
    c.not_empty("diagnoses", p.diagnoses.len());
    c.max_len("diagnoses", p.diagnoses.len(), MAX_PROFESSIONAL_DIAGNOSES);
    for (i, d) in p.diagnoses.iter().enumerate() {
        c.diagnosis(|| format!("diagnoses[{i}]"), d);
    }
    c.not_empty("lines", p.lines.len());
    c.max_len("lines", p.lines.len(), MAX_PROFESSIONAL_LINES);
    for (i, line) in p.lines.iter().enumerate() {
        if c.done() {
            return;
        }
        let f = |name| LineField { line: i, name };
        c.coded_at(|| f("procedure").to_string(), &line.procedure);
        c.non_negative(f("charge"), line.charge);
        c.positive(f("units"), line.units);
        c.coded_at(|| f("unit_basis").to_string(), &line.unit_basis);
        c.modifiers(i, &line.modifiers);
        if let Some(pos) = &line.place_of_service {
            c.coded_at(|| f("place_of_service").to_string(), pos);
        }
        match (line.service_date, line.service_end) {
            (None, _) => c.push(ClaimError::missing(f("service_date").to_string())),
            (Some(start), Some(end)) if end < start => c.push(ClaimError::DateOrder {
                field: f("service_end").to_string(),
                reason: "the range ends before it starts",
            }),
            _ => {}
        }
        c.not_empty(f("diagnosis_pointers"), line.diagnosis_pointers.len());
        c.max_len(
            f("diagnosis_pointers"),
            line.diagnosis_pointers.given(),
            MAX_POINTERS,
        );
        for (j, &ptr) in line.diagnosis_pointers.iter().enumerate() {
            if ptr == 0 || usize::from(ptr) > p.diagnoses.len() {
                c.push(ClaimError::PointerOutOfRange {
                    field: format!("lines[{i}].diagnosis_pointers[{j}]"),
                    pointer: ptr,
                    diagnoses: p.diagnoses.len(),
                });
            } else if line.diagnosis_pointers[..j].contains(&ptr) {
                c.push(ClaimError::invalid(
                    format!("lines[{i}].diagnosis_pointers[{j}]"),
                    format!("pointer {ptr} is repeated"),
                ));
            }
        }
        if let Some(p) = &line.rendering_provider {
            check_provider(c, &format!("lines[{i}].rendering_provider"), p);
        }
        c.drug(&f("drug"), line.drug.as_deref());
    }
}

fn check_institutional(c: &mut Checks<'_>, d: &InstitutionalDetail) {
    if d.type_of_bill.len() != 2 || !d.type_of_bill.bytes().all(|b| b.is_ascii_digit()) {
        c.push(ClaimError::invalid(
            "type_of_bill",
            "the facility type and bill classification: two digits such as \"13\"",
        ));
    }
    match (d.statement_from, d.statement_to) {
        (None, _) => c.push(ClaimError::missing("statement_from")),
        (_, None) => c.push(ClaimError::missing("statement_to")),
        (Some(from), Some(to)) if to < from => c.push(ClaimError::DateOrder {
            field: "statement_to".into(),
            reason: "the statement period ends before it starts",
        }),
        _ => {}
    }
    if let Some(a) = &d.admission
        && a.hour.is_some_and(|h| h > 23)
    {
        c.push(ClaimError::invalid("admission.hour", "hours are 0 to 23"));
    }
    if let Some(x) = &d.discharge
        && x.hour.is_some_and(|h| h > 23)
    {
        c.push(ClaimError::invalid("discharge.hour", "hours are 0 to 23"));
    }
    for (field, p) in [
        ("attending_provider", d.attending_provider.as_ref()),
        ("operating_provider", d.operating_provider.as_ref()),
    ] {
        if let Some(p) = p {
            check_provider(c, field, p);
        }
    }
    match &d.principal_diagnosis {
        None => c.push(ClaimError::missing("principal_diagnosis")),
        Some(dx) => {
            c.diagnosis(|| "principal_diagnosis".into(), &dx.code);
            if let Some(poa) = &dx.poa {
                c.coded("principal_diagnosis.poa", poa);
            }
        }
    }
    if let Some(a) = &d.admitting_diagnosis {
        c.diagnosis(|| "admitting_diagnosis".into(), a);
    }
    for (i, r) in d.reason_for_visit.iter().enumerate() {
        c.diagnosis(|| format!("reason_for_visit[{i}]"), r);
    }
    for (name, list) in [
        ("other_diagnoses", &d.other_diagnoses),
        ("external_causes", &d.external_causes),
    ] {
        for (i, dx) in list.iter().enumerate() {
            c.diagnosis(|| format!("{name}[{i}]"), &dx.code);
            if let Some(poa) = &dx.poa {
                c.coded_at(|| format!("{name}[{i}].poa"), poa);
            }
        }
    }
    c.max_len("reason_for_visit", d.reason_for_visit.len(), 3);
    c.max_len("other_diagnoses", d.other_diagnoses.len(), 24);
    c.max_len("external_causes", d.external_causes.len(), 12);
    c.max_len("other_procedures", d.other_procedures.len(), 24);
    if d.principal_procedure.is_none() && !d.other_procedures.is_empty() {
        c.push(ClaimError::missing("principal_procedure"));
    }
    for (i, p) in d
        .principal_procedure
        .iter()
        .chain(&d.other_procedures)
        .enumerate()
    {
        let field = || {
            if i == 0 {
                "principal_procedure".to_owned()
            } else {
                format!("other_procedures[{}]", i - 1)
            }
        };
        match &p.code {
            IcdProcedureCode::Icd10Pcs(code) => c.coded_at(field, code),
            IcdProcedureCode::Icd9Cm(code) => c.coded_at(field, code),
        }
        if p.date.is_none() {
            c.push(ClaimError::missing(format!("{}.date", field())));
        }
    }
    for (i, s) in d.occurrence_spans.iter().enumerate() {
        if let (Some(from), Some(to)) = (s.from, s.to)
            && to < from
        {
            c.push(ClaimError::DateOrder {
                field: format!("occurrence_spans[{i}].to"),
                reason: "the span ends before it starts",
            });
        }
    }
    c.not_empty("lines", d.lines.len());
    c.max_len("lines", d.lines.len(), MAX_INSTITUTIONAL_LINES);
    for (i, line) in d.lines.iter().enumerate() {
        if c.done() {
            return;
        }
        let f = |name| LineField { line: i, name };
        c.coded_at(|| f("revenue_code").to_string(), &line.revenue_code);
        if let Some(p) = &line.procedure {
            c.coded_at(|| f("procedure").to_string(), p);
        }
        c.non_negative(f("charge"), line.charge);
        if let Some(n) = line.non_covered_charge {
            c.non_negative(f("non_covered_charge"), n);
        }
        c.positive(f("units"), line.units);
        c.coded_at(|| f("unit_basis").to_string(), &line.unit_basis);
        c.modifiers(i, &line.modifiers);
        if line.procedure.is_none() && !line.modifiers.is_empty() {
            c.push(ClaimError::invalid(
                f("modifiers").to_string(),
                "modifiers need a procedure code to modify",
            ));
        }
        c.drug(&f("drug"), line.drug.as_deref());
    }
}

#[derive(Debug, Clone)]
enum Form {
    Professional,
    Institutional {
        type_of_bill: String,
        statement_from: NaiveDate,
        statement_to: NaiveDate,
    },
}

/// Builds a [`Claim`], refusing impossible ones. Start with [`Claim::professional`] or
/// [`Claim::institutional`].
///
/// Setters that do not apply to the form being built (a place of service on an institutional
/// claim, a revenue-code line on a professional one) make [`build`](Self::build) fail with
/// [`ClaimError::Invalid`] naming the field.
#[derive(Debug, Clone)]
#[must_use]
pub struct ClaimBuilder {
    form: Form,
    patient_control_number: Text,
    billing_provider: Option<Shared<BillingProvider>>,
    pay_to: Option<PayTo>,
    rendering_provider: Option<Provider>,
    referring_provider: Option<Provider>,
    service_facility: Option<ServiceFacility>,
    subscriber: Option<Subscriber>,
    patient: Option<Patient>,
    payer: Option<(Shared<Payer>, Coded<ClaimFilingIndicator>)>,
    sequence: PayerSequence,
    other_payers: Vec<OtherPayer>,
    total_charge: Option<Decimal>,
    frequency: FrequencyCode,
    original_payer_claim_number: Option<String>,
    prior_authorization: Option<String>,
    referral_number: Option<String>,
    accident: Option<Accident>,
    condition_codes: Vec<String>,
    accepts_assignment: bool,
    benefits_assigned: bool,
    release_of_information: Text,
    place_of_service: Option<PlaceOfService>,
    diagnoses: Vec<DiagnosisCode>,
    professional_lines: Vec<ProfessionalLine>,
    institutional: InstitutionalParts,
    extra: Vec<RawSegment>,
    misuse: Option<ClaimError>,
}

#[derive(Debug, Clone, Default)]
struct InstitutionalParts {
    admission: Option<Admission>,
    discharge: Option<Discharge>,
    attending_provider: Option<Provider>,
    operating_provider: Option<Provider>,
    principal_diagnosis: Option<Diagnosis>,
    admitting_diagnosis: Option<DiagnosisCode>,
    reason_for_visit: Vec<DiagnosisCode>,
    other_diagnoses: Vec<Diagnosis>,
    external_causes: Vec<Diagnosis>,
    principal_procedure: Option<IcdProcedure>,
    other_procedures: Vec<IcdProcedure>,
    occurrences: Vec<Occurrence>,
    occurrence_spans: Vec<OccurrenceSpan>,
    value_codes: Vec<ValueCode>,
    drg: Option<String>,
    lines: Vec<InstitutionalLine>,
}

impl ClaimBuilder {
    fn new(patient_control_number: Text, form: Form) -> Self {
        ClaimBuilder {
            form,
            patient_control_number,
            billing_provider: None,
            pay_to: None,
            rendering_provider: None,
            referring_provider: None,
            service_facility: None,
            subscriber: None,
            patient: None,
            payer: None,
            sequence: PayerSequence::Primary,
            other_payers: Vec::new(),
            total_charge: None,
            frequency: FrequencyCode::Original,
            original_payer_claim_number: None,
            prior_authorization: None,
            referral_number: None,
            accident: None,
            condition_codes: Vec::new(),
            accepts_assignment: true,
            benefits_assigned: true,
            release_of_information: "Y".into(),
            place_of_service: None,
            diagnoses: Vec::new(),
            professional_lines: Vec::new(),
            institutional: InstitutionalParts::default(),
            extra: Vec::new(),
            misuse: None,
        }
    }

    fn is_professional(&self) -> bool {
        matches!(self.form, Form::Professional)
    }

    fn only(mut self, professional: bool, field: &str) -> Self {
        if self.is_professional() != professional && self.misuse.is_none() {
            let form = if professional {
                "professional"
            } else {
                "institutional"
            };
            self.misuse = Some(ClaimError::invalid(
                field,
                format!("applies to {form} claims only"),
            ));
        }
        self
    }

    /// Sets the billing provider (required): a [`BillingProvider`], or a [`Shared`] one that
    /// other claims hold too.
    pub fn billing_provider(mut self, provider: impl Into<Shared<BillingProvider>>) -> Self {
        self.billing_provider = Some(provider.into());
        self
    }

    /// Sets the pay-to address.
    pub fn pay_to(mut self, pay_to: PayTo) -> Self {
        self.pay_to = Some(pay_to);
        self
    }

    /// Sets the claim's rendering provider.
    pub fn rendering_provider(mut self, provider: Provider) -> Self {
        self.rendering_provider = Some(provider);
        self
    }

    /// Sets the referring provider.
    pub fn referring_provider(mut self, provider: Provider) -> Self {
        self.referring_provider = Some(provider);
        self
    }

    /// Sets the service facility.
    pub fn service_facility(mut self, facility: ServiceFacility) -> Self {
        self.service_facility = Some(facility);
        self
    }

    /// Sets the subscriber (required).
    pub fn subscriber(mut self, subscriber: Subscriber) -> Self {
        self.subscriber = Some(subscriber);
        self
    }

    /// Sets a patient who is not the subscriber.
    pub fn patient(mut self, patient: Patient) -> Self {
        self.patient = Some(patient);
        self
    }

    /// Sets the payer billed (a [`Payer`], or a [`Shared`] one) and the kind of plan
    /// (required).
    pub fn payer(
        mut self,
        payer: impl Into<Shared<Payer>>,
        filing_indicator: impl Into<Coded<ClaimFilingIndicator>>,
    ) -> Self {
        self.payer = Some((payer.into(), filing_indicator.into()));
        self
    }

    /// Sets the payer's place in the responsibility order (default primary).
    pub fn sequence(mut self, sequence: PayerSequence) -> Self {
        self.sequence = sequence;
        self
    }

    /// Adds another payer for coordination of benefits.
    pub fn other_payer(mut self, other: OtherPayer) -> Self {
        self.other_payers.push(other);
        self
    }

    /// Sets the total charge explicitly (default: the sum of the line charges). A total that
    /// differs from the lines is allowed here and reported by the scrubber.
    pub fn total_charge(mut self, total: Decimal) -> Self {
        self.total_charge = Some(total);
        self
    }

    /// Makes this a replacement or void of the claim the payer numbered
    /// `original_payer_claim_number` (or sets another frequency; original needs no number).
    pub fn frequency(
        mut self,
        frequency: FrequencyCode,
        original_payer_claim_number: Option<String>,
    ) -> Self {
        self.frequency = frequency;
        self.original_payer_claim_number = original_payer_claim_number;
        self
    }

    /// Sets the prior authorization number.
    pub fn prior_authorization(mut self, number: impl Into<String>) -> Self {
        self.prior_authorization = Some(number.into());
        self
    }

    /// Sets the referral number.
    pub fn referral_number(mut self, number: impl Into<String>) -> Self {
        self.referral_number = Some(number.into());
        self
    }

    /// Sets accident or employment information.
    pub fn accident(mut self, accident: Accident) -> Self {
        self.accident = Some(accident);
        self
    }

    /// Adds a condition code.
    pub fn condition_code(mut self, code: impl Into<String>) -> Self {
        self.condition_codes.push(code.into());
        self
    }

    /// Sets assignment: whether the provider accepts it and the patient assigned benefits.
    pub fn assignment(mut self, accepts_assignment: bool, benefits_assigned: bool) -> Self {
        self.accepts_assignment = accepts_assignment;
        self.benefits_assigned = benefits_assigned;
        self
    }

    /// Sets the release-of-information code (CLM09; default `"Y"`).
    pub fn release_of_information(mut self, code: impl Into<Text>) -> Self {
        self.release_of_information = code.into();
        self
    }

    /// Adds a segment the model does not cover.
    pub fn extra(mut self, segment: RawSegment) -> Self {
        self.extra.push(segment);
        self
    }

    /// Sets the claim's place of service (professional; required).
    pub fn place_of_service(mut self, pos: PlaceOfService) -> Self {
        self.place_of_service = Some(pos);
        self.only(true, "place_of_service")
    }

    /// Adds an ICD-10-CM diagnosis (professional; the first added is the principal).
    pub fn diagnosis(self, code: Icd10CmCode) -> Self {
        self.diagnosis_code(code.into())
    }

    /// Adds a diagnosis of either code list, such as an ICD-9-CM one for a date of service
    /// before October 2015 (professional; the first added is the principal).
    pub fn diagnosis_code(mut self, code: DiagnosisCode) -> Self {
        self.diagnoses.push(code);
        self.only(true, "diagnoses")
    }

    /// Adds a professional service line.
    pub fn line(mut self, line: ProfessionalLine) -> Self {
        self.professional_lines.push(line);
        self.only(true, "lines")
    }

    /// Sets the principal diagnosis (institutional; required).
    pub fn principal_diagnosis(mut self, diagnosis: Diagnosis) -> Self {
        self.institutional.principal_diagnosis = Some(diagnosis);
        self.only(false, "principal_diagnosis")
    }

    /// Sets the admitting diagnosis (institutional).
    pub fn admitting_diagnosis(mut self, code: Icd10CmCode) -> Self {
        self.institutional.admitting_diagnosis = Some(code.into());
        self.only(false, "admitting_diagnosis")
    }

    /// Adds a reason for visit (institutional outpatient, up to three).
    pub fn reason_for_visit(mut self, code: Icd10CmCode) -> Self {
        self.institutional.reason_for_visit.push(code.into());
        self.only(false, "reason_for_visit")
    }

    /// Adds an other diagnosis (institutional, up to 24).
    pub fn other_diagnosis(mut self, diagnosis: Diagnosis) -> Self {
        self.institutional.other_diagnoses.push(diagnosis);
        self.only(false, "other_diagnoses")
    }

    /// Adds an external cause of injury (institutional, up to 12).
    pub fn external_cause(mut self, diagnosis: Diagnosis) -> Self {
        self.institutional.external_causes.push(diagnosis);
        self.only(false, "external_causes")
    }

    /// Adds an inpatient procedure: the first added is the principal (institutional).
    pub fn procedure(mut self, procedure: IcdProcedure) -> Self {
        if self.institutional.principal_procedure.is_none() {
            self.institutional.principal_procedure = Some(procedure);
        } else {
            self.institutional.other_procedures.push(procedure);
        }
        self.only(false, "procedures")
    }

    /// Sets admission data (institutional).
    pub fn admission(mut self, admission: Admission) -> Self {
        self.institutional.admission = Some(admission);
        self.only(false, "admission")
    }

    /// Sets discharge data (institutional).
    pub fn discharge(mut self, discharge: Discharge) -> Self {
        self.institutional.discharge = Some(discharge);
        self.only(false, "discharge")
    }

    /// Sets the attending provider (institutional).
    pub fn attending_provider(mut self, provider: Provider) -> Self {
        self.institutional.attending_provider = Some(provider);
        self.only(false, "attending_provider")
    }

    /// Sets the operating physician (institutional).
    pub fn operating_provider(mut self, provider: Provider) -> Self {
        self.institutional.operating_provider = Some(provider);
        self.only(false, "operating_provider")
    }

    /// Adds an occurrence code (institutional).
    pub fn occurrence(mut self, occurrence: Occurrence) -> Self {
        self.institutional.occurrences.push(occurrence);
        self.only(false, "occurrences")
    }

    /// Adds an occurrence span (institutional).
    pub fn occurrence_span(mut self, span: OccurrenceSpan) -> Self {
        self.institutional.occurrence_spans.push(span);
        self.only(false, "occurrence_spans")
    }

    /// Adds a value code (institutional).
    pub fn value_code(mut self, value: ValueCode) -> Self {
        self.institutional.value_codes.push(value);
        self.only(false, "value_codes")
    }

    /// Sets the DRG (institutional).
    pub fn drg(mut self, drg: impl Into<String>) -> Self {
        self.institutional.drg = Some(drg.into());
        self.only(false, "drg")
    }

    /// Adds an institutional service line.
    pub fn institutional_line(mut self, line: InstitutionalLine) -> Self {
        self.institutional.lines.push(line);
        self.only(false, "lines")
    }

    /// Builds the claim, or says which field makes it impossible and why.
    pub fn build(self) -> Result<Claim, ClaimError> {
        if let Some(e) = self.misuse {
            return Err(e);
        }
        let billing_provider = self
            .billing_provider
            .ok_or_else(|| ClaimError::missing("billing_provider"))?;
        let subscriber = self
            .subscriber
            .ok_or_else(|| ClaimError::missing("subscriber"))?;
        let (payer, filing_indicator) = self.payer.ok_or_else(|| ClaimError::missing("payer"))?;
        let detail = match self.form {
            Form::Professional => ClaimDetail::Professional(ProfessionalDetail {
                place_of_service: Coded::Valid(
                    self.place_of_service
                        .ok_or_else(|| ClaimError::missing("place_of_service"))?,
                ),
                diagnoses: self.diagnoses,
                lines: self.professional_lines,
            }),
            Form::Institutional {
                type_of_bill,
                statement_from,
                statement_to,
            } => {
                let parts = self.institutional;
                ClaimDetail::Institutional(Box::new(InstitutionalDetail {
                    type_of_bill,
                    statement_from: Some(statement_from),
                    statement_to: Some(statement_to),
                    admission: parts.admission,
                    discharge: parts.discharge,
                    attending_provider: parts.attending_provider,
                    operating_provider: parts.operating_provider,
                    principal_diagnosis: Some(
                        parts
                            .principal_diagnosis
                            .ok_or_else(|| ClaimError::missing("principal_diagnosis"))?,
                    ),
                    admitting_diagnosis: parts.admitting_diagnosis,
                    reason_for_visit: parts.reason_for_visit,
                    other_diagnoses: parts.other_diagnoses,
                    external_causes: parts.external_causes,
                    principal_procedure: parts.principal_procedure,
                    other_procedures: parts.other_procedures,
                    occurrences: parts.occurrences,
                    occurrence_spans: parts.occurrence_spans,
                    value_codes: parts.value_codes,
                    drg: parts.drg,
                    lines: parts.lines,
                }))
            }
        };
        let mut claim = Claim {
            patient_control_number: self.patient_control_number,
            billing_provider,
            pay_to: self.pay_to.map(Box::new),
            rendering_provider: self.rendering_provider.map(Box::new),
            referring_provider: self.referring_provider.map(Box::new),
            service_facility: self.service_facility.map(Box::new),
            subscriber,
            patient: self.patient.map(Box::new),
            payer,
            filing_indicator,
            sequence: Coded::Valid(self.sequence),
            other_payers: self.other_payers,
            total_charge: Decimal::ZERO,
            frequency: Coded::Valid(self.frequency),
            original_payer_claim_number: self.original_payer_claim_number,
            prior_authorization: self.prior_authorization,
            referral_number: self.referral_number,
            accident: self.accident.map(Box::new),
            condition_codes: self.condition_codes,
            accepts_assignment: self.accepts_assignment,
            benefits_assigned: self.benefits_assigned,
            release_of_information: self.release_of_information,
            detail,
            extra: self.extra,
            problems: Vec::new(),
        };
        claim.total_charge = self
            .total_charge
            .unwrap_or_else(|| claim.line_charge_total());
        claim.validate()?;
        Ok(claim)
    }
}
