"""overparam's benchmark: where training stands against the hardware and against what a user
would run instead, in one run on one machine, every figure printed as a ratio.

Run it through submit/bench, which builds the jar, compiles the probes and prepares the Python
environment. Sections (--sections, default all):

  hardware  DL4J MLP training FLOP/s (6 x params x samples/s) at each width, against the float32
            GEMM peak of numpy's OpenBLAS and of ND4J, measured in the same run; DL4J's own loop
            and the stacked step (a stack of one: how a sweep trains such a run)
  peer      the same models, batch, epochs and threads trained by PyTorch on the CPU
  sweep     wall time of whole sweeps against the ideal: each run's time alone in one process on
            one core (on the step the sweep uses, stacks of one), summed, divided by the cores
            (below 1 where the sweep's stacks of several runs gain); and the machine's ceiling: the same runs in one
            one-thread process per core at once, no Spark; and against the same grid written as a
            plain PyTorch script (peers.py sweep: one process per core, one thread each, the data
            read once per process, the file's sizes, noise, model, optimiser, epochs, evaluation
            cadence and compression passes), alternating with overparam's sweep round by round:
            PyTorch seconds / overparam seconds (goal >= 1.5), and where each one's mean final
            test error peaks (the width standing highest above the classical minimum before it,
            by more than a standard error), read back from overparam's Parquet metrics; the two
            peaks should lie within one step of the width grid
  averaging parameter averaging's time per epoch against single-process training, local[N] and a
            two-worker standalone cluster started here
  analysis  seconds to analyse 10 million metric rows
  gpt       tokens/s of one training step of the gpt family against the same transformer in
            PyTorch, on 1 and 2 threads, and its FLOP/s (6 N + attention, per token) against the
            float32 GEMM peak measured at the same thread count

Compared configurations run side by side, alternating, --rounds times; figures are medians.
Raw figures go to target/bench/bench-<time>.json.
"""
import argparse
import datetime
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

# The grid axes a curve of test error against width is drawn along, owned by the peer sweep.
from peers import SERIES

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGET = os.path.join(ROOT, "target")
CORES = os.cpu_count() or 1
SECTIONS = ["hardware", "peer", "sweep", "averaging", "analysis", "gpt"]
GOALS = {  # ratios this benchmark aims for; see BENCHMARKS.md
    "hardware": "largest MLP >= 0.60 of numpy's GEMM peak",
    "peer": ">= 1.00 (PyTorch time / DL4J time) at every width",
    "sweep": "<= 1.15 x ideal",
    "peer_sweep": ">= 1.50 (PyTorch script's time / overparam's) on every grid, peaks agreeing",
    "averaging": "<= 1.10 x single-process per epoch, width >= 1024, two workers",
    "analysis": "< 60 s for 10M rows on 2 cores",
    "gpt": ">= 1.00 (DL4J tokens/s / PyTorch tokens/s) at every size and thread count",
}


# --- running probes ---------------------------------------------------------------------------

def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def load():
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def parse(out):
    rows = []
    for line in out.splitlines():
        if line.startswith("BENCH "):
            rows.append(json.loads(line[6:]))
    return rows


def run(cmd, env=None, timeout=1800):
    t = time.time()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        raise RuntimeError(f"{cmd[:6]}... exited {p.returncode}")
    rows = parse(p.stdout)
    shown = cmd[cmd.index("org.overparam.bench.Bench") + 1:] if "org.overparam.bench.Bench" in cmd \
        else [os.path.basename(c) for c in cmd[1:]]
    log(f"{' '.join(shown)[:160]} ({time.time() - t:.0f}s, load {load()})")
    return rows


class Java:
    """Starts bench/java probes against an application jar (the current build by default)."""

    def __init__(self, jar, env):
        spark_cp = ":".join(open(os.path.join(TARGET, name)).read().strip()
                            for name in ("spark-classpath.txt", "shared-classpath.txt"))
        self.cp = ":".join([os.path.join(TARGET, "bench-classes"), jar, spark_cp])
        self.jar = jar
        self.env = env

    def command(self, probe, *args, extra_env=None, heap="6g"):
        env = dict(self.env, **(extra_env or {}))
        env = {k: v for k, v in env.items() if v is not None}
        cmd = ["java", f"-Xmx{heap}", *os.environ.get("OVERPARAM_OPENS", "").split(),
               "-Djava.awt.headless=true",
               f"-Dlog4j2.configurationFile={os.path.join(ROOT, 'conf', 'log4j2.properties')}",
               "-cp", self.cp, "org.overparam.bench.Bench", probe, *map(str, args)]
        return cmd, env

    def __call__(self, probe, *args, extra_env=None, heap="6g"):
        return run(*self.command(probe, *args, extra_env=extra_env, heap=heap))

    def together(self, copies, probe, *args, heap="3g"):
        """``copies`` processes of one probe started at once; the rows of each."""
        cmd, env = self.command(probe, *args, heap=heap)
        t = time.time()
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(copies)]
        outs = [p.communicate(timeout=3600) for p in procs]
        for p, (_, err) in zip(procs, outs):
            if p.returncode != 0:
                sys.stderr.write(err[-4000:])
                raise RuntimeError(f"{probe} x{copies} exited {p.returncode}")
        log(f"{copies} x {probe} {' '.join(map(str, args))[:120]} at once "
            f"({time.time() - t:.0f}s, load {load()})")
        return [parse(out) for out, _ in outs]


def python_peer(probe, *args, threads):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    env.pop("OPENBLAS_CORETYPE", None)  # numpy's own OpenBLAS knows this CPU
    return run([sys.executable, os.path.join(HERE, "peers.py"), probe, "--threads", str(threads),
                *map(str, args)], env)


def epochs_of(rows, width):
    """Fit seconds of every epoch over every round, the first epoch of each (warm-up) left out."""
    xs = []
    for r in rows:
        if r["width"] == width:
            xs += r["epoch_seconds"][1:] if len(r["epoch_seconds"]) > 1 else r["epoch_seconds"]
    return xs


def median_epoch(rows, width):
    xs = epochs_of(rows, width)
    return statistics.median(xs) if xs else float("nan")


def best_epoch(rows, width):
    """The fastest epoch: on a loaded machine, the one least disturbed by others."""
    xs = epochs_of(rows, width)
    return min(xs) if xs else float("nan")


# --- sections ---------------------------------------------------------------------------------

def hardware_and_peer(java, a, out, peer):
    widths = a.widths
    n, epochs = a.n, a.epochs
    gemm_sizes = "1024,2048"
    numpy_g, nd4j_g, dl4j, stacked, torch = [], [], [], [], []
    for r in range(a.rounds):
        log(f"hardware round {r + 1}/{a.rounds}")
        numpy_g += python_peer("gemm", "--sizes", gemm_sizes, threads=CORES)
        nd4j_g += java("gemm", "--threads", CORES, "--sizes", gemm_sizes)
        dl4j += java("mlp", "--threads", CORES, "--widths", ",".join(map(str, widths)),
                     "--n", n, "--epochs", epochs)
        # the step a sweep trains these runs with: a stack of one (StackedMlp)
        stacked += java("mlp", "--threads", CORES, "--widths", ",".join(map(str, widths)),
                        "--n", n, "--epochs", epochs, "--stack", 1)
        if peer:
            torch += python_peer("torch", "--widths", ",".join(map(str, widths)), "--n", n,
                                 "--epochs", epochs, threads=CORES)
    peak_np = max(max(g["gflops"]) for g in numpy_g)
    peak_nd = max(max(g["gflops"]) for g in nd4j_g)
    out["gemm"] = {"numpy": numpy_g, "nd4j": nd4j_g, "numpy_peak": peak_np, "nd4j_peak": peak_nd}
    out["mlp"] = {"dl4j": dl4j, "stacked": stacked, "torch": torch}
    rows = []
    for w in widths:
        params = next(r["params"] for r in dl4j if r["width"] == w)
        t = median_epoch(dl4j, w)
        gf = 6 * params * n / t / 1e9
        row = {"width": w, "params": params, "dl4j_s": t, "dl4j_gflops": gf,
               "of_numpy_peak": gf / peak_np, "of_nd4j_peak": gf / peak_nd}
        row.update(dl4j_best_s=best_epoch(dl4j, w))
        ts = median_epoch(stacked, w)
        row.update(stacked_s=ts, stacked_best_s=best_epoch(stacked, w),
                   stacked_of_numpy_peak=6 * params * n / ts / 1e9 / peak_np)
        if torch:
            row.update(torch_over_stacked=median_epoch(torch, w) / ts)
        if torch:
            tt = median_epoch(torch, w)
            row.update(torch_s=tt, torch_gflops=6 * params * n / tt / 1e9, torch_over_dl4j=tt / t,
                       torch_best_s=best_epoch(torch, w),
                       torch_over_dl4j_best=best_epoch(torch, w) / best_epoch(dl4j, w))
        rows.append(row)
    out["hardware"] = rows
    return rows


def sweep(java, a, out):
    import yaml

    grids = []
    quick = os.path.join(ROOT, "conf", "experiments", "quickstart.yaml")
    grids.append(quick if os.path.exists(quick) and not a.bench_grids_only
                 else os.path.join(HERE, "grids", "sweep-small.yaml"))
    grids.append(os.path.join(HERE, "grids", "sweep-wide.yaml"))
    res = os.path.join(TARGET, "bench", "results")
    shutil.rmtree(res, ignore_errors=True)  # overparam's errors are read back from here: ours only
    os.makedirs(res, exist_ok=True)
    rows = []
    for g in grids:
        swept, ideal, peer = [], [], []
        for r in range(a.sweep_rounds):
            log(f"sweep {os.path.basename(g)} round {r + 1}/{a.sweep_rounds}")
            swept += java("sweep", "--yaml", g, "--master", f"local[{CORES}]", "--results", res)
            # The same grid as a plain PyTorch script (bench/peers.py sweep), alternating with
            # overparam's sweep round by round.
            peer += python_peer("sweep", "--yaml", g, "--processes", CORES, threads=1)
            ideal += java("ideal", "--yaml", g, "--threads", 1)
        # The machine's own ceiling: the same one-thread runs, one process per core at once,
        # with no Spark and no shared JVM. A sweep cannot beat what this costs each run.
        together = [rows_[0] for rows_ in java.together(CORES, "ideal", "--yaml", g,
                                                        "--threads", 1)]
        wall = statistics.median(s["seconds"] for s in swept)
        core_s = statistics.median(i["seconds"] for i in ideal)
        shared_s = statistics.median(i["seconds"] for i in together)
        peer_s = statistics.median(p_["seconds"] for p_ in peer)
        with open(g) as fh:
            cfg = yaml.safe_load(fh)
        shape = peak_agreement(final_errors(res, cfg["name"]), peer[0]["curve"],
                               test_error_se(cfg))
        rows.append({"grid": os.path.relpath(g, ROOT), "runs": swept[0]["runs"],
                     "failed": max(s["failed"] for s in swept), "sweep_s": wall,
                     "spark_start_s": statistics.median(s["spark_start_seconds"] for s in swept),
                     "ideal_s": core_s / CORES, "ratio": wall / (core_s / CORES),
                     "together_over_alone": shared_s / core_s,
                     "ratio_to_ceiling": wall / (shared_s / CORES),
                     "peer_runs": peer[0]["runs"], "peer_s": peer_s,
                     "peer_start_s": statistics.median(p_["start_seconds"] for p_ in peer),
                     "peer_over_overparam": peer_s / wall, "peaks": shape})
        out.setdefault("sweep_raw", []).append({"grid": g, "sweep": swept, "ideal": ideal,
                                                "together": together, "peer": peer})
    shutil.rmtree(res, ignore_errors=True)
    out["sweep"] = rows
    return rows


def series_key(row):
    return tuple(round(row[k], 12) if isinstance(row[k], float) else row[k] for k in SERIES)


def final_errors(results, name):
    """overparam's final-epoch test error of experiment ``name``'s runs, averaged over seeds, as
    [{SERIES..., width, final_test_error}], read back from the Parquet metrics every round's
    sweep wrote under ``results`` (<results>/<store>/metrics/experiment=<name>/<run_id>.parquet;
    a run recorded by several rounds counts once per round, which leaves the mean as it is)."""
    import glob
    import pyarrow.parquet as pq

    files = glob.glob(os.path.join(results, "*", "metrics", f"experiment={name}", "*.parquet"))
    by = {}
    for f in files:  # one file per run; hidden partial files do not match the pattern
        t = pq.read_table(f, columns=list(SERIES) + ["width", "epoch", "test_error"])
        last = max(t.to_pylist(), key=lambda r: r["epoch"])
        by.setdefault(series_key(last) + (last["width"],), []).append(last["test_error"])
    return [dict(zip(SERIES + ("width",), k), final_test_error=statistics.mean(v))
            for k, v in sorted(by.items())]


def test_error_se(cfg):
    """The standard error of a mean final test error near 0.25 over a grid's (its experiment
    file ``cfg``'s) test images and seeds: a rise smaller than this is not counted as a peak."""
    seeds = cfg.get("seeds", [0])
    seeds = len(seeds) if isinstance(seeds, list) else 1
    return (0.25 * 0.75 / ((cfg.get("dataset") or {}).get("test_size", 10000) * seeds)) ** 0.5


def peak_width(errors, min_rise=0.0):
    """The test-error peak of one curve {width: error}: the width whose error stands highest
    above the classical minimum before it (the least error at a smaller width), by more than
    min_rise; None where the curve never rises that much."""
    widths = sorted(errors)
    best, peak, low = min_rise, None, errors[widths[0]]
    for w in widths[1:]:
        if errors[w] - low > best:
            best, peak = errors[w] - low, w
        low = min(low, errors[w])
    return peak


def peak_agreement(ours, theirs, min_rise=0.0):
    """Per curve (one value of each SERIES axis): where overparam's and the PyTorch script's mean
    final test errors peak, and whether the two peaks lie within one step of the width grid of
    each other (both curves without a peak agree too)."""
    curves = {}
    for who, rows in (("overparam", ours), ("peer", theirs)):
        for r in rows:
            curves.setdefault(series_key(r), {}).setdefault(who, {})[r["width"]] = \
                r["final_test_error"]
    out = []
    for key, c in sorted(curves.items()):
        a, b = c.get("overparam", {}), c.get("peer", {})
        widths = sorted(set(a) | set(b))
        pa = peak_width(a, min_rise) if a else None
        pb = peak_width(b, min_rise) if b else None
        agree = bool(a and b) and ((pa is None and pb is None) or (
            pa is not None and pb is not None and abs(widths.index(pa) - widths.index(pb)) <= 1))
        out.append({**dict(zip(SERIES, key)), "overparam_peak_width": pa,
                    "peer_peak_width": pb, "agree": agree,
                    "overparam_errors": [a.get(w) for w in widths],
                    "peer_errors": [b.get(w) for w in widths], "widths": widths})
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Standalone:
    """A Spark standalone master and N one-core workers on this machine, from the venv's Spark."""

    def __init__(self, workers, memory="3g"):
        self.workers, self.memory, self.procs = workers, memory, []
        self.dir = tempfile.mkdtemp(prefix="overparam-standalone-")

    def __enter__(self):
        venv_py = os.path.join(os.environ.get("OVERPARAM_VENV", os.path.join(ROOT, ".venv")),
                               "bin", "python")
        home = os.environ.get("SPARK_HOME") or subprocess.check_output(
            [venv_py, "-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"],
            text=True).strip()
        cls = os.path.join(home, "bin", "spark-class")
        env = dict(os.environ, SPARK_HOME=home, SPARK_LOCAL_IP="127.0.0.1",
                   SPARK_LOG_DIR=self.dir, SPARK_WORKER_DIR=self.dir)
        env.pop("OPENBLAS_CORETYPE", None)  # executors get it from the driver's session
        port = free_port()
        self.url = f"spark://127.0.0.1:{port}"
        self._start([cls, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                     "--port", str(port), "--webui-port", str(free_port())], env, "master")
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.5)
        for i in range(self.workers):
            self._start([cls, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                         "--cores", "1", "--memory", self.memory, "--webui-port",
                         str(free_port()), "--work-dir", os.path.join(self.dir, f"w{i}"),
                         self.url], env, f"worker{i}")
        return self

    def _start(self, cmd, env, name):
        f = open(os.path.join(self.dir, name + ".log"), "w")
        self.procs.append(subprocess.Popen(cmd, env=env, stdout=f, stderr=subprocess.STDOUT))

    def __exit__(self, *exc):
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def averaging(java, a, out):
    widths = ",".join(map(str, a.pa_widths))
    common = ["--widths", widths, "--n", a.n, "--epochs", a.pa_epochs, "--workers", 2,
              "--frequency", a.frequency]
    single, stacked, local, cluster = [], [], [], []
    for r in range(a.rounds):
        log(f"averaging round {r + 1}/{a.rounds}")
        # one process on DL4J's own loop (the earlier baseline) and on the stacked step, the
        # step a per-task run of this model and the averaging workers train with
        single += java("mlp", "--threads", CORES, "--widths", widths, "--n", a.n,
                       "--epochs", a.pa_epochs)
        stacked += java("mlp", "--threads", CORES, "--stack", 1, "--widths", widths,
                        "--n", a.n, "--epochs", a.pa_epochs)
        local += java("pa", *common, "--master", f"local[{CORES}]")
        if not a.no_cluster:
            with Standalone(2) as sa:
                cluster += java("pa", *common, "--master", sa.url,
                                "--spark.jars", java.jar, "--spark.cores.max", 2,
                                "--spark.executor.cores", 1, "--spark.executor.memory", "2g",
                                "--spark.scheduler.minRegisteredResourcesRatio", "1.0",
                                "--spark.scheduler.maxRegisteredResourcesWaitingTime", "60s",
                                heap="3g")
    out["averaging_raw"] = {"single": single, "stacked": stacked, "local": local,
                            "standalone": cluster}
    rows = []
    for w in a.pa_widths:
        s = median_epoch(single, w)
        row = {"width": w, "single_s": s, "local_s": median_epoch(local, w),
               "stacked_s": median_epoch(stacked, w)}
        row["local_ratio"] = row["local_s"] / s
        if cluster:
            row["standalone_s"] = median_epoch(cluster, w)
            row["standalone_ratio"] = row["standalone_s"] / s
            row["standalone_stacked_ratio"] = row["standalone_s"] / row["stacked_s"]
        rows.append(row)
    out["averaging"] = rows
    return rows


def analysis(java, a, out):
    """Pending until the analyze command exists; then 10M generated metric rows, timed."""
    import zipfile
    with zipfile.ZipFile(java.jar) as z:
        has = "org/overparam/cli/AnalyzeCommand.class" in z.namelist()
    if not has:
        out["analysis"] = {"pending": "the analyze command is not in this build"}
        return None
    root = tempfile.mkdtemp(prefix="overparam-bench-metrics-")
    try:
        run([sys.executable, os.path.join(HERE, "metrics_rows.py"), root, str(a.metric_rows)])
        t = time.time()
        subprocess.run(["java", "-Xmx8g", *os.environ.get("OVERPARAM_OPENS", "").split(),
                        f"-Dlog4j2.configurationFile={os.path.join(ROOT, 'conf', 'log4j2.properties')}",
                        "-cp", java.cp, "org.overparam.cli.Main", "analyze", "--results", root,
                        "--master", f"local[{CORES}]"], check=True, env=java.env,
                       stdout=subprocess.DEVNULL)
        secs = time.time() - t
        out["analysis"] = {"rows": a.metric_rows, "seconds": secs}
        return secs
    finally:
        shutil.rmtree(root, ignore_errors=True)


def gpt(java, a, out):
    """The gpt family's training step against PyTorch's, both sides alternating per round, at
    each thread count; the GEMM peak at that thread count measured in the same rounds."""
    shape = ["--depth", a.gpt_depth, "--heads", a.gpt_heads, "--context", a.gpt_context,
             "--batch", a.gpt_batch, "--vocabulary", a.gpt_vocabulary]
    common = ["--widths", ",".join(map(str, a.gpt_widths)), *shape, "--steps", a.gpt_steps,
              "--warmup", a.gpt_warmup]
    raw = {"dl4j": [], "torch": [], "numpy_gemm": [], "nd4j_gemm": []}
    for threads in a.gpt_threads:
        for r in range(a.rounds):
            log(f"gpt {threads} thread(s), round {r + 1}/{a.rounds}")
            raw["numpy_gemm"] += python_peer("gemm", "--sizes", "1024,2048", threads=threads)
            sides = [lambda: raw["dl4j"].extend(java("gpt", "--threads", threads, *common)),
                     lambda: raw["torch"].extend(python_peer("gpt", *common, threads=threads))]
            for side in (sides if r % 2 == 0 else sides[::-1]):
                side()
    out["gpt_raw"] = raw
    out["gpt"] = gpt_rows(raw, a.gpt_threads, a.gpt_widths)
    return out["gpt"]


def gpt_rows(raw, threads_list, widths):
    rows = []
    for threads in threads_list:
        peak = max(max(g["gflops"]) for g in raw["numpy_gemm"] if g["threads"] == threads)
        for w in widths:
            def steps(lib):
                xs = []
                for r in raw[lib]:
                    if r["threads"] == threads and r["width"] == w:
                        xs += r["step_seconds"]
                return xs
            d, t = steps("dl4j"), steps("torch")
            ref = next(r for r in raw["dl4j"] if r["threads"] == threads and r["width"] == w)
            tokens = ref["batch"] * ref["context"]
            row = {"threads": threads, "width": w, "params": ref["params"],
                   "flops_per_token": ref["flops_per_token"], "numpy_peak": peak,
                   "dl4j_tokens_s": tokens / statistics.median(d),
                   "dl4j_best_tokens_s": tokens / min(d)}
            row["dl4j_gflops"] = row["dl4j_tokens_s"] * ref["flops_per_token"] / 1e9
            row["dl4j_of_peak"] = row["dl4j_gflops"] / peak
            if t:
                row.update(torch_tokens_s=tokens / statistics.median(t),
                           torch_best_tokens_s=tokens / min(t))
                row["torch_gflops"] = row["torch_tokens_s"] * ref["flops_per_token"] / 1e9
                row["torch_of_peak"] = row["torch_gflops"] / peak
                row["dl4j_over_torch"] = row["dl4j_tokens_s"] / row["torch_tokens_s"]
                row["dl4j_over_torch_best"] = (row["dl4j_best_tokens_s"]
                                               / row["torch_best_tokens_s"])
            rows.append(row)
    return rows


# --- report -----------------------------------------------------------------------------------

def table(title, header, rows):
    print(f"\n{title}")
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(header)]
    print("  " + "  ".join(str(h).rjust(w) for h, w in zip(header, widths)))
    for r in rows:
        print("  " + "  ".join(str(c).rjust(w) for c, w in zip(r, widths)))


def f(x, d=2):
    return "-" if x is None else f"{x:.{d}f}"


def report(out):
    m = out["machine"]
    print(f"\noverparam benchmark  {m['date']}  jar built from {m.get('jar_commit', '?')}"
          f" (checkout {m['commit']})")
    print(f"machine: {m['cpu']}, {m['cores']} cores; OPENBLAS_CORETYPE={m['coretype']}; "
          f"load before {m['load_before']}, after {m.get('load_after', '?')}")
    if "gemm" in out:
        g = out["gemm"]
        print(f"float32 GEMM peak ({CORES} threads): numpy {g['numpy_peak']:.1f} GFLOP/s "
              f"({g['numpy'][0]['blas']}), ND4J {g['nd4j_peak']:.1f} GFLOP/s")
    if "hardware" in out:
        rows = out["hardware"]
        for r in rows:  # figures saved before best epochs were kept: recomputed from raw ones
            r.setdefault("dl4j_best_s", best_epoch(out["mlp"]["dl4j"], r["width"]))
            if out["mlp"]["torch"]:
                r.setdefault("torch_best_s", best_epoch(out["mlp"]["torch"], r["width"]))
                r.setdefault("torch_over_dl4j_best", r["torch_best_s"] / r["dl4j_best_s"])
        peer = "torch_s" in rows[0]
        table(f"a/b. MLP 784-w-10, batch 128, {out['args']['n']} samples/epoch, {CORES} threads "
              f"[goals: {GOALS['hardware']}; peer {GOALS['peer']}]",
              ["width", "params", "DL4J s/epoch", "(best)", "GFLOP/s", "/numpy peak",
               "/ND4J peak"] + (["torch s/epoch", "(best)", "torch/DL4J", "(best)"] if peer else []),
              [[r["width"], r["params"], f(r["dl4j_s"], 3), f(r["dl4j_best_s"], 3),
                f(r["dl4j_gflops"], 1), f(r["of_numpy_peak"]), f(r["of_nd4j_peak"])]
               + ([f(r["torch_s"], 3), f(r["torch_best_s"], 3), f(r["torch_over_dl4j"]),
                   f(r["torch_over_dl4j_best"])] if peer else []) for r in rows])
        print("  s/epoch: median over rounds and epochs (first epoch of each left out); (best): the"
              " fastest epoch. GFLOP/s and peak ratios from the median.")
        if rows and "stacked_s" in rows[0]:
            table(f"a'/b'. the same runs on the stacked step (a stack of one, as a sweep trains "
                  f"them), {CORES} threads",
                  ["width", "stacked s/epoch", "(best)", "/numpy peak", "DL4J/stacked"]
                  + (["torch/stacked"] if peer else []),
                  [[r["width"], f(r["stacked_s"], 3), f(r["stacked_best_s"], 3),
                    f(r["stacked_of_numpy_peak"]), f(r["dl4j_s"] / r["stacked_s"])]
                   + ([f(r.get("torch_over_stacked"))] if peer else []) for r in rows])
    if "sweep" in out:
        table(f"c. whole sweep on local[{CORES}] vs ideal (sum of one-core single-process run "
              f"times / {CORES}) [goal: {GOALS['sweep']}]",
              ["grid", "runs", "failed", "sweep s", "ideal s", "sweep/ideal", "spark start s",
               f"{CORES} at once/alone", "sweep/ceiling"],
              [[r["grid"], r["runs"], r["failed"], f(r["sweep_s"], 1), f(r["ideal_s"], 1),
                f(r["ratio"]), f(r["spark_start_s"], 1), f(r.get("together_over_alone")),
                f(r.get("ratio_to_ceiling"))] for r in out["sweep"]])
        if any("peer_s" in r for r in out["sweep"]):
            table(f"c'. whole sweep against the same grid as a plain PyTorch script ({CORES} "
                  f"processes x 1 thread, data read once per process) "
                  f"[goal: {GOALS['peer_sweep']}]",
                  ["grid", "overparam s", "PyTorch s", "PyTorch/overparam",
                   "PyTorch start s", "test-error peak width: overparam, PyTorch"],
                  [[r["grid"], f(r["sweep_s"], 1), f(r.get("peer_s"), 1),
                    f(r.get("peer_over_overparam")), f(r.get("peer_start_s"), 1),
                    peaks_cell(r.get("peaks", []))] for r in out["sweep"]])
            print("  Both timed without start-up (overparam: JVM, Spark, data; PyTorch: processes, "
                  "imports, data). Peak: the width standing highest above the least test error "
                  "at a smaller width, by more than a standard error; '-': none.")
        print(f"  {CORES} at once/alone: the ideal's runs in {CORES} one-thread processes started "
              "together (no Spark), time per process against one alone: what sharing the "
              "machine's cores, caches and memory bandwidth costs. sweep/ceiling: the sweep "
              "against that.")
    if "averaging" in out:
        rows = out["averaging"]
        table(f"d. parameter averaging, 2 workers, averaging frequency {out['args']['frequency']},"
              f" s/epoch vs single process on {CORES} threads [goal: {GOALS['averaging']}]",
              ["width", "single s (DL4J loop)", "(stacked step)", f"local[{CORES}] s", "ratio",
               "standalone s", "ratio", "ratio to stacked"],
              [[r["width"], f(r["single_s"], 3), f(r.get("stacked_s"), 3), f(r["local_s"], 3),
                f(r["local_ratio"]), f(r.get("standalone_s"), 3), f(r.get("standalone_ratio")),
                f(r.get("standalone_stacked_ratio"))] for r in rows])
    if "gpt" in out:
        a = out["args"]
        table(f"f. gpt training step, depth {a['gpt_depth']}, {a['gpt_heads']} heads, context "
              f"{a['gpt_context']}, batch {a['gpt_batch']}, vocabulary {a['gpt_vocabulary']}, "
              f"Adam [goal: {GOALS['gpt']}]",
              ["threads", "width", "params", "DL4J tok/s", "(best)", "torch tok/s", "(best)",
               "DL4J/torch", "(best)", "DL4J GFLOP/s", "/peak", "torch /peak", "numpy peak"],
              [[r["threads"], r["width"], r["params"], f(r["dl4j_tokens_s"], 0),
                f(r["dl4j_best_tokens_s"], 0), f(r.get("torch_tokens_s"), 0),
                f(r.get("torch_best_tokens_s"), 0), f(r.get("dl4j_over_torch")),
                f(r.get("dl4j_over_torch_best")), f(r["dl4j_gflops"], 2),
                f(r["dl4j_of_peak"], 3), f(r.get("torch_of_peak"), 3), f(r["numpy_peak"], 1)]
               for r in out["gpt"]])
        print("  tok/s: predicted tokens per second from the median step over rounds (warm-up "
              "steps left out); (best): the fastest step. GFLOP/s: tok/s x (6 N + 12 x depth x "
              "context x width); peak: numpy's float32 GEMM at the same thread count.")
    if "analysis" in out:
        an = out["analysis"]
        print(f"\ne. analysis [goal: {GOALS['analysis']}]: "
              + (f"PENDING ({an['pending']})" if "pending" in an
                 else f"{an['rows']:,} metric rows analysed in {an['seconds']:.1f} s"))


def peaks_cell(peaks):
    """Each curve's two peak widths ("-": none), named by the axes whose values differ between
    the grid's curves (label noise in sweep-wide.yaml), DIFFER where they do not agree."""
    axes = [k for k in SERIES if len({p.get(k) for p in peaks}) > 1]
    return "; ".join(
        "".join(f"{k} {p[k]} " for k in axes)
        + f"{p['overparam_peak_width'] or '-'}, {p['peer_peak_width'] or '-'}"
        + ("" if p["agree"] else " DIFFER") for p in peaks)


def jar_commit(jar):
    """The commit the measured jar was built from, as its build stamped it (with --jar the
    checkout's HEAD says nothing about what ran)."""
    try:
        with zipfile.ZipFile(jar) as z:
            props = dict(l.split("=", 1) for l in
                         z.read("overparam-build.properties").decode().splitlines() if "=" in l)
        commit = props.get("git.commit.id", "unknown")[:12]
        return commit + ("+dirty" if props.get("git.dirty") == "true" else "")
    except (OSError, KeyError, zipfile.BadZipFile):
        return "unknown"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(l.split(":", 1)[1].strip() for l in fh if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        commit = subprocess.check_output(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"],
                                         text=True).strip()
        if subprocess.run(["git", "-C", ROOT, "diff", "--quiet", "HEAD"]).returncode != 0:
            commit += "+dirty"
    except Exception:
        commit = "unknown"
    return {"cpu": cpu, "cores": CORES, "date": datetime.datetime.now().isoformat(" ", "minutes"),
            "commit": commit, "coretype": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
            "load_before": load()}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sections", default=",".join(SECTIONS))
    p.add_argument("--rounds", type=int, default=2, help="alternations of compared runs")
    p.add_argument("--sweep-rounds", type=int, default=1)
    p.add_argument("--widths", type=lambda s: [int(v) for v in s.split(",")],
                   default=[16, 64, 256, 1024, 4096])
    p.add_argument("--pa-widths", type=lambda s: [int(v) for v in s.split(",")],
                   default=[1024, 4096])
    p.add_argument("--n", type=int, default=8192, help="training samples per epoch")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--pa-epochs", type=int, default=3)
    p.add_argument("--frequency", type=int, default=0,
                   help="averaging frequency (0: the product default, once per epoch)")
    p.add_argument("--metric-rows", type=int, default=10_000_000)
    p.add_argument("--gpt-widths", type=lambda s: [int(v) for v in s.split(",")],
                   default=[32, 64, 128])
    p.add_argument("--gpt-threads", type=lambda s: [int(v) for v in s.split(",")],
                   default=sorted({1, CORES}))
    p.add_argument("--gpt-depth", type=int, default=2)
    p.add_argument("--gpt-heads", type=int, default=4)
    p.add_argument("--gpt-context", type=int, default=64)
    p.add_argument("--gpt-batch", type=int, default=32)
    p.add_argument("--gpt-vocabulary", type=int, default=63)
    p.add_argument("--gpt-steps", type=int, default=30, help="timed steps per size and round")
    p.add_argument("--gpt-warmup", type=int, default=8)
    p.add_argument("--jar", default=os.path.join(TARGET, "overparam.jar"))
    p.add_argument("--no-cluster", action="store_true", help="skip the standalone cluster")
    p.add_argument("--bench-grids-only", action="store_true",
                   help="use bench/grids even where conf/experiments/quickstart.yaml exists")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="environment of the Java probes (KEY= unsets)")
    p.add_argument("--report", metavar="JSON", help="print the table of a saved run and stop")
    a = p.parse_args()
    if a.report:
        with open(a.report) as fh:
            report(json.load(fh))
        return
    sections = a.sections.split(",")
    env = dict(os.environ)
    for kv in a.env:
        k, v = kv.split("=", 1)
        env[k] = v if v else None
    java = Java(os.path.abspath(a.jar), env)
    out = {"machine": machine(), "args": vars(a)}
    out["machine"]["jar_commit"] = jar_commit(java.jar)
    if env.get("OPENBLAS_CORETYPE") is None:
        out["machine"]["coretype"] = "(unset)"
    t0 = time.time()
    os.makedirs(os.path.join(TARGET, "bench"), exist_ok=True)
    path = os.path.join(TARGET, "bench",
                        f"bench-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}.json")
    steps = [("hardware", lambda: hardware_and_peer(java, a, out, peer="peer" in sections)),
             ("sweep", lambda: sweep(java, a, out)),
             ("averaging", lambda: averaging(java, a, out)),
             ("analysis", lambda: analysis(java, a, out)),
             ("gpt", lambda: gpt(java, a, out))]
    for name, step in steps:
        if name in sections or (name == "hardware" and "peer" in sections):
            try:
                step()
            except Exception as e:  # one broken section must not lose the others' figures
                log(f"section {name} failed: {e}")
                out.setdefault("errors", {})[name] = str(e)
            with open(path, "w") as fh:
                json.dump(out, fh, indent=1)
    out["machine"]["load_after"] = load()
    out["seconds"] = time.time() - t0
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)
    report(out)
    for name, err in out.get("errors", {}).items():
        print(f"\nsection {name} FAILED: {err}")
    print(f"\n({out['seconds']:.0f} s; raw figures in {os.path.relpath(path, ROOT)})")


if __name__ == "__main__":
    main()
