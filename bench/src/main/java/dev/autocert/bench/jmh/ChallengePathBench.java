package dev.autocert.bench.jmh;

import dev.autocert.challenge.ChallengeBoard;
import dev.autocert.challenge.Http01Responder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * What {@code AcmeChallengeValve} adds to a request: {@link Http01Responder#isChallengePath} on every
 * request, and the answer lookup on a challenge request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChallengePathBench {

    static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";

    /** Fields, not constants, so the JIT cannot fold the checks away. */
    public String ordinaryPath = "/static/" + TOKEN;
    public String apiPath = "/api/v1/customers/42/orders";
    public String challengePath = Http01Responder.PATH_PREFIX + TOKEN;

    private Http01Responder responder;

    @Setup
    public void setUp() {
        ChallengeBoard board = new ChallengeBoard();
        board.putHttp01(TOKEN, TOKEN + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI");
        responder = new Http01Responder(board);
    }

    /** The check every non-challenge request pays (a static-file path). */
    @Benchmark
    public boolean isChallengePathOrdinary() {
        return Http01Responder.isChallengePath(ordinaryPath);
    }

    /** The same on an API-like path whose first characters differ sooner. */
    @Benchmark
    public boolean isChallengePathApi() {
        return Http01Responder.isChallengePath(apiPath);
    }

    /** A challenge request: the check, the token pattern and the board lookup. */
    @Benchmark
    public String answerChallenge() {
        return Http01Responder.isChallengePath(challengePath) ? responder.answer(challengePath) : null;
    }
}
