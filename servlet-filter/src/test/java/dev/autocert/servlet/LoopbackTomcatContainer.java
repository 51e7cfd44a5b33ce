package dev.autocert.servlet;

import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.CatalinaProperties;
import org.apache.catalina.startup.Tomcat;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.tomcat.embedded.EmbeddedContextConfig;
import org.jboss.arquillian.container.tomcat.embedded.EmbeddedHostConfig;
import org.jboss.arquillian.container.tomcat.embedded.Tomcat10EmbeddedContainer;
import org.jboss.arquillian.container.tomcat.embedded.TomcatEmbeddedConfiguration;
import org.jboss.arquillian.core.spi.LoadableExtension;

import java.io.File;
import java.lang.reflect.Field;

/**
 * Arquillian's embedded Tomcat ({@code arquillian-tomcat-embedded-10} 1.2.0.Final) with its HTTP connector bound to
 * {@code bindAddress} only. The adapter uses {@code bindAddress} as the host name and binds the connector to every
 * interface; this start is the adapter's own, plus the connector's {@code address}. Deploy and undeploy stay the
 * adapter's. Registered in place of the adapter's container by {@link Extension}.
 */
public class LoopbackTomcatContainer extends Tomcat10EmbeddedContainer {

    private TomcatEmbeddedConfiguration configuration;

    /** Created by Arquillian. */
    public LoopbackTomcatContainer() {
    }

    /** Puts this container in the place of the adapter's. */
    public static final class Extension implements LoadableExtension {
        @Override
        public void register(ExtensionBuilder builder) {
            builder.override(DeployableContainer.class, Tomcat10EmbeddedContainer.class, LoopbackTomcatContainer.class);
        }
    }

    @Override
    public void setup(TomcatEmbeddedConfiguration configuration) {
        super.setup(configuration);
        this.configuration = configuration;
    }

    @Override
    protected void startTomcatEmbedded() throws LifecycleException, org.apache.catalina.LifecycleException {
        if (configuration.getTomcatHome() == null) {
            throw new LifecycleException("set tomcatHome in arquillian.xml");
        }
        File home = new File(configuration.getTomcatHome()).getAbsoluteFile();
        File appBase = new File(home, "webapps");
        if (!appBase.isDirectory() && !appBase.mkdirs()) {
            throw new LifecycleException("cannot create " + appBase);
        }
        System.setProperty("catalina.base", home.getPath());
        CatalinaProperties.getProperty("foo"); // as the adapter: loads catalina.properties now

        Tomcat tomcat = new Tomcat();
        tomcat.getService().setName(configuration.getServerName());
        tomcat.setHostname(configuration.getBindAddress());
        tomcat.setPort(configuration.getBindHttpPort());
        tomcat.setBaseDir(home.getPath());
        tomcat.getConnector().setProperty("address", configuration.getBindAddress()); // the one difference
        tomcat.enableNaming();
        tomcat.getEngine().setName(configuration.getServerName());

        StandardHost host = new StandardHost();
        host.setName(configuration.getBindAddress());
        host.setAppBase(appBase.getPath());
        host.setDeployOnStartup(false);
        host.setAutoDeploy(false);
        host.setConfigClass(EmbeddedContextConfig.class.getCanonicalName());
        host.setUnpackWARs(configuration.isUnpackArchive());
        EmbeddedHostConfig hostConfig = new EmbeddedHostConfig();
        host.addLifecycleListener(hostConfig);
        tomcat.getEngine().addChild(host);

        set("tomcat", tomcat);
        set("host", host);
        set("embeddedHostConfig", hostConfig);
        set("appBase", appBase);
        tomcat.start();
        set("wasStarted", true);
    }

    /** Sets a private field of the adapter's container, which its deploy, undeploy and stop read. */
    private void set(String name, Object value) throws LifecycleException {
        try {
            Field field = Tomcat10EmbeddedContainer.class.getDeclaredField(name);
            field.setAccessible(true);
            field.set(this, value);
        } catch (ReflectiveOperationException e) {
            throw new LifecycleException("arquillian-tomcat-embedded-10 changed: no field " + name, e);
        }
    }
}
