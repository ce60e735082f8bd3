package dev.optbench.train;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * K trials as one stacked network on the native passes ({@link NativeNet}): each group's forward
 * and backward in one call, into gradient arrays kept from step to step, then its batched
 * optimizer. Evaluations run one trial at a time in a scratch whose size does not grow with K,
 * so a batched trial's evaluations add up in the same order as its run alone, to the bit.
 */
final class NativeBackend extends StackedGroups {
    private final NativeNet.Net net;
    private final ByteBuffer scratch;
    private final int scratchRows;

    NativeBackend(BackendSetup s, List<LoopTrial> trials) {
        super(s, trials);
        this.net = NativeNet.Net.of(s.net(), s.data().featureShape(), groups.get(0).params);
        // an MLP evaluates a whole chunk at once; a CNN's activations (~190 KB per 2c2d
        // example) are evaluated a training batch at a time
        this.scratchRows = net.convs() == 0 ? Math.max(s.evalRows(), s.w().batchSize()) : s.w().batchSize();
        this.scratch = dev.optbench.platform.HostMemory.allocate(s.manager(), net.scratchFloats(scratchRows) * 4);
    }

    @Override
    public float[] step(long t, double[] rates, Objective objective) {
        int b = s.w().batchSize();
        float[] losses = new float[rates.length];
        int from = 0;
        for (Group g : groups) {
            int kg = g.trials.size();
            float[] smoothing = new float[kg];
            float[] l2half = new float[kg];
            for (int i = 0; i < kg; i++) {
                smoothing[i] = (float) objective.smoothing()[from + i];
                l2half[i] = objective.l2Half()[from + i];
            }
            float[] own = new float[kg];
            try {
                NativeNet.step(net, kg, b, g.paramLayers(), g.gradLayers(s.manager()),
                        s.features().address() + 4L * from * b * s.featureSize(), s.labels().address() + 4L * from * b,
                        smoothing, l2half, own, scratch);
                System.arraycopy(own, 0, losses, from, kg);
                g.optimizer.step(g.params, g.grads(s.manager()), t, java.util.Arrays.copyOfRange(rates, from, from + kg));
            } catch (Throwable e) {
                TrialLoop.broke(g.trials, e);
            }
            from += kg;
        }
        return losses;
    }

    @Override
    public void evaluate(int rows, double[] lossSum, double[] wrong) {
        int first = 0;
        for (Group g : groups) {
            int kg = g.trials.size();
            float[] l = new float[kg];
            float[] e = new float[kg];
            NativeNet.evaluate(net, kg, rows, scratchRows, g.paramLayers(), s.features().address(),
                    s.labels().address(), l, e, scratch);
            for (int i = 0; i < kg; i++) {
                lossSum[first + i] += l[i];
                wrong[first + i] += e[i];
            }
            first += kg;
        }
    }
}
