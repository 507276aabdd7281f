"""Every notebook in nbs/ is a pytest test, run by nbdev's own runner (`nbdev.test.test_nb`) with the same skip flags
as `nbdev_test`: cells flagged with a `tst_flags` entry (slow, gpu, hub) are skipped unless listed in
`$FREEZE_ALIGN_TEST_FLAGS` (e.g. `FREEZE_ALIGN_TEST_FLAGS="slow hub"`).

With `$FREEZE_ALIGN_EXECUTED=<dir>`, each notebook is also written there with the outputs of this run, so the docs
build renders real outputs without executing the notebooks a second time (tools/build_docs.py)."""
import copy, os
from pathlib import Path
import pytest
import nbdev.test as nbt
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from nbdev.config import get_config
from nbdev.doclinks import nbglob

cfg = get_config()
NBS = sorted(Path(p) for p in nbglob(cfg.nbs_path) if nbt._keep_file(Path(p), '.notest'))

class _RecordingShell(CaptureShell):
    "nbdev's shell, keeping a reference to the notebook it ran so its outputs can be saved."
    last_nb = None
    def run_all(self, nb, *args, **kwargs):
        _RecordingShell.last_nb = nb
        return super().run_all(nb, *args, **kwargs)

def _save_executed(fn:Path, ran_nb, dest:Path):
    "Copy the outputs of the processed notebook `ran_nb` onto the original notebook `fn`, and write it under `dest`."
    nb = read_nb(fn)
    outs = {c.idx_: c for c in ran_nb.cells if hasattr(c, 'idx_') and c.cell_type == 'code'}
    for i, c in enumerate(nb.cells):
        if c.cell_type == 'code' and i in outs:
            c['outputs'] = copy.deepcopy(outs[i].get('outputs', []))
            c['execution_count'] = outs[i].get('execution_count')
    out = dest/fn.relative_to(cfg.nbs_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_nb(nb, out)

@pytest.mark.parametrize('fn', NBS, ids=[str(p.relative_to(cfg.nbs_path)) for p in NBS])
def test_notebook(fn, monkeypatch):
    monkeypatch.setattr(nbt, 'CaptureShell', _RecordingShell)
    passed, _ = nbt.test_nb(fn.absolute(), skip_flags=cfg.tst_flags.split(),
                            force_flags=os.environ.get('FREEZE_ALIGN_TEST_FLAGS', '').split(), basepath=cfg.config_path)
    if (dest := os.environ.get('FREEZE_ALIGN_EXECUTED')) and _RecordingShell.last_nb is not None:
        _save_executed(fn, _RecordingShell.last_nb, Path(dest))
    assert passed, f'{fn.name} failed (its traceback is printed above)'
