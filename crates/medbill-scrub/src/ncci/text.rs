//! Reading the CMS NCCI files: lines, fields, codes and dates.

use std::io::BufRead;

use chrono::NaiveDate;

use crate::error::ScrubError;

/// A procedure code packed into 30 bits: six bits per character, so that a pair of codes
/// packs into one `u64` key.
pub(crate) fn pack(code: &str) -> Option<u32> {
    let b = code.as_bytes();
    if b.len() != 5 {
        return None;
    }
    let mut v = 0u32;
    for &c in b {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' => c - b'A' + 10,
            b'a'..=b'z' => c - b'a' + 10,
            _ => return None,
        };
        v = (v << 6) | u32::from(d);
    }
    Some(v)
}

/// The text of a packed code.
pub(crate) fn unpack(v: u32) -> String {
    let mut out = [0u8; 5];
    for (i, slot) in out.iter_mut().enumerate() {
        let d = ((v >> (6 * (4 - i))) & 0x3f) as u8;
        *slot = if d < 10 { b'0' + d } else { b'A' + d - 10 };
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Two packed codes as one key, column 1 in the high bits.
pub(crate) fn pair_key(first: u32, second: u32) -> u64 {
    (u64::from(first) << 32) | u64::from(second)
}

/// Days since 0001-01-01 (chrono's day count) for compact storage.
pub(crate) fn day_number(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.num_days_from_ce()
}

/// The date of a day number.
pub(crate) fn from_day_number(n: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(n)
}

/// A date as CMS writes it: `20240101`, `2024-01-01` or `1/1/2024`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
        let y = i32::try_from(num(0..4)?).ok()?;
        return NaiveDate::from_ymd_opt(y, num(4..6)?, num(6..8)?);
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    NaiveDate::parse_from_str(s, "%m/%d/%Y").ok()
}

/// Whether a deletion-date field means "not deleted": `*`, empty, or the words CMS uses.
pub(crate) fn is_no_date(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t == "*" || t.eq_ignore_ascii_case("n/a") || t.eq_ignore_ascii_case("none")
}

/// Reads lines (bytes, lossily decoded: CMS preambles have carried Latin-1 copyright signs),
/// calling `each` with the 1-based line number and the line without its terminator.
pub(crate) fn for_each_line(
    mut reader: impl BufRead,
    file: &str,
    mut each: impl FnMut(u64, &str) -> Result<(), ScrubError>,
) -> Result<(), ScrubError> {
    let mut buf = Vec::with_capacity(256);
    let mut number = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|source| ScrubError::Io {
                file: file.to_string(),
                source,
            })?;
        if n == 0 {
            return Ok(());
        }
        number += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        let mut bytes = &buf[..];
        if number == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes = &bytes[3..];
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => each(number, s)?,
            Err(_) => each(number, &String::from_utf8_lossy(bytes))?,
        }
    }
}

/// Splits rows into fields without allocating per field: on tabs when the line has any,
/// otherwise as CSV with double quotes (`""` inside quotes is a quote). Fields are trimmed of
/// spaces and outer quotes.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    ranges: Vec<(usize, usize)>,
    // CSV fields are unquoted into this buffer; tab fields point into the line.
    scratch: String,
    from_scratch: bool,
}

impl Fields {
    pub(crate) fn split(&mut self, line: &str) {
        self.ranges.clear();
        self.scratch.clear();
        self.from_scratch = false;
        if line.contains('\t') {
            let mut start = 0;
            for part in line.split('\t') {
                let inner = unquote(part);
                let offset = start + (inner.as_ptr() as usize - part.as_ptr() as usize);
                self.ranges.push((offset, offset + inner.len()));
                start += part.len() + 1;
            }
            return;
        }
        self.from_scratch = true;
        let mut in_quotes = false;
        let mut field_start = 0;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if in_quotes && chars.peek() == Some(&'"') => {
                    self.scratch.push('"');
                    chars.next();
                }
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    self.push_scratch_field(field_start);
                    field_start = self.scratch.len();
                }
                _ => self.scratch.push(c),
            }
        }
        self.push_scratch_field(field_start);
    }

    fn push_scratch_field(&mut self, start: usize) {
        let raw = &self.scratch[start..];
        let trimmed = raw.trim();
        let offset = start + (trimmed.as_ptr() as usize - raw.as_ptr() as usize);
        self.ranges.push((offset, offset + trimmed.len()));
    }

    pub(crate) fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Field `i` of `line` (the line last split), or `""` past the end.
    pub(crate) fn get<'s>(&'s self, line: &'s str, i: usize) -> &'s str {
        let Some(&(a, b)) = self.ranges.get(i) else {
            return "";
        };
        let text = if self.from_scratch {
            self.scratch.as_str()
        } else {
            line
        };
        text.get(a..b).unwrap_or("")
    }
}

fn unquote(f: &str) -> &str {
    let t = f.trim();
    t.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(t)
        .trim()
}

/// Whether a field looks like a CPT or HCPCS code (five letters or digits): how a data row is
/// told from a preamble or header line.
pub(crate) fn looks_like_code(f: &str) -> bool {
    f.len() == 5 && f.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Interned rationale texts: a few dozen distinct strings repeated over millions of rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    texts: Vec<String>,
    index: std::collections::HashMap<String, u16>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> u16 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        if self.texts.len() >= usize::from(u16::MAX) {
            // Absurdly many distinct rationales: keep the table bounded, lose the text.
            return 0;
        }
        let i = self.texts.len() as u16;
        self.texts.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }

    pub(crate) fn get(&self, i: u16) -> &str {
        self.texts.get(usize::from(i)).map_or("", String::as_str)
    }

    pub(crate) fn texts(&self) -> &[String] {
        &self.texts
    }
}

/// Opens a table file for reading: its buffered contents and the name it goes by in errors and
/// version stamps (the file name, else the whole path).
pub(crate) fn open_table_file(
    path: &std::path::Path,
) -> Result<(std::io::BufReader<std::fs::File>, String), crate::ScrubError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| crate::ScrubError::Io {
        file: name.clone(),
        source,
    })?;
    let stem = path
        .file_name()
        .map_or(name, |n| n.to_string_lossy().into_owned());
    Ok((std::io::BufReader::with_capacity(1 << 16, file), stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips_and_orders_pairs() {
        for code in [
            "99213", "G0439", "0591T", "3008F", "A0001", "ZZZZZ", "00000",
        ] {
            let p = pack(code).unwrap();
            assert!(p < (1 << 30));
            assert_eq!(unpack(p), code);
        }
        assert_eq!(pack("g0439"), pack("G0439"));
        assert!(pack("9921").is_none());
        assert!(pack("99-13").is_none());
        assert_ne!(
            pair_key(pack("11111").unwrap(), pack("22222").unwrap()),
            pair_key(pack("22222").unwrap(), pack("11111").unwrap())
        );
    }

    #[test]
    fn dates_in_cms_spellings() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        assert_eq!(parse_date("20240131"), Some(d));
        assert_eq!(parse_date("2024-01-31"), Some(d));
        assert_eq!(parse_date("1/31/2024"), Some(d));
        assert_eq!(parse_date("20241331"), None);
        assert!(is_no_date("*"));
        assert!(is_no_date(" "));
        assert!(!is_no_date("20240101"));
        assert_eq!(from_day_number(day_number(d)), Some(d));
    }

    #[test]
    fn fields_tab_and_csv() {
        let mut f = Fields::default();
        let line = "11111\t 22222 \t\t20200101\t*\t1\t\"Misuse\"";
        f.split(line);
        assert_eq!(f.len(), 7);
        assert_eq!(f.get(line, 1), "22222");
        assert_eq!(f.get(line, 4), "*");
        assert_eq!(f.get(line, 6), "Misuse");
        assert_eq!(f.get(line, 9), "");
        let line = "\"11111\", 3 ,\"2 Date of Service Edit: Policy\",\"a, b \"\"c\"\"\"";
        f.split(line);
        let got: Vec<&str> = (0..f.len()).map(|i| f.get(line, i)).collect();
        assert_eq!(
            got,
            ["11111", "3", "2 Date of Service Edit: Policy", "a, b \"c\""]
        );
    }
}
