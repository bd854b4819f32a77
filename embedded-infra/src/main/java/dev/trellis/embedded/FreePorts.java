package dev.trellis.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers started a moment later. A port the kernel hands out for {@code bind(0)} lies
 * in its ephemeral range, where any outgoing connection made before the server binds (the broker's,
 * the database pool's) may take it; so a port is picked below that range, checked free now, and
 * never handed out twice by this JVM.
 */
public final class FreePorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int pick() {
        int ephemeralLow = ephemeralLow();
        for (int tries = 0; tries < 100 && ephemeralLow > LOWEST; tries++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralLow);
            if (isFree(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // no known range (not Linux): the kernel's choice
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first port of the kernel's ephemeral range, or 0 when unknown. */
    static int ephemeralLow() {
        try {
            // readAllLines: readString read only the first byte of this /proc file here (its size is reported wrong).
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
