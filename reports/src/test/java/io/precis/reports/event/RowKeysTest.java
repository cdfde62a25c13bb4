package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RowKeys} is the map a {@link LinkedHashMap} of the same entries would be, and immutable. */
class RowKeysTest {
    private static final List<Dimension> COLUMNS = List.of(Dimension.SITE, Dimension.CAMPAIGN, Dimension.DAY);

    @Test
    void actsAsTheLinkedHashMapOfItsColumnsInOrder() {
        RowKeys keys = new RowKeys(COLUMNS, new String[] {"a.example.cn", "c1", "2026-11-03"});
        Map<Dimension, String> same = new LinkedHashMap<>();
        same.put(Dimension.SITE, "a.example.cn");
        same.put(Dimension.CAMPAIGN, "c1");
        same.put(Dimension.DAY, "2026-11-03");
        assertEquals(same, keys);
        assertEquals(keys, same);
        assertEquals(same.hashCode(), keys.hashCode());
        assertEquals(same.toString(), keys.toString());
        assertEquals(List.copyOf(same.entrySet()), List.copyOf(keys.entrySet()));
        assertEquals("c1", keys.get(Dimension.CAMPAIGN));
        assertNull(keys.get(Dimension.REGION));
        assertNull(keys.get("campaign"));
        assertTrue(keys.containsKey(Dimension.DAY));
        assertFalse(keys.containsKey(Dimension.HOUR));
        assertEquals(3, keys.size());
    }

    @Test
    void cannotBeChangedNorMadeOfUnequalLengths() {
        RowKeys keys = new RowKeys(COLUMNS, new String[] {"s", "c", "d"});
        assertThrows(UnsupportedOperationException.class, () -> keys.put(Dimension.SITE, "t"));
        assertThrows(UnsupportedOperationException.class, () -> keys.remove(Dimension.SITE));
        assertThrows(UnsupportedOperationException.class, keys::clear);
        assertThrows(UnsupportedOperationException.class, () -> keys.entrySet().iterator().next().setValue("t"));
        ReportRow row = new ReportRow(keys, Counts.ZERO);
        assertTrue(row.keys() == keys, "a report's own keys are kept, not copied");
        assertThrows(IllegalArgumentException.class, () -> new RowKeys(COLUMNS, new String[] {"s"}));
    }
}
