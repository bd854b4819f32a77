package dev.trellis.engine.site;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SiteSelectorTest {

    private final SiteSelector selector = new SiteSelector();
    private final Map<String, Double> load = Map.of("threads", 0.5, "ipp", 2.0, "gpu", 0.25);

    @Test
    void aTaskMayRunOnOneOfItsSitesElseOnTheDefaultSiteElseAnywhere() {
        assertThat(selector.allows(List.of("threads", "ipp"), "gpu", "ipp")).isTrue();
        assertThat(selector.allows(List.of("threads"), null, "ipp")).isFalse();
        assertThat(selector.allows(List.of(), "ipp", "ipp")).isTrue();
        assertThat(selector.allows(List.of(), "ipp", "gpu")).isFalse();
        assertThat(selector.allows(List.of(), null, "gpu")).isTrue();
    }

    @Test
    void aPinnedTaskGoesToTheLeastLoadedOfItsSites() {
        assertThat(selector.select(List.of("threads", "ipp"), null, load)).contains("threads");
    }

    @Test
    void aPinnedTaskIgnoresTheDefaultSite() {
        assertThat(selector.select(List.of("ipp"), "gpu", load)).contains("ipp");
    }

    @Test
    void anUnpinnedTaskGoesToTheWorkflowsDefaultSite() {
        assertThat(selector.select(List.of(), "ipp", load)).contains("ipp");
    }

    @Test
    void anUnpinnedTaskWithoutADefaultGoesToTheLeastLoadedSiteOfAll() {
        assertThat(selector.select(List.of(), null, load)).contains("gpu");
    }

    @Test
    void aDefaultSiteThatNoLongerExistsFallsBackToTheLeastLoaded() {
        assertThat(selector.select(List.of(), "gone", load)).contains("gpu");
    }

    @Test
    void tiesGoToTheFirstNameInAlphabeticalOrder() {
        Map<String, Double> even = Map.of("c", 1.0, "a", 1.0, "b", 1.0);

        assertThat(selector.select(List.of(), null, even)).contains("a");
        assertThat(selector.select(List.of("c", "b"), null, even)).contains("b");
    }

    @Test
    void pinnedSitesThatNoLongerExistAreSkippedAndNoneLeftMeansNoSite() {
        assertThat(selector.select(List.of("gone", "ipp"), null, load)).contains("ipp");
        assertThat(selector.select(List.of("gone"), null, load)).isEmpty();
        assertThat(selector.select(List.of(), null, Map.of())).isEmpty();
    }
}
