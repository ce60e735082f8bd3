package dev.optbench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;

/** Colours fixed per optimizer name (the same optimizer has the same colour in every figure). */
final class Palette {
    private static final List<String> KNOWN = List.of("sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam");
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)
    };
    private static final Color[] STUDY_COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x17becf), new Color(0x8c564b), new Color(0x7f7f7f)
    };
    static final BasicStroke SOLID = new BasicStroke(2.0f);
    static final BasicStroke THIN = new BasicStroke(1.5f);
    static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);

    private Palette() {}

    static Color of(String optimizer) {
        int i = KNOWN.indexOf(optimizer);
        if (i < 0) {
            i = KNOWN.size() + Math.floorMod(optimizer.hashCode(), COLORS.length - KNOWN.size());
        }
        return COLORS[i];
    }

    /** Colour of the j-th study when series are per study. */
    static Color study(int j) {
        return STUDY_COLORS[j % STUDY_COLORS.length];
    }

    static Color translucent(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }
}
