"""How big a ward list may be before the reader refuses it, and why.

A ward (phường/xã) has at most about 100,000 residents, and the lists wards keep have
at most about 40 columns (STT, household code, name, birth date split Nam/Nữ, sex,
CCCD, relation, classification, phone, area, address, flags, notes…). Everything here
is several times that, so no real list comes near a limit, while a hostile or broken
file ("a 5 KB spreadsheet with one cell at XFD1048576") is refused *before* it is
turned into memory: python-calamine builds the whole dense rectangle from A1 to the
farthest cell, 16,384 × 1,048,576 cells for that file, and the process aborts.

Pure constants: imported by the reader and the tests, never by the probe child (which
gets its limits on the command line).
"""

from __future__ import annotations

# 5× the largest ward, plus title rows, household sub-headers and signature blocks.
MAX_ROWS = 500_000

# 6× the widest real list (~40 columns). Also the old .xls limit (IV), so a list that
# ever lived in Excel 2003 fits; a row never needs more.
MAX_COLUMNS = 256

# Rows × columns of the rectangle the spreadsheet library builds (A1 to the farthest
# cell). The biggest real list is 100,000 people × 40 columns = 4 million cells; 6
# million is 1.5 times that (150,000 rows of 40 columns, or 500,000 of 12). It also
# bounds what a hostile 50 MB file can make the worker hold: measured on this machine,
# reading a sheet of 6 million distinct text cells peaks at 1.1 GB in the worker (10
# million: 1.85 GB), the bench file of 1.1 million cells at 185 MB.
MAX_CELLS = 6_000_000

# The web form refuses uploads over 50 MB (registry/forms.py ImportForm); the reader
# applies the same bound to every caller (the import_residents command too). A
# 100,000-resident list is about 7 MB as .xlsx and 10-20 MB as CSV.
MAX_FILE_BYTES = 50 * 1024 * 1024

# An .xlsx/.ods is a zip: its parts may not unpack to more than this in total (zip
# bombs). A 100,000-resident .xlsx unpacks to about 55 MB with inline strings; the
# largest accepted sheet to about 250-400 MB (6 million cells at 40-60 bytes of XML).
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024

# A workbook has a handful of parts per sheet (sheet, rels, drawings, comments); every
# zip entry costs memory to list before anything is read.
MAX_ZIP_ENTRIES = 10_000

# Merged cell ranges of one sheet: a ward list merges the household-level columns of
# each household (code, address, area, classification…), up to ~8 ranges for each of
# ~35,000 households.
MAX_MERGED_RANGES = 500_000

# The reader looks for the list on the first sheets only: every sheet examined costs a
# probe, and a workbook of 10,000 empty sheets must not keep the worker busy.
MAX_SHEETS = 100

# The probe child (digiward/registry/imports/probe.py) that opens and measures a
# workbook before the worker does. The largest accepted sheet (6 million text cells)
# peaks at 430 MB there, the 100,000-resident bench file at 100 MB (0.7 s); 1 GB of
# address space leaves room for long texts. What the child survives the worker reads
# with its own copies (calamine's and Python's), so this cap also keeps the worker's
# read of a crafted file (one long shared text in every cell) near 2 GB at worst.
# The timeout is for a loaded machine: the largest accepted sheet takes 3.5 s.
PROBE_MEMORY_BYTES = 1024 * 1024 * 1024
PROBE_TIMEOUT_SECONDS = 60.0

# Bytes of worksheet XML the scanner reads at a time, and the longest single XML tag it
# accepts (real tags are under 200 bytes; a longer one only comes from a crafted file).
SCAN_CHUNK_BYTES = 4 * 1024 * 1024
SCAN_MAX_TAG_BYTES = 1024 * 1024
