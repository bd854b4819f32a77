package dev.trellis.engine.memo;

import dev.trellis.engine.plan.PlannedTask;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.AppType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CacheKeyTest {

    private static final AppSpec SLOW_MESSAGE = AppSpec.python("slow_message", "def slow_message(message):\n    return message\n").cached();

    @Test
    void sameCallGivesTheSameKeyWhateverTheArgOrder() {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", Map.of("y", 2, "x", 1));
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", Map.of("x", 1, "y", 2));
        ba.put("a", 1);

        assertThat(CacheKey.of(task(SLOW_MESSAGE), ab, List.of())).isEqualTo(CacheKey.of(task(SLOW_MESSAGE), ba, List.of()));
    }

    @Test
    void numbersThatAreEqualToAUserGiveTheSameKey() {
        assertThat(CacheKey.of(task(SLOW_MESSAGE), Map.of("x", 2), List.of()))
                .isEqualTo(CacheKey.of(task(SLOW_MESSAGE), Map.of("x", 2L), List.of()))
                .isEqualTo(CacheKey.of(task(SLOW_MESSAGE), Map.of("x", 2.0), List.of()));
    }

    @Test
    void aDifferentArgGivesADifferentKey() {
        assertThat(CacheKey.of(task(SLOW_MESSAGE), Map.of("message", "Hello World"), List.of()))
                .isNotEqualTo(CacheKey.of(task(SLOW_MESSAGE), Map.of("message", "Hello World!"), List.of()));
    }

    @Test
    void changedAppBodyOrCacheVersionGivesADifferentKey() {
        AppSpec edited = AppSpec.python("slow_message", "def slow_message(message):\n    return message * 2\n").cached();
        AppSpec bumped = new AppSpec(AppType.PYTHON, null, SLOW_MESSAGE.source(), "slow_message", null, List.of(), null, null,
                true, null, null, List.of(), "2");
        Map<String, Object> args = Map.of("message", "hi");

        String original = CacheKey.of(task(SLOW_MESSAGE), args, List.of());
        assertThat(CacheKey.of(task(edited), args, List.of())).isNotEqualTo(original);
        assertThat(CacheKey.of(task(bumped), args, List.of())).isNotEqualTo(original);
    }

    @Test
    void changedInputContentsGiveADifferentKey() {
        assertThat(CacheKey.of(task(SLOW_MESSAGE), Map.of(), List.of("aa11")))
                .isNotEqualTo(CacheKey.of(task(SLOW_MESSAGE), Map.of(), List.of("bb22")));
    }

    @Test
    void argsInTheIgnoreListDoNotChangeTheKey() {
        AppSpec ignoring = new AppSpec(AppType.PYTHON, null, SLOW_MESSAGE.source(), "slow_message", null, List.of(), null, null,
                true, null, null, List.of("verbose"), null);

        assertThat(CacheKey.of(task(ignoring), Map.of("message", "hi", "verbose", true), List.of()))
                .isEqualTo(CacheKey.of(task(ignoring), Map.of("message", "hi", "verbose", false), List.of()));
    }

    @Test
    void javaAppsAreKeyedByFunctionAndVersion() {
        assertThat(CacheKey.of(task(AppSpec.java("echo", "1").cached()), Map.of("value", 1), List.of()))
                .isNotEqualTo(CacheKey.of(task(AppSpec.java("echo", "2").cached()), Map.of("value", 1), List.of()));
    }

    private static PlannedTask task(AppSpec app) {
        return new PlannedTask("t", "slow_message", app, Map.of(), List.of(), List.of(), Set.of(), List.of(), 1, null);
    }
}
