//! # medbill-codes
//!
//! The code sets a US medical claim uses, as value types that can only hold well-formed codes,
//! and (as the data lands) look-ups of validity by date of service.
//!
//! | type | system |
//! |---|---|
//! | [`Icd10CmCode`], [`Icd10Cm`] | ICD-10-CM diagnoses, valid by date of service ([`icd10cm`]) |
//! | [`Icd9CmCode`], [`Icd9ProcedureCode`] | ICD-9-CM diagnoses and procedures, for claims before October 1 2015 (form checked only) |
//! | [`Icd10PcsCode`], [`PcsEdition`] | ICD-10-PCS inpatient procedures, embedded FY2024 and FY2025 tables, valid by date of service |
//! | [`CptCode`], [`CptDescriptors`] | CPT (format and category; descriptors are AMA-licensed: none shipped, a licensee loads its own file) |
//! | [`HcpcsCode`], [`HcpcsTable`] | HCPCS Level II; loader of the CMS alpha-numeric file, valid by date of service |
//! | [`ProcedureCode`] | CPT or HCPCS, as on a claim line |
//! | [`Modifier`], [`ModifierInfo`] | procedure modifiers; built-in table with categories (NCCI-associated, ...) |
//! | [`PlaceOfService`] | CMS place of service, with names |
//! | [`Npi`] | National Provider Identifier (check digit verified) |
//! | [`GroupCode`], [`Carc`], [`Rarc`], [`DenialCategory`] | claim adjustments and remarks; CARC denial categories |
//! | [`RevenueCode`] | NUBC revenue codes of institutional lines (form checked only) |
//! | [`Coded`] | any of these as sent: the value, or the text with why it is not valid |
//!
//! Every type parses with [`FromStr`](std::str::FromStr), prints its canonical text with
//! `Display`, and (de)serialises with serde as that text.
//!
//! ```
//! use medbill_codes::{Icd10CmCode, Npi};
//! let dx: Icd10CmCode = "e119".parse()?;
//! assert_eq!(dx.to_string(), "E11.9");
//! let npi: Npi = "1234567893".parse()?;
//! assert_eq!(npi.as_str(), "1234567893");
//! # Ok::<(), medbill_codes::CodeError>(())
//! ```

mod adjustment;
mod carc_table;
mod coded;
mod cpt;
mod error;
mod hcpcs;
pub mod icd10cm;
mod icd10pcs;
mod icd9;
mod modifier;
mod npi;
mod pos;
mod procedure;
mod revenue;
mod text;

pub use adjustment::{Carc, DenialCategory, GroupCode, Rarc};
pub use coded::{CodeValue, Coded, Unrecognized};
pub use cpt::{CptCategory, CptCode, CptDescriptors};
pub use error::{CodeError, CodeSystem};
pub use hcpcs::{
    HcpcsAction, HcpcsCode, HcpcsCoverage, HcpcsDates, HcpcsInvalid, HcpcsModifierRecord,
    HcpcsRecord, HcpcsTable,
};
pub use icd9::{Icd9CmCode, Icd9ProcedureCode};
pub use icd10cm::{Icd10Cm, Icd10CmCode};
pub use icd10pcs::{Icd10PcsCode, PcsCheck, PcsEdition, PcsEntry, PcsInvalid};
pub use modifier::{Modifier, ModifierCategory, ModifierInfo};
pub use npi::Npi;
pub use pos::PlaceOfService;
pub use procedure::ProcedureCode;
pub use revenue::RevenueCode;
