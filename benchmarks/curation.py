"""Speed and memory of concept-balanced curation's scoring step: streaming per-concept top-K against other ways to get it.

    python benchmarks/curation.py                  # C=2,754 concepts, K=50,000, d=768, 393,216 captions in 6 shards
    python benchmarks/curation.py --shards 3       # a shorter run
    python benchmarks/curation.py --quick          # a smoke run at small sizes (seconds)

Every method reads the same float16 caption shards (random unit vectors written to raw files, opened as the feature
store opens them: `freeze_align.store.ShardedArray` over an `np.memmap`, which copies the rows a read asks for and
hands their pages back) and scores them on the CPU against the same random unit prototypes, block by block with the
same block size. Methods, each in a fresh child process so that its peak RSS (`ru_maxrss`, checked against `VmHWM`)
is its own:

- streaming top-K: `freeze_align.curation.score_captions` (exact top-K under the (score desc, row asc) rule);
- faiss result heap: the same products, then faiss's per-query heap (`float_minheap_array_t.addn`, what
  `faiss.ResultHeap` and faiss's own exhaustive search keep their top-k in), one heap of K per concept;
- full sort per block: what the reference's `sort_samples.py` does, concatenating the running top-K with the block's
  scores and sorting each concept's row (torch's stable sort, so ties keep row order: the same rule as ours);
- matrix product only, the floor for any exact method: read, normalise and score each block, a group of concepts at a
  time into one preallocated buffer (as `score_captions` does), and in one [C, chunk] product per block.

Printed: one table (seconds, captions/s, peak RSS, share of the floor's rate), whether every method kept exactly the
full sort's top-K (same scores and rows), the per-block rate late in a big pool (the running top-K preset to what 10M
or 400M random captions leave, then real blocks), and the machine's load average. Speed targets live here, never in
timed tests.
"""
import argparse, datetime, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np
# torch is imported in the children only: the parent stays small, so a child's peak RSS is its own

def vm_hwm_gb()->float:
    "This process's peak resident set (VmHWM) in GB."
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')) / 2**20

def worker_pool(a):
    "Write the shards (random unit float16 rows) and the prototypes."
    import torch
    folder, g = Path(a.folder), torch.Generator().manual_seed(0)
    for s in range(a.shards):
        mm = np.memmap(folder/f'shard{s:04d}.f16', np.float16, 'w+', shape=(a.rows, a.dim))
        for r in range(0, a.rows, 16384):
            x = torch.randn(min(16384, a.rows - r), a.dim, generator=g)
            mm[r:r+len(x)] = torch.nn.functional.normalize(x, dim=1).half().numpy()
        mm.flush(); del mm
    np.save(folder/'protos.npy', torch.nn.functional.normalize(torch.randn(a.concepts, a.dim, generator=g), dim=1).numpy())
    return {}

def load_pool(a)->list:
    "The shards as the feature store reads them."
    from freeze_align.store import ShardedArray
    return [ShardedArray([np.memmap(Path(a.folder)/f'shard{s:04d}.f16', np.float16, 'r', shape=(a.rows, a.dim))]) for s in range(a.shards)]

def protos(a):
    "Unit prototypes, renormalised in float32 as score_captions does."
    import torch
    p = torch.from_numpy(np.load(Path(a.folder)/'protos.npy'))
    return p / p.norm(dim=1, keepdim=True)

def blocks(a):
    "(global row, [b, d] float32 unit rows) of every block, normalised as score_captions does."
    import torch
    row0 = 0
    for sh in load_pool(a):
        for r in range(0, len(sh), a.chunk):
            x = torch.from_numpy(sh[r:r + a.chunk]).float()
            yield row0, x.div_(x.norm(dim=1, keepdim=True))
            row0 += len(x)

def save(a, name, scores, idx):
    np.save(Path(a.folder)/f'{name}_scores.npy', scores); np.save(Path(a.folder)/f'{name}_idx.npy', idx)

def worker_ours(a):
    from freeze_align.curation import score_captions
    P = np.load(Path(a.folder)/'protos.npy')              # score_captions normalises them as `protos` does
    t0 = time.perf_counter()
    top = score_captions(load_pool(a), P, k=a.k, chunk=a.chunk, device='cpu', rank=0, world_size=1)
    secs = time.perf_counter() - t0
    save(a, 'ours', top.scores.numpy(), top.idx.numpy())
    return dict(secs=secs)

def score_buffer(a):
    "The preallocated [concepts, chunk] score block score_captions uses (as many concepts as `_SCORE_ELEMS` allows)."
    import torch
    from freeze_align.topk import _SCORE_ELEMS
    return torch.empty(min(a.concepts, max(1, _SCORE_ELEMS // a.chunk)), a.chunk)

def products(P, x, buf):
    "Yield (first concept, [r, b] scores) a group of concepts at a time, into the preallocated `buf` (as score_captions does)."
    import torch
    step = len(buf)
    for c0 in range(0, len(P), step): yield c0, torch.matmul(P[c0:c0 + step], x.T, out=buf[:len(P[c0:c0 + step])])

def worker_faiss(a):
    "faiss's per-query result heap (keep_max: a min-heap of K per concept) fed with the same scores."
    import torch, faiss
    faiss.omp_set_num_threads(a.threads)
    P = protos(a)
    D, I = np.empty((len(P), a.k), np.float32), np.empty((len(P), a.k), np.int64)
    heap = faiss.float_minheap_array_t(); heap.k, heap.nh = a.k, len(P)
    heap.val, heap.ids = faiss.swig_ptr(D), faiss.swig_ptr(I); heap.heapify()
    buf = score_buffer(a)
    t0 = time.perf_counter()
    for row0, x in blocks(a):
        for c0, s in products(P, x, buf):
            heap.addn(s.shape[1], faiss.swig_ptr(s.numpy()), row0, c0, len(s))   # ids row0 + j for column j
    heap.reorder()
    secs = time.perf_counter() - t0
    save(a, 'faiss', D, I)
    return dict(secs=secs)

def worker_sort(a):
    "The reference's method: per block, concatenate the running top-K with the new scores, sort, keep K."
    import torch
    P, run_s, run_i = protos(a), None, None
    t0 = time.perf_counter()
    for row0, x in blocks(a):
        s, ids = P @ x.T, torch.arange(row0, row0 + len(x)).expand(len(P), -1)
        if run_s is not None: s, ids = torch.cat([run_s, s], 1), torch.cat([run_i, ids], 1)
        v, o = s.sort(dim=1, descending=True, stable=True)        # stable: equal scores keep row order
        run_s, run_i = v[:, :a.k].contiguous(), ids.gather(1, o[:, :a.k])
    secs = time.perf_counter() - t0
    save(a, 'sort', run_s.numpy(), run_i.numpy())
    return dict(secs=secs)

def worker_matmul(a):
    "Read, normalise and score every block a group of concepts at a time into one buffer: the floor for any exact method."
    import torch
    P, buf = protos(a), score_buffer(a)
    t0 = time.perf_counter()
    for _, x in blocks(a):
        for _ in products(P, x, buf): pass
    return dict(secs=time.perf_counter() - t0)

def worker_matmul1(a):
    "The same with one [C, chunk] product per block."
    P = protos(a)
    t0 = time.perf_counter()
    for _, x in blocks(a): s = P @ x.T
    return dict(secs=time.perf_counter() - t0)

def worker_late(a):
    "Captions/s deep into a big pool: the running top-K preset to what N random captions would leave, then real blocks."
    import torch
    from freeze_align.topk import _Stream, _encode
    P, res = protos(a), {'points': {}}
    xs = [x for (_, x), _ in zip(blocks(a), range(3))]
    for n_seen in (10_000_000, 400_000_000):
        # cosines of random unit vectors are ~ N(0, 1/d): the top K of n_seen of them lie beyond the 1 - K/n_seen quantile
        u = torch.rand(len(P), a.k, generator=torch.Generator().manual_seed(1))
        st = _Stream(P, a.k, _encode(torch.special.ndtri(1 - u * a.k / n_seen) / a.dim ** 0.5, 2**31 + torch.arange(a.k)))
        t0 = time.perf_counter()
        for j, x in enumerate(xs): st.add(x, j * a.chunk)
        res['points'][str(n_seen)] = dict(rate=len(xs) * a.chunk / (time.perf_counter() - t0), passed=float(st.fill.float().mean()) / len(xs))
    return res

METHODS = {'ours': 'streaming top-K (score_captions)', 'faiss': 'faiss result heap, same products',
           'sort': 'full sort per block (reference)', 'matmul': 'matrix product only (floor)',
           'matmul1': 'matrix product, one [C, chunk] per block'}

def run(a, worker:str)->dict:
    "Run one worker in a fresh process; its JSON result with its peak memory."
    cmd = [sys.executable, __file__, '--worker', worker, '--folder', a.folder] + [f'--{k}={getattr(a, k)}' for k in ('concepts', 'k', 'dim', 'shards', 'rows', 'chunk', 'threads')]
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads), FREEZE_ALIGN_NO_PROGRESS='1')
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode: sys.exit(f'{worker} failed:\n{p.stderr[-3000:]}')
    return json.loads(p.stdout.strip().splitlines()[-1])

def same_topk(folder:Path, name:str)->bool:
    "Whether `name` kept exactly the full sort's top-K: the same scores and rows, best first (faiss's ties re-ordered by row)."
    s, i = np.load(folder/f'{name}_scores.npy'), np.load(folder/f'{name}_idx.npy')
    rs, ri = np.load(folder/'sort_scores.npy'), np.load(folder/'sort_idx.npy')
    o = np.lexsort((i, -s), axis=1)
    return bool(np.array_equal(np.take_along_axis(s, o, 1), rs) and np.array_equal(np.take_along_axis(i, o, 1), ri))

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--concepts', type=int, default=2754); p.add_argument('--k', type=int, default=50_000)
    p.add_argument('--dim', type=int, default=768); p.add_argument('--shards', type=int, default=6)
    p.add_argument('--rows', type=int, default=65_536, help='captions per shard'); p.add_argument('--chunk', type=int, default=65_536)
    p.add_argument('--threads', type=int, default=os.cpu_count(), help='torch (and faiss) threads per method')
    p.add_argument('--quick', action='store_true', help='small sizes: C=300, K=5,000, 3 shards of 16,384')
    p.add_argument('--worker', choices=['pool', 'late', *METHODS]); p.add_argument('--folder')
    a = p.parse_args()
    if a.quick: a.concepts, a.k, a.shards, a.rows, a.chunk = 300, 5000, 3, 16384, 16384
    if a.worker:
        import torch
        torch.set_num_threads(a.threads)
        res = globals()[f'worker_{a.worker}'](a)
        res.update(maxrss_gb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, hwm_gb=vm_hwm_gb())
        print(json.dumps(res)); return
    n, load0 = a.shards * a.rows, os.getloadavg()
    print(f'# freeze_align curation benchmark, {datetime.datetime.now().isoformat(timespec="seconds")}, nproc={os.cpu_count()}, threads per method={a.threads}')
    print(f'# C={a.concepts:,} concepts, K={a.k:,}, d={a.dim}, {n:,} captions in {a.shards} float16 shards, blocks of {a.chunk:,}, CPU')
    print(f'# load average at start (1, 5, 15 min): {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}')
    with tempfile.TemporaryDirectory() as d:
        a.folder = d
        run(a, 'pool')
        out = {w: run(a, w) for w in ('matmul', 'matmul1', 'ours', 'faiss', 'sort', 'late')}
        floor = out['matmul']['secs']
        print(f"\n{'method':<42} {'seconds':>8} {'captions/s':>11} {'peak RSS GB':>12} {'% of floor rate':>16}")
        for w in ('ours', 'faiss', 'sort', 'matmul', 'matmul1'):
            r = out[w]
            print(f"{METHODS[w]:<42} {r['secs']:>8.1f} {n / r['secs']:>11,.0f} {r['maxrss_gb']:>12.2f} {100 * floor / r['secs']:>15.0f}%")
        print(f'\nsame top-K as the full sort (scores and rows, ties by row): ' + ', '.join(f'{METHODS[w].split(" (")[0]}: {same_topk(Path(d), w)}' for w in ('ours', 'faiss')))
        print(f'running top-K state: {a.concepts * a.k * 8 / 2**30:.2f} GiB (C x K int64 keys); peak RSS checked against VmHWM: '
              + ', '.join(f"{w} {out[w]['hwm_gb']:.2f}" for w in ('ours', 'faiss', 'sort', 'matmul')) + ' GB')
        for n_seen, r in out['late']['points'].items():
            print(f"late in a pool of {int(n_seen):,} captions (state preset to the top-K of {int(n_seen):,} random captions, then 3 real "
                  f"blocks): {r['rate']:,.0f} captions/s, {r['passed']:.0f} keys per concept per block pass the K-th score")
    load1 = os.getloadavg()
    print(f'# load average at end (1, 5, 15 min): {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}')

if __name__ == '__main__': main()
