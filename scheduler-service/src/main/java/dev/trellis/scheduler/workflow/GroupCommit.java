package dev.trellis.scheduler.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Lets concurrent callers share one write (a group commit): each caller queues its items, and
 * whichever caller holds the lock writes everything queued so far, as one list, while the others
 * wait for it. A caller alone writes its own items at once, with no added wait; under load, the
 * writes grow instead of queueing up one transaction each.
 */
final class GroupCommit<T> {

    private final Consumer<List<T>> write;
    private final int maxItemsPerWrite;
    private final Queue<Entry<T>> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    /**
     * @param write            writes a list of items, all or none; called by one thread at a time
     * @param maxItemsPerWrite a write holds at most this many items, unless one caller alone brings
     *                         more: a caller's items are never split, nor joined by others'
     *                         beyond this
     */
    GroupCommit(Consumer<List<T>> write, int maxItemsPerWrite) {
        this.write = write;
        this.maxItemsPerWrite = maxItemsPerWrite;
    }

    /**
     * Returns once {@code items} are written, with others' or alone; throws what the write that
     * held them threw (every caller whose items it held gets the same exception).
     */
    void commit(List<T> items) {
        Entry<T> entry = new Entry<>(items, Thread.currentThread());
        queued.add(entry);
        boolean interrupted = false;
        while (!entry.done) {
            if (writing.tryLock()) {
                try {
                    writeQueued();
                } finally {
                    writing.unlock();
                }
                // Whoever queued while this thread wrote is parked: the oldest takes over.
                Entry<T> next = queued.peek();
                if (next != null) {
                    LockSupport.unpark(next.thread);
                }
            } else {
                LockSupport.park(this);
                // The items may already be part of a write, so the caller waits for its outcome regardless.
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (entry.failure instanceof Error error) {
            throw error;
        }
        if (entry.failure != null) {
            throw (RuntimeException) entry.failure;
        }
    }

    private void writeQueued() {
        List<Entry<T>> taken = new ArrayList<>();
        List<T> items = new ArrayList<>();
        Entry<T> next;
        // Only the lock holder takes entries, so the one peeked at is the one polled.
        while ((next = queued.peek()) != null && (items.isEmpty() || items.size() + next.items.size() <= maxItemsPerWrite)) {
            queued.poll();
            taken.add(next);
            items.addAll(next.items);
        }
        if (taken.isEmpty()) {
            return;
        }
        Throwable failure = null;
        try {
            write.accept(items);
        } catch (RuntimeException | Error e) { // a Consumer throws nothing else
            failure = e;
        }
        for (Entry<T> done : taken) {
            done.failure = failure;
            done.done = true;
            LockSupport.unpark(done.thread);
        }
    }

    private static final class Entry<T> {
        final List<T> items;
        final Thread thread;
        Throwable failure; // written before done, read after it
        volatile boolean done;

        Entry(List<T> items, Thread thread) {
            this.items = items;
            this.thread = thread;
        }
    }
}
