"""Readers skip what a killed or running sweep leaves beside the tables.

A results write goes to a hidden temporary file (.<run_id>.parquet.tmp-<uuid>) that is renamed
into place; checkpoints live under _checkpoints/. A crash can leave both behind. pyarrow, DuckDB
and Spark must read the whole files only.
"""
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import duckdb


def test_hidden_partial_files_and_checkpoints_are_not_read(tmp_path):
    part = tmp_path / "metrics" / "experiment=x"
    part.mkdir(parents=True)
    pq.write_table(pa.table({"run_id": ["a"] * 3, "epoch": [1, 2, 3]}), part / "a.parquet")
    whole = (part / "a.parquet").read_bytes()
    # A write killed halfway, and a checkpoint of a run in flight.
    (part / ".b.parquet.tmp-0f8e2c1d").write_bytes(whole[: len(whole) // 2])
    ckpt = tmp_path / "_checkpoints" / "experiment=x" / "b"
    ckpt.mkdir(parents=True)
    (ckpt / "epoch-000003.json").write_text('{"runId": "b", "epoch": 3, "metrics": []}')

    metrics = str(tmp_path / "metrics")
    assert ds.dataset(metrics, format="parquet", partitioning="hive").to_table().num_rows == 3
    assert ds.dataset(str(tmp_path), format="parquet", partitioning="hive",
                      exclude_invalid_files=True).to_table().num_rows == 3
    assert duckdb.sql(f"select count(*) from read_parquet('{metrics}/**/*.parquet', "
                      "hive_partitioning=true)").fetchall() == [(3,)]

    from pyspark.sql import SparkSession
    spark = SparkSession.builder.master("local[1]").appName("partial").getOrCreate()
    try:
        assert spark.read.parquet(metrics).count() == 3
    finally:
        spark.stop()
