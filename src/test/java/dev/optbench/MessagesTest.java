package dev.optbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void messagesAreWordsWithoutClassNames() {
        assertThat(Messages.describe(new IllegalStateException("corrupt JSON in store"))).isEqualTo("corrupt JSON in store");
        assertThat(Messages.describe(new RuntimeException(new IOException("disk full")))).isEqualTo("input/output error: disk full");
        assertThat(Messages.describe(new ExecutionException(new UncheckedIOException(new IOException("no space left")))))
                .isEqualTo("input/output error: no space left");
        assertThat(Messages.describe(new OutOfMemoryError("Java heap space"))).isEqualTo("out of memory: Java heap space");
        assertThat(Messages.describe(new NullPointerException())).isEqualTo("internal error (a value was missing)");
        assertThat(Messages.describe(new RuntimeException("ai.djl.engine.EngineException: shape mismatch [2] vs [3]")))
                .isEqualTo("shape mismatch [2] vs [3]");
        assertThat(Messages.describe(new RuntimeException())).isEqualTo("error");
        assertThat(Messages.stripClassNames("java.lang.RuntimeException: java.io.IOException: gone")).isEqualTo("gone");
        assertThat(Messages.stripClassNames("Adam diverged: loss NaN")).isEqualTo("Adam diverged: loss NaN");
    }

    @Test
    void quotedValuesAreShortAndOnOneLine() {
        assertThat(Messages.quote("adam")).isEqualTo("adam");
        assertThat(Messages.quote("a\nb\rc")).isEqualTo("a\\nb\\rc");
        String x80 = "x".repeat(80);
        assertThat(Messages.quote(x80)).isEqualTo(x80);
        assertThat(Messages.quote(x80 + "yz")).isEqualTo(x80 + "… (82 characters)");
        assertThat(Messages.quote("q".repeat(50_000_000))).hasSize(80 + "… (50000000 characters)".length());
        // a character outside the BMP across the cut is not split in half
        String emoji = "x".repeat(79) + "\uD83D\uDE00" + "tail";
        assertThat(Messages.quote(emoji)).startsWith("x".repeat(79) + "…");
    }
}
