package dev.autocert.acme;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ValidationBudgetTest {

    private static final Instant T = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void fiveFailuresInAnHourSpendTheBudgetUntilTheOldestIsAnHourOld() {
        ValidationBudget budget = new ValidationBudget();
        for (int i = 0; i < 4; i++) {
            budget.failed("a.test", T.plus(Duration.ofMinutes(i)));
        }
        assertThat(budget.spentUntil(List.of("a.test"), T.plus(Duration.ofMinutes(5)))).isEmpty();
        budget.failed("a.test", T.plus(Duration.ofMinutes(10)));
        assertThat(budget.spentUntil(List.of("www.a.test", "a.test"), T.plus(Duration.ofMinutes(11)))).contains(T.plus(Duration.ofHours(1)));
        // an hour after the first failure one slot is free again
        assertThat(budget.spentUntil(List.of("a.test"), T.plus(Duration.ofHours(1)))).isEmpty();
        assertThat(budget.spentUntil(List.of("b.test"), T)).isEmpty();
    }

    @Test
    void theLatestOfSeveralSpentNamesCounts() {
        ValidationBudget budget = new ValidationBudget();
        for (int i = 0; i < 5; i++) {
            budget.failed("a.test", T.plusSeconds(i));
            budget.failed("b.test", T.plus(Duration.ofMinutes(20)).plusSeconds(i));
        }
        assertThat(budget.spentUntil(List.of("a.test", "b.test"), T.plus(Duration.ofMinutes(30))))
                .contains(T.plus(Duration.ofMinutes(80)));
    }
}
