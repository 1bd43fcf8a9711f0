package org.overparam.data;

/**
 * The examples a dataset offers: a pool that training sets are drawn from, and a fixed test set.
 *
 * @param pool training examples to draw subsets from; null for a text, whose examples are cut
 *     from {@code text} per run
 * @param test held-out examples, the same for every run
 * @param description provenance of the data
 * @param text the corpus of a text dataset, else null
 */
public record DataSource(Examples pool, Examples test, String description, TextCorpus text) {
  public DataSource(Examples pool, Examples test, String description) {
    this(pool, test, description, null);
  }

  /** The largest training set this source can give. */
  public int poolSize() {
    return text != null ? text.trainTargets() : pool.count();
  }

  /** Number of classes (for a text, its vocabulary size). */
  public int classes() {
    return test.classes();
  }
}
