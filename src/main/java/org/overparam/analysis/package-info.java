/** Analyses of recorded results with Spark: learning curves over seeds, double descent, scaling-law fits with bootstrap intervals and compute-optimal frontiers, and distillation students against label-only runs, written back as Parquet tables. */
package org.overparam.analysis;
