"""overparam as an Airflow DAG: train an experiment's grid, analyse it, draw its report.

Copy this file into your DAGs folder. Airflow 3 with apache-airflow-providers-apache-spark; the
three tasks run the overparam jar through spark-submit:

    train    overparam train <experiment.yaml> --results <root> --no-report
    analyze  overparam analyze --results <root> --experiment <name>
    report   overparam report --results <root> --experiment <name>

Every task can be rerun safely: train skips the runs already recorded under the results root and
trains only the rest, analyze and report replace their own outputs. Retries therefore resume.

Trigger parameters; the defaults point into $OVERPARAM_HOME (else /opt/overparam):
    experiment       experiment YAML file, readable by the machine that runs spark-submit
    experiment_name  the experiment's name; blank reads `name:` from the experiment file
    results          results root: a local folder or any Hadoop URI (hdfs://, s3a://, ...)
    conn_id          Spark connection: its host is the master (local[2], spark://host:7077, yarn)
    jar              overparam.jar; blank: Airflow Variable `overparam_jar`, else
                     $OVERPARAM_HOME/target/overparam.jar
    spark_home       Spark installation whose bin/spark-submit runs the jobs; blank: Variable
                     `overparam_spark_home`, else `spark-submit` on the PATH
    driver_memory    spark.driver.memory (the driver trains the models in local mode)

A Spark connection can come from the environment, for example
    AIRFLOW_CONN_SPARK_DEFAULT='{"conn_type": "spark", "host": "local[2]"}'
"""
from __future__ import annotations

import os
from datetime import timedelta

import yaml
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG, Param

MAIN_CLASS = "org.overparam.cli.Main"
HOME = os.environ.get("OVERPARAM_HOME", "/opt/overparam")  # where the defaults below point
DEFAULT_JAR = os.path.join(HOME, "target", "overparam.jar")


def experiment_name(params: dict) -> str:
    """The experiment's name: the `experiment_name` parameter, else `name:` in its file."""
    if params.get("experiment_name"):
        return params["experiment_name"]
    with open(params["experiment"], encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise ValueError(f"{params['experiment']}: no `name:` field; set experiment_name")
    return doc["name"]


class OverparamSubmit(SparkSubmitOperator):
    """spark-submit of the overparam jar, whose connection and spark-submit come from params."""

    template_fields = (*SparkSubmitOperator.template_fields, "_conn_id", "_spark_binary")

    def __init__(self, *, command: list[str], **kwargs):
        super().__init__(
            application="{{ params.jar or var.value.get('overparam_jar', default_jar) }}",
            java_class=MAIN_CLASS,
            application_args=command,
            conn_id="{{ params.conn_id }}",
            spark_binary=("{% set home = params.spark_home or "
                          "var.value.get('overparam_spark_home', '') %}"
                          "{{ home.rstrip('/') ~ '/bin/spark-submit' if home "
                          "else 'spark-submit' }}"),
            conf={"spark.driver.memory": "{{ params.driver_memory }}"},
            name="overparam-{{ task.task_id }}-{{ experiment_name(params) }}",
            **kwargs,
        )


with DAG(
    dag_id="overparam_sweep",
    description="Train, analyse and report one overparam experiment on Spark.",
    schedule=None,
    catchup=False,
    max_active_runs=1,  # two runs writing one results root would race
    tags=["overparam", "spark"],
    user_defined_macros={"experiment_name": experiment_name, "default_jar": DEFAULT_JAR},
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1)},
    params={
        "experiment": Param(os.path.join(HOME, "conf", "experiments", "quickstart.yaml"),
                            type="string", minLength=1, description="Experiment YAML file."),
        "experiment_name": Param("", type="string",
                                 description="Blank: the `name:` of the experiment file."),
        "results": Param(os.path.join(HOME, "results"), type="string", minLength=1,
                         description="Results root (folder or Hadoop URI)."),
        "conn_id": Param("spark_default", type="string", minLength=1,
                         description="Airflow connection of the Spark master."),
        "jar": Param("", type="string", description="Blank: Variable overparam_jar."),
        "spark_home": Param("", type="string",
                            description="Blank: Variable overparam_spark_home, else PATH."),
        "driver_memory": Param("4g", type="string", pattern="^[0-9]+[kmgtKMGT]?$"),
    },
) as dag:
    # Trains only the runs not yet recorded, so a retry or a rerun resumes the sweep.
    train = OverparamSubmit(
        task_id="train",
        command=["train", "{{ params.experiment }}", "--results", "{{ params.results }}",
                 "--no-report"],
    )
    # Both replace their own outputs for this experiment and leave the others alone.
    analyze = OverparamSubmit(
        task_id="analyze",
        command=["analyze", "--results", "{{ params.results }}",
                 "--experiment", "{{ experiment_name(params) }}"],
    )
    report = OverparamSubmit(
        task_id="report",
        command=["report", "--results", "{{ params.results }}",
                 "--experiment", "{{ experiment_name(params) }}"],
    )
    train >> analyze >> report
