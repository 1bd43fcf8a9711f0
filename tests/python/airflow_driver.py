"""Run by Airflow's own Python: loads a DAGs folder, runs one DAG with dag.test(), writes JSON.

    python airflow_driver.py DAGS_FOLDER DAG_ID RUN_CONF_JSON OUT_JSON
OUT_JSON gets {"import_errors": {file: error}, "state": run state, "tasks": {task_id: state}}.
"""
import json
import sys

from airflow.dag_processing.dagbag import DagBag


def main(folder, dag_id, run_conf, out_json):
    bag = DagBag(dag_folder=folder)
    out = {"import_errors": {k: str(v) for k, v in bag.import_errors.items()},
           "state": None, "tasks": {}}
    dag = bag.get_dag(dag_id)
    if dag is not None:
        run = dag.test(run_conf=json.loads(run_conf))
        out["state"] = str(run.state)
        out["tasks"] = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main(*sys.argv[1:])
