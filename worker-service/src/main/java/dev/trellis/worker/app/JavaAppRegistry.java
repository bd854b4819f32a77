package dev.trellis.worker.app;

import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The java apps this worker can run, by name and version: a workflow names the version it was
 * written against, so a changed function gets a new version rather than silently new behaviour.
 */
public final class JavaAppRegistry {

    /** The version an app spec means when it names none. */
    public static final String DEFAULT_VERSION = "1";

    private record Key(String name, String version) {
        @Override
        public String toString() {
            return name + "@" + version;
        }
    }

    private final Map<Key, JavaApp> apps = new ConcurrentHashMap<>();

    /** @throws IllegalStateException when that name and version is taken */
    public JavaAppRegistry register(String name, String version, JavaApp app) {
        Key key = new Key(name, version);
        if (apps.putIfAbsent(key, app) != null) {
            throw new IllegalStateException("java app " + key + " is already registered");
        }
        return this;
    }

    public Optional<JavaApp> find(String name, String version) {
        return Optional.ofNullable(apps.get(new Key(name, version)));
    }

    /** Every registered app as {@code name@version}, sorted. */
    public SortedSet<String> registered() {
        TreeSet<String> names = new TreeSet<>();
        apps.keySet().forEach(key -> names.add(key.toString()));
        return names;
    }
}
