/** Examples for training and testing: real images from IDX files, synthetic teacher-student data, next-character windows of a text, per-run subsets with label noise, and the augmentation of training examples. */
package org.overparam.data;
