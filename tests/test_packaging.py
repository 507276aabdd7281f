"""The package that `pip install freeze-align` gets: built from this tree, loose requirements, the console script, and
declared dependencies that match what the library imports (no missing distribution, no unused pin)."""
import ast, configparser, importlib.metadata, re, subprocess, sys, zipfile
from pathlib import Path
import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT/'freeze_align'
# calls that import the module named by their first argument: `require('faiss', ...)`, `importlib.import_module(...)`,
# `importlib.util.find_spec(...)`, and concepts' `_pkg_file(package, ...)` (which calls `require`)
IMPORTING_CALLS = {'require', 'import_module', 'find_spec', '_pkg_file'}

def _settings():
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini', encoding='utf-8')
    return cfg['DEFAULT']

def norm(name:str)->str: return re.sub(r'[-_.]+', '-', name).lower()   # PEP 503 distribution names

@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    "Build the wheel once: (zip file, its METADATA text)."
    out = tmp_path_factory.mktemp('wheel')
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', '-w', str(out), str(ROOT)],
                   check=True, capture_output=True)
    whl, = out.glob('freeze_align-*.whl')
    zf = zipfile.ZipFile(whl)
    return zf, zf.read(f"freeze_align-{_settings()['version']}.dist-info/METADATA").decode()

def declared(meta:str)->tuple[dict, dict]:
    "The wheel's requirements: ({dist: Requirement} of install_requires, {extra: {dist: Requirement}})."
    core, extras = {}, {e: {} for e in re.findall(r'^Provides-Extra: (\S+)$', meta, re.M)}
    for line in re.findall(r'^Requires-Dist: (.+)$', meta, re.M):
        r = Requirement(line)
        extra = re.search(r'extra == "([^"]+)"', str(r.marker)) if r.marker else None
        (extras[extra.group(1)] if extra else core)[norm(r.name)] = r
    return core, extras

def _imported(node)->list[str]:
    if isinstance(node, ast.Import): return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module: return [node.module]
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        f = node.func
        if (f.attr if isinstance(f, ast.Attribute) else getattr(f, 'id', None)) in IMPORTING_CALLS: return [node.args[0].value]
    return []

def library_imports()->dict:
    "{top-level module: {(file, at_module_level)}} for every third-party import in freeze_align/*.py, nested ones included."
    found = {}
    for f in sorted(LIB.glob('*.py')):
        tree = ast.parse(f.read_text(encoding='utf-8'))
        top = {id(n) for n in tree.body} | {id(n) for s in tree.body if isinstance(s, ast.Try) for n in s.body}
        for node in ast.walk(tree):
            for mod in _imported(node):
                root = mod.split('.')[0]
                if root in sys.stdlib_module_names or root in ('freeze_align', '__future__'): continue
                found.setdefault(root, set()).add((f.name, id(node) in top))
    return found

DISTS = importlib.metadata.packages_distributions()

def dist_of(module:str)->str:
    assert module in DISTS, f'`{module}` is imported by the library but no installed distribution provides it'
    return norm(DISTS[module][0])

def user_extras(extras:dict)->dict: return {k: v for k, v in extras.items() if k != 'dev'}

def test_wheel(wheel):
    zf, meta = wheel
    version = _settings()['version']
    names = zf.namelist()
    assert 'freeze_align/__init__.py' in names and 'freeze_align/core.py' in names and 'freeze_align/cli.py' in names
    assert f'Version: {version}' in meta
    core, _ = declared(meta)
    assert 'torch' in core, core
    assert not [r for r in core.values() if any(s.operator == '==' for s in r.specifier)], f'user requirements must be loose: {core}'
    eps = zf.read(f'freeze_align-{version}.dist-info/entry_points.txt').decode()
    assert 'freeze-align = freeze_align.cli:main' in eps

def test_extras_come_from_settings(wheel):
    "setup.py turns every `extras_<name>` key of settings.ini into the extra `[<name>]`; `[dev]` holds the dev stack and every extra."
    _, extras = declared(wheel[1])
    cfg = _settings()
    want = {k[len('extras_'):]: {norm(Requirement(r).name) for r in v.split()} for k, v in cfg.items() if k.startswith('extras_')}
    assert {'eval', 'zoo', 'data'} <= set(want), want
    assert {k: set(v) for k, v in user_extras(extras).items()} == want
    dev = {norm(Requirement(r).name) for r in cfg['dev_requirements'].split()}
    assert set(extras['dev']) == dev | {d for v in want.values() for d in v}

def test_imports_are_declared(wheel):
    "Every distribution the library imports is in install_requires or an extra; an extra's modules are imported only inside functions."
    core, extras = declared(wheel[1])
    optional = {d: e for e, ds in user_extras(extras).items() for d in ds}
    missing, eager = [], []
    for mod, where in sorted(library_imports().items()):
        dist = dist_of(mod)
        if dist not in core and dist not in optional: missing.append(f'{mod} ({dist}) in {sorted(f for f, _ in where)}')
        elif dist not in core and any(top for _, top in where):
            eager.append(f'{mod} ([{optional[dist]}]) at module level in {sorted(f for f, top in where if top)}')
    assert not missing, f'imported but not declared in settings.ini: {missing}'
    assert not eager, f'optional dependencies must be imported inside functions (or through core.require): {eager}'

def test_requirements_are_imported(wheel):
    "No unused pin: every requirement of install_requires and of each user-facing extra is imported by the library."
    core, extras = declared(wheel[1])
    used = {dist_of(m) for m in library_imports()}
    unused = sorted(d for d in list(core) + [d for v in user_extras(extras).values() for d in v] if d not in used)
    assert not unused, f'declared in settings.ini but imported nowhere in freeze_align/: {unused}'

def test_optional_extras_table(wheel):
    "`freeze_align.core.OPTIONAL_EXTRAS` (module -> extra, for `require`'s install hint) and the wheel's extras agree."
    from freeze_align.core import OPTIONAL_EXTRAS
    _, extras = declared(wheel[1])
    extras = user_extras(extras)
    for mod, extra in OPTIONAL_EXTRAS.items():
        assert extra in extras, f'OPTIONAL_EXTRAS sends {mod} to [{extra}], which settings.ini does not define'
        assert dist_of(mod.split('.')[0]) in extras[extra], f'OPTIONAL_EXTRAS sends {mod} to [{extra}], whose requirements are {sorted(extras[extra])}'
    roots = {m.split('.')[0] for m in OPTIONAL_EXTRAS}
    unlisted = sorted(m for m in library_imports() if dist_of(m) in {d for v in extras.values() for d in v} and m not in roots)
    assert not unlisted, f'modules of an extra missing from OPTIONAL_EXTRAS: {unlisted}'

def test_dev_stack_installs_the_requirements():
    "CI installs requirements-dev.txt and requirements-zoo.txt: together they cover every declared distribution."
    listed = {norm(Requirement(l.split('#')[0].strip()).name) for f in ('requirements-dev.txt', 'requirements-zoo.txt')
              for l in (ROOT/f).read_text().splitlines() if l.split('#')[0].strip()}
    cfg = _settings()
    reqs = cfg['requirements'].split() + [r for k, v in cfg.items() if k.startswith('extras_') for r in v.split()] + cfg['dev_requirements'].split()
    assert not sorted({norm(Requirement(r).name) for r in reqs} - listed)

def test_console_script():
    out = subprocess.run(['freeze-align', '--help'], capture_output=True, text=True, check=True).stdout
    assert out.startswith('usage: freeze-align')
