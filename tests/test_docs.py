"""The docs checks of tools/build_docs.py, on tiny folders written here (no notebook runs, no nbdev processing).

`check_proc` reads a processed folder exactly as Quarto will: a missing include, link target, image, anchor or sidebar
entry must fail the build and be named with its page; `check_dom` reads a page as a browser rendered it."""
import importlib.util, json, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location('build_docs', ROOT/'tools'/'build_docs.py')
bd = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(bd)

def write_nb(path:Path, *markdown:str, outputs:list=()):
    "A minimal notebook: markdown cells, then one code cell with `outputs`."
    cells = [{'cell_type': 'markdown', 'metadata': {}, 'source': m} for m in markdown]
    cells.append({'cell_type': 'code', 'metadata': {}, 'source': 'x = 1', 'outputs': list(outputs), 'execution_count': None})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({'cells': cells, 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}), encoding='utf-8')

@pytest.fixture
def proc(tmp_path):
    "A fake `_proc/`: a home page that includes `_results.md` and shows an image, and a page it links to by anchor."
    p = tmp_path/'_proc'
    write_nb(p/'index.ipynb', '# Home\n> subtitle', 'Results:\n\n{{< include _results.md >}}\n\n![plot](images/plot.png)',
             'See [the method](method.ipynb#projectors) and [CKA](03_cka.ipynb#linear-cka).')
    write_nb(p/'method.ipynb', '## Projectors {#projectors}\n\ntext')
    write_nb(p/'03_cka.ipynb', '---\noutput-file: cka.html\n---', '## Linear CKA\n\n`x](nope.png)` is code, not a link')
    (p/'images').mkdir(); (p/'images'/'plot.png').write_bytes(b'\x89PNG')
    (p/'_results.md').write_text('| image encoder | top-1 |\n|---|---|\n| a | 1 |\n', encoding='utf-8')
    return p

def test_include_present_passes(proc):
    assert bd.check_proc(proc) == []

def test_missing_include_fails_and_names_it(proc):
    (proc/'_results.md').unlink()
    problems = bd.check_proc(proc)
    assert len(problems) == 1
    assert problems[0].startswith('index.ipynb:') and "include '_results.md' not found in _proc/" in problems[0]

def test_cli_exits_nonzero_naming_page_and_target(proc):
    ok = subprocess.run([sys.executable, str(ROOT/'tools'/'build_docs.py'), '--check', str(proc)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    (proc/'_results.md').unlink()
    bad = subprocess.run([sys.executable, str(ROOT/'tools'/'build_docs.py'), '--check', str(proc)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "index.ipynb: include '_results.md' not found" in bad.stderr

def test_missing_image_link_and_anchor_fail(proc):
    (proc/'images'/'plot.png').unlink()
    write_nb(proc/'method.ipynb', '## The projectors\n\ntext')   # no {#projectors}: its id is now the-projectors
    write_nb(proc/'tutorials'/'own.ipynb', 'Back [home](../index.ipynb), the [licence](../../LICENSE), [gone](gone.ipynb).')
    problems = bd.check_proc(proc)
    assert "index.ipynb: image 'images/plot.png' not found in _proc/ (looked for images/plot.png)" in problems
    assert "index.ipynb: link 'method.ipynb#projectors': method.ipynb has no heading or element with id 'projectors'" in problems
    assert any(p.startswith("tutorials/own.ipynb: link '../../LICENSE' points outside _proc/") for p in problems)
    assert any(p.startswith("tutorials/own.ipynb: link 'gone.ipynb' not found") for p in problems)
    assert len(problems) == 4   # the link to ../index.ipynb resolves; the code span in 03_cka is not a link

def test_html_page_links_and_output_refs(proc):
    "A link to `cka.html` resolves to the notebook Quarto renders as cka.html; HTML outputs are checked too."
    write_nb(proc/'page.ipynb', 'See [linear CKA](cka.html#linear-cka).',
             outputs=[{'output_type': 'display_data', 'metadata': {}, 'data': {'text/html': '<img src="images/nope.png">'}}])
    assert bd.check_proc(proc) == ["page.ipynb: image 'images/nope.png' not found in _proc/ (looked for images/nope.png)"]

def test_sidebar_entries_must_exist(proc):
    (proc/'sidebar.yml').write_text('website:\n  sidebar:\n    contents:\n      - index.ipynb\n      - gone.ipynb\n', encoding='utf-8')
    assert bd.check_proc(proc) == ["sidebar.yml: entry 'gone.ipynb' not found in _proc/"]

def test_auto_ids_follow_pandoc():
    assert bd.auto_id("The paper's results") == 'the-papers-results'
    assert bd.auto_id('Zero-shot *segmentation*') == 'zero-shot-segmentation'
    assert bd.auto_id('1.2 `linear_cka` and [CKA](x.ipynb)') == 'linear_cka-and-cka'
    assert bd.headings('## Pair selection {#pair-selection}\n```\n## not a heading\n```') == [(2, 'Pair selection', 'pair-selection')]

def test_nbconvert_gets_html_anchors():
    md = bd._anchor_headings('## Pair selection {#pair-selection}\n\ntext\n\n### The CKA {#cka}')
    assert md.count('<a id="pair-selection"></a>') == 1 and '\n## Pair selection\n' in md and '{#' not in md
    assert '<a id="cka"></a><a id="the-cka"></a>' in md   # the explicit id, and pandoc's automatic one

def test_include_files_are_copied(tmp_path):
    src, dest = tmp_path/'nbs', tmp_path/'_proc'
    for f in ['_a.md', 'tutorials/_b.qmd', '_hidden/_c.md', 'page.md', '_quarto.yml']:
        (src/f).parent.mkdir(parents=True, exist_ok=True); (src/f).write_text('x', encoding='utf-8')
    copied = bd.copy_includes(src, dest)
    assert sorted(str(p.relative_to(dest)) for p in copied) == ['_a.md', 'tutorials/_b.qmd']
    assert (dest/'tutorials'/'_b.qmd').read_text() == 'x'

def test_every_include_of_the_notebooks_is_copied():
    "Each `{{< include >}}` in nbs/ names a file the build copies into _proc/ (so the real site has it)."
    copied = {p.resolve() for p in bd.include_files(bd.NBS)}
    for nb in sorted(bd.NBS.rglob('*.ipynb')):
        if any(part.startswith(('_', '.')) for part in nb.relative_to(bd.NBS).parts): continue
        for kind, text in bd._page_texts(nb):
            for what, target in bd._refs(kind, text):
                if what == 'include': assert (nb.parent/target).resolve() in copied, f'{nb.name}: {target}'
    assert (bd.NBS/'_demo_results.md').resolve() in copied

def test_method_page_defines_the_anchors_other_pages_use():
    ids = {i for _, t, i in bd.headings('\n'.join(t for _, t in bd._page_texts(bd.NBS/'method.ipynb')))}
    assert {'pair-selection', 'cka', 'curation', 'projectors', 'training', 'evaluation', 'segmentation', 'relations',
            'results', 'reference-code'} <= ids

def test_order_sidebar(tmp_path):
    f = tmp_path/'sidebar.yml'
    f.write_text('website:\n  sidebar:\n    contents:\n      - index.ipynb\n      - 00_core.ipynb\n      - method.ipynb\n'
                 '      - section: tutorials\n        contents:\n          - tutorials/a.ipynb\n', encoding='utf-8')
    bd.order_sidebar(f)
    assert f.read_text().split('\n')[3:6] == ['      - index.ipynb', '      - method.ipynb', '      - 00_core.ipynb']

PAGE = """<html><head><title>x</title><script>var t = "<table><tr><th>image encoder</th></tr></table>";</script></head>
<body><main>{body}</main></body></html>"""
TABLE = '<table class="table"><thead><tr><th>rank</th><th>image encoder</th></tr></thead><tbody><tr><td>1</td><td>a</td></tr></tbody></table>'
CODE = '<pre><code><span>def</span> <span>linear_cka</span>(x, y)</code></pre>'

def test_check_dom_visible():
    assert bd.check_dom(PAGE.format(body=TABLE + CODE), ['rank', 'image encoder'], ['linear_cka(']) == []

def test_check_dom_missing_or_hidden():
    assert bd.check_dom(PAGE.format(body=CODE), ['image encoder'], ['linear_cka(']) == [
        "no table with the headers ['image encoder'] (0 tables in the page)"]
    hidden = PAGE.format(body=f'<div style="display: none">{TABLE}</div><section hidden>{CODE}</section>')
    assert bd.check_dom(hidden, ['image encoder'], ['linear_cka(']) == [
        "the table with the headers ['image encoder'] is hidden", "the code block containing 'linear_cka(' is hidden"]
    assert bd.check_dom(PAGE.format(body=TABLE), [], ['rbf_cka(']) == ["no code block containing 'rbf_cka('"]

def test_demo_table_headers_come_from_the_include():
    heads = bd.md_table_headers((bd.NBS/'_demo_results.md').read_text(encoding='utf-8'))
    assert 'image encoder' in heads and 'text encoder' in heads
