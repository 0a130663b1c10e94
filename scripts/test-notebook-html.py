"""The notebooks as a static HTML export shows them (Debian's nbconvert 6,
`jupyter nbconvert --to html`): every PNG figure and every HTML table of each
notebook must be in its export. Prints one line per notebook; exit 1 on any
loss. (nbconvert 6 blanks SVG figures; the notebooks carry PNG for that.)

usage: test-notebook-html.py NOTEBOOK...
"""
import sys

import nbformat
from nbconvert import HTMLExporter


def main(paths):
    failed = False
    exporter = HTMLExporter()
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        # Only the code cells: tables typed in Markdown cells must not stand in for lost outputs.
        nb.cells = [c for c in nb.cells if c.cell_type == "code"]
        outputs = [o for c in nb.cells for o in c.get("outputs", [])]
        pngs = [o for o in outputs if "image/png" in o.get("data", {})]
        tables = sum(o["data"]["text/html"].count("<table") for o in outputs if "text/html" in o.get("data", {}))
        # A cell that draws a figure must hold one, and a notebook that ran holds outputs.
        missing = [
            i
            for i, c in enumerate(nb.cells)
            if "showFigure(" in "".join(c.source) and not any("image/png" in o.get("data", {}) for o in c.get("outputs", []))
        ]
        html, _ = exporter.from_notebook_node(nb)
        shown_pngs = html.count('src="data:image/png;base64,')
        shown_tables = html.count("<table")
        ok = shown_pngs == len(pngs) and shown_tables == tables and not missing and (outputs or not nb.cells)
        failed |= not ok
        print(
            f"{'ok  ' if ok else 'LOST'} {path}: {shown_pngs} of {len(pngs)} PNG figures, "
            f"{shown_tables} of {tables} tables in the HTML export"
            + (f"; code cells {missing} draw a figure but hold none" if missing else "")
            + ("" if outputs or not nb.cells else "; no outputs: not executed")
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
