package dev.autocert.tls;

import dev.autocert.challenge.ChallengeBoard;
import dev.autocert.config.KeyType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LiveCertificatesTest {

    private static CertifiedKey cert(String... names) {
        return SelfSigned.temporary(List.of(names), KeyType.EC256);
    }

    @Test
    void exactLookup() {
        LiveCertificates live = new LiveCertificates();
        CertifiedKey a = cert("a.test", "www.a.test");
        CertifiedKey b = cert("b.test");
        live.install(a);
        live.install(b);
        assertThat(live.lookup("a.test")).containsSame(a);
        assertThat(live.lookup("www.a.test")).containsSame(a);
        assertThat(live.lookup("b.test")).containsSame(b);
        assertThat(live.lookup("c.test")).isEmpty();
        assertThat(live.lookup(null)).isEmpty();
        assertThat(live.lookup("")).isEmpty();
        assertThat(live.size()).isEqualTo(3);
    }

    @Test
    void lookupIsCaseInsensitive() {
        LiveCertificates live = new LiveCertificates();
        CertifiedKey a = cert("A.Test");
        live.install(a);
        assertThat(live.lookup("a.test")).containsSame(a);
        assertThat(live.lookup("A.TEST")).containsSame(a);
    }

    @Test
    void wildcardCoversOneLevelOnly() {
        LiveCertificates live = new LiveCertificates();
        CertifiedKey w = cert("*.a.test");
        live.install(w);
        assertThat(live.lookup("x.a.test")).containsSame(w);
        assertThat(live.lookup("X.A.Test")).containsSame(w);
        assertThat(live.lookup("y.x.a.test")).isEmpty();
        assertThat(live.lookup("a.test")).isEmpty();
        assertThat(live.lookup("test")).isEmpty();
    }

    @Test
    void exactNameWinsOverWildcard() {
        LiveCertificates live = new LiveCertificates();
        CertifiedKey w = cert("*.a.test");
        CertifiedKey x = cert("x.a.test");
        live.install(x);
        live.install(w);
        assertThat(live.lookup("x.a.test")).containsSame(x);
        assertThat(live.lookup("y.a.test")).containsSame(w);
    }

    @Test
    void replacementServesTheNewCertificate() {
        LiveCertificates live = new LiveCertificates();
        CertifiedKey old = cert("a.test", "www.a.test");
        CertifiedKey renewed = cert("a.test", "www.a.test");
        live.install(old);
        live.install(renewed);
        assertThat(live.lookup("a.test")).containsSame(renewed);
        assertThat(live.lookup("www.a.test")).containsSame(renewed);
        assertThat(live.size()).isEqualTo(2);
    }

    @Test
    void replacedAliasStaysResolvable() {
        LiveCertificates live = new LiveCertificates();
        AutocertKeyManager km = new AutocertKeyManager(null, live, new ChallengeBoard(), null, null);
        CertifiedKey old = cert("a.test");
        live.install(old);
        String oldAlias = live.entry("a.test").alias();

        CertifiedKey renewed = cert("a.test");
        live.install(renewed);
        String newAlias = live.entry("a.test").alias();

        assertThat(newAlias).isNotEqualTo(oldAlias);
        assertThat(km.getPrivateKey(oldAlias)).isSameAs(old.key());
        assertThat(km.getCertificateChain(oldAlias)).containsExactly(old.leaf());
        assertThat(km.getPrivateKey(newAlias)).isSameAs(renewed.key());
        assertThat(km.getPrivateKey("no-such-alias")).isNull();
        assertThat(km.getCertificateChain("no-such-alias")).isNull();
    }

    @Test
    void longRetiredAliasesAreDropped() {
        LiveCertificates live = new LiveCertificates();
        live.install(cert("a.test"));
        String first = live.entry("a.test").alias();
        for (int i = 0; i < 70; i++) {
            live.install(cert("a.test"));
        }
        assertThat(live.byAlias(first)).isNull();
        assertThat(live.byAlias(live.entry("a.test").alias())).isNotNull();
    }

    @Test
    void aliasStillServingAnotherNameIsNotRetired() {
        LiveCertificates live = new LiveCertificates();
        CertifiedKey both = cert("a.test", "b.test");
        live.install(both);
        String alias = live.entry("a.test").alias();
        live.install(cert("a.test"));
        for (int i = 0; i < 70; i++) {
            live.install(cert("c.test"));
        }
        assertThat(live.lookup("b.test")).containsSame(both);
        assertThat(live.byAlias(alias)).isSameAs(both);
    }

    @Test
    void anIssuedCertificateReplacesThePlaceholderAndNoPlaceholderReplacesIt() {
        LiveCertificates live = new LiveCertificates();
        CertifiedKey placeholder = cert("a.test");
        assertThat(live.servePlaceholder("a.test", placeholder)).isTrue();
        assertThat(live.lookup("a.test")).containsSame(placeholder);
        assertThat(live.served("a.test")).isEmpty();
        assertThat(live.serving("a.test")).containsSame(placeholder);
        CertifiedKey issued = cert("a.test");
        live.install("a.test", issued);
        assertThat(live.served("a.test")).containsSame(issued);
        assertThat(live.servePlaceholder("a.test", cert("a.test"))).isFalse();
        assertThat(live.lookup("a.test")).containsSame(issued);
    }
}
