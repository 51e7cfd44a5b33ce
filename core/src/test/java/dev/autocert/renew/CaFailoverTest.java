package dev.autocert.renew;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Which CA each attempt goes to, and how many failures its back-off counts, for consecutive failures 0, 1, 2 ... */
class CaFailoverTest {

    private static int[] next(CaFailover f, int upTo) {
        return IntStream.rangeClosed(0, upTo).map(f::next).toArray();
    }

    private static int[] backoff(CaFailover f, int upTo) {
        return IntStream.rangeClosed(1, upTo).map(f::backoffFailures).toArray();
    }

    @Test
    void oneCaIsTodaysRule() {
        CaFailover one = new CaFailover(1, 3);
        assertThat(next(one, 7)).containsOnly(0);
        assertThat(backoff(one, 7)).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(IntStream.rangeClosed(0, 7).filter(one::movesOn)).isEmpty();
    }

    @Test
    void threeFailuresAtEachOfTwoCasThenRoundAgain() {
        CaFailover two = new CaFailover(2, 3);
        assertThat(next(two, 12)).containsExactly(0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0);
        // after failure 3 the second CA is asked after retryDelay; after 6 the first resumes at its fourth attempt
        assertThat(backoff(two, 12)).containsExactly(1, 2, 1, 1, 2, 3, 4, 5, 3, 4, 5, 6);
        assertThat(IntStream.rangeClosed(0, 12).filter(two::movesOn)).containsExactly(3, 6, 9, 12);
    }

    @Test
    void failoverAfterEveryFailure() {
        CaFailover three = new CaFailover(3, 1);
        assertThat(next(three, 6)).containsExactly(0, 1, 2, 0, 1, 2, 0);
        assertThat(backoff(three, 6)).containsExactly(1, 1, 1, 1, 1, 2);
        assertThat(three.movesOn(0)).isFalse();
        assertThat(three.movesOn(1)).isTrue();
    }
}
