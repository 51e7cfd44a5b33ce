package dev.autocert.diagnose;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.Optional;

/** A failure that has already been explained. */
public final class DiagnosedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Diagnosis diagnosis;
    private final transient @Nullable Instant retryAfter;

    /**
     * @param diagnosis the explanation
     * @param cause     the underlying exception, kept for debug logs
     */
    public DiagnosedException(Diagnosis diagnosis, @Nullable Throwable cause) {
        this(diagnosis, cause, null);
    }

    /**
     * @param diagnosis  the explanation
     * @param cause      the underlying exception, kept for debug logs
     * @param retryAfter the earliest moment another attempt may be made, or {@code null} for the usual back-off
     */
    public DiagnosedException(Diagnosis diagnosis, @Nullable Throwable cause, @Nullable Instant retryAfter) {
        super(diagnosis.message(), cause);
        this.diagnosis = diagnosis;
        this.retryAfter = retryAfter;
    }

    /** @return the earliest moment another attempt may be made, when something (a limit) says so */
    public Optional<Instant> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** @return the explanation */
    public Diagnosis diagnosis() {
        return diagnosis;
    }
}
