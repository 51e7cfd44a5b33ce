package dev.autocert.renew;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void nominalDoublesUpToADay() {
        Backoff b = new Backoff(Duration.ofMinutes(1));
        assertThat(b.nominal(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(b.nominal(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(b.nominal(3)).isEqualTo(Duration.ofMinutes(4));
        assertThat(b.nominal(4)).isEqualTo(Duration.ofMinutes(8));
        assertThat(b.nominal(9)).isEqualTo(Duration.ofMinutes(256));
        assertThat(b.nominal(10)).isEqualTo(Duration.ofHours(6));
        assertThat(b.nominal(100)).isEqualTo(Duration.ofHours(6));
        assertThat(b.nominal(Integer.MAX_VALUE)).isEqualTo(Backoff.MAX);
    }

    @Test
    void firstDelayLongerThanSixHoursIsCapped() {
        assertThat(new Backoff(Duration.ofDays(3)).nominal(1)).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void delayWithinTwentyPercent() {
        Backoff b = new Backoff(Duration.ofMinutes(1));
        for (int failures = 1; failures <= 14; failures++) {
            long nominal = b.nominal(failures).toMillis();
            for (int i = 0; i < 200; i++) {
                long d = b.delay(failures).toMillis();
                assertThat(d).as("failures=%d", failures).isBetween(nominal * 8 / 10, nominal * 12 / 10);
            }
        }
    }

    @Test
    void delayIsSpread() {
        Backoff b = new Backoff(Duration.ofMinutes(1));
        assertThat(IntStream.range(0, 50).mapToObj(i -> b.delay(5)).distinct().count()).isGreaterThan(1);
    }
}
