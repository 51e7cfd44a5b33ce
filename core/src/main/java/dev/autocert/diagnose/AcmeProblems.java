package dev.autocert.diagnose;

import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.exception.AcmeUserActionRequiredException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Turns the CA's problem documents ({@code urn:ietf:params:acme:error:*}) and acme4j's exceptions
 * into {@link Diagnosis} values, so no user ever reads a raw stack trace to learn what is wrong.
 */
public final class AcmeProblems {

    private static final String ACME_ERROR = "urn:ietf:params:acme:error:";
    private static final ValidationFailures VALIDATION = new ValidationFailures();

    /** Problem types a failed validation comes with, read in detail by {@link ValidationFailures}. */
    private static final Set<String> VALIDATION_TYPES = Set.of("connection", "unauthorized",
            "incorrectResponse", "dns", "tls", "malformed");

    private AcmeProblems() {
    }

    /**
     * @param problem a problem document, e.g. a failed challenge's error
     * @param name    the identifier it concerns, or {@code null}
     * @return its explanation
     */
    public static Diagnosis explain(Problem problem, String name) {
        String type = problem.getType().toString();
        String detail = problem.getDetail().orElse(problem.getTitle().orElse(type));
        String subject = name == null ? "" : name + ": ";
        String evidence = subject + "the CA says \"" + detail + "\"";
        if (!type.startsWith(ACME_ERROR)) {
            return new Diagnosis(Diagnosis.Kind.CA_ERROR, evidence, "read the CA's message; retrying later", null);
        }
        String acmeType = type.substring(ACME_ERROR.length());
        if (name != null && VALIDATION_TYPES.contains(acmeType)) {
            Diagnosis precise = VALIDATION.explain(acmeType, detail, name);
            if (precise != null) {
                return precise;
            }
        }
        switch (acmeType) {
            case "dns":
                return new Diagnosis(Diagnosis.Kind.DNS_PROBLEM, evidence,
                        "make the A/AAAA records of " + (name == null ? "the name" : name)
                                + " point at this server's public address and wait for DNS to update", "domains");
            case "connection":
                return new Diagnosis(Diagnosis.Kind.CONNECTION_FAILED, evidence,
                        "open port 80 (HTTP-01) or 443 (TLS-ALPN-01) to the internet in every firewall and make sure"
                                + " this server, not another program, listens there", "challenges");
            case "unauthorized":
            case "incorrectResponse":
                return new Diagnosis(Diagnosis.Kind.WRONG_ANSWER, evidence,
                        "make sure DNS points at this server and nothing in front of it (CDN, proxy, another web server,"
                                + " a security filter or login redirect) answers /.well-known/acme-challenge/ itself", "challenges");
            case "tls":
                return new Diagnosis(Diagnosis.Kind.CONNECTION_FAILED, evidence,
                        "a proxy or CDN may terminate TLS in front of this server; use the http-01 challenge", "challenges");
            case "rejectedIdentifier":
            case "unsupportedIdentifier":
            case "caa":
                return new Diagnosis(Diagnosis.Kind.NAME_REJECTED, evidence,
                        "remove the name from domains, or allow this CA in the domain's CAA records", "domains");
            case "rateLimited":
                return new Diagnosis(Diagnosis.Kind.RATE_LIMITED, evidence,
                        "wait; Autocert retries with growing delays and never hammers the CA", null);
            case "userActionRequired":
                return new Diagnosis(Diagnosis.Kind.TERMS_NOT_ACCEPTED, evidence,
                        "read the CA's new terms and set acceptTerms=\"true\"", "acceptTerms");
            case "externalAccountRequired":
            case "unauthorizedAccount":
            case "accountDoesNotExist":
                return new Diagnosis(Diagnosis.Kind.ACCOUNT_REJECTED, evidence,
                        "this CA needs External Account Binding: set eabKid and eabHmacKey from the CA's console", "eabKid");
            case "invalidContact":
            case "unsupportedContact":
                return new Diagnosis(Diagnosis.Kind.ACCOUNT_REJECTED, evidence, "give a working e-mail address", "email");
            default:
                return new Diagnosis(Diagnosis.Kind.CA_ERROR, evidence, "retrying later; if it persists, check the CA's status page", null);
        }
    }

    /**
     * @param e         any exception thrown while talking to the CA or writing the store
     * @param directory the CA's directory URL, for the evidence
     * @return its explanation
     */
    public static Diagnosis explain(Throwable e, URI directory) {
        if (e instanceof DiagnosedException d) {
            return d.diagnosis();
        }
        if (e instanceof AcmeRateLimitedException r) {
            String until = r.getRetryAfter().map(Instant::toString).orElse("a time the CA did not say");
            String help = r.getDocuments().isEmpty() ? "" : " (the CA's explanation: " + r.getDocuments().iterator().next() + ")";
            return new Diagnosis(Diagnosis.Kind.RATE_LIMITED,
                    "the CA at " + directory + " says \"" + r.getMessage() + "\"; the limit lifts at " + until + help,
                    "wait: Autocert asks again only after that time, also across restarts, and the certificate being"
                            + " served stays; forcing a renewal (renewNow) before then asks the CA early and is refused again", null);
        }
        if (e instanceof AcmeUserActionRequiredException u) {
            return new Diagnosis(Diagnosis.Kind.TERMS_NOT_ACCEPTED,
                    "the CA asks for action: " + u.getMessage() + u.getTermsOfServiceUri().map(t -> " (terms: " + t + ")").orElse(""),
                    "read the CA's terms and set acceptTerms=\"true\"", "acceptTerms");
        }
        if (e instanceof AcmeServerException s && s.getProblem() != null) {
            return explain(s.getProblem(), null);
        }
        if (e instanceof AcmeNetworkException || e instanceof ConnectException
                || e instanceof UnknownHostException || e instanceof SSLException) {
            Throwable root = rootCause(e);
            String fix = root instanceof SSLException
                    ? "if the CA uses a private root, point caTrust at its PEM file"
                    : "check the directory URL, this server's outbound HTTPS access and proxy settings";
            return new Diagnosis(Diagnosis.Kind.CA_UNREACHABLE,
                    "the ACME directory " + directory + " cannot be reached: " + root, fix,
                    root instanceof SSLException ? "caTrust" : "directory");
        }
        if (e instanceof IOException io) {
            return new Diagnosis(Diagnosis.Kind.STORAGE_FAILED, String.valueOf(io.getMessage()),
                    "make the storage folder writable by the server's user, and check the free disk space", "storage");
        }
        return new Diagnosis(Diagnosis.Kind.CA_ERROR, String.valueOf(rootCause(e)),
                "retrying later; if it persists, report it with the log", null);
    }

    /**
     * @param e a failure, possibly wrapping others
     * @return when the CA said it would accept the request again, if the failure is a rate limit that says so
     */
    public static Optional<Instant> retryAfter(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AcmeRateLimitedException r) {
                return r.getRetryAfter();
            }
            if (t instanceof DiagnosedException d && d.retryAfter().isPresent()) {
                return d.retryAfter();
            }
        }
        return Optional.empty();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
