"""List notebook cells that nbdev's doc processing would execute although they hold test code, and exported functions
whose annotations name what the notebook defines only later (nbdev's `show_doc` evaluates annotations when it builds
the docs, cell by cell).

nbdev runs every exported cell and every cell containing an import statement (anywhere in it, even inside a function)
when it processes notebooks for the docs, whatever the cell's flags. A cell that mixes imports with other code then
runs outside the test context and can fail or hit the network. Keep imports in cells of their own.

    python tools/check_doc_cells.py            # exit 1 and list offenders
    python tools/check_doc_cells.py --fix      # move top-level imports of offending cells into a cell of their own"""
import ast, json, re, sys
from pathlib import Path

NBS = Path(__file__).resolve().parents[1]/'nbs'
SHOW = {'export', 'exports', 'exporti', 'exec_doc'}

def _directives(src:str)->set: return {m.split(':')[0].strip() for m in re.findall(r'^#\|\s*([\w-]+(?::)?)', src, re.M)}

def _offending(src:str)->bool:
    if 'nbdev_export()' in src or _directives(src) & SHOW or re.search(r'^#\|\s*eval:\s*false', src, re.M): return False
    try: tree = ast.parse('\n'.join(l for l in src.split('\n') if not l.lstrip().startswith(('!', '%'))))
    except SyntaxError: return False
    has_import = any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))
    only_imports = all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)
    return has_import and not only_imports

def _has_docs(nb)->bool: return any('#| export' in ''.join(c['source']) or '#|export' in ''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code')

def _split(src:str):
    "(imports-only source, rest) of a cell, moving its top-level imports out; None if nothing is top-level."
    lines = src.split('\n')
    dirs = [l for l in lines if l.startswith('#|')]
    body = [l for l in lines if not l.startswith('#|')]
    tree = ast.parse('\n'.join(body))
    imps = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    if not imps: return None
    drop = {i for n in imps for i in range(n.lineno - 1, n.end_lineno)}
    imp_src = '\n'.join(dirs + [body[i] for i in sorted(drop)])
    rest = '\n'.join(dirs + [l for i, l in enumerate(body) if i not in drop]).strip('\n')
    return imp_src, rest

EXPORTED = re.compile(r'^#\|\s*export[si]?\s*$', re.M)
LIB = Path(__file__).resolve().parents[1]/'freeze_align'

def _star_names(module:str)->set:
    "The names `from <module> import *` brings in: its `__all__` (freeze_align modules), else nothing known."
    f = LIB/(module.replace('freeze_align.', '').lstrip('.') + '.py')
    m = re.search(r"__all__ = \[(.*?)\]", f.read_text(encoding='utf-8'), re.S) if f.exists() else None
    return set(re.findall(r"'(\w+)'", m.group(1))) if m else set()

def _top_names(tree)->set:
    "Names a cell's top-level statements bind: defs, classes, assignments and imports (not imports inside functions)."
    res = set()
    for n in tree.body:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): res.add(n.name)
        elif isinstance(n, (ast.Assign, ast.AnnAssign)): res |= {t.id for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            for a in n.names: res |= _star_names(n.module or '') if a.name == '*' else {(a.asname or a.name).split('.')[0]}
    return res

def forward_annotations(nb:dict)->list[str]:
    "Exported functions whose annotations name something not bound at module level before their cell (nbdev's `show_doc` evaluates them)."
    import builtins
    known, bad = set(dir(builtins)), []
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] != 'code' or not EXPORTED.search(src): continue
        try: tree = ast.parse('\n'.join(l for l in src.split('\n') if not l.startswith('#|')))
        except SyntaxError: continue
        here = known | _top_names(tree)
        for f in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            anns = [a.annotation for a in f.args.args + f.args.kwonlyargs if a.annotation is not None] + ([f.returns] if f.returns else [])
            bad += [f'{f.name} is annotated with {x.id}, which is not defined or imported at module level before it'
                    for a in anns for x in ast.walk(a) if isinstance(x, ast.Name) and x.id not in here]
        known = here
    return bad

def main(fix:bool=False)->int:
    bad = []
    for p in sorted(NBS.rglob('*.ipynb')):
        if any(part.startswith(('_', '.')) for part in p.relative_to(NBS).parts): continue
        nb = json.loads(p.read_text(encoding='utf-8'))
        if not _has_docs(nb): continue
        cells, changed = [], False
        for c in nb['cells']:
            src = ''.join(c['source'])
            if c['cell_type'] == 'code' and _offending(src):
                parts = _split(src) if fix else None
                if parts:
                    imp, rest = parts
                    cells.append({**c, 'source': imp.splitlines(True)}); c = {k: v for k, v in c.items() if k != 'id'}
                    c['source'] = rest.splitlines(True); changed = True
                    if _offending(rest): bad.append((p, rest))
                else: bad.append((p, src))
            cells.append(c)
        if changed:
            nb['cells'] = cells
            p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    for p, src in bad: print(f'{p.relative_to(NBS)}: imports mixed with code (nbdev runs this cell for the docs):\n    ' + src.replace('\n', '\n    ')[:400] + '\n')
    late = [(p, m) for p in sorted(NBS.rglob('*.ipynb')) if not any(x.startswith(('_', '.')) for x in p.relative_to(NBS).parts)
            for m in forward_annotations(json.loads(p.read_text(encoding='utf-8')))]
    for p, m in late: print(f'{p.relative_to(NBS)}: {m} (show_doc cannot evaluate it when the docs are built: define it first)')
    return 1 if bad or late else 0

if __name__ == '__main__': sys.exit(main('--fix' in sys.argv))
