package org.overparam.data;

/**
 * One run's data.
 *
 * @param train training examples with their (possibly noisy) labels
 * @param test clean test examples
 * @param flipped number of training labels replaced by a wrong class
 */
public record TrainTest(Examples train, Examples test, int flipped) {}
