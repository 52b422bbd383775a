"""Writing Excel workbooks: what people typed is written as text, never as a formula.

openpyxl turns a string that starts with "=" into a formula, and Excel also
evaluates cells starting with "+", "-" or "@" (and, after a tab or a line break,
whatever follows): an agency name or a note such as "=HYPERLINK(...)" would run
in the admin's spreadsheet. Every export appends its rows through here.
"""

from openpyxl.cell.cell import TYPE_STRING

AWALAN_RUMUS = ("=", "+", "-", "@", "\t", "\r", "\n")


def tambah_baris(ws, nilai):
    """Append a row to the sheet; a text that would start a formula stays text."""
    ws.append(list(nilai))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(AWALAN_RUMUS):
            cell.data_type = TYPE_STRING
