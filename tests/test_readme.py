"""What a new user copies from README.md must run: its Python blocks, in order, in a fresh interpreter, offline.
Only the hub upload (`push_to_hub`) is left out: CI has no hub account and no network."""
import ast, os, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NETWORK_ONLY = re.compile(r'\.push_to_hub\(')   # lines left out of the run

def readme_blocks()->list[str]:
    "The ```python blocks of README.md, in order."
    return re.findall(r'^```python\n(.*?)^```', (ROOT/'README.md').read_text(encoding='utf-8'), re.M | re.S)

def runnable(blocks:list[str])->str:
    "The blocks as one script, without the hub upload lines."
    return '\n\n'.join('\n'.join(l for l in b.splitlines() if not NETWORK_ONLY.search(l)) for b in blocks)

def test_readme_blocks():
    "The README shows the workflow through `fa`, a save and load, and the upload; each left-out line is a whole statement."
    blocks = readme_blocks()
    code = '\n'.join(blocks)
    assert code.lstrip().startswith('import freeze_align as fa'), code[:200]
    assert 'save_pretrained(' in code and 'from_pretrained(' in code and 'push_to_hub(' in code
    skipped = [l for l in code.splitlines() if NETWORK_ONLY.search(l)]
    assert skipped, 'the README no longer shows the hub upload: update NETWORK_ONLY'
    for l in skipped: ast.parse(l.strip())   # a line that is part of a longer statement would break the script
    ast.parse(runnable(blocks))

def test_readme_runs(tmp_path):
    script = tmp_path/'readme.py'
    script.write_text(runnable(readme_blocks()), encoding='utf-8')
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'TRANSFORMERS_OFFLINE': '1', 'HF_DATASETS_OFFLINE': '1', 'FREEZE_ALIGN_NO_PROGRESS': '1'}
    r = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, f'the README code failed (exit {r.returncode}):\n{r.stderr[-6000:]}'
