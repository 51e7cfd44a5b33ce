package dev.autocert.bench.jmh;

import dev.autocert.Autocert;
import dev.autocert.bench.Fixtures;
import dev.autocert.config.KeyType;
import dev.autocert.tls.AutocertKeyManager;
import dev.autocert.tls.SelfSigned;
import dev.autocert.tomcat.AutocertJsseImplementation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The per-handshake cost of choosing a certificate through {@link AutocertKeyManager}, as Tomcat's
 * connector holds it (built by {@code AutocertJsseImplementation}, wrapping the connector keystore's key
 * manager), with 1 or 10,000 live certificates. Compare with {@link StockKeyManagerBench}. The extra
 * certificates come from the cache file named by the system property {@code autocert.bench.certCache}
 * ({@code {n}} replaced by their count) when it is set, as {@code bench/run.sh} does; otherwise each fork
 * generates them (≈ 2.5 ms each).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AutocertKeyManagerBench {

    private static final String SNI = "bench.test";

    /** Live certificates: {@value #SNI} plus n00001.bench.test … */
    @Param({"1", "10000"})
    public int certs;

    private X509ExtendedKeyManager keyManager;
    private SSLEngine hit;
    private SSLEngine unknown;
    private SSLEngine[] spread;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path folder = Files.createTempDirectory("autocert-jmh");
        Autocert autocert = Fixtures.autocert(folder.resolve("store"), SNI);
        autocert.liveCertificates().install(SelfSigned.temporary(List.of(SNI), KeyType.EC256));
        String cache = System.getProperty("autocert.bench.certCache");
        Fixtures.install(autocert.liveCertificates(), SNI, certs - 1, cache == null || certs <= 1 ? null
                : Path.of(cache.replace("{n}", Integer.toString(certs - 1))));
        keyManager = KeyManagers.tomcat(new AutocertJsseImplementation(), folder, autocert);
        if (!(keyManager instanceof AutocertKeyManager)) {
            throw new IllegalStateException("Tomcat's key manager is not Autocert's: " + keyManager.getClass());
        }
        hit = new StubEngine(SNI, null);
        unknown = new StubEngine("not-managed.test", null);
        spread = new SSLEngine[certs];
        spread[0] = hit;
        for (int i = 1; i < certs; i++) {
            spread[i] = new StubEngine(Fixtures.name(i, SNI), null);
        }
        if (keyManager.chooseEngineServerAlias("EC", null, hit) == null
                || keyManager.chooseEngineServerAlias("EC", null, spread[certs - 1]) == null) {
            throw new IllegalStateException("a live certificate was not chosen");
        }
    }

    /** {@code chooseEngineServerAlias} for the SNI of a live certificate. */
    @Benchmark
    public String chooseAlias() {
        return keyManager.chooseEngineServerAlias("EC", null, hit);
    }

    /** The same, the SNI cycling through all live names (cache misses at 10,000). */
    @Benchmark
    public String chooseAliasCyclingSni() {
        int i = next + 1;
        if (i >= spread.length) {
            i = 0;
        }
        next = i;
        return keyManager.chooseEngineServerAlias("EC", null, spread[i]);
    }

    /** An SNI Autocert does not manage: the lookup misses, the connector's keystore answers. */
    @Benchmark
    public String chooseAliasUnknownSni() {
        return keyManager.chooseEngineServerAlias("EC", null, unknown);
    }

    /** What JSSE does per handshake: choose the alias, then fetch its chain and its key. */
    @Benchmark
    public void chooseChainKey(Blackhole bh) {
        String alias = keyManager.chooseEngineServerAlias("EC", null, hit);
        bh.consume(keyManager.getCertificateChain(alias));
        bh.consume(keyManager.getPrivateKey(alias));
    }
}
