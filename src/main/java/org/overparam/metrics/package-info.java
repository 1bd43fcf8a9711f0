/** Results on disk: the per-epoch metrics and per-run provenance tables, written as Parquet one run at a time, atomically. */
package org.overparam.metrics;
