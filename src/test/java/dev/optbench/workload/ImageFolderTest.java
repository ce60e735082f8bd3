package dev.optbench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.optbench.InputException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir Path dir;

    private void image(Path file, Color color) throws Exception {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 40, 30);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void foldersAreClassesImagesAreResizedAndNormalized() throws Exception {
        for (int i = 0; i < 10; i++) {
            image(dir.resolve("train/n01/" + i + ".png"), Color.RED);
            image(dir.resolve("train/n02/" + i + ".png"), Color.BLUE);
        }
        image(dir.resolve("val/n01/x.png"), Color.RED);
        image(dir.resolve("val/n02/y.png"), Color.BLUE);
        DataSplits s = Datasets.load(new DataSpec(DatasetKind.IMAGENET, true, 0, 16), dir);
        assertThat(s.classes()).isEqualTo(2);
        assertThat(s.featureShape()).containsExactly(3, 16, 16);
        assertThat(s.train().size()).isEqualTo(16);
        assertThat(s.validation().size()).isEqualTo(4);
        assertThat(s.test().size()).isEqualTo(2);
        float[] f = new float[3 * 256];
        int[] l = new int[1];
        s.test().fill(new int[] {0}, f, l);
        assertThat(l[0]).isZero();
        assertThat(f[0]).isCloseTo((float) ((1 - 0.485) / 0.229), within(1e-3f)); // red channel of red
        assertThat(f[256]).isCloseTo((float) ((0 - 0.456) / 0.224), within(1e-3f));
        s.test().fill(new int[] {1}, f, l);
        assertThat(l[0]).isEqualTo(1);
        assertThat(f[512 + 17]).isCloseTo((float) ((1 - 0.406) / 0.225), within(1e-3f));
    }

    @Test
    void missingFoldersAreNamed() {
        assertThatThrownBy(() -> Datasets.load(new DataSpec(DatasetKind.IMAGENET, true, 0, 16), dir.resolve("none")))
                .isInstanceOf(InputException.class).hasMessageContaining("missing directory")
                .hasMessageContaining("train/<class>/*.JPEG");
    }
}
