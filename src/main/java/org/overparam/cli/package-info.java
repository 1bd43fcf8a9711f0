/** The {@code overparam} command line: train, analyze, report and fit-scaling. */
package org.overparam.cli;
