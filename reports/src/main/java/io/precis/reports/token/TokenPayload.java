package io.precis.reports.token;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact binary form of a {@link TrackingToken}, the plaintext that {@link TokenSigner} seals.
 * Binary rather than JSON: field names and quotes would make up a third of it, and every byte
 * is paid for twice in a URL (base64, then on every impression and click link of a page).
 *
 * <p>Layout (big-endian): version byte {@value #VERSION}, kind code (one ASCII byte), issued-at
 * and expires-at (epoch seconds, 8 bytes each), ad id, advertiser id, campaign id, creative id,
 * slot, site, the count of matchedBy kinds (one byte) and each kind, the bid model's index in
 * {@link #BID_MODELS} (one byte), price in micros (8 bytes), pseudonym, region, and from version 3 the conversion link and the channel. Each string is
 * a 2-byte length then its UTF-8 bytes; length {@value #NULL_LENGTH} is a null string.
 */
final class TokenPayload {
    static final int VERSION = 3;
    /** Tokens issued before the conversion link existed: still valid for their lifetime. */
    private static final int VERSION_WITHOUT_LINK = 2;
    private static final int NULL_LENGTH = 0xFFFF;
    /** Index order is part of the format: append only. */
    private static final List<String> BID_MODELS = List.of("CPM", "CPC", "CPA");

    private TokenPayload() {
    }

    static byte[] encode(TrackingToken t) {
        AdServed ad = t.ad();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(192);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(t.kind().code().charAt(0));
            out.writeLong(t.issuedAt().getEpochSecond());
            out.writeLong(t.expiresAt().getEpochSecond());
            for (String s : new String[] {ad.adId(), ad.advertiserId(), ad.campaignId(), ad.creativeId(),
                    ad.slot(), ad.site()}) {
                string(out, s);
            }
            out.writeByte(ad.matchedBy().size()); // at most AdServed.MAX_MATCHED_BY (16)
            for (String m : ad.matchedBy()) {
                string(out, m);
            }
            out.writeByte(BID_MODELS.indexOf(ad.bidModel()));
            out.writeLong(ad.priceMicros());
            string(out, ad.pseudonym());
            string(out, ad.region());
            string(out, ad.conversionLink());
            string(out, ad.channel());
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
        return bytes.toByteArray();
    }

    /** Parses a payload; any deviation from {@link #encode}'s layout is {@code malformed}. */
    static TrackingToken decode(byte[] payload) throws InvalidTokenException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int version = in.readUnsignedByte();
            if (version != VERSION && version != VERSION_WITHOUT_LINK) {
                throw malformed();
            }
            TokenKind kind = TokenKind.ofCode(String.valueOf((char) in.readUnsignedByte()));
            if (kind == null) {
                throw malformed();
            }
            Instant issuedAt = Instant.ofEpochSecond(in.readLong());
            Instant expiresAt = Instant.ofEpochSecond(in.readLong());
            String adId = string(in);
            String advertiser = string(in);
            String campaign = string(in);
            String creative = string(in);
            String slot = string(in);
            String site = string(in);
            int kinds = in.readUnsignedByte();
            List<String> matchedBy = new ArrayList<>(kinds);
            for (int i = 0; i < kinds; i++) {
                matchedBy.add(string(in));
            }
            int model = in.readUnsignedByte();
            if (model >= BID_MODELS.size()) {
                throw malformed();
            }
            long price = in.readLong();
            String pseudonym = string(in);
            String region = string(in);
            String link = version == VERSION ? string(in) : null;
            String channel = version == VERSION ? string(in) : null;
            if (in.read() != -1) {
                throw malformed(); // trailing bytes
            }
            AdServed ad = new AdServed(adId, advertiser, campaign, creative, slot, site, matchedBy,
                    BID_MODELS.get(model), price, pseudonym, region, link, channel);
            return new TrackingToken(kind, ad, issuedAt, expiresAt);
        } catch (IOException | RuntimeException e) {
            // Truncated input, bad field values (AdServed validation), out-of-range instants.
            throw malformed();
        }
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeShort(NULL_LENGTH);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8); // AdServed caps every string far below 64 KiB
        out.writeShort(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        if (n == NULL_LENGTH) {
            return null;
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("truncated");
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private static InvalidTokenException malformed() {
        return new InvalidTokenException("malformed");
    }
}
