"""Linear CKA speed: the reference's dense-centring formula against `freeze_align.cka.linear_cka`.

    python benchmarks/cka.py            # the full run: n = 1k, 2k, 5k side by side; 100k and 1M ours alone (~10 min on 2 cores)
    python benchmarks/cka.py --quick    # a smoke run with small sizes (a few minutes)

The reference code (its `alignment/utils.py`) forms K = XXᵀ and L = YYᵀ and centres them with the dense n×n matrix H = I − 11ᵀ/n,
HSIC(K, L) = Σ (HKH)∘(HLH), CKA = HSIC(K, L) / √(HSIC(K, K) HSIC(L, L)), three HSIC calls as in its code: O(n³) time
and O(n²) memory. Ours sums XᵀX, YᵀY, XᵀY and column sums over row chunks in float64: O(n·d²) time, O(d²) memory.
Both run in torch float64 on the CPU with torch's default threads. The 1M-row case reads float16 files written in
chunks, in a child process so that its peak RSS (resource.getrusage) is its own."""
import argparse, datetime, json, os, resource, subprocess, sys, tempfile, threading, time
import numpy as np
# torch and freeze_align are imported inside the functions: the parent process must stay small until the 1M-row children
# have run, because on Linux a child's ru_maxrss starts from its parent's peak at exec.

def reference_cka(x, y):
    "CKA with the dense centring matrix, as the reference code computes it."
    import torch
    n = len(x)
    H = torch.eye(n, dtype=torch.float64) - torch.ones(n, n, dtype=torch.float64) / n
    def hsic(a, b): return ((H @ (a @ a.T) @ H) * (H @ (b @ b.T) @ H)).sum()
    return float(hsic(x, y) / torch.sqrt(hsic(x, x) * hsic(y, y)))

def paired(n, d, seed=0, dtype=np.float32):
    "Paired features: y is a noisy copy of x with its columns in another (fixed) order."
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d), dtype=np.float32)
    y = 0.6 * x[:, np.random.default_rng(-1 % 2**32).permutation(d)] + 0.8 * rng.standard_normal((n, d), dtype=np.float32)
    return x.astype(dtype), y.astype(dtype)

def timed(f, reps=1):
    "(wall seconds, CPU seconds of all threads, result) of the fastest of `reps` runs"
    best = (float('inf'), 0.)
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time(); res = f()
        best = min(best, (time.perf_counter() - t, time.process_time() - c))
    return (*best, res)

class MappedRows:
    "A row store over a raw float file: each slice maps only its rows, copies them and unmaps them (like a sharded store)."
    def __init__(self, path, dtype, shape): self.path, self.dtype, self.shape = path, np.dtype(dtype), tuple(shape)
    def __len__(self): return self.shape[0]
    def __getitem__(self, s):
        a, b, _ = s.indices(self.shape[0])
        m = np.memmap(self.path, self.dtype, 'r', offset=a * self.shape[1] * self.dtype.itemsize, shape=(b - a, self.shape[1]))
        out = np.array(m); del m
        return out

def status_kb(key):
    "A field of /proc/self/status in kB (0 where unavailable)."
    try: return int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith(key + ':')))
    except (OSError, StopIteration): return 0

def child(px, py, n, d, store):
    "Run linear CKA over two float16 files in this (fresh) process; print one JSON line."
    from freeze_align.cka import linear_cka
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    opener = (lambda p: np.memmap(p, np.float16, 'r', shape=(n, d))) if store == 'memmap' else (lambda p: MappedRows(p, np.float16, (n, d)))
    peak_anon, done = [status_kb('RssAnon')], threading.Event()
    def sample():
        while not done.wait(0.05): peak_anon.append(status_kb('RssAnon'))
    th = threading.Thread(target=sample, daemon=True); th.start()
    t, cpu, c = timed(lambda: linear_cka(opener(px), opener(py)))
    done.set(); th.join()
    print(json.dumps(dict(time=t, cpu=cpu, cka=c, base_kb=base, maxrss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, peak_anon_kb=max(peak_anon))))

def write_f16(dirname, n, d, chunk=10_000):
    "Write paired float16 features of n rows to two raw files, chunk by chunk (small chunks: the writer stays small too)."
    px, py = os.path.join(dirname, 'x.f16'), os.path.join(dirname, 'y.f16')
    with open(px, 'wb') as fx, open(py, 'wb') as fy:
        for i, a in enumerate(range(0, n, chunk)):
            x, y = paired(min(chunk, n - a), d, seed=i, dtype=np.float16)
            fx.write(x.tobytes()); fy.write(y.tobytes())
    return px, py

def main(quick=False):
    d = 1024
    small, mid, big = ([500, 1000], 10_000, 50_000) if quick else ([1000, 2000, 5000], 100_000, 1_000_000)
    log = lambda *a: print(*a, file=sys.stderr, flush=True)
    start, load0 = datetime.datetime.now(), os.getloadavg()[0]
    rows = {}
    # the streamed case runs first, in child processes: a child inherits its parent's peak RSS at exec, so the parent must still be small
    with tempfile.TemporaryDirectory() as tmp:
        log(f'writing {big:,} x {d} float16 pairs ...')
        t0 = time.perf_counter(); px, py = write_f16(tmp, big, d); tw = time.perf_counter() - t0
        for store in ('rows', 'memmap'):
            log(f'n={big:,}, {store} ...')
            out = subprocess.run([sys.executable, __file__, '--child', px, py, str(big), str(d), store], capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            how = 'row store mapping one chunk at a time (MappedRows)' if store == 'rows' else 'one np.memmap per file'
            if r['base_kb'] > 2**18: log(f"warning: the child started with ru_maxrss {r['base_kb'] / 2**20:.2f} GiB (inherited from the parent)")
            rows[big, store] = (f"{big:>9,} {'-':>12} {r['time']:>9.1f} {'-':>8} {'-':>8} {r['cpu']:>8.1f} {'-':>8} {1e6 * r['time'] / big:>8.1f} {'-':>8}  float16 files, {how}; cka={r['cka']:.5f}; "
                                f"peak RSS {r['maxrss_kb'] / 2**20:.2f} GiB, of it private (RssAnon) {r['peak_anon_kb'] / 2**20:.2f} GiB")
    note = (f'# n={big:,}: {2 * big * d * 2 / 2**30:.1f} GiB of float16 on disk, written in 10k-row chunks in {tw:.0f} s. With one np.memmap the kernel counts the '
            'clean file pages already read as resident (RssFile), so peak RSS grows with the file while private memory stays flat.')
    import torch
    from freeze_align.cka import linear_cka
    head = (f'# linear CKA benchmark, {start:%Y-%m-%d %H:%M}, nproc={os.cpu_count()}, torch threads={torch.get_num_threads()}, '
            f'torch {torch.__version__}, d={d}, float64 on CPU, load average {load0:.2f} at start')
    log(f'n={mid:,} ...')
    x, y = paired(mid, d)
    to, po, co = timed(lambda: linear_cka(x, y))
    rows[mid, ''] = f"{mid:>9,} {'-':>12} {to:>9.2f} {'-':>8} {'-':>8} {po:>8.2f} {'-':>8} {1e6 * to / mid:>8.1f} {'-':>8}  in memory, float32 arrays ({x.nbytes / 2**20:.0f} MiB per side); cka={co:.5f}"
    del x, y
    for n in small:
        log(f'n={n:,}, reference and ours ...')
        x, y = (torch.from_numpy(v).double() for v in paired(n, d))
        tr, pr, cr = timed(lambda: reference_cka(x, y))
        to, po, co = timed(lambda: linear_cka(x, y), reps=3)
        rows[n, ''] = f'{n:>9,} {tr:>12.2f} {to:>9.3f} {tr / to:>7.0f}x {pr:>8.1f} {po:>8.3f} {pr / po:>7.0f}x {1e6 * to / n:>8.1f} {abs(cr - co):>8.0e}  in memory, float64 tensors'
    print(head)
    print(f"{'':>9} {'---- wall':>12} {'seconds':>9} {'----':>8} {'--- CPU':>8} {'seconds':>8} {'----':>8}")
    print(f"{'n':>9} {'reference':>12} {'ours':>9} {'speed-up':>8} {'ref':>8} {'ours':>8} {'speed-up':>8} {'µs/row':>8} {'|Δcka|':>8}  notes")
    for k in sorted(rows, key=lambda k: (k[0], k[1] != 'rows')): print(rows[k])
    print(note)
    print(f'# CPU seconds are summed over threads (time.process_time); on a shared machine they are steadier than wall time. '
          f'µs/row: ours, wall. Load average at the end: {os.getloadavg()[0]:.2f}')

if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--child':
        _, _, px, py, n, d, store = sys.argv
        child(px, py, int(n), int(d), store)
    else:
        p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        p.add_argument('--quick', action='store_true', help='small sizes, for a smoke run')
        main(p.parse_args().quick)
