package org.overparam.data;

/**
 * The examples a dataset offers: a pool that training sets are drawn from, and a fixed test set.
 *
 * @param pool training examples to draw subsets from
 * @param test held-out examples, the same for every run
 * @param description provenance of the data
 */
public record DataSource(Examples pool, Examples test, String description) {}
