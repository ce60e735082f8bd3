package dev.optbench.workload;

/**
 * The four views a training run uses (SPEC section 7): the training examples, a fixed
 * training subset the size of the validation set (train_eval), the validation examples held out
 * from the training file, and the official test split.
 *
 * @param classes number of output classes (the vocabulary size for text)
 * @param description one line for logs: what was read from where
 */
public record DataSplits(Examples train, Examples trainEval, Examples validation, Examples test,
        int classes, String description) {

    /** Shape of one example's features. */
    public long[] featureShape() {
        return train.source().featureShape();
    }

    public int labelsPerExample() {
        return train.source().labelsPerExample();
    }

    /**
     * Holds out the last {@code validation} rows of a training source, takes {@code trainEval}
     * as {@code validation} evenly spaced rows of the rest, and the first {@code testCount} rows
     * of the test source.
     */
    public static DataSplits holdOut(ExampleSource trainSource, int trainCount, int validation,
            ExampleSource testSource, int testCount, int classes, String description) {
        int trainRows = trainCount - validation;
        if (validation < 1 || trainRows < 1 || testCount < 1) {
            throw new dev.optbench.InputException(description + ": too few examples (" + trainCount
                    + " training, " + testCount + " test) to hold out a validation set");
        }
        int[] train = range(0, trainRows);
        int[] val = range(trainRows, trainCount);
        int[] eval = new int[Math.min(validation, trainRows)];
        for (int i = 0; i < eval.length; i++) {
            eval[i] = (int) ((long) i * trainRows / eval.length);
        }
        return new DataSplits(new Examples(trainSource, train), new Examples(trainSource, eval),
                new Examples(trainSource, val), new Examples(testSource, range(0, testCount)), classes, description);
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
