"""Build the docs offline: nbdev's doc processing (`_proc/`, what Quarto renders), a check of `_proc/` exactly as Quarto
will see it, then an nbconvert HTML render of the processed notebooks into `_docs/`.

    python tools/build_docs.py                    # process nbs/ (notebooks without outputs)
    python tools/build_docs.py --src _executed    # process notebooks written by the test run (with real outputs)
    python tools/build_docs.py --check _proc      # only check an already processed folder
    python tools/build_docs.py --check-dom page.html --table-from nbs/_demo_results.md --code 'linear_cka('
                                                  # check a page dumped by a browser (tools/check_docs.sh)

Quarto cannot be installed on our build machines, so `nbdev_proc_nbs` (which installs Quarto first) and `nbdev_docs`
cannot run here; we call the same processing steps directly. Where Quarto exists (GitHub Actions, a laptop),
`quarto render _proc` gives the full site from the same `_proc/`.

`_proc/` is the only folder Quarto sees, and nbdev copies into it only the files `nbglob` lists, which skips every
name starting with `_` or `.`. Quarto include files must keep their `_` prefix (Quarto renders every other `.md`
next to the notebooks as a page of its own), so after nbdev's processing we copy them in ourselves: every `_*.md` and
`_*.qmd` file of the notebook folder goes to the same place under `_proc/` (`copy_includes`). Then `check_proc`
fails the build, naming the page and the target, when anything a page needs is missing from `_proc/`: an
`{{< include >}}` file, a local link or image (including links that leave `_proc/`, which the published site cannot
serve), a `#anchor` on a linked page, or a sidebar entry. The nbconvert render reads only `_proc/` too, and its links
and anchors are checked the same way (`check_render`)."""
import argparse, json, os, re, shutil, sys
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
SITE_FILES = ['nbdev.yml', 'sidebar.yml', 'styles.css']
SITE_DIRS = ['images']
INCLUDE_GLOBS = ('_*.md', '_*.qmd')   # Quarto include files: not pages, and skipped by nbdev's copy into _proc/
FIRST_PAGES = ['index.ipynb', 'method.ipynb']   # the sidebar starts with these, in this order
NB_KEYS = {'cell_type', 'metadata', 'source', 'outputs', 'execution_count', 'id', 'attachments'}
PAGE_EXTS = ('.ipynb', '.qmd', '.md')

# ---------------------------------------------------------------------------------------------------------------------
# Processing

def include_files(folder:Path)->list:
    "Quarto include files (`_*.md`, `_*.qmd`) under `folder`, skipping folders that start with `_` or `.`."
    res = []
    for d, dirs, files in os.walk(folder):
        dirs[:] = sorted(x for x in dirs if not x.startswith(('_', '.')))
        res += [Path(d)/f for f in sorted(files) if any(Path(f).match(g) for g in INCLUDE_GLOBS)]
    return res

def copy_includes(src:Path, dest:Path)->list:
    "Copy the include files of `src` to the same relative paths under `dest` (the step nbdev's `proc_nbs` leaves out)."
    done = []
    for f in include_files(src):
        to = dest/f.relative_to(src)
        to.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, to)
        done.append(to)
    return done

def order_sidebar(path:Path, first:list=FIRST_PAGES):
    "Move the `first` pages to the top of nbdev's generated `sidebar.yml`, in that order (nbdev sorts by file name)."
    lines = path.read_text(encoding='utf-8').split('\n')
    entry = lambda name: next((i for i, l in enumerate(lines) if l.strip() == f'- {name}'), None)
    found = [(n, entry(n)) for n in first]
    found = [(n, i) for n, i in found if i is not None]
    if not found: return
    indent = lines[found[0][1]][:len(lines[found[0][1]]) - len(lines[found[0][1]].lstrip())]
    at = min(i for _, i in found)
    for _, i in sorted(found, key=lambda t: -t[1]): del lines[i]
    lines[at:at] = [f'{indent}- {n}' for n, _ in found]
    path.write_text('\n'.join(lines), encoding='utf-8')

def sidebar():
    "Regenerate `nbs/sidebar.yml` as nbdev does (unless settings.ini says `custom_sidebar = True`), `FIRST_PAGES` first."
    import nbdev.quarto as quarto
    from nbdev.config import get_config
    cfg = get_config()
    if cfg.custom_sidebar: return
    quarto.nbdev_sidebar.__wrapped__()
    order_sidebar(cfg.nbs_path/'sidebar.yml')

def process(src:Path)->Path:
    "Run nbdev's doc processing on the notebooks in `src`, writing `_proc/`, then copy the include files into it."
    import nbdev.quarto as quarto, nbdev.doclinks as doclinks, nbdev.serve as serve
    from nbdev.config import get_config
    cfg = get_config()
    quarto.refresh_quarto_yml()      # writes nbs/nbdev.yml; leaves nbs/_quarto.yml (our symlink) alone
    doclinks._build_modidx()
    sidebar()
    if src.resolve() != cfg.nbs_path.resolve():   # e.g. _executed/ holds only notebooks: bring the site files along
        for f in SITE_FILES: shutil.copy(cfg.nbs_path/f, src/f)
        shutil.copy(ROOT/'_quarto.yml', src/'_quarto.yml')
        for d in SITE_DIRS:
            if (cfg.nbs_path/d).exists(): shutil.copytree(cfg.nbs_path/d, src/d, dirs_exist_ok=True)
        copy_includes(cfg.nbs_path, src)
    proc = cfg.config_path/'_proc'
    if proc.exists(): shutil.rmtree(proc)
    serve.proc_nbs(src, n_workers=2, force=True)
    copy_includes(src, proc)
    return proc

# ---------------------------------------------------------------------------------------------------------------------
# Checking _proc/ as Quarto sees it

_INCLUDE = re.compile(r'\{\{<\s*include\s+([^\s>]+)\s*>\}\}')
_LINK = re.compile(r'(!?)\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^\s)>]+)>?(?:\s+(?:"[^"]*"|\'[^\']*\'))?\s*\)')
_HTML_REF = re.compile(r'\b(src|href)\s*=\s*["\']([^"\']+)["\']')
_HTML_ID = re.compile(r'\b(?:id|name)\s*=\s*["\']([^"\']+)["\']')
_ATTR_ID = re.compile(r'\{[^{}\n]*?#([A-Za-z][\w:.-]*)[^{}\n]*\}')
_HEADING = re.compile(r'^(#{1,6})[ \t]+(.*?)[ \t]*(\{[^{}]*\})?[ \t]*#*[ \t]*$')
_FENCE = re.compile(r'^[ \t]*(```|~~~)')
_SCHEME = re.compile(r'^[a-zA-Z][\w+.-]*:')

def _text(v)->str: return ''.join(v) if isinstance(v, list) else (v or '')

def _strip_fences(md:str)->str:
    "Markdown without its fenced code blocks."
    out, fence = [], None
    for line in md.split('\n'):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1) == fence: fence = None
            continue
        if m: fence = m.group(1); continue
        out.append(line)
    return '\n'.join(out)

def _strip_code(md:str)->str:
    "Markdown without fenced code blocks and inline code spans (links there are not links)."
    return re.sub(r'(`+)(?:(?!\1).)+?\1', '', _strip_fences(md))

def auto_id(heading:str)->str:
    "The identifier pandoc (so Quarto) gives a heading without an explicit `{#id}`."
    t = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', heading)   # links and images keep their text
    t = re.sub(r'<[^>]+>', '', t).replace('`', '').replace('*', '')
    t = ''.join(ch for ch in t if ch.isalnum() or ch in '_-.' or ch.isspace())
    t = re.sub(r'\s+', '-', t.strip()).lower()
    while t and not t[0].isalpha(): t = t[1:]
    return t or 'section'

def headings(md:str)->list:
    "(level, text, explicit id or None) of every markdown heading outside code blocks."
    res = []
    for line in _strip_fences(md).split('\n'):
        m = _HEADING.match(line)
        if m:
            ids = _ATTR_ID.findall(m.group(3) or '')
            res.append((len(m.group(1)), m.group(2), ids[0] if ids else None))
    return res

def _anchors_md(md:str)->set:
    "Ids a markdown text defines: heading ids (explicit or automatic), `{#id}` attributes, HTML `id=`."
    ids = {i or auto_id(t) for _, t, i in headings(md)}   # pandoc gives no automatic id where there is an explicit one
    code_free = _strip_code(md)
    return ids | set(_ATTR_ID.findall(code_free)) | set(_HTML_ID.findall(code_free))

def _page_texts(page:Path)->list:
    "('md' | 'html', text) pieces of a page: markdown cells and markdown/HTML outputs of a notebook, or a .md/.qmd file."
    if page.suffix != '.ipynb': return [('md', page.read_text(encoding='utf-8'))]
    nb, res = json.loads(page.read_text(encoding='utf-8')), []
    for c in nb.get('cells', []):
        if c.get('cell_type') == 'markdown': res.append(('md', _text(c.get('source'))))
        for o in c.get('outputs', []) if c.get('cell_type') == 'code' else []:
            d = o.get('data', {})
            if 'text/markdown' in d: res.append(('md', _text(d['text/markdown'])))
            elif 'text/html' in d: res.append(('html', _text(d['text/html'])))
    return res

def _refs(kind:str, text:str)->list:
    "(what, target) of every include, link, image and HTML src/href in one piece of a page."
    res = [('include', m.group(1)) for m in _INCLUDE.finditer(text)] if kind == 'md' else []
    if kind == 'md':
        body = _strip_code(text)
        res += [('image' if m.group(1) else 'link', m.group(2)) for m in _LINK.finditer(body)]
    else: body = text
    res += [('image' if m.group(1) == 'src' else 'link', m.group(2)) for m in _HTML_REF.finditer(body)]
    return res

def page_name(p:Path)->str:
    "The HTML page Quarto writes for a notebook: its `output-file` front matter, else its name without the number."
    m = re.search(r'output-file:\s*([\w.-]+\.html)', p.read_text(encoding='utf-8'))
    return m.group(1) if m else re.sub(r'^\d+[a-z]?_', '', p.stem) + '.html'

def site_pages(proc:Path)->list:
    "The files Quarto renders as pages: notebooks, .qmd and .md whose names (and folders) do not start with `_` or `.`."
    res = []
    for d, dirs, files in os.walk(proc):
        dirs[:] = sorted(x for x in dirs if not x.startswith(('_', '.')))
        res += [Path(d)/f for f in sorted(files) if f.endswith(PAGE_EXTS) and not f.startswith(('_', '.'))]
    return res

class _Site:
    "The pages of a processed folder, each with its text pieces (includes inlined) and the anchors it defines."
    def __init__(self, proc:Path):
        self.proc, self.pages = proc.resolve(), site_pages(proc.resolve())
        self.texts, self.problems = {}, []
        for p in self.pages: self.texts[p] = self._inline(p, _page_texts(p))
        self.html = {p.parent/page_name(p): p for p in self.pages if p.suffix == '.ipynb'}
        self._anchors = {}

    def rel(self, p:Path)->str: return str(p.relative_to(self.proc)) if p.is_relative_to(self.proc) else str(p)

    def _inline(self, page:Path, pieces:list, depth:int=0)->list:
        "Pieces with each existing include's text appended (Quarto pastes it in); missing ones are reported later."
        res = list(pieces)
        for kind, text in pieces:
            for what, target in (_refs(kind, text) if depth < 5 else []):
                f = (page.parent/unquote(target)).resolve()
                if what == 'include' and f.is_file() and f.is_relative_to(self.proc):
                    res += self._inline(page, [('md', f.read_text(encoding='utf-8'))], depth + 1)
        return res

    def anchors(self, page:Path)->set:
        if page not in self._anchors:
            self._anchors[page] = set().union(*[_anchors_md(t) if k == 'md' else set(_HTML_ID.findall(t))
                                                for k, t in self.texts.get(page, [])])
        return self._anchors[page]

    def resolve(self, page:Path, path:str)->Path:
        "The file a local target of `page` names; an `x.html` link resolves to the notebook Quarto renders as x.html."
        f = Path(os.path.normpath(page.parent/unquote(path)))
        if not f.exists() and f.suffix == '.html' and f in self.html: return self.html[f]
        return f

    def check_ref(self, page:Path, what:str, target:str)->str|None:
        "A problem message for one reference of `page`, or None when Quarto will find it."
        if _SCHEME.match(target) or target.startswith('//'): return None   # http(s):, mailto:, data:, ...
        if target.startswith('/'): return f"{what} {target!r} is site-absolute: use a path relative to the page"
        path, _, anchor = target.partition('#')
        path = path.split('?')[0]
        dest = self.resolve(page, path) if path else page
        if not dest.is_relative_to(self.proc):
            return f"{what} {target!r} points outside _proc/ (the published site will not have it; link to the repository on GitHub instead)"
        if not dest.exists():
            return f"{what} {target!r} not found in _proc/ (looked for {self.rel(dest)})"
        if anchor and what == 'link' and dest.suffix in PAGE_EXTS and dest in self.texts and unquote(anchor) not in self.anchors(dest):
            return f"link {target!r}: {self.rel(dest)} has no heading or element with id '{unquote(anchor)}'"
        return None

    def check(self)->list:
        "Every problem of every page, as 'page: message' lines."
        res = []
        for p in self.pages:
            seen = set()
            for kind, text in self.texts[p]:
                for what, target in _refs(kind, text):
                    msg = self.check_ref(p, what, target)
                    if msg and msg not in seen: seen.add(msg); res.append(f'{self.rel(p)}: {msg}')
        return res + self.check_sidebar()

    def check_sidebar(self)->list:
        "Sidebar entries (files and section hrefs) that are missing from _proc/."
        f = self.proc/'sidebar.yml'
        if not f.exists(): return []
        import yaml
        items, res = [], []
        def walk(x):
            if isinstance(x, str): items.append(x)
            elif isinstance(x, list): [walk(v) for v in x]
            elif isinstance(x, dict):
                for k in ('href', 'file'):
                    if isinstance(x.get(k), str): items.append(x[k])
                walk(x.get('contents', []))
        walk(((yaml.safe_load(f.read_text(encoding='utf-8')) or {}).get('website') or {}).get('sidebar', {}).get('contents', []))
        for it in items:
            if not _SCHEME.match(it) and not (self.proc/it).exists(): res.append(f"sidebar.yml: entry {it!r} not found in _proc/")
        return res

def check_proc(proc:Path)->list:
    "Everything Quarto will need but `proc` lacks, as 'page: problem' lines naming the target (empty: all there)."
    proc = Path(proc)
    if not proc.is_dir(): return [f'{proc}: no such folder (process the notebooks first)']
    return _Site(proc).check()

# ---------------------------------------------------------------------------------------------------------------------
# The offline render (nbconvert), read from _proc/ only

def _anchor_headings(md:str)->str:
    "Turn `## Title {#id}` into an HTML anchor plus a plain heading, and add pandoc's automatic id, for nbconvert."
    out, fence = [], None
    for line in md.split('\n'):
        m = _FENCE.match(line)
        if fence or m:
            if fence and m and m.group(1) == fence: fence = None
            elif not fence and m: fence = m.group(1)
            out.append(line); continue
        h = _HEADING.match(line)
        if h:
            ids = _ATTR_ID.findall(h.group(3) or '') + [auto_id(h.group(2))]
            out += [''.join(f'<a id="{i}"></a>' for i in dict.fromkeys(ids)), '', f'{h.group(1)} {h.group(2)}']
        else: out.append(line)
    return '\n'.join(out)

def _html_link(m)->str:
    "A link to a notebook becomes a link to its flat HTML page (the nbconvert render writes every page at the top)."
    return '](' + re.sub(r'^\d+[a-z]?_', '', m.group(1).split('/')[-1]) + '.html' + (m.group(2) or '') + ')'

def _clean_nb(nb:dict, base:Path, links:list|None=None)->dict:
    """Make an nbdev-processed notebook acceptable to nbconvert, turning Quarto-only syntax into plain markdown.
    Includes are read from `base` (the notebook's folder in `_proc/`); local links of markdown cells go to `links`."""
    cells = []
    for c in nb['cells']:
        hide = False
        c = {k: v for k, v in c.items() if k in NB_KEYS}
        src = _text(c.get('source'))
        if c['cell_type'] == 'raw' and src.startswith('---'):  # front matter -> title and description
            import yaml
            fm = yaml.safe_load(src.strip().strip('-')) or {}
            c = {'cell_type': 'markdown', 'metadata': {}, 'source': f"# {fm.get('title', '')}\n\n*{fm.get('description', '')}*"}
        elif c['cell_type'] == 'markdown':
            src = _INCLUDE.sub(lambda m: (base/m.group(1)).read_text(encoding='utf-8'), src)  # Quarto includes
            src = re.sub(r'\{target="_blank"\}', '', src)
            src = re.sub(r'\]\(([^)#]+?)\.ipynb(#[^)]*)?\)', _html_link, src)
            src = _anchor_headings(src)
            if links is not None: links += [t for what, t in _refs('md', src) if what != 'include']
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
                            v = _text(o['data'][k])
                            o['data'][k] = re.sub(r'\{target="_blank"[^}]*\}', '', re.sub(r'\{\.[^}]*\}', '', v))
        c['metadata'] = {'tags': ['remove_input']} if c['cell_type'] == 'code' and hide else {}
        c.pop('id', None)
        cells.append(c)
    return {'cells': cells, 'metadata': {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'},
                                         'language_info': {'name': 'python'}}, 'nbformat': 4, 'nbformat_minor': 4}

def render(proc:Path, out:Path)->tuple:
    "Render every processed notebook to a standalone HTML page in `out`, with a navigation bar; also return each page's local links."
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config
    from nbdev.config import get_config
    cfg = get_config()
    site = f"{cfg.doc_host}{cfg.doc_baseurl}".rstrip('/') + '/'
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    order = {n: i for i, n in enumerate(FIRST_PAGES)}
    nbs = sorted((p for p in site_pages(proc) if p.suffix == '.ipynb'), key=lambda p: (order.get(p.name, len(order)), str(p)))
    pages = {p: page_name(p) for p in nbs}
    nav = ' · '.join(f'<a href="{v}">{"home" if p.stem == "index" else p.stem}</a>' for p, v in pages.items())
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {'remove_input'}
    c.HTMLExporter.exclude_input_prompt = c.HTMLExporter.exclude_output_prompt = True
    exporter = HTMLExporter(template_name='lab', config=c)
    links = {}
    for p, name in pages.items():
        links[name] = []
        nb = nbformat.from_dict(_clean_nb(json.loads(p.read_text(encoding='utf-8')), p.parent, links[name]))
        nbformat.validate(nb)
        html, _ = exporter.from_notebook_node(nb)
        html = html.replace(site, '')  # doc links point at the published site; keep them local
        html = html.replace('<main>', f'<nav style="padding:8px 16px;border-bottom:1px solid #ddd;font-family:sans-serif">{nav}</nav><main>', 1)
        (out/name).write_text(html, encoding='utf-8')
    for d in SITE_DIRS:
        if (proc/d).exists(): shutil.copytree(proc/d, out/d, dirs_exist_ok=True)
    return [out/v for v in pages.values()], links

def check_render(out:Path, links:dict)->list:
    "Local links and images written in the pages' markdown that the nbconvert render in `out` does not resolve."
    res, ids = [], {}
    def has_id(f:Path, i:str)->bool:
        if f not in ids: ids[f] = set(_HTML_ID.findall(f.read_text(encoding='utf-8')))
        return i in ids[f]
    for name, targets in links.items():
        for t in dict.fromkeys(targets):
            if _SCHEME.match(t) or t.startswith(('/', '//')): continue
            path, _, anchor = t.partition('#')
            f = out/unquote(path) if path else out/name
            if not f.exists(): res.append(f'{name}: {t!r} not found in {out.name}/')
            elif anchor and f.suffix == '.html' and not has_id(f, unquote(anchor)): res.append(f"{name}: {t!r}: no id '{unquote(anchor)}' in {f.name}")
    return res

# ---------------------------------------------------------------------------------------------------------------------
# Checking a page as a browser rendered it (tools/check_docs.sh dumps the DOM with headless Chromium)

_VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}
_INVISIBLE = {'head', 'script', 'style', 'template', 'noscript', 'title'}

class _Node:
    def __init__(self, tag:str, attrs:dict, parent=None): self.tag, self.attrs, self.parent, self.kids = tag, attrs, parent, []
    def text(self)->str: return ''.join(k if isinstance(k, str) else k.text() for k in self.kids)
    def walk(self):
        yield self
        for k in self.kids:
            if isinstance(k, _Node): yield from k.walk()
    def hidden(self)->bool:
        "Hidden by itself or an ancestor: a non-rendered element, `hidden`, `display:none`/`visibility:hidden`, a hiding class."
        n = self
        while n is not None:
            cls = set((n.attrs.get('class') or '').split())
            style = re.sub(r'\s', '', (n.attrs.get('style') or '').lower())
            if (n.tag in _INVISIBLE or 'hidden' in n.attrs or n.attrs.get('aria-hidden') == 'true'
                or 'display:none' in style or 'visibility:hidden' in style
                or cls & {'hidden', 'd-none', 'visually-hidden', 'sr-only'} or ('collapse' in cls and 'show' not in cls)
                or (n.tag == 'details' and 'open' not in n.attrs and n is not self)): return True
            n = n.parent
        return False

def parse_dom(html:str)->_Node:
    "A small DOM tree of an HTML document (stdlib only)."
    from html.parser import HTMLParser
    root = _Node('#root', {})
    class P(HTMLParser):
        cur = root
        def handle_starttag(self, tag, attrs):
            n = _Node(tag, dict(attrs), self.cur); self.cur.kids.append(n)
            if tag not in _VOID: self.cur = n
        def handle_startendtag(self, tag, attrs): self.cur.kids.append(_Node(tag, dict(attrs), self.cur))
        def handle_endtag(self, tag):
            n = self.cur
            while n is not root and n.tag != tag: n = n.parent
            if n is not root: self.cur = n.parent
        def handle_data(self, data): self.cur.kids.append(data)
    p = P(convert_charrefs=True); p.feed(html); p.close()
    return root

def _norm(s:str)->str: return ' '.join(s.split())

def md_table_headers(md:str)->list:
    "Header cells of the first markdown table in `md` (formatting marks removed)."
    lines = md.split('\n')
    for i, l in enumerate(lines[:-1]):
        if l.strip().startswith('|') and re.match(r'^\s*\|?\s*:?-{3,}', lines[i+1]):
            return [_norm(re.sub(r'[*`_]', '', c)) for c in l.strip().strip('|').split('|')]
    return []

def check_dom(html:str, table_headers:list=(), code:list=())->list:
    "What is missing or hidden in a rendered page: a visible table with all `table_headers`, visible code containing each `code`."
    root, res = parse_dom(html), []
    if table_headers:
        want = {_norm(h) for h in table_headers}
        tables = [t for t in root.walk() if t.tag == 'table']
        match = [t for t in tables if want <= {_norm(c.text()) for c in t.walk() if c.tag == 'th'}]
        if not match: res.append(f'no table with the headers {sorted(want)} ({len(tables)} tables in the page)')
        elif all(t.hidden() for t in match): res.append(f'the table with the headers {sorted(want)} is hidden')
    for s in code:
        hits = [n for n in root.walk() if n.tag in ('pre', 'code') and s in n.text()]
        if not hits: res.append(f'no code block containing {s!r}')
        elif all(n.hidden() for n in hits): res.append(f'the code block containing {s!r} is hidden')
    return res

# ---------------------------------------------------------------------------------------------------------------------

def _fail(what:str, problems:list):
    print(f'{what}: {len(problems)} problem(s)', file=sys.stderr)
    for p in problems: print(f'  {p}', file=sys.stderr)
    sys.exit(1)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--src', default='nbs', help='folder of notebooks to process (default: nbs)')
    ap.add_argument('--out', default='_docs', help='HTML output folder (default: _docs)')
    ap.add_argument('--check', metavar='PROC', help='only check an already processed folder such as _proc')
    ap.add_argument('--check-dom', metavar='HTML', help='only check a page as a browser rendered it (its dumped DOM)')
    ap.add_argument('--table-from', metavar='MD', help='with --check-dom: the first table of this markdown file must be visible')
    ap.add_argument('--code', action='append', default=[], help='with --check-dom: visible code must contain this text')
    a = ap.parse_args()
    if a.check_dom:
        heads = md_table_headers(Path(a.table_from).read_text(encoding='utf-8')) if a.table_from else []
        if a.table_from and not heads: _fail(a.check_dom, [f'no markdown table in {a.table_from}'])
        problems = check_dom(Path(a.check_dom).read_text(encoding='utf-8'), heads, a.code)
        if problems: _fail(f'browser check of {a.check_dom}', problems)
        print(f'{a.check_dom}: ' + '; '.join([f'table with {len(heads)} headers visible'] * bool(heads) + [f'{c!r} visible' for c in a.code]))
        sys.exit(0)
    if a.check:
        problems = check_proc(Path(a.check))
        if problems: _fail(f'docs check of {a.check}/', problems)
        print(f'docs check: {len(site_pages(Path(a.check)))} pages in {a.check}/, every include, link, image, anchor and sidebar entry found')
        sys.exit(0)
    proc = process(Path(a.src))
    problems = check_proc(proc)
    if problems: _fail('docs check of _proc/ (what Quarto renders)', problems)
    pages, links = render(proc, ROOT/a.out)
    problems = check_render(ROOT/a.out, links)
    if problems: _fail(f'docs check of the nbconvert render in {a.out}/', problems)
    print(f'docs: {len(pages)} pages in {a.out}/ (processed notebooks in {proc.relative_to(ROOT)}/); '
          f'includes, links, images, anchors and sidebar checked in _proc/ and {a.out}/')
