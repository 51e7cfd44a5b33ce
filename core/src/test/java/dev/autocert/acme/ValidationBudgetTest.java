package dev.autocert.acme;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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

    @Test
    void whatAStoreKeepsIsTheHoursFailuresAndABudgetBuiltFromItIsAsSpent() {
        Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
        ValidationBudget budget = new ValidationBudget();
        budget.failed("old.test", t0);
        for (int i = 0; i < 3; i++) {
            budget.failed("a.test", t0.plus(Duration.ofMinutes(30 + i)));
        }
        Instant now = t0.plus(Duration.ofMinutes(65));
        Map<String, List<Instant>> kept = budget.recent(now);
        assertThat(kept).containsOnlyKeys("a.test");
        assertThat(kept.get("a.test")).hasSize(3);

        ValidationBudget restarted = new ValidationBudget();
        restarted.merge(kept);
        assertThat(restarted.spentUntil(List.of("a.test"), now)).isEmpty();
        restarted.failed("a.test", now);
        restarted.failed("a.test", now.plusSeconds(1));
        assertThat(restarted.spentUntil(List.of("a.test"), now.plusSeconds(2))).contains(t0.plus(Duration.ofMinutes(90)));
    }

    @Test
    void mergingWhatAnotherNodeSawAddsOnlyFailuresNotKnownYet() {
        Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
        ValidationBudget budget = new ValidationBudget();
        budget.failed("a.test", t0);
        budget.failed("a.test", t0.plusSeconds(2));
        // the store holds this node's two and another node's three, one of them earlier
        budget.merge(Map.of("a.test", List.of(t0.minusSeconds(5), t0, t0.plusSeconds(1), t0.plusSeconds(2), t0.plusSeconds(3))));
        budget.merge(Map.of("a.test", List.of(t0.plusSeconds(1))));
        assertThat(budget.recent(t0.plusSeconds(10)).get("a.test"))
                .containsExactly(t0.minusSeconds(5), t0, t0.plusSeconds(1), t0.plusSeconds(2), t0.plusSeconds(3));
        assertThat(budget.spentUntil(List.of("a.test"), t0.plusSeconds(10))).contains(t0.minusSeconds(5).plus(ValidationBudget.WINDOW));
    }
}
