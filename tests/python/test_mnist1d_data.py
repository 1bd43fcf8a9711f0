"""submit/lib/mnist1d_data.py: MNIST-1D generated offline by the mnist1d package, as setup runs it."""
import os
import subprocess
import sys

import numpy as np
import pytest

try:
    import mnist1d  # noqa: F401
except ImportError:
    pytest.fail("no mnist1d package in this environment: run submit/setup (requirements.txt)",
                pytrace=False)

# Runs the script with every network connection refused, so a download attempt fails the test.
OFFLINE = """
import runpy, socket, sys
def refuse(*args, **kwargs):
    raise OSError("network access during MNIST-1D generation")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def generate(root, out):
    script = str(root / "submit" / "lib" / "mnist1d_data.py")
    return subprocess.run([sys.executable, "-c", OFFLINE, script, str(out)],
                          capture_output=True, text=True, timeout=300)


def test_writes_the_papers_default_split_once_and_offline(root, tmp_path):
    out = tmp_path / "mnist1d"
    r = generate(root, out)
    assert r.returncode == 0, r.stderr
    assert "train (4000, 40), test (1000, 40), 10 classes (seed 42)" in r.stderr
    train, test = np.load(out / "train.npz"), np.load(out / "test.npz")
    assert sorted(train.files) == ["x", "y"]
    assert train["x"].shape == (4000, 40) and test["x"].shape == (1000, 40)
    assert train["x"].dtype == np.float64 and train["y"].dtype == np.int64
    assert set(np.unique(train["y"])) == set(range(10)) == set(np.unique(test["y"]))
    both = np.concatenate([train["x"], test["x"]])
    assert abs(both.mean()) < 1e-9 and abs(both.std() - 1) < 1e-9  # as the generator scales

    # The package's generator at its defaults: what get_dataset_args() says, computed again.
    from mnist1d.data import get_dataset_args, make_dataset
    args = get_dataset_args()
    assert (args.num_samples, args.train_split, args.final_seq_length, args.seed) == \
        (5000, 0.8, 40, 42)
    again = make_dataset(get_dataset_args())
    np.testing.assert_array_equal(again["x"], train["x"])
    np.testing.assert_array_equal(again["y_test"], test["y"])

    # Files already there are left alone.
    before = {p: os.stat(out / p).st_mtime_ns for p in ("train.npz", "test.npz")}
    r = generate(root, out)
    assert r.returncode == 0 and r.stderr == ""
    assert {p: os.stat(out / p).st_mtime_ns for p in before} == before
    assert sorted(os.listdir(out)) == ["test.npz", "train.npz"]  # no temporary file left


def test_setup_generates_it(root):
    setup = (root / "submit" / "setup").read_text()
    assert '"$OVERPARAM_VENV/bin/python" submit/lib/mnist1d_data.py data/mnist1d' in setup
