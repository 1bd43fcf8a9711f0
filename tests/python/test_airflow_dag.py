"""The Airflow DAG, copied into a fresh DAGs folder as a user would, runs train -> analyze -> report
with dag.test() against a local spark-submit, and leaves the results on disk.

Airflow lives in its own environment (.venv-airflow, made by submit/setup); this test drives it in
a subprocess, with its home, sqlite database, connection and variables in a temporary folder.
"""
import json
import os
import shutil
import pathlib
import subprocess

import pyarrow.dataset as ds
import pyspark
import pytest

EXPERIMENT = """
name: airflow-tiny
dataset: {kind: teacher-student, input_dim: 8, classes: 3, test_size: 100}
train_sizes: [100]
label_noise: [0.1]
model: {family: mlp, depths: [1], widths: [2, 8, 32]}
optimizer: {kind: sgd, learning_rate: 0.05, batch_size: 25}
epochs: 3
seeds: [0]
strategy: {kind: per-task}
"""
RUNS, EPOCHS = 3, 3


def _tail(path, lines=60):
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def airflow_bin(root):
    venv = os.environ.get("OVERPARAM_AIRFLOW_VENV", str(root / ".venv-airflow"))
    if not os.path.exists(os.path.join(venv, "bin", "airflow")):
        pytest.fail(f"no Airflow in {venv}: run submit/setup")
    return os.path.join(venv, "bin")


@pytest.fixture(scope="module")
def sweep(tmp_path_factory, root, airflow_bin):
    tmp = tmp_path_factory.mktemp("airflow")
    home, dags, results = tmp / "home", tmp / "home" / "dags", tmp / "results"
    dags.mkdir(parents=True)
    shutil.copy(root / "submit" / "airflow" / "overparam_sweep.py", dags)
    experiment = tmp / "tiny.yaml"
    experiment.write_text(EXPERIMENT)

    # The Spark distribution inside .venv's pyspark, the same version the jar is built for.
    spark_home = pathlib.Path(pyspark.__file__).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.pop("OVERPARAM_HOME", None)  # the jar and Spark must come from the variables below
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW_CONN_OVERPARAM_LOCAL": json.dumps({"conn_type": "spark", "host": "local[2]"}),
        "AIRFLOW_VAR_OVERPARAM_JAR": str(root / "target" / "overparam.jar"),
        "AIRFLOW_VAR_OVERPARAM_SPARK_HOME": str(spark_home),
        "SPARK_LOCAL_IP": "127.0.0.1",
    })
    log = tmp / "airflow.log"
    with open(log, "w") as out:
        subprocess.run([os.path.join(airflow_bin, "airflow"), "db", "migrate"], env=env,
                       stdout=out, stderr=subprocess.STDOUT, check=True)
        conf = {"experiment": str(experiment), "results": str(results),
                "conn_id": "overparam_local", "driver_memory": "1g"}
        report = tmp / "dag_test.json"
        subprocess.run([os.path.join(airflow_bin, "python"),
                        str(root / "tests" / "python" / "airflow_driver.py"),
                        str(dags), "overparam_sweep", json.dumps(conf), str(report)],
                       env=env, stdout=out, stderr=subprocess.STDOUT, timeout=900)
    if not report.exists():
        pytest.fail("the DAG test wrote no report:\n" + _tail(log))
    return json.loads(report.read_text()), results, log


def test_dag_imports_without_errors(sweep):
    outcome, _, log = sweep
    assert outcome["import_errors"] == {}, _tail(log)
    assert set(outcome["tasks"]) == {"train", "analyze", "report"}


def test_all_three_tasks_succeed(sweep):
    outcome, _, log = sweep
    assert outcome["tasks"] == {"train": "success", "analyze": "success",
                                "report": "success"}, _tail(log)
    assert outcome["state"] == "success"


def test_train_left_every_run_and_epoch_on_disk(sweep):
    _, results, _ = sweep
    metrics = ds.dataset(results / "metrics", format="parquet", partitioning="hive").to_table()
    assert metrics.num_rows == RUNS * EPOCHS
    assert set(metrics.column("experiment").to_pylist()) == {"airflow-tiny"}
    runs = ds.dataset(results / "runs", format="parquet", partitioning="hive").to_table()
    assert runs.column("status").to_pylist() == ["completed"] * RUNS


def test_analyze_and_report_wrote_their_outputs(sweep):
    _, results, _ = sweep
    tables = sorted((results / "analysis").glob("*/experiment=airflow-tiny"))
    assert tables, "analyze wrote no table for the experiment"
    curves = ds.dataset(results / "analysis" / "curves", format="parquet",
                        partitioning="hive").to_table()
    assert curves.num_rows > 0
    page = results / "report" / "airflow-tiny" / "index.html"
    assert page.stat().st_size > 0
    assert list(page.parent.glob("*.png"))
