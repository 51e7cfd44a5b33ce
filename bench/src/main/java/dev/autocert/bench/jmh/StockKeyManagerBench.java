package dev.autocert.bench.jmh;

import org.apache.tomcat.util.net.jsse.JSSEImplementation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/** The baseline: the key manager a stock Tomcat JSSE connector hands to JSSE for its PKCS#12 keystore. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StockKeyManagerBench {

    private X509ExtendedKeyManager keyManager;
    private SSLEngine engine;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        keyManager = KeyManagers.tomcat(new JSSEImplementation(), Files.createTempDirectory("autocert-jmh"), null);
        engine = new StubEngine("bench.test", null);
        if (keyManager.chooseEngineServerAlias("EC", null, engine) == null) {
            throw new IllegalStateException("the stock key manager chose nothing");
        }
    }

    /** {@code chooseEngineServerAlias}: Tomcat's JSSEKeyManager returns its configured alias. */
    @Benchmark
    public String chooseAlias() {
        return keyManager.chooseEngineServerAlias("EC", null, engine);
    }

    /** Choose the alias, then fetch its chain and its key. */
    @Benchmark
    public void chooseChainKey(Blackhole bh) {
        String alias = keyManager.chooseEngineServerAlias("EC", null, engine);
        bh.consume(keyManager.getCertificateChain(alias));
        bh.consume(keyManager.getPrivateKey(alias));
    }
}
