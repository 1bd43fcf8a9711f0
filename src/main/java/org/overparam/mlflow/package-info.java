/**
 * Mirroring of recorded runs to an MLflow tracking server ({@code train --mlflow URI}): after a
 * run's Parquet files are committed, its params, per-epoch metrics and provenance tags go to one
 * MLflow run, over MLflow's REST API. Parquet remains the source of truth.
 */
package org.overparam.mlflow;
