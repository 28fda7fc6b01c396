//! CARC to denial category. Interim table of the most frequent codes; the full X12 CARC list
//! replaces it (see the crate docs for the source).

use crate::adjustment::DenialCategory;

pub(crate) fn category(code: &str) -> DenialCategory {
    use DenialCategory::*;
    match code {
        "1" | "2" | "3" | "66" | "142" | "187" | "241" => PatientResponsibility,
        "24" | "45" | "59" | "94" | "131" | "253" => Contractual,
        "4" | "5" | "6" | "7" | "8" | "9" | "10" | "11" | "97" | "231" | "234" | "236" => {
            CodingBundling
        }
        "50" | "55" | "56" | "57" | "58" | "150" | "151" | "152" => MedicalNecessity,
        "15" | "197" | "198" | "199" | "243" | "288" => AuthorizationReferral,
        "18" => Duplicate,
        "29" => TimelyFiling,
        "22" | "23" | "109" => CoordinationOfBenefits,
        "16" | "17" | "125" | "181" | "182" | "206" | "226" | "252" => MissingInformation,
        "26" | "27" | "31" | "32" | "33" | "35" | "39" | "49" | "51" | "96" | "119" | "170"
        | "200" | "204" => EligibilityCoverage,
        _ => Other,
    }
}
