package io.precis.consent.crypto;

import org.bouncycastle.util.Arrays;

/** Comparisons whose time does not depend on where two secrets first differ. */
public final class ConstantTime {
    private ConstantTime() {}

    /** True when both arrays are non-null, of equal length and equal content. */
    public static boolean equals(byte[] a, byte[] b) {
        if (a == null || b == null) {
            return false;
        }
        return Arrays.constantTimeAreEqual(a, b);
    }
}
