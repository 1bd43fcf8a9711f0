/** Analyses of recorded results: scaling-law fits with bootstrap intervals and compute-optimal frontiers. */
package org.overparam.analysis;
