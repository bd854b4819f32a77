package dev.trellis.engine.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds dependency cycles. Kahn's algorithm peels off every task that is not stuck behind a cycle
 * (linear, and usually all of them); Tarjan's algorithm then splits what is left into strongly
 * connected groups, and a breadth-first walk names one shortest cycle through each group.
 * Iterative throughout, so a chain of 100,000 tasks cannot overflow the stack.
 */
final class CycleFinder {

    private final int size;
    /** Dependents of node v (the edge v -> w means w needs v) are {@code edges[edgeStart[v] .. edgeStart[v+1])}. */
    private final int[] edgeStart;
    private final int[] edges;

    private CycleFinder(List<PlannedTask> tasks) {
        size = tasks.size();
        Map<String, Integer> nodeOf = new HashMap<>(size * 2);
        for (int i = 0; i < size; i++) {
            nodeOf.putIfAbsent(tasks.get(i).id(), i);
        }
        List<int[]> pairs = new ArrayList<>();
        int[] outDegree = new int[size];
        for (int w = 0; w < size; w++) {
            for (String dependency : tasks.get(w).dependencies()) {
                Integer v = nodeOf.get(dependency);
                // Dependencies outside the list (tasks planned earlier) cannot close a cycle.
                if (v != null) {
                    pairs.add(new int[]{v, w});
                    outDegree[v]++;
                }
            }
        }
        edgeStart = new int[size + 1];
        for (int v = 0; v < size; v++) {
            edgeStart[v + 1] = edgeStart[v] + outDegree[v];
        }
        edges = new int[pairs.size()];
        int[] fill = Arrays.copyOf(edgeStart, size);
        for (int[] pair : pairs) {
            edges[fill[pair[0]]++] = pair[1];
        }
    }

    /** Each cycle as task ids in dependency order, ending with the task it starts from. */
    static List<List<String>> cycles(List<PlannedTask> tasks) {
        CycleFinder finder = new CycleFinder(tasks);
        boolean[] stuck = finder.stuckBehindCycles();
        List<List<String>> cycles = new ArrayList<>();
        for (int[] group : finder.cyclicGroups(stuck)) {
            List<String> cycle = new ArrayList<>();
            for (int node : finder.shortestCycleThrough(group)) {
                cycle.add(tasks.get(node).id());
            }
            cycles.add(cycle);
        }
        return cycles;
    }

    /** Kahn's algorithm: the nodes that never reach in-degree zero are on or behind a cycle. */
    private boolean[] stuckBehindCycles() {
        int[] inDegree = new int[size];
        for (int edge : edges) {
            inDegree[edge]++;
        }
        ArrayDeque<Integer> free = new ArrayDeque<>();
        for (int v = 0; v < size; v++) {
            if (inDegree[v] == 0) {
                free.add(v);
            }
        }
        boolean[] stuck = new boolean[size];
        Arrays.fill(stuck, true);
        while (!free.isEmpty()) {
            int v = free.poll();
            stuck[v] = false;
            for (int e = edgeStart[v]; e < edgeStart[v + 1]; e++) {
                if (--inDegree[edges[e]] == 0) {
                    free.add(edges[e]);
                }
            }
        }
        return stuck;
    }

    /** Tarjan's strongly connected components among stuck nodes, keeping those that hold a cycle. */
    private List<int[]> cyclicGroups(boolean[] stuck) {
        int[] order = new int[size];
        int[] low = new int[size];
        int[] nextEdge = new int[size];
        Arrays.fill(order, -1);
        boolean[] onStack = new boolean[size];
        int[] stack = new int[size];
        int[] calls = new int[size];
        int stackTop = 0;
        int counter = 0;
        List<int[]> groups = new ArrayList<>();
        for (int root = 0; root < size; root++) {
            if (!stuck[root] || order[root] >= 0) {
                continue;
            }
            int callTop = 0;
            order[root] = low[root] = counter++;
            nextEdge[root] = edgeStart[root];
            stack[stackTop++] = root;
            onStack[root] = true;
            calls[callTop++] = root;
            while (callTop > 0) {
                int v = calls[callTop - 1];
                if (nextEdge[v] < edgeStart[v + 1]) {
                    int w = edges[nextEdge[v]++];
                    if (!stuck[w]) {
                        continue;
                    }
                    if (order[w] < 0) {
                        order[w] = low[w] = counter++;
                        nextEdge[w] = edgeStart[w];
                        stack[stackTop++] = w;
                        onStack[w] = true;
                        calls[callTop++] = w;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], order[w]);
                    }
                    continue;
                }
                callTop--;
                if (callTop > 0) {
                    int parent = calls[callTop - 1];
                    low[parent] = Math.min(low[parent], low[v]);
                }
                if (low[v] == order[v]) {
                    int start = stackTop;
                    do {
                        start--;
                        onStack[stack[start]] = false;
                    } while (stack[start] != v);
                    int[] group = Arrays.copyOfRange(stack, start, stackTop);
                    stackTop = start;
                    if (group.length > 1 || dependsOnItself(v)) {
                        Arrays.sort(group);
                        groups.add(group);
                    }
                }
            }
        }
        groups.sort((a, b) -> Integer.compare(a[0], b[0]));
        return groups;
    }

    private boolean dependsOnItself(int v) {
        for (int e = edgeStart[v]; e < edgeStart[v + 1]; e++) {
            if (edges[e] == v) {
                return true;
            }
        }
        return false;
    }

    /** Breadth-first from the group's first-declared node back to itself, within the group. */
    private List<Integer> shortestCycleThrough(int[] group) {
        int start = group[0];
        Map<Integer, Integer> cameFrom = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            int v = queue.poll();
            for (int e = edgeStart[v]; e < edgeStart[v + 1]; e++) {
                int w = edges[e];
                if (w == start) {
                    List<Integer> cycle = new ArrayList<>();
                    for (Integer node = v; node != null; node = cameFrom.get(node)) {
                        cycle.add(node);
                    }
                    Collections.reverse(cycle);
                    cycle.add(start);
                    return cycle;
                }
                if (Arrays.binarySearch(group, w) >= 0 && w != start && !cameFrom.containsKey(w)) {
                    cameFrom.put(w, v);
                    queue.add(w);
                }
            }
        }
        throw new IllegalStateException("a strongly connected group without a cycle through " + start);
    }
}
