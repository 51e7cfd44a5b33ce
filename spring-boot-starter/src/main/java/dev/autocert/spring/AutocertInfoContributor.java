package dev.autocert.spring;

import dev.autocert.renew.CertificateStatus;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code /actuator/info}'s {@code autocert} entry: the CA, the store and each certificate's names, expiry, next
 * attempt and why, and the connectors serving it.
 */
public class AutocertInfoContributor implements InfoContributor {

    private final AutocertRuntime runtime;

    /** @param runtime the starter's Autocert */
    public AutocertInfoContributor(AutocertRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> info = new LinkedHashMap<>();
        runtime.problem().ifPresent(p -> info.put("problem", p));
        runtime.config().ifPresent(c -> {
            info.put("directory", c.directories());
            info.put("storage", c.storage().toString());
        });
        List<Map<String, Object>> certificates = new ArrayList<>();
        runtime.autocert().ifPresent(a -> {
            for (CertificateStatus s : a.status()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("name", s.name());
                one.put("domains", s.domains());
                one.put("notAfter", Objects.toString(s.notAfter(), null));
                one.put("nextAttempt", Objects.toString(s.nextAttempt(), null));
                one.put("nextReason", s.nextReason());
                one.put("validatedBy", s.validatedBy());
                one.put("servedBy", s.servedBy());
                certificates.add(one);
            }
        });
        info.put("certificates", certificates);
        builder.withDetail("autocert", info);
    }
}
