package dev.autocert.challenge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Http01ResponderTest {

    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    private static final String PATH = "/.well-known/acme-challenge/" + TOKEN;

    @Test
    void challengePath() {
        assertThat(Http01Responder.isChallengePath(PATH)).isTrue();
        assertThat(Http01Responder.isChallengePath("/.well-known/acme-challenge/")).isTrue();
        assertThat(Http01Responder.isChallengePath("/.well-known/acme-challenge")).isFalse();
        assertThat(Http01Responder.isChallengePath("/index.html")).isFalse();
        assertThat(Http01Responder.isChallengePath("/app/.well-known/acme-challenge/x")).isFalse();
        assertThat(Http01Responder.isChallengePath(null)).isFalse();
    }

    @Test
    void answersPendingToken() {
        ChallengeBoard board = new ChallengeBoard();
        board.putHttp01(TOKEN, TOKEN + ".thumbprint");
        Http01Responder responder = new Http01Responder(board);
        assertThat(responder.answer(PATH)).isEqualTo(TOKEN + ".thumbprint");
        assertThat(Http01Responder.contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void statelessModeAnswersAnyWellFormedTokenWithTheAccountThumbprint() {
        ChallengeBoard board = new ChallengeBoard();
        board.putHttp01(TOKEN, "from-the-board");
        Http01Responder stateless = new Http01Responder(board, () -> "thumb");
        assertThat(stateless.answer(PATH)).isEqualTo(TOKEN + ".thumb");
        String other = "/.well-known/acme-challenge/never_published_0123456789";
        assertThat(new String(stateless.reply("GET", other).body())).isEqualTo("never_published_0123456789.thumb");
        assertThat(stateless.answer("/.well-known/acme-challenge/short")).as("malformed tokens stay 404").isNull();
        assertThat(stateless.reply("POST", PATH).found()).isFalse();
        assertThat(new Http01Responder(board, () -> null).answer(PATH)).as("no account key yet: the board answers")
                .isEqualTo("from-the-board");
    }

    @Test
    void unknownTokenIsNull() {
        ChallengeBoard board = new ChallengeBoard();
        board.putHttp01(TOKEN, "x");
        assertThat(new Http01Responder(board).answer(PATH.replace('e', 'f'))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc", "abc", "", "../../../../etc/passwd", "aaaaaaaaaaaaaaaa/bbbb", "aaaaaaaaaaaaaaaa%2e", "aaaaaaaaaaaaaaaa?x=1",
            "aaaaaaaaaaaaaaa@", "aaaaaaaaaaaaaaa[", "aaaaaaaaaaaaaaa`", "aaaaaaaaaaaaaaa{", "aaaaaaaaaaaaaaa:",
            "aaaaaaaaaaaaaaa/", "aaaaaaaaaaaaaaa.", "aaaaaaaaaaaaaaa\u00e9", "aaaaaaaaaaaaaaa "})
    void malformedTokenIsNull(String token) {
        ChallengeBoard board = new ChallengeBoard();
        board.putHttp01(token, "should never be served");
        assertThat(new Http01Responder(board).answer(Http01Responder.PATH_PREFIX + token)).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 43, 256})
    void everyBase64urlCharacterIsATokenCharacter(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String token = alphabet.repeat(5).substring(0, length);
        ChallengeBoard board = new ChallengeBoard();
        board.putHttp01(token, "ok");
        assertThat(new Http01Responder(board).answer(Http01Responder.PATH_PREFIX + token)).isEqualTo("ok");
    }

    @Test
    void tooLongTokenIsNull() {
        String token = "a".repeat(257);
        ChallengeBoard board = new ChallengeBoard();
        board.putHttp01(token, "x");
        assertThat(new Http01Responder(board).answer(Http01Responder.PATH_PREFIX + token)).isNull();
    }

    @Test
    void removedTokenIsNull() {
        ChallengeBoard board = new ChallengeBoard();
        board.putHttp01(TOKEN, "answer");
        Http01Responder responder = new Http01Responder(board);
        assertThat(responder.answer(PATH)).isEqualTo("answer");
        board.removeHttp01(TOKEN);
        assertThat(responder.answer(PATH)).isNull();
        assertThat(board.isEmpty()).isTrue();
    }

    @Test
    void replyIs200WithTheKeyAuthorizationForGetAndHeadOnly() {
        ChallengeBoard board = new ChallengeBoard();
        board.putHttp01(TOKEN, TOKEN + ".thumbprint");
        Http01Responder responder = new Http01Responder(board);
        Http01Responder.Reply get = responder.reply("GET", PATH);
        assertThat(get.found()).isTrue();
        assertThat(new String(get.body(), StandardCharsets.US_ASCII)).isEqualTo(TOKEN + ".thumbprint");
        assertThat(responder.reply("HEAD", PATH).status()).isEqualTo(200);
        assertThat(responder.reply("POST", PATH)).isSameAs(Http01Responder.Reply.NOT_FOUND);
        assertThat(responder.reply("GET", PATH + "x").status()).isEqualTo(404);
    }
}
