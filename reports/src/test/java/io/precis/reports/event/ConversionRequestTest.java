package io.precis.reports.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.precis.reports.InvalidRequestException;
import org.junit.jupiter.api.Test;

class ConversionRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static String fieldOf(String body) throws Exception {
        JsonNode node = json(body);
        return assertThrows(InvalidRequestException.class, () -> ConversionRequest.parse(node)).field();
    }

    @Test
    void fullBodyIsParsedWithValueInMicros() throws Exception {
        ConversionRequest r = ConversionRequest.parse(json(
                "{\"click\":\"abc\",\"event\":\"signup\",\"value\":199.0,\"currency\":\"USD\",\"id\":\"o-1\"}"));
        assertEquals(new ConversionRequest("abc", "signup", 199_000_000, "USD", "o-1"), r);
    }

    @Test
    void onlyClickIsRequiredAndTheRestDefaults() throws Exception {
        assertEquals(new ConversionRequest("abc", "purchase", 0, "CNY", null),
                ConversionRequest.parse(json("{\"click\":\"abc\"}")));
        assertEquals(new ConversionRequest("abc", "purchase", 0, "CNY", null),
                ConversionRequest.parse(json("{\"click\":\"abc\",\"value\":null,\"id\":null}")));
    }

    @Test
    void valueIsRoundedHalfUpToAMicro() throws Exception {
        assertEquals(1_234_568, ConversionRequest.parse(json("{\"click\":\"a\",\"value\":1.2345675}")).valueMicros());
        assertEquals(7_000_000, ConversionRequest.parse(json("{\"click\":\"a\",\"value\":7}")).valueMicros());
        assertEquals(1_000_000_000_000_000_000L,
                ConversionRequest.parse(json("{\"click\":\"a\",\"value\":1e12}")).valueMicros());
    }

    @Test
    void badBodiesNameTheFieldAtFault() throws Exception {
        assertEquals("body", fieldOf("[]"));
        assertEquals("body", fieldOf("\"click\""));
        assertEquals("click", fieldOf("{}"));
        assertEquals("click", fieldOf("{\"click\":\"  \"}"));
        assertEquals("click", fieldOf("{\"click\":42}"));
        assertEquals("click", fieldOf("{\"click\":\"" + "x".repeat(65) + "\"}"));
        assertEquals("event", fieldOf("{\"click\":\"a\",\"event\":[1]}"));
        assertEquals("event", fieldOf("{\"click\":\"a\",\"event\":\"" + "e".repeat(65) + "\"}"));
        assertEquals("value", fieldOf("{\"click\":\"a\",\"value\":\"199\"}"));
        assertEquals("value", fieldOf("{\"click\":\"a\",\"value\":-0.01}"));
        assertEquals("value", fieldOf("{\"click\":\"a\",\"value\":1000000000000.01}"));
        assertEquals("value", fieldOf("{\"click\":\"a\",\"value\":1e400}"));
        assertEquals("value", fieldOf("{\"click\":\"a\",\"value\":true}"));
        assertEquals("currency", fieldOf("{\"click\":\"a\",\"currency\":\"cny\"}"));
        assertEquals("currency", fieldOf("{\"click\":\"a\",\"currency\":\"CNYX\"}"));
        assertEquals("currency", fieldOf("{\"click\":\"a\",\"currency\":156}"));
        assertEquals("id", fieldOf("{\"click\":\"a\",\"id\":12}"));
        assertEquals("id", fieldOf("{\"click\":\"a\",\"id\":\"" + "o".repeat(129) + "\"}"));
        assertThrows(InvalidRequestException.class, () -> ConversionRequest.parse(null));
    }
}
