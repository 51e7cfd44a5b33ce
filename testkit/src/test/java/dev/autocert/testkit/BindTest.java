package dev.autocert.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real named starts on a free port, serves its zone and takes TSIG-signed updates; stopped by PID. */
class BindTest {

    @Test
    void servesTheZoneAndTakesSignedUpdates() throws Exception {
        ManagedProcess process;
        try (Bind bind = Bind.builder().zone("kit.test.").start()) {
            process = bind.process();
            assertTrue(process.isAlive());
            assertEquals("127.0.0.1:" + bind.port(), bind.address());
            assertTrue(Files.readString(bind.keyFile()).contains(bind.keySecret()));
            assertEquals(List.of(), bind.txt("_acme-challenge.kit.test"));
            bind.addTxt("_acme-challenge.kit.test", "one");
            bind.addTxt("_acme-challenge.kit.test", "two");
            assertEquals(Set.of("one", "two"), Set.copyOf(bind.txt("_acme-challenge.kit.test")));
            bind.deleteTxt("_acme-challenge.kit.test", "one");
            assertEquals(List.of("two"), bind.txt("_acme-challenge.kit.test"));
        }
        assertFalse(process.isAlive());
    }

    @Test
    void aMissingToolNamesTheDebianPackages() {
        IllegalStateException e = Assertions.assertThrows(IllegalStateException.class,
                () -> Bind.findExecutable("named-not-installed", null));
        assertTrue(e.getMessage().contains("apt-get install -y bind9 bind9-dnsutils"), e.getMessage());
    }
}
