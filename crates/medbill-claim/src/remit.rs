//! Remittances (the 835 shape) and their balancing rules.

use chrono::NaiveDate;
use medbill_codes::{
    Carc, Coded, DenialCategory, GroupCode, Modifier, ProcedureCode, Rarc, RevenueCode,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ClaimError;
use crate::claim::FrequencyCode;
use crate::code_enum::code_enum;
use crate::party::{Address, ClaimFilingIndicator, PersonName};
use crate::phi::Phi;
use crate::problem::Problem;
use crate::raw::RawSegment;
use crate::text::Text;

/// One claim adjustment: a group code, a reason code (CARC), an amount and optionally a
/// quantity (a CAS triplet). The codes are held as sent ([`Coded`]): a remittance with a code
/// this crate does not know keeps it, and the adjustment still counts in the balances.
///
/// A positive amount reduces what the payer pays; a negative amount increases it. The reason
/// code's [`DenialCategory`] is available through [`category`](Adjustment::category) and is
/// written into JSON as `category` for consumers outside Rust (it is ignored when read back,
/// since it follows from the reason code).
///
/// ```
/// use medbill_claim::Adjustment;
/// use medbill_codes::{DenialCategory, GroupCode};
/// let adj = Adjustment::new(GroupCode::Co, "45".parse()?, "20.00".parse().unwrap());
/// assert_eq!(adj.category(), DenialCategory::Contractual);
/// let json = serde_json::to_string(&adj).unwrap();
/// assert_eq!(json, r#"{"group":"CO","reason":"45","amount":"20.00","category":"contractual"}"#);
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
pub struct Adjustment {
    /// Who the adjustment is assigned to (CO contractual, PR patient, OA other, PI payer), as
    /// sent.
    pub group: Coded<GroupCode>,
    /// Why: the claim adjustment reason code, as sent.
    pub reason: Coded<Carc>,
    /// The amount; positive reduces payment.
    pub amount: Decimal,
    /// Units adjusted, when the payer reports them.
    #[serde(default)]
    pub quantity: Option<Decimal>,
}

impl Serialize for Adjustment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let n = if self.quantity.is_some() { 5 } else { 4 };
        let mut st = s.serialize_struct("Adjustment", n)?;
        st.serialize_field("group", &self.group)?;
        st.serialize_field("reason", &self.reason)?;
        st.serialize_field("amount", &self.amount)?;
        if let Some(q) = &self.quantity {
            st.serialize_field("quantity", q)?;
        }
        st.serialize_field("category", &self.category())?;
        st.end()
    }
}

impl Adjustment {
    /// An adjustment without a quantity.
    pub fn new(group: GroupCode, reason: Carc, amount: Decimal) -> Self {
        Adjustment {
            group: Coded::Valid(group),
            reason: Coded::Valid(reason),
            amount,
            quantity: None,
        }
    }

    /// The reason code's denial category ([`DenialCategory::Other`] for a reason code that is
    /// not a valid one).
    pub fn category(&self) -> DenialCategory {
        self.reason
            .valid()
            .map_or(DenialCategory::Other, Carc::denial_category)
    }

    /// Whether this adjustment is the patient's to pay (group PR).
    pub fn is_patient_responsibility(&self) -> bool {
        self.group == GroupCode::Pr
    }

    /// Whether the reason is CARC 23, the impact of a prior payer's adjudication: on a
    /// secondary payer's remittance it restates what the primary already settled, so it is
    /// neither a denial nor a new reduction of the balance.
    pub fn is_prior_payer_impact(&self) -> bool {
        self.reason.valid().is_some_and(|r| r.as_str() == "23")
    }

    /// Whether this adjustment is a denial: its reason's category is a denial category (not
    /// contractual, not patient cost sharing), and it is not [a prior payer's
    /// impact](Self::is_prior_payer_impact). The group does not matter: PR-27 (coverage
    /// ended) and PR-204 (not a covered benefit) are denials the patient owes.
    pub fn is_denial(&self) -> bool {
        self.category().is_denial() && !self.is_prior_payer_impact()
    }

    /// How the adjustment moves a claim's balances, per the ledger's policy (see
    /// [`Ledger`](crate::Ledger)). A group code that is not a valid one leaves the amount
    /// open: nobody can say whose it is until the remittance is worked.
    pub fn balance_effect(&self) -> BalanceEffect {
        if self.is_patient_responsibility() {
            BalanceEffect::ToPatient
        } else if self.is_denial() || self.is_prior_payer_impact() || !self.group.is_valid() {
            BalanceEffect::StaysOpen
        } else {
            BalanceEffect::WrittenDown
        }
    }

    /// The same adjustment with amount and quantity negated, as in a reversal.
    pub fn negated(&self) -> Self {
        Adjustment {
            amount: -self.amount,
            quantity: self.quantity.map(|q| -q),
            ..self.clone()
        }
    }
}

/// How an adjudication adjustment moves a claim's insurance and patient balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BalanceEffect {
    /// Patient responsibility: moves from the insurance balance to the patient balance.
    ToPatient,
    /// A contractual reduction: the insurance balance goes down and nobody owes it.
    WrittenDown,
    /// A denial not assigned to the patient: the amount stays in the insurance balance until it
    /// is appealed, rebilled, adjusted or written off. Also CARC 23 (a prior payer's impact),
    /// which a primary's posting already settled.
    StaysOpen,
}

code_enum! {
    /// How the payer paid (BPR04).
    PaymentMethod, "a payment method code (ACH, BOP, CHK, FWT, NON)", "payment method" {
        /// Automated clearing house (EFT).
        Ach = "ACH",
        /// Financial institution option.
        FinancialInstitutionOption = "BOP",
        /// Paper check.
        Check = "CHK",
        /// Federal Reserve wire transfer.
        Wire = "FWT",
        /// No payment (a zero-pay remittance or one offset entirely by adjustments).
        NonPayment = "NON",
    }
}

code_enum! {
    /// Claim status in a remittance (CLP02).
    ClaimStatusCode, "a claim status code", "claim status" {
        /// Processed as primary.
        ProcessedPrimary = "1",
        /// Processed as secondary.
        ProcessedSecondary = "2",
        /// Processed as tertiary.
        ProcessedTertiary = "3",
        /// Denied.
        Denied = "4",
        /// Processed as primary, forwarded to additional payer(s).
        PrimaryForwarded = "19",
        /// Processed as secondary, forwarded to additional payer(s).
        SecondaryForwarded = "20",
        /// Processed as tertiary, forwarded to additional payer(s).
        TertiaryForwarded = "21",
        /// Reversal of previous payment.
        Reversal = "22",
        /// Not our claim, forwarded to additional payer(s).
        NotOurClaimForwarded = "23",
        /// Predetermination pricing only, no payment.
        Predetermination = "25",
    }
}

impl ClaimStatusCode {
    /// Whether the claim was forwarded to another payer (crossover).
    pub fn forwarded(self) -> bool {
        matches!(
            self,
            ClaimStatusCode::PrimaryForwarded
                | ClaimStatusCode::SecondaryForwarded
                | ClaimStatusCode::TertiaryForwarded
                | ClaimStatusCode::NotOurClaimForwarded
        )
    }
}

code_enum! {
    /// Claim filing indicator on a remittance (CLP06 of 005010X221A1): the kind of plan that
    /// paid.
    ///
    /// The 835 list is narrower than the 837's [`ClaimFilingIndicator`] (SBR09): it has no
    /// `11` (other non-federal programs), `BL` (Blue Cross / Blue Shield), `CI` (commercial)
    /// or `FI` (federal employees program), so a value of this type is always a valid CLP06.
    /// [`from_claim_filing`](Self::from_claim_filing) maps the shared codes and refuses the
    /// others; [`ClaimFilingIndicator::from`] goes the other way.
    ///
    /// ```
    /// use medbill_claim::{ClaimFilingIndicator, RemitFilingIndicator};
    /// let b = RemitFilingIndicator::from_claim_filing(ClaimFilingIndicator::MedicarePartB);
    /// assert_eq!(b, Some(RemitFilingIndicator::MedicarePartB));
    /// // Commercial and BCBS claims name no plan type: the payer (the caller) chooses one.
    /// assert_eq!(RemitFilingIndicator::from_claim_filing(ClaimFilingIndicator::Commercial), None);
    /// assert!("CI".parse::<RemitFilingIndicator>().is_err());
    /// assert_eq!(ClaimFilingIndicator::from(RemitFilingIndicator::Ppo).as_str(), "12");
    /// ```
    RemitFilingIndicator, "an 835 claim filing indicator code (12-17, AM, CH, DS, HM, LM, MA, MB, MC, OF, TV, VA, WC, ZZ)", "835 claim filing indicator" {
        /// Preferred provider organisation.
        Ppo = "12",
        /// Point of service.
        PointOfService = "13",
        /// Exclusive provider organisation.
        Epo = "14",
        /// Indemnity insurance.
        Indemnity = "15",
        /// HMO Medicare risk.
        HmoMedicareRisk = "16",
        /// Dental maintenance organisation.
        DentalMaintenance = "17",
        /// Automobile medical.
        AutoMedical = "AM",
        /// TRICARE (formerly CHAMPUS).
        Tricare = "CH",
        /// Disability.
        Disability = "DS",
        /// Health maintenance organisation.
        Hmo = "HM",
        /// Liability medical.
        LiabilityMedical = "LM",
        /// Medicare Part A.
        MedicarePartA = "MA",
        /// Medicare Part B.
        MedicarePartB = "MB",
        /// Medicaid.
        Medicaid = "MC",
        /// Other federal program.
        OtherFederal = "OF",
        /// Title V.
        TitleV = "TV",
        /// Veterans Affairs plan.
        VeteransAffairs = "VA",
        /// Workers' compensation.
        WorkersCompensation = "WC",
        /// Mutually defined.
        MutuallyDefined = "ZZ",
    }
}

impl RemitFilingIndicator {
    /// The CLP06 code for a claim's SBR09 filing indicator, when the 835 list has the same code.
    ///
    /// Every code both lists share maps to itself. The four 837 codes the 835 list lacks map to
    /// `None`, on purpose:
    /// - `CI` (commercial) and `BL` (Blue Cross / Blue Shield) name who the payer is, not the
    ///   plan type CLP06 asks for: the same commercial or BCBS payer adjudicates PPO (`12`),
    ///   POS (`13`), EPO (`14`), indemnity (`15`) and HMO (`HM`) plans, and nothing on the claim
    ///   says which;
    /// - `FI` (federal employees program) plans are run by commercial and BCBS carriers, so
    ///   `OF` (other federal program) would misstate them;
    /// - `11` (other non-federal programs) has no counterpart; `ZZ` (mutually defined) fits
    ///   only when payer and payee agreed on it.
    ///
    /// The caller, who knows the plan, picks the code for these: for example
    /// `from_claim_filing(f).unwrap_or(RemitFilingIndicator::Ppo)` for a payer whose commercial
    /// business is all PPO.
    pub fn from_claim_filing(indicator: ClaimFilingIndicator) -> Option<Self> {
        Self::parse(indicator.as_str()).ok()
    }
}

impl From<RemitFilingIndicator> for ClaimFilingIndicator {
    /// The same code in the 837 list, which holds every 835 code.
    fn from(indicator: RemitFilingIndicator) -> Self {
        match ClaimFilingIndicator::parse(indicator.as_str()) {
            Ok(c) => c,
            // Unreachable: every CLP06 code is an SBR09 code (checked by a test).
            Err(_) => ClaimFilingIndicator::MutuallyDefined,
        }
    }
}

impl TryFrom<ClaimFilingIndicator> for RemitFilingIndicator {
    type Error = ClaimError;

    /// [`RemitFilingIndicator::from_claim_filing`], with an error naming the code for the four
    /// 837 codes the 835 list lacks.
    fn try_from(indicator: ClaimFilingIndicator) -> Result<Self, ClaimError> {
        Self::parse(indicator.as_str())
    }
}

code_enum! {
    /// What a remittance contact is for (PER01 of loop 1000A).
    ContactFunction, "a contact function code (CX, BL, IC)", "contact function" {
        /// Payer business contact: claim and payment questions (PER*CX).
        Business = "CX",
        /// Payer technical contact: EDI questions (PER*BL, required on an 835).
        Technical = "BL",
        /// Payer web site (PER*IC).
        WebSite = "IC",
    }
}

code_enum! {
    /// The kind of a communication number (PER03, PER05, PER07).
    CommunicationQualifier, "a communication number qualifier (EM, EX, FX, TE, UR)", "communication number qualifier" {
        /// Electronic mail address.
        Email = "EM",
        /// Telephone extension.
        Extension = "EX",
        /// Fax number.
        Fax = "FX",
        /// Telephone number.
        Telephone = "TE",
        /// Web address.
        Url = "UR",
    }
}

/// One communication number of a contact: a qualifier and its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CommunicationNumber {
    /// What the number is (telephone, e-mail, ...).
    pub qualifier: CommunicationQualifier,
    /// The number or address, as the payer writes it.
    pub number: String,
}

/// A payer contact on a remittance (a PER segment of loop 1000A): what it is for, a name and
/// up to three communication numbers.
///
/// The contact is the payer's, an organisation's, so it is not PHI.
///
/// ```
/// use medbill_claim::{CommunicationQualifier, Contact, ContactFunction};
/// let edi = Contact::new(ContactFunction::Technical, "EDI SUPPORT")
///     .with_number(CommunicationQualifier::Telephone, "8005550100")
///     .with_number(CommunicationQualifier::Email, "edi@example.com");
/// assert_eq!(edi.numbers.len(), 2);
/// assert_eq!(edi.function.as_str(), "BL");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Contact {
    /// What the contact is for (PER01).
    pub function: ContactFunction,
    /// The contact's name (PER02).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Communication numbers (PER03..PER08); an 835 carries at most three.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<CommunicationNumber>,
}

impl Contact {
    /// The most communication numbers one PER segment holds.
    pub const MAX_NUMBERS: usize = 3;

    /// A contact with a function and a name, and no numbers yet. An empty name means none.
    pub fn new(function: ContactFunction, name: impl Into<String>) -> Self {
        let name = name.into();
        Contact {
            function,
            name: (!name.trim().is_empty()).then_some(name),
            numbers: Vec::new(),
        }
    }

    /// The same contact with one more communication number.
    pub fn with_number(
        mut self,
        qualifier: CommunicationQualifier,
        number: impl Into<String>,
    ) -> Self {
        self.numbers.push(CommunicationNumber {
            qualifier,
            number: number.into(),
        });
        self
    }

    /// The first number of a kind, such as the telephone number.
    pub fn number(&self, qualifier: CommunicationQualifier) -> Option<&str> {
        self.numbers
            .iter()
            .find(|n| n.qualifier == qualifier)
            .map(|n| n.number.as_str())
    }
}

/// The payee on a remittance (loop 1000B).
///
/// ```
/// use medbill_claim::Payee;
/// let payee = Payee::new("EXAMPLE CLINIC");
/// assert!(payee.npi.is_none() && payee.address.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payee {
    /// Payee name (an organisation or provider, not PHI).
    pub name: String,
    /// Payee NPI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npi: Option<medbill_codes::Npi>,
    /// Payee tax ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tin: Option<String>,
    /// Payee address (N3/N4), a business address and so not PHI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

impl Payee {
    /// A payee with a name and nothing else.
    pub fn new(name: impl Into<String>) -> Self {
        Payee {
            name: name.into(),
            npi: None,
            tin: None,
            address: None,
        }
    }
}

/// The payment a remittance describes (BPR and TRN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// How it was paid (BPR04), as sent.
    pub method: Coded<PaymentMethod>,
    /// Total actual provider payment amount (BPR02).
    pub amount: Decimal,
    /// Payment effective date (BPR16).
    pub date: NaiveDate,
    /// Check or EFT trace number (TRN02), which reassociates the remittance with the money.
    pub trace_number: String,
}

/// A provider-level adjustment (PLB): money taken back or added outside any claim, such as
/// an overpayment recovery (`WO`), interest (`L6`) or a forwarding balance (`FB`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderAdjustment {
    /// The adjustment reason code (PLB03-1), such as `"WO"`.
    pub reason: String,
    /// The reference identifier (PLB03-2), often the claim the recovery is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The amount; positive reduces the payment, negative increases it.
    pub amount: Decimal,
    /// The fiscal period date (PLB02).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscal_period: Option<NaiveDate>,
}

/// The payment of one service line (loop 2110).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePayment {
    /// The procedure as adjudicated (SVC01), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<Coded<ProcedureCode>>,
    /// Modifiers as adjudicated, as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<Coded<Modifier>>,
    /// The procedure as billed (SVC06), when the payer changed it, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billed_procedure: Option<Coded<ProcedureCode>>,
    /// Modifiers as billed, when the payer changed them, as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub billed_modifiers: Vec<Coded<Modifier>>,
    /// Revenue code for institutional lines, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_code: Option<Coded<RevenueCode>>,
    /// Line charge (SVC02).
    pub charge: Decimal,
    /// Line paid (SVC03).
    pub paid: Decimal,
    /// Units paid (SVC05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<Decimal>,
    /// Units billed (SVC07), when different.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billed_units: Option<Decimal>,
    /// Service date or start of the range (DTM*472 / 150).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_date: Option<NaiveDate>,
    /// End of the service range (DTM*151).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_end: Option<NaiveDate>,
    /// Line control number the provider sent (REF*6R).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_control_number: Option<String>,
    /// Allowed amount (AMT*B6), when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Decimal>,
    /// Line adjustments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// How many of [`adjustments`](Self::adjustments) each CAS segment held, in order, when
    /// the segments read were packed otherwise than a writer packs them (one CAS per group
    /// code, at most six adjustments each, groups in the order first seen); empty otherwise.
    /// A writer writes the adjustments in CAS segments of these sizes while they add up to
    /// the number of adjustments and each segment's adjustments share a group code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments_per_cas: Vec<u8>,
    /// Remark codes (LQ*HE), as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<Coded<Rarc>>,
    /// Segments the model does not cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<RawSegment>,
}

impl LinePayment {
    /// A line payment with the procedure, charge and paid amount; everything else empty.
    pub fn new(procedure: ProcedureCode, charge: Decimal, paid: Decimal) -> Self {
        LinePayment::with_code(Coded::Valid(procedure), charge, paid)
    }

    /// [`new`](Self::new) with the procedure as sent (a payer adjudicating a code as billed,
    /// valid or not).
    pub fn with_code(procedure: Coded<ProcedureCode>, charge: Decimal, paid: Decimal) -> Self {
        LinePayment {
            procedure: Some(procedure),
            modifiers: Vec::new(),
            billed_procedure: None,
            billed_modifiers: Vec::new(),
            revenue_code: None,
            charge,
            paid,
            units: None,
            billed_units: None,
            service_date: None,
            service_end: None,
            line_control_number: None,
            allowed: None,
            adjustments: Vec::new(),
            adjustments_per_cas: Vec::new(),
            remarks: Vec::new(),
            extra: Vec::new(),
        }
    }

    /// The procedure the provider billed: [`billed_procedure`](Self::billed_procedure) when the
    /// payer changed it, otherwise [`procedure`](Self::procedure); `None` when that is not a
    /// valid code.
    pub fn procedure_as_billed(&self) -> Option<ProcedureCode> {
        self.billed_procedure
            .as_ref()
            .or(self.procedure.as_ref())
            .and_then(Coded::get)
    }

    /// The sum of the line's adjustments.
    pub fn adjustment_total(&self) -> Decimal {
        self.adjustments.iter().map(|a| a.amount).sum()
    }
}

/// The payment of one claim (loop 2100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimPayment {
    /// The patient control number the provider sent (CLP01).
    pub patient_control_number: Text,
    /// Claim status (CLP02), as sent.
    pub status: Coded<ClaimStatusCode>,
    /// Total claim charge (CLP03).
    pub charge: Decimal,
    /// Claim payment amount (CLP04).
    pub paid: Decimal,
    /// Patient responsibility amount (CLP05).
    #[serde(default)]
    pub patient_responsibility: Decimal,
    /// Claim filing indicator (CLP06), from the 835's own code list, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing_indicator: Option<Coded<RemitFilingIndicator>>,
    /// Payer claim control number (CLP07), the payer's ICN/DCN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_claim_control_number: Option<String>,
    /// Facility type code (CLP08) for institutional claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility_code: Option<String>,
    /// Claim frequency code (CLP09), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Coded<FrequencyCode>>,
    /// Patient name (NM1*QC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_name: Option<Phi<PersonName>>,
    /// Patient member ID (NM1*QC NM109).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<Phi<Text>>,
    /// Claim received date (DTM*050).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_date: Option<NaiveDate>,
    /// Claim statement period start (DTM*232).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_start: Option<NaiveDate>,
    /// Claim statement period end (DTM*233).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_end: Option<NaiveDate>,
    /// Claim-level adjustments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// How many of [`adjustments`](Self::adjustments) each claim-level CAS segment held, in
    /// order, when the segments read were packed otherwise than a writer packs them (see
    /// [`LinePayment::adjustments_per_cas`]); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments_per_cas: Vec<u8>,
    /// Claim-level remark codes (MOA / MIA), as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<Coded<Rarc>>,
    /// Line payments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LinePayment>,
    /// Segments the model does not cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<RawSegment>,
    /// What the reader could not use as read, each with where it was (see [`Problem`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl ClaimPayment {
    /// A claim payment with the identifying and money fields; everything else empty.
    pub fn new(
        patient_control_number: impl Into<Text>,
        status: ClaimStatusCode,
        charge: Decimal,
        paid: Decimal,
    ) -> Self {
        ClaimPayment {
            patient_control_number: patient_control_number.into(),
            status: Coded::Valid(status),
            charge,
            paid,
            patient_responsibility: Decimal::ZERO,
            filing_indicator: None,
            payer_claim_control_number: None,
            facility_code: None,
            frequency: None,
            patient_name: None,
            member_id: None,
            received_date: None,
            service_start: None,
            service_end: None,
            adjustments: Vec::new(),
            adjustments_per_cas: Vec::new(),
            remarks: Vec::new(),
            lines: Vec::new(),
            extra: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Claim-level and line-level adjustments together.
    pub fn all_adjustments(&self) -> impl Iterator<Item = &Adjustment> {
        self.adjustments
            .iter()
            .chain(self.lines.iter().flat_map(|l| l.adjustments.iter()))
    }

    /// The sum of patient responsibility (PR) adjustments at claim and line level.
    pub fn patient_responsibility_from_adjustments(&self) -> Decimal {
        self.all_adjustments()
            .filter(|a| a.is_patient_responsibility())
            .map(|a| a.amount)
            .sum()
    }

    /// Whether this is a reversal of an earlier payment (status 22).
    pub fn is_reversal(&self) -> bool {
        self.status == ClaimStatusCode::Reversal
    }

    /// The whole claim payment with every amount negated and status 22, as a payer sends
    /// to take back an earlier payment.
    pub fn reversal(&self) -> ClaimPayment {
        let mut r = self.clone();
        r.status = Coded::Valid(ClaimStatusCode::Reversal);
        r.charge = -r.charge;
        r.paid = -r.paid;
        r.patient_responsibility = -r.patient_responsibility;
        r.adjustments = r.adjustments.iter().map(Adjustment::negated).collect();
        for l in &mut r.lines {
            l.charge = -l.charge;
            l.paid = -l.paid;
            l.units = l.units.map(|u| -u);
            l.allowed = l.allowed.map(|a| -a);
            l.adjustments = l.adjustments.iter().map(Adjustment::negated).collect();
        }
        r
    }
}

/// A remittance advice (the 835 shape): one payment from a payer to a payee, explained claim
/// by claim.
///
/// ```
/// use medbill_claim::{ClaimPayment, ClaimStatusCode, Payee, Payment, PaymentMethod, Remittance};
/// use medbill_claim::{Adjustment, Payer};
/// use medbill_codes::GroupCode;
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// let mut claim = ClaimPayment::new("PCN1", ClaimStatusCode::ProcessedPrimary, d("100"), d("70"));
/// claim.adjustments.push(Adjustment::new(GroupCode::Co, "45".parse()?, d("20")));
/// claim.adjustments.push(Adjustment::new(GroupCode::Pr, "2".parse()?, d("10")));
/// claim.patient_responsibility = d("10");
/// let remit = Remittance {
///     payer: Payer::new("87726", "EXAMPLE HEALTH"),
///     payer_tin: Some("999999999".into()),
///     payer_address: None,
///     payer_contacts: vec![],
///     payee: Payee::new("EXAMPLE CLINIC"),
///     payment: Payment {
///         method: PaymentMethod::Ach.into(),
///         amount: d("70"),
///         date: "2026-03-02".parse().unwrap(),
///         trace_number: "EFT0001".into(),
///     },
///     claims: vec![claim],
///     provider_adjustments: vec![],
///     extra: vec![],
///     problems: vec![],
/// };
/// assert!(remit.balance().is_balanced());
/// # Ok::<(), medbill_codes::CodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remittance {
    /// The payer (loop 1000A).
    pub payer: crate::party::Payer,
    /// The payer's federal tax ID, nine digits: TRN03 is `1` followed by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_tin: Option<String>,
    /// The payer's address (loop 1000A N3/N4, required by the guide).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_address: Option<Address>,
    /// The payer's contacts (loop 1000A PER): business (`CX`), technical (`BL`, required by
    /// the guide) and web site (`IC`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payer_contacts: Vec<Contact>,
    /// The payee (loop 1000B).
    pub payee: Payee,
    /// The payment.
    pub payment: Payment,
    /// Claim payments.
    #[serde(default)]
    pub claims: Vec<ClaimPayment>,
    /// Provider-level adjustments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provider_adjustments: Vec<ProviderAdjustment>,
    /// Segments the model does not cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<RawSegment>,
    /// What the reader could not use in the remittance's header and trailer (the claim
    /// payments carry their own), each with where it was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl Remittance {
    /// A remittance from payer, payee and payment, with no claims and nothing else.
    pub fn new(payer: crate::party::Payer, payee: Payee, payment: Payment) -> Self {
        Remittance {
            payer,
            payer_tin: None,
            payer_address: None,
            payer_contacts: Vec::new(),
            payee,
            payment,
            claims: Vec::new(),
            provider_adjustments: Vec::new(),
            extra: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The payer's first contact with a function, such as the technical contact.
    pub fn payer_contact(&self, function: ContactFunction) -> Option<&Contact> {
        self.payer_contacts.iter().find(|c| c.function == function)
    }

    /// Checks every balancing rule and reports each one that fails. Never panics.
    ///
    /// The rules:
    /// - each line: charge - line adjustments = paid;
    /// - each claim: charge - claim adjustments - line adjustments = paid (only when lines
    ///   exist or claim adjustments exist; a claim with neither must have charge = paid);
    /// - each claim: patient responsibility = the sum of its PR adjustments;
    /// - the payment: amount = sum of claim paid - sum of provider-level adjustments.
    pub fn balance(&self) -> BalanceReport {
        let mut imbalances = Vec::new();
        for (ci, claim) in self.claims.iter().enumerate() {
            let mut line_adj = Decimal::ZERO;
            for (li, line) in claim.lines.iter().enumerate() {
                let adj = line.adjustment_total();
                line_adj += adj;
                push_if(
                    &mut imbalances,
                    BalanceRule::Line,
                    Some(ci),
                    Some(li),
                    line.charge - adj,
                    line.paid,
                );
            }
            let claim_adj: Decimal = claim.adjustments.iter().map(|a| a.amount).sum();
            push_if(
                &mut imbalances,
                BalanceRule::Claim,
                Some(ci),
                None,
                claim.charge - claim_adj - line_adj,
                claim.paid,
            );
            push_if(
                &mut imbalances,
                BalanceRule::PatientResponsibility,
                Some(ci),
                None,
                claim.patient_responsibility_from_adjustments(),
                claim.patient_responsibility,
            );
        }
        let paid: Decimal = self.claims.iter().map(|c| c.paid).sum();
        let plb: Decimal = self.provider_adjustments.iter().map(|p| p.amount).sum();
        push_if(
            &mut imbalances,
            BalanceRule::Payment,
            None,
            None,
            paid - plb,
            self.payment.amount,
        );
        BalanceReport { imbalances }
    }

    /// The sum of provider-level adjustments.
    pub fn provider_adjustment_total(&self) -> Decimal {
        self.provider_adjustments.iter().map(|p| p.amount).sum()
    }
}

fn push_if(
    out: &mut Vec<Imbalance>,
    rule: BalanceRule,
    claim: Option<usize>,
    line: Option<usize>,
    expected: Decimal,
    found: Decimal,
) {
    if expected != found {
        out.push(Imbalance {
            rule,
            claim,
            line,
            expected,
            found,
            difference: found - expected,
        });
    }
}

/// Which balancing rule an [`Imbalance`] broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BalanceRule {
    /// Line charge - line adjustments = line paid.
    Line,
    /// Claim charge - claim and line adjustments = claim paid.
    Claim,
    /// Claim patient responsibility = sum of PR adjustments.
    PatientResponsibility,
    /// Payment amount = sum of claim paid - provider-level adjustments.
    Payment,
}

/// One failed balancing rule, with where and by how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imbalance {
    /// The rule.
    pub rule: BalanceRule,
    /// Index of the claim payment in [`Remittance::claims`], for claim and line rules.
    pub claim: Option<usize>,
    /// Index of the line in [`ClaimPayment::lines`], for the line rule.
    pub line: Option<usize>,
    /// The value the rule computes from the other amounts.
    pub expected: Decimal,
    /// The value the remittance reports.
    pub found: Decimal,
    /// `found - expected`.
    pub difference: Decimal,
}

/// The result of [`Remittance::balance`]: every broken rule, or none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceReport {
    /// The broken rules, in remittance order (lines before their claim, the payment last).
    pub imbalances: Vec<Imbalance>,
}

impl BalanceReport {
    /// Whether every rule holds.
    pub fn is_balanced(&self) -> bool {
        self.imbalances.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_835_filing_code_is_an_837_code() {
        for &r in RemitFilingIndicator::ALL {
            assert_eq!(ClaimFilingIndicator::from(r).as_str(), r.as_str());
        }
    }

    #[test]
    fn payer_parts_serialize_as_codes_and_are_optional_in_json() {
        let c = Contact::new(ContactFunction::Technical, " ")
            .with_number(CommunicationQualifier::Telephone, "8005550100");
        assert_eq!(c.name, None);
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"{"function":"BL","numbers":[{"qualifier":"TE","number":"8005550100"}]}"#
        );
        assert_eq!(serde_json::from_str::<Contact>(&json).unwrap(), c);
        // A remittance written before the payer parts existed still reads.
        let old = r#"{"payer":{"id":"1","name":"P"},"payee":{"name":"X"},
            "payment":{"method":"CHK","amount":"0","date":"2026-01-01","trace_number":"T"}}"#;
        let r: Remittance = serde_json::from_str(old).unwrap();
        assert!(r.payer_tin.is_none() && r.payer_contacts.is_empty() && r.payee.address.is_none());
        assert!(serde_json::from_str::<Contact>(r#"{"function":"ZZ"}"#).is_err());
    }
}
