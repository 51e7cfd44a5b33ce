package dev.autocert.tomcat;

import dev.autocert.config.Setting;
import dev.autocert.testkit.Pebble;

import java.nio.file.Path;

/** What the embedded acceptance tests share: a listener pointed at the test's Pebble, its HTTPS connector on 127.0.0.1. */
final class PebbleListener {

    private PebbleListener() {
    }

    /**
     * @param pebble    the CA, whose terms are accepted
     * @param domains   the {@code domains} setting
     * @param storage   the store folder
     * @param httpsPort the port of the HTTPS connector the listener adds
     * @return the listener, for the test to add its own settings
     */
    static AutocertListener of(Pebble pebble, String domains, Path storage, int httpsPort) {
        AutocertListener listener = new AutocertListener();
        listener.set(Setting.DOMAINS, domains);
        listener.set(Setting.ACCEPT_TERMS, "true");
        listener.set(Setting.DIRECTORY, pebble.directoryUrl());
        listener.set(Setting.CA_TRUST, pebble.caTrustPem().toString());
        listener.set(Setting.STORAGE, storage.toString());
        listener.set(Setting.HTTPS_PORT, String.valueOf(httpsPort));
        listener.set(Setting.HTTPS_ADDRESS, "127.0.0.1");
        return listener;
    }
}
