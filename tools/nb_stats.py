"""Measure the notebooks against the house rhythm: small exported cells, each public name shown and tested.

    python tools/nb_stats.py                 # one line per notebook, then the totals
    python tools/nb_stats.py --check         # exit 1 if the median exported cell is over 12 lines or any is over 40
    python tools/nb_stats.py nbs/03_cka.ipynb  # only these notebooks

Counts the lines of every `#| export` (or `exports`/`exporti`) cell, directives included, as fastcore's measure does."""
import argparse, json, re, statistics, sys
from pathlib import Path

NBS = Path(__file__).resolve().parents[1]/'nbs'
EXPORT = re.compile(r'^#\|\s*export[si]?\s*$', re.M)
MEDIAN_MAX, CELL_MAX = 12, 40

def exported_cells(path:Path)->list[str]:
    "Sources of the exported code cells of a notebook."
    nb = json.loads(path.read_text(encoding='utf-8'))
    srcs = [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code']
    return [s for s in srcs if EXPORT.search(s)]

def stats(paths:list[Path])->tuple[list, list[int]]:
    rows, every = [], []
    for p in paths:
        n = [len(s.strip('\n').splitlines()) for s in exported_cells(p)]
        if not n: continue
        every += n
        rows.append((p.relative_to(NBS), len(n), statistics.median(n), max(n), sum(x > CELL_MAX for x in n)))
    return rows, every

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('paths', nargs='*', help='notebooks (default: every numbered notebook in nbs/)')
    ap.add_argument('--check', action='store_true', help=f'fail unless the median is <= {MEDIAN_MAX} and no cell is over {CELL_MAX} lines')
    a = ap.parse_args()
    paths = [Path(p).resolve() for p in a.paths] or sorted(NBS.glob('[0-9]*.ipynb'))
    rows, every = stats(paths)
    for name, n, med, mx, over in rows: print(f'{str(name):28s} {n:3d} exported cells  median {med:5.1f}  max {mx:3d}  over {CELL_MAX}: {over}')
    if not every: sys.exit('no exported cells found')
    med, mx = statistics.median(every), max(every)
    print(f'\nall: {len(every)} exported cells, median {med:.1f} lines, longest {mx}, {sum(x > CELL_MAX for x in every)} over {CELL_MAX}')
    if a.check and (med > MEDIAN_MAX or mx > CELL_MAX):
        sys.exit(f'the notebooks miss the rhythm targets: median {med:.1f} (target <= {MEDIAN_MAX}), longest {mx} (target <= {CELL_MAX})')
