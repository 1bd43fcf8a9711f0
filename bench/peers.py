"""What a user would run instead: numpy's float32 GEMM and the same MLP trained by PyTorch.

Each probe prints lines ``BENCH {json}`` like the Java probes (bench/java), for bench/run.py.

  python peers.py gemm  --threads T --sizes 1024,2048 --reps 5
  python peers.py torch --threads T --widths 16,64 --n 8192 --epochs 4 [--batch 128]
  python peers.py gpt   --threads T --widths 32,64,128 --depth 2 --heads 4 --context 64
                        --batch 32 --vocabulary 63 --steps 40 --warmup 8
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


def idx(name):
    """Reads one gzipped (or plain) IDX file of Debian's dataset-fashion-mnist as uint8."""
    import numpy as np

    path = os.path.join(FASHION, name)
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("probe", choices=["gemm", "torch", "gpt"])
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
    args = p.parse_args()
    {"gemm": gemm, "torch": torch_mlp, "gpt": torch_gpt}[args.probe](args)


if __name__ == "__main__":
    sys.exit(main())
