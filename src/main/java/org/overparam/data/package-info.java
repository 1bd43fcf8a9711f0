/** Examples for training and testing: real images from IDX files, synthetic teacher-student data, and per-run subsets with label noise. */
package org.overparam.data;
