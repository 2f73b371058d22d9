package dev.parity.oracles;

/**
 * Evidence for an output read as class logits, shape (rows, classes): how often the two models
 * pick the same label and rank classes alike.
 *
 * @param rows number of rows (samples)
 * @param k the k of the top-k comparison
 * @param top1Agreement fraction of rows with the same argmax
 * @param topkAgreement fraction of rows whose top-k label sets are equal
 * @param meanSpearman mean Spearman rank correlation of the rows' logits
 * @param labelFlips rows whose argmax differs
 */
public record ClassificationFinding(int rows, int k, double top1Agreement, double topkAgreement, double meanSpearman,
        int labelFlips) {}
