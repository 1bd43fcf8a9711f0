/** Analyses of recorded results with Spark: learning curves over seeds, double descent, and scaling-law fits with bootstrap intervals and compute-optimal frontiers, written back as Parquet tables. */
package org.overparam.analysis;
