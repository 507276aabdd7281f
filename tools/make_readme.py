"""Render nbs/index.ipynb to README.md offline (what `nbdev_readme` does through Quarto, which cannot be installed here).

    python tools/make_readme.py          # write README.md
    python tools/make_readme.py --check  # exit 1 if README.md is out of date (CI)

Hidden cells (`#| hide`) are dropped, `{{< include file.md >}}` shortcodes are inlined (the same files Quarto includes in
the docs site), and links to notebooks are made relative to the repository root."""
import argparse, json, os, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'

def _include(md:str, base:Path)->str:
    return re.sub(r'\{\{<\s*include\s+(\S+)\s*>\}\}', lambda m: (base/m.group(1)).read_text(encoding='utf-8').strip(), md)

def _relink(md:str)->str:
    "Links written relative to nbs/ (for the docs site) become relative to the repo root (for README.md)."
    def fix(m):
        target = m.group(2)
        if re.match(r'^(https?:|#|/|mailto:)', target): return m.group(0)
        return f'{m.group(1)}({os.path.normpath("nbs/" + target)})'
    return re.sub(r'(!?\[[^\]]*\])\(([^)\s]+)\)', fix, md)

def render(nb_path:Path=NBS/'index.ipynb')->str:
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    parts = []
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown': parts.append(_relink(_include(src, nb_path.parent)))
        elif c['cell_type'] == 'code' and not re.search(r'^#\|\s*hide', src, re.M):
            code = '\n'.join(l for l in src.split('\n') if not l.startswith('#|')).strip()
            if code: parts.append(f'```python\n{code}\n```')
    md = '\n\n'.join(p.strip() for p in parts if p.strip())
    # nbdev's title/subtitle convention becomes the README's heading and lead paragraph
    md = re.sub(r'^> (.*)$', r'> \1', md, count=1, flags=re.M)
    return '<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n' + md + '\n'

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--check', action='store_true', help='fail if README.md is out of date instead of writing it')
    a = ap.parse_args()
    md, readme = render(), ROOT/'README.md'
    if a.check:
        if not readme.exists() or readme.read_text(encoding='utf-8') != md:
            sys.exit('README.md is out of date with nbs/index.ipynb: run `python tools/make_readme.py`')
        print('README.md is up to date')
    else:
        readme.write_text(md, encoding='utf-8')
        print('wrote README.md')
