package dev.autocert.tomcat;

import com.sun.net.httpserver.HttpServer;
import dev.autocert.config.Setting;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.renew.CertificateStatus;
import dev.autocert.testkit.FreePorts;
import dev.autocert.testkit.Pebble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A validation that always fails (another program answers the challenge path with the wrong body) and an
 * operator pressing {@code renewNow} 20 times with a 100 ms {@code retryDelay}: Pebble sees at most 5 failed
 * validations of the name in the hour, counted in Pebble's own log, and status names the spent budget. The
 * failures are stored beside the account: three failures, a restart, and ten more {@code renewNow} still make 5.
 */
class ValidationBudgetIT {

    private static final Pattern INVALID = Pattern.compile("authz \\S+ set INVALID by completed challenge");

    @TempDir
    Path dir;

    @Test
    void noMoreThanFiveFailedValidationsPerNameAndHourWhateverRenewNowAsks() throws Exception {
        int caHttpPort = FreePorts.take();
        HttpServer wrong = wrongAnswers(caHttpPort);
        try (Pebble pebble = Pebble.builder().httpPort(caHttpPort).tlsPort(FreePorts.take()).workDir(dir.resolve("pebble")).start()) {
            AutocertListener listener = listener(pebble, "100ms");
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), FreePorts.take(), listener).start()) {
                renewUntilTheBudgetIsSpent(listener, 20);
                CertificateStatus status = listener.getAutocert().status().get(0);
                assertThat(invalidValidations(pebble)).as("failed validations Pebble counted").isEqualTo(5);
                assertThat(status.lastError().evidence()).contains("validation failed 5 times within the hour");
                assertThat(status.nextAttempt()).as("when the oldest failure is an hour old")
                        .isAfter(Instant.now().plus(Duration.ofMinutes(55)));
            }
        } finally {
            wrong.stop(0);
        }
    }

    @Test
    void aRestartKeepsTheFailuresOfTheHour() throws Exception {
        int caHttpPort = FreePorts.take();
        HttpServer wrong = wrongAnswers(caHttpPort);
        try (Pebble pebble = Pebble.builder().httpPort(caHttpPort).tlsPort(FreePorts.take()).workDir(dir.resolve("pebble")).start()) {
            // three failures (the first attempt at start and two renewNow), then a restart
            AutocertListener first = listener(pebble, "1h");
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), FreePorts.take(), first).start()) {
                for (int failures = 1; failures <= 3; failures++) {
                    int expected = failures;
                    await().atMost(Duration.ofSeconds(30)).until(() -> first.getAutocert().status().get(0).failures() == expected);
                    if (failures < 3) {
                        first.getAutocert().renewNow("budget.test");
                    }
                }
            }
            assertThat(invalidValidations(pebble)).isEqualTo(3);
            assertThat(dir.resolve("store/accounts")).isDirectoryRecursivelyContaining("glob:**/validation-failures");

            AutocertListener again = listener(pebble, "100ms");
            try (EmbeddedTomcat tomcat = new EmbeddedTomcat(dir.resolve("base"), FreePorts.take(), again).start()) {
                renewUntilTheBudgetIsSpent(again, 10);
                assertThat(invalidValidations(pebble)).as("failed validations in the hour, across the restart").isEqualTo(5);
            }
        } finally {
            wrong.stop(0);
        }
    }

    /** An operator pressing {@code renewNow} {@code times} times, 250 ms apart, until status names the spent budget. */
    private static void renewUntilTheBudgetIsSpent(AutocertListener listener, int times) throws InterruptedException {
        for (int i = 0; i < times; i++) {
            listener.getAutocert().renewNow("budget.test");
            Thread.sleep(250);
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                listener.getAutocert().status().get(0).lastError().kind() == Diagnosis.Kind.VALIDATION_BUDGET);
        Thread.sleep(1000); // an attempt still under way would show at Pebble now
    }

    /** Another program on the CA's HTTP-01 port answering every challenge with the wrong body. */
    private static HttpServer wrongAnswers(int port) throws IOException {
        HttpServer wrong = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        wrong.createContext("/", exchange -> {
            byte[] body = "not the key authorization".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        wrong.start();
        return wrong;
    }

    private AutocertListener listener(Pebble pebble, String retryDelay) {
        AutocertListener listener = PebbleListener.of(pebble, "budget.test", dir.resolve("store"), FreePorts.take());
        listener.set(Setting.CHALLENGES, "http-01");
        listener.set(Setting.RETRY_DELAY, retryDelay);
        listener.set(Setting.PREFLIGHT, "false");
        return listener;
    }

    private static int invalidValidations(Pebble pebble) {
        Matcher m = INVALID.matcher(pebble.pebbleProcess().logTail(100_000));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
