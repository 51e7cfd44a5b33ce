package dev.autocert.servlet;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deploy and undeploy the WAR twice in Arquillian's embedded Tomcat (the container lives on): each deployment runs
 * Autocert (its scheduler thread, and the JDK HTTP client it asked the unreachable CA with); after each undeploy no
 * {@code autocert-*} thread is alive, and once garbage collections have run the webapp's class loader is gone, the
 * HTTP client's threads with it (JDK 17's {@code HttpClient} has no {@code close()}).
 */
@Tag("arquillian")
@ExtendWith(ArquillianExtension.class)
class RedeployArquillianTest {

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "redeployed", managed = false, testable = false)
    static WebArchive war() {
        return ArquillianWar.root(TestWebapp.settings(ArquillianWar.workDir(RedeployArquillianTest.class)), "")
                .addClass(LoaderProbe.class); // not Loaders: that one stays the container's
    }

    /** Lives outside the WAR (the container's class path): the webapp hands it a weak reference to its loader. */
    public static final class Loaders {
        public static volatile WeakReference<ClassLoader> last; // public: the WAR's classes are in another runtime package
    }

    /** In the WAR. */
    @WebListener
    public static final class LoaderProbe implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            Loaders.last = new WeakReference<>(event.getServletContext().getClassLoader());
        }
    }

    @Test
    void undeployStopsEveryAutocertThreadAndReleasesTheWebappClassLoader() throws Exception {
        // earlier tests' clients (JDK HttpClient threads end only once a GC has collected their client)
        whileCollectingGarbage("no HTTP client threads before", () -> EmbeddedTomcat.threadsNamed("HttpClient-").isEmpty());
        for (int round = 1; round <= 2; round++) {
            Loaders.last = null;
            deployer.deploy("redeployed");
            WeakReference<ClassLoader> loader = Loaders.last;
            assertThat(loader).as("the WAR's listener ran").isNotNull();
            assertThat(loader.get()).isNotSameAs(getClass().getClassLoader());
            assertThat(ArquillianWar.get("/.well-known/acme-challenge/unknownToken_0123456789").status())
                    .as("Autocert answers").isEqualTo(404);
            await("Autocert's HTTP client asked the CA").atMost(Duration.ofSeconds(10))
                    .until(() -> !EmbeddedTomcat.threadsNamed("HttpClient-").isEmpty());
            assertThat(EmbeddedTomcat.threadsNamed("autocert-")).as("the scheduler, waiting for its retry").isNotEmpty();

            deployer.undeploy("redeployed");
            assertThat(EmbeddedTomcat.threadsNamed("autocert-")).as("threads left after undeploy").isEmpty();
            whileCollectingGarbage("the webapp's class loader collected (round " + round + ")", () -> loader.get() == null);
            whileCollectingGarbage("the HTTP client's threads ended", () -> EmbeddedTomcat.threadsNamed("HttpClient-").isEmpty());
        }
    }

    private static void whileCollectingGarbage(String what, Callable<Boolean> condition) {
        await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            System.gc();
            return condition.call();
        });
    }
}
