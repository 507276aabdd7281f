"The package that `pip install freeze-align` gets: built from this tree, loose requirements, the console script."
import configparser, subprocess, sys, zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_wheel(tmp_path):
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', '-w', str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    version = cfg['DEFAULT']['version']
    whl, = tmp_path.glob('freeze_align-*.whl')
    names = zipfile.ZipFile(whl).namelist()
    assert 'freeze_align/__init__.py' in names and 'freeze_align/core.py' in names and 'freeze_align/cli.py' in names
    meta = zipfile.ZipFile(whl).read(f'freeze_align-{version}.dist-info/METADATA').decode()
    assert f'Version: {version}' in meta
    reqs = [l.split(':', 1)[1].strip() for l in meta.splitlines() if l.startswith('Requires-Dist:') and 'extra ==' not in l]
    assert any(r.startswith('torch') for r in reqs), reqs
    assert not [r for r in reqs if '==' in r], f'user requirements must be loose: {reqs}'
    eps = zipfile.ZipFile(whl).read(f'freeze_align-{version}.dist-info/entry_points.txt').decode()
    assert 'freeze-align = freeze_align.cli:main' in eps

def test_console_script():
    out = subprocess.run(['freeze-align', '--help'], capture_output=True, text=True, check=True).stdout
    assert out.startswith('usage: freeze-align')
