/** Experiment files: YAML read into validated records, and the grid of runs they describe. */
package org.overparam.config;
