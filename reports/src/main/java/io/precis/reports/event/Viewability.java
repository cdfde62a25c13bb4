package io.precis.reports.event;

/**
 * What an impression signal says about the ad's viewability (API.md, "Viewability"). The ad tag
 * ({@code GET /precis.js}) measures it; the impression pixel alone does not.
 *
 * <p>An ad is measured once the tag has rendered it; it is viewable by the MRC's definition
 * (the Media Rating Council's display guideline: at least 50% of its pixels in view for at least
 * one continuous second). With the tag an impression is counted, and billed, only when viewable.
 */
public enum Viewability {
    /** The impression pixel without the tag: counts the impression, as it always has. */
    NOT_MEASURED,
    /** The tag rendered the ad: measured, not (yet) an impression; costs nothing. */
    RENDERED,
    /** The tag saw the ad viewable: counts the impression (once per ad), measured and viewable. */
    VIEWABLE
}
