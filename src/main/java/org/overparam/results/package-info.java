/** Results on disk: the per-epoch metrics, per-run provenance and per-variant compression tables, written as Parquet one run at a time, atomically. */
package org.overparam.results;
