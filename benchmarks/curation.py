"""Speed of concept-balanced curation's scoring step: our streaming per-concept top-K against a full-sort baseline.

    python benchmarks/curation.py                  # C=2,754 concepts, K=50,000, d=768, 393,216 captions in 6 shards
    python benchmarks/curation.py --shards 3       # a shorter run
    python benchmarks/curation.py --threads 1      # one torch thread per method (steadier when the machine is shared)

Both methods read the same float16 memory-mapped caption shards (random unit vectors, the layout of the feature store)
and score them on the CPU against the same random unit prototypes, with the same block size. The baseline is what the
reference's `sort_samples.py` does per block: concatenate the running top-K scores with the new block's scores, sort
each concept's row in full, keep the first K. Ours is `freeze_align.curation.score_captions` (exact top-K with the
(score desc, row asc) tie rule). Each method runs in its own process, so the peak memory (`resource.getrusage`) is its
own. Printed: captions/s over the whole stream and over its second half (last block excluded: it ends with the final sort), peak RSS,
whether the two agree, the time `assign` takes on the result, and the per-block rate late in a big pool (the running
top-K preset to what 10M or 400M random captions would leave, then real blocks), from which the 400M figure is
extrapolated. Speed targets live here, never in timed tests.
"""
import argparse, datetime, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, torch

def make_pool(folder:Path, shards:int, rows:int, d:int, C:int, seed:int=0):
    "Write `shards` float16 memmaps of `rows` random unit vectors each, and C random unit prototypes."
    g = torch.Generator().manual_seed(seed)
    for s in range(shards):
        mm = np.memmap(folder/f'shard{s:04d}.f16', np.float16, 'w+', shape=(rows, d))
        for a in range(0, rows, 16384):
            x = torch.randn(min(16384, rows - a), d, generator=g)
            mm[a:a+len(x)] = torch.nn.functional.normalize(x, dim=1).half().numpy()
        mm.flush(); del mm
    np.save(folder/'protos.npy', torch.nn.functional.normalize(torch.randn(C, d, generator=g), dim=1).numpy())

class Timed:
    "A shard that records when each block is requested (the previous block's work ends there)."
    def __init__(self, x, marks): self.x, self.marks = x, marks
    def __len__(self): return len(self.x)
    @property
    def shape(self): return self.x.shape
    def __getitem__(self, sl):
        if sl.stop - sl.start > 1: self.marks.append(time.perf_counter())
        return self.x[sl]

def load_pool(folder:Path, shards:int, rows:int, d:int):
    return [np.memmap(folder/f'shard{s:04d}.f16', np.float16, 'r+', shape=(rows, d)) for s in range(shards)]

def unit_block(x:np.ndarray)->torch.Tensor:
    "Same normalisation as score_captions: float32 rows divided by their norm."
    x = torch.from_numpy(np.asarray(x)).float()
    return x / x.norm(dim=1, keepdim=True)

def worker_ours(a):
    from freeze_align.curation import score_captions
    from freeze_align.balance import assign
    folder, marks = Path(a.folder), []
    pool = [Timed(s, marks) for s in load_pool(folder, a.shards, a.rows, a.dim)]
    P = np.load(folder/'protos.npy')
    t0 = time.perf_counter()
    top = score_captions(pool, P, k=a.k, chunk=a.chunk, device='cpu', rank=0, world_size=1)
    t1 = time.perf_counter()
    cur = assign(top, per_concept=2000)
    t2 = time.perf_counter()
    np.save(folder/'ours_scores.npy', top.scores.numpy()); np.save(folder/'ours_idx.npy', top.idx.numpy())
    return dict(secs=t1 - t0, marks=[m - t0 for m in marks[1:]] + [t1 - t0], assign_secs=t2 - t1, kept=len(cur),
                covered=int((cur.counts() > 0).sum()))

def worker_sort(a):
    folder = Path(a.folder)
    pool = load_pool(folder, a.shards, a.rows, a.dim)
    P = unit_block(np.load(folder/'protos.npy'))   # score_captions renormalises the prototypes the same way
    run_s = run_i = None
    t0, marks, row0 = time.perf_counter(), [], 0
    for sh in pool:
        for a0 in range(0, len(sh), a.chunk):
            marks.append(time.perf_counter() - t0)
            x = unit_block(sh[a0:a0+a.chunk])
            s = P @ x.T
            ids = torch.arange(row0, row0 + len(x)).expand(len(P), -1)
            if run_s is not None: s, ids = torch.cat([run_s, s], 1), torch.cat([run_i, ids], 1)
            v, o = s.sort(1, descending=True)
            run_s, run_i = v[:, :a.k].contiguous(), ids.gather(1, o[:, :a.k])
            row0 += len(x)
    t1 = time.perf_counter()
    np.save(folder/'sort_scores.npy', run_s.numpy()); np.save(folder/'sort_idx.npy', run_i.numpy())
    return dict(secs=t1 - t0, marks=marks[1:] + [t1 - t0])

def worker_matmul(a):
    "Only read + normalise + the [C, chunk] matrix product: the floor for any exact method."
    folder = Path(a.folder)
    P = unit_block(np.load(folder/'protos.npy'))   # score_captions renormalises the prototypes the same way
    t0 = time.perf_counter()
    for sh in load_pool(folder, a.shards, a.rows, a.dim):
        for a0 in range(0, len(sh), a.chunk): s = P @ unit_block(sh[a0:a0+a.chunk]).T
    return dict(secs=time.perf_counter() - t0)

def worker_late(a):
    "Per-block cost deep into a big pool: the running top-K preset to what N random captions would leave, then real blocks."
    from freeze_align.curation import _Stream, _encode
    folder = Path(a.folder)
    P = unit_block(np.load(folder/'protos.npy'))
    blocks = [sh[a0:a0+a.chunk] for sh in load_pool(folder, a.shards, a.rows, a.dim) for a0 in range(0, len(sh), a.chunk)][:3]
    res = {'points': {}}
    for n_seen in (10_000_000, 400_000_000):
        # cosines of random unit vectors are ~ N(0, 1/d); the top-K of n_seen of them lie beyond the 1 - K/n_seen quantile
        u = torch.rand(len(P), a.k, generator=torch.Generator().manual_seed(1))
        st = _Stream(a.k, _encode(torch.special.ndtri(1 - u * a.k / n_seen) / a.dim ** 0.5, 2**31 + torch.arange(a.k)))
        t0, row0 = time.perf_counter(), 0
        for x in blocks:
            st.add(P @ unit_block(x).T, row0); row0 += len(x)
        secs = time.perf_counter() - t0
        res['points'][str(n_seen)] = dict(rate=row0 / secs, passed=st.nbuf / len(blocks))
    return res

def rates(res:dict, n:int, chunk:int)->tuple[float, float]:
    "Captions/s over the whole stream, and over the blocks of its second half except the last (which ends with the final sort)."
    m = res.get('marks')                      # m[i] = when block i was done
    if not m or len(m) < 3: return n / res['secs'], float('nan')
    half = len(m) // 2
    return n / res['secs'], (len(m) - 1 - half) * chunk / (m[-2] - m[half - 1])

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--concepts', type=int, default=2754); p.add_argument('--k', type=int, default=50_000)
    p.add_argument('--dim', type=int, default=768); p.add_argument('--shards', type=int, default=6)
    p.add_argument('--rows', type=int, default=65_536, help='captions per shard'); p.add_argument('--chunk', type=int, default=65_536)
    p.add_argument('--threads', type=int, default=os.cpu_count(), help='torch threads per method (1 is steadier on a shared machine)')
    p.add_argument('--worker', choices=['ours', 'sort', 'matmul', 'late']); p.add_argument('--folder')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.worker:
        res = globals()[f'worker_{a.worker}'](a)
        res['maxrss_gb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(json.dumps(res)); return
    n = a.shards * a.rows
    print(f'# freeze_align curation benchmark, {datetime.datetime.now().isoformat(timespec="seconds")}')
    print(f'# nproc={os.cpu_count()}, torch threads={a.threads}, torch {torch.__version__}, '
          f'load average at start {os.getloadavg()[0]:.1f}')
    print(f'# C={a.concepts:,} concepts, K={a.k:,}, d={a.dim}, {n:,} captions in {a.shards} float16 memmap shards, '
          f'blocks of {a.chunk:,}, CPU')
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter(); make_pool(Path(d), a.shards, a.rows, a.dim, a.concepts)
        print(f'# pool written in {time.perf_counter() - t:.0f} s (not timed below)')
        out = {}
        for w in ('matmul', 'late', 'ours', 'sort'):
            cmd = [sys.executable, __file__, '--worker', w, '--folder', d] + [f'--{k}={getattr(a, k)}' for k in ('concepts', 'k', 'dim', 'shards', 'rows', 'chunk', 'threads')]
            out[w] = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
        names = {'matmul': 'matrix product only (floor)', 'ours': 'streaming top-K (score_captions)', 'sort': 'full sort per block (reference)'}
        print(f"\n{'method':<36} {'seconds':>8} {'captions/s':>11} {'2nd half/s':>11} {'peak RSS GB':>12}")
        for w in ('ours', 'sort', 'matmul'):
            r, rh = rates(out[w], n, a.chunk)
            print(f"{names[w]:<36} {out[w]['secs']:>8.1f} {r:>11,.0f} {rh:>11,.0f} {out[w]['maxrss_gb']:>12.2f}")
        so, ss = np.load(Path(d)/'ours_scores.npy'), np.load(Path(d)/'sort_scores.npy')
        io, is_ = np.load(Path(d)/'ours_idx.npy'), np.load(Path(d)/'sort_idx.npy')
        diff = [c for c in range(len(io)) if not np.array_equal(np.sort(io[c]), np.sort(is_[c]))]
        ties = all((so[c][~np.isin(io[c], is_[c])] == so[c, -1]).all() and (ss[c][~np.isin(is_[c], io[c])] == ss[c, -1]).all() for c in diff)
        print(f"\nspeed-up over the full sort: {out['sort']['secs'] / out['ours']['secs']:.1f}x whole stream, "
              f"{rates(out['ours'], n, a.chunk)[1] / rates(out['sort'], n, a.chunk)[1]:.1f}x second half")
        print(f'same top-K scores as the full sort: {np.array_equal(so, ss)}; same rows: {len(io) - len(diff):,}/{len(io):,} concepts; '
              f'in the other {len(diff)}, every differing row scores exactly the K-th score (a tie the baseline breaks arbitrarily): {ties}')
        print(f"running top-K state: {a.concepts * a.k * 8 / 2**30:.2f} GiB of int64 keys (C x K x 8 bytes)")
        print(f"assign(per_concept=2000) on the result: {out['ours']['assign_secs']:.1f} s, {out['ours']['kept']:,} captions kept, "
              f"{out['ours']['covered']:,}/{a.concepts:,} concepts covered")
        for n_seen, r in out['late']['points'].items():
            print(f"late in a pool of {int(n_seen):,} captions (running top-K preset to that of {int(n_seen):,} random captions, then "
                  f"{3 * a.chunk:,} real ones): {r['rate']:,.0f} captions/s, {r['passed']:.0f} entries per concept per block pass the K-th score")
        late = out['late']['points'][str(400_000_000)]['rate']
        print(f'extrapolated (not measured): 400M captions on this machine, at the late-stream rate: {4e8 / late / 3600:.1f} h; '
              f'at the second-half rate of this short run: {4e8 / rates(out["ours"], n, a.chunk)[1] / 3600:.1f} h')
    print(f'# load average at end {os.getloadavg()[0]:.1f}')

if __name__ == '__main__': main()
