/**
 * Model families (MLP, character language models, GPT-style transformers): DL4J networks built
 * from a run's spec, with exact parameter and FLOP counts.
 */
package org.overparam.model;
