//! The people and organisations on a claim: providers, subscriber, patient and payers.

use chrono::NaiveDate;
use medbill_codes::{Coded, Npi};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::code_enum::code_enum;
use crate::phi::Phi;
use crate::remit::Adjustment;
use crate::text::Text;

/// A person's name. On a patient or subscriber it is wrapped in [`Phi`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct PersonName {
    /// Family name.
    pub last: Text,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Text>,
    /// Middle name or initial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle: Option<Text>,
    /// Suffix such as `"JR"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<Text>,
}

impl PersonName {
    /// A name from family and given names.
    pub fn new(last: impl Into<Text>, first: impl Into<Text>) -> Self {
        PersonName {
            last: last.into(),
            first: Some(first.into()),
            middle: None,
            suffix: None,
        }
    }
}

/// A postal address. On a patient or subscriber it is wrapped in [`Phi`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Address {
    /// Street lines (one or two).
    pub lines: Vec<Text>,
    /// City.
    pub city: Text,
    /// Two-letter state or province code.
    pub state: Text,
    /// ZIP code (5 or 9 digits).
    pub postal_code: Text,
    /// Country code when outside the US.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Text>,
}

code_enum! {
    /// Administrative sex as reported on a claim (DMG03).
    Sex, "a sex code (F, M, U)", "sex" {
        /// Female.
        Female = "F",
        /// Male.
        Male = "M",
        /// Unknown.
        Unknown = "U",
    }
}

code_enum! {
    /// The patient's relationship to the subscriber (PAT01 / SBR02 individual relationship code).
    Relationship, "an individual relationship code", "individual relationship" {
        /// The patient is the subscriber.
        SelfPerson = "18",
        /// Spouse.
        Spouse = "01",
        /// Child.
        Child = "19",
        /// Employee.
        Employee = "20",
        /// Unknown.
        Unknown = "21",
        /// Organ donor.
        OrganDonor = "39",
        /// Cadaver donor.
        CadaverDonor = "40",
        /// Life partner.
        LifePartner = "53",
        /// Other relationship.
        Other = "G8",
    }
}

code_enum! {
    /// Claim filing indicator (SBR09 / CLP06): the kind of insurance plan.
    ClaimFilingIndicator, "a claim filing indicator code", "claim filing indicator" {
        /// Other non-federal programs.
        OtherNonFederal = "11",
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
        /// Blue Cross / Blue Shield.
        BlueCrossBlueShield = "BL",
        /// TRICARE (formerly CHAMPUS).
        Tricare = "CH",
        /// Commercial insurance.
        Commercial = "CI",
        /// Disability.
        Disability = "DS",
        /// Federal employees program.
        FederalEmployees = "FI",
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

code_enum! {
    /// Which payer this claim is billed to in coordination of benefits (SBR01).
    PayerSequence, "a payer responsibility sequence code (P, S, T, ...)", "payer responsibility sequence" {
        /// Primary.
        Primary = "P",
        /// Secondary.
        Secondary = "S",
        /// Tertiary.
        Tertiary = "T",
        /// Payer responsibility four.
        Four = "A",
        /// Payer responsibility five.
        Five = "B",
        /// Payer responsibility six.
        Six = "C",
        /// Payer responsibility seven.
        Seven = "D",
        /// Payer responsibility eight.
        Eight = "E",
        /// Payer responsibility nine.
        Nine = "F",
        /// Payer responsibility ten.
        Ten = "G",
        /// Payer responsibility eleven.
        Eleven = "H",
        /// Unknown.
        Unknown = "U",
    }
}

/// A provider on a claim: billing, rendering, referring, attending and so on.
///
/// An identifier reported as an NPI but failing the NPI check (wrong length, a letter, a bad
/// check digit) is kept as sent ([`Coded::Invalid`]) rather than dropped: such a claim can
/// exist and be sent, and it is the scrubber's `NPI.INVALID` edit, not the model, that refuses
/// it.
///
/// ```
/// use medbill_claim::{PersonName, Provider};
///
/// let json = r#"{"npi":"1234567890","name":{"last":"GRANT"}}"#;
/// let p: Provider = serde_json::from_str(json).unwrap();
/// assert_eq!(p.valid_npi(), None);
/// assert_eq!(p.reported_npi(), Some("1234567890"));
///
/// let ok = Provider::person(PersonName::new("GRANT", "ADA"), "1234567893".parse().unwrap());
/// assert_eq!(ok.reported_npi(), Some("1234567893"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    /// National Provider Identifier (NM108 = XX, NM109), as sent: writers send an invalid one
    /// back unchanged; the scrubber reports it as `NPI.INVALID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npi: Option<Coded<Npi>>,
    /// Organisation name, or the person's name (providers are not PHI).
    pub name: PersonName,
    /// Whether this is an organisation (NM102 = 2) rather than a person.
    #[serde(default)]
    pub organization: bool,
    /// Provider taxonomy code (PRV03), ten characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<String>,
    /// Secondary identifiers as (qualifier, value), such as `("G2", "12345")`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_ids: Vec<(String, String)>,
}

impl Provider {
    /// An organisation provider.
    pub fn organization(name: impl Into<Text>, npi: Npi) -> Self {
        Provider {
            npi: Some(Coded::Valid(npi)),
            name: PersonName {
                last: name.into(),
                ..PersonName::default()
            },
            organization: true,
            taxonomy: None,
            secondary_ids: Vec::new(),
        }
    }

    /// An individual provider.
    pub fn person(name: PersonName, npi: Npi) -> Self {
        Provider {
            npi: Some(Coded::Valid(npi)),
            name,
            organization: false,
            taxonomy: None,
            secondary_ids: Vec::new(),
        }
    }

    /// The NPI as reported on the claim, valid or not.
    pub fn reported_npi(&self) -> Option<&str> {
        self.npi.as_ref().map(Coded::as_str)
    }

    /// The NPI, when one was given and it passes the NPI check.
    pub fn valid_npi(&self) -> Option<Npi> {
        self.npi.as_ref().and_then(Coded::get)
    }

    /// Sets the taxonomy code.
    pub fn with_taxonomy(mut self, taxonomy: impl Into<String>) -> Self {
        self.taxonomy = Some(taxonomy.into());
        self
    }
}

/// The billing provider (loop 2010AA): who bills, with the tax ID payers report against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingProvider {
    /// The provider's name, NPI and taxonomy.
    pub provider: Provider,
    /// Federal tax identification number (EIN, nine digits). An individual's SSN used as a
    /// TIN is PHI, so the field is wrapped.
    pub tin: Phi<String>,
    /// Whether [`tin`](Self::tin) is an SSN (REF*SY) rather than an EIN (REF*EI).
    #[serde(default)]
    pub tin_is_ssn: bool,
    /// Physical address (a business address, not PHI).
    pub address: Address,
}

/// A facility where services were rendered (loop 2310C / 2310E).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFacility {
    /// Facility name and NPI.
    pub provider: Provider,
    /// Facility address (a business address, not PHI).
    pub address: Address,
}

/// The pay-to provider (loop 2010AB) when payment goes elsewhere than the billing address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayTo {
    /// Pay-to address.
    pub address: Address,
    /// Pay-to name when it differs from the billing provider (plan, loop 2010AC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The subscriber: the person who holds the coverage (loop 2000B / 2010BA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscriber {
    /// Member ID on the insurance card.
    pub member_id: Phi<Text>,
    /// Name.
    pub name: Phi<PersonName>,
    /// Birth date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Phi<NaiveDate>>,
    /// Sex, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Coded<Sex>>,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Phi<Address>>,
    /// Social security number, when a payer requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssn: Option<Phi<Text>>,
    /// Group or policy number (SBR03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_number: Option<Text>,
    /// Group or plan name (SBR04).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<Text>,
}

impl Subscriber {
    /// A subscriber from member ID and name; other fields empty.
    pub fn new(member_id: impl Into<Text>, name: PersonName) -> Self {
        Subscriber {
            member_id: Phi::new(member_id.into()),
            name: Phi::new(name),
            birth_date: None,
            sex: None,
            address: None,
            ssn: None,
            group_number: None,
            group_name: None,
        }
    }

    /// Sets birth date and sex.
    pub fn with_demographics(mut self, birth_date: NaiveDate, sex: Sex) -> Self {
        self.birth_date = Some(Phi::new(birth_date));
        self.sex = Some(Coded::Valid(sex));
        self
    }
}

/// The patient when not the subscriber (loop 2000C / 2010CA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    /// The patient's relationship to the subscriber (PAT01), as sent.
    pub relationship: Coded<Relationship>,
    /// Name.
    pub name: Phi<PersonName>,
    /// Birth date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Phi<NaiveDate>>,
    /// Sex, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Coded<Sex>>,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Phi<Address>>,
}

/// A payer: an insurance plan's payer ID (as the clearinghouse knows it) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Payer {
    /// Payer identifier (NM109 of loop 2010BB, N104 of the 835 payer).
    pub id: String,
    /// Payer name.
    pub name: String,
}

impl Payer {
    /// A payer from ID and name.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Payer {
            id: id.into(),
            name: name.into(),
        }
    }
}

/// Another payer on the claim for coordination of benefits (loop 2320/2330), with what it
/// already paid when this claim goes to a secondary or tertiary payer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherPayer {
    /// The other payer.
    pub payer: Payer,
    /// Its place in the responsibility sequence, as sent.
    pub sequence: Coded<PayerSequence>,
    /// Its claim filing indicator, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing_indicator: Option<Coded<ClaimFilingIndicator>>,
    /// The subscriber of that coverage, with the patient's relationship to them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriber: Option<Subscriber>,
    /// The patient's relationship to that subscriber, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Coded<Relationship>>,
    /// What the other payer paid on the claim (AMT*D).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<Decimal>,
    /// Remaining patient liability after that payer (AMT*EAF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_patient_liability: Option<Decimal>,
    /// Claim-level adjustments that payer made (CAS in loop 2320).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// The date that payer adjudicated the claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjudication_date: Option<NaiveDate>,
    /// That payer's claim control number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_claim_control_number: Option<String>,
}

impl OtherPayer {
    /// An other payer with only its identity and sequence.
    pub fn new(payer: Payer, sequence: PayerSequence) -> Self {
        OtherPayer {
            payer,
            sequence: Coded::Valid(sequence),
            filing_indicator: None,
            subscriber: None,
            relationship: None,
            paid: None,
            remaining_patient_liability: None,
            adjustments: Vec::new(),
            adjudication_date: None,
            payer_claim_control_number: None,
        }
    }
}
