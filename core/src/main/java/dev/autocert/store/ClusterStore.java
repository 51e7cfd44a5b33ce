package dev.autocert.store;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a {@link Store} shared by several nodes adds, so they act as one: a lease per certificate (exactly one
 * node orders it), challenge answers any node can give, and a feed of certificates another node stored. Core
 * checks whether its store implements this; a store for one node does not.
 */
public interface ClusterStore {

    /** @return this node's name in leases and logs (host name and a random suffix, unique per start) */
    String nodeId();

    /**
     * Takes the lease of one certificate for this node, or renews it when this node holds it already.
     *
     * @param name a certificate's name
     * @return the lease, or empty while another node holds it and it has not expired
     * @throws IOException when the store cannot be reached: then nobody may assume the lease is free
     */
    Optional<Lease> tryLease(String name) throws IOException;

    /** @return how long a lease lasts unless its holder renews it */
    Duration leaseTime();

    /** @return the challenge answers every node of the cluster can read */
    SharedChallenges challenges();

    /**
     * Starts telling {@code changed} the name of each certificate that was stored (by any node, this one
     * included), within seconds. Called once.
     *
     * @param changed told on a thread of the store's; must be quick or hand off
     */
    void watch(Consumer<String> changed);

    /**
     * A certificate's lease, held by this node until {@link #release()} or its expiry.
     */
    interface Lease extends AutoCloseable {

        /**
         * Extends the lease by its full term.
         *
         * @return whether this node still holds it (false when it expired and another node took it)
         * @throws IOException when the store cannot be reached
         */
        boolean renew() throws IOException;

        /** Gives the lease up now; a failure is logged (the lease then expires by itself). */
        void release();

        /** Same as {@link #release()}. */
        @Override
        default void close() {
            release();
        }
    }
}
