package dev.trellis.worker.block;

import dev.trellis.worker.app.Slot;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.IntStream;

/** The block's slots: a task takes a free one and gives it back when it ends. */
final class SlotPool implements AutoCloseable {

    private final List<Slot> slots;
    private final BlockingQueue<Slot> free;

    SlotPool(int size, String python) {
        this.slots = IntStream.range(0, size).mapToObj(i -> new Slot(i, python)).toList();
        this.free = new LinkedBlockingQueue<>(slots);
    }

    Slot take() throws InterruptedException {
        return free.take();
    }

    void release(Slot slot) {
        free.add(slot);
    }

    int size() {
        return slots.size();
    }

    int busy() {
        return slots.size() - free.size();
    }

    boolean hasFree() {
        return !free.isEmpty();
    }

    @Override
    public void close() {
        slots.forEach(Slot::close);
    }
}
