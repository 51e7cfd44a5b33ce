package dev.autocert.acme;

import dev.autocert.config.AutocertConfig;
import dev.autocert.config.CertificateAuthority;
import dev.autocert.config.KeyType;
import dev.autocert.diagnose.AcmeProblems;
import dev.autocert.diagnose.DiagnosedException;
import dev.autocert.diagnose.Diagnosis;
import dev.autocert.store.Store;
import org.jspecify.annotations.Nullable;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Metadata;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The ACME account: its key is created once (ECDSA P-256, saved before the account is registered so
 * a crash never orphans an account) and reused for every order at that CA. Each CA of the {@code directory} list
 * has its own account, keyed in the store by its directory URL, bound with the EAB given at its position.
 */
final class Accounts {

    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    private final AutocertConfig config;
    private final CertificateAuthority ca;
    private final Store store;
    private @Nullable CaSessions sessions;
    private @Nullable Login login;
    /** Logins to the account on sessions of their own, free for the next order; guarded by this. */
    private final Deque<Login> idle = new ArrayDeque<>();

    Accounts(AutocertConfig config, CertificateAuthority ca, Store store) {
        this.config = config;
        this.ca = ca;
        this.store = store;
    }

    synchronized Login login() throws AcmeException, IOException, DiagnosedException {
        if (login != null) {
            return login;
        }
        URI directory = ca.directory();
        if (sessions == null) {
            sessions = new CaSessions(directory, config.caTrust().orElse(null));
        }
        Session session = sessions.open();
        Metadata meta = session.getMetadata();
        Optional<URI> terms = meta.getTermsOfService();
        if (terms.isPresent() && !config.acceptTerms()) {
            throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.TERMS_NOT_ACCEPTED,
                    "the CA at " + directory + " requires accepting its terms of service at " + terms.get(),
                    "read them and set acceptTerms=\"true\"", "acceptTerms"), null);
        }
        if (meta.isExternalAccountRequired() && ca.kid().isEmpty()) {
            boolean several = config.authorities().size() > 1;
            throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.ACCOUNT_REJECTED,
                    "the CA at " + directory + " only accepts accounts bound to an external account",
                    "set eabKid and eabHmacKey from the CA's console" + (several ? " as entry " + ca.position()
                            + " of each (one entry per CA of directory, e.g. eabKid=\"" + ",".repeat(ca.position() - 1)
                            + "kid-1" + ",".repeat(config.authorities().size() - ca.position()) + "\")" : ""), "eabKid"), null);
        }
        checkProfile(meta, directory);
        Optional<KeyPair> stored = store.loadAccountKey(directory);
        KeyPair keys = stored.isPresent() ? stored.get() : store.saveAccountKeyIfAbsent(directory, KeyType.EC256.generate());
        AccountBuilder builder = new AccountBuilder().useKeyPair(keys);
        if (terms.isPresent()) {
            builder.agreeToTermsOfService();
        }
        config.email().ifPresent(builder::addEmail);
        if (ca.kid().isPresent()) {
            builder.withKeyIdentifier(ca.kid().get(), ca.hmacKey().orElseThrow());
        }
        if (config.email().isEmpty() && stored.isEmpty()) {
            LOG.warn("No email set: the CA cannot warn you about problems with your certificates (setting 'email')");
        }
        try {
            login = builder.createLogin(session);
        } catch (AcmeServerException e) {
            throw refused(e, directory);
        }
        LOG.info("ACME account {} at {} ({})", login.getAccountLocation(), directory,
                stored.isPresent() ? "existing key" : "new key");
        idle.push(login);
        return login;
    }

    /**
     * Lends a login to the account on a session no other order uses, so concurrent orders do not wait for each
     * other's requests; {@link Lent#close} makes it free for the next.
     *
     * @return the login, on a session that already read the directory when it was lent before
     */
    synchronized Lent lend() throws AcmeException, IOException, DiagnosedException {
        Login account = login();
        Login free = idle.poll();
        if (free == null) {
            free = Objects.requireNonNull(sessions).open().login(account.getAccountLocation(), account.getKeyPair());
        }
        return new Lent(free, account);
    }

    private synchronized void giveBack(Login lent, Login account) {
        if (account == login) { // not after a rollover or close: that login's key or client is gone
            idle.push(lent);
        }
    }

    /** A login lent to one order. */
    final class Lent implements AutoCloseable {
        private final Login lent;
        private final Login account;

        private Lent(Login lent, Login account) {
            this.lent = lent;
            this.account = account;
        }

        /** @return the login, for this order alone */
        Login login() {
            return lent;
        }

        @Override
        public void close() {
            giveBack(lent, account);
        }
    }

    /** The {@code profile} setting must name one of the profiles the CA's directory lists (its {@code meta.profiles}). */
    private void checkProfile(Metadata meta, URI directory) throws DiagnosedException {
        Optional<String> profile = config.profile();
        if (profile.isEmpty() || meta.isProfileAllowed(profile.get())) {
            return;
        }
        Set<String> offered = new TreeSet<>(meta.getProfiles());
        String listed = offered.stream().map(p -> p + meta.getProfileDescription(p).map(d -> " (" + d + ")").orElse(""))
                .collect(Collectors.joining(", "));
        throw new DiagnosedException(new Diagnosis(Diagnosis.Kind.PROFILE_NOT_OFFERED,
                "the CA at " + directory + (offered.isEmpty() ? " offers no certificate profiles" : " offers the profiles " + listed)
                        + ", not '" + profile.get() + "'",
                offered.isEmpty() ? "remove profile" : "set profile to one of " + String.join(", ", offered) + ", or remove it",
                "profile"), null);
    }

    /**
     * The CA refused to create or find the account. With External Account Binding the usual reason is a key
     * or kid the CA does not know, so the evidence names the kid and the diagnosis the key setting.
     */
    private DiagnosedException refused(AcmeServerException e, URI directory) {
        Diagnosis said = AcmeProblems.explain(e, directory);
        if (ca.kid().isEmpty() || said.kind() == Diagnosis.Kind.RATE_LIMITED) {
            return new DiagnosedException(said, e);
        }
        return new DiagnosedException(new Diagnosis(Diagnosis.Kind.ACCOUNT_REJECTED,
                "the CA at " + directory + " refused the account bound to external account '" + ca.kid().get()
                        + "': \"" + e.getMessage() + "\"",
                "copy eabKid and eabHmacKey again from the CA's console (both belong to one key, and some CAs let a key"
                        + " bind only one account)", "eabHmacKey"), e);
    }

    /**
     * Rolls the account over to a new key: the CA first (RFC 8555 §7.3.5), then the store. Should the
     * store fail after the CA accepted, the error says so; the old key then no longer works.
     */
    synchronized void rollover() throws AcmeException, IOException, DiagnosedException {
        KeyPair next = KeyType.EC256.generate();
        login().getAccount().changeKey(next);
        login = null; // the next login uses the new key
        idle.clear();
        try {
            store.saveAccountKey(ca.directory(), next);
        } catch (IOException e) {
            throw new IOException("the CA now knows the account by a new key, which could not be stored: " + e.getMessage(), e);
        }
        LOG.info("Account key of {} rolled over", ca.directory());
    }

    /** Releases the HTTP client of the sessions; a later login connects again. */
    synchronized void close() {
        if (sessions != null) {
            sessions.close();
            sessions = null;
        }
        login = null;
        idle.clear();
    }
}
