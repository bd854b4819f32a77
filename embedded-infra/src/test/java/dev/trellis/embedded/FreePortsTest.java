package dev.trellis.embedded;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTest {

    @Test
    void aPickedPortIsFreeBelowTheEphemeralRangeAndNeverPickedTwice() throws IOException {
        int ephemeralLow = FreePorts.ephemeralLow();
        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.pick();
            assertThat(picked.add(port)).as("port %d picked twice", port).isTrue();
            if (ephemeralLow > 0) {
                assertThat(port).as("outgoing connections take ports from %d on", ephemeralLow).isLessThan(ephemeralLow);
            }
        }
        int port = FreePorts.pick();
        try (ServerSocket server = new ServerSocket(port)) {
            assertThat(server.getLocalPort()).isEqualTo(port);
        }
    }
}
