//! Element checks: presence, length, data type, code values, composites, repetitions and the
//! X12 syntax rules between elements. Nothing here allocates unless it records a finding.

use crate::schema::{DataType, ElementRule, Guide, SegmentRule, Usage};
use crate::{Element, Segment};

use super::finding::FindingKind;

/// Where an element finding is, before the caller adds the segment context.
pub(super) struct ElementFinding {
    pub(super) kind: FindingKind,
    pub(super) element: u8,
    pub(super) component: Option<u8>,
    pub(super) repetition: Option<u16>,
    pub(super) byte: u64,
    /// A copy of the bad value (error path only).
    pub(super) value: Option<String>,
}

fn finding(kind: FindingKind, element: usize, byte: u64) -> ElementFinding {
    ElementFinding {
        kind,
        element: element.min(255) as u8,
        component: None,
        repetition: None,
        byte,
        value: None,
    }
}

/// Checks every element of `segment` against `rule`, calling `report` for each problem.
pub(super) fn check_segment(
    guide: &Guide,
    rule: &SegmentRule,
    segment: &Segment<'_>,
    segment_start: u64,
    report: &mut impl FnMut(ElementFinding),
) {
    let rules = guide.elements_of(rule);
    // Bit i set when element i + 1 is present; segments have at most 99 elements.
    let mut present: u128 = 0;
    let mut count = 0usize;
    for (i, element) in segment.elements().enumerate() {
        count = i + 1;
        let Some(r) = rules.get(i) else {
            if !element.is_empty() || segment.elements().skip(i).any(|e| !e.is_empty()) {
                report(finding(
                    FindingKind::TooManyElements,
                    i + 1,
                    element.offset(),
                ));
            }
            break;
        };
        if element.is_empty() {
            if r.usage == Usage::Required {
                report(finding(
                    FindingKind::MissingElement,
                    i + 1,
                    element.offset(),
                ));
            }
            continue;
        }
        if i < 128 {
            present |= 1 << i;
        }
        if r.usage == Usage::NotUsed {
            report(finding(
                FindingKind::NotUsedElement,
                i + 1,
                element.offset(),
            ));
            continue;
        }
        check_element(guide, r, element, i + 1, report);
    }
    for (i, r) in rules.iter().enumerate().skip(count) {
        if r.usage == Usage::Required {
            report(finding(FindingKind::MissingElement, i + 1, segment_start));
        }
    }
    for syntax in &rule.rules {
        let is = |e: u8| e >= 1 && present & (1u128 << (e - 1)) != 0;
        let first = syntax.elements[0];
        let n_present = syntax.elements.iter().filter(|&&e| is(e)).count();
        let missing = |report: &mut dyn FnMut(ElementFinding)| {
            for &e in &syntax.elements {
                if !is(e) {
                    report(finding(
                        FindingKind::ConditionalElementMissing,
                        e.into(),
                        segment_start,
                    ));
                }
            }
        };
        match syntax.kind {
            b'P' if n_present > 0 && n_present < syntax.elements.len() => missing(report),
            b'R' if n_present == 0 => {
                report(finding(
                    FindingKind::ConditionalElementMissing,
                    first.into(),
                    segment_start,
                ));
            }
            b'E' if n_present > 1 => {
                let second = syntax.elements.iter().filter(|&&e| is(e)).nth(1).copied();
                report(finding(
                    FindingKind::ExclusionViolated,
                    second.unwrap_or(first).into(),
                    segment_start,
                ));
            }
            b'C' if is(first) && n_present < syntax.elements.len() => missing(report),
            b'L' if is(first) && n_present == 1 => {
                let second = syntax.elements[1];
                report(finding(
                    FindingKind::ConditionalElementMissing,
                    second.into(),
                    segment_start,
                ));
            }
            _ => {}
        }
    }
    check_date_qualifier(segment, report);
}

fn check_element(
    guide: &Guide,
    r: &ElementRule,
    element: Element<'_>,
    position: usize,
    report: &mut impl FnMut(ElementFinding),
) {
    let components = guide.components_of(r);
    for (rep, value) in element.repetitions().enumerate() {
        if rep >= usize::from(r.repeat) {
            let mut f = finding(FindingKind::TooManyRepetitions, position, value.offset());
            f.repetition = Some((rep + 1).min(usize::from(u16::MAX)) as u16);
            report(f);
            return;
        }
        let repetition = (r.repeat > 1).then_some((rep + 1) as u16);
        if components.is_empty() {
            let mut parts = value.components();
            let first = parts.next();
            if let Some(extra) = parts.next() {
                let mut f = finding(FindingKind::TooManyComponents, position, extra.offset());
                f.repetition = repetition;
                report(f);
                continue;
            }
            let bytes = first.map_or(value.bytes(), |c| c.bytes());
            if let Some(kind) = check_value(r, bytes) {
                let mut f = finding(kind, position, value.offset());
                f.repetition = repetition;
                f.value = Some(String::from_utf8_lossy(bytes).into_owned());
                report(f);
            }
            continue;
        }
        let mut seen = 0usize;
        for (c, component) in value.components().enumerate() {
            seen = c + 1;
            let Some(cr) = components.get(c) else {
                if !component.bytes().is_empty()
                    || value.components().skip(c).any(|x| !x.bytes().is_empty())
                {
                    let mut f =
                        finding(FindingKind::TooManyComponents, position, component.offset());
                    f.component = Some((c + 1).min(255) as u8);
                    f.repetition = repetition;
                    report(f);
                }
                break;
            };
            let kind = if component.bytes().is_empty() {
                (cr.usage == Usage::Required).then_some(FindingKind::MissingElement)
            } else if cr.usage == Usage::NotUsed {
                Some(FindingKind::NotUsedElement)
            } else {
                check_value(cr, component.bytes())
            };
            if let Some(kind) = kind {
                let mut f = finding(kind, position, component.offset());
                f.component = Some((c + 1) as u8);
                f.repetition = repetition;
                if !component.bytes().is_empty() {
                    f.value = Some(String::from_utf8_lossy(component.bytes()).into_owned());
                }
                report(f);
            }
        }
        for (c, cr) in components.iter().enumerate().skip(seen) {
            if cr.usage == Usage::Required {
                let mut f = finding(FindingKind::MissingElement, position, value.offset());
                f.component = Some((c + 1) as u8);
                f.repetition = repetition;
                report(f);
            }
        }
    }
}

/// Checks one simple value against its rule: length, type and codes.
fn check_value(r: &ElementRule, v: &[u8]) -> Option<FindingKind> {
    let len = match r.data_type {
        // Sign and decimal point do not count toward a number's length.
        DataType::Numeric(_) | DataType::Decimal => v.iter().filter(|b| b.is_ascii_digit()).count(),
        _ => v.len(),
    };
    let kind = match r.data_type {
        DataType::String | DataType::Identifier => {
            if !v.iter().all(|&b| (0x20..0x7f).contains(&b)) {
                return Some(FindingKind::InvalidCharacter);
            }
            None
        }
        DataType::Numeric(_) => {
            let digits = v.strip_prefix(b"-").unwrap_or(v);
            (digits.is_empty() || !digits.iter().all(u8::is_ascii_digit))
                .then_some(FindingKind::InvalidCharacter)
        }
        DataType::Decimal => (!is_decimal(v)).then_some(FindingKind::InvalidCharacter),
        DataType::Date => (!is_date(v)).then_some(FindingKind::InvalidDate),
        DataType::Time => (!is_time(v)).then_some(FindingKind::InvalidTime),
    };
    if kind.is_some() {
        return kind;
    }
    if len < usize::from(r.min) {
        return Some(FindingKind::TooShort);
    }
    if len > usize::from(r.max) {
        return Some(FindingKind::TooLong);
    }
    if !r.codes.is_empty() && !r.codes.contains(v) {
        return Some(FindingKind::InvalidCode);
    }
    None
}

fn is_decimal(v: &[u8]) -> bool {
    let v = v.strip_prefix(b"-").unwrap_or(v);
    let mut digits = 0;
    let mut points = 0;
    for &b in v {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => points += 1,
            _ => return false,
        }
    }
    digits > 0 && points <= 1
}

fn number(v: &[u8]) -> Option<u32> {
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(v.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0')))
}

/// `CCYYMMDD`, or `YYMMDD` (read as 20YY for the day check).
pub(crate) fn is_date(v: &[u8]) -> bool {
    let (year, rest) = match v.len() {
        8 => (number(&v[..4]), &v[4..]),
        6 => (number(&v[..2]).map(|y| 2000 + y), &v[2..]),
        _ => return false,
    };
    let (Some(year), Some(month), Some(day)) = (year, number(&rest[..2]), number(&rest[2..]))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `HHMM`, `HHMMSS` or `HHMMSSd..` (decimal seconds).
pub(crate) fn is_time(v: &[u8]) -> bool {
    if !(v.len() == 4 || (6..=8).contains(&v.len())) {
        return false;
    }
    let (Some(h), Some(m)) = (number(&v[..2]), number(&v[2..4])) else {
        return false;
    };
    if h > 23 || m > 59 {
        return false;
    }
    if v.len() >= 6 {
        match number(&v[4..6]) {
            Some(s) if s <= 59 => {}
            _ => return false,
        }
        if v.len() > 6 && number(&v[6..]).is_none() {
            return false;
        }
    }
    true
}

/// Date-time period values whose format another element names: DTP02 for DTP03, DMG01 for
/// DMG02, PAT05 for PAT06.
fn check_date_qualifier(segment: &Segment<'_>, report: &mut impl FnMut(ElementFinding)) {
    let (format_at, value_at) = match segment.id() {
        b"DTP" => (2, 3),
        b"DMG" => (1, 2),
        b"PAT" => (5, 6),
        _ => return,
    };
    let (Some(format), Some(value)) = (segment.element(format_at), segment.element(value_at))
    else {
        return;
    };
    let v = value.bytes();
    if v.is_empty() {
        return;
    }
    let ok = match format.bytes() {
        b"D8" => v.len() == 8 && is_date(v),
        b"RD8" => {
            v.len() == 17
                && v[8] == b'-'
                && is_date(&v[..8])
                && is_date(&v[9..])
                && v[..8] <= v[9..]
        }
        b"DT" => v.len() == 12 && is_date(&v[..8]) && is_time(&v[8..]),
        b"TM" => v.len() == 4 && is_time(v),
        _ => true,
    };
    if !ok {
        let kind = if format.bytes() == b"TM" {
            FindingKind::InvalidTime
        } else {
            FindingKind::InvalidDate
        };
        let mut f = finding(kind, value_at, value.offset());
        f.value = Some(String::from_utf8_lossy(v).into_owned());
        report(f);
    }
}
