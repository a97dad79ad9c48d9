package dev.container.files;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A map within a byte budget: each value costs what {@code cost} says, and putting past the budget
 * drops the least recently used entries first. Thread-safe: one lock, never held during I/O
 * (callers load values outside it).
 */
final class BoundedLru<K, V> {
    private final long budget;
    private final ToLongFunction<V> cost;
    private final LinkedHashMap<K, V> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long total;

    BoundedLru(long budget, ToLongFunction<V> cost) {
        this.budget = budget;
        this.cost = cost;
    }

    /** The value, now the most recently used; null when absent. */
    synchronized V get(K key) {
        return entries.get(key);
    }

    synchronized void put(K key, V value) {
        V replaced = entries.put(key, value);
        total += cost.applyAsLong(value) - (replaced == null ? 0 : cost.applyAsLong(replaced));
        Iterator<Map.Entry<K, V>> eldestFirst = entries.entrySet().iterator();
        while (total > budget && eldestFirst.hasNext()) {
            total -= cost.applyAsLong(eldestFirst.next().getValue());
            eldestFirst.remove();
        }
    }

    /** Removes key only while it still maps to value (a newer value stays). */
    synchronized void remove(K key, V value) {
        if (entries.remove(key, value)) {
            total -= cost.applyAsLong(value);
        }
    }

    synchronized boolean contains(K key) {
        return entries.containsKey(key);
    }

    synchronized long total() {
        return total;
    }
}
