package dev.autocert.status;

/** The Autocert instance as a whole: {@code dev.autocert:type=Autocert,instance=<store folder>}. */
public interface AutocertMXBean {

    /** @return the ACME directories in use, in order, separated by ',' (the first unless it keeps failing) */
    String getDirectory();

    /** @return the status of every certificate as JSON (see {@link StatusJson}) */
    String getStatusJson();

    /** Replaces the ACME account's key at the CA and in the store. */
    void rolloverAccountKey();
}
