/** Training on Spark: many small models at once (one per task) or one large model by parameter averaging, driven by one sweep. */
package org.overparam.train.spark;
