package dev.optbench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir Path dir;

    @Test
    void readsGzipAndPlainFilesAlike() throws Exception {
        byte[] data = {1, 2, 3, 4, 5, 6};
        byte[] idx = TestData.idx(new int[] {3, 1, 2}, data);
        Files.write(dir.resolve("a.gz"), TestData.gzip(idx));
        Files.write(dir.resolve("a"), idx);
        for (Path p : new Path[] {dir.resolve("a.gz"), dir.resolve("a")}) {
            IdxReader.IdxFile f = IdxReader.read(p, 3, "");
            assertThat(f.dims()).containsExactly(3, 1, 2);
            assertThat(f.count()).isEqualTo(3);
            assertThat(f.itemSize()).isEqualTo(2);
            assertThat(f.data()).containsExactly(data);
        }
    }

    /** The last member's size (what the gzip trailer announces) is not the whole file's: all of it is read. */
    @Test
    void aGzipFileOfSeveralMembersIsReadWhole() throws Exception {
        byte[] data = new byte[20 * 784];
        new java.util.SplittableRandom(4).nextBytes(data);
        byte[] idx = TestData.idx(new int[] {20, 28, 28}, data);
        byte[] first = TestData.gzip(Arrays.copyOf(idx, 5000));
        byte[] second = TestData.gzip(Arrays.copyOfRange(idx, 5000, idx.length));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        Files.write(dir.resolve("two.gz"), both);
        IdxReader.IdxFile f = IdxReader.read(dir.resolve("two.gz"), 3, "");
        assertThat(f.count()).isEqualTo(20);
        assertThat(f.data()).isEqualTo(data);
    }

    @Test
    void truncatedDataIsRejectedWithTheHint() throws Exception {
        byte[] idx = TestData.idx(new int[] {10, 28, 28}, new byte[10 * 784]);
        Files.write(dir.resolve("t.gz"), TestData.gzip(Arrays.copyOf(idx, idx.length - 100)));
        assertThatThrownBy(() -> IdxReader.read(dir.resolve("t.gz"), 3, " (hint)"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("truncated").hasMessageContaining("7840").hasMessageContaining("(hint)");
    }

    @Test
    void truncatedGzipStreamIsRejected() throws Exception {
        byte[] gz = TestData.gzip(TestData.idx(new int[] {100, 28, 28}, new byte[100 * 784]));
        Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxReader.read(dir.resolve("cut.gz"), 3, ""))
                .isInstanceOf(InputException.class).hasMessageContaining("truncated");
    }

    @Test
    void wrongMagicAndRankAreRejected() throws Exception {
        Files.writeString(dir.resolve("text"), "hello, this is not IDX");
        assertThatThrownBy(() -> IdxReader.read(dir.resolve("text"), 3, ""))
                .isInstanceOf(InputException.class).hasMessageContaining("not an IDX file");
        Files.write(dir.resolve("labels"), TestData.idx(new int[] {4}, new byte[4]));
        assertThatThrownBy(() -> IdxReader.read(dir.resolve("labels"), 3, ""))
                .isInstanceOf(InputException.class).hasMessageContaining("has 1 dimensions, expected 3");
    }

    @Test
    void missingFileNamesThePath() {
        assertThatThrownBy(() -> IdxReader.read(dir.resolve("nope.gz"), 3, " (install x)"))
                .isInstanceOf(InputException.class)
                .hasMessage("missing file " + dir.resolve("nope.gz") + " (install x)");
    }
}
