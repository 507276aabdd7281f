"""Build the docs offline: nbdev's doc processing (`_proc/`, what Quarto renders), then an nbconvert HTML render of the
processed notebooks into `_docs/`.

    python tools/build_docs.py                    # process nbs/ (notebooks without outputs)
    python tools/build_docs.py --src _executed    # process notebooks written by the test run (with real outputs)

Quarto cannot be installed on our build machines, so `nbdev_proc_nbs` (which installs Quarto first) and `nbdev_docs`
cannot run here; we call the same processing steps directly. Where Quarto exists (GitHub Actions, a laptop),
`quarto render _proc` gives the full site from the same `_proc/`."""
import argparse, json, re, shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
SITE_FILES = ['nbdev.yml', 'sidebar.yml', 'styles.css']
NB_KEYS = {'cell_type', 'metadata', 'source', 'outputs', 'execution_count', 'id', 'attachments'}

def process(src:Path):
    "Run nbdev's doc processing on the notebooks in `src`, writing `_proc/`."
    import nbdev.quarto as quarto, nbdev.doclinks as doclinks, nbdev.serve as serve
    from nbdev.config import get_config
    cfg = get_config()
    quarto.refresh_quarto_yml()      # writes nbs/nbdev.yml; leaves nbs/_quarto.yml (our symlink) alone
    doclinks._build_modidx()
    quarto.nbdev_sidebar.__wrapped__()
    if src.resolve() != cfg.nbs_path.resolve():
        for f in SITE_FILES: shutil.copy(cfg.nbs_path/f, src/f)
        shutil.copy(ROOT/'_quarto.yml', src/'_quarto.yml')
        if (cfg.nbs_path/'images').exists(): shutil.copytree(cfg.nbs_path/'images', src/'images', dirs_exist_ok=True)
    proc = cfg.config_path/'_proc'
    if proc.exists(): shutil.rmtree(proc)
    serve.proc_nbs(src, n_workers=2, force=True)
    return proc

def _clean_nb(nb:dict)->dict:
    "Make an nbdev-processed notebook acceptable to nbconvert, turning Quarto-only syntax into plain markdown."
    cells = []
    for c in nb['cells']:
        hide = False
        c = {k: v for k, v in c.items() if k in NB_KEYS}
        src = ''.join(c.get('source', [])) if isinstance(c.get('source'), list) else (c.get('source') or '')
        if c['cell_type'] == 'raw' and src.startswith('---'):  # front matter -> title and description
            import yaml
            fm = yaml.safe_load(src.strip().strip('-')) or {}
            c = {'cell_type': 'markdown', 'metadata': {}, 'source': f"# {fm.get('title', '')}\n\n*{fm.get('description', '')}*"}
        elif c['cell_type'] == 'markdown':
            src = re.sub(r'\{\{<\s*include\s+(\S+)\s*>\}\}', lambda m: (NBS/m.group(1)).read_text(encoding='utf-8'), src)  # Quarto includes
            src = re.sub(r'\{target="_blank"\}', '', src)
            src = re.sub(r'\]\(([^)#]+?)\.ipynb(#[^)]*)?\)', lambda m: f'](' + re.sub(r'^\d+[a-z]?_', '', m.group(1).split('/')[-1]) + '.html' + (m.group(2) or '') + ')', src)
            c['source'] = src
        else: c['source'] = src
        if c['cell_type'] == 'code':
            hide = bool(re.search(r'^#\|\s*echo:\s*false', src, re.M))
            c['source'] = '\n'.join(l for l in src.split('\n') if not l.startswith('#|')).strip('\n')
            c.setdefault('outputs', []); c.setdefault('execution_count', None)
            for o in c['outputs']:
                if 'data' in o:  # Quarto-only attributes in markdown outputs (show_doc tables)
                    for k in ('text/markdown',):
                        if k in o['data']:
                            v = ''.join(o['data'][k]) if isinstance(o['data'][k], list) else o['data'][k]
                            o['data'][k] = re.sub(r'\{target="_blank"[^}]*\}', '', re.sub(r'\{\.[^}]*\}', '', v))
        c['metadata'] = {'tags': ['remove_input']} if c['cell_type'] == 'code' and hide else {}
        c.pop('id', None)
        cells.append(c)
    return {'cells': cells, 'metadata': {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'},
                                         'language_info': {'name': 'python'}}, 'nbformat': 4, 'nbformat_minor': 4}

def _page_name(p:Path)->str:
    "The page name Quarto would use: the notebook's `output-file` front matter, else its name without the number."
    m = re.search(r'output-file:\s*([\w.-]+\.html)', p.read_text(encoding='utf-8'))
    return m.group(1) if m else re.sub(r'^\d+[a-z]?_', '', p.stem) + '.html'

def render(proc:Path, out:Path):
    "Render every processed notebook to a standalone HTML page in `out`, with a navigation bar."
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config
    from nbdev.config import get_config
    cfg = get_config()
    site = f"{cfg.doc_host}{cfg.doc_baseurl}".rstrip('/') + '/'
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    nbs = sorted(proc.rglob('*.ipynb'), key=lambda p: (p.name != 'index.ipynb', str(p)))
    pages = {p: _page_name(p) for p in nbs}
    nav = ' · '.join(f'<a href="{v}">{"home" if p.stem == "index" else p.stem}</a>' for p, v in pages.items())
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {'remove_input'}
    c.HTMLExporter.exclude_input_prompt = c.HTMLExporter.exclude_output_prompt = True
    exporter = HTMLExporter(template_name='lab', config=c)
    for p, name in pages.items():
        nb = nbformat.from_dict(_clean_nb(json.loads(p.read_text(encoding='utf-8'))))
        nbformat.validate(nb)
        html, _ = exporter.from_notebook_node(nb)
        html = html.replace(site, '')  # doc links point at the published site; keep them local
        html = html.replace('<main>', f'<nav style="padding:8px 16px;border-bottom:1px solid #ddd;font-family:sans-serif">{nav}</nav><main>', 1)
        (out/name).write_text(html, encoding='utf-8')
    for d in ('images',):
        if (proc/d).exists(): shutil.copytree(proc/d, out/d, dirs_exist_ok=True)
    return [out/v for v in pages.values()]

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--src', default='nbs', help='folder of notebooks to process (default: nbs)')
    ap.add_argument('--out', default='_docs', help='HTML output folder (default: _docs)')
    a = ap.parse_args()
    proc = process(Path(a.src))
    pages = render(proc, ROOT/a.out)
    print(f'docs: {len(pages)} pages in {a.out}/ (processed notebooks in {proc.relative_to(ROOT)}/)')
