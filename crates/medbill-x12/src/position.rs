//! Where something is in an X12 file.

use std::fmt;

use serde::Serialize;

/// A location in an X12 file, precise enough for a person to find the byte and for a program to
/// name the segment and element.
///
/// Every field but `byte` is optional because not every finding has all of them: a stray byte
/// before the first interchange has no segment, an envelope finding has no element. Segment
/// indexes are 1-based (the first segment in the file is 1; the ST segment is 1 within its set),
/// as are element and component positions (`NM103` is element 3). Control numbers are copied from
/// the envelope and carry no patient data.
///
/// ```
/// use medbill_x12::Position;
///
/// let at = Position::at_byte(120).with_segment("SE", 44).with_element(1);
/// assert_eq!(at.to_string(), "segment 44 (SE), element 1, byte 120");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Position {
    /// Byte offset from the start of the input (after UTF-16 decoding, if the input was UTF-16).
    pub byte: u64,
    /// 1-based index of the segment in the whole input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_index: Option<u64>,
    /// 1-based index of the segment within its transaction set (ST is 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_segment_index: Option<u32>,
    /// The segment identifier, such as `CLM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment_id: Option<String>,
    /// 1-based element position within the segment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<u32>,
    /// 1-based component position within the element.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<u32>,
    /// The interchange control number (ISA13) of the enclosing interchange.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interchange_control: Option<String>,
    /// The group control number (GS06) of the enclosing functional group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_control: Option<String>,
    /// The transaction set control number (ST02) of the enclosing set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_control: Option<String>,
}

impl Position {
    /// A position that knows only its byte offset.
    pub fn at_byte(byte: u64) -> Position {
        Position {
            byte,
            ..Position::default()
        }
    }

    /// The same position, naming a segment by identifier and 1-based index in the file.
    #[must_use]
    pub fn with_segment(mut self, id: &str, index: u64) -> Position {
        self.segment_id = Some(id.to_owned());
        self.segment_index = Some(index);
        self
    }

    /// The same position, naming a 1-based element.
    #[must_use]
    pub fn with_element(mut self, element: u32) -> Position {
        self.element = Some(element);
        self
    }

    /// The same position, naming a 1-based component.
    #[must_use]
    pub fn with_component(mut self, component: u32) -> Position {
        self.component = Some(component);
        self
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(control) = &self.interchange_control {
            write!(f, "interchange {control}, ")?;
        }
        if let Some(control) = &self.group_control {
            write!(f, "group {control}, ")?;
        }
        if let Some(control) = &self.set_control {
            write!(f, "set {control}, ")?;
        }
        if let Some(index) = self.segment_index {
            write!(f, "segment {index}")?;
            if let Some(id) = &self.segment_id {
                write!(f, " ({id})")?;
            }
            if let Some(in_set) = self.set_segment_index {
                write!(f, " [{in_set} in set]")?;
            }
            f.write_str(", ")?;
        }
        if let Some(element) = self.element {
            write!(f, "element {element}, ")?;
        }
        if let Some(component) = self.component {
            write!(f, "component {component}, ")?;
        }
        write!(f, "byte {}", self.byte)
    }
}
