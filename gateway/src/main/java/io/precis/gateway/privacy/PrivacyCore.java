package io.precis.gateway.privacy;

import io.precis.consent.ConsentService;
import io.precis.consent.ConsentState;
import io.precis.consent.Purposes;
import io.precis.consent.identity.GeoPoint;
import io.precis.consent.identity.IpPrefix;
import io.precis.consent.identity.RawIp;
import io.precis.consent.identity.RawUserId;
import io.precis.consent.pseudonym.Pseudonymiser;
import io.precis.consent.signals.ConsentResolver;
import io.precis.consent.signals.GeoCoarsening;
import io.precis.consent.signals.IpTruncation;
import io.precis.consent.vault.UserVault;
import io.precis.gateway.GatewayConfig;
import java.time.Clock;

/**
 * The gateway's door to the consent module: raw ids become pseudonyms here and go no further,
 * IPs are truncated and locations coarsened here, and the effective purposes of a request are
 * resolved here. Everything after this class sees only {@link UserKeys}, {@link IpPrefix} and
 * {@link GeoPoint}.
 */
public final class PrivacyCore implements AutoCloseable {
    /** The consent policy version receipts name; TCF policy 4 is the least the issue accepts. */
    static final String POLICY_VERSION = "4";

    private final Pseudonymiser pseudonyms;
    private final ConsentService consent;
    private final UserVault vault;
    private final Purposes defaults;

    private PrivacyCore(Pseudonymiser pseudonyms, ConsentService consent, UserVault vault, Purposes defaults) {
        this.pseudonyms = pseudonyms;
        this.consent = consent;
        this.vault = vault;
        this.defaults = defaults;
    }

    public static PrivacyCore open(GatewayConfig config, Clock clock) {
        var keys = config.keysDirOrDefault();
        Pseudonymiser ps = Pseudonymiser.open(keys, config.pseudonymOverlap(), clock, System.getenv());
        ConsentService cs = ConsentService.open(config.dataDir(), keys, config.defaultPurposes(), POLICY_VERSION, clock);
        UserVault vault = UserVault.open(config.dataDir(), keys);
        return new PrivacyCore(ps, cs, vault, config.defaultPurposes());
    }

    /** The person's pseudonyms; the raw id is not kept. */
    public UserKeys keysOf(RawUserId id) {
        return new UserKeys(pseudonyms.deliveryAliases(id), pseudonyms.measurementAliases(id));
    }

    /** The stored choice (or the defaults), looked up under every alias of the person. */
    public ConsentState stored(UserKeys user) {
        return consent.current(user.delivery());
    }

    /** The purposes that apply to one request: stored choice, then a TCF string, then GPC/DNT. */
    public Purposes effective(UserKeys user, String tcf, boolean gpc, boolean dnt) {
        Purposes stored = user == null ? defaults : stored(user).purposes();
        return ConsentResolver.effective(stored, tcf, gpc, dnt);
    }

    public static IpPrefix truncate(RawIp ip) {
        return ip == null ? null : IpTruncation.truncate(ip);
    }

    public static GeoPoint location(Double lat, Double lon, Purposes purposes) {
        if (lat == null || lon == null) {
            return null;
        }
        return GeoCoarsening.apply(lat, lon, purposes.preciseGeo());
    }

    public ConsentService consent() {
        return consent;
    }

    public UserVault vault() {
        return vault;
    }

    public Pseudonymiser pseudonyms() {
        return pseudonyms;
    }

    @Override
    public void close() {
        consent.close();
    }
}
