package io.precis.gateway.ad;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.precis.consent.Purposes;
import io.precis.consent.identity.RawUserId;
import io.precis.gateway.contact.ContactPolicy;
import io.precis.gateway.http.Cors;
import io.precis.gateway.http.JsonBodies;
import io.precis.gateway.http.Routes;
import io.precis.gateway.observability.GatewayMetrics;
import io.precis.gateway.privacy.PrivacyCore;
import io.precis.gateway.privacy.UserKeys;
import io.precis.gateway.users.UserCookie;
import io.precis.matcher.match.AdFilter;
import io.precis.matcher.campaign.ContactRules;
import io.precis.matcher.match.AdQuery;
import io.precis.matcher.match.ContactGate;
import io.precis.matcher.match.CampaignMatcher;
import io.precis.matcher.match.MatchResult;
import io.precis.matcher.match.MatchedAd;
import io.precis.matcher.match.TargetingKind;
import io.precis.matcher.match.UserContext;
import io.precis.matcher.segment.SegmentService;
import io.precis.reports.token.AdServed;
import io.precis.reports.token.TokenKind;
import io.precis.reports.token.TokenSigner;
import io.precis.gateway.workers.WorkerPool;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/ad}: parse, resolve consent and pseudonymise, match, sign one impression and
 * one click token per ad, answer. The raw user id, IP and location stop at the privacy step;
 * matching and signing run on a worker so the event loop only parses and writes. Traced as
 * child spans {@code consent}, {@code match}, {@code rank} and {@code sign} of the request's span
 * (no-ops when tracing is off).
 */
public final class AdRoutes {
    private final WorkerPool pool;
    private final CampaignMatcher matcher;
    private final TokenSigner signer;
    private final GatewayMetrics metrics;
    private final PrivacyCore privacy;
    private final SegmentService segments;
    private final UserCookie cookie;
    private final Clock clock;
    private final Tracer tracer;
    /**
     * The audiences a person's delivery aliases are in (memory only), given the request's
     * purposes: lookalikes only with profiling.
     */
    private final java.util.function.BiFunction<List<io.precis.consent.identity.Pseudonym>, Purposes, Set<String>> audiences;
    /** Stop after conversion and the contact policy: each request's gate, each click token's link. */
    private final ContactPolicy contacts;
    /** Where the ghost impressions of lift tests are recorded. */
    private final io.precis.reports.event.EventStore events;
    /** The real-time triggers that fired through any instance (read only when one could serve). */
    private final io.precis.gateway.behaviour.SharedTriggers triggers;
    private static final System.Logger LOG = System.getLogger(AdRoutes.class.getName());

    public AdRoutes(WorkerPool pool, CampaignMatcher matcher, TokenSigner signer, GatewayMetrics metrics,
                    PrivacyCore privacy, SegmentService segments, UserCookie cookie,
                    Clock clock, Tracer tracer,
                    java.util.function.BiFunction<List<io.precis.consent.identity.Pseudonym>, Purposes, Set<String>> audiences,
                    ContactPolicy contacts, io.precis.reports.event.EventStore events,
                    io.precis.gateway.behaviour.SharedTriggers triggers) {
        this.triggers = triggers;
        this.events = events;
        this.pool = pool;
        this.contacts = contacts;
        this.audiences = audiences;
        this.tracer = tracer;
        this.matcher = matcher;
        this.signer = signer;
        this.metrics = metrics;
        this.privacy = privacy;
        this.segments = segments;
        this.cookie = cookie;
        this.clock = clock;
    }

    public void register(Routes routes) {
        routes.on(HttpMethod.POST, "/v1/ad", ctx -> {
            Cors.allowOrigin(ctx); // the ad tag asks from the publisher's page
            Buffer body = JsonBodies.body(ctx);
            List<String> cookies = UserCookie.sent(ctx);
            Signals signals = new Signals("1".equals(ctx.request().getHeader("Sec-GPC")),
                    "1".equals(ctx.request().getHeader("DNT")));
            Context span = Context.current(); // the request's span, taken on its own context
            // Everything but the I/O on a worker (the pool's one queue): the event loop only hands
            // over the body and writes the answer's bytes. Parsing the request and writing the
            // response on the event loops were half of their time under load (perf/README.md).
            pool.submit(() -> answer(body, cookies, signals, span))
                    .onSuccess(answer -> respond(ctx, answer))
                    .onFailure(ctx::fail);
        });
        routes.on(HttpMethod.OPTIONS, "/v1/ad", ctx -> Cors.preflight(ctx, "POST"));
    }

    /**
     * Who the request is for. The body's user id (the publisher's) wins; a browser slot without
     * one is known by its cookie, if this deployment issued it. A browser without such a cookie
     * gets one only when the request's own consent (the deployment's defaults, or a TCF or GPP
     * string in the request, or GDPR applying without one) grants a purpose that needs an identifier: personalisation, profiling or
     * measurement. Otherwise the ad is chosen without any identifier and nothing is set: showing
     * an ad needs none, and a privacy-first gateway does not plant a 13-month identifier before
     * anyone agreed to what it is for. (A person who saves choices in the privacy centre gets
     * the cookie there; capped campaigns are not served to a browser without one.)
     */
    private Who user(AdRequest parsed, List<String> cookies, Signals signals) {
        if (parsed.user().id() != null) {
            return new Who(new Reader(parsed.user().id(), false), null);
        }
        RawUserId known = cookie.existing(cookies);
        if (known != null) {
            return new Who(new Reader(known, false), null);
        }
        Purposes granted = privacy.resolve(null, parsed.consent(), signals.gpc(), signals.dnt());
        if (granted.personalisation() || granted.profiling() || granted.measurement()) {
            String issued = cookie.issue();
            return new Who(new Reader(RawUserId.ofNullable(issued), true), issued);
        }
        return new Who(new Reader(null, false, granted), null);
    }

    /** The reader of a request, and the cookie to set for it (null for none). */
    private record Who(Reader reader, String newCookie) {}

    /** An answer to {@code /v1/ad}: the body's bytes (null for none: 204), and the cookie to set (or null). */
    record Answer(Buffer body, String newCookie) {}

    /** Parses, serves and encodes one {@code /v1/ad} request; on a worker. */
    Answer answer(Buffer body, List<String> cookies, Signals signals, Context span) {
        var json = JsonBodies.object(body);
        List<AdRequest> slots = AdRequestParser.parseSlots(json);
        AdRequest parsed = slots == null ? AdRequestParser.parse(json, null) : slots.get(0);
        Who who = user(parsed, cookies, signals);
        return new Answer(JsonBodies.encode(slots == null ? serve(parsed, who.reader(), signals, span)
                : serve(slots, who.reader(), signals, span)), who.newCookie());
    }

    /**
     * Who an ad request is for: {@code id} null for nobody; {@code fresh} when the id was minted
     * by this very request (a new cookie), so no behaviour can be stored under it yet and its
     * segments are not looked up (a store read per first visit was a tenth of the gateway's CPU
     * under load, for readers whose clients keep no cookies). {@code anonymous}: for a reader
     * without an id, the purposes its request's own signals grant when already resolved (to
     * decide on a cookie), so that a TCF string is decoded once per request, not twice; else null.
     */
    record Reader(RawUserId id, boolean fresh, Purposes anonymous) {
        static final Reader NONE = new Reader(null, false);

        Reader {
            if (anonymous != null && id != null) {
                throw new IllegalArgumentException("a reader with an id has its own stored choices");
            }
        }

        Reader(RawUserId id, boolean fresh) {
            this(id, fresh, null);
        }
    }

    /** The browser's privacy signals for this one request. */
    record Signals(boolean gpc, boolean dnt) {}

    private void respond(RoutingContext ctx, Answer answer) {
        if (answer.newCookie() != null) {
            cookie.set(ctx, answer.newCookie());
        }
        Buffer body = answer.body();
        boolean filled = body != null;
        metrics.adRequest(filled);
        ctx.response().putHeader("Cache-Control", "no-store");
        if (!filled) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        JsonBodies.sendEncoded(ctx, 200, body);
    }

    /** The response body, or null when nothing is eligible; its spans are children of {@code parent}. */
    ObjectNode serve(AdRequest req, Reader reader, Signals signals, Context parent) {
        List<Placed> placed = place(req, reader, signals, AdFilter.NONE, parent);
        if (placed.isEmpty()) {
            return null;
        }
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        out.put("requestId", req.requestId());
        ArrayNode list = out.putArray("ads");
        placed.forEach(p -> list.add(render(p)));
        return out;
    }

    /**
     * The response body of a multi-slot request, or null when no slot got an ad: each slot
     * matched as a request of its own would be, its ads marked with the slot's id.
     */
    ObjectNode serve(List<AdRequest> slots, Reader reader, Signals signals, Context parent) {
        ObjectNode out = JsonBodies.MAPPER.createObjectNode();
        out.put("requestId", slots.get(0).requestId());
        ArrayNode list = out.putArray("ads");
        for (AdRequest req : slots) {
            place(req, reader, signals, AdFilter.NONE, parent).forEach(p -> list.add(render(p).put("slot", req.slot().id())));
        }
        return list.isEmpty() ? null : out;
    }

    /**
     * One ad chosen for a request, with its signed tracking URLs (relative to the gateway):
     * what {@code /v1/ad} renders as JSON and {@code /openrtb2/bid} as a bid.
     */
    record Placed(MatchedAd ad, String impressionUrl, String clickUrl) {}

    /**
     * The ads chosen for {@code req} (empty when nothing is eligible) among those {@code filter}
     * admits, each with its caps reserved, budget held and tokens signed; its spans are children
     * of {@code parent}.
     */
    List<Placed> place(AdRequest req, Reader reader, Signals signals, AdFilter filter, Context parent) {
        return place(req, reader, signals, filter, ContactRules.WEB, parent);
    }

    /**
     * {@link #place(AdRequest, Reader, Signals, AdFilter, Context)} for {@code channel}: only
     * campaigns that declare it, within the person's contact policy and stop after conversion.
     */
    List<Placed> place(AdRequest req, Reader reader, Signals signals, AdFilter filter, String channel,
                       Context parent) {
        Span consent = tracer.spanBuilder("consent").setParent(parent).startSpan();
        UserKeys keys;
        Purposes purposes;
        UserContext user;
        try {
            keys = reader.id() == null ? null : privacy.keysOf(reader.id());
            purposes = reader.anonymous() != null ? reader.anonymous()
                    : privacy.resolve(keys, req.consent(), signals.gpc(), signals.dnt());
            user = userContext(req.user(), keys, purposes, reader.fresh());
        } finally {
            consent.end();
        }
        ContactGate gate = contacts.gate(keys, channel);
        AdQuery query = new AdQuery(req.slot().format(), req.slot().site(), req.page(), clock.instant(),
                req.count(), purposes, user, filter, gate);
        MatchSpans stages = new MatchSpans(tracer, parent);
        List<MatchedAd> ads = List.of();
        try {
            MatchResult match = matcher.matchResult(query, stages);
            metrics.matchCandidates(match.candidates(), match.evaluated());
            ads = match.ads();
            recordGhosts(req, keys, purposes, match.heldOut());
        } finally {
            stages.end(ads.size());
        }
        if (ads.isEmpty()) {
            return List.of();
        }
        Span sign = tracer.spanBuilder("sign").setParent(parent).startSpan();
        try {
            return signed(req, keys, purposes, ads, channel);
        } finally {
            sign.end();
        }
    }

    /**
     * Records a ghost impression ("would have served") for each ad a lift test held the person
     * out of, with their measurement pseudonym when they gave measurement consent (then they
     * count in the test's held-out group). Not waited for: the ad served instead does not wait
     * on the event writer; a ghost the writer refuses (queue full, closed) is counted as such.
     */
    private void recordGhosts(AdRequest req, UserKeys keys, Purposes purposes, List<MatchedAd> heldOut) {
        if (heldOut.isEmpty()) {
            return;
        }
        String measurement = measurementPseudonym(keys, purposes);
        String region = coarseRegion(req.user().region());
        for (MatchedAd ad : heldOut) {
            counted(events.recordGhost(served(req, ad, measurement, region)), "ghost_impression");
        }
    }

    /** Counts a lift test's record when the writer took it, or that it was refused (never waited for). */
    private void counted(java.util.concurrent.CompletableFuture<Boolean> record, String kind) {
        record.whenComplete((recorded, failure) -> {
            if (failure == null) {
                metrics.event(kind, recorded);
            } else {
                metrics.rejected(kind + "_not_recorded");
                // The failure names no person: its class is enough to tell overload from a fault.
                LOG.log(System.Logger.Level.WARNING, "a lift test's " + kind + " was not recorded: "
                        + failure.getClass().getSimpleName());
            }
        });
    }

    private static String measurementPseudonym(UserKeys keys, Purposes purposes) {
        return keys != null && purposes.measurement() ? keys.currentMeasurement().value() : null;
    }

    /** Each ad with its signed impression and click tokens, which say its channel (reports break down by it). */
    private List<Placed> signed(AdRequest req, UserKeys keys, Purposes purposes, List<MatchedAd> ads, String channel) {
        String measurement = measurementPseudonym(keys, purposes);
        String region = coarseRegion(req.user().region());
        List<Placed> out = new java.util.ArrayList<>(ads.size());
        for (MatchedAd ad : ads) {
            AdServed served = served(req, ad, measurement, region).withChannel(channel);
            if (ad.campaign().holdout() > 0 && measurement != null) {
                // Served to a person of a lift test: the exposed group, chosen where the ghosts are.
                counted(events.recordExposure(served), "lift_exposure");
            }
            // Only the click token links a conversion to the person (ContactPolicy#conversionLink).
            AdServed clicked = served.withConversionLink(contacts.conversionLink(ad.campaign(), keys, purposes));
            // Tokens are URL-safe base64 without padding: nothing in them needs escaping.
            out.add(new Placed(ad, "/v1/t/imp?t=" + signer.issue(TokenKind.IMPRESSION, served),
                    "/v1/t/click?t=" + signer.issue(TokenKind.CLICK, clicked)));
        }
        return out;
    }

    /**
     * What the matcher may know of the user: demographics and segments only with
     * personalisation, a location only as coarse as the consent allows, and the delivery
     * pseudonym for frequency caps, and the customer lists the person is in, whatever the
     * consent: the matcher uses include lists only with personalisation, while exclude and
     * caution lists, which only remove or damp ads, apply to everyone. Nothing else reaches it.
     */
    private UserContext userContext(AdRequest.User u, UserKeys keys, Purposes purposes, boolean fresh) {
        if (keys == null && u.yob() == null && u.gender() == null && u.region() == null && u.lat() == null) {
            return UserContext.ANONYMOUS;
        }
        boolean personal = purposes.personalisation();
        Set<String> userSegments = personal && keys != null && !fresh ? segments.segments(keys.delivery()) : Set.of();
        if (!purposes.profiling() && userSegments.stream().anyMatch(s -> s.startsWith("trigger:"))) {
            // A trigger reacts to what the person just did: it needs profiling as well.
            userSegments = userSegments.stream().filter(s -> !s.startsWith("trigger:"))
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
        } else if (personal && purposes.profiling() && keys != null && !fresh) {
            userSegments = withSharedTriggers(keys, userSegments);
        }
        Set<String> lists = keys == null || fresh ? Set.of() : audiences.apply(keys.delivery(), purposes);
        return new UserContext(keys == null ? null : keys.current(),
                personal ? u.yob() : null, personal ? u.gender() : null, personal ? u.region() : null,
                PrivacyCore.location(u.lat(), u.lon(), purposes), userSegments, lists);
    }

    /**
     * {@code local} with the triggers that fired through another instance and still run: one
     * read of the shared store (on this matcher thread, never an event loop), made only when a
     * campaign with a trigger serves; nothing to read with one instance. A shared store that
     * cannot be reached leaves the local triggers.
     */
    private Set<String> withSharedTriggers(UserKeys keys, Set<String> local) {
        if (!triggers.shared() || !segments.hasTriggers()) {
            return local;
        }
        java.time.Instant now = clock.instant();
        java.util.Map<String, java.time.Instant> shared;
        try {
            shared = triggers.read(keys.delivery());
        } catch (io.precis.gateway.storage.StoreUnavailableException e) {
            // Redis away: the triggers this instance knows still apply; the ad is not refused for it.
            LOG.log(System.Logger.Level.WARNING, "shared triggers not read: " + e.getClass().getSimpleName());
            return local;
        }
        Set<String> out = null;
        for (var fired : shared.entrySet()) {
            if (now.isBefore(fired.getValue()) && !local.contains(fired.getKey())) {
                out = out == null ? new java.util.HashSet<>(local) : out;
                out.add(fired.getKey());
            }
        }
        return out == null ? local : Set.copyOf(out);
    }

    private static final java.util.regex.Pattern REGION =
            java.util.regex.Pattern.compile("[A-Z]{2}(-[0-9A-Z]{1,3})?(-[0-9A-Z]{1,6})?");

    /** A region code cut to its province ({@code CN-11-0105} → {@code CN-11}) for reports. */
    static String coarseRegion(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            return null;
        }
        String[] parts = region.split("-");
        return parts.length == 1 ? parts[0] : parts[0] + "-" + parts[1];
    }

    /** What the tokens of one served ad say about it (the matcher's fresh random ad id). */
    private static AdServed served(AdRequest req, MatchedAd ad, String measurementPseudonym, String region) {
        List<String> matchedBy = ad.matchedBy().stream().map(TargetingKind::jsonName).toList();
        return new AdServed(ad.adId(), ad.campaign().advertiserId(), ad.campaign().id(),
                ad.creative().id(), req.slot().id(), req.slot().site(), matchedBy,
                ad.campaign().bid().model().name(), toMicros(ad.price()), measurementPseudonym, region);
    }

    /** An ad as {@code /v1/ad} answers it (and, with more fields, {@code /v1/decide}). */
    static ObjectNode render(Placed placed) {
        MatchedAd ad = placed.ad();
        ObjectNode o = JsonBodies.MAPPER.createObjectNode();
        o.put("campaignId", ad.campaign().id());
        o.put("creativeId", ad.creative().id());
        o.put("format", ad.creative().format());
        o.put("title", ad.creative().title());
        o.put("imageUrl", ad.creative().imageUrl());
        o.put("impressionUrl", placed.impressionUrl());
        o.put("clickUrl", placed.clickUrl());
        ArrayNode by = o.putArray("matchedBy");
        ad.matchedBy().forEach(k -> by.add(k.jsonName()));
        return o;
    }

    /** Money in micro-units (10^-6) of the currency, the unit events are stored in. */
    static long toMicros(BigDecimal amount) {
        return amount.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

}
