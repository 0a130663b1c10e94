"""Executes notebooks top to bottom with the project's tslab kernel (nbclient),
keeping each code cell's execution count, and writes them back in place or
into --output-dir. nbconvert 6's --execute leaves the counts empty with tslab,
which publishes no execute_input; nbclient numbers the cells as it runs them.
Timing metadata is not recorded, so a rerun on the same results writes the
same bytes. Any cell error fails (exit 1), naming the notebook.

usage: execute-notebooks.py (--inplace | --output-dir DIR) NOTEBOOK...
"""
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def coalesce(outputs):
    """Consecutive stream outputs of one stream as one (as nbconvert writes them)."""
    merged = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and out.output_type == "stream"
            and last.output_type == "stream"
            and out.name == last.name
        ):
            last.text += out.text
        else:
            merged.append(out)
    return merged


def main(argv):
    if len(argv) < 2 or argv[0] not in ("--inplace", "--output-dir"):
        sys.exit(__doc__.strip().splitlines()[-1])
    if argv[0] == "--inplace":
        out_dir, paths = None, argv[1:]
    else:
        out_dir, paths = argv[1], argv[2:]
    if not paths:
        sys.exit("execute-notebooks.py: no notebooks given")
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        # nbformat 4.5 wants cell ids: stable ones, so a rerun writes the same bytes.
        for index, cell in enumerate(nb.cells):
            if "id" not in cell:
                cell["id"] = f"cell-{index}"
        client = NotebookClient(
            nb,
            kernel_name="tslab",
            timeout=3600,
            record_timing=False,
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
        )
        print(f"executing {path}", flush=True)
        try:
            client.execute()
        except CellExecutionError as err:
            sys.exit(f"{path}: a cell failed:\n{err}")
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = coalesce(cell.outputs)
        target = path if out_dir is None else os.path.join(out_dir, os.path.basename(path))
        tmp = f"{target}.tmp"
        nbformat.write(nb, tmp)
        os.replace(tmp, target)
        print(f"wrote {target}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
