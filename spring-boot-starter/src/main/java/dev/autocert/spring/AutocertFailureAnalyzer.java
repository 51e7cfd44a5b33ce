package dev.autocert.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Boot's start-up failure report for a bad {@code autocert.*} property (with {@code autocert.fail-fast=true}):
 * the property, what is wrong, and the fix.
 */
public class AutocertFailureAnalyzer extends AbstractFailureAnalyzer<AutocertConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, AutocertConfigurationException cause) {
        return new FailureAnalysis("Autocert property '" + cause.property() + "' " + cause.problem() + ".",
                cause.fix() + " (or set autocert.fail-fast=false to start without Autocert)", cause);
    }
}
