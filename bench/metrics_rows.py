"""Writes a results root holding N generated metric rows, in the layout and schemas of
results/MetricsTable.java and results/RunsTable.java, for timing the analyze command.

  python metrics_rows.py ROOT N [--epochs 500]

Runs: a double-descent-shaped grid (widths x train sizes x noise x seeds), each evaluated every
epoch; losses follow a smooth curve with noise, so the analysis has real work to do. Rows are
written 100 runs to a file (the reader takes any number of files per partition).
"""
import argparse
import json
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

EXPERIMENT = "bench-analysis"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("root")
    p.add_argument("rows", type=int)
    p.add_argument("--epochs", type=int, default=500)
    p.add_argument("--runs-per-file", type=int, default=100)
    a = p.parse_args()
    runs = max(1, a.rows // a.epochs)
    rng = np.random.default_rng(0)
    widths = [2 ** k for k in range(2, 12)]
    sizes = [1000, 2000, 4000, 8000]
    noises = [0.0, 0.1, 0.2]
    grid = [(w, n, z) for w in widths for n in sizes for z in noises]
    metrics_dir = os.path.join(a.root, "metrics", f"experiment={EXPERIMENT}")
    runs_dir = os.path.join(a.root, "runs", f"experiment={EXPERIMENT}")
    os.makedirs(metrics_dir)
    os.makedirs(runs_dir)
    open(os.path.join(a.root, "_OVERPARAM"), "w").close()
    epoch = np.arange(1, a.epochs + 1, dtype=np.int32)
    for f0 in range(0, runs, a.runs_per_file):
        mcols, rcols = {}, {}
        for r in range(f0, min(runs, f0 + a.runs_per_file)):
            w, n, z = grid[r % len(grid)]
            seed = r // len(grid)
            params = 785 * w + w * 10 + 10
            run_id = f"{r:016x}"
            peak = 1.0 / (1.0 + abs(np.log2(params / (n * 10))))  # test error bumps near p ~ 10 n
            test_err = 0.1 + z * 0.5 * peak + 0.3 * np.exp(-epoch / 50) \
                + rng.normal(0, 0.005, a.epochs)
            train_err = np.maximum(0, z * (1 - np.minimum(1, params / (n * 20)))
                                   + 0.3 * np.exp(-epoch / 30) + rng.normal(0, 0.003, a.epochs))
            cols = {
                "run_id": [run_id] * a.epochs, "dataset": ["fashion-mnist:bench"] * a.epochs,
                "family": ["mlp"] * a.epochs, "depth": np.full(a.epochs, 1, np.int32),
                "width": np.full(a.epochs, w, np.int32), "params": np.full(a.epochs, params),
                "flops_per_example": np.full(a.epochs, 6 * params),
                "train_size": np.full(a.epochs, n, np.int32),
                "label_noise": np.full(a.epochs, z), "weight_decay": np.zeros(a.epochs),
                "dropout": np.zeros(a.epochs), "seed": np.full(a.epochs, seed),
                "optimizer": ["adam"] * a.epochs, "learning_rate": np.full(a.epochs, 1e-3),
                "batch_size": np.full(a.epochs, 128, np.int32),
                "strategy": ["per-task"] * a.epochs,
                "epochs": np.full(a.epochs, a.epochs, np.int32), "epoch": epoch,
                "train_loss": train_err * 2.3, "train_error": train_err,
                "test_loss": test_err * 2.3, "test_error": test_err,
                "epoch_seconds": np.full(a.epochs, 0.1),
                "samples_per_second": np.full(a.epochs, n / 0.1),
                "eval_seconds": np.full(a.epochs, 0.01),
                "compute_flops": 6.0 * params * n * epoch,
                "status": ["completed"] * a.epochs,
            }
            for k, v in cols.items():
                mcols.setdefault(k, []).append(np.asarray(v))
            config = json.dumps({"width": w, "train_size": n, "label_noise": z, "seed": seed},
                                sort_keys=True)
            for k, v in {
                "run_id": run_id, "status": "completed", "message": "", "strategy": "per-task",
                "params": params, "epochs_planned": a.epochs, "epochs_recorded": a.epochs,
                "last_epoch": a.epochs, "final_test_error": float(test_err[-1]),
                "started_at": 1_767_225_600_000_000, "ended_at": 1_767_225_660_000_000,
                "seconds": 60.0,
                "config_json": config, "config_hash": f"{hash(config) & (2**64 - 1):016x}",
                "data": "fashion-mnist:bench", "git_commit": "bench", "version": "bench",
                "backend": "CpuBackend", "device": "cpu", "host": "bench",
                "spark_master": "local[2]", "spark_app_id": "bench",
            }.items():
                rcols.setdefault(k, []).append(v)
        mt = pa.table({k: np.concatenate(v) for k, v in mcols.items()})
        pq.write_table(mt, os.path.join(metrics_dir, f"part-{f0:08d}.parquet"))
        rt = pa.table({k: pa.array(v, type=pa.timestamp("us", tz="UTC"))
                       if k in ("started_at", "ended_at") else v for k, v in rcols.items()})
        pq.write_table(rt, os.path.join(runs_dir, f"part-{f0:08d}.parquet"))
    print(f"BENCH {json.dumps({'probe': 'metrics', 'rows': runs * a.epochs, 'runs': runs})}")


if __name__ == "__main__":
    main()
