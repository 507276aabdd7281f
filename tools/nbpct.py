"""Author notebooks as percent-format text and back (a small jupytext-like helper for contributors).

    python tools/nbpct.py to-py nbs/03_cka.ipynb > /tmp/03_cka.py     # notebook -> editable text
    python tools/nbpct.py to-nb /tmp/03_cka.py nbs/03_cka.ipynb       # text -> notebook (outputs dropped)

Cells start with `# %%` (code) or `# %% [markdown]` (markdown; each line prefixed by `# ` or a bare `#`); an
`id=...` after the marker keeps the cell's id, which nbdev writes into the exported module (new cells get one from
`nbdev_clean`). The notebook stays the source of truth: run `nbdev_clean`, then `nbdev_export`, after writing it."""
import json, re, sys
from pathlib import Path

KERNEL = {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}}

def nb_to_py(nb_path):
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    out = []
    for c in nb['cells']:
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        cid = f" id={c['id']}" if c.get('id') else ''
        if c['cell_type'] == 'markdown':
            out.append(f'# %% [markdown]{cid}\n' + '\n'.join(('# ' + l) if l else '#' for l in src.split('\n')))
        else: out.append(f'# %%{cid}\n' + src)
    return '\n\n'.join(out) + '\n'

def py_to_nb(text):
    cells, cur = [], None
    for line in text.split('\n'):
        if line.startswith('# %%'):
            if cur: cells.append(cur)
            m = re.search(r'id=(\S+)', line)
            cur = {'type': 'markdown' if '[markdown]' in line else 'code', 'lines': [], 'id': m.group(1) if m else None}
        elif cur is not None: cur['lines'].append(line)
    if cur: cells.append(cur)
    nb_cells = []
    for c in cells:
        lines = c['lines']
        while lines and not lines[-1].strip(): lines.pop()
        if c['type'] == 'markdown': lines = [l[2:] if l.startswith('# ') else l[1:] if l.startswith('#') else l for l in lines]
        src = '\n'.join(lines)
        src = [l + '\n' for l in src.split('\n')[:-1]] + [src.split('\n')[-1]] if src else []
        cell = {'cell_type': c['type'], **({'id': c['id']} if c['id'] else {}), 'metadata': {}, 'source': src}
        if c['type'] == 'code': cell.update(execution_count=None, outputs=[])
        nb_cells.append(cell)
    return {'cells': nb_cells, 'metadata': KERNEL, 'nbformat': 4, 'nbformat_minor': 5}

if __name__ == '__main__':
    cmd, *args = sys.argv[1:]
    if cmd == 'to-py': sys.stdout.write(nb_to_py(args[0]))
    elif cmd == 'to-nb': Path(args[1]).write_text(json.dumps(py_to_nb(Path(args[0]).read_text(encoding='utf-8')), indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    else: sys.exit(f'unknown command {cmd!r}: use to-py or to-nb')
