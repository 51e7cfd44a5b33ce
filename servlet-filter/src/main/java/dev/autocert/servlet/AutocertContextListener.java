package dev.autocert.servlet;

import dev.autocert.diagnose.Diagnosis;
import dev.autocert.Autocert;
import dev.autocert.config.Adapter;
import dev.autocert.config.AutocertConfig;
import dev.autocert.config.ChallengeType;
import dev.autocert.config.ConfigException;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.util.EnumSet;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs Autocert for the life of the webapp: reads the settings (see {@link SettingSources} for the
 * precedence), serves stored certificates to the connector at once, issues and renews in the
 * background, and stops every Autocert thread when the webapp stops. Registered by
 * {@link AutocertInitializer} and by the JAR's {@code web-fragment.xml}; when both run, the first
 * instance does the work and the second stays passive.
 * <p>
 * HTTP-01 needs the root context: elsewhere the listener logs {@code HTTP01_NOT_AT_ROOT} with the
 * options and requests nothing from the CA. A bad setting is logged with its fix; the webapp starts
 * anyway. With {@code statusPath} set it publishes the {@link StatusPage}.
 */
public class AutocertContextListener implements ServletContextListener {

    /** The context attribute holding the running {@link Autocert}, read by {@link AcmeChallengeFilter}. */
    public static final String ATTRIBUTE = "dev.autocert.servlet.Autocert";
    /** The context attribute marking that one listener instance owns this webapp's Autocert. */
    static final String CLAIM = "dev.autocert.servlet.AutocertContextListener";

    private boolean owner;
    private Autocert autocert;

    /** Creates the listener; the container calls this. */
    public AutocertContextListener() {
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getAttribute(CLAIM) != null) {
            return;
        }
        context.setAttribute(CLAIM, Boolean.TRUE);
        owner = true;
        AdapterLog log = new AdapterLog(context);
        registerFilter(context);
        ContainerBase base = ContainerBase.detect();
        Optional<WarConfig> config;
        try {
            config = WarConfig.parse(SettingSources.of(context), base);
        } catch (ConfigException e) {
            log.error("Autocert is off for " + where(context) + ": " + e.getMessage());
            return;
        }
        if (config.isEmpty()) {
            log.info("Autocert is idle in " + where(context) + ": no domains are set (context-param or system property "
                    + "autocert.domains, or environment variable AUTOCERT_DOMAINS)");
            return;
        }
        start(context, config.get(), base, log);
    }

    private void start(ServletContext context, WarConfig war, ContainerBase base, AdapterLog log) {
        AutocertConfig config = war.core();
        boolean atRoot = context.getContextPath().isEmpty();
        autocert = Autocert.create(config, atRoot ? EnumSet.of(ChallengeType.HTTP_01) : EnumSet.noneOf(ChallengeType.class));
        if (war.connectorKeystore() != null) {
            autocert.addListener(new ConnectorInstaller(config.certificates().get(0), war.connectorKeystore(),
                    war.connectorKeystorePassword(), ConnectorReload.forServer(context.getServerInfo(), base), log));
        }
        context.setAttribute(ATTRIBUTE, autocert);
        publishStatus(context, config, log);
        log.info("Autocert manages " + config.certificates().size() + " certificate(s) "
                + config.certificates().stream().map(c -> c.domains().toString()).collect(Collectors.joining(" "))
                + " in " + where(context) + "; store " + config.storage() + "; connector keystore "
                + (war.connectorKeystore() == null ? "not set (certificates are only stored)" : war.connectorKeystore())
                + "; settings from " + String.join(", ", war.origins()));
        autocert.loadStored();
        if (!atRoot && config.dns().enabled()) {
            log.info("The webapp at '" + context.getContextPath() + "' cannot answer HTTP-01; it validates over DNS-01");
        } else if (!atRoot) {
            log.warn(new Diagnosis(Diagnosis.Kind.HTTP01_NOT_AT_ROOT, "this webapp runs at the context path '" + context.getContextPath()
                            + "', but the CA asks for http://<domain>/.well-known/acme-challenge/<token> at the site root, "
                            + "which never reaches it; no certificate is requested from here",
                    "deploy the WAR as the root context (ROOT.war in Tomcat's or Jetty's webapps/), or install Autocert "
                            + "at the container level (the Tomcat listener or the Jetty module), or use DNS-01 (settings "
                            + "dnsHook or rfc2136Server); stored certificates are still handed to the connector", null).message());
            return;
        }
        startOutsideWebappLoader(context, autocert::start);
    }

    private void publishStatus(ServletContext context, AutocertConfig config, AdapterLog log) {
        config.ineffective(Adapter.WAR).forEach(log::warn);
        String role = config.statusRole().orElse(null);
        if (config.statusPath().isEmpty()) {
            return;
        }
        String path = config.statusPath().get();
        context.setAttribute(StatusPage.ATTRIBUTE, new StatusPage(path, role, autocert, log));
        log.info("Autocert status at " + context.getContextPath() + path + " for clients on this machine"
                + (role == null ? "" : " and, over HTTPS, for role '" + role + "' of the container's realm"));
    }

    /**
     * Starts Autocert's threads with the webapp's parent class loader as their context class loader,
     * so threads the JDK starts from them (the HTTP client's selector and workers, which end some
     * time after the client is dropped) do not pin this webapp's class loader after undeploy.
     */
    private static void startOutsideWebappLoader(ServletContext context, Runnable start) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader webapp = context.getClassLoader();
        thread.setContextClassLoader(webapp != null && webapp.getParent() != null
                ? webapp.getParent() : ClassLoader.getPlatformClassLoader());
        try {
            start.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void registerFilter(ServletContext context) {
        try {
            AcmeChallengeFilter.register(context);
        } catch (UnsupportedOperationException | IllegalStateException e) {
            // registered by AutocertInitializer, which is the only place allowed to in this case
        }
    }

    private static String where(ServletContext context) {
        String path = context.getContextPath();
        return "the webapp at '" + (path.isEmpty() ? "/" : path) + "'";
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (!owner) {
            return;
        }
        ServletContext context = event.getServletContext();
        context.removeAttribute(ATTRIBUTE);
        context.removeAttribute(StatusPage.ATTRIBUTE);
        context.removeAttribute(CLAIM);
        owner = false;
        if (autocert != null) {
            autocert.close();
            autocert = null;
        }
    }
}
