"""Both notebooks run top to bottom with papermill on the results of a tiny sweep and draw their
plots next to the executed notebook."""
import csv
import math
import subprocess

import papermill
import pytest

EXPERIMENT = """
name: notebooks
dataset: {kind: teacher-student, input_dim: 12, classes: 3, test_size: 200}
train_sizes: [100, 200]
label_noise: [0.1]
model: {family: mlp, depths: [1], widths: [2, 4, 8, 16, 32, 64]}
optimizer: {kind: sgd, learning_rate: 0.05, batch_size: 25}
epochs: 4
seeds: [0, 1]
strategy: {kind: per-task}
"""
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def results(tmp_path_factory, overparam):
    tmp = tmp_path_factory.mktemp("notebooks")
    exp = tmp / "notebooks.yaml"
    exp.write_text(EXPERIMENT)
    out = tmp / "results"
    subprocess.run([overparam, "train", str(exp), "--results", str(out), "--master", "local[2]",
                    "--no-report"], check=True)
    return out


def run_notebook(root, name, results, out, monkeypatch):
    """Executes notebooks/<name>.ipynb into out/; a failing cell raises."""
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    papermill.execute_notebook(
        str(root / "notebooks" / f"{name}.ipynb"), str(out / f"{name}.ipynb"),
        parameters={"results": str(results), "experiment": "notebooks", "output_dir": str(out)},
        kernel_name="python3", cwd=str(out), progress_bar=False)


def assert_pngs(out, names):
    for name in names:
        data = (out / name).read_bytes()
        assert data.startswith(PNG), name
        assert len(data) > 10_000, f"{name}: {len(data)} bytes"


def test_double_descent_notebook(root, results, tmp_path, monkeypatch):
    run_notebook(root, "double_descent", results, tmp_path, monkeypatch)
    assert (tmp_path / "double_descent.ipynb").exists()
    assert_pngs(tmp_path, ["double_descent_error.png", "double_descent_loss.png",
                           "double_descent_epochs.png"])


def test_scaling_laws_notebook(root, results, tmp_path, monkeypatch):
    run_notebook(root, "scaling_laws", results, tmp_path, monkeypatch)
    assert_pngs(tmp_path, ["scaling_params.png", "scaling_compute.png"])
    with open(tmp_path / "scaling_fits.csv") as f:
        fits = {row["fit"]: row for row in csv.DictReader(f)}
    assert set(fits) >= {"loss vs params, power law", "compute frontier, power law"}
    for row in fits.values():
        exponent = float(row["b"] or row["alpha"])
        assert math.isfinite(exponent)
