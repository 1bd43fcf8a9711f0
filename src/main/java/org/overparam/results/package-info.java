/** Results on disk: the per-epoch metrics, per-run provenance and per-variant compression tables, written as Parquet one run at a time, atomically; where they live (ResultsLayout); and the catalog of every table's columns, the analysis tables' included (Columns, Catalog). */
package org.overparam.results;
