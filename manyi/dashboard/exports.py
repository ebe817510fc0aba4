"""A chart's numbers as a file: CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese)
or .xlsx. Both are safe from formula injection: the .xlsx through documents.exports.write; in
the CSV a text that a spreadsheet would take for a formula (= + - @ tab CR) gets a leading
apostrophe, the usual guard (OWASP), since a CSV cell cannot be marked as text."""

import csv
import io
import re
from decimal import Decimal
from typing import Any

from manyi.dashboard.stats import Chart
from manyi.documents.exports import FORMULA_STARTS, workbook_bytes

CSV_TYPE = "text/csv; charset=utf-8"


def csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def chart_csv(chart: Chart) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(v) for v in chart.header])
    for row in chart.rows:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def xlsx_cell(value: Any) -> Any:
    # documents.exports.write keeps int, Decimal and dates as numbers, every other value as text
    return Decimal(str(value)) if isinstance(value, float) else value


def chart_xlsx(chart: Chart) -> bytes:
    title = re.sub(r"[\\*?:/\[\]]", " ", chart.title)  # characters Excel refuses in sheet names
    rows = [[xlsx_cell(v) for v in row] for row in chart.rows]
    return workbook_bytes(title, chart.header, rows)
