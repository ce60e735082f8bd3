package dev.optbench.train;

import ai.djl.ndarray.NDManager;
import dev.optbench.workload.DataSplits;
import dev.optbench.workload.Network;
import dev.optbench.workload.Workload;

/**
 * What a {@link Backend} is built on: the workload and its declared network, the data, the
 * manager that owns the run, and the host buffers the loop fills ({@code evalRows} rows at most
 * per evaluation chunk).
 */
record BackendSetup(Workload w, Network net, DataSplits data, NDManager manager, HostBuffer features,
        HostBuffer labels, int evalRows) {
    int featureSize() {
        return data.train().source().featureSize();
    }
}
