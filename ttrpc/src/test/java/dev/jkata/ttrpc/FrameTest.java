package dev.jkata.ttrpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.jkata.proto.rpc.Status;
import dev.jkata.proto.ttrpc.Response;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FrameTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void requestFrameGoldenBytes() {
        Frame f = Frame.request(1, "svc", "m", ByteString.copyFrom(new byte[] {7}), 5);
        // Request: 0a 03 "svc", 12 01 "m", 1a 01 07, 20 05
        String data = "0a03737663" + "12016d" + "1a0107" + "2005";
        assertEquals("0000000d" + "00000001" + "01" + "00" + data, HEX.formatHex(f.encode()));
        assertEquals(f, Frame.decode(f.encode()));
    }

    @Test
    void responseFrameGoldenBytes() {
        Frame f = new Frame.Response(3, Response.newBuilder()
                .setStatus(Status.newBuilder().setCode(12).setMessage("x")).setPayload(ByteString.copyFromUtf8("ab")).build());
        // Response: 0a 05 (status: 08 0c, 12 01 "x"), 12 02 "ab"
        String data = "0a05080c120178" + "12026162";
        assertEquals("0000000b" + "00000003" + "02" + "00" + data, HEX.formatHex(f.encode()));
        assertEquals(f, Frame.decode(f.encode()));
    }

    @Test
    void dataFrameGoldenBytesAndFlags() {
        Frame f = new Frame.Data(0xfffffffd, Frame.FLAG_REMOTE_CLOSED | Frame.FLAG_NO_DATA, new byte[0]);
        assertEquals("00000000" + "fffffffd" + "03" + "05", HEX.formatHex(f.encode()));
        Frame back = Frame.decode(f.encode());
        assertEquals(f, back);
        assertEquals(0xfffffffd, back.streamId());
        assertEquals(5, back.flags());
    }

    @Test
    void headerLayout() {
        FrameHeader h = new FrameHeader(0x00030204, 0x0a0b0c0d, FrameType.RESPONSE, 0x02);
        assertEquals("00030204" + "0a0b0c0d" + "02" + "02", HEX.formatHex(h.encode()));
        assertEquals(h, FrameHeader.decode(h.encode()));
        assertEquals(10, FrameHeader.LENGTH);
    }

    @Test
    void oversizedLengthIsResourceExhausted() {
        byte[] h = HEX.parseHex("00400001" + "00000001" + "01" + "00");
        TtrpcException e = assertThrows(TtrpcException.class, () -> FrameHeader.decode(h));
        assertEquals(Code.RESOURCE_EXHAUSTED, e.code());
        assertTrue(e.getMessage().contains("4194305"), e.getMessage());
        // exactly the maximum is fine
        assertEquals(Frame.MAX_DATA, FrameHeader.decode(HEX.parseHex("00400000" + "00000001" + "03" + "00")).length());
    }

    @Test
    void unknownTypeAndBadRequestAreInvalidArgument() {
        TtrpcException e = assertThrows(TtrpcException.class,
                () -> FrameHeader.decode(HEX.parseHex("00000000" + "00000001" + "09" + "00")));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("type 9"), e.getMessage());
        TtrpcException bad = assertThrows(TtrpcException.class,
                () -> Frame.decode(HEX.parseHex("00000002" + "00000001" + "01" + "00" + "0aff")));
        assertEquals(Code.INVALID_ARGUMENT, bad.code());
        assertTrue(bad.getMessage().contains("undecodable ttrpc request"), bad.getMessage());
    }

    @Test
    void readStopsCleanlyAtEndAndFailsInsideFrame() throws Exception {
        Frame f = new Frame.Data(1, 0, new byte[] {1, 2, 3});
        byte[] two = new byte[26];
        System.arraycopy(f.encode(), 0, two, 0, 13);
        System.arraycopy(f.encode(), 0, two, 13, 13);
        ByteArrayInputStream in = new ByteArrayInputStream(two);
        assertEquals(f, Frame.read(in));
        assertEquals(f, Frame.read(in));
        assertNull(Frame.read(in));
        byte[] cut = java.util.Arrays.copyOf(f.encode(), 12);
        assertThrows(EOFException.class, () -> Frame.read(new ByteArrayInputStream(cut)));
        assertThrows(EOFException.class, () -> Frame.read(new ByteArrayInputStream(new byte[4])));
    }

    @Test
    void encodeRefusesOversizedData() {
        Frame f = new Frame.Data(1, 0, new byte[Frame.MAX_DATA + 1]);
        assertEquals(Code.RESOURCE_EXHAUSTED, assertThrows(TtrpcException.class, f::encode).code());
        assertArrayEquals(new byte[] {0, 0x40, 0, 0}, java.util.Arrays.copyOf(new Frame.Data(1, 0, new byte[Frame.MAX_DATA]).encode(), 4));
    }

    @Test
    void codesRoundTrip() {
        for (Code c : Code.values()) {
            assertEquals(c, Code.of(c.value()));
        }
        assertEquals(Code.UNKNOWN, Code.of(99));
        assertEquals(16, Code.UNAUTHENTICATED.value());
    }
}
