//! Parsers for the dictionary, guide and overlay text formats.

use std::ops::Range;

use super::{
    CodeSet, DataType, DictElement, DictSegment, Dictionary, ElementRule, Guide, LoopRule, Node,
    SegmentId, SegmentRule, SyntaxRule, Usage,
};

/// What is wrong with a schema, dictionary or overlay text, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// A line does not follow the format.
    #[error("line {line}: {reason}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// An overlay names a loop, segment or element the base guide does not have.
    #[error("line {line}: {path} not found in guide {guide}")]
    NotFound {
        /// 1-based line number in the overlay.
        line: usize,
        /// The path as written.
        path: String,
        /// The base guide version.
        guide: String,
    },
    /// An overlay is for a different base guide.
    #[error("overlay is for guide {expected}, not {actual}")]
    WrongBase {
        /// The base the overlay names.
        expected: String,
        /// The guide it was applied to.
        actual: String,
    },
}

fn syntax(line: usize, reason: impl Into<String>) -> SchemaError {
    SchemaError::Syntax {
        line,
        reason: reason.into(),
    }
}

/// Non-empty lines with comments removed, with 1-based line numbers.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, l)| {
        let l = match l.find('#') {
            Some(at) => &l[..at],
            None => l,
        };
        let l = l.trim();
        (!l.is_empty()).then_some((i + 1, l))
    })
}

fn parse_number<T: std::str::FromStr>(line: usize, s: &str, what: &str) -> Result<T, SchemaError> {
    s.parse()
        .map_err(|_| syntax(line, format!("{what} `{s}` is not a number")))
}

fn parse_repeat(line: usize, s: &str) -> Result<u32, SchemaError> {
    if s == ">1" {
        Ok(u32::MAX)
    } else {
        parse_number(line, s, "repeat")
    }
}

fn parse_usage(line: usize, s: &str) -> Result<Usage, SchemaError> {
    Usage::from_token(s).ok_or_else(|| syntax(line, format!("usage `{s}` is not R, S or N")))
}

fn parse_key(line: usize, s: &str) -> Result<(u8, u8), SchemaError> {
    let (e, c) = match s.split_once('.') {
        Some((e, c)) => (e, parse_number(line, c, "component")?),
        None => (s, 0),
    };
    Ok((parse_number(line, e, "element")?, c))
}

/// `TYPE/min/max`.
fn parse_type(line: usize, s: &str) -> Result<(DataType, u16, u16), SchemaError> {
    let mut parts = s.split('/');
    let (Some(t), Some(min), Some(max), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(syntax(line, format!("`{s}` is not TYPE/min/max")));
    };
    let data_type =
        DataType::from_token(t).ok_or_else(|| syntax(line, format!("unknown data type `{t}`")))?;
    let min = parse_number(line, min, "minimum length")?;
    let max: u16 = parse_number(line, max, "maximum length")?;
    if min > max || max == 0 {
        return Err(syntax(line, format!("bad length range in `{s}`")));
    }
    Ok((data_type, min, max))
}

/// Splits on commas outside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// One dictionary element spec, possibly `*N` repeated, pushed onto `out`.
fn parse_dict_spec(line: usize, spec: &str, out: &mut Vec<DictElement>) -> Result<(), SchemaError> {
    let (body, times) = match spec.rsplit_once('*') {
        Some((b, n)) if !n.contains(')') => (b, parse_number::<usize>(line, n, "repeat count")?),
        _ => (spec, 1),
    };
    let element = if let Some(inner) = body.strip_prefix("C(").and_then(|b| b.strip_suffix(')')) {
        let mut components = Vec::new();
        for c in split_top(inner) {
            parse_dict_spec(line, c, &mut components)?;
        }
        DictElement {
            data_type: DataType::String,
            min: 1,
            max: 1,
            components,
        }
    } else {
        let (data_type, min, max) = parse_type(line, body)?;
        DictElement {
            data_type,
            min,
            max,
            components: Vec::new(),
        }
    };
    for _ in 0..times {
        out.push(element.clone());
    }
    Ok(())
}

pub(super) fn parse_dictionary(text: &str) -> Result<Dictionary, SchemaError> {
    let mut segments = Vec::new();
    for (line, l) in lines(text) {
        let mut tokens = l.split_whitespace();
        if tokens.next() != Some("seg") {
            return Err(syntax(line, "expected `seg ID ...`"));
        }
        let id = tokens.next().unwrap_or("");
        let id = SegmentId::new(id.as_bytes())
            .ok_or_else(|| syntax(line, format!("`{id}` is not a segment ID")))?;
        let mut key = None;
        let mut elements = Vec::new();
        for token in tokens {
            if let Some(k) = token.strip_prefix("key=") {
                key = Some(parse_key(line, k)?);
            } else {
                parse_dict_spec(line, token, &mut elements)?;
            }
        }
        if elements.len() > 99 {
            return Err(syntax(line, "more than 99 elements"));
        }
        segments.push((id, DictSegment { key, elements }));
    }
    segments.sort_by_key(|(id, _)| *id);
    for pair in segments.windows(2) {
        if pair[0].0 == pair[1].0 {
            return Err(syntax(0, format!("segment {} defined twice", pair[0].0)));
        }
    }
    Ok(Dictionary { segments })
}

/// A parsed element token of a guide segment line.
struct ElementToken<'a> {
    element: u8,
    component: u8,
    usage: Usage,
    codes: Option<&'a str>,
    type_override: Option<(DataType, u16, u16)>,
    repeat: Option<u16>,
}

fn parse_element_token(line: usize, token: &str) -> Result<ElementToken<'_>, SchemaError> {
    let end = token
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(token.len());
    let (element, component) = parse_key(line, &token[..end])?;
    if element == 0 {
        return Err(syntax(line, format!("element position 0 in `{token}`")));
    }
    let mut rest = &token[end..];
    let mut usage = Usage::Required;
    if let Some(r) = rest.strip_prefix('?') {
        usage = Usage::Situational;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('-') {
        usage = Usage::NotUsed;
        rest = r;
    }
    let mut repeat = None;
    if let Some((r, n)) = rest.rsplit_once('^') {
        repeat = Some(parse_number(line, n, "repetitions")?);
        rest = r;
    }
    let mut type_override = None;
    if let Some((r, t)) = rest.split_once(':') {
        type_override = Some(parse_type(line, t)?);
        rest = r;
    }
    let codes = match rest.strip_prefix('=') {
        Some(c) => Some(c),
        None if rest.is_empty() => None,
        None => return Err(syntax(line, format!("cannot read element token `{token}`"))),
    };
    Ok(ElementToken {
        element,
        component,
        usage,
        codes,
        type_override,
        repeat,
    })
}

fn parse_rule(line: usize, s: &str) -> Result<SyntaxRule, SchemaError> {
    let kind = s.as_bytes().first().copied().unwrap_or(b'?');
    if !matches!(kind, b'P' | b'R' | b'E' | b'C' | b'L') || s.len() < 5 || s.len().is_multiple_of(2)
    {
        return Err(syntax(
            line,
            format!("`{s}` is not a syntax rule like P0809"),
        ));
    }
    let mut elements = Vec::new();
    for pair in s.as_bytes()[1..].chunks(2) {
        let text = std::str::from_utf8(pair).unwrap_or("");
        elements.push(parse_number(line, text, "rule element")?);
    }
    Ok(SyntaxRule { kind, elements })
}

fn rule_from_dict(e: &DictElement, usage: Usage) -> ElementRule {
    ElementRule {
        usage,
        data_type: e.data_type,
        min: e.min,
        max: e.max,
        codes: CodeSet::default(),
        repeat: 1,
        components: 0..0,
    }
}

/// Compiles one segment line into a slot, pushing its element rules onto `elements`.
fn compile_segment(
    line: usize,
    l: &str,
    dictionary: &Dictionary,
    in_loop: u32,
    elements: &mut Vec<ElementRule>,
) -> Result<SegmentRule, SchemaError> {
    let mut tokens = l.split_whitespace();
    let id_text = tokens.next().unwrap_or("");
    let id = SegmentId::new(id_text.as_bytes())
        .ok_or_else(|| syntax(line, format!("`{id_text}` is not a segment ID")))?;
    let dict = dictionary
        .get(id)
        .ok_or_else(|| syntax(line, format!("segment {id} is not in the dictionary")))?;
    let usage = parse_usage(line, tokens.next().unwrap_or(""))?;
    let max = parse_repeat(line, tokens.next().unwrap_or(""))?;
    let mut key = dict.key;
    let mut rules = Vec::new();
    let mut open = false;
    let mut element_tokens = Vec::new();
    for token in tokens {
        if token == "*" {
            open = true;
        } else if let Some(k) = token.strip_prefix("key=") {
            key = Some(parse_key(line, k)?);
        } else if let Some(r) = token.strip_prefix("rule=") {
            rules.push(parse_rule(line, r)?);
        } else {
            element_tokens.push(parse_element_token(line, token)?);
        }
    }
    let default = if open {
        Usage::Situational
    } else {
        Usage::NotUsed
    };
    let mut rules_out: Vec<ElementRule> = dict
        .elements
        .iter()
        .map(|e| rule_from_dict(e, default))
        .collect();
    let mut components: Vec<Vec<ElementRule>> = dict
        .elements
        .iter()
        .map(|e| {
            e.components
                .iter()
                .map(|c| rule_from_dict(c, default))
                .collect()
        })
        .collect();
    let mut explicit = vec![false; rules_out.len()];
    // Components first, so an explicit composite token (in any order) has the last word.
    element_tokens.sort_by_key(|t| t.component == 0);
    for t in &element_tokens {
        let e = usize::from(t.element) - 1;
        if e >= rules_out.len() {
            return Err(syntax(
                line,
                format!("{id} has no element {:02}", t.element),
            ));
        }
        let target = if t.component == 0 {
            explicit[e] = true;
            rules_out[e].usage = t.usage;
            &mut rules_out[e]
        } else {
            let c = usize::from(t.component) - 1;
            if c >= components[e].len() {
                return Err(syntax(
                    line,
                    format!("{id}{:02} has no component {}", t.element, t.component),
                ));
            }
            if !explicit[e] {
                let composite = &mut rules_out[e];
                composite.usage = match (composite.usage, t.usage) {
                    (Usage::Required, _) | (_, Usage::Required) => Usage::Required,
                    _ => Usage::Situational,
                };
            }
            components[e][c].usage = t.usage;
            &mut components[e][c]
        };
        if let Some(codes) = t.codes {
            target.codes = CodeSet::from_list(codes);
        }
        if let Some((data_type, min, max)) = t.type_override {
            target.data_type = data_type;
            target.min = min;
            target.max = max;
        }
        if let Some(r) = t.repeat {
            target.repeat = r.max(1);
        }
    }
    let start = elements.len() as u32;
    let count = rules_out.len() as u32;
    let mut next_component = start + count;
    for (rule, comps) in rules_out.iter_mut().zip(&components) {
        rule.components = next_component..next_component + comps.len() as u32;
        next_component += comps.len() as u32;
    }
    elements.extend(rules_out);
    elements.extend(components.into_iter().flatten());
    if let Some((e, c)) = key {
        let ok = match dict.elements.get(usize::from(e).wrapping_sub(1)) {
            Some(d) if c == 0 => d.components.is_empty(),
            Some(d) => usize::from(c) <= d.components.len() && c > 0,
            None => false,
        };
        if !ok {
            return Err(syntax(
                line,
                format!("key {e}.{c} is not an element of {id}"),
            ));
        }
    }
    for r in &rules {
        if r.elements
            .iter()
            .any(|&e| e == 0 || usize::from(e) > count as usize)
        {
            return Err(syntax(
                line,
                format!("rule names an element {id} does not have"),
            ));
        }
    }
    Ok(SegmentRule {
        id,
        usage,
        max,
        key,
        elements: start..start + count,
        rules,
        in_loop,
    })
}

/// Replaces each `use ID usage repeat` line with a copy of loop ID's block (defined earlier in
/// the file) under the new usage and repeat: the 837's 2300 loop hangs under both 2000B and 2000C.
fn expand_uses(text: &str) -> Result<Vec<(usize, String)>, SchemaError> {
    let source: Vec<(usize, &str)> = lines(text).collect();
    let mut out = Vec::with_capacity(source.len());
    for (i, &(line, l)) in source.iter().enumerate() {
        let Some(rest) = l.strip_prefix("use ") else {
            out.push((line, l.to_owned()));
            continue;
        };
        let mut tokens = rest.split_whitespace();
        let (Some(id), Some(usage), Some(max)) = (tokens.next(), tokens.next(), tokens.next())
        else {
            return Err(syntax(line, "expected `use LOOP usage repeat`"));
        };
        let start = source[..i]
            .iter()
            .position(|(_, x)| {
                x.strip_prefix("loop ")
                    .and_then(|r| r.split_whitespace().next())
                    == Some(id)
            })
            .ok_or_else(|| syntax(line, format!("`use {id}` before loop {id} is defined")))?;
        let mut depth = 0usize;
        for (j, &(_, x)) in source.iter().enumerate().skip(start) {
            if x.starts_with("loop ") {
                depth += 1;
            } else if x == "end" {
                depth -= 1;
            }
            if j == start {
                let name: Vec<&str> = x.split_whitespace().skip(4).collect();
                out.push((line, format!("loop {id} {usage} {max} {}", name.join(" "))));
            } else {
                out.push((line, x.to_owned()));
            }
            if depth == 0 {
                break;
            }
        }
    }
    Ok(out)
}

pub(super) fn parse_guide(text: &str, dictionary: &Dictionary) -> Result<Guide, SchemaError> {
    let expanded = expand_uses(text)?;
    let mut it = expanded.iter().map(|(n, l)| (*n, l.as_str()));
    let (line, header) = it.next().ok_or_else(|| syntax(1, "empty guide"))?;
    let mut tokens = header.split_whitespace();
    if tokens.next() != Some("guide") {
        return Err(syntax(line, "expected `guide VERSION TRANSACTION NAME`"));
    }
    let version: Box<str> = tokens
        .next()
        .ok_or_else(|| syntax(line, "no version"))?
        .into();
    let transaction: Box<str> = tokens
        .next()
        .ok_or_else(|| syntax(line, "no transaction"))?
        .into();
    let name: Box<str> = tokens.collect::<Vec<_>>().join(" ").into();

    let mut loops = vec![LoopRule {
        id: "".into(),
        name: "Transaction Set".into(),
        usage: Usage::Required,
        max: 1,
        children: 0..0,
        parent: None,
    }];
    let mut children: Vec<Vec<Node>> = vec![Vec::new()];
    let mut stack: Vec<u32> = vec![0];
    let mut segments = Vec::new();
    let mut elements = Vec::new();
    for (line, l) in it {
        let current = *stack.last().unwrap_or(&0);
        if l == "end" {
            if stack.len() == 1 {
                return Err(syntax(line, "`end` without `loop`"));
            }
            if children[current as usize].is_empty() {
                return Err(syntax(line, "empty loop"));
            }
            stack.pop();
        } else if let Some(rest) = l.strip_prefix("loop ") {
            let mut tokens = rest.split_whitespace();
            let id = tokens
                .next()
                .ok_or_else(|| syntax(line, "loop without ID"))?;
            if loops.iter().any(|x| &*x.id == id)
                && !stack.iter().any(|&s| &*loops[s as usize].id == id)
            {
                // A repeated ID is only allowed for copies made by `use`, which keep the line
                // number of the `use`; a literal second definition is a mistake.
                if !text
                    .lines()
                    .nth(line - 1)
                    .is_some_and(|t| t.trim_start().starts_with("use "))
                {
                    return Err(syntax(line, format!("loop {id} defined twice")));
                }
            }
            let usage = parse_usage(line, tokens.next().unwrap_or(""))?;
            let max = parse_repeat(line, tokens.next().unwrap_or(""))?;
            let name = tokens.collect::<Vec<_>>().join(" ");
            let index = loops.len() as u32;
            loops.push(LoopRule {
                id: id.into(),
                name: name.into(),
                usage,
                max,
                children: 0..0,
                parent: Some(current),
            });
            children.push(Vec::new());
            children[current as usize].push(Node::Loop(index));
            stack.push(index);
        } else {
            let is_first = children[current as usize].is_empty();
            let rule = compile_segment(line, l, dictionary, current, &mut elements)?;
            if is_first && current != 0 && rule.key.is_some() {
                let (e, c) = rule.key.unwrap_or((1, 0));
                let r = &elements[rule.elements.start as usize + usize::from(e) - 1];
                let codes = if c == 0 {
                    &r.codes
                } else {
                    &elements[(r.components.start + u32::from(c) - 1) as usize].codes
                };
                if codes.is_empty() && rule.id.as_str() == "HL" {
                    return Err(syntax(line, "an HL loop must list its HL03 level codes"));
                }
            }
            children[current as usize].push(Node::Segment(segments.len() as u32));
            segments.push(rule);
        }
    }
    if stack.len() != 1 {
        return Err(syntax(text.lines().count(), "loop not closed with `end`"));
    }
    for (i, l) in loops.iter().enumerate().skip(1) {
        if !matches!(children[i].first(), Some(Node::Segment(_))) {
            return Err(syntax(
                0,
                format!("loop {} does not start with a segment", l.id),
            ));
        }
    }
    let mut nodes = Vec::new();
    for (l, c) in loops.iter_mut().zip(children) {
        let start = nodes.len() as u32;
        nodes.extend(c);
        l.children = start..nodes.len() as u32;
    }
    let mut known: Vec<SegmentId> = segments.iter().map(|s| s.id).collect();
    known.sort();
    known.dedup();
    let mut guide = Guide {
        version,
        transaction,
        name,
        loops,
        nodes,
        segments,
        elements,
        known,
        required: Vec::new(),
        brackets: Vec::new(),
        node_ids: Vec::new(),
    };
    guide.index();
    Ok(guide)
}

/// A companion guide: changes applied on top of a base guide (see the [module docs](super)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overlay {
    name: String,
    base: String,
    ops: Vec<(usize, String)>,
}

impl Overlay {
    /// Parses overlay text; paths are resolved when the overlay is applied.
    ///
    /// ```
    /// use medbill_x12::schema::{self, Overlay, Usage};
    ///
    /// let overlay = Overlay::parse("overlay ACME 005010X222A1\nset 2400 max=25\n").unwrap();
    /// let base = schema::guide("837", "005010X222A1").unwrap();
    /// let acme = base.with_overlay(&overlay).unwrap();
    /// assert_eq!(acme.loop_by_id("2400").unwrap().max, 25);
    /// ```
    pub fn parse(text: &str) -> Result<Overlay, SchemaError> {
        let mut it = lines(text);
        let (line, header) = it.next().ok_or_else(|| syntax(1, "empty overlay"))?;
        let mut tokens = header.split_whitespace();
        let (Some("overlay"), Some(name), Some(base)) =
            (tokens.next(), tokens.next(), tokens.next())
        else {
            return Err(syntax(line, "expected `overlay NAME BASE-VERSION`"));
        };
        let mut ops = Vec::new();
        for (line, l) in it {
            if !l.starts_with("set ") {
                return Err(syntax(line, "expected `set PATH [ELEMENT] key=value...`"));
            }
            ops.push((line, l.to_owned()));
        }
        let overlay = Overlay {
            name: name.to_owned(),
            base: base.to_owned(),
            ops,
        };
        // Check the syntax of every operation now, against an empty guide, so a typo is reported
        // at parse time with its line.
        for (line, op) in &overlay.ops {
            let tokens: Vec<&str> = op.split_whitespace().skip(1).collect();
            if tokens.is_empty() {
                return Err(syntax(*line, "`set` without a path"));
            }
            for t in &tokens[1..] {
                if let Some((k, v)) = t.split_once('=') {
                    check_setting(*line, k, v)?;
                } else if t.parse::<f32>().is_err() {
                    return Err(syntax(
                        *line,
                        format!("`{t}` is neither an element nor key=value"),
                    ));
                }
            }
        }
        Ok(overlay)
    }

    /// The overlay's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The guide version the overlay applies to.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub(super) fn apply_to(&self, guide: &mut Guide) -> Result<(), SchemaError> {
        if *guide.version != *self.base {
            return Err(SchemaError::WrongBase {
                expected: self.base.clone(),
                actual: guide.version.to_string(),
            });
        }
        for (line, op) in &self.ops {
            apply_op(guide, *line, op)?;
        }
        Ok(())
    }
}

fn check_setting(line: usize, key: &str, value: &str) -> Result<(), SchemaError> {
    match key {
        "usage" => parse_usage(line, value).map(drop),
        "max" => parse_repeat(line, value).map(drop),
        "codes" => Ok(()),
        "length" => {
            let (a, b) = value
                .split_once('/')
                .ok_or_else(|| syntax(line, "length is min/max"))?;
            parse_number::<u16>(line, a, "length")?;
            parse_number::<u16>(line, b, "length").map(drop)
        }
        "type" => DataType::from_token(value)
            .map(drop)
            .ok_or_else(|| syntax(line, format!("unknown data type `{value}`"))),
        "rule" => parse_rule(line, value).map(drop),
        _ => Err(syntax(line, format!("unknown setting `{key}`"))),
    }
}

fn not_found(guide: &Guide, line: usize, path: &str) -> SchemaError {
    SchemaError::NotFound {
        line,
        path: path.to_owned(),
        guide: guide.version.to_string(),
    }
}

/// Finds the slots a path names: `LOOP/SEG`, `LOOP/SEG[KEY]`, `/SEG` or `SEG` (transaction
/// level), in every copy of the loop.
fn find_segments(guide: &Guide, line: usize, path: &str) -> Result<Vec<u32>, SchemaError> {
    let loop_id = path.rsplit_once('/').map_or("", |(l, _)| l);
    let mut found = Vec::new();
    for l in guide.loops.iter().filter(|l| &*l.id == loop_id) {
        if let Some(s) = find_segment_in(guide, l, path) {
            found.push(s);
        }
    }
    if found.is_empty() {
        Err(not_found(guide, line, path))
    } else {
        Ok(found)
    }
}

fn find_segment_in(guide: &Guide, l: &LoopRule, path: &str) -> Option<u32> {
    let seg = path.rsplit_once('/').map_or(path, |(_, s)| s);
    let (seg_id, key) = match seg.split_once('[') {
        Some((s, k)) => (s, Some(k.trim_end_matches(']'))),
        None => (seg, None),
    };
    for node in guide.children(l) {
        let Node::Segment(s) = *node else { continue };
        let rule = guide.segment_rule(s);
        if rule.id.as_str() != seg_id {
            continue;
        }
        match key {
            None => return Some(s),
            Some(k) => {
                if let Some((e, c)) = rule.key {
                    let er = &guide.elements_of(rule)[usize::from(e) - 1];
                    let codes = if c == 0 {
                        &er.codes
                    } else {
                        &guide.components_of(er)[usize::from(c) - 1].codes
                    };
                    if codes.contains(k.as_bytes()) {
                        return Some(s);
                    }
                }
            }
        }
    }
    None
}

fn apply_op(guide: &mut Guide, line: usize, op: &str) -> Result<(), SchemaError> {
    let tokens: Vec<&str> = op.split_whitespace().skip(1).collect();
    let path = tokens[0];
    let settings = &tokens[1..];
    let is_loop = !path.contains('/') && path.starts_with(|c: char| c.is_ascii_digit());
    if is_loop {
        let indexes: Vec<usize> = (0..guide.loops.len())
            .filter(|&i| &*guide.loops[i].id == path)
            .collect();
        if indexes.is_empty() {
            return Err(not_found(guide, line, path));
        }
        for index in indexes {
            for s in settings {
                let (k, v) = s
                    .split_once('=')
                    .ok_or_else(|| syntax(line, "expected key=value"))?;
                match k {
                    "usage" => guide.loops[index].usage = parse_usage(line, v)?,
                    "max" => guide.loops[index].max = parse_repeat(line, v)?,
                    _ => return Err(syntax(line, format!("`{k}` does not apply to a loop"))),
                }
            }
        }
        return Ok(());
    }
    for slot in find_segments(guide, line, path)? {
        apply_to_slot(guide, line, path, slot as usize, settings)?;
    }
    Ok(())
}

fn apply_to_slot(
    guide: &mut Guide,
    line: usize,
    path: &str,
    slot: usize,
    mut settings: &[&str],
) -> Result<(), SchemaError> {
    let element = match settings.first() {
        Some(t) if !t.contains('=') => {
            settings = &settings[1..];
            Some(parse_key(line, t)?)
        }
        _ => None,
    };
    let Some((e, c)) = element else {
        for s in settings {
            let (k, v) = s
                .split_once('=')
                .ok_or_else(|| syntax(line, "expected key=value"))?;
            let rule = &mut guide.segments[slot];
            match k {
                "usage" => rule.usage = parse_usage(line, v)?,
                "max" => rule.max = parse_repeat(line, v)?,
                "rule" => {
                    let r = parse_rule(line, v)?;
                    if r.elements
                        .iter()
                        .any(|&x| x == 0 || u32::from(x) > rule.elements.len() as u32)
                    {
                        return Err(syntax(
                            line,
                            "rule names an element the segment does not have",
                        ));
                    }
                    rule.rules.push(r);
                }
                _ => return Err(syntax(line, format!("`{k}` does not apply to a segment"))),
            }
        }
        return Ok(());
    };
    let range: Range<u32> = guide.segments[slot].elements.clone();
    let mut index = range.start + u32::from(e).wrapping_sub(1);
    if e == 0 || index >= range.end {
        return Err(not_found(guide, line, &format!("{path} element {e}")));
    }
    if c > 0 {
        let comps = guide.elements[index as usize].components.clone();
        index = comps.start + u32::from(c) - 1;
        if index >= comps.end {
            return Err(not_found(guide, line, &format!("{path} element {e}.{c}")));
        }
    }
    let rule = &mut guide.elements[index as usize];
    for s in settings {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| syntax(line, "expected key=value"))?;
        match k {
            "usage" => rule.usage = parse_usage(line, v)?,
            "codes" => rule.codes = CodeSet::from_list(v),
            "length" => {
                let (a, b) = v
                    .split_once('/')
                    .ok_or_else(|| syntax(line, "length is min/max"))?;
                rule.min = parse_number(line, a, "length")?;
                rule.max = parse_number(line, b, "length")?;
            }
            "type" => {
                rule.data_type = DataType::from_token(v)
                    .ok_or_else(|| syntax(line, format!("unknown data type `{v}`")))?;
            }
            "max" => rule.repeat = parse_number(line, v, "repetitions")?,
            _ => return Err(syntax(line, format!("`{k}` does not apply to an element"))),
        }
    }
    Ok(())
}
