/** Training: one short loop that fits and evaluates a model per epoch, post-training compression, and the interfaces the strategies share. */
package org.overparam.train;
