"""What a user would run instead: numpy's float32 GEMM and the same MLP trained by PyTorch.

Each probe prints lines ``BENCH {json}`` like the Java probes (bench/java), for bench/run.py.

  python peers.py gemm  --threads T --sizes 1024,2048 --reps 5
  python peers.py torch --threads T --widths 16,64 --n 8192 --epochs 4 [--batch 128]
  python peers.py gpt   --threads T --widths 32,64,128 --depth 2 --heads 4 --context 64
                        --batch 32 --vocabulary 63 --steps 40 --warmup 8
  python peers.py sweep --yaml conf/experiments/quickstart.yaml --processes 2
"""
import argparse
import gzip
import json
import os
import sys
import time

FASHION = "/usr/share/datasets/fashion-mnist"


def emit(probe, **fields):
    print("BENCH " + json.dumps({"probe": probe, **fields}), flush=True)


def gemm(args):
    # The thread count must be fixed before numpy loads OpenBLAS.
    import numpy as np

    for size in args.sizes:
        rng = np.random.default_rng(0)
        a = rng.random((size, size), dtype=np.float32)
        b = rng.random((size, size), dtype=np.float32)
        a @ b
        gflops = []
        for _ in range(args.reps):
            t = time.perf_counter()
            a @ b
            gflops.append(2.0 * size ** 3 / (time.perf_counter() - t) / 1e9)
        emit("gemm", lib="numpy " + np.__version__, threads=args.threads, size=size,
             gflops=gflops, blas=blas_name(np))


def blas_name(np):
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older numpy: not essential
        return "unknown"


def idx(name, folder=FASHION):
    """Reads one gzipped (or plain) IDX file of Debian's dataset-fashion-mnist as uint8."""
    import numpy as np

    path = os.path.join(folder, name)
    opener = gzip.open if os.path.exists(path + ".gz") else open
    with opener(path + ".gz" if opener is gzip.open else path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def torch_mlp(args):
    """The per-task loop of overparam in PyTorch: 784-w-10 ReLU MLP, softmax cross-entropy,
    Adam 1e-3, a fresh permutation each epoch, then loss and error on the training set."""
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    images = idx("train-images-idx3-ubyte")[: args.n].reshape(args.n, -1)
    x = torch.from_numpy(images.astype(np.float32) / 255.0)
    y = torch.from_numpy(idx("train-labels-idx1-ubyte")[: args.n].astype(np.int64))
    for width in args.widths:
        model = torch.nn.Sequential(torch.nn.Linear(784, width), torch.nn.ReLU(),
                                    torch.nn.Linear(width, 10))
        params = sum(p.numel() for p in model.parameters())
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()
        seconds = []
        for _ in range(args.epochs):
            t = time.perf_counter()
            perm = torch.randperm(args.n)
            xs, ys = x[perm], y[perm]
            for start in range(0, args.n, args.batch):
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(xs[start:start + args.batch]), ys[start:start + args.batch])
                loss.backward()
                opt.step()
            seconds.append(time.perf_counter() - t)
            with torch.no_grad():  # evaluated like overparam does, not timed
                loss_fn(model(x), y).item()
        emit("mlp", lib="torch " + torch.__version__, threads=args.threads, width=width,
             params=params, n=args.n, batch=args.batch, epoch_seconds=seconds)


def torch_gpt(args):
    """overparam's gpt family as a plain nn.Module: token and learned position embeddings,
    pre-LayerNorm blocks of causal multi-head attention (fused query/key/value projection,
    PyTorch's scaled_dot_product_attention with is_causal) and a 4 x width tanh-GELU MLP, a final
    LayerNorm and a linear softmax layer; cross-entropy at every position, Adam. Each training
    step on a minibatch of random windows is timed."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    class Block(nn.Module):
        def __init__(self, d, heads):
            super().__init__()
            self.heads = heads
            self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
            self.fc, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

        def forward(self, x):
            b, t, d = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
            q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2)
                       for z in (q, k, v))
            a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(a.transpose(1, 2).reshape(b, t, d))
            return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))

    class Gpt(nn.Module):
        def __init__(self, vocabulary, context, d, depth, heads):
            super().__init__()
            self.tok = nn.Embedding(vocabulary, d)
            self.pos = nn.Parameter(torch.randn(context, d) * 0.01)
            self.blocks = nn.Sequential(*[Block(d, heads) for _ in range(depth)])
            self.ln = nn.LayerNorm(d)
            self.head = nn.Linear(d, vocabulary)

        def forward(self, idx):
            return self.head(self.ln(self.blocks(self.tok(idx) + self.pos)))

    g = torch.Generator().manual_seed(0)
    batches = [(torch.randint(args.vocabulary, (args.batch, args.context), generator=g),
                torch.randint(args.vocabulary, (args.batch, args.context), generator=g))
               for _ in range(4)]
    for width in args.widths:
        model = Gpt(args.vocabulary, args.context, width, args.depth, args.heads)
        params = sum(p.numel() for p in model.parameters())
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        seconds = []
        for s in range(args.warmup + args.steps):
            x, y = batches[s % len(batches)]
            t = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x).view(-1, args.vocabulary), y.view(-1))
            loss.backward()
            opt.step()
            if s >= args.warmup:
                seconds.append(time.perf_counter() - t)
        emit("gpt", lib="torch " + torch.__version__, threads=args.threads, width=width,
             depth=args.depth, heads=args.heads, context=args.context, batch=args.batch,
             vocabulary=args.vocabulary, params=params, step_seconds=seconds)


# --- sweep: an overparam grid as the plain PyTorch script a researcher would write ------------

# The grid axes a run varies along besides width and seed: one curve per value of these, named
# as overparam's metrics table names its columns so the two can be matched.
SERIES = ("optimizer", "learning_rate", "batch_size", "train_size", "label_noise",
          "weight_decay", "dropout", "depth")


def grid_runs(cfg, path):
    """The runs of an overparam experiment file (mlp on fashion-mnist), as a researcher's loop
    over its axes would list them, widest first so the pool ends evenly."""
    def listed(v):
        return v if isinstance(v, list) else [v]

    model, data, opt = cfg.get("model") or {}, cfg.get("dataset") or {}, cfg.get("optimizer") or {}
    if model.get("family", "mlp") != "mlp" or data.get("kind") != "fashion-mnist":
        raise SystemExit(f"{path}: the peer sweep covers model.family mlp on dataset.kind "
                         f"fashion-mnist only (this file: {model.get('family', 'mlp')} on "
                         f"{data.get('kind')})")
    if any(a for a in listed(cfg.get("augmentation", 0))) or cfg.get("distillation"):
        raise SystemExit(f"{path}: augmentation and distillation are not in the peer sweep")
    runs = []
    for kind in listed(opt.get("kind", "adam")):
        lr = opt.get("learning_rate", 0.001)
        for rate in listed(lr[kind] if isinstance(lr, dict) else lr):
            for batch in listed(opt.get("batch_size", 128)):
                for n in listed(cfg["train_sizes"]):
                    for noise in listed(cfg.get("label_noise", [0.0])):
                        for wd in listed(cfg.get("weight_decay", [0.0])):
                            for dropout in listed(cfg.get("dropout", [0.0])):
                                for depth in listed(model.get("depths", [1])):
                                    for width in listed(model["widths"]):
                                        for seed in listed(cfg.get("seeds", [0])):
                                            runs.append(dict(
                                                optimizer=kind, learning_rate=rate,
                                                batch_size=batch, train_size=n,
                                                label_noise=noise, weight_decay=wd,
                                                dropout=dropout, depth=depth, width=width,
                                                seed=seed))
    return sorted(runs, key=lambda r: -r["width"] * r["depth"])


_DATA = {}


def _sweep_init(cfg, ready):
    """Once per process: one thread, the training and test images read once, scaled to [0, 1];
    then wait at ``ready`` until every process is up, so that start-up is timed apart."""
    import threading

    import numpy as np
    import torch

    torch.set_num_threads(1)
    data = cfg["dataset"]
    folder = data.get("path", FASHION)
    test_n = data.get("test_size", 10000)
    x = idx("train-images-idx3-ubyte", folder).reshape(60000, -1).astype(np.float32) / 255.0
    _DATA["x"], _DATA["y"] = x, idx("train-labels-idx1-ubyte", folder).astype(np.int64)
    tx = idx("t10k-images-idx3-ubyte", folder)[:test_n].reshape(test_n, -1)
    _DATA["tx"] = torch.from_numpy(tx.astype(np.float32) / 255.0)
    _DATA["ty"] = torch.from_numpy(idx("t10k-labels-idx1-ubyte", folder)[:test_n]
                                   .astype(np.int64))
    _DATA["cfg"] = cfg
    try:
        ready.wait(timeout=600)
    except threading.BrokenBarrierError:  # a process the pool started again later waits alone
        pass


def _mlp(r):
    """depth ReLU layers (He-initialised, zero biases; dropout on each hidden layer's output,
    i.e. on the input of every layer after the first), then a Xavier-initialised output layer."""
    import torch

    layers, d = [], 784
    for _ in range(r["depth"]):
        lin = torch.nn.Linear(d, r["width"])
        torch.nn.init.normal_(lin.weight, 0.0, (2.0 / d) ** 0.5)
        layers += [lin, torch.nn.ReLU()]
        if r["dropout"] > 0:
            layers.append(torch.nn.Dropout(r["dropout"]))
        d = r["width"]
    out = torch.nn.Linear(d, 10)
    torch.nn.init.normal_(out.weight, 0.0, (2.0 / (d + 10)) ** 0.5)
    model = torch.nn.Sequential(*layers, out)
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.zeros_(m.bias)
    return model


def _compress(model, comp, evaluate):
    """overparam's compression passes: at sparsity 0 and each listed one, the weights of least
    magnitude zeroed under one threshold over all weight matrices (biases kept), then, if asked,
    every matrix rounded to 8-bit levels of its own scale (max |w| / 127); each variant evaluated
    on the test set and the trained weights restored. {variant: test error}."""
    import torch

    weights = [p for p in model.parameters() if p.dim() == 2]
    dense = [w.detach().clone() for w in weights]
    total = sum(w.numel() for w in weights)
    out = {}
    with torch.no_grad():
        for sparsity in [0.0] + list(comp.get("sparsities", [])):
            for int8 in [False, True] if comp.get("quantize_int8") else [False]:
                k = int(sparsity * total)
                if k > 0:
                    cut = torch.cat([w.abs().flatten() for w in weights]).kthvalue(k).values
                    for w in weights:
                        w[w.abs() <= cut] = 0
                if int8:
                    for w in weights:
                        scale = w.abs().max() / 127
                        if scale > 0:
                            w.copy_(torch.round(w / scale).clamp(-127, 127) * scale)
                name = ("prune-" + str(sparsity) if sparsity > 0 else "") + \
                    ("+int8" if int8 and sparsity > 0 else "int8" if int8 else "")
                out[name or "dense"] = evaluate()[1]
                for w, v in zip(weights, dense):
                    w.copy_(v)
    return out


def _sweep_run(r):
    """One run, doing overparam's work: a seeded training subset with round(noise x n) labels
    flipped to a uniformly drawn wrong class, the MLP trained with the file's optimiser (Adam, or
    SGD with Nesterov momentum), rate, batch, epochs and decoupled weight decay on the weights,
    each epoch a fresh permutation; loss and error on the whole training and test sets every
    eval_every epochs and after the last; then the compression passes."""
    import numpy as np
    import torch

    cfg = _DATA["cfg"]
    t0 = time.perf_counter()
    n = r["train_size"]
    rng = np.random.default_rng(r["seed"])
    pick = rng.choice(60000, n, replace=False)
    y = _DATA["y"][pick].copy()
    flip = rng.permutation(n)[:int(round(r["label_noise"] * n))]
    y[flip] = (y[flip] + rng.integers(1, 10, len(flip))) % 10
    x, y = torch.from_numpy(_DATA["x"][pick]), torch.from_numpy(y)
    torch.manual_seed(r["seed"])
    model = _mlp(r)
    o = cfg.get("optimizer") or {}
    lr = r["learning_rate"]
    if o.get("reference_width"):
        lr = lr * o["reference_width"] / r["width"]
    if r["optimizer"] == "sgd":
        mom = o.get("momentum", 0.9)
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=mom, nesterov=mom > 0)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    decayed = [p for p in model.parameters() if p.dim() == 2]
    shrink = 1.0 - lr * r["weight_decay"]
    loss_fn = torch.nn.CrossEntropyLoss()

    def evaluate(xs=_DATA["tx"], ys=_DATA["ty"]):
        model.eval()
        with torch.no_grad():
            out = model(xs)
            res = loss_fn(out, ys).item(), (out.argmax(1) != ys).float().mean().item()
        model.train()
        return res

    epochs, every = cfg["epochs"], cfg.get("eval_every", 1)
    batch = r["batch_size"]
    curve = []
    for epoch in range(1, epochs + 1):
        perm = torch.randperm(n)
        for start in range(0, n, batch):
            b = perm[start:start + batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[b]), y[b]).backward()
            opt.step()
            if shrink != 1.0:
                with torch.no_grad():
                    for p in decayed:
                        p.mul_(shrink)
        if epoch % every == 0 or epoch == epochs:
            curve.append((epoch, *evaluate(x, y), *evaluate()))
    comp = _compress(model, cfg["compression"], evaluate) if cfg.get("compression") else {}
    return dict(r, final_train_error=curve[-1][2], final_test_error=curve[-1][4],
                evaluations=len(curve), compression_variants=len(comp),
                seconds=time.perf_counter() - t0)


def final_curves(results):
    """Mean final test and train error over seeds, per series (SERIES) and width."""
    by = {}
    for d in results:
        by.setdefault(tuple(d[k] for k in SERIES + ("width",)), []).append(d)
    return [dict(zip(SERIES + ("width",), key), seeds=len(ds),
                 final_test_error=sum(d["final_test_error"] for d in ds) / len(ds),
                 final_train_error=sum(d["final_train_error"] for d in ds) / len(ds))
            for key, ds in sorted(by.items())]


def torch_sweep(args):
    """A whole overparam grid as a plain PyTorch script: one process per core, one thread each,
    the data read once per process, every run of the grid handed to the pool. ``seconds`` counts
    the runs, from the moment every process holds its data to the last result, as overparam's
    sweep probe counts Sweep.run without JVM, Spark and data start-up; ``start_seconds`` is that
    start-up here (processes, imports, data)."""
    import multiprocessing as mp
    import yaml

    if not args.yaml:
        raise SystemExit("peers.py sweep: --yaml FILE is required")
    with open(args.yaml) as fh:
        cfg = yaml.safe_load(fh)
    runs = grid_runs(cfg, args.yaml)
    import torch

    ctx = mp.get_context("spawn")
    ready = ctx.Barrier(args.processes + 1)
    t0 = time.perf_counter()
    with ctx.Pool(args.processes, initializer=_sweep_init, initargs=(cfg, ready)) as pool:
        ready.wait()
        t1 = time.perf_counter()
        done = list(pool.imap_unordered(_sweep_run, runs, chunksize=1))
        seconds = time.perf_counter() - t1
    emit("peer_sweep", lib="torch " + torch.__version__, grid=args.yaml,
         experiment=cfg.get("name"), runs=len(done), processes=args.processes, seconds=seconds,
         start_seconds=t1 - t0, curve=final_curves(done), results=done)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("probe", choices=["gemm", "torch", "gpt", "sweep"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--sizes", type=lambda s: [int(v) for v in s.split(",")], default=[1024, 2048])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--widths", type=lambda s: [int(v) for v in s.split(",")],
                   default=[16, 64, 256, 1024, 4096])
    p.add_argument("--n", type=int, default=8192)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--context", type=int, default=64)
    p.add_argument("--vocabulary", type=int, default=63)
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--warmup", type=int, default=8)
    p.add_argument("--yaml", help="sweep: the experiment file")
    p.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = p.parse_args()
    {"gemm": gemm, "torch": torch_mlp, "gpt": torch_gpt, "sweep": torch_sweep}[args.probe](args)


if __name__ == "__main__":
    sys.exit(main())
