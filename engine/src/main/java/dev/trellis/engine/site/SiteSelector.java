package dev.trellis.engine.site;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the site a ready task goes to. A pinned task goes to the least-loaded of its sites; an
 * unpinned one to the workflow's default site when it has one, else to the least-loaded site of all.
 * Ties go to the first name in alphabetical order, so the choice is reproducible.
 */
public final class SiteSelector {

    private static final Comparator<Map.Entry<String, Double>> LEAST_LOADED =
            Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey());

    /**
     * @param candidates  the sites the task may run on; empty means any site
     * @param defaultSite the workflow's default site for unpinned tasks, or null
     * @param loadBySite  every site that exists now, with its load: queued + running tasks per slot
     * @return empty when none of the candidates exists any more
     */
    public Optional<String> select(List<String> candidates, String defaultSite, Map<String, Double> loadBySite) {
        if (candidates.isEmpty() && defaultSite != null && loadBySite.containsKey(defaultSite)) {
            return Optional.of(defaultSite);
        }
        Collection<String> eligible = candidates.isEmpty() ? loadBySite.keySet() : candidates;
        return loadBySite.entrySet().stream()
                .filter(site -> eligible.contains(site.getKey()))
                .min(LEAST_LOADED)
                .map(Map.Entry::getKey);
    }

    /** Whether a task may run on {@code site}: one of its sites if pinned, else the default site if the workflow has one. */
    public boolean allows(List<String> candidates, String defaultSite, String site) {
        if (!candidates.isEmpty()) {
            return candidates.contains(site);
        }
        return defaultSite == null || defaultSite.equals(site);
    }
}
