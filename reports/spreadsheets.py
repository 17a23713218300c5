"""Writing text into spreadsheets safely: one place for the focal-point workbook, the statistics
workbook and the CSV downloads.

Two dangers. Text stored before control characters were cleaned on input (or arriving through
other paths) can hold characters XML 1.0 cannot carry, which openpyxl refuses with an error: they
are dropped. And text typed by a focal point such as "=HYPERLINK(...)" must never run as a formula
in the spreadsheet of whoever opens the file: in a workbook it is written as a text cell (the
exact text, so it reads back unchanged); in a CSV it gets a leading apostrophe.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# What a spreadsheet program may take as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_TITLE = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Excel writes a control character in a cell as _xHHHH_ (openpyxl reads the escape as it is).
_CONTROL_ESCAPE = re.compile(r"_x(00[01][0-9A-Fa-f])_")


def xml_safe(text: str) -> str:
    """The text without the control characters a workbook cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell_value(value: Any) -> Any:
    """A value openpyxl accepts: text without illegal characters; dates as YYYY-MM-DD text."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, datetime.date):  # datetime too: answers hold dates only
        return value.isoformat()
    return value


def _as_text_if_formula(cell) -> None:
    if looks_like_formula(cell.value):
        cell.data_type = "s"  # written as text: shown as typed, never calculated


def write_cell(cell, value: Any) -> None:
    """Put a value into a cell the safe way (see the module's docstring)."""
    cell.value = safe_cell_value(value)
    _as_text_if_formula(cell)


def append_row(sheet, values: Iterable[Any]) -> None:
    """`sheet.append` the safe way: every value cleaned, formula-looking text kept as text."""
    sheet.append([safe_cell_value(value) for value in values])
    for cell in sheet[sheet.max_row]:
        _as_text_if_formula(cell)


def csv_cell(value: Any) -> Any:
    """A CSV value a spreadsheet program opens as text, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_sheet_title(title: str) -> str:
    """A title Excel accepts for a sheet: no control characters, none of []:*?/\\, not starting or
    ending with an apostrophe, 31 characters at most (as Excel counts them, in UTF-16 units)."""
    title = SHEET_TITLE_FORBIDDEN.sub(" ", xml_safe(title)).strip("'")
    while len(title.encode("utf-16-le")) > MAX_SHEET_TITLE * 2:
        title = title[:-1]
    # Trailing spaces are kept: titles are matched on upload as earlier downloads wrote them.
    return title.rstrip("'") or "Sheet"


def decode_control_escapes(text: str) -> str:
    """Control characters that Excel saved as _xHHHH_ escapes, as characters again, so the answer
    cleaning drops them (or turns soft line breaks into line breaks) instead of keeping the
    escape as text."""
    return _CONTROL_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
