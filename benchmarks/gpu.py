"""GPU benchmarks of freeze-align's heavy paths, printed as one table: feature extraction, training (cached features in
bf16 and fp16, online), linear CKA and caption scoring.

    python benchmarks/gpu.py               # on a CUDA GPU, sized to finish in a few minutes (tools/gpu_check.sh runs it)
    python benchmarks/gpu.py --dry-run     # the same code on the CPU at toy sizes (seconds): checks the script, measures nothing

The encoders are random-init models of the paper's sizes (a DINOv2 ViT-L/14 at 224 px, a 24-layer BERT-large with a
character tokenizer): weights do not change speed, and nothing is downloaded. Every size is an argument; the defaults
keep the whole run (model building included) within about three minutes on a T4. Each row times its path after a
warm-up (the first training step, a small extraction, a small CKA), on synthetic data; "peak" is
`torch.cuda.max_memory_allocated` of that row.
"""
import argparse, datetime, os, tempfile, time
from pathlib import Path
os.environ.setdefault('HF_HUB_DISABLE_PROGRESS_BARS', '1'); os.environ.setdefault('TRANSFORMERS_VERBOSITY', 'error')
os.environ['FREEZE_ALIGN_NO_PROGRESS'] = '1'
import numpy as np, torch

SIZES = dict(  # name: (GPU default, dry-run default, help)
    extract_n=(2048, 16, 'images to extract features from'),
    image_layers=(24, 2, 'layers of the random-init ViT (24: ViT-L)'), image_width=(1024, 32, 'width of the ViT (1024: ViT-L)'),
    image_size=(224, 28, 'input side of the ViT (patch 14)'),
    text_layers=(24, 2, 'layers of the random-init BERT (24: BERT-large)'), text_width=(1024, 32, 'width of the BERT (1024: large)'),
    train_batch=(512, 16, 'batch of the cached-feature runs'), train_steps=(8, 3, 'timed steps of each cached run (after one warm-up step)'),
    text_tokens=(32, 8, 'caption tokens of the cached text features'), proj_dim=(1024, 32, 'joint width of the projectors (the paper: 1024)'),
    online_batch=(128, 8, 'batch of the online run'), online_steps=(4, 2, 'timed steps of the online run (after one warm-up step)'),
    workers=(8, 0, 'DataLoader workers (extraction and online training)'),
    cka_n=(100_000, 2_000, 'rows of the CKA inputs'), cka_d=(1024, 48, 'width of the first CKA input (the second is 3/4 of it)'),
    score_n=(1_000_000, 3_000, 'captions to score'), concepts=(2754, 20, 'concept prototypes (the paper: 2,754)'),
    topk=(50_000, 50, 'candidates kept per concept (the paper: 50,000)'), score_dim=(512, 32, 'embedding width of the scorer'),
)

def _sync(dev:torch.device):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def _timed(fn, dev:torch.device):
    "(result, seconds) of `fn()`, the device synchronised on both sides."
    _sync(dev); t = time.perf_counter()
    res = fn(); _sync(dev)
    return res, time.perf_counter() - t

def _peak_reset(dev):
    if dev.type == 'cuda': torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats(dev)

def _peak_gb(dev)->str: return f'{torch.cuda.max_memory_allocated(dev) / 2**30:.1f} GB' if dev.type == 'cuda' else '-'

def _images(n:int, side:int, seed:int=0)->list:
    "n synthetic RGB images (noise with a coloured square)."
    from PIL import Image, ImageDraw
    rng, out = np.random.default_rng(seed), []
    for i in range(n):
        im = Image.fromarray(rng.integers(0, 255, (side, side, 3), dtype=np.uint8))
        ImageDraw.Draw(im).rectangle([side // 4, side // 4, side // 2, side // 2], fill=('red', 'green', 'blue')[i % 3])
        out.append(im)
    return out

def _vit(path:Path, a)->str:
    "Save a random-init DINOv2 of the asked size with its image processor; return its spec."
    import transformers
    torch.manual_seed(0)
    cfg = transformers.Dinov2Config(hidden_size=a.image_width, num_hidden_layers=a.image_layers, num_attention_heads=max(1, a.image_width // 64),
                                    image_size=a.image_size, patch_size=14)
    transformers.Dinov2Model(cfg).save_pretrained(path)
    transformers.BitImageProcessor(size={'shortest_edge': a.image_size + 32}, crop_size={'height': a.image_size, 'width': a.image_size},
                                   do_center_crop=True, image_mean=[0.485, 0.456, 0.406], image_std=[0.229, 0.224, 0.225]).save_pretrained(path)
    return f'hf:{path}'

def _bert(path:Path, a)->str:
    "Save a random-init BERT of the asked size with the test fixtures' character tokenizer; return its spec."
    import json, transformers
    from freeze_align.testing import make_tiny_text
    spec = make_tiny_text(path, dim=a.text_width)
    vocab = json.loads((path/'config.json').read_text())['vocab_size']
    cfg = transformers.BertConfig(vocab_size=vocab, hidden_size=a.text_width, num_hidden_layers=a.text_layers, num_attention_heads=max(1, a.text_width // 64),
                                  intermediate_size=4 * a.text_width, max_position_embeddings=64)
    transformers.BertModel(cfg, add_pooling_layer=False).save_pretrained(path)
    return spec

def _captions(n:int)->list[str]: return [f'a photo of thing {i}' for i in range(n)]

def bench_extract(a, dev, tmp:Path, specs:dict)->list:
    "Images per second through `extract_features` (decode, transform, encode) with AMP on CUDA."
    from freeze_align.encoders import load_image_encoder
    from freeze_align.features import extract_features
    enc = load_image_encoder(specs['image'], device=dev)
    images = _images(a.extract_n, a.image_size + 32)
    run = lambda n, key: extract_features(enc, images[:n], bs=256, num_workers=a.workers, cache=tmp/'features', data_key=key, force=True)
    run(min(64, a.extract_n), 'warmup')
    _peak_reset(dev)
    _, s = _timed(lambda: run(a.extract_n, 'timed'), dev)
    amp = 'fp16 AMP' if dev.type == 'cuda' else 'fp32'
    return [(f'feature extraction ({amp})', f'{a.extract_n:,} images, ViT {a.image_layers}x{a.image_width} at {a.image_size} px', f'{a.extract_n / s:,.0f} images/s', _peak_gb(dev))]

def _train_rate(model, data, cfg, dev)->tuple[float, object]:
    "Pairs per second over the steps after the first, and the `TrainResult`."
    from freeze_align.training import train
    stamps = []
    _peak_reset(dev)
    res = train(model, data, cfg, callbacks=[lambda info: stamps.append(time.perf_counter())], device=dev)
    return (len(stamps) - 1) * cfg.batch_size / (stamps[-1] - stamps[0]), res

def _cached_pairs(a):
    "Cached fp16 token features of 2 batches: image [n, 1 + (side/14)^2, d], text [n, text_tokens, d]."
    from freeze_align.core import EncoderOutput
    from freeze_align.loaders import CachedPairs
    n, t_img, g = 2 * a.train_batch, 1 + (a.image_size // 14) ** 2, torch.Generator().manual_seed(0)
    side = lambda t, d: (lambda x: EncoderOutput(x[:, 0], x, torch.ones(n, t, dtype=torch.bool)))(torch.randn(n, t, d, generator=g).half())
    return CachedPairs(side(t_img, a.image_width), side(a.text_tokens, a.text_width)), t_img

def bench_train_cached(a, dev, tmp:Path, specs:dict)->list:
    "Pairs per second of training the paper's projectors on cached token features, in bf16 and in fp16."
    from freeze_align.model import AlignedModel
    from freeze_align.training import TrainConfig
    pairs, t_img = _cached_pairs(a)
    rows = []
    for prec in ('bf16', 'fp16'):
        torch.manual_seed(0)
        model = AlignedModel.build(d_image=a.image_width, d_text=a.text_width, dim=a.proj_dim)
        cfg = TrainConfig(batch_size=a.train_batch, steps=a.train_steps + 1, warmup_steps=1, precision=prec, num_workers=0, save_every=None, log_every=10**9)
        rate, res = _train_rate(model, pairs, cfg, dev)
        asked = '' if res.precision == prec else f', {prec} asked'
        rows.append((f'training, cached tokens ({res.precision}{asked})', f'batch {a.train_batch:,}, {t_img}+{a.text_tokens} tokens, {model.n_trainable():,} parameters',
                     f'{rate:,.0f} pairs/s', _peak_gb(dev)))
    return rows

def bench_train_online(a, dev, tmp:Path, specs:dict)->list:
    "Pairs per second of training with both frozen encoders running every step (augmentation on)."
    from freeze_align.encoders import load_image_encoder, load_text_encoder
    from freeze_align.model import AlignedModel
    from freeze_align.training import TrainConfig
    ienc, tenc = load_image_encoder(specs['image'], device=dev), load_text_encoder(specs['text'], device=dev)
    n = 2 * a.online_batch
    torch.manual_seed(0)
    model = AlignedModel.build(ienc, tenc, dim=a.proj_dim)
    cfg = TrainConfig(batch_size=a.online_batch, steps=a.online_steps + 1, warmup_steps=1, num_workers=a.workers, save_every=None, log_every=10**9)
    rate, res = _train_rate(model, (_images(n, a.image_size + 32), _captions(n)), cfg, dev)
    return [(f'training, online ({res.precision})', f'batch {a.online_batch:,}, ViT {a.image_layers}x{a.image_width} + BERT {a.text_layers}x{a.text_width}',
             f'{rate:,.0f} pairs/s', _peak_gb(dev))]

def bench_cka(a, dev, tmp:Path, specs:dict)->list:
    "Seconds of one exact linear CKA between [n, d] and [n, 3d/4] features on the device."
    from freeze_align.cka import linear_cka
    g = torch.Generator(device=dev).manual_seed(0)
    d2 = max(1, 3 * a.cka_d // 4)
    x = torch.randn(a.cka_n, a.cka_d, device=dev, generator=g)
    y = x[:, :d2] + torch.randn(a.cka_n, d2, device=dev, generator=g)
    linear_cka(x[:1000], y[:1000])
    _peak_reset(dev)
    cka, s = _timed(lambda: linear_cka(x, y), dev)
    return [('linear CKA (float64 sums)', f'n = {a.cka_n:,}, d = {a.cka_d:,} x {d2:,}', f'{s:.2f} s (CKA {cka:.3f})', _peak_gb(dev))]

def bench_score(a, dev, tmp:Path, specs:dict)->list:
    "Captions per second of concept scoring with exact top-K per concept."
    from freeze_align.curation import score_captions
    g = torch.Generator().manual_seed(0)
    emb, protos = torch.randn(a.score_n, a.score_dim, generator=g), torch.randn(a.concepts, a.score_dim, generator=g)
    dt = 'fp16' if dev.type == 'cuda' else None
    score_captions(emb[:min(len(emb), 4 * a.topk)], protos, k=a.topk, device=dev, dtype=dt, rank=0, world_size=1)
    _peak_reset(dev)
    _, s = _timed(lambda: score_captions(emb, protos, k=a.topk, device=dev, dtype=dt, rank=0, world_size=1), dev)
    return [(f'caption scoring ({dt or "fp32"})', f'N = {a.score_n:,}, C = {a.concepts:,}, K = {a.topk:,}, d = {a.score_dim}',
             f'{a.score_n / s:,.0f} captions/s', _peak_gb(dev))]

BENCHES = dict(extract=bench_extract, train_cached=bench_train_cached, train_online=bench_train_online, cka=bench_cka, score=bench_score)

def _header(dev:torch.device)->str:
    import freeze_align
    when = f'{datetime.datetime.now():%Y-%m-%d %H:%M}'
    if dev.type != 'cuda': return f'freeze-align GPU benchmarks, DRY RUN on the CPU at toy sizes (not a measurement), {when}; torch {torch.__version__}'
    p = torch.cuda.get_device_properties(dev)
    return (f'freeze-align GPU benchmarks, {when}; {torch.cuda.get_device_name(dev)} (compute capability {p.major}.{p.minor}, '
            f'{p.total_memory / 2**30:.0f} GB); torch {torch.__version__}, CUDA {torch.version.cuda}; freeze_align {freeze_align.__version__}')

def _table(rows:list)->str:
    cols = ('benchmark', 'size', 'result', 'peak')
    w = [max(len(str(r[i])) for r in [cols] + rows) for i in range(4)]
    line = lambda r: '  '.join(str(v).ljust(w[i]) if i < 2 else str(v).rjust(w[i]) for i, v in enumerate(r))
    return '\n'.join([line(cols), '-' * (sum(w) + 6)] + [line(r) for r in rows])

def _args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--dry-run', action='store_true', help='run on the CPU at toy sizes (checks the code; measures nothing)')
    ap.add_argument('--device', default=None, help="default: 'cuda' (or 'cpu' with --dry-run)")
    ap.add_argument('--only', nargs='*', choices=list(BENCHES), help='run these benchmarks only')
    for k, (_, _, h) in SIZES.items(): ap.add_argument(f'--{k.replace("_", "-")}', type=int, default=None, help=h)
    a = ap.parse_args()
    for k, (full, toy, _) in SIZES.items():
        if getattr(a, k) is None: setattr(a, k, toy if a.dry_run else full)
    return a

def main():
    a = _args()
    dev = torch.device(a.device or ('cpu' if a.dry_run else 'cuda'))
    if dev.type == 'cuda' and not torch.cuda.is_available(): raise SystemExit('no CUDA GPU is visible: run with --dry-run to check the script on the CPU')
    t0, rows, times = time.perf_counter(), [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        specs = dict(image=_vit(tmp/'vit', a), text=_bert(tmp/'bert', a))
        times.append(('building the random-init encoders', time.perf_counter() - t0))
        for name in a.only or BENCHES:
            t = time.perf_counter()
            rows += BENCHES[name](a, dev, tmp, specs)
            times.append((name, time.perf_counter() - t))
    print(_header(dev))
    print(_table(rows))
    print('seconds: ' + ', '.join(f'{k} {v:.0f}' for k, v in times) + f'; total {time.perf_counter() - t0:.0f}')

if __name__ == '__main__': main()
