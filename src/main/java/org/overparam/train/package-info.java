/** Training: one short loop that fits and evaluates a model per epoch, and the interfaces the strategies share. */
package org.overparam.train;
