package dev.autocert;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.KeyType;
import dev.autocert.store.MemoryStore;
import dev.autocert.tls.CertifiedKey;
import dev.autocert.tls.SelfSigned;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Autocert on a store that is not the file store: it reads, writes and names files only through the {@link dev.autocert.store.Store}. */
class AutocertStoreSeamTest {

    @TempDir
    Path storage;
    @TempDir
    Path hookOutput;

    @Test
    void servesFromAndReportsThroughTheStoreItIsGiven() throws Exception {
        MemoryStore store = new MemoryStore(Path.of("exported"));
        CertifiedKey stored = SelfSigned.temporary(List.of("seam.test"), KeyType.EC256);
        store.certificates.put("seam.test", stored);
        Path env = hookOutput.resolve("env");
        AutocertConfig config = AutocertConfig.parse(Map.of("domains", "seam.test", "directory", "https://127.0.0.1:1/dir",
                "onFailed", "echo \"$AUTOCERT_FULLCHAIN $AUTOCERT_KEYSTORE\" > " + env), storage);
        try (Autocert autocert = Autocert.create(config, EnumSet.of(ChallengeType.HTTP_01), store)) {
            assertThat(autocert.loadStored()).isEqualTo(1);
            assertThat(autocert.status().get(0).notAfter()).isEqualTo(stored.notAfter());
            assertThat(autocert.store()).isSameAs(store);
            autocert.start();
            autocert.renewNow("seam.test"); // the CA at port 1 is not there: the failure hook runs
            await().until(() -> Files.exists(env) && Files.readString(env).endsWith("\n"));
        }
        // the event hooks get the store's file names, not the file store's layout
        assertThat(Files.readString(env).trim()).isEqualTo(Path.of("exported", "seam.test", "chain.pem") + " "
                + Path.of("exported", "seam.test", "key.p12"));
        try (var files = Files.list(storage)) {
            assertThat(files).as("nothing written to the storage folder").isEmpty();
        }
    }
}
