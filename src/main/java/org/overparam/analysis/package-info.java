/** Analysis of the results tables with Spark: learning curves over seeds, double descent and scaling laws, written back as Parquet tables. */
package org.overparam.analysis;
