/** HTML reports with PNG charts, drawn from the analysis tables alone. */
package org.overparam.report;
