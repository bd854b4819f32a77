package dev.trellis.scheduler.workflow;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitTest {

    private final List<List<Integer>> writes = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aCallerAloneWritesItsItemsAtOnce() {
        GroupCommit<Integer> commits = new GroupCommit<>(writes::add, 10);

        commits.commit(List.of(1, 2));
        commits.commit(List.of(3));

        assertThat(writes).containsExactly(List.of(1, 2), List.of(3));
    }

    @Test
    void callersThatArriveDuringAWriteShareTheNextOne() throws Exception {
        FirstWriteHeld held = new FirstWriteHeld(10, null);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            Future<?> first = held.startFirstWrite(callers);
            List<Future<?>> waiting = IntStream.rangeClosed(1, 3).<Future<?>>mapToObj(i -> callers.submit(() -> held.commits.commit(List.of(i)))).toList();
            awaitParked(3);

            held.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> caller : waiting) {
                caller.get(10, TimeUnit.SECONDS);
            }

            assertThat(writes).hasSize(2);
            assertThat(writes.get(0)).containsExactly(0);
            assertThat(writes.get(1)).containsExactlyInAnyOrder(1, 2, 3);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aWriteHoldsAtMostTheMaximumUnlessOneCallerAloneBringsMoreWhoseItemsAreNeverSplit() throws Exception {
        FirstWriteHeld held = new FirstWriteHeld(4, null);
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            Future<?> first = held.startFirstWrite(callers);
            List<List<Integer>> queuedInOrder = List.of(List.of(10, 11, 12), List.of(20), List.of(30, 31),
                    List.of(40, 41, 42, 43, 44, 45), List.of(50));
            List<Future<?>> waiting = new ArrayList<>();
            for (List<Integer> items : queuedInOrder) {
                waiting.add(callers.submit(() -> held.commits.commit(items)));
                awaitParked(waiting.size()); // queued in this order
            }

            held.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            for (Future<?> caller : waiting) {
                caller.get(10, TimeUnit.SECONDS);
            }

            assertThat(writes).containsExactly(List.of(0), List.of(10, 11, 12, 20), List.of(30, 31),
                    List.of(40, 41, 42, 43, 44, 45), List.of(50));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aFailedWriteFailsEveryCallerWhoseItemsItHeldAndNoOther() throws Exception {
        FirstWriteHeld held = new FirstWriteHeld(10, 2);
        GroupCommit<Integer> commits = held.commits;
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            Future<?> first = held.startFirstWrite(callers);
            Future<?> second = callers.submit(() -> commits.commit(List.of(1)));
            Future<?> third = callers.submit(() -> commits.commit(List.of(2)));
            awaitParked(2);

            held.release.countDown();

            first.get(10, TimeUnit.SECONDS);
            for (Future<?> failed : List.of(second, third)) {
                assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
                        .cause().isInstanceOf(IllegalStateException.class).hasMessage("database refused the write");
            }
            assertThat(writes).containsExactly(List.of(0));
            commits.commit(List.of(3)); // the failure did not stop later writes
            assertThat(writes).containsExactly(List.of(0), List.of(3));
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void manyConcurrentCallersHaveEveryItemWrittenExactlyOnceInFewerWrites() throws Exception {
        GroupCommit<Integer> commits = new GroupCommit<>(items -> {
            writes.add(items);
            sleepMillis(1); // a transaction's round trip, during which others queue
        }, 50);
        int callers = 8;
        int commitsEach = 200;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int caller = 0; caller < callers; caller++) {
                int base = caller * commitsEach;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < commitsEach; i++) {
                        commits.commit(List.of(base + i));
                    }
                }));
            }
            for (Future<?> caller : done) {
                caller.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<Integer> written = writes.stream().flatMap(List::stream).sorted().toList();
        assertThat(written).isEqualTo(IntStream.range(0, callers * commitsEach).boxed().toList());
        assertThat(writes.size()).isLessThan(callers * commitsEach / 2);
    }

    /**
     * Group commits recorded in {@link #writes}, whose write of item 0 waits until {@link #release}
     * is counted down, so callers arriving meanwhile queue behind it.
     */
    private final class FirstWriteHeld {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final GroupCommit<Integer> commits;

        /** @param failingItem a write holding this item throws, as a refused transaction would; null for none */
        FirstWriteHeld(int maxItemsPerWrite, Integer failingItem) {
            commits = new GroupCommit<>(items -> {
                if (items.contains(0)) {
                    held.countDown();
                    await(release);
                }
                if (failingItem != null && items.contains(failingItem)) {
                    throw new IllegalStateException("database refused the write");
                }
                writes.add(items);
            }, maxItemsPerWrite);
        }

        /** Commits item 0 on one of the callers; returns once its write has begun and holds. */
        Future<?> startFirstWrite(ExecutorService callers) throws InterruptedException {
            Future<?> first = callers.submit(() -> commits.commit(List.of(0)));
            held.await();
            return first;
        }
    }

    /** Waits until {@code count} callers wait in {@link GroupCommit#commit} for another's write. */
    private static void awaitParked(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> thread.getKey().getState() == Thread.State.WAITING && waitsForAnothersWrite(thread.getValue()))
                .count() < count) {
            assertThat(System.nanoTime()).as("callers waiting").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /** The innermost {@link GroupCommit} frame is {@code commit} itself, not a write it runs. */
    private static boolean waitsForAnothersWrite(StackTraceElement[] stack) {
        return Arrays.stream(stack).filter(frame -> frame.getClassName().equals(GroupCommit.class.getName())).findFirst()
                .filter(frame -> frame.getMethodName().equals("commit")).isPresent();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
