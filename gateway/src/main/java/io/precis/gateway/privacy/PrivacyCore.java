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
import io.precis.consent.signals.GppString;
import io.precis.consent.signals.GeoCoarsening;
import io.precis.consent.signals.IpTruncation;
import io.precis.consent.signals.RequestConsent;
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
    /** Consent shared with the other gateways on the same PostgreSQL; null on the embedded store. */
    private volatile SharedConsent shared;

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

    /**
     * Shares consent with every gateway on {@code db} when it is PostgreSQL: each change is
     * published, and each read takes the newest of this gateway's log and the shared state.
     */
    public void share(io.precis.gateway.storage.Database db) {
        if (db.postgres()) {
            shared = new SharedConsent(db, consent);
        }
    }

    /** The stored choice (or the defaults), looked up under every alias of the person. */
    public ConsentState stored(UserKeys user) {
        ConsentState local = consent.current(user.delivery());
        SharedConsent s = shared;
        if (s == null) {
            return local;
        }
        return s.latest(user.delivery()).map(other -> SharedConsent.newer(local, other)).orElse(local);
    }

    /**
     * Changes the person's consent: {@code change} (purpose → on/off; missing ones keep their
     * value) applied to the current choice, which on a shared store may have been made through
     * another gateway, then recorded durably in this gateway's log and shared.
     */
    public ConsentState update(UserKeys user, java.util.Map<String, Boolean> change, String source) {
        SharedConsent s = shared;
        if (s == null) {
            // One gateway: the consent service applies the change to its own latest state, under its lock.
            return consent.update(user.delivery(), change, source);
        }
        // Shared: the latest choice may have been made through another gateway, so the change
        // is applied to the newest of both and recorded whole.
        java.util.Map<String, Boolean> whole = io.precis.consent.PurposeKeys.toMap(
                io.precis.consent.PurposeKeys.apply(stored(user).purposes(), change));
        ConsentState state = consent.update(user.delivery(), whole, source);
        s.publish(user.delivery().get(0), state);
        return state;
    }

    /**
     * Every recorded change of the person's consent, oldest first: this gateway's log, or on a
     * shared store the database's chain, which holds the changes made through every gateway.
     */
    public java.util.List<ConsentState> history(UserKeys user) {
        SharedConsent s = shared;
        if (s != null) {
            return s.history(user.delivery());
        }
        java.util.List<ConsentState> out = new java.util.ArrayList<>();
        for (var p : user.delivery().reversed()) {
            out.addAll(consent.history(p));
        }
        return out;
    }

    /** On a shared store: checks the database's consent chain and returns its length; -1 on the embedded store. */
    public long verifySharedChain() {
        SharedConsent s = shared;
        return s == null ? -1 : s.verifyChain();
    }

    /** The purposes that apply to one request: stored choice, then a TCF string, then GPC/DNT. */
    public Purposes effective(UserKeys user, String tcf, boolean gpc, boolean dnt) {
        return effective(user, tcf, GppString.NONE, gpc, dnt);
    }

    /** The purposes that apply to one request: stored choice, then TCF and GPP strings, then GPC/DNT. */
    public Purposes effective(UserKeys user, String tcf, GppString gpp, boolean gpc, boolean dnt) {
        return resolve(user, new RequestConsent(tcf, gpp, false), gpc, dnt);
    }

    /**
     * The purposes that apply to one request: stored choice (or the defaults for nobody), then
     * what the request says ({@link ConsentResolver#resolve}).
     */
    public Purposes resolve(UserKeys user, RequestConsent consent, boolean gpc, boolean dnt) {
        Purposes stored = user == null ? defaults : stored(user).purposes();
        return ConsentResolver.resolve(stored, consent, gpc, dnt);
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
