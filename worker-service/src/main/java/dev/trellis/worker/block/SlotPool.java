package dev.trellis.worker.block;

import dev.trellis.worker.app.Slot;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.IntStream;

/** The block's slots: a task takes a free one and gives it back when it ends. */
final class SlotPool implements AutoCloseable {

    private final List<Slot> slots;
    /** Guarded by this. */
    private final Deque<Slot> free;

    SlotPool(int size, String python) {
        this.slots = IntStream.range(0, size).mapToObj(i -> new Slot(i, python)).toList();
        this.free = new ArrayDeque<>(slots);
    }

    /** A free slot, or null when all are busy. */
    synchronized Slot tryTake() {
        return free.pollFirst();
    }

    synchronized void release(Slot slot) {
        free.addLast(slot);
        notifyAll();
    }

    /** Waits up to {@code timeout} for a slot to be free, without taking it; false when none came. */
    synchronized boolean awaitFree(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long left = timeout.toNanos();
        while (free.isEmpty() && left > 0) {
            wait(Math.max(1, left / 1_000_000));
            left = deadline - System.nanoTime();
        }
        return !free.isEmpty();
    }

    int size() {
        return slots.size();
    }

    synchronized int busy() {
        return slots.size() - free.size();
    }

    synchronized boolean hasFree() {
        return !free.isEmpty();
    }

    @Override
    public void close() {
        slots.forEach(Slot::close);
    }
}
