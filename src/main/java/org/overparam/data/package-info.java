/** Examples for training and testing: real images from IDX files, synthetic teacher-student data, next-character windows of a text, and per-run subsets with label noise. */
package org.overparam.data;
