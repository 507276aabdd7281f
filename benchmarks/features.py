"""Feature store: extraction throughput, cached reads, bounded memory on 1M rows, and disk size per million rows.

    python benchmarks/features.py            # the full run (~10 min on 2 busy cores, ~6 GB of temporary disk)
    python benchmarks/features.py --quick    # a smoke run: fewer items, a 100k-row store instead of 1M

1. Extraction on the CPU with two zoo encoders (`zoo:minilm-l6` on synthetic captions, `zoo:mobilenetv2` on JPEG
   files cropped from scikit-image's photos): the encoder's own `embed` loop against `extract_features` (pooled only,
   and with fp16 token features) side by side, in items/s, and the time of the second, cache-hit call.
2. Re-reading those stores: one shuffled pass of `Features.batches(256)` (float32 `EncoderOutput`s, as the cached
   training path reads them), against computing the features.
3. A store of 1M x 768 pooled features (fp32 `cls` and `mean`), written through `extract_features` by a synthetic
   encoder that makes rows at memory speed (the store is measured, not a model), then read back in a fresh process:
   open, a sequential pass over `cls` in blocks, 300 random batches of 1024 rows (`x[idx]`), `output(idx)` on 100 of
   them, the random batches again with `ShardedArray.release = False`, and a full sha256 verification. Each phase runs in its own child process
   and reports its peak resident set (VmHWM) and its peak anonymous memory (RssAnon, sampled every 20 ms). Freshly
   written files are still in the page cache, so the reads are warm-cache reads.
4. Disk per million rows, from the measured stores: pooled (cls + mean + index) and tokens (tokens + mask)."""
import argparse, datetime, json, os, shutil, subprocess, sys, tempfile, threading, time
import numpy as np, torch

def status_kb(key):
    "A field of /proc/self/status in kB (0 where unavailable)."
    try: return int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith(key + ':')))
    except (OSError, StopIteration): return 0

class PeakAnon:
    "Sample RssAnon every 20 ms in a thread; `.peak` in MiB."
    def __enter__(self):
        self.vals, self.done = [status_kb('RssAnon')], threading.Event()
        def run():
            while not self.done.wait(0.02): self.vals.append(status_kb('RssAnon'))
        self.th = threading.Thread(target=run, daemon=True); self.th.start()
        return self
    def __exit__(self, *a):
        self.done.set(); self.th.join(); self.vals.append(status_kb('RssAnon'))
    @property
    def peak(self): return max(self.vals) / 1024

def timed(f):
    t = time.perf_counter(); res = f()
    return time.perf_counter() - t, res

def captions(n, seed=0):
    "Synthetic captions of 6-20 words."
    words = ('a photo of the small large red blue green dog cat car tree boat house bird horse train plane person man '
             'woman child sitting standing running on in near under with next to street field beach table kitchen').split()
    rng = np.random.default_rng(seed)
    return [' '.join(rng.choice(words, int(rng.integers(6, 21)))) + f' #{i}' for i in range(n)]

def jpegs(folder, n, seed=0):
    "n JPEG files (~400 x 300), random crops of scikit-image's sample photos."
    from PIL import Image
    import skimage.data as sd
    photos = [getattr(sd, k)() for k in ('astronaut', 'coffee', 'chelsea', 'rocket', 'hubble_deep_field', 'immunohistochemistry')]
    photos = [p if p.ndim == 3 else np.stack([p] * 3, -1) for p in photos]
    rng, paths = np.random.default_rng(seed), []
    for i in range(n):
        p = photos[i % len(photos)][..., :3]
        h, w = min(300, p.shape[0]), min(400, p.shape[1])
        y, x = rng.integers(0, p.shape[0] - h + 1), rng.integers(0, p.shape[1] - w + 1)
        paths.append(os.path.join(folder, f'{i:05d}.jpg'))
        Image.fromarray(np.ascontiguousarray(p[y:y + h, x:x + w])).save(paths[-1], quality=90)
    return paths

def disk_bytes(f, fields):
    return sum(m['bytes'] for e in f.manifest['shards'] for k, m in e['files'].items() if k in fields)

def reread(f, bs=256):
    "Rows/s of one pass of `Features.batches(bs, shuffle=True)` (float32 `EncoderOutput`s, as cached training reads them)."
    return len(f) / timed(lambda: sum(len(o) for _, o in f.batches(bs, shuffle=True)))[0]

class ModelClock:
    "Seconds spent inside the encoder's forward (pre/post hooks), to split extraction time into model and store."
    def __init__(self, model):
        self.s, self.t0 = 0.0, None
        model.register_forward_pre_hook(lambda *a: setattr(self, 't0', time.perf_counter()))
        model.register_forward_hook(lambda *a: setattr(self, 's', self.s + time.perf_counter() - self.t0))
    def run(self, f):
        "(wall seconds of f(), of which inside the model)"
        self.s = 0.0; t, _ = timed(f)
        return t, self.s

def extraction(quick, rounds):
    "Items/s of the encoder's `embed` loop and of `extract_features` (pooled; with tokens), best of interleaved rounds."
    from freeze_align.encoders import load_text_encoder, load_image_encoder
    from freeze_align.features import extract_features
    root, res = tempfile.mkdtemp(prefix='fa-bench-'), {}
    try:
        for name, spec, n, bs in (('minilm-l6', 'zoo:minilm-l6', 128 if quick else 512, 64),
                                  ('mobilenetv2', 'zoo:mobilenetv2', 32 if quick else 64, 32)):
            image = 'mobilenet' in name
            enc = (load_image_encoder if image else load_text_encoder)(spec, device='cpu')
            clock = ModelClock(enc)
            data = jpegs(tempfile.mkdtemp(dir=root), n) if image else captions(n)
            enc.embed(data[:bs], bs=bs)   # warm-up
            r, best, share = dict(n=n, bs=bs, dim=enc.dim), {}, {}
            runs = dict(embed=lambda: enc.embed(data, bs=bs),
                        pooled=lambda: extract_features(enc, data, bs=bs, cache=root, force=True),
                        tokens=lambda: extract_features(enc, data, bs=bs, cache=root, tokens=True, force=True))
            if image: runs['tokens_w1'] = lambda: extract_features(enc, data, bs=bs, cache=root, tokens=True, num_workers=1, force=True)
            for _ in range(rounds):
                for k, run in runs.items():
                    t, tm = clock.run(run)
                    if n / t > best.get(k, 0): best[k], share[k] = n / t, 1 - tm / t
            r.update(best); r['outside'] = share
            t, fp = timed(lambda: extract_features(enc, data, bs=bs, cache=root)); r['hit_s'] = t
            ft = extract_features(enc, data, bs=bs, cache=root, tokens=True)
            r['T'], r['pooled_B_row'] = ft.tokens.shape[1], disk_bytes(fp, ('cls', 'mean', 'index')) / n
            r['tokens_B_row'] = disk_bytes(ft, ('tokens', 'mask')) / n
            r['read_pooled'], r['read_tokens'] = max(reread(fp) for _ in range(3)), max(reread(ft) for _ in range(3))
            res[name] = r
    finally: shutil.rmtree(root, ignore_errors=True)
    return res

class Synthetic768(torch.nn.Module):
    "A stand-in text encoder making 768-d rows from item numbers at memory speed."
    modality, dim, spec, config = 'text', 768, 'synthetic:768', dict(spec='synthetic:768', dim=768)
    device = torch.device('cpu')
    def tokenize(self, texts): return torch.tensor([int(t) for t in texts])
    def forward(self, ids):
        from freeze_align.core import EncoderOutput
        g = torch.Generator().manual_seed(int(ids[0]))
        cls = torch.randn(len(ids), 768, generator=g)
        return EncoderOutput(cls, cls[:, None], torch.ones(len(ids), 1, dtype=torch.bool))

def child_write(root, n):
    from freeze_align.features import extract_features
    base, base_anon = status_kb('VmRSS') / 1024, status_kb('RssAnon') / 1024
    data = [str(i) for i in range(n)]
    with PeakAnon() as pa: t, f = timed(lambda: extract_features(Synthetic768(), data, bs=8192, cache=root))
    return dict(s=t, rows_s=n / t, base_rss=base, hwm=status_kb('VmHWM') / 1024, anon=pa.peak, path=str(f.path),
                bytes=f.manifest['bytes'], shards=len(f.cls.shards), base_anon=base_anon)

def child_read(path):
    from freeze_align.store import Features, ShardedArray
    base, base_anon = status_kb('VmRSS') / 1024, status_kb('RssAnon') / 1024
    rng = np.random.default_rng(0)
    idx = [rng.integers(0, 1 << 62, 1024) for _ in range(300)]
    r = dict(base_rss=base, base_anon=base_anon)
    with PeakAnon() as pa:
        r['open_s'], f = timed(lambda: Features.open(path))
        idx = [i % len(f) for i in idx]
        t, _ = timed(lambda: sum(len(c) for x in (f.cls, f.mean) for c in x.chunks()))
        r['seq_rows_s'], r['seq_gib_s'] = 2 * len(f) / t, 2 * f.cls.nbytes / 2**30 / t
        r['rss_seq'] = status_kb('VmRSS') / 1024
        t, _ = timed(lambda: sum(len(f.cls[i]) for i in idx)); r['rand_rows_s'] = 300 * 1024 / t
        t, _ = timed(lambda: sum(len(f.output(i)) for i in idx[:100])); r['out_rows_s'] = 100 * 1024 / t
        r['rss_rand'], r['hwm'] = status_kb('VmRSS') / 1024, status_kb('VmHWM') / 1024
    r['anon'] = pa.peak
    ShardedArray.release = False   # the same random batches read through the maps
    t, _ = timed(lambda: sum(len(f.cls[i]) for i in idx)); r['rand_maps_rows_s'] = 300 * 1024 / t
    r['rss_rand_maps'] = status_kb('VmRSS') / 1024
    r['verify_full_s'], _ = timed(lambda: f.verify(full=True))
    r.update(n=len(f), gib=f.cls.nbytes / 2**30)
    return r

def big_store(n):
    root = tempfile.mkdtemp(prefix='fa-bench-1m-')
    run = lambda *a: json.loads(subprocess.run([sys.executable, __file__, *a], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    try:
        w = run('--child-write', root, str(n))
        r = run('--child-read', w['path'])
    finally: shutil.rmtree(root, ignore_errors=True)
    return w, r

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--quick', action='store_true'); ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--child-write', nargs=2); ap.add_argument('--child-read')
    a = ap.parse_args()
    os.environ.setdefault('FREEZE_ALIGN_NO_PROGRESS', '1'); os.environ.setdefault('HF_HUB_OFFLINE', '1')
    import logging; logging.disable(logging.WARNING)
    if a.child_write: return print(json.dumps(child_write(a.child_write[0], int(a.child_write[1]))))
    if a.child_read: return print(json.dumps(child_read(a.child_read)))
    import warnings; warnings.filterwarnings('ignore')
    print(f'# benchmarks/features.py  {datetime.datetime.now():%Y-%m-%d %H:%M}  nproc={os.cpu_count()}  torch {torch.__version__} '
          f'({torch.get_num_threads()} threads)  shared 2-core machine, other jobs running{"  --quick" if a.quick else ""}')
    ex = extraction(a.quick, 1 if a.quick else a.rounds)
    print(f'\n## Extraction on the CPU (items/s, best of {1 if a.quick else a.rounds} interleaved rounds), and reading it back')
    print('ratio: to the encoder\'s own `embed` loop (pooled vectors only, nothing written; on this shared machine the ratios move by')
    print('+-20% from run to run); outside: the share of the time spent outside the encoder forward (reading and preprocessing the')
    print('items in both; also encoding to numpy, checking, writing and hashing in the store);')
    print('re-read: one shuffled pass of Features.batches(256) producing float32 EncoderOutputs, as cached training reads them')
    print(f'{"encoder":<12}{"n":>5}{"embed (outside)":>17}{"store pooled (outside)":>27}{"store +tokens (outside)":>28}{"hit":>8}{"re-read pooled":>21}{"re-read tokens":>20}')
    for k, r in ex.items():
        o = r['outside']
        print(f'{k:<12}{r["n"]:>5}{r["embed"]:>9.1f} ({o["embed"]:4.0%}){r["pooled"]:>9.1f} ({r["pooled"] / r["embed"]:.2f}x, {o["pooled"]:4.0%}){r["tokens"]:>10.1f} ({r["tokens"] / r["embed"]:.2f}x, {o["tokens"]:4.0%})'
              f'{r["hit_s"]:>6.2f} s{r["read_pooled"]:>11,.0f} ({r["read_pooled"] / r["embed"]:,.0f}x){r["read_tokens"]:>10,.0f} ({r["read_tokens"] / r["embed"]:,.0f}x)')
        if 'tokens_w1' in r: print(f'{"":<12}with num_workers=1 (JPEG decoding in a worker process): {r["tokens_w1"]:.1f} items/s with tokens ({r["tokens_w1"] / r["embed"]:.2f}x)')
    n = 100_000 if a.quick else 1_000_000
    w, r = big_store(n)
    print(f'\n## {n:,} x 768 pooled store (fp32 cls + mean, {w["shards"]} shards, {w["bytes"] / 2**30:.2f} GiB on disk)')
    print(f'write  {w["s"]:.1f} s ({w["rows_s"]:,.0f} rows/s incl. sha256)  peak RSS {w["hwm"]:,.0f} MiB (after imports {w["base_rss"]:,.0f}), peak RssAnon {w["anon"]:,.0f} MiB (after imports {w["base_anon"]:,.0f})')
    print(f'open   {r["open_s"] * 1000:.0f} ms (size checks of every shard file)')
    print(f'read   sequential blocks {r["seq_rows_s"]:,.0f} rows/s ({r["seq_gib_s"]:.2f} GiB/s) over cls and mean ({2 * r["gib"]:.2f} GiB); 300 random 1024-row batches of cls '
          f'{r["rand_rows_s"]:,.0f} rows/s; output() (cls + mean as float32 tensors) {r["out_rows_s"]:,.0f} rows/s')
    print(f'memory after imports: RSS {r["base_rss"]:,.0f} MiB, RssAnon {r["base_anon"]:,.0f} MiB; after the sequential pass RSS {r["rss_seq"]:,.0f} MiB; '
          f'after the random batches RSS {r["rss_rand"]:,.0f} MiB; peak RSS {r["hwm"]:,.0f} MiB, peak RssAnon {r["anon"]:,.0f} MiB')
    print(f'with ShardedArray.release = False the same random batches read {r["rand_maps_rows_s"]:,.0f} rows/s ({r["rand_maps_rows_s"] / r["rand_rows_s"]:.1f}x) '
          f'and RSS grows to {r["rss_rand_maps"]:,.0f} MiB (file-backed pages mapped around each row)')
    print(f'verify(full=True) {r["verify_full_s"]:.1f} s (sha256 of {w["bytes"] / 2**30:.2f} GiB)')
    print('\n## Disk per million rows (measured bytes per row x 1e6)')
    for k, r in ex.items():
        print(f'{k:<13}pooled (D={r["dim"]}, fp32 cls + mean + index) {r["pooled_B_row"] * 1e6 / 2**30:7.2f} GiB   '
              f'tokens (T={r["T"]}, fp16 + mask) {r["tokens_B_row"] * 1e6 / 2**30:8.2f} GiB')
    print(f'{"formula":<13}DINOv2-L/14 at 224 px (D=1024, T=256): pooled {(2 * 1024 * 4 + 8) * 1e6 / 2**30:.2f} GiB, tokens {(256 * 1024 * 2 + 256) * 1e6 / 2**30:.0f} GiB')

if __name__ == '__main__': main()
