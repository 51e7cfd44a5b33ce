/**
 * The WAR-embedded install of Autocert, for any Servlet 6 container: adding the
 * {@code autocert-servlet} JAR to a webapp registers {@link dev.autocert.servlet.AcmeChallengeFilter}
 * (HTTP-01) and {@link dev.autocert.servlet.AutocertContextListener} (issue, store, renew, hand the
 * certificate to the container's TLS connector). Container-specific code is limited to how a connector
 * reloads its keystore (Tomcat: JMX; Jetty: its {@code ssl-reload} watcher). The one-shot
 * {@link dev.autocert.servlet.PlaceholderKeystore} command writes the connector's first keystore.
 */
package dev.autocert.servlet;
