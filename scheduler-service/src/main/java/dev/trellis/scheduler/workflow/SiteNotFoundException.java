package dev.trellis.scheduler.workflow;

/** No configured site by this name, or not one the request applies to. */
public class SiteNotFoundException extends RuntimeException {

    public SiteNotFoundException(String site, String why) {
        super("site '" + site + "': " + why);
    }
}
