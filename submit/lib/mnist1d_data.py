"""Writes MNIST-1D (Greydanus 2020) as two .npz files, generated offline by the mnist1d package.

    python submit/lib/mnist1d_data.py OUT_DIR

The data are made by the package's own generator (mnist1d.data.make_dataset) from its built-in
digit templates at the paper's default settings (get_dataset_args(): 5,000 examples, 80% for
training, 40 points per sequence, seed 42), never by get_dataset, which downloads a pickle.
OUT_DIR/train.npz and OUT_DIR/test.npz each hold `x` (float64, one example a row, as generated:
the generator already centres the whole set and scales it to unit variance) and `y` (int64 class
indices 0..9). Files already there are left alone; new ones are written whole and renamed into
place, so an interrupted run leaves no partial file.
"""
import os
import sys

TRAIN, TEST, LENGTH, CLASSES = 4000, 1000, 40, 10


def main(out):
    """Writes OUT/train.npz and OUT/test.npz unless both are there."""
    paths = {split: os.path.join(out, split + ".npz") for split in ("train", "test")}
    if all(os.path.isfile(p) for p in paths.values()):
        return
    import numpy as np
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    data = make_dataset(args)
    arrays = {"train": (data["x"], data["y"]), "test": (data["x_test"], data["y_test"])}
    for split, n in (("train", TRAIN), ("test", TEST)):
        x, y = arrays[split]
        ok = (x.shape == (n, LENGTH) and y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
              and set(np.unique(y).tolist()) == set(range(CLASSES)) and np.isfinite(x).all())
        if not ok:  # another mnist1d version, or other defaults: say so instead of writing
            sys.exit(f"setup: error: MNIST-1D {split} split is x {x.shape}, y {y.shape} "
                     f"{y.dtype}, labels {np.unique(y).tolist()}; expected x ({n}, {LENGTH}), "
                     f"y ({n},) of classes 0..{CLASSES - 1}, finite")
    os.makedirs(out, exist_ok=True)
    for split, (x, y) in arrays.items():
        tmp = paths[split] + ".tmp.npz"  # savez appends .npz to names without it
        np.savez(tmp, x=x, y=y.astype(np.int64))
        os.replace(tmp, paths[split])
    print(f"setup: wrote MNIST-1D to {out}/: train {arrays['train'][0].shape}, "
          f"test {arrays['test'][0].shape}, {CLASSES} classes (seed {args.seed})", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/mnist1d")
