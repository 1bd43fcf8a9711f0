"""A tiny sweep through the real launcher, read back by pyarrow, DuckDB and PySpark."""
import subprocess

import duckdb
import pyarrow.dataset as ds
import pytest

EXPERIMENT = """
name: readers
dataset: {kind: teacher-student, input_dim: 12, classes: 3, test_size: 200}
train_sizes: [200]
label_noise: [0.1]
model: {family: mlp, depths: [1], widths: [4, 16, 64]}
optimizer: {kind: sgd, learning_rate: 0.05, batch_size: 25}
epochs: 4
seeds: [0, 1]
strategy: {kind: per-task}
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory, overparam):
    tmp = tmp_path_factory.mktemp("readers")
    exp = tmp / "readers.yaml"
    exp.write_text(EXPERIMENT)
    out = tmp / "results"
    for _ in range(2):  # the second run must train nothing and add nothing
        subprocess.run([overparam, "train", str(exp), "--results", str(out),
                        "--master", "local[2]", "--no-report"], check=True)
    return out


def test_pyarrow_duckdb_and_spark_read_the_same_rows(results):
    metrics = str(results / "metrics")
    table = ds.dataset(metrics, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == 6 * 4
    assert set(table.column("experiment").to_pylist()) == {"readers"}
    pairs = set(zip(table.column("run_id").to_pylist(), table.column("epoch").to_pylist()))
    assert len(pairs) == table.num_rows

    n_duck = duckdb.sql(
        f"select count(*) from read_parquet('{metrics}/**/*.parquet', hive_partitioning=true)"
    ).fetchall()[0][0]
    assert n_duck == table.num_rows

    from pyspark.sql import SparkSession
    spark = SparkSession.builder.master("local[1]").appName("readers").getOrCreate()
    try:
        assert spark.read.parquet(metrics).count() == table.num_rows
        runs = spark.read.parquet(str(results / "runs"))
        assert runs.filter("status = 'completed'").count() == 6
    finally:
        spark.stop()
