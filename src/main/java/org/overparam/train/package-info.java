/** Training: one short loop that fits and evaluates a model per epoch, post-training compression, the targets of distillation students (Teacher), and the interfaces the strategies share. */
package org.overparam.train;
