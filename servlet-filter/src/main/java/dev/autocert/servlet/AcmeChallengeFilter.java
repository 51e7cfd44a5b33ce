package dev.autocert.servlet;

import dev.autocert.Autocert;
import dev.autocert.challenge.Http01Responder;
import dev.autocert.config.ConfigException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.EnumSet;

/**
 * Answers the CA's HTTP-01 requests, {@code GET /.well-known/acme-challenge/{token}}, from memory.
 * Registered by {@link AutocertInitializer} (or, in containers that run no initializers, by
 * {@link AutocertContextListener}) on {@value #URL_PATTERN}, ahead of the application's own filters, so
 * security filters, login redirects and rewrites never see these requests. While Autocert runs,
 * unknown tokens get 404; while it is idle or off, requests pass on to the application (which may
 * serve such files itself). With {@code statusPath} set, the filter is mapped to that path too and
 * serves the {@link StatusPage} there. To place the filter yourself, declare it in {@code web.xml} under
 * the name {@value #NAME} (mapped to the status path too, if you set one); it is then not registered again.
 */
public class AcmeChallengeFilter implements Filter {

    /** The filter's registration name. */
    public static final String NAME = "autocert-acme-challenge";
    /** The URL pattern it is mapped to. */
    public static final String URL_PATTERN = "/.well-known/acme-challenge/*";

    private ServletContext context;

    /** Creates the filter; the container calls this. */
    public AcmeChallengeFilter() {
    }

    /**
     * Registers the filter in front of every filter declared in descriptors, unless a filter of that
     * name exists already.
     *
     * @param context a webapp that is starting (from an initializer or a descriptor-declared listener)
     * @return whether it was registered now
     */
    static boolean register(ServletContext context) {
        if (context.getFilterRegistration(NAME) != null) {
            return false;
        }
        FilterRegistration.Dynamic filter = context.addFilter(NAME, AcmeChallengeFilter.class);
        if (filter == null) {
            return false;
        }
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, urlPatterns(context));
        return true;
    }

    /** @return the challenge pattern, and the status page's path when one is set */
    private static String[] urlPatterns(ServletContext context) {
        try {
            return StatusPage.path(SettingSources.of(context)).map(status -> new String[] {URL_PATTERN, status})
                    .orElse(new String[] {URL_PATTERN});
        } catch (ConfigException e) {
            return new String[] {URL_PATTERN}; // AutocertContextListener reports the bad path
        }
    }

    @Override
    public void init(FilterConfig config) {
        this.context = config.getServletContext();
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse out)) {
            chain.doFilter(request, response);
            return;
        }
        String uri = http.getRequestURI();
        String contextPath = http.getContextPath();
        String path = uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : uri;
        StatusPage status = (StatusPage) context.getAttribute(StatusPage.ATTRIBUTE);
        if (status != null && status.path().equals(path)) {
            status.serve(http, out);
            return;
        }
        Autocert autocert = Http01Responder.isChallengePath(path)
                ? (Autocert) context.getAttribute(AutocertContextListener.ATTRIBUTE) : null;
        if (autocert == null) {
            chain.doFilter(request, response);
            return;
        }
        Http01Responder.Reply reply = autocert.http01().reply(http.getMethod(), path);
        if (!reply.found()) {
            out.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        out.setStatus(HttpServletResponse.SC_OK);
        out.setContentType(Http01Responder.contentType());
        out.setContentLength(reply.body().length);
        if ("GET".equals(http.getMethod())) {
            out.getOutputStream().write(reply.body());
        }
    }
}
