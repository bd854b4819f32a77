package dev.trellis.engine.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An arg whose value is another task's result, kept in the plan so the run can substitute the
 * result when the task is dispatched (a Parsl future passed as an argument).
 */
public sealed interface ResultReference {

    /** The tasks whose results the arg takes. */
    List<String> taskIds();

    /** The arg's value, given each referenced task's result. */
    Object resolve(Function<String, Object> resultOf);

    /** {@code ${task.result}}: the arg is that task's result. */
    record ResultRef(String taskId) implements ResultReference {
        @Override
        public List<String> taskIds() {
            return List.of(taskId);
        }

        @Override
        public Object resolve(Function<String, Object> resultOf) {
            return resultOf.apply(taskId);
        }
    }

    /** {@code ${gen-*.result}}: the arg is the list of the matching tasks' results, in task order. */
    record ResultListRef(List<String> taskIds) implements ResultReference {
        public ResultListRef {
            taskIds = List.copyOf(taskIds);
        }

        @Override
        public Object resolve(Function<String, Object> resultOf) {
            // ArrayList, not List.of: results may be null.
            List<Object> results = new ArrayList<>(taskIds.size());
            for (String taskId : taskIds) {
                results.add(resultOf.apply(taskId));
            }
            return results;
        }
    }
}
