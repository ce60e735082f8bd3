package dev.optbench.serve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A small LRU cache whose entries hold the store's change mark they were computed under: an
 * entry is used only while the mark is the same, so nothing stale is served. Values are
 * computed outside the lock (two requests may compute the same value once each).
 */
final class MarkedCache<V> {
    private record Entry<V>(String mark, V value) {}

    private final Map<String, Entry<V>> entries;

    MarkedCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry<V>> eldest) {
                return size() > capacity;
            }
        };
    }

    V get(String key, String mark, Supplier<V> compute) {
        synchronized (entries) {
            Entry<V> e = entries.get(key);
            if (e != null && e.mark().equals(mark)) {
                return e.value();
            }
        }
        V value = compute.get();
        synchronized (entries) {
            entries.put(key, new Entry<>(mark, value));
        }
        return value;
    }
}
