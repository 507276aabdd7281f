"""Training throughput of the same model on cached features and online (frozen encoders every step), side by side.

    python benchmarks/training.py                    # MobileNetV2 + all-MiniLM-L6-v2 from the offline zoo
    python benchmarks/training.py --encoders tiny    # tiny random-init encoders (no zoo needed)
    python benchmarks/training.py --device cuda      # on a GPU: bf16 autocast (fp16 where the GPU has no native bf16), bigger batches

Each path trains the same `AlignedModel` (same encoders, same projectors) for a few steps in a fresh process, so its
peak memory is its own: resident set size on CPU, `torch.cuda.max_memory_allocated` on GPU. Throughput is pairs per
second over the steps after the first (which pays one-off costs). Feature extraction, the one-off cost of the cached
path, is timed too. The numbers are ratios measured in one run on one machine: compare rows, not machines.
"""
import argparse, datetime, multiprocessing as mp, os, platform, resource, sys, tempfile, time
from pathlib import Path
os.environ.setdefault('HF_HUB_DISABLE_PROGRESS_BARS', '1'); os.environ.setdefault('TRANSFORMERS_VERBOSITY', 'error')
os.environ['FREEZE_ALIGN_NO_PROGRESS'] = '1'

def _encoders(kind:str, device:str, tmp:Path):
    from freeze_align.encoders import load_image_encoder, load_text_encoder
    from freeze_align.testing import make_tiny_hf_image, make_tiny_text
    if kind == 'tiny':
        if not (tmp/'img').exists(): make_tiny_hf_image(tmp/'img', dim=64, image_size=56); make_tiny_text(tmp/'txt', dim=64)
        return load_image_encoder(f'hf:{tmp/"img"}', device=device), load_text_encoder(f'hf:{tmp/"txt"}', device=device)
    return load_image_encoder('zoo:mobilenetv2', device=device), load_text_encoder('zoo:minilm-l6', device=device)

def _data(n:int, seed:int=0):
    "n synthetic images (coloured shapes on noise, 96 px) and captions that describe them."
    import numpy as np
    from PIL import Image, ImageDraw
    rng = np.random.default_rng(seed)
    colors, shapes = ['red', 'green', 'blue', 'yellow', 'black', 'purple'], ['circle', 'square']
    images, captions = [], []
    for i in range(n):
        c, s = colors[i % len(colors)], shapes[(i // len(colors)) % 2]
        im = Image.fromarray(rng.integers(0, 255, (96, 96, 3), dtype=np.uint8)); d = ImageDraw.Draw(im)
        x, y, r = rng.integers(20, 76), rng.integers(20, 76), rng.integers(10, 20)
        (d.ellipse if s == 'circle' else d.rectangle)([x - r, y - r, x + r, y + r], fill=c)
        images.append(im); captions.append(f'a {c} {s} number {i}')
    return images, captions

def _rss_mb()->float: return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux: KiB

def _run(path:str, args, tmp:str, stores:dict, out):
    "Train the model for `args.steps` steps on one data path, in this (fresh) process; report pairs/s and peak memory."
    import torch
    from freeze_align.core import seed_everything
    from freeze_align.features import Features
    from freeze_align.loaders import CachedPairs
    from freeze_align.model import AlignedModel
    from freeze_align.training import TrainConfig, train
    if args.threads: torch.set_num_threads(args.threads)   # before loading: the encoders' weight digests are sums whose rounding follows the thread count
    ienc, tenc = _encoders(args.encoders, args.device, Path(tmp))
    seed_everything(0)
    model = AlignedModel.build(ienc, tenc, dim=args.dim)
    n, steps = args.batch_size * args.steps, args.steps * (1 if path == 'online' else args.cached_factor)
    if path == 'online': data = _data(n)
    else: data = CachedPairs(Features.open(stores[path]['image']), Features.open(stores[path]['text']))
    if args.device == 'cuda': torch.cuda.reset_peak_memory_stats()
    before, stamps = _rss_mb(), []
    cfg = TrainConfig(batch_size=args.batch_size, steps=steps, warmup_steps=1, num_workers=args.workers, precision='bf16',
                      save_every=None, log_every=10**9, seed=0)
    res = train(model, data, cfg, callbacks=[lambda info: stamps.append(time.perf_counter())], device=args.device)
    rate = (len(stamps) - 1) * args.batch_size / (stamps[-1] - stamps[0])
    gpu = torch.cuda.max_memory_allocated() / 2**20 if args.device == 'cuda' else None
    out.put(dict(path=path, rate=rate, rss_before=before, rss_peak=_rss_mb(), gpu_peak=gpu, trainable=model.n_trainable(),
                 specs=(ienc.spec, tenc.spec), precision=res.precision))

def _extract(args, tmp:str, out):
    "Extract pooled and token features of the benchmark data once (the cached path's one-off cost)."
    import torch
    from freeze_align.core import autocast
    from freeze_align.features import extract_features
    if args.threads: torch.set_num_threads(args.threads)
    ienc, tenc = _encoders(args.encoders, args.device, Path(tmp))
    images, captions = _data(args.batch_size * args.steps)
    res, t0 = {}, time.perf_counter()
    for tokens in (False, True):
        t = time.perf_counter()
        fi = extract_features(ienc, images, tokens=tokens, bs=64, cache=Path(tmp)/'features', data_key=f'bench-img-{len(images)}')
        ft = extract_features(tenc, captions, tokens=tokens, bs=256, cache=Path(tmp)/'features', data_key=f'bench-txt-{len(images)}')
        res['cached tokens' if tokens else 'cached pooled'] = dict(image=str(fi.path), text=str(ft.path), seconds=time.perf_counter() - t,
                                                                   n_tokens=None if not tokens else (fi.tokens.shape[1], ft.tokens.shape[1]))
    out.put(res)

def _child(fn, *args):
    "Run `fn(*args, queue)` in a fresh process and return what it puts on the queue; stop if the process dies."
    import queue
    ctx = mp.get_context('spawn')
    q = ctx.Queue()
    p = ctx.Process(target=fn, args=(*args, q))
    p.start()
    while True:
        try: res = q.get(timeout=5); break
        except queue.Empty:
            if not p.is_alive(): sys.exit(f'{fn.__name__} failed with exit code {p.exitcode} (its traceback is above)')
    p.join()
    return res

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--encoders', choices=('tiny', 'zoo'), default='zoo', help='zoo: MobileNetV2 + all-MiniLM-L6-v2 (offline zoo); tiny: random-init test models')
    ap.add_argument('--device', default=None, help="'cpu' or 'cuda' (default: cuda when available)")
    ap.add_argument('--batch-size', type=int, default=None)
    ap.add_argument('--steps', type=int, default=None)
    ap.add_argument('--dim', type=int, default=256)
    ap.add_argument('--workers', type=int, default=None, help='DataLoader workers of the online path')
    ap.add_argument('--repeats', type=int, default=2, help='measure each path this many times (interleaved) and keep the best')
    ap.add_argument('--cached-factor', type=int, default=4, help='the cached paths run this many times more steps (they are cheap)')
    ap.add_argument('--threads', type=int, default=None, help='torch threads per process (default: torch\'s own choice; 1 is steadier on a shared machine)')
    args = ap.parse_args()
    import torch
    args.device = args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    gpu = args.device == 'cuda'
    args.batch_size = args.batch_size or (256 if gpu else 64 if args.encoders == 'tiny' else 32)
    args.steps = args.steps or (20 if gpu or args.encoders == 'tiny' else 5)
    args.workers = args.workers if args.workers is not None else min(8, os.cpu_count() or 1) if gpu else 0
    with tempfile.TemporaryDirectory() as tmp:
        stores = _child(_extract, args, tmp)
        runs = [_child(_run, path, args, tmp, stores) for _ in range(args.repeats) for path in ('online', 'cached tokens', 'cached pooled')]
    rows = [max((r for r in runs if r['path'] == p), key=lambda r: r['rate']) for p in ('online', 'cached tokens', 'cached pooled')]
    n = args.batch_size * args.steps
    dev = torch.cuda.get_device_name() if gpu else f'CPU ({platform.processor() or platform.machine()})'
    print(f'freeze-align training benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}; {dev}; nproc {os.cpu_count()}; '
          f'load average {os.getloadavg()[0]:.1f} at the end; torch {torch.__version__}')
    print(f'encoders: {args.encoders} ({rows[0]["specs"][0]} + {rows[0]["specs"][1]}); projectors: {rows[0]["trainable"]:,} trainable parameters, dim {args.dim}')
    print(f'batch {args.batch_size}; {args.steps} steps online, {args.steps * args.cached_factor} cached (pairs/s over all steps but the first, '
          f'best of {args.repeats} interleaved runs); online: augmentation on, {args.workers} workers; precision {rows[0]["precision"]}; '
          f'torch threads: {args.threads or torch.get_num_threads()}')
    hdr = f'{"path":<16}{"pairs/s":>10}{"x online":>10}{"RSS before (MB)":>17}{"RSS peak (MB)":>15}' + (f'{"GPU peak (MB)":>15}' if gpu else '')
    print(hdr); print('-' * len(hdr))
    base = rows[0]['rate']
    for r in rows:
        line = f'{r["path"]:<16}{r["rate"]:>10,.0f}{r["rate"] / base:>10.1f}{r["rss_before"]:>17,.0f}{r["rss_peak"]:>15,.0f}'
        print(line + (f'{r["gpu_peak"]:>15,.0f}' if gpu else ''))
    for k in ('cached pooled', 'cached tokens'):
        s = stores[k]
        print(f'one-off extraction for {k}: {s["seconds"]:.1f} s for {n} images + {n} captions ({n / s["seconds"]:,.0f} pairs/s)'
              + (f'; tokens per image/caption {s["n_tokens"]}' if s['n_tokens'] else ''))

if __name__ == '__main__': main()
