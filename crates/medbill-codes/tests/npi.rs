//! NPI check digits: generated identifiers always parse, and any single changed digit is caught.

use medbill_codes::{CodeError, Npi};
use proptest::prelude::*;

fn nine(s: &str) -> [u8; 9] {
    s.as_bytes().try_into().unwrap()
}

#[test]
fn known_check_digits() {
    // The worked example of the CMS NPI check-digit paper: 123456789 takes 3.
    assert_eq!(Npi::check_digit(nine("123456789")), 3);
    assert!("1234567893".parse::<Npi>().is_ok());
    assert_eq!(
        "1234567890".parse::<Npi>(),
        Err(CodeError::CheckDigit {
            found: 0,
            expected: 3
        })
    );
    assert!(matches!(
        "123456789".parse::<Npi>(),
        Err(CodeError::Length { found: 9, .. })
    ));
    assert!(matches!(
        "12345678a3".parse::<Npi>(),
        Err(CodeError::Character { position: 9, .. })
    ));
}

proptest! {
    #[test]
    fn nine_digits_and_their_check_digit_parse(first in "[0-9]{9}") {
        let npi = Npi::from_first_nine(nine(&first)).unwrap();
        prop_assert!(npi.as_str().starts_with(&first));
        let parsed: Npi = npi.as_str().parse().unwrap();
        prop_assert_eq!(parsed, npi);
    }

    #[test]
    fn any_single_changed_digit_fails(first in "[0-9]{9}", position in 0usize..10, bump in 1u8..10) {
        let npi = Npi::from_first_nine(nine(&first)).unwrap();
        let mut bytes = npi.as_str().as_bytes().to_vec();
        bytes[position] = b'0' + (bytes[position] - b'0' + bump) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(changed.parse::<Npi>().is_err(), "{} accepted", changed);
    }
}
