#!/usr/bin/env python3
"""Build examples/export.zip, tsq's example console-export archive.

The archive copies the OPC layout that the ConfigMgr "Export Task Sequence" wizard and
Export-CMTaskSequence write (docs: domain.md section 3.6). Every part was written for the
tsq project; no part comes from a real export.

Member sources live in examples/src/export/<member path>.in. They are stored as plain UTF-8
with LF line endings and a final newline, so that they are easy to edit and so that
`tsq check examples` does not pick them up as task sequences (it looks for *.xml and *.zip).
This script turns each source into the exact bytes a real export holds:

* the trailing newline of the source is removed (no real member ends with a line break);
* LF becomes CRLF (the multi-line members use CRLF; the one-line members have no break);
* the OPC, manifest and info parts get a UTF-8 BOM; the object.xml files do not;
* every entry is stored uncompressed (ZIP_STORED), with '/' in names, a fixed timestamp
  and MS-DOS as the creating system, as in the real archives. The fixed timestamp keeps the
  output byte-for-byte reproducible.

Run from anywhere:  python3 examples/src/make_export_zip.py
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "export"
OUTPUT = HERE.parent / "export.zip"

# Fixed entry timestamp (local time, two-second resolution in zip headers).
TIMESTAMP = (2024, 3, 11, 9, 42, 30)

PSMDCP = "package/services/metadata/core-properties/5f0c2a7e9b3d41c6a8e2d7b4f1a9c3e0.psmdcp"

# (member name, starts with a UTF-8 BOM) in the order the real archives store them:
# the dependency first, the OPC bookkeeping parts last.
MEMBERS: list[tuple[str, bool]] = [
    ("SMS_Package/CM100031/object.xml", False),
    ("_rels/.rels", True),
    ("SMS_Package/CM100031/PACKAGE_CONTENT.xml", True),
    ("SMS_TaskSequencePackage/USERSTATE_MIGRATION_PACKAGE.xml", True),
    ("SMS_TaskSequencePackage/CM100060/object.xml", False),
    ("SMS_TaskSequencePackage/CM100060/ReferencesInfo.xml", True),
    ("SMS_TaskSequencePackage/CM100060/AppReferencesInfo.xml", True),
    ("Manifest.xml", True),
    (PSMDCP, True),
    ("[Content_Types].xml", True),
]

BOM = b"\xef\xbb\xbf"


def member_bytes(name: str, bom: bool) -> bytes:
    source = SOURCES / (name + ".in")
    text = source.read_text(encoding="utf-8")
    if "\r" in text:
        raise SystemExit(f"{source}: sources must use LF line endings")
    if text.endswith("\n"):
        text = text[:-1]
    data = text.replace("\n", "\r\n").encode("utf-8")
    return BOM + data if bom else data


def main() -> int:
    with zipfile.ZipFile(OUTPUT, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, bom in MEMBERS:
            info = zipfile.ZipInfo(name, date_time=TIMESTAMP)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 0  # MS-DOS / NTFS, as the console writes
            info.external_attr = 0
            archive.writestr(info, member_bytes(name, bom))
    print(f"wrote {OUTPUT.relative_to(HERE.parent.parent)} ({len(MEMBERS)} members)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
