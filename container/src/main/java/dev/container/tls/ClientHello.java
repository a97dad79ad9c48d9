package dev.container.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The things of a TLS ClientHello (RFC 8446 §4.1.2) that certificate selection for tls-alpn-01
 * and OCSP stapling need, read without consuming anything: the SNI host name, the offered ALPN
 * protocols and whether the client asks for a stapled OCSP response. Reads the handshake message
 * across several records when it was split. Stateless.
 *
 * @param complete false when the bytes end before the ClientHello does (read again with more)
 * @param serverName the SNI host name, or null
 * @param protocols the offered ALPN protocols, in the client's order
 * @param statusRequest whether the client sent the status_request extension (RFC 6066 §8): it takes a staple
 */
record ClientHello(boolean complete, String serverName, List<String> protocols, boolean statusRequest) {
    static final ClientHello INCOMPLETE = new ClientHello(false, null, List.of(), false);
    /** Not a ClientHello at all (or a malformed one): nothing to learn, let the engine deal with it. */
    static final ClientHello NONE = new ClientHello(true, null, List.of(), false);
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int EXT_SERVER_NAME = 0;
    private static final int EXT_STATUS_REQUEST = 5;
    private static final int EXT_ALPN = 16;

    /**
     * Whether the buffer holds at least the whole first TLS record (a ClientHello split over
     * several records may still be incomplete then).
     */
    static boolean firstRecordComplete(ByteBuffer records) {
        int p = records.position();
        return records.remaining() >= 5 && records.remaining() >= 5 + (records.getShort(p + 3) & 0xffff);
    }

    /** Parses from the buffer's position to its limit; the buffer is left as it was. */
    static ClientHello peek(ByteBuffer records) {
        ByteBuffer in = records.duplicate();
        ByteBuffer message = ByteBuffer.allocate(Math.min(in.remaining(), 1 << 16));
        int needed = -1;
        while (true) {
            if (in.remaining() < 5) {
                return INCOMPLETE;
            }
            int type = in.get() & 0xff;
            in.getShort(); // record version
            int length = in.getShort() & 0xffff;
            if (type != HANDSHAKE) {
                return NONE;
            }
            if (in.remaining() < length) {
                return INCOMPLETE;
            }
            if (message.remaining() < length) {
                return NONE; // larger than any ClientHello we care about
            }
            ByteBuffer fragment = in.slice().limit(length);
            in.position(in.position() + length);
            message.put(fragment);
            if (needed < 0 && message.position() >= 4) {
                if ((message.get(0) & 0xff) != CLIENT_HELLO) {
                    return NONE;
                }
                needed = 4 + (((message.get(1) & 0xff) << 16) | ((message.get(2) & 0xff) << 8) | (message.get(3) & 0xff));
            }
            if (needed >= 0 && message.position() >= needed) {
                message.flip();
                message.limit(needed);
                message.position(4);
                try {
                    return body(message);
                } catch (RuntimeException e) {
                    return NONE; // malformed: the engine will say so to the client
                }
            }
        }
    }

    private static ClientHello body(ByteBuffer b) {
        b.getShort(); // legacy_version
        b.position(b.position() + 32); // random
        skip(b, b.get() & 0xff); // session id
        skip(b, b.getShort() & 0xffff); // cipher suites
        skip(b, b.get() & 0xff); // compression methods
        String serverName = null;
        List<String> protocols = new ArrayList<>();
        boolean statusRequest = false;
        if (b.remaining() < 2) {
            return new ClientHello(true, null, protocols, false);
        }
        int extensionsEnd = (b.getShort() & 0xffff) + b.position();
        while (b.position() + 4 <= extensionsEnd) {
            int type = b.getShort() & 0xffff;
            int length = b.getShort() & 0xffff;
            ByteBuffer data = b.slice().limit(length);
            skip(b, length);
            if (type == EXT_SERVER_NAME) {
                data.getShort(); // list length
                while (data.remaining() >= 3) {
                    int nameType = data.get() & 0xff;
                    byte[] name = new byte[data.getShort() & 0xffff];
                    data.get(name);
                    if (nameType == 0) {
                        serverName = new String(name, StandardCharsets.US_ASCII);
                    }
                }
            } else if (type == EXT_STATUS_REQUEST) {
                statusRequest = true;
            } else if (type == EXT_ALPN) {
                data.getShort(); // list length
                while (data.remaining() >= 1) {
                    byte[] protocol = new byte[data.get() & 0xff];
                    data.get(protocol);
                    protocols.add(new String(protocol, StandardCharsets.US_ASCII));
                }
            }
        }
        return new ClientHello(true, serverName, protocols, statusRequest);
    }

    private static void skip(ByteBuffer b, int n) {
        b.position(b.position() + n);
    }
}
