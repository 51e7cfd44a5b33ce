package dev.autocert.store;

import dev.autocert.config.ChallengeType;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The cluster half of a store, in memory, for unit tests: leases per certificate shared by every node built on
 * the same instance ({@link #node(String)}), challenge answers, and a switch that makes every call fail as a
 * database that is down would.
 */
public final class MemoryCluster {

    /** Lease holder per certificate name. */
    public final Map<String, String> leases = new ConcurrentHashMap<>();
    /** Answers by "type key". */
    public final Map<String, String> answers = new ConcurrentHashMap<>();
    /** When true, every call throws as an unreachable database would. */
    public volatile boolean down;

    /**
     * @param id the node's name
     * @return that node's view of the cluster
     */
    public ClusterStore node(String id) {
        return new ClusterStore() {
            @Override
            public String nodeId() {
                return id;
            }

            @Override
            public Optional<Lease> tryLease(String name) throws IOException {
                check();
                String holder = leases.putIfAbsent(name, id);
                if (holder != null && !holder.equals(id)) {
                    return Optional.empty();
                }
                return Optional.of(new Lease() {
                    @Override
                    public boolean renew() {
                        return id.equals(leases.get(name));
                    }

                    @Override
                    public void release() {
                        leases.remove(name, id);
                    }
                });
            }

            @Override
            public Duration leaseTime() {
                return Duration.ofSeconds(3);
            }

            @Override
            public SharedChallenges challenges() {
                return new SharedChallenges() {
                    @Override
                    public void put(ChallengeType type, String key, String keyAuthorization) throws IOException {
                        check();
                        answers.put(type.acmeName() + " " + key, keyAuthorization);
                    }

                    @Override
                    public void remove(ChallengeType type, String key) throws IOException {
                        check();
                        answers.remove(type.acmeName() + " " + key);
                    }

                    @Override
                    public Optional<String> find(ChallengeType type, String key) throws IOException {
                        check();
                        return Optional.ofNullable(answers.get(type.acmeName() + " " + key));
                    }
                };
            }

            @Override
            public void watch(Consumer<String> changed) {
                // tests call CertificateManager.adoptStored themselves
            }
        };
    }

    private void check() throws IOException {
        if (down) {
            throw new IOException("the cluster database is down (test)");
        }
    }
}
