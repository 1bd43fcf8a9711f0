/** Single-process training: one model in one JVM, the loop every strategy's numbers come from. */
package org.overparam.train.local;
