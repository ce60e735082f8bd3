package dev.optbench.workload;

import dev.optbench.InputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * A UTF-8 text cut into fixed-length character sequences. The vocabulary is the sorted set of
 * distinct code points; example k is characters [kL, kL+L) as input and [kL+1, kL+L+1) as
 * next-character targets (non-overlapping windows, the DeepOBS tolstoi layout).
 */
public record TextCorpus(int[] codePoints, int[] tokens, int sequenceLength) {
    public TextCorpus {
        codePoints = codePoints.clone();
        tokens = tokens.clone();
    }

    /** Copies, so the record stays immutable. */
    @Override
    public int[] codePoints() {
        return codePoints.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    public int length() {
        return tokens.length;
    }

    public int vocabularySize() {
        return codePoints.length;
    }

    public int sequences() {
        return (tokens.length - 1) / sequenceLength;
    }

    /** Features: input token ids as floats; labels: the next token of each position. */
    public ArraySource toSource() {
        int n = sequences();
        float[] x = new float[n * sequenceLength];
        int[] y = new int[n * sequenceLength];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < sequenceLength; i++) {
                x[k * sequenceLength + i] = tokens[k * sequenceLength + i];
                y[k * sequenceLength + i] = tokens[k * sequenceLength + i + 1];
            }
        }
        return new ArraySource(x, y, new long[] {sequenceLength}, sequenceLength);
    }

    /** Reads and concatenates {@code files} (strict UTF-8). */
    public static TextCorpus read(List<Path> files, int sequenceLength, String hint) {
        StringBuilder text = new StringBuilder();
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new InputException("missing file " + file + hint);
            } catch (IOException e) {
                throw new InputException("cannot read " + file + ": " + e.getMessage() + hint);
            }
            try {
                text.append(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)));
            } catch (CharacterCodingException e) {
                throw new InputException(file + " is not valid UTF-8 text" + hint);
            }
        }
        return fromText(text.toString(), sequenceLength, files.toString() + hint);
    }

    public static TextCorpus fromText(String text, int sequenceLength, String where) {
        int[] cps = text.codePoints().toArray();
        if (cps.length < 2 * sequenceLength + 1) {
            throw new InputException("text " + where + " has " + cps.length + " characters, too short for "
                    + "sequences of " + sequenceLength + " (need at least " + (2 * sequenceLength + 1) + ")");
        }
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int c : cps) {
            distinct.add(c);
        }
        int[] vocab = distinct.stream().mapToInt(Integer::intValue).toArray();
        int[] tokens = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            tokens[i] = java.util.Arrays.binarySearch(vocab, cps[i]);
        }
        return new TextCorpus(vocab, tokens, sequenceLength);
    }
}
