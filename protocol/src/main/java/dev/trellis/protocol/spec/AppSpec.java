package dev.trellis.protocol.spec;

import java.util.List;

/**
 * An app, defined once per workflow and invoked by tasks (Parsl's {@code @App}).
 *
 * @param type            bash, python or java
 * @param command         bash: the command template ({@code {inputs[0]}}, {@code {outputs}}, {@code {args.x}})
 * @param source          python: source that defines {@code function}
 * @param function        python: the function to call (default: the app's name); java: the registered name
 * @param version         java: the registered function's version (default "1")
 * @param sites           sites the app may run on; empty means any site
 * @param retries         retries for this app, overriding the workflow's setting
 * @param walltimeSeconds kill an attempt that runs longer than this
 * @param cache           memoize results (Parsl's {@code cache=True})
 * @param stdout          bash: file in the task's working directory that receives stdout
 * @param stderr          bash: file in the task's working directory that receives stderr
 * @param cacheIgnore     args left out of the cache key (a log level, an output directory name...)
 * @param cacheVersion    part of the cache key: change it to invalidate every cached result of the app
 */
public record AppSpec(
        AppType type,
        String command,
        String source,
        String function,
        String version,
        List<String> sites,
        Integer retries,
        Integer walltimeSeconds,
        Boolean cache,
        String stdout,
        String stderr,
        List<String> cacheIgnore,
        String cacheVersion) {

    public AppSpec {
        sites = sites == null ? List.of() : sites;
        cache = cache != null && cache;
        cacheIgnore = cacheIgnore == null ? List.of() : cacheIgnore;
    }

    /** An app that is not cached. */
    public AppSpec(AppType type, String command, String source, String function, String version, List<String> sites,
                   Integer retries, Integer walltimeSeconds, Boolean cache, String stdout, String stderr) {
        this(type, command, source, function, version, sites, retries, walltimeSeconds, cache, stdout, stderr, null, null);
    }

    /** This app with caching on (Parsl's {@code cache=True}). */
    public AppSpec cached() {
        return new AppSpec(type, command, source, function, version, sites, retries, walltimeSeconds, true, stdout, stderr,
                cacheIgnore, cacheVersion);
    }

    public static AppSpec bash(String command, String... sites) {
        return new AppSpec(AppType.BASH, command, null, null, null, List.of(sites), null, null, null, null, null);
    }

    public static AppSpec python(String function, String source, String... sites) {
        return new AppSpec(AppType.PYTHON, null, source, function, null, List.of(sites), null, null, null, null, null);
    }

    public static AppSpec java(String function, String version, String... sites) {
        return new AppSpec(AppType.JAVA, null, null, function, version, List.of(sites), null, null, null, null, null);
    }
}
